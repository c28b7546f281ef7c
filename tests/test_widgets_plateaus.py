"""The plateau/saddle escape widget: milestones by hand and the numbers it lists."""
import numpy as np

from nnlab.race import RaceResult
from nnlab.widgets.plateaus import escape_explorer, escape_race, milestones


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
    box = [t.get_text() for t in fig.axes[1].texts if "plateau" in t.get_text()
           and ":" in t.get_text()]
    assert len(box) == 1 and box[0].startswith("Adam: plateau")
    fig = escape_explorer.figure(optimizer="GD", lr=10.0, steps=600)
    assert any("diverged at step" in t.get_text() for t in fig.axes[1].texts)
