"""Monte Carlo re-run of the Squiggle estimates in "No, human brains are not more efficient
than computers" (the fourth post of the 004 source file; its Squiggle code is quoted at the end
of that post).

Squiggle's ``a to b`` is a lognormal with 5th and 95th percentiles a and b (a normal when
a ≤ 0); ``uniform(a, b)`` is uniform.  Quantities are kept exactly as in the Squiggle code,
including its choices: the brain's share of energy (0.2) is defined but not used, the brain's
power is the whole body's daily intake in kJ/day divided by 86 400 s (kW), and the evolution
estimate works in log10 space.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.6448536269514722
"""Standard normal 95th percentile: a 90% interval spans ±Z95 standard deviations."""


def squiggle_to(a: float, b: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Samples of Squiggle's ``a to b``: lognormal with 90% interval [a, b] (normal if a ≤ 0)."""
    if not a < b:
        raise ValueError(f"need a < b, got {a}, {b}")
    if a > 0:
        mu, sigma = 0.5 * (math.log(a) + math.log(b)), (math.log(b) - math.log(a)) / (2 * Z95)
        return np.exp(mu + sigma * rng.standard_normal(size))
    return 0.5 * (a + b) + (b - a) / (2 * Z95) * rng.standard_normal(size)


@dataclass(frozen=True)
class Summary:
    """Quantiles and mean of a Monte Carlo sample."""

    p5: float
    median: float
    p95: float
    mean: float

    @classmethod
    def of(cls, x: np.ndarray) -> "Summary":
        p5, med, p95 = np.quantile(x, [0.05, 0.5, 0.95])
        return cls(float(p5), float(med), float(p95), float(np.mean(x)))


def brain_energy_per_flop(rng, n, brain_flops_log10=None) -> np.ndarray:
    """J/FLOP of the brain: (8000 to 10000 kJ/day)/86400 s → kW, ×1000 → W, / 10^flops.

    ``brain_flops_log10`` None means the post's point value 15; a pair (a, b) means
    ``a to b`` on the exponent (the postscript's "10 to 23").
    """
    flops = 15.0 if brain_flops_log10 is None else squiggle_to(*brain_flops_log10, n, rng)
    energy_per_day = squiggle_to(8000, 10000, n, rng)  # kJ/day
    power_kw = energy_per_day / (60 * 60 * 24)
    return power_kw * 1000 / 10.0**flops


def supercomputer_energy_per_flop(rng, n) -> np.ndarray:
    """J/FLOP of Fugaku: (25e6 to 30e6 W) / (450e15 to 550e15 FLOP/s)."""
    return squiggle_to(25e6, 30e6, n, rng) / squiggle_to(450e15, 550e15, n, rng)


def food_vs_solar(rng, n) -> np.ndarray:
    """Computer over human efficiency at turning sunlight into usable energy.

    human: photosynthesis (0.001 to 0.03) × trophic (0.1 to 0.15);
    computer: solar (0.15 to 0.20) × (1 − (0.08 to .15)) transmission.
    """
    human = squiggle_to(0.001, 0.03, n, rng) * squiggle_to(0.1, 0.15, n, rng)
    computer = squiggle_to(0.15, 0.20, n, rng) * (1 - squiggle_to(0.08, 0.15, n, rng))
    return computer / human


def evolution_log10_flops(rng, n) -> np.ndarray:
    """log10 of the FLOPs spent evolving brains (after Cotra's biological anchors):
    population uniform(19, 23) + brain FLOP/s (2 to 6) + log10(seconds per year) +
    log10(850e6 years)."""
    sec_in_year = math.log10(365 * 24 * 60 * 60)
    per_year = rng.uniform(19, 23, n) + squiggle_to(2, 6, n, rng) + sec_in_year
    return per_year + math.log10(850e6)


def dollars_per_flops_ratio(rng, n) -> np.ndarray:
    """($/(human FLOP/s)) / ($/(supercomputer FLOP/s)): (1e6 to 10e6)/1e15 over 1e9/450e15."""
    human = squiggle_to(1e6, 10e6, n, rng) / 1e15
    computer = 1e9 / 450e15
    return human / computer


def brain_vs_computer(n: int = 200_000, seed: int = 0) -> dict:
    """All the post's Squiggle estimates at once, as :class:`Summary` objects.

    Keys: "brain_J_per_FLOP", "supercomputer_J_per_FLOP", "energy_ratio" (supercomputer over
    human J/FLOP, the post's "almost 500 times"), "energy_ratio_uncertain_brain" (the same with
    brain FLOP/s = 10^(10 to 23): the postscript's "mean of ~10^19 and median of 830"),
    "efficiency_ratio" (electronic over biological sunlight efficiency, "2-3 orders of
    magnitude"), "evolution_log10_FLOPs" ("between 10^38 and 10^44"),
    "evolution_over_gpt3_log10" (minus GPT-3's 10^23.5 FLOPs), "dollar_ratio" (human over
    supercomputer $ per FLOP/s).
    """
    rng = np.random.default_rng(seed)
    brain = brain_energy_per_flop(rng, n)
    sc = supercomputer_energy_per_flop(rng, n)
    brain_unc = brain_energy_per_flop(rng, n, brain_flops_log10=(10, 23))
    sc2 = supercomputer_energy_per_flop(rng, n)
    evo = evolution_log10_flops(rng, n)
    return {
        "brain_J_per_FLOP": Summary.of(brain),
        "supercomputer_J_per_FLOP": Summary.of(sc),
        "energy_ratio": Summary.of(sc / brain),
        "energy_ratio_uncertain_brain": Summary.of(sc2 / brain_unc),
        "efficiency_ratio": Summary.of(food_vs_solar(rng, n)),
        "evolution_log10_FLOPs": Summary.of(evo),
        "evolution_over_gpt3_log10": Summary.of(evo - 23.5),
        "dollar_ratio": Summary.of(dollars_per_flops_ratio(rng, n)),
    }


def tail_mean_log10(n_samples: int, n_runs: int = 20, seed: int = 0) -> float:
    """Median over ``n_runs`` runs of log10(sample mean) of the energy ratio with uncertain
    brain FLOP/s (10^(10 to 23)).

    That mean is carried by a few extreme draws, so it grows with the number of samples: about
    10^19–10^20 with 1000 samples per run (the post reports "a mean of ~10^19"), far more with
    100 000.  The median (~800) is the stable summary.
    """
    rng = np.random.default_rng(seed)
    logs = []
    for _ in range(n_runs):
        ratio = supercomputer_energy_per_flop(rng, n_samples) / brain_energy_per_flop(
            rng, n_samples, brain_flops_log10=(10, 23))
        logs.append(math.log10(float(np.mean(ratio))))
    return float(np.median(logs))
