"""Companion of chapter II.3, *Momentum and RMSprop*
(``chapters/optimization/03_momentum_rmsprop.ipynb``).

Widget of the chapter on momentum and RMSprop.

:data:`momentum_explorer`: on the elongated quadratic or on Rosenbrock's valley, pick
the learning rate α, the averaging coefficient β (shared by momentum and RMSprop) and
RMSprop's ε; gradient descent, momentum and RMSprop start from the same point and the
figure shows their paths on the contours and their cost ``J − J*`` step by step, with
the number of steps each needs to get within ``TOL`` of the minimum.

The paths come from :func:`nnlab.surfaces.run_optimizer` driving the library's own
:class:`~nnlab.optimizers.SGD`, :class:`~nnlab.optimizers.Momentum` and
:class:`~nnlab.optimizers.RMSprop`.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.explorer import Dropdown, Explorer, FloatSlider, LogSlider
from nnlab.plots import PATH_COLORS, new_figure, note_on_axes, plot_contours, plot_path
from nnlab.race import make_optimizers
from nnlab.surfaces import SURFACES, run_optimizer

STEPS = 500
TOL = 1e-2
SURFACE_KEYS = {"elongated quadratic": "elongated_quadratic", "Rosenbrock": "rosenbrock"}
NAMES = ("GD", "Momentum", "RMSprop")


@lru_cache(maxsize=256)
def trajectories(surface: str = "elongated quadratic", lr: float = 0.1, beta: float = 0.9,
                 epsilon: float = 1e-8, steps: int = STEPS, tol: float = TOL) -> dict:
    """``{name: Path}`` for GD, momentum and RMSprop from the surface's default start.

    ``surface`` is a label of :data:`SURFACE_KEYS`. Cached: the chapter and the widget
    ask for the same runs.
    """
    if surface not in SURFACE_KEYS:
        raise ValueError(f"surface must be one of {sorted(SURFACE_KEYS)}, got {surface!r}")
    s = SURFACES[SURFACE_KEYS[surface]]
    # the same α for all three, and the same β for both averages
    opts = make_optimizers(NAMES, lr=lr, beta1=beta, beta_rms=beta, epsilon=epsilon)
    return {name: run_optimizer(s, opt, steps=steps, tol=tol) for name, opt in zip(NAMES, opts)}


def outcome(path) -> str:
    """'42 steps', 'diverged at step 7' or 'not within 500 steps'."""
    if path.diverged:
        return f"diverged at step {path.diverged_at}"
    if path.steps_to_tol is None:
        return f"not within {len(path.values) - 1} steps"
    return f"{path.steps_to_tol} steps"


def momentum_figure(surface: str = "elongated quadratic", lr: float = 0.1, beta: float = 0.9,
                    epsilon: float = 1e-8):
    """Left: the three paths on the contours. Right: ``J − J*`` per step (log scale)."""
    s = SURFACES[SURFACE_KEYS[surface]]
    paths = trajectories(surface, float(lr), float(beta), float(epsilon))
    fig, (ax1, ax2) = new_figure(2, width=10.0, height=3.8, fixed=True)  # panels placed below
    ax1.set_position([0.06, 0.13, 0.42, 0.77])
    ax2.set_position([0.57, 0.13, 0.41, 0.77])
    plot_contours(ax1, s.f, *s.bounds, levels=25)
    ax1.plot(*s.minimum, "k+", ms=10, mew=1.5)
    for name, p in paths.items():
        plot_path(ax1, p.points, label=name)
        gap = np.clip(np.asarray(p.values) - s.f_min, 1e-16, 1e12)
        ax2.plot(np.arange(gap.size), gap, color=PATH_COLORS[name], lw=1.4,
                 label=f"{name}: {outcome(p)}")
    ax1.set_xlim(*s.bounds[0])
    ax1.set_ylim(*s.bounds[1])
    ax1.set_title(f"{surface}: α = {lr:.3g}, β = {beta:.3g}", fontsize=10)
    ax1.legend(frameon=True, fontsize=8, loc="lower right")
    ax2.axhline(TOL, color="#999999", ls="--", lw=1)
    ax2.set_yscale("log")
    ax2.set_ylim(1e-8, 1e6)
    ax2.set_xlim(0, STEPS)
    ax2.set_xlabel("step")
    ax2.set_ylabel("$J - J^*$")
    ax2.set_title(f"steps to reach $J - J^* < {TOL:g}$ (dashed line)", fontsize=10)
    ax2.legend(frameon=False, fontsize=8, loc="upper right")
    diverged = [f"{name} diverged at step {p.diverged_at}" for name, p in paths.items()
                if p.diverged]
    if diverged:
        note_on_axes(ax1, "\n".join(diverged) + "\n(α too large for it)")
    return fig


momentum_explorer = Explorer(
    momentum_figure,
    [Dropdown("surface", "elongated quadratic", "surface", options=tuple(SURFACE_KEYS)),
     LogSlider("lr", 0.1, "learning rate α", min=0.001, max=1.0, step=0.1,
               readout_format=".3f"),
     FloatSlider("beta", 0.9, "β", min=0.0, max=0.99, step=0.01),
     LogSlider("epsilon", 1e-8, "RMSprop ε", min=1e-8, max=10.0, step=1.0,
               readout_format=".0e")],
    title="Gradient descent, momentum and RMSprop on the same surface", columns=2)


def momentum_widget():
    """The explorer as an ipywidgets box, for the chapter."""
    return momentum_explorer.build()
