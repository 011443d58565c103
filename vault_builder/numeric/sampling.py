"""Tempered sequential Monte Carlo for π_β ∝ φ(w) e^(−β K(w)) on a ladder β: 0 → β_max.

Prior samples are reweighted from one rung to the next (incremental weight e^(−(β'−β) K)),
with the next β chosen so that the effective sample size of the increment stays at
``ess_target``·N; then they are resampled and moved by Metropolis-adjusted Langevin (MALA)
steps plus a sweep of one-coordinate Metropolis steps, both with step sizes drawn per particle
from a log-uniform range that spans the scales present in the particle cloud.  A mixture of
kernels with state-independent random step sizes still leaves π_β invariant, and the spread of
scales is what lets the same moves work in the wide arms and in the thin neck of a singular
posterior (e.g. the cross {w1 w2 = 0}).

Each rung gives E_β[K] (for λ_eff(β) = β(E_β[K] − K(w*))) and, as a by-product,
log Z(β) = log ∫ φ e^(−β(K−K(w*))) (the product of the mean incremental weights).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .quadrature import prior_box


@dataclass
class SMCLadder:
    """What the tempered sampler saw on each rung (arrays are per rung, ascending β)."""

    betas: np.ndarray
    mean_k: np.ndarray
    """E_β[K] − K(w*) estimated from the moved, equally weighted particles (averaged over the
    states after each move of the rung)."""
    sem_k: np.ndarray
    """Naive standard error of ``mean_k`` (ignores correlation between particles)."""
    log_z: np.ndarray
    """Running estimate of log Z(β)."""
    ess: np.ndarray
    """Effective sample size of the incremental weights that brought the cloud to this rung."""
    accept_mala: np.ndarray
    accept_coord: np.ndarray
    n_evals: int = 0
    """Number of (vectorised) particle evaluations of K, times the number of particles."""
    final_particles: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


def _sample_prior(rng, n, w_star, radius, prior):
    d = len(w_star)
    if prior == "uniform":
        return w_star + rng.uniform(-1.0, 1.0, size=(n, d)) * radius
    box = prior_box(prior, radius)
    x = w_star + rng.standard_normal((n, d)) * radius
    return np.clip(x, w_star - box, w_star + box)


def _log_prior(x, w_star, radius, prior):
    """Unnormalised log prior; −inf outside the box."""
    box = prior_box(prior, radius)
    inside = np.all(np.abs(x - w_star) <= box, axis=-1)
    lp = np.zeros(x.shape[:-1]) if prior == "uniform" else -0.5 * np.sum(((x - w_star) / radius) ** 2, axis=-1)
    return np.where(inside, lp, -np.inf)


def _grad_log_prior(x, w_star, radius, prior):
    if prior == "uniform":
        return np.zeros_like(x)
    return -(x - w_star) / radius**2


def _fd_value_and_grad(Kc, x, h_rel=1e-6):
    """K(x) and a central-difference gradient, from one vectorised call of shape (2d+1, N, d)."""
    n, d = x.shape
    h = h_rel * np.maximum(1.0, np.abs(x))  # (N, d)
    pts = np.repeat(x[None], 2 * d + 1, axis=0)
    idx = np.arange(d)
    pts[1 + idx, :, idx] += h.T
    pts[1 + d + idx, :, idx] -= h.T
    vals = Kc(pts)
    grad = ((vals[1:1 + d] - vals[1 + d:]) / (2 * h.T)).T
    return vals[0], grad


def _systematic_resample(rng, w):
    n = len(w)
    positions = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(np.cumsum(w), positions)
    return np.minimum(idx, n - 1)


def _next_beta(k, beta, beta_max, ess_target, max_ratio):
    """Largest β' ≤ min(β_max, max_ratio·β) whose incremental weights keep ESS ≥ target·N."""
    n = len(k)

    def ess(b):
        lw = -(b - beta) * k
        w = np.exp(lw - lw.max())
        return w.sum() ** 2 / np.dot(w, w) / n

    hi = beta_max if beta == 0 else min(beta_max, beta * max_ratio)
    if ess(hi) >= ess_target:
        return hi
    lo_log = np.log(max(beta, 1e-12)) if beta > 0 else np.log(hi) - 40.0
    hi_log = np.log(hi)
    for _ in range(60):
        mid = 0.5 * (lo_log + hi_log)
        if ess(np.exp(mid)) >= ess_target:
            lo_log = mid
        else:
            hi_log = mid
    return max(np.exp(lo_log), beta * (1 + 1e-9)) if beta > 0 else np.exp(lo_log)


