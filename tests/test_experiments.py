"""Tests for nnlab.experiments: hand-derived values and invariants (the training loop is
nnlab.train.train, tested in test_train.py; running averages are nnlab.ewa.ewa)."""
import numpy as np
import pytest

from nnlab.experiments import batch_stat_noise
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
