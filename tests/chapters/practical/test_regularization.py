"""Regularization widget: the accuracies and the histogram title it shows are the right ones."""

import numpy as np

from nnlab.chapters.practical.regularization import (
    NEAR_ZERO,
    _fit,
    regularization_explorer,
    weights_of,
)
from nnlab.data import football_split


def _bar_heights(fig):
    return [round(p.get_height(), 6) for p in fig.axes[1].patches]


def test_bars_are_the_accuracies_of_the_trained_networks_recomputed():
    fig = regularization_explorer.figure(lambd=0.3, penalty="L2")
    net, _ = _fit("L2", 0.3)
    base, _ = _fit("none", 0.0)
    s = football_split()
    acc = lambda n, X, Y: float(np.mean((n.predict_proba(X) > 0.5) == Y))
    expected = [
        acc(base, s.X_train, s.Y_train),
        acc(base, s.X_dev, s.Y_dev),
        acc(net, s.X_train, s.Y_train),
        acc(net, s.X_dev, s.Y_dev),
    ]
    assert sorted(_bar_heights(fig)) == sorted(round(v, 6) for v in expected)


def test_l2_beats_no_penalty_on_dev_at_a_moderate_lambda():
    _, rec = _fit("L2", 0.3)
    _, base = _fit("none", 0.0)
    assert rec.dev_acc[-1] > base.dev_acc[-1] + 0.01
    assert rec.train_acc[-1] < base.train_acc[-1]  # the price: a little bias


def test_l1_puts_more_weights_near_zero_than_l2_and_the_title_says_so():
    l1, _ = _fit("L1", 0.03)
    l2, _ = _fit("L2", 0.3)
    frac = lambda n: np.mean(
        np.abs(
            np.concatenate([n.params["W1"].ravel(), n.params["W2"].ravel(), n.params["W3"].ravel()])
        )
        < NEAR_ZERO
    )
    assert frac(l1) > 3 * frac(l2)
    title = regularization_explorer.figure(lambd=0.03, penalty="L1").axes[2].get_title()
    assert f"{100 * frac(l1):.0f}%" in title


def test_none_ignores_lambda():
    a = regularization_explorer.figure(lambd=0.001, penalty="none")
    b = regularization_explorer.figure(lambd=10.0, penalty="none")
    assert _bar_heights(a) == _bar_heights(b)


def test_huge_lambda_shrinks_weights():
    big, _ = _fit("L2", 10.0)
    small, _ = _fit("L2", 0.001)
    assert np.linalg.norm(big.params["W1"]) < 0.5 * np.linalg.norm(small.params["W1"])


def test_weights_of_skips_biases():
    p = {"W1": np.ones((2, 3)), "b1": np.full((2, 1), 7.0), "W2": np.zeros((1, 2))}
    w = weights_of(p)
    assert w.size == 8 and not np.any(w == 7.0)
