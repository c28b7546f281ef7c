"""Companion of chapter I.4, *Other regularization: data augmentation and early stopping*
(``chapters/practical/04_augmentation_early_stopping.ipynb``).

Widget of the chapter on data augmentation and early stopping.

:data:`early_stopping_explorer`: pick the patience of early stopping and the
mini-batch size, which sets how noisy the curves are (full batch: smooth; 8 examples
per step: jagged). One long run of the overfitting network (``ITERATIONS`` Adam
updates whatever the batch size) is recorded with :func:`~nnlab.train.train`: the dev
cost and the weights at every check, which is every ``EVERY`` updates for full-batch
training and after every epoch (every pass over the 200 kicks) with mini-batches;
:class:`~nnlab.regularization.EarlyStopping` is replayed over the recorded dev costs,
and the figure marks where it stops and which weights it keeps, next to the decision
boundary of those weights.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from nnlab.chapters.practical import football_with_grid
from nnlab.checks import check_array, check_int
from nnlab.explorer import Dropdown, Explorer, IntSlider
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import new_figure, note_on_axes, plot_decision_boundary
from nnlab.regularization import EarlyStopping
from nnlab.train import train

LAYER_DIMS = (2, 48, 24, 1)
LR, ITERATIONS, EVERY = 0.005, 600, 5
BATCHES = (200, 64, 16, 8)  # 200 = the whole training set: batch gradient descent


def updates_per_epoch(mini_batch_size: int, m: int = 200) -> int:
    """``⌈m / mini_batch_size⌉``: the updates in one pass over the ``m`` training kicks."""
    mini_batch_size, m = check_int("mini_batch_size", mini_batch_size), check_int("m", m)
    return -(-m // mini_batch_size)


@lru_cache(maxsize=len(BATCHES))
def _run(mini_batch_size: int):
    """``(split, grid, net, history, steps, snapshots)``: ``steps[k]`` is the update
    after which check ``k`` (``history.dev_costs[k]``, ``snapshots[k]``) was taken."""
    s, grid = football_with_grid()
    per_epoch = updates_per_epoch(mini_batch_size, s.X_train.shape[1])
    full_batch = per_epoch == 1
    net = Network(list(LAYER_DIMS), seed=1)
    snapshots, steps = [], []

    def keep(epoch, net, history):
        if history.measured_epochs and history.measured_epochs[-1] == epoch:
            snapshots.append(copy.deepcopy(net.params))
            steps.append(len(history.costs))

    hist = train(
        net,
        s.X_train,
        s.Y_train,
        Adam(lr=LR),
        epochs=ITERATIONS // per_epoch,
        mini_batch_size=mini_batch_size,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        measure_every=EVERY if full_batch else 1,
        callback=keep,
        on_divergence="stop",
    )
    return s, grid, net, hist, steps, snapshots


def stopping_point(dev_costs, patience: int) -> tuple[int, int | None]:
    """Replay :class:`EarlyStopping` over recorded dev costs, one check per entry.

    Returns ``(best, stopped)``: the index of the kept check and the index at which
    patience ran out (``None`` if it never did).
    """
    dev_costs = check_array("dev_costs", dev_costs, finite=False, allow_empty=True)
    if dev_costs.ndim != 1:
        raise ValueError(f"dev_costs must be a 1-D list of costs, got shape {dev_costs.shape}")
    es = EarlyStopping(patience=patience)
    for k, cost in enumerate(dev_costs):
        if es.update(k, cost, {}):
            return es.best_epoch, k
    return es.best_epoch, None


def early_stopping_figure(patience: int = 10, mini_batch_size: int = 200):
    """Train/dev cost curves with the stop and the kept weights marked, and their boundary."""
    patience, mini_batch_size = int(patience), int(mini_batch_size)
    s, grid, net, rec, steps, snapshots = _run(mini_batch_size)
    if not steps:  # diverged before the first check: nothing to replay
        fig, (ax1, ax2) = new_figure(
            2, width=10.0, height=3.7, left=0.05, right=0.97, bottom=0.14, top=0.86, wspace=0.165
        )
        note_on_axes(ax1, rec.message)
        return fig
    best, stopped = stopping_point(rec.dev_costs, patience)
    every = updates_per_epoch(mini_batch_size, s.X_train.shape[1])
    every = EVERY if every == 1 else every
    fig, (ax1, ax2) = new_figure(
        2, width=10.0, height=3.7, left=0.05, right=0.97, bottom=0.14, top=0.86, wspace=0.165
    )
    ax1.plot(steps, rec.train_costs, color="#1f77b4", label="train cost")
    ax1.plot(steps, rec.dev_costs, color="#d62728", label="dev cost")
    ax1.axvline(steps[best], color="#2ca02c", lw=1.2, label=f"kept: step {steps[best]}")
    if stopped is not None:
        ax1.axvline(
            steps[stopped], color="#444444", ls="--", lw=1, label=f"stopped: step {steps[stopped]}"
        )
        ax1.axvspan(steps[stopped], steps[-1], color="#dddddd", alpha=0.5, lw=0)
    ax1.set_ylim(0, 1.0)
    ax1.set_xlabel(f"iterations (dev cost checked every {every})")
    ax1.set_ylabel("cross-entropy")
    ax1.legend(frameon=False, fontsize=8, loc="upper right")
    ran = steps[stopped] if stopped is not None else steps[-1]
    ax1.set_title(f"patience {patience} checks: ran {ran} of {steps[-1]} steps", fontsize=10)

    net.params = snapshots[best]
    plot_decision_boundary(
        ax2,
        net.predict,
        s.X_train,
        s.Y_train,
        grid=grid,
        s=9,
        title=f"kept weights: dev {100 * rec.dev_acc[best]:.1f}% "
        f"(full run: {100 * rec.dev_acc[-1]:.1f}%)",
    )
    ax2.title.set_fontsize(10)
    if rec.message:
        note_on_axes(ax1, rec.message)
    return fig


early_stopping_explorer = Explorer(
    early_stopping_figure,
    [
        IntSlider("patience", 10, "patience (checks)", min=1, max=60, step=1),
        Dropdown("mini_batch_size", 200, "mini-batch size (noise)", options=BATCHES),
    ],
    title="Early stopping: when to stop, which weights to keep",
)


def early_stopping_widget():
    """The explorer's ipywidgets box, for the chapter."""
    return early_stopping_explorer.build()
