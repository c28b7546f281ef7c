"""overfitting: the split, the recording fit loop and the bias/variance reading."""
import numpy as np
import pytest

from nnlab.model import Network
from nnlab.overfitting import diagnose, fit_full_batch, fit_or_raise, football_split, weights_of
from nnlab.checks import DivergenceError


def test_football_split_sizes_and_no_overlap():
    s = football_split(m=100, n_train=30, seed=3)
    assert s.X_train.shape == (2, 30) and s.X_dev.shape == (2, 70) and s.X_test.shape == (2, 0)
    both = np.hstack([s.X_train, s.X_dev])
    assert len({tuple(c) for c in both.T}) == 100
    with pytest.raises(ValueError, match="n_train"):
        football_split(m=10, n_train=9)


@pytest.mark.parametrize("tr, dev, bayes, expected", [
    (0.01, 0.11, 0.0, "high variance"),
    (0.15, 0.16, 0.0, "high bias"),
    (0.15, 0.30, 0.0, "high bias and high variance"),
    (0.005, 0.01, 0.0, "low bias, low variance"),
    (0.11, 0.12, 0.10, "low bias, low variance"),   # near the Bayes error: no avoidable bias
])
def test_diagnose_follows_the_recipe(tr, dev, bayes, expected):
    assert diagnose(tr, dev, bayes) == expected


def test_diagnose_checks_its_arguments():
    with pytest.raises(ValueError, match="dev_error"):
        diagnose(0.1, 1.5)


def test_fit_records_checkpoints_and_reduces_the_cost():
    s = football_split(m=120, n_train=60)
    net = Network([2, 8, 1], seed=0)
    rec = fit_full_batch(net, s.X_train, s.Y_train, lr=0.02, iterations=50,
                         X_dev=s.X_dev, Y_dev=s.Y_dev, record_every=10, keep_snapshots=True)
    assert rec.checkpoints == [0, 10, 20, 30, 40, 50]
    assert len(rec.costs) == 50 and len(rec.dev_acc) == 6 and len(rec.snapshots) == 6
    assert rec.costs[-1] < rec.costs[0]
    # the last snapshot is the final parameters; the first is the initialization
    np.testing.assert_array_equal(rec.snapshots[-1]["W1"], net.params["W1"])
    np.testing.assert_array_equal(rec.snapshots[0]["W1"], Network([2, 8, 1], seed=0).params["W1"])
    # a checkpoint's accuracy is the snapshot's accuracy, recomputed by hand
    probe = Network([2, 8, 1], seed=0)
    probe.params = rec.snapshots[2]
    pred = (probe.predict_proba(s.X_dev) > 0.5).astype(int)
    assert rec.dev_acc[2] == pytest.approx(np.mean(pred == s.Y_dev))


def test_blow_up_is_a_message_or_an_error():
    s = football_split(m=60, n_train=30)
    net = Network([2, 8, 1], init="random", init_scale=1e6, seed=0)
    rec = fit_full_batch(net, s.X_train, s.Y_train, lr=1e6, iterations=20)
    assert rec.message
    with pytest.raises(DivergenceError):
        fit_or_raise(Network([2, 8, 1], init="random", init_scale=1e6, seed=0),
                     s.X_train, s.Y_train, lr=1e6, iterations=20)


def test_weights_of_skips_biases():
    p = {"W1": np.ones((2, 3)), "b1": np.full((2, 1), 7.0), "W2": np.zeros((1, 2))}
    w = weights_of(p)
    assert w.size == 8 and not np.any(w == 7.0)


def test_mini_batches_make_a_noisier_cost_with_the_same_number_of_updates():
    s = football_split(m=120, n_train=60)
    full = fit_full_batch(Network([2, 8, 1], seed=0), s.X_train, s.Y_train, lr=0.02,
                          iterations=40)
    small = fit_full_batch(Network([2, 8, 1], seed=0), s.X_train, s.Y_train, lr=0.02,
                           iterations=40, mini_batch_size=6)
    assert len(full.costs) == len(small.costs) == 40
    tv = lambda c: np.abs(np.diff(c)).sum()
    assert tv(small.costs) > 2 * tv(full.costs)
    # a mini-batch as large as the set is batch gradient descent, step for step
    same = fit_full_batch(Network([2, 8, 1], seed=0), s.X_train, s.Y_train, lr=0.02,
                          iterations=40, mini_batch_size=500)
    np.testing.assert_allclose(same.costs, full.costs)
    with pytest.raises(ValueError, match="mini_batch_size"):
        fit_full_batch(Network([2, 8, 1], seed=0), s.X_train, s.Y_train, mini_batch_size=0)
