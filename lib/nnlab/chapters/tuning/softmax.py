"""Companion of chapter III.4, *Softmax regression* (``chapters/tuning/04_softmax.ipynb``).

Widget for the chapter on softmax regression.

``softmax_explorer``: a softmax classifier (a network with two hidden layers, or plain
softmax regression with none) trained on ``C`` spiral arms. The temperature ``T``
divides the logits before the softmax, ``ŷ = softmax(Z[L] / T)``: it changes how
confident the probabilities are but never which class wins, so the decision regions
(left) stay put while the confidence map (middle) and the probabilities at one probe
point (right) change.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.activations import softmax
from nnlab.checks import (
    check_int,
    check_matrix,
    check_option,
    check_positive,
)
from nnlab.data import make_spirals
from nnlab.explorer import Dropdown, Explorer, IntSlider, LogSlider
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import CLASS_COLORS, grid_over, new_figure, plot_decision_boundary
from nnlab.train import train

MODELS = ("network (2 hidden layers)", "softmax regression (no hidden layer)")
PROBE = np.array([[0.25], [-0.35]])  # a point between arms, where the classes compete
RESOLUTION = 70


@lru_cache(maxsize=16)
def spirals(C: int):
    """300 examples on ``C`` spiral arms (seeded)."""
    C = check_int("C", C, low=2, high=20)
    return make_spirals(300, k=C, noise=0.2, seed=0)


@lru_cache(maxsize=32)
def trained_classifier(C: int, model: str = MODELS[0]):
    """A softmax classifier for ``C`` arms, trained with Adam (α = 0.02, 100 full-batch
    steps); returns the network and the logits ``Z[L]`` on the plotting grid."""
    check_option("model", model, MODELS)
    X, Y = spirals(C)
    dims = [2, 32, 32, C] if model == MODELS[0] else [2, C]
    net = Network(dims, output="softmax", seed=0)
    train(net, X, Y, Adam(lr=0.02), epochs=100, mini_batch_size=None)
    grid = grid_over(X, RESOLUTION, margin=0.2)
    return net, grid, logits(net, grid[0])


def logits(net, X) -> np.ndarray:
    """``Z[L]`` of ``net`` for ``X``, in test mode."""
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnlab.model.Network, got {type(net).__name__}")
    _, cache = net.forward(X, training=False, update_running=False)
    return cache[f"Z{net.L}"]


def tempered_softmax(Z, temperature: float) -> np.ndarray:
    """``softmax(Z / T)`` column-wise: ``T < 1`` sharpens, ``T > 1`` flattens."""
    Z = check_matrix("Z", Z)
    return softmax(Z / check_positive("temperature", temperature))


def softmax_figure(n_classes: int = 3, temperature: float = 1.0, model: str = MODELS[0]):
    """Decision regions, confidence ``max_k ŷ_k`` over the plane, probe probabilities."""
    C = int(n_classes)
    T = float(temperature)
    X, Y = spirals(C)
    net, grid, Z_grid = trained_classifier(C, model)
    pts, xx, yy = grid
    fig, (ax1, ax2, ax3) = new_figure(
        ncols=3,
        width=11.0,
        height=3.5,
        left=0.005,
        right=0.995,
        bottom=0.14,
        top=0.887,
        wspace=0.18,
    )

    labels = Z_grid.argmax(axis=0)  # argmax of Z/T is the argmax of Z for every T > 0
    plot_decision_boundary(ax1, lambda _: labels, X, Y, grid=grid, n_classes=C, s=8)
    acc = net.accuracy(X, Y)
    ax1.set_title(f"decision regions, training accuracy {acc:.0%}", fontsize=9)

    conf = tempered_softmax(Z_grid, T).max(axis=0).reshape(xx.shape)
    # no colorbar (it costs as much to draw as a panel): the title gives the two ends
    ax2.imshow(
        conf,
        origin="lower",
        extent=(xx.min(), xx.max(), yy.min(), yy.max()),
        vmin=1.0 / C,
        vmax=1.0,
        cmap="viridis",
        aspect="auto",
    )
    P_data = tempered_softmax(logits(net, X), T)
    ax2.set_title(
        f"confidence max_k ŷ_k at T = {T:.2g} (purple 1/C = {1 / C:.2f}, "
        f"yellow 1)\nmean on the data {P_data.max(axis=0).mean():.2f}",
        fontsize=9,
    )
    ax2.set_xticks([])
    ax2.set_yticks([])
    for ax in (ax1, ax2):
        ax.plot(*PROBE, marker="*", ms=14, color="white", mec="black")

    p = tempered_softmax(logits(net, PROBE), T)[:, 0]
    ax3.bar(np.arange(C), p, color=CLASS_COLORS[:C])
    for k, v in enumerate(p):
        ax3.text(k, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    ax3.set_ylim(0, 1.1)
    ax3.set_xticks(np.arange(C))
    ax3.set_xlabel("class k")
    ax3.set_ylabel("ŷ_k at the star")
    ax3.set_title(f"probabilities at the star (sum {p.sum():.2f})", fontsize=9)
    return fig


softmax_explorer = Explorer(
    softmax_figure,
    [
        IntSlider("n_classes", 3, min=2, max=6, description="classes C"),
        LogSlider(
            "temperature",
            1.0,
            min=0.1,
            max=10.0,
            step=0.1,
            readout_format=".2f",
            description="temperature T",
        ),
        Dropdown("model", MODELS[0], options=MODELS, description="model"),
    ],
    title="Softmax on spirals: classes and temperature",
)


def softmax_widget():
    """Number of classes, temperature and model → regions, confidence, probabilities."""
    return softmax_explorer.build()
