"""critical_points: classification by curvature signs, GOE sampling, FD Hessians.

The plateau/saddle escape widget: milestones by hand and the numbers it lists.
"""

import numpy as np
import pytest

from nnlab.chapters.optimization.plateaus import (
    classify,
    escape_explorer,
    escape_race,
    fraction_minima,
    hessian_2d,
    milestones,
    random_hessians,
)
from nnlab.race import RaceResult


def test_classify_by_signs():
    assert classify([1.0, 2.0]) == "minimum"
    assert classify([-1.0, -0.5]) == "maximum"
    assert classify([-1.0, 3.0]) == "saddle"
    assert classify([0.0, 3.0]) == "degenerate"
    with pytest.raises(ValueError, match="tol"):
        classify([1.0], tol=0.0)


def test_random_hessians_are_symmetric_with_goe_variances():
    H = random_hessians(4, 20000, seed=1)
    assert H.shape == (20000, 4, 4)
    assert np.allclose(H, np.swapaxes(H, 1, 2))
    # (A + Aᵀ)/√2: off-diagonal variance 1, diagonal variance 2
    assert abs(H[:, 0, 1].var() - 1.0) < 0.05
    assert abs(H[:, 2, 2].var() - 2.0) < 0.1


def test_fraction_minima_one_dimension_is_a_coin_flip_and_falls_with_n():
    assert abs(fraction_minima(1, samples=40000, seed=2) - 0.5) < 0.01
    # 2x2 GOE: P(both eigenvalues > 0) = (1 - 1/√2)/2 ≈ 0.146 (known closed form)
    assert abs(fraction_minima(2, samples=40000, seed=3) - (1 - 2**-0.5) / 2) < 0.01
    assert fraction_minima(4, seed=4) < fraction_minima(3, seed=4) < 0.125


def test_hessian_2d_matches_a_hand_derived_quadratic():
    # f = x² + 3xy − 2y²: H = [[2, 3], [3, −4]]
    grad = lambda x, y: (2 * x + 3 * y, 3 * x - 4 * y)
    assert np.allclose(hessian_2d(grad, 0.7, -1.2), [[2, 3], [3, -4]], atol=1e-6)
    with pytest.raises(ValueError, match="h"):
        hessian_2d(grad, 0, 0, h=0)


def test_milestones_on_a_hand_made_path():
    path = np.array([[[4.0, 0.0], [2.0, 0.1], [0.5, 0.2], [0.2, 0.6], [0.0, 0.9]]])
    r = RaceResult(("GD",), path, np.zeros((1, 5)), [None])
    assert milestones(r)["GD"] == {"plateau": 2, "saddle": 3, "escaped": 3}
    # a diverged run counts only up to the step it blew up
    r = RaceResult(("GD",), path, np.zeros((1, 5)), [3])
    assert milestones(r)["GD"] == {"plateau": 2, "saddle": None, "escaped": None}


def test_on_the_ridge_nobody_leaves_the_saddle():
    r, m = escape_race(x0=0.0, y0=0.0, steps=200)
    assert all(v["saddle"] is None for v in m.values())
    assert np.allclose(r.paths[:, :, 1], 0.0)


def test_gd_leaves_the_saddle_at_the_predicted_rate():
    # near the origin y_{t+1} = y_t + α(y_t − y_t³) ≈ (1 + α) y_t
    _, m2 = escape_race(optimizer="GD", lr=0.1, x0=0.0, y0=1e-2, steps=400)
    _, m6 = escape_race(optimizer="GD", lr=0.1, x0=0.0, y0=1e-6, steps=400)
    extra = m6["GD"]["saddle"] - m2["GD"]["saddle"]
    assert abs(extra - np.log(1e4) / np.log(1.1)) < 3


def test_figure_lists_one_line_per_optimizer():
    fig = escape_explorer.figure(optimizer="Adam", lr=0.1)
    box = [
        t.get_text() for t in fig.axes[1].texts if "plateau" in t.get_text() and ":" in t.get_text()
    ]
    assert len(box) == 1 and box[0].startswith("Adam: plateau")
    fig = escape_explorer.figure(optimizer="GD", lr=10.0, steps=600)
    assert any("diverged at step" in t.get_text() for t in fig.axes[1].texts)


def test_gd_settles_only_below_two_over_the_largest_curvature_at_the_minimum():
    # Hessian at the minimum (0, 1) is diag(1.5, 2): GD settles for α < 2/2 = 1 and bounces above
    from nnlab.chapters.optimization.plateaus import escape_race
    from nnlab.surfaces import SURFACES

    H = hessian_2d(SURFACES["saddle_plateau"].grad, 0.0, 1.0)
    np.testing.assert_allclose(H, np.diag([1.5, 2.0]), atol=1e-4)
    for lr, settles in [(0.9, True), (1.1, False), (1.5, False)]:
        r, _ = escape_race(optimizer="GD", lr=lr, steps=600)
        k = r.names.index("GD")
        assert r.diverged_at[k] is None
        assert bool(np.all(r.costs[k, -2:] < -0.249)) is settles, lr
