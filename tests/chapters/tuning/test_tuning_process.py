"""Grid vs random search explorer and the response surface it uses."""

import numpy as np
import pytest

from nnlab.chapters.tuning import tuning_process as tp
from nnlab.chapters.tuning.tuning_process import (
    BEST_R,
    IMPORTANCE,
    compare_grid_random,
    response_surface,
)


def test_surface_minimum_and_plateau_by_hand():
    a, e = 10.0 ** BEST_R[0], 10.0 ** BEST_R[1]
    for m in IMPORTANCE:
        assert response_surface(a, e, m) == pytest.approx(0.05)
    # far from both optima each term saturates: 0.05 + 0.4 (w1 + w2)
    w1, w2 = IMPORTANCE["both matter equally"]
    assert response_surface(1e-4, 1e-10, "both matter equally") == pytest.approx(
        0.05 + 0.4 * (w1 + w2), abs=1e-6
    )


def test_unimportant_parameter_barely_moves_the_error():
    m = "α matters, ε does not"
    a = 10.0 ** BEST_R[0]
    eps = np.logspace(-10, -6, 50)
    assert np.ptp(response_surface(a, eps, m)) <= 0.4 * IMPORTANCE[m][1] + 1e-12


def test_same_budget_and_distinct_values():
    for k in (2, 5, 8):
        grid, rand = compare_grid_random(k, seed=3)
        assert len(grid) == len(rand) == k * k
        assert np.unique(grid.column("lr")).size == k
        assert np.unique(rand.column("lr")).size == k * k


def test_best_found_is_the_minimum_of_the_trials():
    grid, rand = compare_grid_random(4, "both matter equally", seed=1)
    for res in (grid, rand):
        scores = [
            float(response_surface(t["lr"], t["epsilon"], "both matter equally")) for t in res
        ]
        assert res.best["score"] == pytest.approx(min(scores))


def test_default_setting_shows_random_ahead():
    grid, rand = compare_grid_random(6, "α matters, ε does not", seed=0)
    assert rand.best["score"] < grid.best["score"]


def test_important_axis():
    assert tp.important_axis("α matters, ε does not") == "lr"
    assert tp.important_axis("ε matters, α does not") == "epsilon"
