"""Widget for the chapter on local optima, saddle points and plateaus: time to escape.

The surface ``f = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4`` (:func:`nnlab.surfaces.saddle_plateau`,
``SURFACES["saddle_plateau"]``) has a plateau for ``|x| > 3`` (f ≈ 1, gradient almost
zero), a saddle at the origin (f = 0; downhill only along y, and only near x = 0) and two
minima at ``(0, ±1)`` (f = −1/4). The runs are :func:`nnlab.race.race_on_surface`, i.e.
the optimizers of :mod:`nnlab.optimizers` moved by :func:`nnlab.surfaces.run_optimizer`.
The learner picks a start
and an optimizer; the figure shows the path and the two milestones of an escape:
leaving the plateau (``|x| < 1``) and leaving the saddle (``|y| > 1/2``).
"""
from __future__ import annotations

import numpy as np

from ..plots import PATH_COLORS, plot_contours, plot_path
from ..race import OPTIMIZERS, RaceResult, race_on_surface
from ..surfaces import SURFACES
from . import Dropdown, Explorer, FloatSlider, IntSlider, LogSlider, new_figure

SURFACE = SURFACES["saddle_plateau"]
XLIM, YLIM = SURFACE.bounds
CHOICES = ("all four",) + OPTIMIZERS


def milestones(result: RaceResult) -> dict:
    """For each optimizer, the first step at which it is off the plateau (``|x| < 1``),
    off the saddle (``|y| > 0.5``) and escaped (both at once: on the way into a minimum); ``None`` if it never happens (or it diverged
    first). Returns ``{name: {"plateau": t, "saddle": t, "escaped": t}}``."""
    out = {}
    for k, name in enumerate(result.names):
        stop = result.diverged_at[k]
        path = result.paths[k, : (stop if stop is not None else result.paths.shape[1])]
        off_plateau = np.abs(path[:, 0]) < 1.0
        off_saddle = np.abs(path[:, 1]) > 0.5
        out[name] = {}
        for key, mask in (("plateau", off_plateau), ("saddle", off_saddle),
                          ("escaped", off_plateau & off_saddle)):
            hits = np.flatnonzero(mask)
            out[name][key] = int(hits[0]) if hits.size else None
    return out


def escape_race(optimizer: str = "all four", lr: float = 0.1, x0: float = 3.5,
                y0: float = 0.01, steps: int = 300, beta1: float = 0.9, beta2: float = 0.999,
                beta_rms: float = 0.9):
    """Run the chosen optimizer(s) from ``(x0, y0)`` on the saddle + plateau surface
    (RMSprop with its usual ``β = 0.9``, Adam with ``β1``, ``β2``)."""
    names = OPTIMIZERS if optimizer == "all four" else (optimizer,)
    r = race_on_surface(SURFACE, lr=lr, beta1=beta1, beta2=beta2, steps=steps,
                        optimizers=names, start=(x0, y0), beta_rms=beta_rms)
    return r, milestones(r)


def _fmt(t):
    return "never" if t is None else str(t)


def escape_figure(optimizer: str = "all four", lr: float = 0.1, x0: float = 3.5,
                  y0: float = 0.01, steps: int = 300):
    """Left: the paths over the contours. Right: ``f`` per step, with the escape step of
    each optimizer marked and listed."""
    r, ms = escape_race(optimizer, lr, x0, y0, steps)
    fig, (ax, ax2) = new_figure(ncols=2, width=10.0, height=3.8, left=0.06, right=0.99,
                                bottom=0.13, top=0.91, wspace=0.28)
    plot_contours(ax, SURFACE.f, XLIM, YLIM, levels=22, resolution=90,
                  log=False)
    ax.plot([0, 0], [-1, 1], "k*", ms=8)
    ax.plot([0], [0], "kx", ms=8)
    for k, name in enumerate(r.names):
        plot_path(ax, r.valid(k, r.paths), label=name, color=PATH_COLORS[name])
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.axvspan(3, XLIM[1], color="#bbbbbb", alpha=0.25, lw=0)
    ax.axvspan(XLIM[0], -3, color="#bbbbbb", alpha=0.25, lw=0)
    ax.text(4.0, 1.45, "plateau", ha="center", fontsize=8, color="#555555")
    ax.set_title(f"start ({x0:.2f}, {y0:.3f}), α = {lr:.3g}; × saddle, ★ minima",
                 fontsize=9)
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    lines = []
    for k, name in enumerate(r.names):
        row = r.valid(k, r.costs)
        ax2.plot(np.arange(row.size), row, color=PATH_COLORS[name], lw=1.5, label=name)
        t = ms[name]["escaped"]
        if t is not None:
            ax2.plot([t], [r.costs[k, t]], "o", color=PATH_COLORS[name], ms=6)
        if r.diverged_at[k] is not None:
            lines.append(f"{name}: diverged at step {r.diverged_at[k]}")
        else:
            lines.append(f"{name}: plateau {_fmt(ms[name]['plateau'])}, "
                         f"saddle {_fmt(ms[name]['saddle'])}, escaped {_fmt(t)}")
    ax2.axhline(0.0, color="#888888", ls=":", lw=1)
    ax2.text(steps, 0.02, "saddle level", ha="right", fontsize=7, color="#666666")
    ax2.axhline(1.0, color="#888888", ls=":", lw=1)
    ax2.text(steps, 0.94, "plateau level", ha="right", fontsize=7, color="#666666")
    ax2.set_ylim(-0.3, 1.45)
    ax2.set_xlabel("step $t$")
    ax2.set_ylabel("$f(\\theta_t)$")
    ax2.set_title("steps to leave the plateau / the saddle / both", fontsize=9)
    ax2.text(0.98, 0.97, "\n".join(lines), transform=ax2.transAxes, ha="right", va="top",
             fontsize=7.5, family="monospace",
             bbox=dict(boxstyle="round", fc="white", ec="#cccccc", alpha=0.9))
    return fig


escape_explorer = Explorer(
    escape_figure,
    [Dropdown("optimizer", "all four", options=CHOICES, description="optimizer"),
     LogSlider("lr", 0.1, min=0.01, max=10.0, step=0.1, readout_format=".3f",
               description="α"),
     IntSlider("steps", 300, min=50, max=600, step=50, description="steps"),
     FloatSlider("x0", 3.5, min=0.0, max=4.5, step=0.1, description="start x₀"),
     FloatSlider("y0", 0.01, min=0.0, max=0.3, step=0.005, readout_format=".3f",
                 description="start y₀")],
    title="Escaping a plateau and a saddle: f = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4")


def escape_widget():
    """The plateau-and-saddle escape explorer, ready to display."""
    return escape_explorer.build()
