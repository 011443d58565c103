"""Exact learning coefficients: every formula pinned on many cases, and cross-checked against
independent facts (regular dimension counts, the product/sum rules, published tables)."""
from fractions import Fraction as F
from itertools import product

import pytest

from vault_builder.numeric import (
    rlct_monomial,
    rlct_normal_crossing,
    rlct_product,
    rlct_regular,
    rlct_rrr,
    rlct_sum,
    rlct_tanh,
)


# --- regular models ---------------------------------------------------------------------------

@pytest.mark.parametrize("d", [0, 1, 2, 3, 6, 15, 101])
def test_regular_is_half_the_dimension(d):
    assert rlct_regular(d) == (F(d, 2), 1)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_regular_rejects_non_dimensions(bad):
    with pytest.raises((ValueError, TypeError)):
        rlct_regular(bad)


# --- normal crossing --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "k, h, expected",
    [
        ((1,), None, (F(1, 2), 1)),            # K = w², regular in 1-d
        ((1, 1), None, (F(1, 2), 2)),          # the example
        ((1, 2), None, (F(1, 4), 1)),          # w1² w2⁴: the w2 factor wins
        ((2, 2), None, (F(1, 4), 2)),
        ((1, 1, 1), None, (F(1, 2), 3)),
        ((3, 1, 3), None, (F(1, 6), 2)),
        ((0, 1), None, (F(1, 2), 1)),          # k = 0 coordinates do not enter K
        ((1, 0, 0, 2), None, (F(1, 4), 1)),
        ((1, 1), (1, 0), (F(1, 2), 1)),        # prior |w1|¹ pushes w1's pole to 1
        ((1, 1), (2, 2), (F(3, 2), 2)),
        ((2, 1), (1, 0), (F(1, 2), 2)),        # (1+1)/4 = 1/2 = (0+1)/2
        ((1,), (F(-1, 2),), (F(1, 4), 1)),     # a prior that blows up mildly at 0
        ((0, 3), (5, 0), (F(1, 6), 1)),        # h of an excluded coordinate is irrelevant
    ],
)
def test_normal_crossing_cases(k, h, expected):
    assert rlct_normal_crossing(k, h) == expected


def test_normal_crossing_matches_min_and_count_on_a_grid():
    """Brute force over all small exponent vectors: λ = min (h+1)/2k, m = how many attain it."""
    for k in product(range(0, 4), repeat=3):
        if not any(k):
            continue
        for h in product(range(0, 3), repeat=3):
            ratios = [F(hi + 1, 2 * ki) for ki, hi in zip(k, h) if ki]
            lam, m = rlct_normal_crossing(k, h)
            assert lam == min(ratios) and m == ratios.count(min(ratios))


@pytest.mark.parametrize("k", [(), (0, 0), (-1, 1), (1.5,)])
def test_normal_crossing_rejects_bad_exponents(k):
    with pytest.raises((ValueError, TypeError)):
        rlct_normal_crossing(k)


def test_normal_crossing_rejects_non_integrable_prior():
    with pytest.raises(ValueError):
        rlct_normal_crossing((1,), (-1,))
    with pytest.raises(ValueError):
        rlct_normal_crossing((1, 1), (0,))


@pytest.mark.parametrize("k", range(1, 9))
def test_product_of_k_squares_has_lambda_half_and_multiplicity_k(k):
    assert rlct_monomial(k) == (F(1, 2), k)
    assert rlct_monomial(k) != (F(1, 2 * k), 1) or k == 1


# --- sums and products over disjoint variables -------------------------------------------------

def test_sum_rule_examples():
    w2, w4 = rlct_normal_crossing((1,)), rlct_normal_crossing((2,))
    assert rlct_sum(w2, w4) == (F(3, 4), 1)                       # w1² + w2⁴
    assert rlct_sum(*[rlct_regular(1)] * 6) == rlct_regular(6)    # Σ w_i², d = 6
    assert rlct_sum(rlct_monomial(2), rlct_monomial(3)) == (F(1), 4)  # m−1 adds: 1 + 2
    assert rlct_sum([w2, w4]) == (F(3, 4), 1)                     # a list is accepted too


def test_sum_is_additive_on_a_grid():
    parts = [(F(a, b), m) for a in range(1, 4) for b in (2, 3, 4) for m in (1, 2, 3)]
    for p in parts[::5]:
        for q in parts[::7]:
            assert rlct_sum(p, q) == (p[0] + q[0], p[1] + q[1] - 1)


def test_product_rule_examples():
    w2 = rlct_regular(1)
    assert rlct_product(w2, w2) == rlct_normal_crossing((1, 1))       # (w1 w2)²
    assert rlct_product(w2, rlct_regular(2)) == (F(1, 2), 1)          # w1²(w2² + w3²)
    assert rlct_product(rlct_regular(2), rlct_regular(2)) == (F(1), 2)  # |a|²|b|², a, b ∈ R²
    assert rlct_product(*[w2] * 5) == rlct_monomial(5)


def test_product_agrees_with_normal_crossing_for_monomials():
    for k in product(range(1, 4), repeat=3):
        assert rlct_product(*[rlct_normal_crossing((ki,)) for ki in k]) == rlct_normal_crossing(k)


@pytest.mark.parametrize("bad", [(F(1, 2), 0), (F(-1, 2), 1), ("x", 1), 3])
def test_sum_and_product_reject_bad_parts(bad):
    with pytest.raises((ValueError, TypeError)):
        rlct_sum(bad)
    with pytest.raises((ValueError, TypeError)):
        rlct_product(bad)


