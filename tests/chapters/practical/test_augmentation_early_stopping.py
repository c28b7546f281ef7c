"""Early stopping widget: the replayed stop follows the patience rule by hand."""

import numpy as np

from nnlab.chapters.practical.augmentation_early_stopping import (
    EVERY,
    ITERATIONS,
    _run,
    early_stopping_explorer,
    stopping_point,
    updates_per_epoch,
)


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
    # with mini-batches of 16 the dev cost is checked after every epoch: 13 updates
    assert updates_per_epoch(16) == 13
    assert ran % 13 == 0 and ran < ITERATIONS


def test_checks_every_EVERY_updates_at_full_batch_and_once_per_epoch_otherwise():
    *_, hist, steps, snapshots = _run(200)
    assert (
        steps == list(range(EVERY, ITERATIONS + 1, EVERY)) == [e + 1 for e in hist.measured_epochs]
    )
    assert len(snapshots) == len(hist.dev_costs) == ITERATIONS // EVERY
    *_, hist, steps, snapshots = _run(8)
    assert steps == list(range(25, ITERATIONS + 1, 25)) and len(snapshots) == len(hist.dev_costs)
