"""Singular learning theory by the numbers: exact learning coefficients, an estimator, free
energy criteria and the toy calculations argued about in the source posts.

This package depends only on the standard library, numpy and scipy (matplotlib lazily, for
plots).  It imports nothing else from vault_builder, so the build can copy it into a vault as
``_code/slt_numeric/`` and the notes' snippets can ``import slt_numeric as slt``.

Exact values return ``(lam, m)`` with ``lam`` a :class:`fractions.Fraction` (exact) and ``m``
an ``int``; estimates and toy calculations return floats.

Exact:  format_rlct(pair), rlct_regular(d), rlct_normal_crossing(k, h=None), rlct_sum(*parts),
        rlct_product(*parts), rlct_monomial(k), rlct_rrr(M, N, H, r=0), rlct_tanh(H),
        poly15_rlct(theta_star)
Estimate:  estimate_rlct(K, dim, *, w_star=None, prior="uniform", radius=1.0, m=None, seed=0,
           method="auto", ...) -> RLCTEstimate; fit_ladder(betas, lam_eff, m=None)
Free energy:  bic(n, n_loss, d), free_energy_asymptotic(n, n_loss, lam, m=1),
              free_energy_numeric(K, dim, ns, ...), compare_free_energy(K, dim, ns, lam, m, d=None),
              free_energy_crossover(delta_loss, lam_a, lam_b, m_a=1, m_b=1)
Toys:  poly15_*, theta1theta2_mass, trapping_fraction, simulate_trapping, volume_monomial,
       volume_fraction, local_slopes, sgd_bayes_learning_rate, sgd_inverse_temperature,
       brain_vs_computer, squiggle_to, tail_mean_log10
Plots (lazy matplotlib):  plot_volume_scaling, plot_lam_eff, plot_poly15, plot_theta1theta2,
       plot_trapping, plot_free_energy, plot_brains
"""
from .brains import Summary, brain_vs_computer, squiggle_to, tail_mean_log10
from .estimate import LadderFit, RLCTEstimate, estimate_rlct, fit_ladder
from .exact import (
    RLCT,
    format_rlct,
    rlct_monomial,
    rlct_normal_crossing,
    rlct_product,
    rlct_regular,
    rlct_rrr,
    rlct_sum,
    rlct_tanh,
)
from .free_energy import (
    FreeEnergyRow,
    bic,
    compare_free_energy,
    free_energy_asymptotic,
    free_energy_crossover,
    free_energy_numeric,
)
from .plots import (
    plot_brains,
    plot_free_energy,
    plot_lam_eff,
    plot_poly15,
    plot_theta1theta2,
    plot_trapping,
    plot_volume_scaling,
)
from .quadrature import QuadratureLadder, quadrature_ladder
from .sampling import SMCLadder, smc_ladder
from .toys import (
    rrr_loss,
    POLY15_ONE,
    POLY15_TERMS,
    POLY15_X4,
    local_slopes,
    poly15_K,
    poly15_coefficients,
    poly15_lam_eff,
    poly15_rlct,
    poly15_summary,
    sgd_bayes_learning_rate,
    sgd_inverse_temperature,
    simulate_trapping,
    theta1theta2_mass,
    trapping_fraction,
    volume_fraction,
    volume_monomial,
)

__all__ = [
    "RLCT", "format_rlct", "rlct_regular", "rlct_normal_crossing", "rlct_sum", "rlct_product", "rlct_monomial",
    "rlct_rrr", "rlct_tanh", "rrr_loss",
    "estimate_rlct", "RLCTEstimate", "fit_ladder", "LadderFit",
    "quadrature_ladder", "QuadratureLadder", "smc_ladder", "SMCLadder",
    "bic", "free_energy_asymptotic", "free_energy_numeric", "compare_free_energy",
    "free_energy_crossover", "FreeEnergyRow",
    "POLY15_TERMS", "POLY15_X4", "POLY15_ONE", "poly15_coefficients", "poly15_K", "poly15_rlct",
    "poly15_lam_eff", "poly15_summary", "theta1theta2_mass", "trapping_fraction",
    "simulate_trapping", "volume_monomial", "volume_fraction", "local_slopes",
    "sgd_inverse_temperature", "sgd_bayes_learning_rate",
    "squiggle_to", "brain_vs_computer", "tail_mean_log10", "Summary",
    "plot_volume_scaling", "plot_lam_eff", "plot_poly15", "plot_theta1theta2", "plot_trapping",
    "plot_free_energy", "plot_brains",
]
