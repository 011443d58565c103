"""Free energy (negative log evidence) and the criteria that approximate it.

For n samples, empirical loss L_n (average negative log likelihood) and a realisable truth w0,

    F_n = −log ∫ φ(w) ∏ p(x_i | w) dw = −log ∫ φ(w) e^(−n L_n(w)) dw,

and Watanabe's asymptotic expansion (Watanabe 2009, Main Theorem 6.2 / Thm 6.7) is

    F_n = n L_n(w0) + λ log n − (m − 1) log log n + O_p(1).

For a regular model λ = d/2, m = 1 and the expansion is the BIC (Schwarz 1978).  For a singular
model BIC over-penalises by (d/2 − λ) log n.  In the "population" version used below,
n L_n(w) is replaced by n S + n K(w) (entropy plus KL divergence), which keeps the λ, m terms
exactly and drops the O_p(1) fluctuation — a deterministic curve one can compute by quadrature.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .quadrature import quadrature_ladder


def bic(n: float, n_loss: float, d: int) -> float:
    """Bayesian information criterion on the free-energy scale: n L_n(ŵ) + (d/2) log n.

    ``n_loss`` is n·L_n at the fitted parameter (the summed negative log likelihood).
    """
    _check_n(n)
    return float(n_loss + 0.5 * d * math.log(n))


def free_energy_asymptotic(n: float, n_loss: float, lam: float, m: int = 1) -> float:
    """Singular asymptotic free energy n L_n(w0) + λ log n − (m − 1) log log n (Watanabe 2009).

    Needs n > e so that log log n is defined and positive.
    """
    _check_n(n)
    if n <= math.e:
        raise ValueError(f"n must exceed e for log log n, got {n}")
    return float(n_loss + float(lam) * math.log(n) - (m - 1) * math.log(math.log(n)))


def free_energy_numeric(K, dim: int, ns, *, w_star=None, prior: str = "uniform", radius=1.0,
                        n_entropy: float = 0.0) -> np.ndarray:
    """F_n = n·S − log ∫ φ(w) e^(−n (K(w) − K(w*))) dw for each n in ``ns``, by quadrature.

    ``n_entropy`` is S (the per-sample entropy of the truth, n·S = n L_n(w0) on average); with
    the default 0 the result is the free energy relative to n L_n(w0).  dim ≤ 3 (log-grid
    quadrature, see :mod:`.quadrature`).
    """
    ns = np.asarray(ns, dtype=float)
    w_star = np.zeros(dim) if w_star is None else np.asarray(w_star, dtype=float)
    q = quadrature_ladder(K, dim, w_star, ns, prior=prior, radius=radius)
    order = np.argsort(ns)
    out = np.empty_like(ns)
    out[order] = ns[order] * n_entropy - q.log_z
    return out


@dataclass(frozen=True)
class FreeEnergyRow:
    """One row of :func:`compare_free_energy` (all relative to n L_n(w0))."""

    n: float
    numeric: float
    """−log Z(n) by quadrature."""
    singular: float
    """λ log n − (m−1) log log n + c, with c matched to the numeric value at the first n."""
    bic: float
    """(d/2) log n + c', matched the same way."""

    @property
    def singular_error(self) -> float:
        return self.singular - self.numeric

    @property
    def bic_error(self) -> float:
        return self.bic - self.numeric


def compare_free_energy(K, dim: int, ns, lam, m: int, d: int | None = None, **kw) -> list[FreeEnergyRow]:
    """Numeric F_n next to the singular formula and BIC, each shifted to agree at ns[0].

    The asymptotic formulas fix F_n only up to an O(1) constant, so the fair comparison is of
    growth: after matching at the first n, the singular formula's error stays bounded while
    BIC's grows like (d/2 − λ) log n.  ``d`` defaults to ``dim``.
    """
    d = dim if d is None else d
    ns = np.sort(np.asarray(ns, dtype=float))
    num = free_energy_numeric(K, dim, ns, **kw)
    sing = np.array([free_energy_asymptotic(n, 0.0, lam, m) for n in ns])
    bics = np.array([bic(n, 0.0, d) for n in ns])
    sing += num[0] - sing[0]
    bics += num[0] - bics[0]
    return [FreeEnergyRow(float(n), float(a), float(b), float(c)) for n, a, b, c in zip(ns, num, sing, bics)]


def free_energy_crossover(delta_loss: float, lam_a: float, lam_b: float, m_a: int = 1, m_b: int = 1,
                          n_max: float = 1e30) -> float | None:
    """Smallest n at which phase B (lower loss, higher λ) beats phase A in free energy.

    Phase A: loss L + delta_loss, (lam_a, m_a); phase B: loss L, (lam_b, m_b), lam_b > lam_a.
    F_A − F_B = n·delta_loss − (lam_b − lam_a) log n + (m_b − m_a) log log n; the posterior
    moves from A to B (a Bayesian phase transition, Watanabe 2009 §7; Carroll 2021) where this
    turns positive for good.  Returns None if that does not happen below ``n_max``.
    """
    if delta_loss <= 0:
        raise ValueError("delta_loss must be positive (phase B has the lower loss)")

    def gap(log_n):
        n = math.exp(log_n)
        return n * delta_loss - (lam_b - lam_a) * log_n + (m_b - m_a) * math.log(log_n)

    lo, hi = 1.5, math.log(n_max)
    if gap(hi) <= 0:
        return None
    # the gap is eventually increasing; scan down from n_max for the last sign change
    grid = np.linspace(lo, hi, 4000)
    vals = np.array([gap(x) for x in grid])
    neg = np.nonzero(vals <= 0)[0]
    if len(neg) == 0:
        return float(math.exp(lo))
    a, b = grid[neg[-1]], grid[neg[-1] + 1]
    for _ in range(100):
        mid = 0.5 * (a + b)
        if gap(mid) <= 0:
            a = mid
        else:
            b = mid
    return float(math.exp(b))


def _check_n(n):
    if not n > 1:
        raise ValueError(f"n must be > 1, got {n}")
