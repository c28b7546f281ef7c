"""Companion of chapter I.3, *Dropout* (``chapters/practical/03_dropout.ipynb``).

Widget of the chapter on dropout.

:data:`dropout_explorer`: pick ``keep_prob`` for each of the two hidden layers of the
overfitting goalkeeper network; it is trained from the same initial weights and the
figure shows its decision boundary with train/dev accuracy, and two cost curves: the
noisy training cost ``J`` with dropout on (what gradient descent sees) and ``J`` with
dropout off, measured every few steps (the curve to check for a steady decrease).
"""

from __future__ import annotations

from functools import lru_cache

from nnlab.chapters.practical import football_with_grid
from nnlab.explorer import Explorer, FloatSlider
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import new_figure, note_on_axes, plot_decision_boundary
from nnlab.train import train

LAYER_DIMS = (2, 48, 24, 1)
LR, ITERATIONS, EVERY = 0.02, 350, 10


@lru_cache(maxsize=128)
def _fit(keep_prob1: float, keep_prob2: float):
    s, _ = football_with_grid()
    """``(net, history)``: full-batch Adam (one update per epoch), the dropout-off costs
    and accuracies measured every ``EVERY`` updates."""
    net = Network(list(LAYER_DIMS), seed=1, keep_prob=[keep_prob1, keep_prob2])
    hist = train(
        net,
        s.X_train,
        s.Y_train,
        Adam(lr=LR),
        epochs=ITERATIONS,
        mini_batch_size=None,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        measure_every=EVERY,
        on_divergence="stop",
    )
    return net, hist


def _last(values):
    """The final measurement (NaN if a diverged run never got to measure)."""
    return values[-1] if values else float("nan")


def dropout_figure(keep_prob1: float = 0.8, keep_prob2: float = 0.8):
    """Boundary with accuracies, and the cost with dropout on (noisy) and off."""
    kp1, kp2 = round(float(keep_prob1), 2), round(float(keep_prob2), 2)
    s, grid = football_with_grid()
    net, rec = _fit(kp1, kp2)
    fig, (ax1, ax2) = new_figure(
        2, width=10.0, height=3.7, left=0.05, right=0.97, bottom=0.14, top=0.86, wspace=0.165
    )
    plot_decision_boundary(
        ax1,
        net.predict,
        s.X_train,
        s.Y_train,
        grid=grid,
        s=9,
        title=f"keep_prob = ({kp1:.2f}, {kp2:.2f}): train {100 * _last(rec.train_acc):.1f}%, "
        f"dev {100 * _last(rec.dev_acc):.1f}%",
    )
    ax1.title.set_fontsize(10)
    if rec.message:
        note_on_axes(ax1, rec.message)
    ax2.plot(
        range(1, len(rec.costs) + 1),
        rec.costs,
        color="#1f77b4",
        lw=0.8,
        alpha=0.8,
        label="J with dropout on (training)",
    )
    checks = [e + 1 for e in rec.measured_epochs]
    ax2.plot(
        [0] + checks,
        [rec.initial_cost] + rec.train_costs,
        color="#222222",
        lw=1.6,
        label="J with dropout off (check)",
    )
    ax2.plot(checks, rec.dev_costs, color="#d62728", lw=1.2, ls="--", label="dev cost (no dropout)")
    ax2.set_ylim(0, 1.0)
    ax2.set_xlabel("iterations")
    ax2.set_ylabel("cost $J$")
    ax2.legend(frameon=False, fontsize=8, loc="upper right")
    return fig


dropout_explorer = Explorer(
    dropout_figure,
    [
        FloatSlider("keep_prob1", 0.8, "keep_prob, layer 1", min=0.3, max=1.0, step=0.05),
        FloatSlider("keep_prob2", 0.8, "keep_prob, layer 2", min=0.3, max=1.0, step=0.05),
    ],
    title="Dropout on an overfitting network",
)


def dropout_widget():
    """The explorer's ipywidgets box, for the chapter."""
    return dropout_explorer.build()
