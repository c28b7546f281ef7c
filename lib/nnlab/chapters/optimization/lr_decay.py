"""Companion of chapter II.5, *Learning-rate decay: big steps early, small steps late*
(``chapters/optimization/05_lr_decay.ipynb``).

Widget for the chapter on learning-rate decay: a schedule and the training it gives.

The learner picks a schedule and its parameters; the left panel draws α per epoch, the
right panel the training cost of mini-batch gradient descent run with that schedule,
next to the same run at the constant rate α₀. Both runs share the initial weights and
the mini-batches (each is a :func:`nnlab.race.race_on_data` run of a
:class:`~nnlab.model.Network` trained by :class:`~nnlab.optimizers.SGD`, and
:func:`nnlab.race.join_races` puts the two side by side), so any difference is the
schedule's doing.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import (
    check_bool,
    check_int,
    check_option,
    check_positive,
    check_range,
)
from nnlab.data import make_moons
from nnlab.explorer import Checkbox, Dropdown, Explorer, FloatSlider, IntSlider, LogSlider
from nnlab.plots import new_figure, note_on_axes, plain_log_axis
from nnlab.race import join_races, race_on_data
from nnlab.schedules import (
    constant,
    cosine_warmup,
    exponential_decay,
    inverse_time_decay,
    staircase_decay,
)

KINDS = ("constant", "inverse time", "exponential", "staircase", "cosine + warm-up")
DECAY_LAYERS = (2, 16, 8, 1)
DECAY_EPOCHS = 60
DECAY_BATCH = 32


@lru_cache(maxsize=1)
def decay_data():
    """The noisy two-moons set the widget trains on: 256 points, noise 0.25."""
    return make_moons(m=256, noise=0.25, seed=3)


def decay_schedule(
    kind: str,
    lr0: float,
    decay_rate: float = 1.0,
    keep: float = 0.95,
    every: int = 10,
    warmup: int = 5,
    total: int = DECAY_EPOCHS,
):
    """The widget's schedule ``t -> α`` (a :mod:`nnlab.schedules` schedule; ``t`` counts
    epochs, or mini-batches if the clock is wrong):

    constant ``α₀``; inverse time ``α₀ / (1 + decay_rate · ⌊t / every⌋)``;
    exponential ``α₀ · keep^t``; staircase ``α₀ · keep^⌊t / every⌋``;
    cosine + warm-up: :func:`nnlab.schedules.cosine_warmup` over ``total`` epochs.
    """
    check_option("kind", kind, KINDS)
    check_positive("lr0", lr0)
    check_range("decay_rate", decay_rate, 0, None)
    check_range("keep", keep, 0, 1, low_open=True)
    every = check_int("every", every)
    warmup = check_int("warmup", warmup, low=0)
    total = check_int("total", total)
    if kind == "constant":
        return constant(lr0)
    if kind == "inverse time":
        return inverse_time_decay(lr0, decay_rate, every=every)
    if kind == "exponential":
        return exponential_decay(lr0, keep)
    if kind == "staircase":
        return staircase_decay(lr0, drop=keep, every=every)
    if kind == "cosine + warm-up":
        return cosine_warmup(lr0, total=total, warmup=min(warmup, total - 1))
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def run_schedule(
    kind: str = "inverse time",
    lr0: float = 1.0,
    decay_rate: float = 1.0,
    keep: float = 0.95,
    every: int = 10,
    warmup: int = 5,
    per_iteration: bool = False,
    epochs: int = DECAY_EPOCHS,
    mini_batch_size: int = DECAY_BATCH,
    seed: int = 0,
):
    """Train the 2-16-8-1 network with mini-batch GD twice: row 0 with the schedule,
    row 1 at the constant ``lr0``. ``per_iteration=True`` advances the schedule's clock
    once per mini-batch instead of once per epoch (a common bug). Returns the
    :class:`~nnlab.race.DataRace` of the two runs (same initial weights, same
    mini-batches); the constant run is cached, since only ``lr0`` changes it."""
    epochs = check_int("epochs", epochs)
    schedule = decay_schedule(kind, lr0, decay_rate, keep, every, warmup, epochs)  # checks them
    check_bool("per_iteration", per_iteration)
    X, Y = decay_data()
    scheduled = race_on_data(
        X,
        Y,
        DECAY_LAYERS,
        optimizers=("GD",),
        lr=lr0,
        epochs=epochs,
        mini_batch_size=mini_batch_size,
        seed=seed,
        schedule=schedule,
        schedule_every="iteration" if per_iteration else "epoch",
    )
    return join_races(scheduled, constant_run(lr0, epochs, mini_batch_size, seed))


@lru_cache(maxsize=32)
def constant_run(
    lr0: float = 1.0, epochs: int = DECAY_EPOCHS, mini_batch_size: int = DECAY_BATCH, seed: int = 0
):
    """Mini-batch GD at the constant ``lr0`` on :func:`decay_data` (cached)."""
    check_positive("lr0", lr0)
    X, Y = decay_data()
    return race_on_data(
        X,
        Y,
        DECAY_LAYERS,
        optimizers=("GD",),
        lr=lr0,
        epochs=epochs,
        mini_batch_size=mini_batch_size,
        seed=seed,
    )


def decay_figure(
    kind: str = "inverse time",
    lr0: float = 1.0,
    decay_rate: float = 1.0,
    keep: float = 0.95,
    every: int = 10,
    warmup: int = 5,
    per_iteration: bool = False,
):
    """Left: α per iteration (in epochs). Right: training cost with the schedule and at
    the constant α₀, with the final costs in the legend."""
    d = run_schedule(kind, lr0, decay_rate, keep, every, warmup, per_iteration)
    n_iter = d.lrs.shape[1]
    x = np.arange(n_iter) * DECAY_EPOCHS / n_iter
    fig, (ax, ax2) = new_figure(
        ncols=2, width=10.0, height=3.6, left=0.08, right=0.99, bottom=0.13, top=0.92, wspace=0.22
    )
    floor = lr0 * 1e-6  # log axis: draw α = 0 (end of a cosine) at a visible floor
    ax.plot(x, np.maximum(d.lrs[0], floor), color="#d62728", lw=1.6, label=kind)
    ax.axhline(lr0, color="#888888", ls="--", lw=1, label="constant α₀")
    # explicit limits before the log scale: a flat (constant) line must not autoscale
    ax.set_ylim(max(floor, float(d.lrs[0].min()) / 3), lr0 * 3)
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set_xlabel("epoch")
    ax.set_ylabel("learning rate α")
    clock = "iteration (bug)" if per_iteration else "epoch"
    ax.set_title(f"{kind}, clock = {clock}", fontsize=9)
    ax.legend(frameon=False, fontsize=8)
    epochs = np.arange(DECAY_EPOCHS + 1)
    for k, (label, color) in enumerate([("with schedule", "#d62728"), ("constant α₀", "#888888")]):
        cost = d.epoch_costs[k]
        text = (
            f"{label}: J = {cost[-1]:.3f}, acc {100 * d.accuracy[k]:.0f}%"
            if d.diverged_at[k] is None
            else f"{label}: diverged"
        )
        ax2.plot(epochs, cost, color=color, lw=1.5, label=text)
    finite = d.epoch_costs[np.isfinite(d.epoch_costs) & (d.epoch_costs > 0)]
    lo, hi = (0.0, finite.max() * 1.05) if finite.size else (0.0, 1.0)
    ax2.set_ylim(lo, max(hi, 1.01 * lo))
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("training cost $J$ (after each epoch)")
    ax2.legend(frameon=False, fontsize=8)
    stops = [
        f"{name} diverged at iteration {t}"
        for name, t in zip(("schedule", "constant α₀"), d.diverged_at)
        if t is not None
    ]
    if stops:
        note_on_axes(ax2, "\n".join(stops) + "\n(α₀ too large)")
    return fig


decay_explorer = Explorer(
    decay_figure,
    [
        Dropdown("kind", "inverse time", options=KINDS, description="schedule"),
        LogSlider(
            "lr0",
            1.0,
            min=0.01,
            max=5.0,
            step=0.1,
            readout_format=".2f",
            description="α₀",
            static=3,
        ),
        FloatSlider(
            "decay_rate",
            1.0,
            min=0.0,
            max=2.0,
            step=0.05,
            description="decay_rate (inverse time)",
            static=3,
            active=lambda v: v["kind"] == "inverse time",
        ),
        FloatSlider(
            "keep",
            0.95,
            min=0.5,
            max=1.0,
            step=0.01,
            description="k kept (exp., staircase)",
            static="pin",
            active=lambda v: v["kind"] in ("exponential", "staircase"),
        ),
        IntSlider(
            "every",
            10,
            min=1,
            max=30,
            description="tick every N epochs",
            static="pin",
            active=lambda v: v["kind"] in ("inverse time", "staircase"),
        ),
        IntSlider(
            "warmup",
            5,
            min=0,
            max=20,
            description="warm-up epochs",
            static="pin",
            active=lambda v: v["kind"] == "cosine + warm-up",
        ),
        Checkbox("per_iteration", False, description="advance the clock every mini-batch (bug)"),
    ],
    title="A learning-rate schedule and the training it gives (mini-batch GD, two moons)",
)


def decay_widget():
    """The schedule explorer, ready to display."""
    return decay_explorer.build()
