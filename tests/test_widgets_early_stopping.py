"""Early stopping widget: the replayed stop follows the patience rule by hand."""
import numpy as np

from nnlab.widgets.early_stopping import EVERY, early_stopping_explorer, stopping_point


def test_stopping_point_by_hand():
    costs = [1.0, 0.8, 0.9, 0.7, 0.75, 0.76, 0.77, 0.5]
    assert stopping_point(costs, 1) == (1, 2)
    assert stopping_point(costs, 3) == (3, 6)
    assert stopping_point(costs, 10) == (7, None)


def test_more_patience_never_stops_earlier():
    rng = np.random.default_rng(0)
    costs = 1 / (1 + np.arange(100)) + 0.05 * rng.random(100) + 0.002 * np.arange(100)
    stops = [stopping_point(costs, p)[1] or 100 for p in range(1, 40)]
    assert all(a <= b for a, b in zip(stops, stops[1:]))


def test_title_reports_the_stop():
    title = early_stopping_explorer.figure(patience=3, mini_batch_size=16).axes[0].get_title()
    assert title.startswith("patience 3 checks: ran ")
    ran = int(title.split("ran ")[1].split(" ")[0])
    assert ran % EVERY == 0 and ran < 600
