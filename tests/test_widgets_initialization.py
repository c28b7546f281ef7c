"""The initialization widget: what it draws matches the story the chapter tells."""
import numpy as np

from nnlab.widgets.initialization import init_explorer, init_run, shown_layers


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_he_relu_signal_stays_within_a_factor_two_and_trains():
    stats, costs, acc, error = init_run(10, "relu", "He √(2/n)")
    assert error is None and acc > 0.85
    assert stats.act_std.max() / stats.act_std.min() < 2


def test_large_random_relu_explodes_and_diverges():
    stats, costs, acc, error = init_run(10, "relu", "large random (×1)")
    assert stats.act_std[-1] / stats.act_std[0] > 100
    assert error is not None and acc is None
    fig = init_explorer.figure(depth=10, scheme="large random (×1)")
    assert any("diverged" in t for t in _texts(fig))


def test_small_random_relu_vanishes_and_does_not_learn():
    stats, costs, acc, error = init_run(10, "relu", "small random (×0.01)")
    assert stats.act_std[-1] / stats.act_std[0] < 1e-6
    assert abs(costs[-1] - np.log(2)) < 0.01


def test_zeros_are_reported_as_exactly_zero():
    fig = init_explorer.figure(scheme="zeros")
    assert sum("exactly 0 at every layer" in t for t in _texts(fig)) == 2
    assert "accuracy 50 %" in _titles(fig)[5]


def test_histograms_follow_the_show_control():
    acts = _titles(init_explorer.figure(depth=7, show="activations"))[:3]
    grads = _titles(init_explorer.figure(depth=7, show="gradients"))[:3]
    assert [t.split()[0] for t in acts] == ["A[1]", "A[4]", "A[7]"]
    assert [t.split()[0] for t in grads] == ["dW[1]", "dW[4]", "dW[8]"]   # 4.5 rounds to even


def test_shown_layers_handles_shallow_networks():
    assert shown_layers(1) == [1]
    assert shown_layers(2) == [1, 2]
    assert shown_layers(10) == [1, 6, 10]
