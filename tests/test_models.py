"""The two models against closed-form values."""

import math

import numpy as np
import pytest

from book import models


def test_cobb_douglas_and_linear_outputs():
    assert models.coproduction_output(4, 9, alpha=0.5, rho=0) == pytest.approx(6.0)
    assert models.coproduction_output(2, 6, alpha=0.25, rho=1) == pytest.approx(0.5 + 4.5)


def test_isoquant_returns_inputs_that_produce_the_output():
    regular = np.array([0.5, 1.0, 2.0, 3.0])
    for rho in (1.0, 0.5, 0.0, -1.0, -4.0):
        citizen = models.citizen_input_needed(2.0, regular, alpha=0.5, rho=rho)
        ok = ~np.isnan(citizen)
        assert ok.any()
        assert models.coproduction_output(regular[ok], citizen[ok], 0.5, rho) == pytest.approx(2.0)


def test_substitutes_give_a_corner_solution():
    regular, citizen, cost = models.cost_minimising_mix(10, wage_regular=1, wage_citizen=3, alpha=0.5, rho=1)
    assert citizen == 0 and regular == pytest.approx(20) and cost == pytest.approx(20)
    regular, citizen, _ = models.cost_minimising_mix(10, wage_regular=3, wage_citizen=1, alpha=0.5, rho=1)
    assert regular == 0 and citizen == pytest.approx(20)


def test_cobb_douglas_mix_spends_input_shares():
    # With Cobb-Douglas, spending on each input is proportional to its exponent.
    regular, citizen, cost = models.cost_minimising_mix(5, wage_regular=2, wage_citizen=1, alpha=0.3, rho=0)
    assert 2 * regular / cost == pytest.approx(0.3)
    assert models.coproduction_output(regular, citizen, 0.3, 0) == pytest.approx(5)


def test_complements_use_both_inputs_and_cost_is_minimal():
    regular, citizen, cost = models.cost_minimising_mix(4, wage_regular=1, wage_citizen=2, alpha=0.5, rho=-2)
    assert regular > 0 and citizen > 0
    grid = np.linspace(0.5, 20, 4000)
    other = models.citizen_input_needed(4, grid, alpha=0.5, rho=-2)
    costs = grid + 2 * other
    assert cost <= np.nanmin(costs) + 1e-3


def test_volunteers_dilemma_two_players():
    # N = 2: each volunteers with probability 1 - c/b; nobody does with probability (c/b)^2.
    assert models.volunteer_probability(2, 1, 4) == pytest.approx(0.75)
    assert models.nobody_volunteers(2, 1, 4) == pytest.approx(1 / 16)


def test_volunteers_dilemma_large_groups_tend_to_cost_ratio():
    assert models.nobody_volunteers(10**7, 1, 4) == pytest.approx(0.25, rel=1e-5)
    sizes = np.array([2, 3, 5, 10, 100])
    assert np.all(np.diff(models.someone_volunteers(sizes, 1, 4)) < 0)
    assert np.all(np.diff(models.volunteer_probability(sizes, 1, 4)) < 0)


def test_institutions_change_the_odds():
    assert models.with_reward(1.0, 0.4) == pytest.approx(0.6)
    assert models.someone_volunteers(50, models.with_reward(1, 0.5), 4) > models.someone_volunteers(50, 1, 4)
    assert models.assigned_provision(1, 4) == 1.0


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError):
        models.nobody_volunteers(1, 1, 4)
    with pytest.raises(ValueError):
        models.nobody_volunteers(5, 5, 4)
    assert math.isfinite(models.nobody_volunteers(3, 0.01, 4))
