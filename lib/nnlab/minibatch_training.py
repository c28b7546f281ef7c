"""Batch, stochastic and mini-batch gradient descent on a :class:`~nnlab.model.Network`.

:func:`minibatch_gd` is the loop the chapter on mini-batch gradient descent teaches,
written once so the chapter and its widget run the same code::

    for epoch in range(epochs):
        for (X_t, Y_t) in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            J_t, grads = net.loss_and_grads(X_t, Y_t)      # forward + backward on X^{t}
            W := W - lr * dW                                # for every parameter

``mini_batch_size = m`` is batch gradient descent (one step per epoch),
``mini_batch_size = 1`` is stochastic gradient descent (``m`` steps per epoch).

It records what the chapter plots: the cost ``J^{t}`` of every mini-batch (noisy), the
cost ``J`` on the whole training set after every epoch (smooth) and the wall time each
epoch took. A run whose cost or parameters stop being finite raises
:class:`~nnlab.checks.DivergenceError` carrying the partial :class:`MiniBatchRun`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .checks import DivergenceError, check_int, check_matrix, check_positive
from .minibatch import random_mini_batches
from .optimizers import SGD

__all__ = ["MiniBatchRun", "minibatch_gd", "steps_per_epoch", "gradient_noise"]


def steps_per_epoch(m: int, mini_batch_size: int) -> int:
    """How many updates one epoch makes: ``⌈m / mini_batch_size⌉``."""
    m = check_int("m", m, low=1)
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1)
    return -(-m // mini_batch_size)


@dataclass
class MiniBatchRun:
    """What :func:`minibatch_gd` records.

    ``iteration_costs[t]``: ``J^{t}``, the cost of the mini-batch used by update ``t``,
    measured just before that update; ``epoch_costs[e]``: ``J`` on the whole training
    set after ``e`` epochs (``epoch_costs[0]`` is before training); ``epoch_seconds[e]``:
    wall time of epoch ``e + 1`` (the updates only, not the full-set cost);
    ``diverged_at``: the update at which the run blew up, or ``None``.
    """

    mini_batch_size: int
    lr: float
    iteration_costs: list = field(default_factory=list)
    epoch_costs: list = field(default_factory=list)
    epoch_seconds: list = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def steps(self) -> int:
        return len(self.iteration_costs)

    @property
    def seconds_per_epoch(self) -> float:
        """Median wall time of one epoch (the median shrugs off a busy machine's hiccups)."""
        return float(np.median(self.epoch_seconds)) if self.epoch_seconds else float("nan")


def _finite_params(params: dict) -> bool:
    return all(np.isfinite(W).all() for W in params.values())


def minibatch_gd(net, X, Y, lr: float = 0.1, mini_batch_size: int = 64, epochs: int = 10,
                 seed: int = 0, optimizer=None) -> MiniBatchRun:
    """Train ``net`` in place with mini-batch gradient descent and return the record.

    Each epoch reshuffles the examples with ``seed + epoch`` and cuts them into
    ``⌈m / mini_batch_size⌉`` mini-batches ``(X^{t}, Y^{t})``; each mini-batch gives one
    update ``W[l] := W[l] − α dW[l]``, ``b[l] := b[l] − α db[l]`` with the gradients of
    ``J^{t} = (1/m_t) Σ_{i ∈ batch t} L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)``. ``optimizer`` (anything with
    ``step(params, grads)``) replaces plain gradient descent when given; ``lr`` is then
    only recorded.

    Raises :class:`~nnlab.checks.DivergenceError` (with ``history`` the partial run and
    ``iteration`` the update that failed) when a cost or a parameter stops being finite.
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, cols=X.shape[1])
    lr = float(check_positive("lr", lr))
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1)
    epochs = check_int("epochs", epochs, low=1)
    opt = SGD(lr=lr) if optimizer is None else optimizer
    run = MiniBatchRun(mini_batch_size=mini_batch_size, lr=lr)
    # A diverging run overflows inside matmul/exp before anything is checked; the
    # finiteness tests below turn that into one clear error instead of warnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        run.epoch_costs.append(float(net.loss(X, Y)))
        for epoch in range(epochs):
            batches = random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch)
            start = time.perf_counter()
            for X_t, Y_t in batches:
                cost, grads = net.loss_and_grads(X_t, Y_t)
                run.iteration_costs.append(float(cost))
                opt.step(net.params, grads)
                if not (np.isfinite(cost) and _finite_params(net.params)):
                    run.diverged_at = run.steps
                    raise DivergenceError(
                        f"diverged at update {run.steps} (epoch {epoch + 1}): the cost or "
                        f"the weights became infinite. Try a smaller learning rate.",
                        iteration=run.steps, history=run)
            run.epoch_seconds.append(time.perf_counter() - start)
            cost = float(net.loss(X, Y))
            if not np.isfinite(cost):
                run.diverged_at = run.steps
                raise DivergenceError(
                    f"diverged in epoch {epoch + 1}: the training cost became infinite. "
                    "Try a smaller learning rate.", iteration=run.steps, history=run)
            run.epoch_costs.append(cost)
    return run


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
