"""Companion of chapter II.1, *Mini-batch gradient descent*
(``chapters/optimization/01_minibatch.ipynb``).

What the chapter on mini-batch gradient descent adds to the training loop.

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

Widget of the chapter on mini-batch gradient descent.

:data:`minibatch_explorer`: pick the mini-batch size and the learning rate α; the same
small network is trained for a fixed number of epochs on two moons and the figure shows
the cost of every mini-batch (noisy), the cost on the whole training set after each epoch
(next to batch gradient descent at the same α) and that cost against wall time.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import DivergenceError, check_int, check_matrix, check_seed
from nnlab.data import make_moons
from nnlab.explorer import Dropdown, Explorer, LogSlider
from nnlab.model import Network
from nnlab.optimizers import SGD
from nnlab.plots import new_figure, note_on_axes, smooth
from nnlab.train import train


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
    Y = check_matrix("Y", Y, cols=X.shape[1], like="X")
    m = X.shape[1]
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=1)
    if mini_batch_size > m:
        raise ValueError(f"mini_batch_size must be in [1, m={m}], got {mini_batch_size}")
    n_batches = check_int("n_batches", n_batches, low=1)
    rng = np.random.default_rng(check_seed("seed", seed))
    if not isinstance(net, Network) or net.layer_dims[0] != X.shape[0]:
        raise ValueError(
            f"net must be a Network with layer_dims[0] = {X.shape[0]} (the rows of X), got {net!r}"
        )
    full = _flat_grads(net, X, Y)
    total = 0.0
    for _ in range(n_batches):
        cols = rng.choice(m, size=mini_batch_size, replace=False)
        total += float(np.sum((_flat_grads(net, X[:, cols], Y[:, cols]) - full) ** 2))
    return total / n_batches


M = 128  # training examples: batch GD uses all of them per update
EPOCHS = 6
LAYER_DIMS = (2, 16, 8, 1)
SIZES = (1, 4, 16, 32, 64, 128)
COLOR, BATCH_COLOR = "#1f77b4", "#555555"


@lru_cache(maxsize=1)
def _data():
    return make_moons(M, noise=0.2, seed=1)


@lru_cache(maxsize=64)
def _run(mini_batch_size: int, lr: float):
    """``(history, message)`` for one setting; the network starts from the same weights."""
    X, Y = _data()
    net = Network(list(LAYER_DIMS), seed=0)
    try:
        return train(
            net, X, Y, SGD(lr=lr), epochs=EPOCHS, mini_batch_size=mini_batch_size, seed=0
        ), ""
    except DivergenceError as err:
        return err.history, str(err)


@lru_cache(maxsize=1)
def _epoch_milliseconds() -> dict:
    """Median wall time of one epoch for every size in :data:`SIZES` (measured once)."""
    X, Y = _data()
    out = {}
    for size in SIZES:
        net = Network(list(LAYER_DIMS), seed=0)
        run = train(net, X, Y, SGD(lr=0.1), epochs=3, mini_batch_size=size, seed=0)
        out[size] = 1e3 * run.seconds_per_epoch
    return out


def _label(size: int) -> str:
    if size == M:
        return f"batch GD (size {M})"
    if size == 1:
        return "stochastic GD (size 1)"
    return f"mini-batch size {size}"


def minibatch_figure(mini_batch_size: int = 64, lr: float = 0.3):
    """Three panels: ``J^{t}`` per update, ``J`` per epoch, ``J`` against wall time."""
    mini_batch_size, lr = int(mini_batch_size), float(lr)
    run, message = _run(mini_batch_size, lr)
    batch, _ = _run(M, lr)
    fig, (ax1, ax2, ax3) = new_figure(
        3, width=10.0, height=3.2, left=0.072, right=0.96, bottom=0.15, top=0.89, wspace=0.354
    )

    costs = np.asarray(run.costs, dtype=float)
    steps = np.arange(1, costs.size + 1)
    ok = np.isfinite(costs)
    ax1.plot(steps[ok], costs[ok], color=COLOR, lw=0.6, alpha=0.35, label="cost of mini-batch t")
    per_epoch = steps_per_epoch(M, mini_batch_size)
    if per_epoch > 1 and ok.all():
        ax1.plot(
            steps, smooth(costs, per_epoch), color=COLOR, lw=1.6, label="average over one epoch"
        )
    ax1.set_xlabel(f"update t  ({per_epoch} per epoch)")
    ax1.set_ylabel("mini-batch cost")
    ax1.set_title(_label(mini_batch_size), fontsize=10)
    ax1.legend(frameon=False, fontsize=8)

    shown = [(run, COLOR, "-", _label(mini_batch_size))]
    if mini_batch_size != M:
        shown.insert(0, (batch, BATCH_COLOR, "--", _label(M)))
    for r, color, ls, name in shown:
        ec = np.asarray([r.initial_cost] + r.train_costs, dtype=float)
        ax2.plot(np.arange(ec.size), ec, ls=ls, marker="o", ms=3, color=color, label=name)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("training cost $J$ (all m examples)")
    ax2.set_title(f"after {EPOCHS} epochs, α = {lr:.3g}", fontsize=10)
    ax2.legend(frameon=False, fontsize=8)

    times = _epoch_milliseconds()
    colors = [COLOR if s == mini_batch_size else "#bbbbbb" for s in SIZES]
    ax3.bar([str(s) for s in SIZES], [times[s] for s in SIZES], color=colors)
    ax3.set_yscale("log")
    ax3.set_xlabel("mini-batch size")
    ax3.set_ylabel("wall time of one epoch (ms)")
    ax3.set_title(
        f"size {mini_batch_size}: {per_epoch} updates, {times[mini_batch_size]:.2g} ms per epoch",
        fontsize=10,
    )

    if message:
        note_on_axes(ax2, message)
    elif run.train_costs[-1] > run.initial_cost:
        note_on_axes(ax2, "α too large for this size:\nthe cost went up")
    elif run.train_costs[-1] > 0.95 * run.initial_cost:
        note_on_axes(ax2, _stalled(run))
    return fig


def _stalled(run) -> str:
    """Why a run ended near where it started: it barely moved, or it swung up and down
    (then "barely moved" would mislead: α is too large for the size, not too small)."""
    J0 = run.initial_cost
    epoch_costs = np.asarray([J0] + run.train_costs, dtype=float)
    batch_costs = np.asarray(run.costs, dtype=float)
    if epoch_costs.max() > 1.05 * J0 or (batch_costs.size and batch_costs.max() > 2.0 * J0):
        return (
            f"the cost oscillated (α too large for\nthis size): no net progress in {EPOCHS} epochs"
        )
    return f"the cost barely moved in {EPOCHS} epochs"


minibatch_explorer = Explorer(
    minibatch_figure,
    [
        Dropdown("mini_batch_size", 64, "mini-batch size", options=SIZES),
        LogSlider("lr", 0.3, "learning rate α", min=0.01, max=10.0, step=0.1, readout_format=".3f"),
    ],
    title="Mini-batch size and learning rate: cost per update, per epoch and per second",
    columns=2,
)


def minibatch_widget():
    """The explorer as an ipywidgets box, for the chapter."""
    return minibatch_explorer.build()
