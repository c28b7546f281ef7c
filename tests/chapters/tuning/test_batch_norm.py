"""Tests for nnlab.experiments: hand-derived values and invariants (the training loop is
nnlab.train.train, tested in test_train.py; running averages are nnlab.ewa.ewa).

The batch-norm explorers show what the chapter claims.
"""

import numpy as np
import pytest

from nnlab.chapters.tuning import batch_norm as bn
from nnlab.chapters.tuning.batch_norm import batch_stat_noise
from nnlab.model import Network


def test_batch_stat_noise_full_batch_has_no_noise():
    Z = np.random.default_rng(0).normal(size=(2, 40))
    mus, variances = batch_stat_noise(Z, 40, n_batches=5)
    assert np.allclose(mus, Z.mean(axis=1))
    assert np.allclose(variances, Z.var(axis=1))


def test_batch_stat_noise_matches_sampling_theory():
    # sampling s of m without replacement: sd of the mean = sigma/sqrt(s) * sqrt((m-s)/(m-1))
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(1, 1000))
    s, m = 10, 1000
    mus, _ = batch_stat_noise(Z, s, n_batches=4000, seed=2)
    expected = Z.std() / np.sqrt(s) * np.sqrt((m - s) / (m - 1))
    assert abs(mus.std() - expected) < 0.05 * expected


def test_batch_stat_noise_checks_size():
    with pytest.raises(ValueError, match="mini_batch_size"):
        batch_stat_noise(np.zeros((1, 10)), 11)
    with pytest.raises(ValueError, match="mini_batch_size"):
        batch_stat_noise(np.zeros((1, 10)), 1)


def test_layer_input_stats_by_hand_and_with_batch_norm():
    from nnlab.chapters.tuning.batch_norm import layer_input_stats

    X = np.array([[1.0, 2.0, 3.0, 6.0], [0.0, -1.0, 1.0, 0.0]])
    net = Network([2, 2, 1], seed=0)
    W, b = net.params["W1"], net.params["b1"]
    Z = W @ X + b
    mean, std = layer_input_stats(net, X, 1)
    assert np.allclose(mean, Z.mean(axis=1)) and np.allclose(std, Z.std(axis=1))
    bn = Network([2, 3, 1], batchnorm=True, seed=0)
    bn.params["gamma1"][...] = [[2.0], [0.5], [1.0]]
    bn.params["beta1"][...] = [[1.0], [-1.0], [0.0]]
    mean, std = layer_input_stats(bn, X, 1)
    assert np.allclose(mean, [1.0, -1.0, 0.0])  # mean beta
    assert np.allclose(std, [2.0, 0.5, 1.0], rtol=1e-4)  # std gamma (up to epsilon)
    with pytest.raises(ValueError, match="hidden layer"):
        layer_input_stats(bn, X, 2)


def test_plain_network_fails_at_large_rate_where_batch_norm_learns():
    _, plain = bn.bn_run(False, 3.0, 32)
    _, normed = bn.bn_run(True, 3.0, 32)
    assert plain.diverged or plain.epoch_costs[-1] > 0.6  # ln 2 = 0.69 is chance
    assert not normed.diverged and normed.epoch_costs[-1] < 0.3


def test_batch_norm_layer_inputs_have_mean_beta_and_std_gamma():
    # whatever the weights upstream, unit j's input to g over the batch has mean beta_j
    # and standard deviation gamma_j (up to the epsilon in the denominator)
    net, _ = bn.bn_run(True, 1.0, 32)
    X, _ = bn.moons()
    _, cache = net.forward(X, training=True, update_running=False)
    for l in range(1, net.L):
        Zn = cache[f"Zn{l}"]
        assert np.allclose(Zn.mean(axis=1, keepdims=True), net.params[f"beta{l}"], atol=1e-9)
        assert np.allclose(
            Zn.std(axis=1, keepdims=True), np.abs(net.params[f"gamma{l}"]), rtol=1e-3, atol=1e-6
        )


def test_test_mode_with_true_statistics_equals_full_batch_forward():
    net, _, _ = bn.noise_run(64)
    X, _ = bn.moons()
    full, cache = net.forward(X, training=True, update_running=False)
    exact = bn.BatchStats(
        mu={l: [cache[f"bn{l}"]["mu"]] for l in range(1, net.L)},
        var={l: [cache[f"bn{l}"]["var"]] for l in range(1, net.L)},
    )
    # momentum 0: the running statistics are the (only) recorded ones = the full data's
    assert np.allclose(bn.test_mode_output(net, exact, 0.0), full, atol=1e-9)
    # one batch of all 256 examples is the full-batch forward
    assert np.allclose(bn.train_mode_output(net, 256), full)


def test_test_mode_output_restores_running_stats():
    net, hist, _ = bn.noise_run(64)
    before = {k: v.copy() for k, v in net.running.items()}
    bn.test_mode_output(net, hist, 0.5)
    assert all(np.array_equal(before[k], net.running[k]) for k in before)


def test_recorded_batch_stats_are_each_steps_and_give_the_running_averages():
    # 256 examples in batches of 64: 4 steps an epoch, 6 epochs
    net, stats, _ = bn.noise_run(64)
    assert all(len(stats.mu[l]) == len(stats.var[l]) == 24 for l in range(1, net.L))
    assert stats.mu[1][0].shape == (16, 1) and np.all(np.array(stats.var[1]) > 0)
    # the network keeps what update_running_stats at momentum 0.9 would have kept
    mu, var = np.zeros((16, 1)), np.ones((16, 1))
    for m_t, v_t in zip(stats.mu[2], stats.var[2]):
        mu, var = 0.9 * mu + 0.1 * m_t, 0.9 * var + 0.1 * v_t
    assert np.allclose(net.running["mu2"], mu) and np.allclose(net.running["var2"], var)
    assert net.bn_momentum == 0.9
    # the first step's statistics are those of the first mini-batch at the initial weights
    from nnlab.minibatch import random_mini_batches

    X, Y = bn.moons()
    X0, _ = random_mini_batches(X, Y, 64, seed=0)[0]
    fresh = bn.Network(list(bn.LAYER_DIMS), batchnorm=True, seed=1)
    _, cache = fresh.forward(X0, training=True, update_running=False)
    assert np.allclose(stats.mu[1][0], cache["bn1"]["mu"])
    assert np.allclose(stats.var[1][0], cache["bn1"]["var"])


def test_running_averages_closed_form_start_and_zero_momentum():
    # constant statistics x for T steps from mu = 0, var = 1:
    # mu_T = (1 - m^T) x and var_T = (1 - m^T) x + m^T
    T, x = 50, np.full((3, 1), 2.0)
    stats = bn.BatchStats(mu={1: [x] * T}, var={1: [x] * T})
    run = bn.running_averages(stats, 0.9)
    assert np.allclose(run["mu1"], (1 - 0.9**T) * 2.0)
    assert np.allclose(run["var1"], (1 - 0.9**T) * 2.0 + 0.9**T)
    vals = [np.array([[1.0]]), np.array([[5.0]]), np.array([[-3.0]])]
    last = bn.running_averages(bn.BatchStats({1: vals}, {1: vals}), 0.0)
    assert last["mu1"][0, 0] == -3.0 and last["var1"][0, 0] == -3.0  # momentum 0: last value
    one = bn.running_averages(bn.BatchStats({1: vals[:1]}, {1: [np.array([[4.0]])]}), 0.5)
    assert one["var1"][0, 0] == 2.5  # 0.5 * 1 + 0.5 * 4
