"""Dropout widget: no dropout means a deterministic cost; dropout helps dev accuracy."""

import numpy as np

from nnlab.chapters.practical.dropout import _fit, dropout_explorer


def test_dropout_makes_the_training_cost_jagged():
    # total variation: how far the curve travels up and down, not just down
    tv = lambda c: np.abs(np.diff(c)).sum()
    _, rec = _fit(1.0, 1.0)
    _, noisy = _fit(0.8, 0.8)
    assert tv(noisy.costs) > 3 * tv(rec.costs)
    # the dropout-off check curve is recorded every 10 steps and ends below its start
    assert noisy.measured_epochs[:2] == [9, 19]
    assert noisy.train_costs[-1] < noisy.initial_cost - 0.2


def test_moderate_dropout_beats_none_on_dev():
    _, none = _fit(1.0, 1.0)
    _, drop = _fit(0.8, 0.8)
    assert drop.dev_acc[-1] > none.dev_acc[-1] + 0.03


def test_title_quotes_the_accuracies():
    _, rec = _fit(0.8, 0.8)
    title = dropout_explorer.figure(keep_prob1=0.8, keep_prob2=0.8).axes[0].get_title()
    assert f"dev {100 * rec.dev_acc[-1]:.1f}%" in title
