"""signal_propagation: per-layer statistics against hand-built networks and the
variance rule Var(z) = n Var(W) E[a²].

The initialization widget: what it draws matches the story the chapter tells.
"""

import numpy as np
import pytest

from nnlab.chapters.practical.initialization import (
    deep_linear_scale,
    init_explorer,
    init_run,
    layer_statistics,
    max_variance_ratio,
    shown_layers,
)
from nnlab.model import Network


def _data(n_x=50, m=400, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), (rng.random((1, m)) < 0.5).astype(int)


def test_statistics_of_a_hand_set_network():
    # W1 = 2·I and b1 = 0 on inputs ±1: A1 = relu(2x) is 2 or 0, half the time each
    net = Network([2, 2, 1], init="zeros")
    net.params["W1"] = 2 * np.eye(2)
    net.params["W2"] = np.array([[1.0, -1.0]])
    X = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0]])
    Y = np.array([[1, 0, 1, 0]])
    s = layer_statistics(net, X, Y)
    assert len(s.A) == 1 and len(s.dW) == 2
    assert s.act_std[0] == pytest.approx(1.0)  # values {0, 2} in equal numbers
    np.testing.assert_allclose(s.grad_norm, [np.linalg.norm(s.dW[0]), np.linalg.norm(s.dW[1])])


def test_zero_init_gives_zero_activations_and_zero_weight_gradients():
    X, Y = _data()
    s = layer_statistics(Network([50, 20, 20, 1], init="zeros"), X, Y)
    assert np.all(s.act_std == 0) and np.all(s.grad_norm == 0)
    assert max_variance_ratio(s.act_std) == float("inf")


def test_he_keeps_relu_second_moment_steady_in_wide_layers():
    # He: E[z²] = n · (2/n) · E[a²] and E[a²] = E[z²]/2 for relu, so E[z²] stays 2·E[x²]/...
    X, Y = _data(n_x=100, m=300)
    net = Network([100] + [400] * 6 + [1], init="he", seed=0)
    _, cache = net.forward(X, training=False)
    second = [np.mean(cache[f"Z{l}"] ** 2) for l in range(1, 7)]
    np.testing.assert_allclose(second, 2.0, rtol=0.25)


def test_small_random_init_shrinks_the_signal_geometrically():
    # per layer E[z²] is multiplied by n · scale² / 2 = 100 · 1e-4 / 2 = 5e-3
    X, Y = _data(n_x=100, m=300)
    s = layer_statistics(
        Network([100] + [100] * 5 + [1], init="random", init_scale=0.01, seed=1), X, Y
    )
    ratios = s.act_std[1:] / s.act_std[:-1]
    np.testing.assert_allclose(ratios, np.sqrt(5e-3), rtol=0.35)


def test_deep_linear_scale_and_ratio():
    assert deep_linear_scale(1.5, 10) == pytest.approx(57.665, rel=1e-4)
    assert deep_linear_scale(0.5, 10) == pytest.approx(1 / 1024)
    assert max_variance_ratio([1.0, 2.0, 0.5]) == pytest.approx(16.0)
    with pytest.raises(ValueError, match="L"):
        deep_linear_scale(1.0, 0)


def test_dropout_networks_are_refused():
    X, Y = _data()
    with pytest.raises(ValueError, match="keep_prob"):
        layer_statistics(Network([50, 10, 1], keep_prob=0.5), X, Y)


def test_dZ_rms_matches_a_hand_backward_pass_and_the_weight_gradient():
    X, Y = _data(n_x=5, m=40, seed=3)
    net = Network([5, 7, 6, 1], hidden="tanh", init="xavier", seed=4)
    s = layer_statistics(net, X, Y)
    P = net.params
    Z1 = P["W1"] @ X + P["b1"]
    A1 = np.tanh(Z1)
    Z2 = P["W2"] @ A1 + P["b2"]
    A2 = np.tanh(Z2)
    A3 = 1 / (1 + np.exp(-(P["W3"] @ A2 + P["b3"])))
    dZ3 = (A3 - Y) / 40
    dZ2 = (P["W3"].T @ dZ3) * (1 - A2**2)
    dZ1 = (P["W2"].T @ dZ2) * (1 - A1**2)
    rms = lambda a: np.sqrt(np.mean(a**2))
    np.testing.assert_allclose(s.dZ_rms, [rms(dZ1), rms(dZ2)], rtol=1e-10)
    # dW[l] = dZ[l] A[l-1]ᵀ (the 1/m is already inside dZ here)
    np.testing.assert_allclose(s.dW[0], dZ1 @ X.T, rtol=1e-10)


def test_he_keeps_the_backward_signal_steady_in_wide_relu_layers():
    X, Y = _data(n_x=100, m=300)
    s = layer_statistics(Network([100] + [400] * 8 + [1], init="he", seed=0), X, Y)
    assert s.dZ_rms.max() / s.dZ_rms.min() < 1.6


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
    assert [t.split()[0] for t in grads] == ["dW[1]", "dW[4]", "dW[8]"]  # 4.5 rounds to even


def test_shown_layers_handles_shallow_networks():
    assert shown_layers(1) == [1]
    assert shown_layers(2) == [1, 2]
    assert shown_layers(10) == [1, 6, 10]
