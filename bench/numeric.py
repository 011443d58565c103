"""Benchmark: our learning-coefficient estimator against a single-temperature SGLD reference.

Run:  .venv/bin/python bench/numeric.py            (a few minutes on two cores)
      .venv/bin/python bench/numeric.py --quick    (fewer chains/particles, for a smoke run)

For each model with a known exact (λ, m) it prints the exact λ, the reference estimate, the
value an ideal (perfectly mixed) single-temperature sampler would report at the same nβ (read
off our ladder: "ideal 1-β"), ours (with the exact m given, and with m fitted), their relative
errors and times, then the mean relative errors and whether ours is at most one fifth of the
reference's.

The reference follows the widely used SGLD-based local learning coefficient recipe: one
inverse temperature nβ = n/log n (n = 10 000 here), chains started at w*, unadjusted Langevin
steps (no Metropolis correction) on nβ K(w) + (γ/2)|w − w*|², λ̂ = nβ (E[K] − K(w*)).  It is a
fair implementation of that recipe on the same population losses, not a straw man: its error
is dominated by the (m − 1)/log(nβ) bias of any single-temperature estimate, plus the
finite-β corrections.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vault_builder.numeric import (  # noqa: E402
    estimate_rlct,
    poly15_K,
    rlct_normal_crossing,
    rlct_product,
    rlct_regular,
    rlct_rrr,
    rlct_sum,
    rrr_loss,
)



def models():
    """(name, K, dim, w*, exact (λ, m), radius)."""
    sq = rlct_regular(1)
    return [
        ("w1^2 w2^2", lambda w: w[..., 0] ** 2 * w[..., 1] ** 2, 2, np.zeros(2),
         rlct_normal_crossing((1, 1)), 1.0),
        ("w1^2 + w2^4", lambda w: w[..., 0] ** 2 + w[..., 1] ** 4, 2, np.zeros(2),
         rlct_sum(sq, rlct_normal_crossing((2,))), 1.0),
        ("w1^2 (w2^2 + w3^2)", lambda w: w[..., 0] ** 2 * (w[..., 1] ** 2 + w[..., 2] ** 2), 3,
         np.zeros(3), rlct_product(sq, rlct_regular(2)), 1.0),
        ("(w1 w2 w3)^2", lambda w: np.prod(w**2, axis=-1), 3, np.zeros(3),
         rlct_normal_crossing((1, 1, 1)), 1.0),
        ("sum w_i^2, d=6", lambda w: np.sum(w**2, axis=-1), 6, np.zeros(6), rlct_regular(6), 1.0),
        ("RRR M=N=2 H=1 r=0", rrr_loss(2, 2, 1, np.zeros((2, 2))), 4, np.zeros(4),
         rlct_rrr(2, 2, 1, 0), 1.0),
        ("RRR M=N=2 H=1 r=1", rrr_loss(2, 2, 1, np.diag([1.0, 0.0])), 4, np.array([1.0, 0, 1, 0]),
         rlct_rrr(2, 2, 1, 1), 0.5),
        ("RRR M=N=3 H=1 r=0", rrr_loss(3, 3, 1, np.zeros((3, 3))), 6, np.zeros(6),
         rlct_rrr(3, 3, 1, 0), 1.0),
        ("RRR M=N=2 H=2 r=0", rrr_loss(2, 2, 2, np.zeros((2, 2))), 8, np.zeros(8),
         rlct_rrr(2, 2, 2, 0), 1.0),
        ("15-param poly at x^4", lambda w: poly15_K(w, (1,) + (0,) * 14), 15,
         np.array((1.0,) + (0.0,) * 14), (2.5, 11), 1.0),
    ]


def fd_grad(K, w, h=1e-6):
    """Central-difference gradient of K at a batch of points w (N, d)."""
    d = w.shape[1]
    g = np.empty_like(w)
    for j in range(d):
        e = np.zeros(d)
        e[j] = h
        g[:, j] = (K(w + e) - K(w - e)) / (2 * h)
    return g


N_DATA = 10_000
NBETA = N_DATA / math.log(N_DATA)


def sgld_reference(K, dim, w_star, *, n=N_DATA, gamma=1.0, step=1e-4, chains=4, draws=10_000,
                   burn=2000, seed=0):
    """Single-temperature SGLD local learning coefficient: nβ = n/log n, no MH correction.

    Step 1e-4 (a common choice) trades the two errors of unadjusted Langevin: at curvature
    2nβ ≈ 2200 it inflates variances by about 1/(1 − ε nβ/2) ≈ 6 %, and chains still travel
    ~√(ε·steps) ≈ 1 along flat valleys.  γ = 1 localises at the scale of our prior (radius 1).
    """
    rng = np.random.default_rng(seed)
    nbeta = n / math.log(n)
    w = np.repeat(np.asarray(w_star, dtype=float)[None], chains, axis=0)
    k_star = float(K(np.asarray(w_star, dtype=float)))
    total, count = 0.0, 0
    for t in range(burn + draws):
        drift = nbeta * fd_grad(K, w) + gamma * (w - w_star)
        w = w - 0.5 * step * drift + math.sqrt(step) * rng.standard_normal(w.shape)
        if t >= burn:
            total += float(np.sum(K(w) - k_star))
            count += chains
    return nbeta * total / count


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller runs (smoke test)")
    args = ap.parse_args(argv)
    chains, draws = (2, 3000) if args.quick else (4, 10_000)
    particles = 3000 if args.quick else 6000
    rows = []
    header = (f"{'model':22s} {'exact λ':>8s} {'m':>3s} {'ref λ̂':>8s} {'ref err':>8s} {'ref s':>6s} "
              f"{'ideal 1-β':>9s} {'ours λ̂':>8s} {'err':>7s} {'s':>6s} {'ours(m fit)':>11s} {'m̂':>3s} {'err':>7s} "
              f"{'method':>10s}")
    print(header)
    print("-" * len(header))
    for name, K, dim, w_star, (lam, m), radius in models():
        lam = float(lam)
        t0 = time.perf_counter()
        ref = sgld_reference(K, dim, w_star, chains=chains, draws=draws)
        t_ref = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours = estimate_rlct(K, dim, w_star=w_star, m=m, radius=radius, seed=0, n_particles=particles)
        t_ours = time.perf_counter() - t0
        free = estimate_rlct(K, dim, w_star=w_star, m=None, radius=radius, seed=0, n_particles=particles)
        row = dict(name=name, lam=lam, m=m, ref=ref, ref_err=abs(ref / lam - 1), t_ref=t_ref,
                   ours=ours.lam, err=abs(ours.lam / lam - 1), t_ours=t_ours, free=free.lam,
                   m_hat=free.m, free_err=abs(free.lam / lam - 1), method=ours.method)
        rows.append(row)
        print(f"{name:22s} {lam:8.4f} {m:3d} {ref:8.4f} {row['ref_err']:8.2%} {t_ref:6.1f} "
              f"{ours.lam_eff_at(NBETA):9.4f} {ours.lam:8.4f} {row['err']:7.2%} {t_ours:6.1f} {free.lam:11.4f} {free.m:3d} "
              f"{row['free_err']:7.2%} {ours.method:>10s}", flush=True)
    mean_ref = float(np.mean([r["ref_err"] for r in rows]))
    mean_ours = float(np.mean([r["err"] for r in rows]))
    mean_free = float(np.mean([r["free_err"] for r in rows]))
    print("-" * len(header))
    print(f"mean relative error: reference {mean_ref:.2%}, ours (m given) {mean_ours:.2%}, "
          f"ours (m fitted) {mean_free:.2%}")
    ok = mean_ours <= mean_ref / 5
    print(f"ours (m given) <= reference / 5: {'yes' if ok else 'NO'} "
          f"(ratio {mean_ours / mean_ref:.3f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
