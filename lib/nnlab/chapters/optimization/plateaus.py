"""Companion of chapter II.6, *Local optima, saddle points and plateaus*
(``chapters/optimization/06_plateaus.ipynb``).

Critical points: minima, maxima and saddles, told apart by the curvature.

At a critical point the gradient is zero and the cost near it is, to second order,
``J(θ* + δ) ≈ J(θ*) + ½ δᵀ H δ`` with ``H`` the Hessian. Its eigenvalues are the
curvatures along ``n`` perpendicular directions: all positive is a minimum, all negative
a maximum, mixed signs a saddle.

:func:`random_hessians` draws symmetric matrices whose entries are Gaussian (the
Gaussian orthogonal ensemble, a standard stand-in for "a Hessian with no special
structure"), and :func:`fraction_minima` estimates how often all ``n`` curvatures come
out positive: about 1/2 for ``n = 1`` and falling faster than ``2⁻ⁿ`` as ``n`` grows.
That is the quantitative version of "in high dimension, most critical points are saddles".

Widget for the chapter on local optima, saddle points and plateaus: time to escape.

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

from collections.abc import Callable

import numpy as np

from nnlab.checks import (
    check_array,
    check_callable,
    check_int,
    check_number,
    check_option,
    check_positive,
    check_seed,
)
from nnlab.explorer import Dropdown, Explorer, FloatSlider, IntSlider, LogSlider
from nnlab.plots import PATH_COLORS, new_figure, plot_contours, plot_path
from nnlab.race import CONTESTANTS, RaceResult, race_on_surface
from nnlab.surfaces import SURFACES

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def random_hessians(n: int, samples: int, seed: int = 0) -> np.ndarray:
    """``samples`` symmetric ``(n, n)`` matrices ``H = (A + Aᵀ)/√2``, ``A_ij ~ N(0, 1)``.

    Off-diagonal entries have variance 1 and diagonal entries variance 2 (the Gaussian
    orthogonal ensemble). Returns an array of shape ``(samples, n, n)``.
    """
    n = check_int("n", n, high=1000)
    samples = check_int("samples", samples)
    if samples * n * n > 10**8:
        raise ValueError(
            f"samples * n**2 = {samples * n * n:.3g} numbers is too many "
            "(keep samples * n**2 <= 1e8)"
        )
    rng = np.random.default_rng(check_seed("seed", seed))
    A = rng.standard_normal((samples, n, n))
    return (A + np.swapaxes(A, 1, 2)) / np.sqrt(2.0)


def classify(eigenvalues, tol: float = 1e-9) -> str:
    """``minimum`` if every curvature ``λ_i > tol``, ``maximum`` if every ``λ_i < -tol``,
    ``saddle`` if there are both signs, ``degenerate`` if some ``|λ_i| <= tol`` and the
    others share one sign (second order cannot tell)."""
    lam = check_array("eigenvalues", eigenvalues).ravel()
    check_positive("tol", tol)
    pos, neg = np.sum(lam > tol), np.sum(lam < -tol)
    if pos and neg:
        return "saddle"
    if pos == lam.size:
        return "minimum"
    if neg == lam.size:
        return "maximum"
    return "degenerate"


def fraction_minima(n: int, samples: int = 20000, seed: int = 0) -> float:
    """Monte-Carlo estimate of ``P(all eigenvalues of H > 0)`` for a random ``H``
    from :func:`random_hessians` (the chance that a structureless critical point in
    ``n`` dimensions is a minimum)."""
    lam = np.linalg.eigvalsh(random_hessians(n, samples, seed))
    return float(np.mean(np.all(lam > 0, axis=1)))


def hessian_2d(grad: Callable, x: float, y: float, h: float = 1e-5) -> np.ndarray:
    """The 2×2 Hessian of a surface at ``(x, y)`` by centered differences of its
    gradient ``grad(x, y) -> (∂f/∂x, ∂f/∂y)``: ``H[:, j] ≈ (∇f(θ + h e_j) − ∇f(θ − h e_j)) / 2h``,
    symmetrized."""
    check_callable("grad", grad, "a function grad(x, y) -> (∂f/∂x, ∂f/∂y)")
    x, y = check_number("x", x), check_number("y", y)
    check_positive("h", h)
    cols = []
    for dx, dy in ((h, 0.0), (0.0, h)):
        gp = np.array(grad(x + dx, y + dy), dtype=float)
        gm = np.array(grad(x - dx, y - dy), dtype=float)
        cols.append((gp - gm) / (2 * h))
    H = np.column_stack(cols)
    return (H + H.T) / 2


SURFACE = SURFACES["saddle_plateau"]
XLIM, YLIM = SURFACE.bounds
CHOICES = ("all four",) + CONTESTANTS


def milestones(result: RaceResult) -> dict:
    """For each optimizer, the first step at which it is off the plateau (``|x| < 1``),
    off the saddle (``|y| > 0.5``) and escaped (both at once: on the way into a minimum); ``None`` if it never happens (or it diverged
    first). Returns ``{name: {"plateau": t, "saddle": t, "escaped": t}}``."""
    if not isinstance(result, RaceResult):
        raise ValueError(f"result must be the RaceResult of race_on_surface, got {result!r}")
    out = {}
    for k, name in enumerate(result.names):
        stop = result.diverged_at[k]
        path = result.paths[k, : (stop if stop is not None else result.paths.shape[1])]
        off_plateau = np.abs(path[:, 0]) < 1.0
        off_saddle = np.abs(path[:, 1]) > 0.5
        out[name] = {}
        for key, mask in (
            ("plateau", off_plateau),
            ("saddle", off_saddle),
            ("escaped", off_plateau & off_saddle),
        ):
            hits = np.flatnonzero(mask)
            out[name][key] = int(hits[0]) if hits.size else None
    return out


def escape_race(
    optimizer: str = "all four",
    lr: float = 0.1,
    x0: float = 3.5,
    y0: float = 0.01,
    steps: int = 300,
    beta1: float = 0.9,
    beta2: float = 0.999,
    beta_rms: float = 0.9,
):
    """Run the chosen optimizer(s) from ``(x0, y0)`` on the saddle + plateau surface
    (RMSprop with its usual ``β = 0.9``, Adam with ``β1``, ``β2``)."""
    check_option("optimizer", optimizer, CHOICES)
    x0, y0 = check_number("x0", x0), check_number("y0", y0)
    names = CONTESTANTS if optimizer == "all four" else (optimizer,)
    r = race_on_surface(
        SURFACE,
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        steps=steps,
        optimizers=names,
        start=(x0, y0),
        beta_rms=beta_rms,
    )
    return r, milestones(r)


def _fmt(t):
    return "never" if t is None else str(t)


def escape_figure(
    optimizer: str = "all four",
    lr: float = 0.1,
    x0: float = 3.5,
    y0: float = 0.01,
    steps: int = 300,
):
    """Left: the paths over the contours. Right: ``f`` per step, with the escape step of
    each optimizer marked and listed."""
    r, ms = escape_race(optimizer, lr, x0, y0, steps)
    fig, (ax, ax2) = new_figure(
        ncols=2, width=10.0, height=3.8, left=0.06, right=0.99, bottom=0.13, top=0.91, wspace=0.28
    )
    plot_contours(ax, SURFACE.f, XLIM, YLIM, levels=22, resolution=90, log=False)
    ax.plot([0, 0], [-1, 1], "k*", ms=8)
    ax.plot([0], [0], "kx", ms=8)
    for k, name in enumerate(r.names):
        plot_path(ax, r.valid(k, r.paths), label=name, color=PATH_COLORS[name])
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.axvspan(3, XLIM[1], color="#bbbbbb", alpha=0.25, lw=0)
    ax.axvspan(XLIM[0], -3, color="#bbbbbb", alpha=0.25, lw=0)
    ax.text(4.0, 1.45, "plateau", ha="center", fontsize=8, color="#555555")
    ax.set_title(f"start ({x0:.2f}, {y0:.3f}), α = {lr:.3g}; × saddle, ★ minima", fontsize=9)
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
            lines.append(
                f"{name}: plateau {_fmt(ms[name]['plateau'])}, "
                f"saddle {_fmt(ms[name]['saddle'])}, escaped {_fmt(t)}"
            )
    ax2.axhline(0.0, color="#888888", ls=":", lw=1)
    ax2.text(steps, 0.02, "saddle level", ha="right", fontsize=7, color="#666666")
    ax2.axhline(1.0, color="#888888", ls=":", lw=1)
    ax2.text(steps, 0.94, "plateau level", ha="right", fontsize=7, color="#666666")
    ax2.set_ylim(-0.3, 1.45)
    ax2.set_xlabel("step $t$")
    ax2.set_ylabel("$f(\\theta_t)$")
    ax2.set_title("steps to leave the plateau / the saddle / both", fontsize=9)
    ax2.text(
        0.98,
        0.97,
        "\n".join(lines),
        transform=ax2.transAxes,
        ha="right",
        va="top",
        fontsize=7.5,
        family="monospace",
        bbox=dict(boxstyle="round", fc="white", ec="#cccccc", alpha=0.9),
    )
    return fig


escape_explorer = Explorer(
    escape_figure,
    [
        Dropdown("optimizer", "all four", options=CHOICES, description="optimizer"),
        LogSlider("lr", 0.1, min=0.01, max=10.0, step=0.1, readout_format=".3f", description="α"),
        IntSlider("steps", 300, min=50, max=600, step=50, description="steps"),
        FloatSlider("x0", 3.5, min=0.0, max=4.5, step=0.1, description="start x₀"),
        FloatSlider(
            "y0", 0.01, min=0.0, max=0.3, step=0.005, readout_format=".3f", description="start y₀"
        ),
    ],
    title="Escaping a plateau and a saddle: f = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4",
)


def escape_widget():
    """The plateau-and-saddle escape explorer, ready to display."""
    return escape_explorer.build()
