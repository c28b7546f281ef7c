"""Tests for nnlab.experiments: hand-derived values and invariants."""
import numpy as np
import pytest

from nnlab.experiments import batch_stat_noise, fit, running_average
from nnlab.model import Network
from nnlab.optimizers import SGD


def test_running_average_constant_input_closed_form():
    # v_T = (1 - momentum^T) x when starting from 0 and feeding x every step
    x = np.full((50, 3), 2.0)
    out = running_average(x, 0.9)
    T = np.arange(1, 51)[:, None]
    assert np.allclose(out, 2.0 * (1 - 0.9 ** T))


def test_running_average_start_and_zero_momentum():
    vals = np.array([[1.0], [5.0], [-3.0]])
    assert np.allclose(running_average(vals, 0.0), vals)           # momentum 0: last value
    assert np.allclose(running_average(vals, 0.5, start=[4.0])[0], 2.5)


def test_running_average_rejects_momentum_one():
    with pytest.raises(ValueError, match="momentum"):
        running_average(np.zeros((3, 1)), 1.0)


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


def test_fit_lowers_cost_and_records_stats():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 64))
    Y = (X[0:1] + X[1:2] > 0).astype(float)
    net = Network([2, 4, 1], batchnorm=True, seed=0)
    J0 = net.loss(X, Y)
    h = fit(net, X, Y, SGD(lr=0.5), epochs=10, mini_batch_size=16, record_batch_stats=True)
    assert not h.diverged
    assert h.epoch_costs[-1] < 0.5 * J0
    assert len(h.costs) == 40 and len(h.batch_mu[1]) == 40
    assert h.batch_mu[1][0].shape == (4, 1)


def test_fit_reports_divergence_without_raising_or_warning():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 32)) * 100
    Y = (X[0:1] > 0).astype(float)
    net = Network([2, 8, 8, 1], seed=0)
    with np.errstate(all="raise"):
        h = fit(net, X, Y, SGD(lr=1e4), epochs=5, mini_batch_size=32)
    assert h.diverged and h.diverged_at == len(h.costs)


def test_layer_input_stats_by_hand_and_with_batch_norm():
    from nnlab.experiments import layer_input_stats
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
    assert np.allclose(mean, [1.0, -1.0, 0.0])        # mean beta
    assert np.allclose(std, [2.0, 0.5, 1.0], rtol=1e-4)  # std gamma (up to epsilon)
    with pytest.raises(ValueError, match="hidden layer"):
        layer_input_stats(bn, X, 2)


def test_fit_calls_on_epoch_once_per_epoch():
    X = np.random.default_rng(0).normal(size=(2, 20))
    Y = (X[:1] > 0).astype(float)
    seen = []
    fit(Network([2, 3, 1]), X, Y, SGD(lr=0.1), epochs=4, mini_batch_size=8,
        on_epoch=lambda net: seen.append(net.L))
    assert seen == [2, 2, 2, 2]
    with pytest.raises(ValueError, match="on_epoch"):
        fit(Network([2, 3, 1]), X, Y, SGD(lr=0.1), epochs=1, on_epoch=3)
