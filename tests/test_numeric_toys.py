"""The toy calculations of the sources, free energy criteria and the brains Monte Carlo, each
checked against an independent computation (closed forms, brute-force Monte Carlo, the exact
module)."""
from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest

from vault_builder import numeric as slt
from vault_builder.numeric import toys

RNG = np.random.default_rng(12345)


# --- the 15-parameter machine -----------------------------------------------------------------

def test_poly15_solutions_of_the_post():
    assert slt.poly15_rlct(slt.POLY15_X4) == (F(5, 2), 11)
    assert slt.poly15_rlct(slt.POLY15_ONE) == (F(5, 2), 7)
    c = slt.poly15_coefficients(np.array([slt.POLY15_X4, slt.POLY15_ONE], dtype=float))
    assert c.tolist() == [[1, 0, 0, 0, 0], [0, 0, 0, 0, 1]]  # x⁴ and 1


@pytest.mark.parametrize("theta, m", [
    # x⁴ with θ3 = 5: the x³ term is θ2·5, only one zero factor, regular there
    ((1, 0, 5) + (0,) * 12, 10),
    # all five coefficients non-zero: every term regular, m = 1
    ((2, 1, 3, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1), 1),
    # the zero function with every parameter zero: m − 1 = 0 + 1 + 2 + 3 + 4
    ((0,) * 15, 11),
    # f = x: zero x⁴, x³, x² terms (m − 1 = 0 + 1 + 2), constant term with one zero factor
    ((0,) * 6 + (1, 1, 1, 1) + (0, 2, 2, 2, 2), 4),
])
def test_poly15_lambda_is_five_halves_everywhere_multiplicity_varies(theta, m):
    assert slt.poly15_rlct(theta) == (F(5, 2), m)


def test_poly15_multiplicity_matches_a_brute_force_count_on_random_points():
    for _ in range(200):
        theta = RNG.choice([0.0, 0.0, 1.0, -2.0, 0.5], size=15)
        groups = np.split(theta, np.cumsum(slt.POLY15_TERMS)[:-1])
        m = 1 + sum(max(0, int(np.sum(g == 0)) - 1) for g in groups)
        assert slt.poly15_rlct(theta) == (F(5, 2), m)


def test_poly15_K_vanishes_exactly_on_the_truth():
    x4 = np.array(slt.POLY15_X4, dtype=float)
    assert slt.poly15_K(x4, x4) == 0
    moved = x4.copy()
    moved[2] = 7.0  # θ3 is free while θ2 = 0
    assert slt.poly15_K(moved, x4) == 0
    moved[1] = 0.1
    assert slt.poly15_K(moved, x4) == pytest.approx(0.49)


def test_poly15_lam_eff_is_below_five_halves_and_lower_at_x4():
    betas = [1e2, 1e4, 1e8, 1e12]
    a, b = slt.poly15_lam_eff(slt.POLY15_X4, betas), slt.poly15_lam_eff(slt.POLY15_ONE, betas)
    assert np.all(np.diff(a) > 0) and np.all(np.diff(b) > 0)
    assert np.all(a < b) and np.all(b < 2.5)
    # the gap tracks the multiplicities: ≈ (11 − 7)/log β at large β
    gap = (b - a)[-1]
    assert 0.5 * 4 / np.log(1e12) < gap < 1.5 * 4 / np.log(1e12)


def test_poly15_group_integrals_match_monte_carlo():
    """Each coefficient group separately, at β = 100, by brute-force Monte Carlo on its box."""
    beta = 100.0
    for k, ones in [(2, 0), (3, 0), (2, 2), (3, 3), (1, 1), (2, 1)]:
        lo = np.where(np.arange(k) < ones, 0.0, -1.0)  # factor near 1: U(0, 2); near 0: U(−1, 1)
        theta = lo + 2 * RNG.random((2_000_000, k))
        target = 1.0 if ones == k else 0.0
        K = (theta.prod(axis=1) - target) ** 2
        w = np.exp(-beta * K)
        mc = float(np.sum(w * K) / np.sum(w))
        exact = toys._gamma_expectations(k, 2.0**ones, target, beta)[1]
        assert exact == pytest.approx(mc, rel=0.02)


