"""The learning-rate decay widget: schedules by hand, the clock bug, the baseline row."""

import numpy as np
import pytest

from nnlab.chapters.optimization.lr_decay import decay_explorer, decay_schedule, run_schedule


def test_schedule_values_by_hand():
    e = np.array([0, 9, 10, 25])
    assert np.allclose(decay_schedule("constant", 0.5)(e), 0.5)
    # inverse time ticking every 10 epochs: 1/(1 + 2·⌊e/10⌋)
    assert np.allclose(
        decay_schedule("inverse time", 1.0, decay_rate=2.0, every=10)(e), [1, 1, 1 / 3, 1 / 5]
    )
    assert np.allclose(decay_schedule("exponential", 1.0, keep=0.5)(e), 0.5**e)
    assert np.allclose(decay_schedule("staircase", 1.0, keep=0.5, every=10)(e), [1, 1, 0.5, 0.25])
    # cosine over 60 epochs, no warm-up: α₀ at 0, α₀/2 at the midpoint
    assert np.isclose(decay_schedule("cosine + warm-up", 2.0, warmup=0, total=60)(30), 1.0)
    with pytest.raises(ValueError, match="kind"):
        decay_schedule("linear", 1.0)


def test_clock_per_mini_batch_ticks_eight_times_as_often():
    # 256 examples / 32 per batch = 8 iterations per epoch, 60 epochs = 480 iterations
    by_epoch = run_schedule("inverse time", lr0=1.0, decay_rate=1.0, every=10)
    by_batch = run_schedule("inverse time", lr0=1.0, decay_rate=1.0, every=10, per_iteration=True)
    assert np.isclose(by_epoch.lrs[0, -1], 1 / (1 + 59 // 10))
    assert np.isclose(by_batch.lrs[0, -1], 1 / (1 + 479 // 10))
    # the baseline row is the constant α₀ and is the same run in both
    assert np.all(by_epoch.lrs[1] == 1.0)
    assert np.allclose(by_epoch.epoch_costs[1], by_batch.epoch_costs[1])


def test_constant_schedule_matches_its_baseline_and_legend_quotes_final_cost():
    d = run_schedule("constant", lr0=0.3)
    assert np.allclose(d.epoch_costs[0], d.epoch_costs[1])
    fig = decay_explorer.figure(kind="constant", lr0=0.3)
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend[0].startswith(f"with schedule: J = {d.epoch_costs[0, -1]:.3f}")


def test_a_schedule_that_reaches_zero_stops_the_run_there():
    # cosine over 60 "epochs" on the per-mini-batch clock: α = 0 from iteration 60 on
    # (7.5 epochs of 8 mini-batches); a zero α skips the step, so the cost freezes
    d = run_schedule("cosine + warm-up", lr0=1.0, warmup=5, per_iteration=True)
    assert np.all(d.lrs[0, 60:] == 0.0) and np.all(d.lrs[0, :60] > 0.0)
    cost = d.epoch_costs[0]
    assert np.all(cost[8:] == cost[8]) and cost[7] != cost[8]
    assert d.diverged_at == [None, None] and d.histories[0].lrs == list(d.lrs[0])
