"""What the chapter on mini-batch gradient descent adds to the training loop.

The loop itself is :func:`nnlab.train.train` with ``optimizer=SGD(lr)``::

    for epoch in range(epochs):
        for (X_t, Y_t) in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            J_t, grads = net.loss_and_grads(X_t, Y_t)      # forward + backward on X^{t}
            W := W - lr * dW                                # for every parameter

``mini_batch_size = m`` is batch gradient descent (one step per epoch),
``mini_batch_size = 1`` is stochastic gradient descent (``m`` steps per epoch). Its
:class:`~nnlab.train.History` holds what the chapter plots: ``costs`` (the cost of every
mini-batch, noisy), ``initial_cost`` and ``train_costs`` (the cost on the whole training
set before training and after every epoch, smooth) and ``epoch_seconds``.

This module holds the two things that loop does not: :func:`steps_per_epoch` (how many
updates an epoch makes) and :func:`gradient_noise` (how far a mini-batch gradient lands
from the full one).
"""
from __future__ import annotations

import numpy as np

from .checks import check_int, check_matrix

__all__ = ["steps_per_epoch", "gradient_noise"]


def steps_per_epoch(m: int, mini_batch_size: int) -> int:
    """How many updates one epoch makes: ``⌈m / mini_batch_size⌉``."""
    m = check_int("m", m, low=1)
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1)
    return -(-m // mini_batch_size)


def _flat_grads(net, X, Y) -> np.ndarray:
    _, grads = net.loss_and_grads(X, Y)
    return np.concatenate([np.ravel(grads[k]) for k in sorted(grads)])


def gradient_noise(net, X, Y, mini_batch_size: int, n_batches: int = 50, seed: int = 0) -> float:
    """How far a mini-batch gradient lands from the full-batch one, on average.

    Returns ``E ‖g^{t} − g‖²``, estimated over ``n_batches`` mini-batches of
    ``mini_batch_size`` examples drawn without replacement, where ``g`` stacks every
    ``dW[l], db[l]`` computed on all ``m`` examples and ``g^{t}`` the same on batch ``t``.
    Sampling theory gives ``E ‖g^{t} − g‖² = (σ² / s) · (m − s)/(m − 1)`` with ``s`` the
    batch size and ``σ² = (1/m) Σ_i ‖g⁽ⁱ⁾ − g‖²`` the spread of the per-example
    gradients: four times the batch, a quarter of the noise (half its root), and none at
    ``s = m``. The parameters are not changed.
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, cols=X.shape[1])
    m = X.shape[1]
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1)
    if mini_batch_size > m:
        raise ValueError(f"mini_batch_size must be in [1, m={m}], got {mini_batch_size}")
    n_batches = check_int("n_batches", n_batches, low=1)
    rng = np.random.default_rng(seed)
    full = _flat_grads(net, X, Y)
    total = 0.0
    for _ in range(n_batches):
        cols = rng.choice(m, size=mini_batch_size, replace=False)
        total += float(np.sum((_flat_grads(net, X[:, cols], Y[:, cols]) - full) ** 2))
    return total / n_batches