def test_poly15_lam_eff_rejects_unsupported_points():
    with pytest.raises(ValueError):
        slt.poly15_lam_eff((0.5,) + (0,) * 14, 1e3)


# --- K = θ1² θ2² ----------------------------------------------------------------------------------

def test_theta1theta2_mass_matches_monte_carlo():
    n = 300.0
    x = RNG.uniform(-1, 1, size=(4_000_000, 2))
    w = np.exp(-n * (x[:, 0] * x[:, 1]) ** 2)
    origin = np.all(np.abs(x) <= 0.1, axis=1)
    side = (np.abs(x[:, 0] - 0.5) <= 0.1) & (np.abs(x[:, 1]) <= 0.1)
    mass = slt.theta1theta2_mass(n, 0.1)
    assert mass[(0.0, 0.0)] == pytest.approx(w[origin].sum() / w.sum(), rel=0.02)
    assert mass[(0.5, 0.0)] == pytest.approx(w[side].sum() / w.sum(), rel=0.03)


def test_theta1theta2_origin_gains_only_logarithmically():
    ns = [1e4, 1e6, 1e8, 1e10, 1e12]
    origin = [slt.theta1theta2_mass(n)[(0.0, 0.0)] for n in ns]
    side = [slt.theta1theta2_mass(n)[(0.5, 0.0)] for n in ns]
    assert all(a < b for a, b in zip(origin, origin[1:]))
    ratio = np.array(origin) / np.array(side)
    assert all(a < b for a, b in zip(ratio, ratio[1:]))
    # mass outside the origin square ~ const/log n: the product with log n stays bounded
    outside = (1 - np.array(origin)) * np.log(ns)
    assert outside.max() / outside.min() < 1.5
    assert origin[-1] < 0.75


# --- trapping ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [5.0, 100.0, 500.0])
def test_trapping_fraction_for_min_matches_monte_carlo(beta):
    x = RNG.uniform(-1, 1, size=(3_000_000, 2))
    w = np.exp(-beta * np.minimum(np.abs(x[:, 0]), np.abs(x[:, 1])))
    inside = np.all(np.abs(x) <= 0.1, axis=1)
    assert slt.trapping_fraction("min", beta) == pytest.approx(w[inside].sum() / w.sum(), rel=0.04)


def test_trapping_limits():
    assert slt.trapping_fraction("min", 1e12) == pytest.approx(0.1, abs=1e-9)
    assert slt.trapping_fraction("min", 1e12, eps=0.3) == pytest.approx(0.3, abs=1e-9)
    xy = [slt.trapping_fraction("xy2", b) for b in (1e2, 1e4, 1e8, 1e12)]
    assert all(a < b for a, b in zip(xy, xy[1:])) and 0.5 < xy[-1] < 0.8
    assert slt.trapping_fraction("xy2", 1e4) == slt.theta1theta2_mass(1e4)[(0.0, 0.0)]
    with pytest.raises(ValueError):
        slt.trapping_fraction("relu", 10.0)


def test_short_langevin_simulation_agrees_with_the_exact_fraction():
    for loss in ("min", "xy2"):
        sim = slt.simulate_trapping(loss, 100.0, n_chains=400, n_steps=1500, seed=2)
        assert sim == pytest.approx(slt.trapping_fraction(loss, 100.0), abs=0.02)


def test_simulation_from_the_prior_is_slow_to_find_the_stationary_fraction():
    exact = slt.trapping_fraction("min", 100.0)
    short = slt.simulate_trapping("min", 100.0, n_chains=200, n_steps=400, init="prior", seed=0)
    assert short < 0.6 * exact


# --- volume scaling ---------------------------------------------------------------------------------

def test_volume_monomial_closed_form_and_monte_carlo():
    ts = np.array([1e-2, 1e-4, 1e-8])
    s = 0.5 * np.log(1 / ts)
    assert np.allclose(slt.volume_monomial(2, ts), np.sqrt(ts) * (1 + s))
    assert np.allclose(slt.volume_monomial(3, ts), np.sqrt(ts) * (1 + s + s**2 / 2))
    x = RNG.uniform(-1, 1, size=(2_000_000, 2))
    K = (x[:, 0] * x[:, 1]) ** 2
    for t in (1e-2, 1e-4):
        assert slt.volume_monomial(2, t) == pytest.approx(np.mean(K < t), rel=0.02)


