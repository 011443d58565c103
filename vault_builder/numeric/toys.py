"""The toy calculations argued about in the source posts and comment threads.

* :func:`poly15_rlct`, :func:`poly15_lam_eff` — the 15-parameter polynomial machine of
  "My Criticism of Singular Learning Theory" and the dispute in its comments about which
  solution has the "lower RLCT".
* :func:`theta1theta2_mass` — K = θ1² θ2² (the f(θ)(x) = θ1 θ2 x example in the comments of
  the "weird trick" post): posterior mass near the origin versus elsewhere on the axes.
* :func:`trapping_fraction`, :func:`simulate_trapping` — min(|x|, |y|) versus (xy)²: how much
  of its time Langevin dynamics spends near the most singular point.
* :func:`volume_monomial`, :func:`volume_fraction`, :func:`local_slopes` — V(t) ≈ c t^λ
  (−log t)^(m−1) and its local slopes.
* :func:`sgd_bayes_learning_rate` — the learning rate at which SGD's stationary distribution
  would be the Bayesian posterior (a comment on the "weird trick" post's thread).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from scipy import integrate, special

from .exact import RLCT, rlct_normal_crossing, rlct_regular, rlct_sum

# --- the 15-parameter polynomial machine ------------------------------------------------------

POLY15_TERMS = (1, 2, 3, 4, 5)
"""Number of parameters multiplied together in the coefficient of x⁴, x³, x², x, 1:
f(x) = θ1 x⁴ + θ2θ3 x³ + θ4θ5θ6 x² + θ7⋯θ10 x + θ11⋯θ15."""

POLY15_X4 = (1,) + (0,) * 14
"""θ = (1, 0, …, 0): f(x) = x⁴."""
POLY15_ONE = (0,) * 10 + (1,) * 5
"""θ = (0, …, 0, 1, 1, 1, 1, 1): f(x) = 1."""


def _poly15_groups(theta):
    theta = np.asarray(theta, dtype=float)
    if theta.shape[-1] != 15:
        raise ValueError(f"theta must have 15 entries, got shape {theta.shape}")
    bounds = np.cumsum((0,) + POLY15_TERMS)
    return [theta[..., a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def poly15_coefficients(theta) -> np.ndarray:
    """The polynomial's coefficients (of x⁴, x³, x², x, 1) at θ; shape (..., 5)."""
    return np.stack([g.prod(axis=-1) for g in _poly15_groups(theta)], axis=-1)


def rrr_loss(M: int, N: int, H: int, C0):
    """K(A, B) = ||B A − C0||²_F for reduced-rank regression y = B A x with E[x xᵀ] = I (twice
    the KL divergence); w packs A (H×M) then B (N×H), shape (..., H·M + N·H). Its exact λ is
    rlct_rrr(M, N, H, rank C0)."""
    C0 = np.asarray(C0, dtype=float)

    def K(w):
        A = w[..., :H * M].reshape(w.shape[:-1] + (H, M))
        B = w[..., H * M:].reshape(w.shape[:-1] + (N, H))
        return np.sum((B @ A - C0) ** 2, axis=(-2, -1))

    return K


def poly15_K(theta, truth) -> np.ndarray:
    """Population loss Σ_j (c_j(θ) − c_j(truth))² between coefficient vectors.

    With inputs spread over an interval (not the single point x = 1), any squared distance
    between the functions is within constant factors of this one, so λ and m are the same; on
    the single data point (1, 1) alone every true point would be regular-like (λ = 1/2).
    """
    return np.sum((poly15_coefficients(theta) - poly15_coefficients(truth)) ** 2, axis=-1)


def poly15_rlct(theta_star) -> RLCT:
    """Exact (λ, m) of :func:`poly15_K` at the true point θ* (the truth is f_θ* itself).

    K is a sum over the five coefficients, in disjoint groups of parameters, so the sum rule
    applies.  A coefficient that is non-zero at θ* contributes a regular (c_j − c_j*)²:
    (1/2, 1).  A coefficient that is zero at θ* with z of its factors zero is locally
    (unit)·∏ (zero factors)²: (1/2, z).  Hence λ = 5/2 at every true point, and
    m = 1 + Σ_j (z_j − 1) over the vanishing coefficients: 11 at x⁴, 7 at the constant 1.
    """
    parts = []
    for g in _poly15_groups(theta_star):
        z = int(np.sum(g == 0))
        parts.append(rlct_regular(1) if z == 0 else rlct_normal_crossing([1] * z))
    return rlct_sum(*parts)


