"""Widget of the chapter on data augmentation and early stopping.

:data:`early_stopping_explorer`: pick the patience of early stopping and the
mini-batch size, which sets how noisy the curves are (full batch: smooth; 8 examples
per step: jagged). One long run of the overfitting network is recorded (dev
cost every ``EVERY`` iterations, with the weights); :class:`~nnlab.regularization.EarlyStopping`
is replayed over the recorded dev costs, and the figure marks where it stops and which
weights it keeps, next to the decision boundary of those weights.
"""
from __future__ import annotations

from functools import lru_cache

from ..model import Network
from ..overfitting import fit_full_batch, football_split
from ..plots import grid_over, plot_decision_boundary
from ..regularization import EarlyStopping
from . import Dropdown, Explorer, IntSlider, new_figure, note_on_axes

LAYER_DIMS = (2, 48, 24, 1)
LR, ITERATIONS, EVERY = 0.005, 600, 5
BATCHES = (200, 64, 16, 8)     # 200 = the whole training set: batch gradient descent


@lru_cache(maxsize=1)
def _data():
    s = football_split()
    return s, grid_over(s.X_train, resolution=70, margin=0.05)


@lru_cache(maxsize=len(BATCHES))
def _run(mini_batch_size: int):
    s, grid = _data()
    net = Network(list(LAYER_DIMS), seed=1)
    rec = fit_full_batch(net, s.X_train, s.Y_train, lr=LR, iterations=ITERATIONS,
                         X_dev=s.X_dev, Y_dev=s.Y_dev, record_every=EVERY,
                         keep_snapshots=True, mini_batch_size=mini_batch_size)
    return s, grid, net, rec


def stopping_point(dev_costs, patience: int) -> tuple[int, int | None]:
    """Replay :class:`EarlyStopping` over recorded dev costs, one check per entry.

    Returns ``(best, stopped)``: the index of the kept check and the index at which
    patience ran out (``None`` if it never did).
    """
    es = EarlyStopping(patience=patience)
    for k, cost in enumerate(dev_costs):
        if es.update(k, cost, {}):
            return es.best_epoch, k
    return es.best_epoch, None


def early_stopping_figure(patience: int = 10, mini_batch_size: int = 200):
    """Train/dev cost curves with the stop and the kept weights marked, and their boundary."""
    patience, mini_batch_size = int(patience), int(mini_batch_size)
    s, grid, net, rec = _run(mini_batch_size)
    best, stopped = stopping_point(rec.dev_costs, patience)
    steps = rec.checkpoints
    fig, (ax1, ax2) = new_figure(2, width=10.0, height=3.7, left=0.05, right=0.97, bottom=0.14, top=0.86, wspace=0.165)
    ax1.plot(steps, rec.train_costs, color="#1f77b4", label="train cost")
    ax1.plot(steps, rec.dev_costs, color="#d62728", label="dev cost")
    ax1.axvline(steps[best], color="#2ca02c", lw=1.2, label=f"kept: step {steps[best]}")
    if stopped is not None:
        ax1.axvline(steps[stopped], color="#444444", ls="--", lw=1,
                    label=f"stopped: step {steps[stopped]}")
        ax1.axvspan(steps[stopped], steps[-1], color="#dddddd", alpha=0.5, lw=0)
    ax1.set_ylim(0, 1.0)
    ax1.set_xlabel("iterations (dev cost checked every 5)")
    ax1.set_ylabel("cross-entropy")
    ax1.legend(frameon=False, fontsize=8, loc="upper right")
    ran = steps[stopped] if stopped is not None else steps[-1]
    ax1.set_title(f"patience {patience} checks: ran {ran} of {steps[-1]} steps", fontsize=10)

    net.params = rec.snapshots[best]
    plot_decision_boundary(
        ax2, net.predict, s.X_train, s.Y_train, grid=grid, s=9,
        title=f"kept weights: dev {100 * rec.dev_acc[best]:.1f}% "
              f"(full run: {100 * rec.dev_acc[-1]:.1f}%)")
    ax2.title.set_fontsize(10)
    if rec.message:
        note_on_axes(ax1, rec.message)
    return fig


early_stopping_explorer = Explorer(
    early_stopping_figure,
    [IntSlider("patience", 10, "patience (checks)", min=1, max=60, step=1),
     Dropdown("mini_batch_size", 200, "mini-batch size (noise)", options=BATCHES)],
    title="Early stopping: when to stop, which weights to keep")


def early_stopping_widget():
    """The explorer's ipywidgets box, for the chapter."""
    return early_stopping_explorer.build()
