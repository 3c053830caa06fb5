"""Two small models behind the theory chapters.

Ostrom's co-production function: output Q from regular-producer input R (paid staff) and citizen
input C, written here as a CES function whose substitution parameter rho spans the cases Ostrom
(1996) and Parks et al. (1981) discuss: rho = 1, perfect substitutes; rho -> 0, Cobb-Douglas;
rho < 0, complements (rho -> -inf, inputs used in fixed proportions).

The volunteer's dilemma (Diekmann 1985): N people each may volunteer at cost c; if at least one
does, everyone receives benefit b > c. In the symmetric mixed equilibrium nobody volunteers with
probability (c/b)^(N/(N-1)).
"""

from __future__ import annotations

import math

import numpy as np

from book.i18n import _

# The labels of the models' parameters (data/theory/model_parameters.csv, its `label` column) in
# both languages, for the controls and legends of the models' charts: a label not listed here
# stays in English in the Chinese edition.
LABELS = [
    _("Perfect substitutes"), _("Substitutes"), _("Complements"), _("Strong complements"),
    _("Citizen time costs half as much as staff time"), _("Citizen time costs the same as staff time"),
    _("Citizen time costs twice as much as staff time"),
    _("Volunteering costs a tenth of the benefit"), _("Volunteering costs a quarter of the benefit"),
    _("Volunteering costs half the benefit"), _("Volunteering costs three quarters of the benefit"),
]  # fmt: skip

# ---------------------------------------------------------------- co-production function


def coproduction_output(regular, citizen, alpha: float = 0.5, rho: float = 0.5, scale: float = 1.0):
    """Q = scale * (alpha R^rho + (1 - alpha) C^rho)^(1/rho); Cobb-Douglas at rho = 0."""
    regular, citizen = np.asarray(regular, dtype=float), np.asarray(citizen, dtype=float)
    if abs(rho) < 1e-12:
        return scale * regular**alpha * citizen ** (1 - alpha)
    with np.errstate(divide="ignore"):
        inner = alpha * regular**rho + (1 - alpha) * citizen**rho
        return scale * inner ** (1 / rho)


def citizen_input_needed(output: float, regular, alpha: float = 0.5, rho: float = 0.5, scale: float = 1.0):
    """The isoquant: citizen input C that, with regular input R, yields `output` (NaN if none does)."""
    regular = np.asarray(regular, dtype=float)
    target = output / scale
    with np.errstate(divide="ignore", invalid="ignore"):
        if abs(rho) < 1e-12:
            citizen = (target / regular**alpha) ** (1 / (1 - alpha))
        else:
            rest = (target**rho - alpha * regular**rho) / (1 - alpha)
            citizen = np.where(rest > 0, np.abs(rest) ** (1 / rho), np.nan)
    return np.where(np.isfinite(citizen) & (citizen >= 0), citizen, np.nan)


def cost_minimising_mix(
    output: float, wage_regular: float, wage_citizen: float, alpha: float = 0.5, rho: float = 0.5, scale: float = 1.0
) -> tuple[float, float, float]:
    """(R, C, cost) producing `output` at least cost, given the cost of each input.

    Substitutes (rho = 1) give a corner: only the cheaper input per unit of output is used.
    Otherwise the first-order condition gives R/C = ((alpha/(1-alpha)) * (w_C/w_R))^sigma,
    with sigma = 1/(1-rho) the elasticity of substitution.
    """
    if rho >= 1:
        regular_only = output / (scale * alpha ** (1 / rho)) if alpha > 0 else math.inf
        citizen_only = output / (scale * (1 - alpha) ** (1 / rho)) if alpha < 1 else math.inf
        if wage_regular * regular_only <= wage_citizen * citizen_only:
            return regular_only, 0.0, wage_regular * regular_only
        return 0.0, citizen_only, wage_citizen * citizen_only
    sigma = 1 / (1 - rho)
    ratio = ((alpha / (1 - alpha)) * (wage_citizen / wage_regular)) ** sigma  # R per unit of C
    citizen = output / float(coproduction_output(ratio, 1.0, alpha, rho, scale))
    regular = ratio * citizen
    return regular, citizen, wage_regular * regular + wage_citizen * citizen


# ---------------------------------------------------------------- volunteer's dilemma


def _check(group_size, cost, benefit) -> None:
    if np.any(np.asarray(group_size) < 2):
        raise ValueError("the dilemma needs at least two people")
    if not 0 < cost < benefit:
        raise ValueError("the model needs 0 < cost < benefit")


def volunteer_probability(group_size, cost: float, benefit: float):
    """Each person's equilibrium probability of volunteering: 1 - (c/b)^(1/(N-1))."""
    _check(group_size, cost, benefit)
    n = np.asarray(group_size, dtype=float)
    return 1 - (cost / benefit) ** (1 / (n - 1))


def nobody_volunteers(group_size, cost: float, benefit: float):
    """Probability that no one volunteers in the symmetric equilibrium: (c/b)^(N/(N-1))."""
    _check(group_size, cost, benefit)
    n = np.asarray(group_size, dtype=float)
    return (cost / benefit) ** (n / (n - 1))


def someone_volunteers(group_size, cost: float, benefit: float):
    """Probability that the good is provided: 1 - (c/b)^(N/(N-1))."""
    return 1 - nobody_volunteers(group_size, cost, benefit)


def with_reward(cost: float, reward: float) -> float:
    """A reward paid to whoever volunteers lowers the effective cost (never below zero)."""
    return max(cost - reward, 0.0)


def assigned_provision(cost: float, benefit: float) -> float:
    """With a named person responsible (and b > c), the good is provided for certain."""
    _check(2, cost, benefit)
    return 1.0