def _composite_nodes(edges, width, q=16):
    """Gauss–Legendre nodes/weights on [edges[0], edges[-1]], panels at most ``width`` wide
    between consecutive edges (which are kept as panel boundaries)."""
    x, w = np.polynomial.legendre.leggauss(q)
    nodes, weights = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        if b <= a:
            continue
        n = max(1, int(math.ceil((b - a) / width(a, b))))
        cuts = np.linspace(a, b, n + 1)
        half = 0.5 * np.diff(cuts)[:, None]
        nodes.append((cuts[:-1, None] + half * (x + 1)).ravel())
        weights.append((half * w).ravel())
    return np.concatenate(nodes), np.concatenate(weights)


def _gamma_expectations(k, scale, target, beta):
    """For u = scale·e^(−G), G ~ Gamma(k, 1): Z = E[e^(−β(u−a)²)] and E[(u−a)² e^(…)] / Z.

    This is the law of a product of k independent uniforms: |θ| ~ U(0, 1) for θ ~ U(−1, 1),
    and θ ~ U(0, 2) is 2·U(0, 1).  Composite Gauss–Legendre in g = −log(u/scale), with panels
    refined around the feature of the integrand (β u² ≈ 1 when a = 0; the sharp peak u = a,
    of width 1/(√β a) in g, otherwise).
    """
    if target == 0:  # smooth transition where β u² ≈ 1, on an O(1) scale in g
        c = math.log(scale) + 0.5 * math.log(beta)
        edges = sorted({0.0, max(0.0, c - 6), max(0.0, c + 6), max(0.0, c) + 80})
        width = lambda a, b: 1.0
    else:  # sharp peak where u = target
        c = math.log(scale / target)
        w = 1.0 / (math.sqrt(beta) * target)
        inner = (max(0.0, c - 40 * w), c + 40 * w)
        edges = sorted({0.0, *inner, c + 80})
        width = lambda a, b: 2 * w if (a, b) == inner else 1.0
    g, wg = _composite_nodes(edges, width)
    log_dens = (k - 1) * np.log(np.maximum(g, 1e-300)) - g - math.lgamma(k)
    d2 = (scale * np.exp(-g) - target) ** 2
    p = wg * np.exp(log_dens - beta * d2)
    z = float(p.sum())
    return z, float(np.dot(p, d2) / z)


def poly15_lam_eff(theta_star, betas) -> np.ndarray:
    """What an ideal sampler would report: λ_eff(β) = β E_β[K − K(θ*)] for :func:`poly15_K`.

    Local prior: uniform on the box θ* ± 1; θ* must have entries in {0, 1} (this covers both
    solutions discussed in the post).  The posterior factorises over the five coefficient
    groups, and each group's expectation is a one-dimensional integral over the law of a
    product of uniforms, done by adaptive quadrature — no sampling noise.  λ_eff(β) tends to
    5/2 at both points but from below, by about (m − 1)/log β: a finite-β (single-temperature)
    estimate is lower at the point with the larger multiplicity.
    """
    theta_star = np.asarray(theta_star, dtype=float)
    if not np.all((theta_star == 0) | (theta_star == 1)):
        raise ValueError("poly15_lam_eff supports true points with entries 0 or 1")
    out = []
    for beta in np.atleast_1d(np.asarray(betas, dtype=float)):
        total = 0.0
        for g in _poly15_groups(theta_star):
            ones = int(np.sum(g == 1))
            target = 1.0 if ones == len(g) else 0.0
            total += _gamma_expectations(len(g), 2.0**ones, target, beta)[1]
        out.append(beta * total)
    return np.array(out)


# --- K = θ1² θ2² ------------------------------------------------------------------------------

def _square_mass(n, x0, y0, eps):
    """∫∫ over [x0−ε, x0+ε]×[y0−ε, y0+ε] of e^(−n x² y²) dx dy (inner integral in closed form)."""
    sq = math.sqrt(n)
    lo_y, hi_y = y0 - eps, y0 + eps

    def inner(x):
        s = sq * abs(x)
        if s < 1e-9:
            return hi_y - lo_y
        return math.sqrt(math.pi) / (2 * s) * (math.erf(s * hi_y) - math.erf(s * lo_y))

    a, b = x0 - eps, x0 + eps
    pts = [p for p in (0.0, 1 / sq, -1 / sq, 10 / sq, -10 / sq) if a < p < b]
    edges = [a] + sorted(pts) + [b]
    return sum(integrate.quad(inner, u, v, epsabs=0, epsrel=1e-10, limit=200)[0]
               for u, v in zip(edges[:-1], edges[1:]))


def theta1theta2_mass(n: float, eps: float = 0.1, centers=((0.0, 0.0), (0.5, 0.0))) -> dict:
    """Posterior mass of ε-squares for K = θ1² θ2² (prior uniform on [−1, 1]², posterior ∝ e^(−nK)).

    Returns {center: fraction of the posterior mass in the square of half-width ε around it}.
    The square at the origin keeps gaining mass like log n relative to a square of the same size
    elsewhere on the axes (Z(n) ≈ c n^(−1/2) log n, λ = 1/2, m = 2), but only logarithmically.
    """
    total = 4 * _square_mass(n, 0.5, 0.5, 0.5)  # symmetric: 4 × the quadrant [0, 1]²
    return {tuple(c): _square_mass(n, c[0], c[1], eps) / total for c in centers}


