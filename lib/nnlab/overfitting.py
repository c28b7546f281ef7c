"""Make, watch and diagnose overfitting: the experiments of the chapters on practical aspects.

- :func:`football_split`: the goalkeeper data of :func:`~nnlab.data.make_football`, cut
  into a small training set (so a large network can memorise it) and a large dev set
  (so dev accuracy is measured to about ±2 %).
- :func:`diagnose`: the basic recipe's reading of train and dev error.
- :func:`weights_of`: every weight of a network as one flat array (for histograms).

The chapters train with :func:`nnlab.train.train`: full-batch Adam is
``train(net, X, Y, Adam(lr), epochs=T, mini_batch_size=None)`` (one update per epoch),
and its ``callback`` keeps parameter snapshots when a widget needs them.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .checks import check_int, check_range
from .data import Split, make_football, train_dev_test_split
from .plots import grid_over

__all__ = ["football_split", "football_with_grid", "diagnose", "weights_of"]


def football_split(m: int = 600, noise: float = 0.1, n_train: int = 200, seed: int = 0) -> Split:
    """``m`` goalkeeper kicks (labels flipped with probability ``noise``) split into
    ``n_train`` training and ``m - n_train`` dev examples (no test set: the chapters
    compare models on dev only).

    With label noise ``noise`` the best possible (Bayes) error is ``noise``: a flipped
    label cannot be predicted from where the ball landed.
    """
    m = check_int("m", m, low=4)
    n_train = check_int("n_train", n_train, low=2)
    if n_train >= m - 1:
        raise ValueError(f"n_train must be in [2, m - 2] = [2, {m - 2}], got {n_train}")
    X, Y = make_football(m, noise=noise, seed=seed)
    return train_dev_test_split(X, Y, (n_train, m - n_train, 0), seed=seed)


@lru_cache(maxsize=1)
def football_with_grid():
    """The default :func:`football_split` and a 70×70 plotting grid over its training set
    (:func:`nnlab.plots.grid_over`), made once and shared by the Part I widgets."""
    s = football_split()
    return s, grid_over(s.X_train, resolution=70, margin=0.05)


def diagnose(train_error: float, dev_error: float, bayes_error: float = 0.0,
             tolerance: float = 0.03) -> str:
    """The basic recipe's reading of the two errors (fractions in [0, 1]).

    *Avoidable bias* is ``train_error - bayes_error``; *variance* is
    ``dev_error - train_error``. Each counts as high when it exceeds ``tolerance``.
    Returns ``"high bias"``, ``"high variance"``, ``"high bias and high variance"`` or
    ``"low bias, low variance"``.
    """
    for name, v in (("train_error", train_error), ("dev_error", dev_error),
                    ("bayes_error", bayes_error), ("tolerance", tolerance)):
        check_range(name, v, 0, 1)
    bias = train_error - bayes_error > tolerance
    variance = dev_error - train_error > tolerance
    if bias and variance:
        return "high bias and high variance"
    if bias:
        return "high bias"
    if variance:
        return "high variance"
    return "low bias, low variance"


def weights_of(params: dict) -> np.ndarray:
    """Every entry of every weight matrix ``W[l]`` (not the biases), as one flat array."""
    return np.concatenate([np.ravel(v) for k, v in params.items() if k.startswith("W")])
