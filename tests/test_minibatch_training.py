"""minibatch_gd and gradient_noise: hand-made GD steps, counts, invariants, sampling theory."""
import numpy as np
import pytest

from nnlab.checks import DivergenceError
from nnlab.data import make_moons
from nnlab.minibatch_training import gradient_noise, minibatch_gd, steps_per_epoch
from nnlab.model import Network


def _data(m=40):
    return make_moons(m, noise=0.2, seed=3)


@pytest.mark.parametrize("m, s, expected", [(512, 1, 512), (512, 64, 8), (500, 64, 8),
                                            (50000, 128, 391), (10, 10, 1), (10, 11, 1)])
def test_steps_per_epoch_by_hand(m, s, expected):
    assert steps_per_epoch(m, s) == expected


def test_batch_size_m_is_one_plain_gradient_step_per_epoch():
    X, Y = _data()
    net, ref = Network([2, 5, 1], seed=1), Network([2, 5, 1], seed=1)
    _, grads = ref.loss_and_grads(X, Y)
    expected = {k: W - 0.5 * grads["d" + k] for k, W in ref.params.items()}
    run = minibatch_gd(net, X, Y, lr=0.5, mini_batch_size=X.shape[1], epochs=1)
    for k in expected:
        np.testing.assert_allclose(net.params[k], expected[k], rtol=1e-12, atol=1e-14)
    assert run.steps == 1


def test_batch_gd_cost_before_each_update_is_the_full_cost_after_the_last_epoch():
    # with s = m the batch of epoch e is the whole set, so J^{e} = J after e epochs
    X, Y = _data()
    run = minibatch_gd(Network([2, 5, 1], seed=0), X, Y, lr=0.3,
                       mini_batch_size=X.shape[1], epochs=4)
    np.testing.assert_allclose(run.iteration_costs, run.epoch_costs[:-1], rtol=1e-10)


def test_counts_and_initial_cost():
    X, Y = _data(45)
    net = Network([2, 4, 1], seed=2)
    J0 = net.loss(X, Y)
    run = minibatch_gd(net, X, Y, lr=0.1, mini_batch_size=8, epochs=3)
    assert run.steps == 3 * 6                      # ⌈45/8⌉ = 6 updates per epoch
    assert len(run.epoch_costs) == 4 and len(run.epoch_seconds) == 3
    assert run.epoch_costs[0] == pytest.approx(J0)
    assert run.seconds_per_epoch > 0


def test_small_batches_beat_batch_gd_per_epoch_on_moons():
    X, Y = make_moons(256, noise=0.2, seed=1)
    small = minibatch_gd(Network([2, 16, 8, 1], seed=0), X, Y, lr=0.3, mini_batch_size=16,
                         epochs=5)
    batch = minibatch_gd(Network([2, 16, 8, 1], seed=0), X, Y, lr=0.3, mini_batch_size=256,
                         epochs=5)
    assert small.epoch_costs[-1] < batch.epoch_costs[-1] - 0.1


class _Blows:
    """A stand-in network whose third mini-batch cost is infinite."""

    def __init__(self):
        self.params = {"W1": np.zeros((1, 2))}
        self.calls = 0

    def loss(self, X, Y):
        return 1.0

    def loss_and_grads(self, X, Y):
        self.calls += 1
        return (np.inf if self.calls == 3 else 1.0), {"dW1": np.ones((1, 2))}


def test_divergence_raises_with_the_partial_run():
    X, Y = _data(10)
    with pytest.raises(DivergenceError) as info:
        minibatch_gd(_Blows(), X, Y, lr=0.1, mini_batch_size=2, epochs=2)
    assert info.value.iteration == 3
    assert info.value.history.iteration_costs[:2] == [1.0, 1.0]
    assert info.value.history.diverged_at == 3


@pytest.mark.parametrize("kwargs, name", [({"lr": 0.0}, "lr"), ({"mini_batch_size": 0},
                                          "mini_batch_size"), ({"epochs": 0}, "epochs")])
def test_bad_arguments_name_the_parameter(kwargs, name):
    X, Y = _data(10)
    with pytest.raises(ValueError, match=name):
        minibatch_gd(Network([2, 3, 1]), X, Y, **kwargs)


def _per_example_spread(net, X, Y):
    """σ² = (1/m) Σ_i ‖g⁽ⁱ⁾ − g‖², by a plain loop over single examples."""
    def flat(cols):
        _, g = net.loss_and_grads(X[:, cols], Y[:, cols])
        return np.concatenate([np.ravel(g[k]) for k in sorted(g)])
    m = X.shape[1]
    G = np.stack([flat([i]) for i in range(m)])
    return np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)), G.mean(axis=0), flat(list(range(m)))


def test_gradient_noise_follows_sampling_theory():
    X, Y = _data(20)
    net = Network([2, 4, 1], seed=0)
    sigma2, mean_of_examples, full = _per_example_spread(net, X, Y)
    # the full-batch gradient is the average of the per-example ones
    np.testing.assert_allclose(mean_of_examples, full, rtol=1e-10, atol=1e-12)
    m = X.shape[1]
    for s in (1, 4, 10):
        expected = sigma2 / s * (m - s) / (m - 1)
        got = gradient_noise(net, X, Y, s, n_batches=3000, seed=1)
        assert got == pytest.approx(expected, rel=0.12)
    assert gradient_noise(net, X, Y, m, n_batches=5) == pytest.approx(0.0, abs=1e-20)


def test_gradient_noise_rejects_a_batch_larger_than_m():
    X, Y = _data(10)
    with pytest.raises(ValueError, match="mini_batch_size"):
        gradient_noise(Network([2, 3, 1]), X, Y, 11)