# --- min(|x|, |y|) versus (xy)² ----------------------------------------------------------------

def trapping_fraction(loss: str, beta: float, eps: float = 0.1) -> float:
    """Exact long-run fraction of time Langevin dynamics spends in [−ε, ε]² (stationary law).

    Overdamped Langevin dθ = −β∇L dt + √2 dW on the box [−1, 1]² (reflecting walls) has
    stationary density ∝ e^(−βL).  ``loss`` is "min" for L = min(|x|, |y|) or "xy2" for
    L = (xy)².  For "min" the fraction is exactly
    (ε − (1 − e^(−βε))/β) / (1 − (1 − e^(−β))/β) → ε as β → ∞: no concentration at the origin
    (only twice the share of an ε-square elsewhere on an axis).  For "xy2" it tends to 1, but
    only like 1 − O(log(1/ε)/log β).
    """
    if loss == "min":
        num = eps - (1 - math.exp(-beta * eps)) / beta
        den = 1 - (1 - math.exp(-beta)) / beta
        return num / den
    if loss == "xy2":
        return theta1theta2_mass(beta, eps, centers=((0.0, 0.0),))[(0.0, 0.0)]
    raise ValueError(f"loss must be 'min' or 'xy2', got {loss!r}")


def _trap_loss(loss):
    if loss == "min":
        return (lambda p: np.minimum(np.abs(p[:, 0]), np.abs(p[:, 1])),
                lambda p: np.where((np.abs(p[:, 0]) < np.abs(p[:, 1]))[:, None],
                                   np.stack([np.sign(p[:, 0]), 0 * p[:, 0]], 1),
                                   np.stack([0 * p[:, 1], np.sign(p[:, 1])], 1)))
    if loss == "xy2":
        return (lambda p: (p[:, 0] * p[:, 1]) ** 2,
                lambda p: np.stack([2 * p[:, 0] * p[:, 1] ** 2, 2 * p[:, 1] * p[:, 0] ** 2], 1))
    raise ValueError(f"loss must be 'min' or 'xy2', got {loss!r}")


def _stationary_draws(rng, L, beta, n):
    """Exact draws from ∝ e^(−βL) on [−1, 1]² by rejection from the uniform prior (L ≥ 0)."""
    out = []
    while sum(len(o) for o in out) < n:
        x = rng.uniform(-1, 1, size=(200_000, 2))
        out.append(x[rng.random(len(x)) < np.exp(-beta * L(x))])
    return np.concatenate(out)[:n]


def simulate_trapping(loss: str, beta: float, eps: float = 0.1, *, n_chains: int = 200,
                      n_steps: int = 2000, seed: int = 0, init: str = "stationary") -> float:
    """Fraction of time a Metropolis-adjusted Langevin chain spends in [−ε, ε]².

    ``n_chains`` chains run ``n_steps`` MALA steps; the step size is drawn afresh each step,
    log-uniformly between 0.1·min(1/β, 1/√β) (the width of the valleys) and 0.5, so a chain
    can both creep along a narrow valley and jump.  Proposals leaving the box are rejected, so
    e^(−βL) stays invariant.  ``init="stationary"`` starts the chains from exact draws of the
    stationary law (rejection sampling), so the time average estimates the long-run fraction
    without burn-in; ``init="prior"`` starts them uniformly on the box and discards the first
    quarter — then short runs show how slowly the chains find their way (mixing along narrow
    valleys is diffusive).  Compare with :func:`trapping_fraction` (exact).
    """
    L, gradL = _trap_loss(loss)
    rng = np.random.default_rng(seed)
    if init == "stationary":
        x = _stationary_draws(rng, L, beta, n_chains)
    elif init == "prior":
        x = rng.uniform(-1, 1, size=(n_chains, 2))
    else:
        raise ValueError(f"init must be 'stationary' or 'prior', got {init!r}")
    lx, gx = L(x), gradL(x)
    inside = 0
    burn = n_steps // 4 if init == "prior" else 0
    h_lo, h_hi = 0.1 * min(1 / beta, 1 / math.sqrt(beta)), 0.5
    for t in range(n_steps):
        h = np.exp(rng.uniform(math.log(h_lo), math.log(h_hi), size=(n_chains, 1)))
        y = x - 0.5 * h**2 * beta * gx + h * rng.standard_normal(x.shape)
        ok = np.all(np.abs(y) <= 1, axis=1)
        ly, gy = L(y), gradL(y)
        fwd = -np.sum((y - x + 0.5 * h**2 * beta * gx) ** 2, 1) / (2 * h[:, 0] ** 2)
        bwd = -np.sum((x - y + 0.5 * h**2 * beta * gy) ** 2, 1) / (2 * h[:, 0] ** 2)
        acc = ok & (np.log(rng.random(n_chains)) < -beta * (ly - lx) + bwd - fwd)
        x = np.where(acc[:, None], y, x)
        lx, gx = np.where(acc, ly, lx), np.where(acc[:, None], gy, gx)
        if t >= burn:
            inside += int(np.sum(np.all(np.abs(x) <= eps, axis=1)))
    return inside / (n_chains * (n_steps - burn))


