"""overfitting: the split, the weights and the bias/variance reading (the loop is\nnnlab.train.train, tested in test_train.py)."""
import numpy as np
import pytest

from nnlab.overfitting import diagnose, football_split, weights_of


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


def test_weights_of_skips_biases():
    p = {"W1": np.ones((2, 3)), "b1": np.full((2, 1), 7.0), "W2": np.zeros((1, 2))}
    w = weights_of(p)
    assert w.size == 8 and not np.any(w == 7.0)


def test_football_with_grid_is_the_default_split_and_a_grid_over_it():
    from nnlab.overfitting import football_split, football_with_grid
    s, (pts, xx, yy) = football_with_grid()
    assert np.array_equal(s.X_train, football_split().X_train)
    assert pts.shape == (2, 70 * 70)
    assert xx.min() <= s.X_train[0].min() and xx.max() >= s.X_train[0].max()
    assert yy.min() <= s.X_train[1].min() and yy.max() >= s.X_train[1].max()
    assert football_with_grid()[0] is s  # made once, shared by the widgets
