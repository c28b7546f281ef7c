"""Mini-batches: shuffle the examples, then cut them into groups of ``mini_batch_size``.

One epoch of mini-batch gradient descent visits every example exactly once, in the
order of a fresh shuffle. ``mini_batch_size = m`` is batch gradient descent (one step
per epoch); ``mini_batch_size = 1`` is stochastic gradient descent (``m`` steps).
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_int, check_matrix, check_seed


def random_mini_batches(X, Y, mini_batch_size: int = 64, seed: int = 0):
    """Shuffle the columns of ``X`` and ``Y`` together and split them into mini-batches.

    With ``m`` examples and size ``s``, the result holds ``⌊m/s⌋`` full batches
    ``(X^{t}, Y^{t})`` of ``s`` columns each, then one last batch of ``m mod s`` columns
    if ``m`` is not a multiple of ``s``. Column ``j`` of ``X^{t}`` and of ``Y^{t}`` is
    the same example: one permutation, drawn from ``np.random.default_rng(seed)``, is
    applied to both.

    Parameters
    ----------
    X : array (n_x, m)
    Y : array (n_y, m), usually (1, m)
    mini_batch_size : int >= 1
    seed : int, seeds the shuffle (pass ``seed + epoch`` for a new order each epoch)

    Returns
    -------
    list of ``(X_t, Y_t)`` tuples.
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, cols=X.shape[1], like="X")
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1, high=None)
    seed = check_seed("seed", seed)
    return _mini_batches(X, Y, mini_batch_size, seed)


def _mini_batches(X, Y, mini_batch_size, seed):
    """:func:`random_mini_batches` of arguments it has checked (``train`` checks them
    once, not at every epoch)."""
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    X_shuffled, Y_shuffled = X[:, order], Y[:, order]
    # Slicing the shuffled copies gives views, so the batches cost no extra memory.
    return [
        (X_shuffled[:, k : k + mini_batch_size], Y_shuffled[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]