class _Target:
    """log π_β and its gradient for a batch of particles."""

    def __init__(self, K, k_star, w_star, radius, prior, grad):
        self.K, self.k_star, self.w_star, self.radius, self.prior, self.grad = (
            K, k_star, w_star, radius, prior, grad)
        self.n_evals = 0

    def k(self, x):
        self.n_evals += x.shape[0]
        return np.asarray(self.K(x), dtype=float) - self.k_star

    def k_and_grad(self, x):
        if self.grad is not None:
            self.n_evals += x.shape[0]
            return np.asarray(self.K(x), dtype=float) - self.k_star, np.asarray(self.grad(x), dtype=float)
        self.n_evals += x.shape[0] * (2 * x.shape[1] + 1)
        kv, g = _fd_value_and_grad(lambda p: np.asarray(self.K(p), dtype=float), x)
        return kv - self.k_star, g

    def log_prior(self, x):
        return _log_prior(x, self.w_star, self.radius, self.prior)

    def grad_log_prior(self, x):
        return _grad_log_prior(x, self.w_star, self.radius, self.prior)


def _scale_range(x, beta):
    """(lo, hi) step sizes per coordinate.

    hi is the spread of the cloud; lo is the smaller of a low quantile of |x − median| (thin
    directions along coordinates) and 0.05/√β (thin directions in general position, where K
    grows like β⁻¹-scaled squares of O(1) polynomials).
    """
    dev = np.abs(x - np.median(x, axis=0))
    n = len(x)
    lo = np.partition(dev, max(0, n // 20), axis=0)[max(0, n // 20)]
    lo = np.minimum(lo, 0.05 / np.sqrt(beta))
    hi = np.std(x, axis=0) + 1e-300
    lo = np.minimum(np.maximum(lo, hi * 1e-8), hi / 10)
    return lo, hi


def _draw_steps(rng, lo, hi, n):
    """Per-particle step sizes, log-uniform in [lo, hi] (state-independent, so MH stays exact)."""
    return np.exp(rng.uniform(np.log(lo), np.log(hi), size=n))


def _mala_step(rng, tgt, x, k, g, lpx, beta, lo, hi):
    """One MALA step per particle with its own (state-independent) step size."""
    n, d = x.shape
    sig = _draw_steps(rng, lo, hi, n)[:, None]
    drift = -beta * g + tgt.grad_log_prior(x)
    y = x + 0.5 * sig**2 * drift + sig * rng.standard_normal((n, d))
    lp_y = tgt.log_prior(y)
    ok = np.isfinite(lp_y)
    ky = np.full(n, np.inf)
    gy = np.zeros_like(x)
    if ok.any():
        ky[ok], gy[ok] = tgt.k_and_grad(y[ok])
    drift_y = -beta * gy + tgt.grad_log_prior(y)
    log_fwd = -np.sum((y - x - 0.5 * sig**2 * drift) ** 2, axis=1) / (2 * sig[:, 0] ** 2)
    log_bwd = -np.sum((x - y - 0.5 * sig**2 * drift_y) ** 2, axis=1) / (2 * sig[:, 0] ** 2)
    with np.errstate(invalid="ignore"):
        log_a = (-beta * ky + lp_y) - (-beta * k + lpx) + log_bwd - log_fwd
    acc = ok & (np.log(rng.random(n)) < log_a)
    a1 = acc[:, None]
    return (np.where(a1, y, x), np.where(acc, ky, k), np.where(a1, gy, g),
            np.where(acc, lp_y, lpx), acc.mean())


def _coordinate_sweep(rng, tgt, x, k, lpx, beta, lo, hi):
    """Random-walk Metropolis on one coordinate at a time, multi-scale step sizes."""
    n, d = x.shape
    rate = 0.0
    for j in range(d):
        y = x.copy()
        y[:, j] += _draw_steps(rng, lo[j], hi[j], n) * rng.standard_normal(n)
        lp_y = tgt.log_prior(y)
        ok = np.isfinite(lp_y)
        ky = np.full(n, np.inf)
        if ok.any():
            ky[ok] = tgt.k(y[ok])
        with np.errstate(invalid="ignore"):
            log_a = (-beta * ky + lp_y) - (-beta * k + lpx)
        acc = ok & (np.log(rng.random(n)) < log_a)
        x = np.where(acc[:, None], y, x)
        k = np.where(acc, ky, k)
        lpx = np.where(acc, lp_y, lpx)
        rate += acc.mean() / d
    return x, k, lpx, rate


def smc_ladder(
    K,
    dim: int,
    w_star,
    *,
    beta_max: float = 1e8,
    prior: str = "uniform",
    radius=1.0,
    n_particles: int = 4000,
    n_moves: int = 4,
    ess_target: float = 0.5,
    max_ratio: float = 1.6,
    seed: int = 0,
    grad=None,
) -> SMCLadder:
    """Run the tempered sampler from the prior (β = 0) up to ``beta_max``; see the module doc.

    ``max_ratio`` caps β'/β so that the ladder has enough rungs for the fit of λ_eff(β).
    ``grad`` (optional) maps (N, dim) → (N, dim), the gradient of K; without it MALA uses
    central differences.
    """
    rng = np.random.default_rng(seed)
    w_star = np.asarray(w_star, dtype=float)
    radius = np.broadcast_to(np.asarray(radius, dtype=float), (dim,)).copy()
    k_star = float(np.asarray(K(w_star), dtype=float))
    tgt = _Target(K, k_star, w_star, radius, prior, grad)
    x = _sample_prior(rng, n_particles, w_star, radius, prior)
    k = tgt.k(x)
    beta, log_z = 0.0, 0.0
    rec = {key: [] for key in ("betas", "mean_k", "sem_k", "log_z", "ess", "am", "ac")}
    while beta < beta_max:
        new = _next_beta(k, beta, beta_max, ess_target, max_ratio)
        lw = -(new - beta) * k
        top = lw.max()
        w = np.exp(lw - top)
        log_z += float(np.log(w.mean()) + top)
        w /= w.sum()
        ess = 1.0 / np.dot(w, w)
        idx = _systematic_resample(rng, w)
        x, k, beta = x[idx], k[idx], new
        k, g = tgt.k_and_grad(x)
        lpx = tgt.log_prior(x)
        lo, hi = _scale_range(x, beta)
        am = ac = 0.0
        k_sum = np.zeros_like(k)
        for move in range(n_moves):
            x, k, g, lpx, a1 = _mala_step(rng, tgt, x, k, g, lpx, beta, lo.min(), hi.max())
            x, k, lpx, a2 = _coordinate_sweep(rng, tgt, x, k, lpx, beta, lo, hi)
            if move < n_moves - 1:
                k, g = tgt.k_and_grad(x)
            am += a1 / n_moves
            ac += a2 / n_moves
            k_sum += k
        k_avg = k_sum / n_moves
        for key, val in (("betas", beta), ("mean_k", k_avg.mean()), ("sem_k", k.std() / np.sqrt(len(k))),
                         ("log_z", log_z), ("ess", ess), ("am", am), ("ac", ac)):
            rec[key].append(float(val))
    return SMCLadder(
        betas=np.array(rec["betas"]), mean_k=np.array(rec["mean_k"]), sem_k=np.array(rec["sem_k"]),
        log_z=np.array(rec["log_z"]), ess=np.array(rec["ess"]), accept_mala=np.array(rec["am"]),
        accept_coord=np.array(rec["ac"]), n_evals=tgt.n_evals, final_particles=x)