def test_volume_fraction_by_quadrature():
    ts = np.logspace(-10, -2, 5)
    v = slt.volume_fraction(lambda w: (w[..., 0] * w[..., 1]) ** 2, 2, ts)
    assert np.allclose(v, slt.volume_monomial(2, ts), rtol=0.02)
    disc = slt.volume_fraction(lambda w: np.sum(w**2, axis=-1), 2, ts)
    assert np.allclose(disc, np.pi * ts / 4, rtol=0.02)


def test_local_slopes_approach_lambda_from_below_at_rate_m_minus_one_over_log():
    ts = np.logspace(-40, -2, 400)
    for k in (2, 3):
        slopes = slt.local_slopes(ts, slt.volume_monomial(k, ts))
        predicted = 0.5 - (k - 1) / np.log(1 / ts)
        assert np.all(slopes < 0.5)
        far = ts < 1e-20
        assert np.max(np.abs(slopes[far] - predicted[far])) < 0.5 * (k - 1) / np.log(1e20)
    assert np.allclose(slt.local_slopes(ts, np.pi * ts / 4), 1.0)


# --- SGD as Langevin ---------------------------------------------------------------------------------

def test_sgd_learning_rate_of_the_comment():
    N, nb, D = 1.75e11, 3.2e6, 3e11
    eta = slt.sgd_bayes_learning_rate(N, nb, D)
    assert eta == pytest.approx(2 * N * nb / D)
    # consistency: at that learning rate the equilibrium's inverse temperature is D
    assert slt.sgd_inverse_temperature(eta, nb, 1 / N) == pytest.approx(D)
    assert slt.sgd_bayes_learning_rate(N, nb, D, sigma2=1e-3) == pytest.approx(2 * nb / (1e-3 * D))
    assert slt.sgd_bayes_learning_rate(N, 2 * nb, D) == pytest.approx(2 * eta)


# --- free energy ---------------------------------------------------------------------------------------

def test_bic_and_asymptotic_formulas():
    assert slt.bic(1000, 50.0, 4) == pytest.approx(50 + 2 * math.log(1000))
    assert slt.free_energy_asymptotic(1000, 50.0, 0.5, 2) == pytest.approx(
        50 + 0.5 * math.log(1000) - math.log(math.log(1000)))
    # a regular model's singular formula is its BIC
    assert slt.free_energy_asymptotic(1e5, 7.0, slt.rlct_regular(3)[0]) == pytest.approx(slt.bic(1e5, 7.0, 3))
    with pytest.raises(ValueError):
        slt.bic(1, 0.0, 2)
    with pytest.raises(ValueError):
        slt.free_energy_asymptotic(2.0, 0.0, 0.5)


def test_free_energy_numeric_matches_the_gaussian_integral():
    ns = np.array([10.0, 1e3, 1e6])
    f = slt.free_energy_numeric(lambda w: np.sum(w**2, axis=-1), 2, ns, n_entropy=0.25)
    z1 = np.array([math.sqrt(math.pi) * math.erf(math.sqrt(n)) / (2 * math.sqrt(n)) for n in ns])
    assert np.allclose(f, 0.25 * ns - 2 * np.log(z1), atol=2e-4)


def test_numeric_free_energy_grows_like_lambda_log_n_minus_m_minus_one_log_log_n():
    rows = slt.compare_free_energy(lambda w: (w[..., 0] * w[..., 1]) ** 2, 2, np.logspace(2, 10, 9),
                                   lam=0.5, m=2)
    assert abs(rows[0].singular_error) < 1e-9 and abs(rows[0].bic_error) < 1e-9
    assert max(abs(r.singular_error) for r in rows) < 0.35
    bic_err = [r.bic_error for r in rows]
    assert all(a < b for a, b in zip(bic_err, bic_err[1:])) and bic_err[-1] > 9
    # the increments between the two largest n follow the singular formula closely
    a, b = rows[-2], rows[-1]
    expect = 0.5 * math.log(b.n / a.n) - math.log(math.log(b.n) / math.log(a.n))
    assert b.numeric - a.numeric == pytest.approx(expect, abs=0.02)