# --- reduced-rank regression (Aoyagi & Watanabe 2005) -------------------------------------------

@pytest.mark.parametrize(
    "M, N, H, r, expected",
    [
        (2, 2, 1, 0, (F(1), 2)),        # issue example, case 1 odd
        (3, 3, 3, 3, (F(9, 2), 1)),     # issue example, case 1 even
        (1, 1, 1, 0, (F(1, 2), 2)),     # K = (ab)²
        (1, 1, 2, 0, (F(1, 2), 1)),     # K = (a1b1 + a2b2)²: a non-degenerate quadratic form, squared
        (1, 1, 3, 0, (F(1, 2), 1)),     # case 4: M + N < H + r
        (2, 1, 1, 0, (F(1, 2), 1)),     # K = b²(a1² + a2²): product rule min(1/2, 1)
        (3, 3, 1, 0, (F(3, 2), 2)),     # K = |a|²|b|² in R³ × R³: product rule, 3/2 twice
        (2, 2, 2, 0, (F(3, 2), 1)),
        (2, 2, 1, 1, (F(3, 2), 1)),     # regular: rank-1 2×2 matrices, dimension 3
        (5, 2, 1, 1, (F(6, 2), 1)),     # case 3 (N + H < M + r) and regular: 1·(5+2−1)/2
        (2, 5, 1, 1, (F(6, 2), 1)),     # case 2 mirror image
    ],
)
def test_rrr_cases(M, N, H, r, expected):
    assert rlct_rrr(M, N, H, r) == expected


def test_rrr_matches_drton_plummer_table():
    """Drton & Plummer (2017), sBIC paper, Table 1: reduced-rank regression with N = 5
    responses and M = 3 covariates, model rank H = i, true rank r = j."""
    table = {(1, 0): F(3, 2), (1, 1): F(7, 2), (2, 0): F(3), (2, 1): F(9, 2), (2, 2): F(6),
             (3, 0): F(9, 2), (3, 1): F(11, 2), (3, 2): F(13, 2), (3, 3): F(15, 2)}
    for (i, j), lam in table.items():
        assert rlct_rrr(3, 5, i, j)[0] == lam


def test_rrr_full_true_rank_is_regular():
    """With r = H ≤ min(M, N) the truth is a smooth point of the rank-H matrices, dimension
    H(M + N − H), so λ = H(M + N − H)/2 and m = 1."""
    for M, N in product(range(1, 6), repeat=2):
        for H in range(1, min(M, N) + 1):
            assert rlct_rrr(M, N, H, H) == (F(H * (M + N - H), 2), 1)


def test_rrr_overparameterised_hidden_layer_is_the_full_matrix():
    """H ≥ M + N (case 4 for any r): λ = MN/2, the regular value of the full N×M matrix."""
    for M, N in product(range(1, 5), repeat=2):
        for r in range(0, min(M, N) + 1):
            assert rlct_rrr(M, N, M + N + 1, r) == (F(M * N, 2), 1)


def test_rrr_symmetric_in_inputs_and_outputs_and_bounded_by_half_dimension():
    for M, N, H in product(range(1, 6), repeat=3):
        for r in range(0, min(M, N, H) + 1):
            lam, m = rlct_rrr(M, N, H, r)
            assert (lam, m) == rlct_rrr(N, M, H, r)
            assert 0 < lam <= F(H * (M + N), 2)
            assert m in (1, 2)
            if r < min(M, N, H):  # more true rank never lowers λ
                assert rlct_rrr(M, N, H, r + 1)[0] >= lam


def test_rrr_m2_exactly_in_case_one_with_odd_parity():
    for M, N, H in product(range(1, 6), repeat=3):
        for r in range(0, min(M, N, H) + 1):
            case1 = N + r <= M + H and M + r <= N + H and H + r <= M + N
            assert (rlct_rrr(M, N, H, r)[1] == 2) == (case1 and (M + N + H + r) % 2 == 1)


@pytest.mark.parametrize("args", [(0, 1, 1, 0), (2, 2, 1, 2), (2, 2, 2, -1), (2.5, 2, 1, 0)])
def test_rrr_rejects_impossible_ranks(args):
    with pytest.raises(ValueError):
        rlct_rrr(*args)


# --- tanh network -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "H, expected",
    [
        (1, (F(1, 2), 2)), (2, (F(2, 3), 1)), (3, (F(5, 6), 1)), (4, (F(1), 2)),
        (5, (F(11, 10), 1)), (8, (F(7, 5), 1)), (9, (F(3, 2), 2)), (10, (F(11, 7), 1)),
        (16, (F(2), 2)), (100, (F(5), 2)),
    ],
)
def test_tanh_cases(H, expected):
    assert rlct_tanh(H) == expected


def test_tanh_is_increasing_and_below_the_regular_value():
    prev = F(0)
    for H in range(1, 200):
        lam, m = rlct_tanh(H)
        assert prev < lam < F(2 * H, 2)
        assert (m == 2) == (int(H**0.5) ** 2 == H)
        # at perfect squares H = i², λ = (i² + i² + i)/(4i + 2) = i/2
        if m == 2:
            assert lam == F(int(H**0.5), 2)
        prev = lam


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_tanh_rejects_bad_widths(bad):
    with pytest.raises(ValueError):
        rlct_tanh(bad)