# --- volume scaling ---------------------------------------------------------------------------

def volume_monomial(k: int, ts) -> np.ndarray:
    """Exact V(t) = P(K < t) for K = (w1⋯wk)² under the uniform prior on [−1, 1]^k.

    −log|w1⋯wk| ~ Gamma(k, 1), so V(t) = Q(k, ½ log(1/t)) = √t Σ_{j<k} (½ log(1/t))^j / j!:
    a power t^(1/2) times a polynomial of degree m − 1 = k − 1 in log(1/t).
    """
    ts = np.asarray(ts, dtype=float)
    return special.gammaincc(k, 0.5 * np.log(1.0 / ts))


def volume_fraction(K, dim: int, ts, *, radius: float = 1.0) -> np.ndarray:
    """V(t) = prior mass of {w : K(w) < t} (uniform prior on [−radius, radius]^dim), dim ≤ 3.

    Summed over the log-spaced quadrature grid of :mod:`.quadrature` (fine near 0, where the
    small-t sets live; 16 nodes per e-fold in 1–2 dims, 6 in 3).  The indicator is not smooth,
    so expect errors of about 1% (dim ≤ 2) to a few % (dim 3); the exact
    :func:`volume_monomial` is preferable where it applies.
    """
    from .quadrature import DEFAULT_RESOLUTION, log_grid_1d

    if not 1 <= dim <= 3:
        raise ValueError(f"volume_fraction is for dim <= 3, got {dim}")
    ts = np.asarray(ts, dtype=float)
    pw, q = DEFAULT_RESOLUTION[dim]
    u, w = log_grid_1d(radius, radius * 1e-2 * float(np.min(ts)) ** 0.5, panel_width=pw,
                       points_per_panel=q)
    grids = np.meshgrid(*([u] * dim), indexing="ij")
    weights = np.prod(np.meshgrid(*([w] * dim), indexing="ij"), axis=0) / (2 * radius) ** dim
    kv = np.asarray(K(np.stack(grids, axis=-1)), dtype=float).ravel()
    order = np.argsort(kv)
    cum = np.cumsum(weights.ravel()[order])
    idx = np.searchsorted(kv[order], ts, side="left")
    return np.where(idx > 0, cum[np.maximum(idx - 1, 0)], 0.0)


def local_slopes(ts, volumes) -> np.ndarray:
    """d log V / d log t: tends to λ, from below by about (m − 1)/log(1/t) when m > 1."""
    return np.gradient(np.log(np.asarray(volumes, dtype=float)), np.log(np.asarray(ts, dtype=float)))


# --- SGD as Langevin --------------------------------------------------------------------------

def sgd_inverse_temperature(learning_rate: float, batch_size: float, sigma2: float) -> float:
    """β of SGD's stationary law ∝ e^(−β L) for per-token loss L (comment on the 002 thread).

    SGD with learning rate η and batch n_b behaves like Langevin dynamics with per-parameter
    noise variance σ² η / n_b on a drift η ∇L, whose equilibrium is ∝ exp(−2 L n_b / (σ² η)).
    """
    return 2.0 * batch_size / (sigma2 * learning_rate)


def sgd_bayes_learning_rate(n_params: float, batch_size: float, n_data: float,
                            sigma2: float | None = None) -> float:
    """Learning rate η at which SGD's equilibrium e^(−2 L n_b/(σ² η)) is the posterior e^(−L·D).

    Setting 2 n_b/(σ² η) = D gives η = 2 n_b / (σ² D); with σ² = 1/N (normalised networks,
    σ² ~ mean squared per-parameter gradient ~ 1/N) this is η ≈ 2 N n_b / D — the estimate in
    the comment, which it calls "a pretty bad prediction" for large language models.
    """
    if sigma2 is None:
        sigma2 = 1.0 / n_params
    return 2.0 * batch_size / (sigma2 * n_data)


def poly15_summary() -> dict:
    """(λ, m) at the two solutions of the post, as Fractions/ints."""
    return {"x^4": poly15_rlct(POLY15_X4), "1": poly15_rlct(POLY15_ONE)}
