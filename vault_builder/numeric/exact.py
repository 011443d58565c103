"""Exact learning coefficients (real log canonical thresholds) of models where they are known.

Every function returns a pair ``(lam, m)``: ``lam`` is the learning coefficient λ as an exact
:class:`fractions.Fraction`, ``m`` its multiplicity (a positive ``int``).  They describe the
asymptotics of the Bayes free energy and of the volume of near-optimal parameters::

    F_n = n L_n(w0) + λ log n − (m − 1) log log n + O_p(1)        (Watanabe 2009, Thm 6.7)
    V(t) = vol{w : K(w) < t} ≈ c t^λ (−log t)^(m−1)   as t → 0

where K is the KL divergence from the truth (the population loss minus its minimum) and the prior
is positive at the true parameters unless stated otherwise.
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational
from typing import Iterable, Sequence, Tuple

RLCT = Tuple[Fraction, int]
"""``(lam, m)``: learning coefficient (exact Fraction) and multiplicity."""


def _fraction(x, name: str) -> Fraction:
    """Exact conversion; floats are accepted only when they are exact binary fractions anyway."""
    if isinstance(x, bool):
        raise TypeError(f"{name} must be a number, not bool")
    if isinstance(x, (int, Rational)):
        return Fraction(x)
    if isinstance(x, float) and math.isfinite(x):
        return Fraction(x)
    raise TypeError(f"{name} must be an int, Fraction or finite float, got {x!r}")


def _pair(part, name: str = "part") -> RLCT:
    try:
        lam, m = part
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a (lam, m) pair, got {part!r}") from None
    lam = _fraction(lam, f"{name}.lam")
    if lam < 0 or int(m) != m or m < 1:
        raise ValueError(f"{name} must have lam >= 0 and integer m >= 1, got {part!r}")
    return lam, int(m)


def rlct_regular(d: int) -> RLCT:
    """A regular model with ``d`` parameters: λ = d/2, m = 1.

    Near a true parameter with positive-definite Fisher information K is a non-degenerate
    quadratic form, so {K < t} is an ellipsoid of volume ∝ t^(d/2) (Watanabe 2009, §1.4; the
    BIC penalty (d/2) log n is exactly λ log n for these models).
    """
    if isinstance(d, bool) or int(d) != d or d < 0:
        raise ValueError(f"d must be a non-negative integer, got {d!r}")
    return Fraction(int(d), 2), 1


def rlct_normal_crossing(k: Sequence[int], h: Sequence | None = None) -> RLCT:
    """K = ∏ w_i^(2 k_i) with prior density ∝ ∏ |w_i|^(h_i) near 0.

    λ = min over i with k_i > 0 of (h_i + 1) / (2 k_i), and m = the number of i attaining the
    minimum; coordinates with k_i = 0 do not appear in K and are excluded (Watanabe 2009,
    Thm 2.3 / §6.2: the zeta function ∫ K^z φ factorises into ∏ 1/(2 k_i z + h_i + 1)).

    ``h`` defaults to all zeros (a prior that is positive and smooth at the origin); h_i may be
    any number > −1.  Example: ``rlct_normal_crossing((1, 1)) == (Fraction(1, 2), 2)``.
    """
    k = list(k)
    h = [0] * len(k) if h is None else list(h)
    if len(h) != len(k):
        raise ValueError(f"k and h must have the same length, got {len(k)} and {len(h)}")
    candidates = []
    for i, (ki, hi) in enumerate(zip(k, h)):
        if isinstance(ki, bool) or int(ki) != ki or ki < 0:
            raise ValueError(f"k[{i}] must be a non-negative integer, got {ki!r}")
        hi = _fraction(hi, f"h[{i}]")
        if hi <= -1:
            raise ValueError(f"h[{i}] must be > -1 for the prior to be integrable, got {hi}")
        if ki > 0:
            candidates.append((hi + 1) / (2 * int(ki)))
    if not candidates:
        raise ValueError("K = 1 is constant: at least one k_i must be positive")
    lam = min(candidates)
    return lam, candidates.count(lam)


def rlct_sum(*parts: RLCT) -> RLCT:
    """K = K_1(w_A) + K_2(w_B) + … over disjoint groups of variables.

    λ = Σ λ_j and m − 1 = Σ (m_j − 1): the volume {ΣK_j < t} is the convolution of the
    volumes t^λ_j (−log t)^(m_j−1), and the Laplace transform of a convolution is the product
    of the transforms, so Z(β) = ∫ e^(−βK) φ ≈ ∏ c_j β^(−λ_j) (log β)^(m_j−1).
    Example: w1² + w2⁴ → (1/2 + 1/4, 1).
    """
    if len(parts) == 1 and not isinstance(parts[0], tuple) and isinstance(parts[0], Iterable):
        parts = tuple(parts[0])  # also accept a single list of pairs
    if not parts:
        raise ValueError("rlct_sum needs at least one (lam, m) part")
    pairs = [_pair(p, f"parts[{i}]") for i, p in enumerate(parts)]
    return sum((lam for lam, _ in pairs), Fraction(0)), 1 + sum(m - 1 for _, m in pairs)


def rlct_product(*parts: RLCT) -> RLCT:
    """K = K_1(w_A) · K_2(w_B) · … over disjoint groups of variables.

    The zeta function ∫ (K_1 K_2)^z φ_1 φ_2 = ζ_1(z) ζ_2(z) is a product, so its largest pole is
    λ = min λ_j with order m = Σ m_j over the j attaining the minimum.  Example:
    w1² · w2² → (1/2, 2); w1² · (w2² + w3²) → min(1/2, 1) = (1/2, 1).
    """
    if len(parts) == 1 and not isinstance(parts[0], tuple) and isinstance(parts[0], Iterable):
        parts = tuple(parts[0])
    if not parts:
        raise ValueError("rlct_product needs at least one (lam, m) part")
    pairs = [_pair(p, f"parts[{i}]") for i, p in enumerate(parts)]
    lam = min(lam for lam, _ in pairs)
    return lam, sum(m for l, m in pairs if l == lam)


def rlct_rrr(M: int, N: int, H: int, r: int = 0) -> RLCT:
    """Reduced-rank regression y = B A x (A: H×M, B: N×H), true product B0 A0 of rank r.

    M inputs, N outputs, H hidden units, 0 ≤ r ≤ min(M, N, H).  Aoyagi & Watanabe,
    "Stochastic complexities of reduced rank regression in Bayesian estimation",
    Neural Networks 18 (2005) 924–933, Main Theorem:

    1. N + r ≤ M + H, M + r ≤ N + H and H + r ≤ M + N:
         M+N+H+r even: λ = [2(H+r)(M+N) − (M−N)² − (H+r)²] / 8,       m = 1;
         M+N+H+r odd:  λ = [2(H+r)(M+N) − (M−N)² − (H+r)² + 1] / 8,   m = 2.
    2. M + H < N + r:  λ = (HM − Hr + Nr) / 2,  m = 1.
    3. N + H < M + r:  λ = (HN − Hr + Mr) / 2,  m = 1.
    4. M + N < H + r:  λ = MN / 2,              m = 1.

    Cases 2–4 are mutually exclusive when r ≤ min(M, N, H), and together with case 1 they cover
    all inputs.  Checks: (2, 2, 1, 0) → (1, 2); (3, 3, 3, 3) → (9/2, 1); with r = H the model
    is regular at the truth and λ = H(M+N−H)/2 (the dimension of rank-H N×M matrices, halved).
    """
    for name, v in (("M", M), ("N", N), ("H", H), ("r", r)):
        if isinstance(v, bool) or int(v) != v:
            raise ValueError(f"{name} must be an integer, got {v!r}")
    M, N, H, r = int(M), int(N), int(H), int(r)
    if min(M, N, H) < 1:
        raise ValueError(f"M, N, H must be >= 1, got {(M, N, H)}")
    if not 0 <= r <= min(M, N, H):
        raise ValueError(f"true rank r must be in [0, min(M, N, H)] = [0, {min(M, N, H)}], got {r}")
    if N + r <= M + H and M + r <= N + H and H + r <= M + N:
        base = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2
        if (M + N + H + r) % 2 == 0:
            return Fraction(base, 8), 1
        return Fraction(base + 1, 8), 2
    if M + H < N + r:
        return Fraction(H * M - H * r + N * r, 2), 1
    if N + H < M + r:
        return Fraction(H * N - H * r + M * r, 2), 1
    return Fraction(M * N, 2), 1  # M + N < H + r


def rlct_tanh(H: int) -> RLCT:
    """Three-layer tanh network f(x) = Σ_h b_h tanh(a_h x): one input, H hidden units, one
    output, true function 0.

    λ = (H + i² + i) / (4i + 2) with i = ⌊√H⌋, and m = 2 if i² = H else 1 (the worked tanh
    example of Watanabe, Algebraic Geometry and Statistical Learning Theory, 2009; there
    K(a, b) ≍ Σ_p (Σ_h b_h a_h^(2p−1))²).  Example: H = 1 → (1/2, 2) (K ≍ a²b²), H = 2 →
    (2/3, 1).  tests/test_numeric_estimate.py checks H = 1, 2 against the estimator.
    """
    if isinstance(H, bool) or int(H) != H or H < 1:
        raise ValueError(f"H must be a positive integer, got {H!r}")
    H = int(H)
    i = math.isqrt(H)
    return Fraction(H + i * i + i, 4 * i + 2), (2 if i * i == H else 1)


def rlct_monomial(k: int) -> RLCT:
    """K = (w1 w2 ⋯ wk)²: λ = 1/2 with multiplicity m = k (not λ = 1/(2k)).

    A special case of :func:`rlct_normal_crossing` with all k_i = 1, spelled out because the
    comment threads get it wrong: multiplying more parameters together leaves λ at 1/2 and only
    raises the multiplicity.
    """
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    return rlct_normal_crossing([1] * int(k))


def format_rlct(pair: RLCT) -> str:
    """"λ = 1/2, m = 2" for ``(Fraction(1, 2), 2)``."""
    lam, m = _pair(pair)
    return f"λ = {lam}, m = {m}"
