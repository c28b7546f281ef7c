"""Companion of chapter I.1, *Train, dev and test sets; bias and variance*
(``chapters/practical/01_bias_variance.ipynb``).

Widget of the chapter on train/dev/test sets, bias and variance.

:data:`bias_variance_explorer`: pick the width of a two-hidden-layer network and how
long it trains; the figure shows its decision boundary on the goalkeeper data, the
train and dev error curves with the chosen moment marked, and the basic recipe's
diagnosis (the labels are 10 % noisy, so 10 % error is the best possible).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import NamedTuple

from nnlab.chapters.practical import football_with_grid
from nnlab.checks import check_int, check_option, check_range
from nnlab.explorer import Dropdown, Explorer, IntSlider
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import new_figure, note_on_axes, plot_decision_boundary
from nnlab.train import train


def diagnose(
    train_error: float, dev_error: float, bayes_error: float = 0.0, tolerance: float = 0.03
) -> str:
    """The basic recipe's reading of the two errors (fractions in [0, 1]).

    *Avoidable bias* is ``train_error - bayes_error``; *variance* is
    ``dev_error - train_error``. Each counts as high when it exceeds ``tolerance``.
    Returns ``"high bias"``, ``"high variance"``, ``"high bias and high variance"`` or
    ``"low bias, low variance"``.
    """
    for name, v in (
        ("train_error", train_error),
        ("dev_error", dev_error),
        ("bayes_error", bayes_error),
        ("tolerance", tolerance),
    ):
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


WIDTHS = (1, 2, 4, 16, 64)
LR, ITERATIONS, EVERY = 0.02, 500, 25
BAYES_ERROR = 0.10  # football_split's label noise: flipped labels cannot be predicted


class Run(NamedTuple):
    """One recorded run: at each of ``checkpoints`` (iterations ``0, EVERY, 2 EVERY, …``)
    the train and dev accuracy and a copy of the parameters; ``message`` if it diverged."""

    checkpoints: list
    train_acc: list
    dev_acc: list
    snapshots: list
    message: str


@lru_cache(maxsize=len(WIDTHS))
def _run(width: int):
    """One training run of ``[2, width, width, 1]`` (full-batch Adam: one update per
    epoch) with a snapshot every ``EVERY`` steps."""
    s, _ = football_with_grid()
    net = Network([2, width, width, 1], seed=1)
    snapshots = [copy.deepcopy(net.params)]
    acc0 = (net.accuracy(s.X_train, s.Y_train), net.accuracy(s.X_dev, s.Y_dev))

    def keep(epoch, net, history):
        if history.measured_epochs and history.measured_epochs[-1] == epoch:
            snapshots.append(copy.deepcopy(net.params))

    h = train(
        net,
        s.X_train,
        s.Y_train,
        Adam(lr=LR),
        epochs=ITERATIONS,
        mini_batch_size=None,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        measure_every=EVERY,
        callback=keep,
        on_divergence="stop",
    )
    run = Run(
        [0] + [e + 1 for e in h.measured_epochs],
        [acc0[0]] + h.train_acc,
        [acc0[1]] + h.dev_acc,
        snapshots,
        h.message,
    )
    return net, run


def errors(width: int = 16, iterations: int = 300) -> tuple[float, float]:
    """Train and dev error (fractions) of the ``width`` network after ``iterations`` steps
    (rounded down to a recorded checkpoint)."""
    check_option("width", width, WIDTHS)
    check_int("iterations", iterations, low=0, high=ITERATIONS)
    _, rec = _run(int(width))
    k = min(int(iterations) // EVERY, len(rec.checkpoints) - 1)
    return 1 - rec.train_acc[k], 1 - rec.dev_acc[k]


def bias_variance_figure(width: int = 16, iterations: int = 300):
    """Boundary at the chosen moment, and the error curves with that moment marked."""
    width, iterations = int(width), int(iterations)
    s, grid = football_with_grid()
    net, rec = _run(width)
    k = min(iterations // EVERY, len(rec.checkpoints) - 1)
    net.params = rec.snapshots[k]
    tr, dev = 1 - rec.train_acc[k], 1 - rec.dev_acc[k]
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
        title=f"[2, {width}, {width}, 1] after {rec.checkpoints[k]} steps",
    )
    if rec.message:
        note_on_axes(ax1, rec.message)
    steps = rec.checkpoints
    ax2.plot(steps, [1 - a for a in rec.train_acc], color="#1f77b4", label="train error")
    ax2.plot(steps, [1 - a for a in rec.dev_acc], color="#d62728", label="dev error")
    ax2.axhline(BAYES_ERROR, color="#777777", ls=":", lw=1, label="best possible (10%)")
    ax2.axvline(steps[k], color="#444444", ls="--", lw=1)
    ax2.set_ylim(0, 0.6)
    ax2.set_xlabel("iterations")
    ax2.set_ylabel("error")
    ax2.legend(frameon=False, fontsize=8, loc="upper right")
    verdict = diagnose(tr, dev, BAYES_ERROR)
    ax2.set_title(f"train {100 * tr:.1f}%, dev {100 * dev:.1f}%: {verdict}", fontsize=10)
    return fig


bias_variance_explorer = Explorer(
    bias_variance_figure,
    [
        Dropdown("width", 16, "hidden units per layer", options=WIDTHS),
        IntSlider("iterations", 300, "training iterations", min=0, max=ITERATIONS, step=EVERY),
    ],
    title="Network size, training length, bias and variance",
)


def bias_variance_widget():
    """The explorer's ipywidgets box, for the chapter."""
    return bias_variance_explorer.build()