def test_for_a_regular_model_bic_and_the_singular_formula_agree():
    rows = slt.compare_free_energy(lambda w: np.sum(w**2, axis=-1), 2, np.logspace(2, 8, 4), lam=1, m=1)
    assert all(abs(r.bic_error) < 0.01 and abs(r.singular_error) < 0.01 for r in rows)


def test_free_energy_crossover():
    n = slt.free_energy_crossover(0.01, 0.5, 1.5)
    gap = lambda x: x * 0.01 - 1.0 * math.log(x)
    assert gap(n * 0.999) < 0 < gap(n * 1.001)
    assert slt.free_energy_crossover(0.001, 0.5, 1.5) > 10 * n / 2
    assert slt.free_energy_crossover(1e-40, 0.5, 1.5) is None
    with pytest.raises(ValueError):
        slt.free_energy_crossover(0.0, 0.5, 1.5)


# --- brains -----------------------------------------------------------------------------------------

def test_squiggle_to_has_the_requested_90_percent_interval():
    rng = np.random.default_rng(0)
    x = slt.squiggle_to(8000, 10000, 400_000, rng)
    assert np.quantile(x, 0.05) == pytest.approx(8000, rel=0.005)
    assert np.quantile(x, 0.95) == pytest.approx(10000, rel=0.005)
    assert np.all(x > 0)
    y = slt.squiggle_to(-1, 3, 400_000, rng)  # a ≤ 0: normal
    assert np.quantile(y, 0.05) == pytest.approx(-1, abs=0.02) and y.min() < -1.5
    with pytest.raises(ValueError):
        slt.squiggle_to(2, 1, 10, rng)


def test_brain_vs_computer_reproduces_the_post():
    r = slt.brain_vs_computer(n=100_000, seed=1)
    # medians of products of lognormals are products of medians √(a b)
    med = lambda a, b: math.sqrt(a * b)
    brain = med(8000, 10000) / 86400 * 1000 / 1e15
    computer = med(25e6, 30e6) / med(450e15, 550e15)
    assert r["brain_J_per_FLOP"].median == pytest.approx(brain, rel=0.01)
    assert r["energy_ratio"].median == pytest.approx(computer / brain, rel=0.01)
    assert 450 < r["energy_ratio"].median < 600  # "almost 500 times"
    assert 100 < r["efficiency_ratio"].median < 1000  # "2-3 orders of magnitude"
    evo = r["evolution_log10_FLOPs"]
    # uniform(19, 23) + (2 to 6) + log10(s/year) + log10(850e6 years); the lognormal "2 to 6"
    # has median √12 and mean √12·exp(σ²/2) with σ = ln(6/2)/(2·1.6449)
    sigma = math.log(3) / (2 * 1.6448536)
    assert evo.mean == pytest.approx(21 + med(2, 6) * math.exp(sigma**2 / 2)
                                     + math.log10(365 * 24 * 3600) + math.log10(850e6), abs=0.02)
    assert 38 < evo.p5 < 39 and 43.5 < evo.p95 < 44.5  # "between 10^38 and 10^44"
    assert r["evolution_over_gpt3_log10"].median == pytest.approx(evo.median - 23.5)
    assert 700 < r["energy_ratio_uncertain_brain"].median < 900  # "median of 830"
    assert r["dollar_ratio"].median == pytest.approx(med(1e6, 1e7) / 1e15 / (1e9 / 450e15), rel=0.02)


def test_the_tail_mean_depends_on_the_sample_size():
    small, large = slt.tail_mean_log10(1000), slt.tail_mean_log10(100_000)
    assert 18 < small < 21  # the post's "mean of ~10^19"
    assert large > small + 4


# --- plots ------------------------------------------------------------------------------------------

def test_plots_draw_without_a_display():
    figs = [slt.plot_volume_scaling(), slt.plot_trapping(np.logspace(1, 4, 4)),
            slt.plot_theta1theta2(np.logspace(1, 4, 4)), slt.plot_poly15(np.logspace(1, 4, 4)),
            slt.plot_brains(n=2000)]
    for fig in figs:
        assert len(fig.axes) >= 1
    import matplotlib.pyplot as plt

    plt.close("all")
