"""Companion of chapter II.4, *Adam: momentum and RMSprop, with the start-up bias removed*
(``chapters/optimization/04_adam.ipynb``).

Widgets for the chapter on Adam: an optimizer race on 2-D surfaces and on two moons.

Both explorers run GD, momentum, RMSprop and Adam with the *same* α, β1, β2 (β1 drives
momentum and Adam's first moment, β2 drives RMSprop and Adam's second moment), so a
slider move changes all four runs at once and the learner compares like with like.
The contestants are the optimizers of :mod:`nnlab.optimizers`, the surfaces those of
:mod:`nnlab.surfaces` and the networks :class:`nnlab.model.Network` (through
:mod:`nnlab.race`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.data import make_moons
from nnlab.explorer import ChoiceSlider, Dropdown, Explorer, FloatSlider, IntSlider, LogSlider
from nnlab.plots import (
    PATH_COLORS,
    grid_over,
    new_figure,
    note_on_axes,
    plain_log_axis,
    plot_contours,
    plot_decision_boundary,
    plot_path,
)
from nnlab.race import race_on_data, race_on_surface
from nnlab.surfaces import elongated_quadratic, plateau, rosenbrock, saddle

QUADRATIC = elongated_quadratic(ratio=100, scale=0.1)
"""The chapter's valley: ``J = (0.1 x² + 10 y²)/2``, curvature 100× larger across it."""
RACE_SURFACES = {
    "elongated quadratic": QUADRATIC,
    "Rosenbrock": rosenbrock(),
    "saddle": saddle(),
    "plateau": plateau(),
}
"""The surfaces of the race widget, by the label of its dropdown."""


def _diverged_note(names, diverged_at, unit="step"):
    parts = [f"{n} diverged at {unit} {t}" for n, t in zip(names, diverged_at) if t is not None]
    return "\n".join(parts) + ("\n(α too large for it)" if parts else "")


def race_figure(
    surface: str = "elongated quadratic",
    lr: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.999,
    steps: int = 150,
):
    """Left: the four paths over the contours of ``surface`` (a label of
    :data:`RACE_SURFACES`). Right: ``f(θ_t) − f_min``."""
    s = RACE_SURFACES[surface]
    xlim, ylim = s.bounds
    r = race_on_surface(s, lr=lr, beta1=beta1, beta2=beta2, steps=steps)
    fig, (ax, ax2) = new_figure(
        ncols=2, width=10.0, height=3.8, left=0.06, right=0.99, bottom=0.13, top=0.91, wspace=0.28
    )
    plot_contours(ax, s.f, xlim, ylim, levels=25, resolution=90)
    for k, name in enumerate(r.names):
        plot_path(ax, r.valid(k, r.paths), label=name, color=PATH_COLORS[name])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title(f"{surface}: α = {lr:.3g}, β1 = {beta1:.2f}, β2 = {beta2:.3f}", fontsize=9)
    gap = np.maximum(r.costs - s.f_min, 1e-12)
    for k, name in enumerate(r.names):
        row = r.valid(k, gap)
        ax2.plot(np.arange(row.size), row, color=PATH_COLORS[name], label=name, lw=1.4)
    ax2.set_yscale("log")
    plain_log_axis(ax2.yaxis)
    ax2.set_ylim(1e-12, max(10.0, float(np.nanmax(gap[:, 0])) * 10))
    ax2.set_xlabel("step $t$")
    ax2.set_ylabel("$f(\\theta_t) - f_{min}$")
    ax2.legend(frameon=False, fontsize=8)
    note = _diverged_note(r.names, r.diverged_at)
    if note:
        note_on_axes(ax2, note)
    return fig


race_explorer = Explorer(
    race_figure,
    [
        Dropdown("surface", "elongated quadratic", options=tuple(RACE_SURFACES)),
        LogSlider("lr", 0.1, min=1e-3, max=1.0, step=0.1, readout_format=".3f", description="α"),
        FloatSlider("beta1", 0.9, min=0.0, max=0.99, step=0.01, description="β1"),
        ChoiceSlider(
            "beta2",
            0.999,
            options=(0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
            description="β2",
        ),
        IntSlider("steps", 150, min=20, max=400, step=10, description="steps"),
    ],
    title="Optimizer race on a 2-D surface",
)


def race_widget():
    """The optimizer race on a surface, ready to display."""
    return race_explorer.build()


# ---------------------------------------------------------------- two moons
MOONS_LAYERS = (2, 16, 8, 1)
MOONS_BATCH = 100  # two steps per epoch: four networks × 80 epochs answer in < 0.3 s


@lru_cache(maxsize=1)
def _moons():
    X, Y = make_moons(m=200, noise=0.2, seed=1)
    return X, Y, grid_over(X, resolution=60, margin=0.5)


def moons_figure(lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, epochs: int = 40):
    """Cost per epoch of the four optimizers and their decision boundaries on two moons."""
    X, Y, grid = _moons()
    d = race_on_data(
        X,
        Y,
        MOONS_LAYERS,
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        epochs=epochs,
        mini_batch_size=MOONS_BATCH,
        seed=0,
    )
    fig = new_figure(width=10.0, height=4.2, fixed=True)[0]
    fig.clear()  # the panels below are laid out on a grid of their own
    gs = fig.add_gridspec(
        2, 4, left=0.07, right=0.99, bottom=0.11, top=0.94, wspace=0.06, hspace=0.12
    )
    ax = fig.add_subplot(gs[:, :2])
    for k, name in enumerate(d.names):
        ax.plot(
            np.arange(epochs + 1),
            d.epoch_costs[k],
            color=PATH_COLORS[name],
            lw=1.5,
            label=f"{name}: J = {d.epoch_costs[k, -1]:.3g}"
            if d.diverged_at[k] is None
            else f"{name}: diverged",
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost $J$ (training set)")
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(f"same network, same mini-batches, α = {lr:.3g}", fontsize=9)
    note = _diverged_note(d.names, d.diverged_at, unit="iteration")
    if note:
        note_on_axes(ax, note)
    for k, name in enumerate(d.names):
        axk = fig.add_subplot(gs[k // 2, 2 + k % 2])
        if d.diverged_at[k] is None:
            title = f"{name}: {100 * d.accuracy[k]:.0f}% train acc."
        else:
            title = f"{name}: diverged"
        plot_decision_boundary(axk, d.nets[k].predict, X, Y, grid=grid, s=5, n_classes=2)
        axk.set_title(title, fontsize=8)
    return fig


moons_explorer = Explorer(
    moons_figure,
    [
        LogSlider("lr", 0.01, min=1e-4, max=0.3, step=0.1, readout_format=".4f", description="α"),
        FloatSlider("beta1", 0.9, min=0.0, max=0.99, step=0.01, description="β1"),
        ChoiceSlider(
            "beta2",
            0.999,
            options=(0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
            description="β2",
        ),
        IntSlider("epochs", 40, min=5, max=80, step=5, description="epochs"),
    ],
    title="The same four optimizers training a 2-16-8-1 network on two moons",
)


def moons_widget():
    """The four optimizers on two moons, ready to display."""
    return moons_explorer.build()
