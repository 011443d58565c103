"""Figures for the snippets.  matplotlib is imported lazily, inside each function.

Each function draws on a new figure (which becomes pyplot's current figure) and returns it, so a
snippet can end with ``plt.show()`` — the line the Obsidian Execute Code plugin replaces to
embed the figure, and that the build's runner replaces to save a PNG.  When pyplot has not been
imported yet and no backend is configured, the non-interactive Agg backend is selected.
"""
from __future__ import annotations

import os
import sys

import numpy as np

_SIZE = (7.0, 3.0)


def pyplot():
    """matplotlib.pyplot, choosing Agg first unless pyplot or a backend is already set up."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _two_panels(title=None):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=_SIZE, dpi=100)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig, axes


def plot_volume_scaling(ts=None):
    """V(t) for three losses on [−1, 1]^d and the local slopes d log V / d log t.

    w1² + w2² (λ = 1, m = 1), (w1 w2)² (λ = 1/2, m = 2), (w1 w2 w3)² (λ = 1/2, m = 3); exact
    volumes (π t/4 for the disc, :func:`.toys.volume_monomial` for the monomials).
    """
    from .toys import local_slopes, volume_monomial

    ts = np.logspace(-30, -1, 200) if ts is None else np.asarray(ts, dtype=float)
    curves = {
        "$w_1^2+w_2^2$  (λ=1, m=1)": (np.pi * ts / 4, 1.0),
        "$(w_1w_2)^2$  (λ=1/2, m=2)": (volume_monomial(2, ts), 0.5),
        "$(w_1w_2w_3)^2$  (λ=1/2, m=3)": (volume_monomial(3, ts), 0.5),
    }
    fig, (a, b) = _two_panels("Volume scaling $V(t) \\approx c\\,t^\\lambda(-\\log t)^{m-1}$")
    for label, (v, lam) in curves.items():
        a.loglog(ts, v, label=label)
        line, = b.semilogx(1 / ts, local_slopes(ts, v), label=label)
        b.axhline(lam, color=line.get_color(), ls=":", lw=0.8)
    a.set_xlabel("t")
    a.set_ylabel("V(t)")
    a.legend(fontsize=7)
    b.set_xlabel("1/t")
    b.set_ylabel("local slope d log V / d log t")
    b.set_ylim(0, 1.1)
    fig.tight_layout()
    return fig


def plot_lam_eff(estimate, exact_lam=None):
    """λ_eff(β) of an :class:`.estimate.RLCTEstimate`, its fit and the extrapolated λ."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=_SIZE, dpi=100)
    ax.semilogx(estimate.betas, estimate.lam_eff, "o", ms=3, label="λ_eff(β) = β(E_β[K] − K*)")
    bs = estimate.betas[estimate.fit_mask]
    grid = np.logspace(np.log10(bs[0]), np.log10(bs[-1]) + 4, 100)
    ax.semilogx(grid, estimate.fitted_curve(grid), "-", lw=1,
                label=f"fit λ − (m−1)/log β + c/log²β, m = {estimate.m}")
    ax.axhline(estimate.lam, ls="--", lw=1, label=f"estimate λ = {estimate.lam:.3f}")
    if exact_lam is not None:
        ax.axhline(float(exact_lam), color="k", ls=":", lw=1, label=f"exact λ = {float(exact_lam):.3f}")
    ax.set_xlabel("β")
    ax.set_ylabel("λ_eff")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_poly15(betas=None):
    """λ_eff(β) an ideal sampler reports at the x⁴ and constant-1 solutions of the 15-parameter machine."""
    from .toys import POLY15_ONE, POLY15_X4, poly15_lam_eff

    plt = pyplot()
    betas = np.logspace(1, 12, 12) if betas is None else np.asarray(betas, dtype=float)
    fig, ax = plt.subplots(figsize=_SIZE, dpi=100)
    ax.semilogx(betas, poly15_lam_eff(POLY15_X4, betas), "o-", ms=3, label="f = x⁴ (m = 11)")
    ax.semilogx(betas, poly15_lam_eff(POLY15_ONE, betas), "s-", ms=3, label="f = 1 (m = 7)")
    ax.axhline(2.5, color="k", ls=":", lw=1, label="λ = 5/2 at both")
    ax.set_xlabel("β (≈ n)")
    ax.set_ylabel("λ_eff(β)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_theta1theta2(ns=None, eps: float = 0.1):
    """Posterior mass of the ε-square at the origin versus one at (0.5, 0), K = θ1² θ2²."""
    from .toys import theta1theta2_mass

    plt = pyplot()
    ns = np.logspace(1, 12, 12) if ns is None else np.asarray(ns, dtype=float)
    rows = [theta1theta2_mass(n, eps) for n in ns]
    fig, ax = plt.subplots(figsize=_SIZE, dpi=100)
    ax.semilogx(ns, [r[(0.0, 0.0)] for r in rows], "o-", ms=3, label=f"square of half-width {eps} at (0, 0)")
    ax.semilogx(ns, [r[(0.5, 0.0)] for r in rows], "s-", ms=3, label=f"same-size square at (0.5, 0)")
    ax.set_xlabel("n")
    ax.set_ylabel("posterior mass")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_trapping(betas=None, eps: float = 0.1):
    """Long-run fraction of time near the origin for min(|x|, |y|) and (xy)², exact."""
    from .toys import trapping_fraction

    plt = pyplot()
    betas = np.logspace(1, 12, 12) if betas is None else np.asarray(betas, dtype=float)
    fig, ax = plt.subplots(figsize=_SIZE, dpi=100)
    ax.semilogx(betas, [trapping_fraction("min", b, eps) for b in betas], "o-", ms=3, label="min(|x|, |y|)")
    ax.semilogx(betas, [trapping_fraction("xy2", b, eps) for b in betas], "s-", ms=3, label="(xy)²")
    ax.axhline(eps, color="k", ls=":", lw=1, label=f"ε = {eps}")
    ax.set_xlabel("β")
    ax.set_ylabel(f"fraction of time in [−{eps}, {eps}]²")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_free_energy(rows):
    """Numeric F_n against the singular formula and BIC (rows of :func:`.free_energy.compare_free_energy`)."""
    plt = pyplot()
    ns = [r.n for r in rows]
    fig, ax = plt.subplots(figsize=_SIZE, dpi=100)
    ax.semilogx(ns, [r.numeric for r in rows], "o", ms=4, label="numeric $F_n - nL_n(w_0)$")
    ax.semilogx(ns, [r.singular for r in rows], "-", label="λ log n − (m−1) log log n + c")
    ax.semilogx(ns, [r.bic for r in rows], "--", label="BIC: (d/2) log n + c")
    ax.set_xlabel("n")
    ax.set_ylabel("free energy")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_brains(n: int = 100_000, seed: int = 0):
    """Histograms of log10 of the post's two energy ratios (point and uncertain brain FLOP/s)."""
    from .brains import brain_energy_per_flop, supercomputer_energy_per_flop

    rng = np.random.default_rng(seed)
    fixed = supercomputer_energy_per_flop(rng, n) / brain_energy_per_flop(rng, n)
    unc = supercomputer_energy_per_flop(rng, n) / brain_energy_per_flop(rng, n, (10, 23))
    fig, (a, b) = _two_panels("Supercomputer J/FLOP ÷ human J/FLOP")
    a.hist(np.log10(fixed), bins=60)
    a.set_xlabel("log10 ratio (brain = 10^15 FLOP/s)")
    b.hist(np.log10(unc), bins=60)
    b.set_xlabel("log10 ratio (brain = 10^(10 to 23) FLOP/s)")
    fig.tight_layout()
    return fig
