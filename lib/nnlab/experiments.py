"""Small seeded experiments behind Part III (tuning, batch norm, softmax).

Training itself is :func:`nnlab.train.train` (``on_divergence="stop"`` to draw a diverged
run up to the step it blew up, ``callback`` / ``step_callback`` to record what a layer
sees); the running averages batch norm keeps for test time are :func:`nnlab.ewa.ewa`.

- :func:`layer_input_stats` gives the mean and spread of what a hidden layer feeds its
  activation, to watch that distribution drift during training (e.g. from ``train``'s
  ``callback``);
- :func:`batch_stat_noise` measures how much a mini-batch's mean and variance wander
  around the full-data values as the batch size changes (batch norm's noise);
- :func:`response_surface` is a made-up "dev error" over the learning rate ``α`` and
  Adam's ``ε`` in which one, the other or both matter, and :func:`compare_grid_random`
  runs grid and random search with the same budget on it.
"""
from __future__ import annotations

import numpy as np

from .checks import check_int, check_matrix
from .tuning import Param, grid_search, random_search

__all__ = ["layer_input_stats", "batch_stat_noise", "response_surface", "compare_grid_random",
           "SEARCH_SPACE", "IMPORTANCE"]


# ---------------------------------------------------------------- layer statistics
def layer_input_stats(net, X, l: int):
    """Per-unit mean and standard deviation, over the examples of ``X``, of what hidden
    layer ``l`` feeds its activation: ``Z[l]`` without batch norm, ``Z̃[l] = γ Ẑ[l] + β``
    with it (training-mode statistics of ``X`` as one batch; running averages untouched).

    Returns ``(mean, std)``, each of shape ``(n[l],)``: ``mean_j = (1/m) Σ_i z̃_j⁽ⁱ⁾``.
    """
    l = check_int("l", l, low=1)
    if l >= net.L:
        raise ValueError(f"l must be a hidden layer in [1, {net.L - 1}], got {l}")
    _, cache = net.forward(X, training=True, update_running=False)
    Z = cache[f"Zn{l}"] if f"Zn{l}" in cache else cache[f"Z{l}"]
    return Z.mean(axis=1), Z.std(axis=1)


# ---------------------------------------------------------------- batch-norm noise
def batch_stat_noise(Z, mini_batch_size: int, n_batches: int = 200, seed: int = 0):
    """Means and variances of ``n_batches`` random mini-batches of the columns of ``Z``.

    For each draw ``t`` (``mini_batch_size`` columns without replacement),
    ``μ^{t} = (1/s) Σ_i z⁽ⁱ⁾`` and ``σ²^{t} = (1/s) Σ_i (z⁽ⁱ⁾ - μ^{t})²``, per row of ``Z``.
    Returns ``(mus, variances)``, each ``(n_batches, n)``. The spread of ``μ^{t}`` around
    the full-data mean is about ``σ / √s``: the noise batch norm injects shrinks with
    bigger batches.
    """
    Z = check_matrix("Z", Z)
    m = Z.shape[1]
    s = check_int("mini_batch_size", mini_batch_size, low=2)
    if s > m:
        raise ValueError(f"mini_batch_size must be in [2, {m}] (columns of Z), got {s}")
    n_batches = check_int("n_batches", n_batches, low=1)
    rng = np.random.default_rng(seed)
    # argsort of uniform keys: n_batches independent draws without replacement at once
    idx = np.argsort(rng.random((n_batches, m)), axis=1)[:, :s]
    batches = Z[:, idx]                       # (n, n_batches, s)
    mus = batches.mean(axis=2)
    variances = batches.var(axis=2)
    return mus.T, variances.T


# ---------------------------------------------------------------- grid vs random search
SEARCH_SPACE = {"lr": Param(1e-4, 1.0, "log"), "epsilon": Param(1e-10, 1e-6, "log")}
# weight of α and of ε in the dev error, for each "which one matters" setting
IMPORTANCE = {"α matters, ε does not": (1.0, 0.03),
              "both matter equally": (0.5, 0.5),
              "ε matters, α does not": (0.03, 1.0)}
BEST_R = (-2.14, -8.14)   # log10 of the best α and ε: deliberately between grid lines
WIDTH = 0.25              # how sharp the valley is, in decades


def response_surface(lr, epsilon, matters: str = "α matters, ε does not"):
    """A made-up dev error over ``α`` and ``ε`` (both log scale), with minimum 0.05.

    With ``r₁ = log10 α``, ``r₂ = log10 ε`` and importance weights ``(w₁, w₂)`` from
    ``IMPORTANCE[matters]``:
    ``error = 0.05 + 0.4 [w₁ (1 - e^{-(r₁ - r₁*)² / 2s²}) + w₂ (1 - e^{-(r₂ - r₂*)² / 2s²})]``
    with ``s = 0.25`` decades. Broadcasts over arrays.
    """
    if matters not in IMPORTANCE:
        raise ValueError(f"matters must be one of {list(IMPORTANCE)}, got {matters!r}")
    w1, w2 = IMPORTANCE[matters]
    r1 = np.log10(np.asarray(lr, dtype=float))
    r2 = np.log10(np.asarray(epsilon, dtype=float))
    miss1 = 1 - np.exp(-((r1 - BEST_R[0]) ** 2) / (2 * WIDTH ** 2))
    miss2 = 1 - np.exp(-((r2 - BEST_R[1]) ** 2) / (2 * WIDTH ** 2))
    return 0.05 + 0.4 * (w1 * miss1 + w2 * miss2)


def compare_grid_random(n_per_dim: int, matters: str = "α matters, ε does not",
                        seed: int = 0):
    """Grid search with ``n_per_dim²`` trials and random search with as many, on
    :func:`response_surface`. Returns ``(grid_results, random_results)`` (best first)."""
    n_per_dim = check_int("n_per_dim", n_per_dim, low=1)

    def objective(lr, epsilon):
        return float(response_surface(lr, epsilon, matters))

    grid = grid_search(objective, SEARCH_SPACE, n_per_dim)
    rand = random_search(objective, SEARCH_SPACE, n_per_dim ** 2, seed=seed)
    return grid, rand
