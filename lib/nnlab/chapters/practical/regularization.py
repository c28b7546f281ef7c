"""Companion of chapter I.2, *L2 and L1 regularization*
(``chapters/practical/02_regularization.ipynb``).

Widget of the chapter on L2 and L1 regularization.

:data:`regularization_explorer`: pick the penalty (none, L2, L1) and ``lambd``; the same
large tanh network (same Xavier initial weights, same 200 goalkeeper kicks) is trained
and the figure shows its decision boundary, train/dev accuracy next to the unregularized
network's, and the histogram of its weights (L1 piles them up at zero).

The hidden units are tanh, not ReLU: a ReLU unit that dies has no data gradient, so
any penalty (even L2, especially under Adam) sends its weights to zero, which would
blur the L1/L2 contrast the histogram is there to show.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.chapters.practical import football_with_grid
from nnlab.explorer import Dropdown, Explorer, LogSlider
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import new_figure, note_on_axes, plot_decision_boundary
from nnlab.train import train


def weights_of(params: dict) -> np.ndarray:
    """Every entry of every weight matrix ``W[l]`` (not the biases), as one flat array."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict {{'W1': …}}, got {type(params).__name__}")
    return np.concatenate([np.ravel(v) for k, v in params.items() if k.startswith("W")])


LAYER_DIMS = (2, 48, 24, 1)
LR, ITERATIONS = 0.02, 350
PENALTIES = ("none", "L2", "L1")
NEAR_ZERO = 0.01  # |w| below this counts as "switched off" in the histogram title


@lru_cache(maxsize=96)
def _fit(penalty: str, lambd: float):
    """``(net, history)`` for one setting (``penalty="none"`` ignores ``lambd``): full-batch
    Adam, ``ITERATIONS`` updates, accuracies measured at the end only."""
    s, _ = football_with_grid()
    kw = {} if penalty == "none" else {"lambd": lambd, "penalty": penalty.lower()}
    net = Network(list(LAYER_DIMS), hidden="tanh", init="xavier", seed=1, **kw)
    hist = train(
        net,
        s.X_train,
        s.Y_train,
        Adam(lr=LR),
        epochs=ITERATIONS,
        mini_batch_size=None,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        measure_every=ITERATIONS,
        on_divergence="stop",
    )
    return net, hist


def _last(values):
    """The final measurement (NaN if a diverged run never got to measure)."""
    return values[-1] if values else float("nan")


def regularization_figure(lambd: float = 0.1, penalty: str = "L2"):
    """Boundary, accuracies against the unregularized net, and the weight histogram."""
    lambd = float(f"{float(lambd):.3g}")  # slider positions differ in the 16th digit
    s, grid = football_with_grid()
    net, rec = _fit(penalty, lambd if penalty != "none" else 0.0)
    base, base_rec = _fit("none", 0.0)
    fig, (ax1, ax2, ax3) = new_figure(
        3, width=11.0, height=3.5, left=0.05, right=0.97, bottom=0.15, top=0.89, wspace=0.27
    )
    name = "no penalty" if penalty == "none" else f"{penalty}, λ = {lambd:.3g}"
    plot_decision_boundary(ax1, net.predict, s.X_train, s.Y_train, grid=grid, s=9, title=name)
    if rec.message:
        note_on_axes(ax1, rec.message)

    labels = ["train", "dev"]
    x = np.arange(2)
    ours = [_last(rec.train_acc), _last(rec.dev_acc)]
    theirs = [_last(base_rec.train_acc), _last(base_rec.dev_acc)]
    ax2.bar(x - 0.2, theirs, 0.4, color="#999999", label="no penalty")
    ax2.bar(x + 0.2, ours, 0.4, color="#1f77b4", label=name)
    for xi, v in zip(x + 0.2, ours):
        ax2.text(xi, v + 0.01, f"{100 * v:.1f}%", ha="center", fontsize=8)
    for xi, v in zip(x - 0.2, theirs):
        ax2.text(xi, v + 0.01, f"{100 * v:.1f}%", ha="center", fontsize=8, color="#555555")
    ax2.set_xticks(x, labels)
    ax2.set_ylim(0.4, 1.2)
    ax2.set_yticks([0.4, 0.6, 0.8, 1.0])
    ax2.set_ylabel("accuracy")
    ax2.legend(frameon=False, fontsize=8, loc="upper center", ncol=2)
    ax2.set_title("accuracy (dev: 400 kicks)")

    w, w0 = weights_of(net.params), weights_of(base.params)
    lim = float(np.max(np.abs(w0)))
    bins = np.linspace(-lim, lim, 61)
    # stairs, not hist: one path instead of 60 bar patches keeps the redraw fast
    for v, color, label in ((w0, "#999999", "no penalty"), (w, "#1f77b4", name)):
        counts, _ = np.histogram(np.clip(v, -lim, lim), bins=bins)
        ax3.stairs(counts, bins, color=color, fill=True, alpha=0.5, label=label)
    # a square-root axis shows both the tall spike at 0 and the tails, with few ticks
    ax3.set_yscale("function", functions=(np.sqrt, np.square))
    ax3.set_xticks([-round(lim, 1), 0.0, round(lim, 1)])
    ax3.set_xlabel("weight value $w$")
    frac = float(np.mean(np.abs(w) < NEAR_ZERO))
    ax3.set_title(f"weights: {100 * frac:.0f}% have |w| < {NEAR_ZERO}", fontsize=10)
    ax3.legend(frameon=False, fontsize=8)
    return fig


regularization_explorer = Explorer(
    regularization_figure,
    [
        LogSlider("lambd", 0.1, "λ (lambd)", min=1e-3, max=10.0, step=0.25, readout_format=".3g"),
        Dropdown("penalty", "L2", "penalty", options=PENALTIES),
    ],
    title="Regularizing an overfitting network",
)


def regularization_widget():
    """The explorer's ipywidgets box, for the chapter."""
    return regularization_explorer.build()
