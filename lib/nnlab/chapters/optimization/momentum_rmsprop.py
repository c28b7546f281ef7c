"""Companion of chapter II.3, *Momentum and RMSprop*
(``chapters/optimization/03_momentum_rmsprop.ipynb``).

Widget of the chapter on momentum and RMSprop.

:data:`momentum_explorer`: on the elongated quadratic or on Rosenbrock's valley, pick
the learning rate α, the averaging coefficient β (shared by momentum, Nesterov and
RMSprop) and RMSprop's ε; gradient descent, momentum, Nesterov and RMSprop start from the
same point and the
figure shows their paths on the contours and their cost ``J − J*`` step by step, with
the number of steps each needs to get within ``TOL`` of the minimum.

Tuning on the valley: :func:`gd_optimum` and :func:`momentum_optimum` (the heavy ball's
best α and β, converted to the course's averaged form), :func:`rate` (the per-step
contraction from the iteration matrices), :func:`steps_grid` / :func:`best_settings` (a
small search of α and β, all settings at once) and :func:`tuning_figure`.

The paths come from :func:`nnlab.surfaces.run_optimizer` driving the library's own
:class:`~nnlab.optimizers.SGD`, :class:`~nnlab.optimizers.Momentum`,
:class:`~nnlab.optimizers.Nesterov` and :class:`~nnlab.optimizers.RMSprop`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import (
    check_array,
    check_bool,
    check_int,
    check_option,
    check_positive,
    check_range,
)
from nnlab.explorer import Dropdown, Explorer, FloatSlider, LogSlider
from nnlab.optimizers import Optimizer
from nnlab.plots import PATH_COLORS, new_figure, note_on_axes, plot_contours, plot_path
from nnlab.race import make_optimizers
from nnlab.surfaces import SURFACES, Path, run_optimizer

STEPS = 500
TOL = 1e-2
SURFACE_KEYS = {"elongated quadratic": "elongated_quadratic", "Rosenbrock": "rosenbrock"}
NAMES = ("GD", "Momentum", "Nesterov", "RMSprop")


@lru_cache(maxsize=256)
def trajectories(
    surface: str = "elongated quadratic",
    lr: float = 0.1,
    beta: float = 0.9,
    epsilon: float = 1e-8,
    steps: int = STEPS,
    tol: float = TOL,
) -> dict:
    """``{name: Path}`` for GD, momentum, Nesterov and RMSprop from the surface's default start.

    ``surface`` is a label of :data:`SURFACE_KEYS`. Cached: the chapter and the widget
    ask for the same runs.
    """
    check_range("beta", beta, 0, 1, high_open=True)
    check_option("surface", surface, SURFACE_KEYS)
    s = SURFACES[SURFACE_KEYS[surface]]
    # the same α for all three, and the same β for both averages
    opts = make_optimizers(NAMES, lr=lr, beta1=beta, beta_rms=beta, epsilon=epsilon)
    return {name: run_optimizer(s, opt, steps=steps, tol=tol) for name, opt in zip(NAMES, opts)}


def outcome(path) -> str:
    """'42 steps', 'diverged at step 7' or 'not within 500 steps'."""
    if not isinstance(path, Path):
        raise ValueError(f"path must be the Path that run_optimizer returned, got {path!r}")
    if path.diverged:
        return f"diverged at step {path.diverged_at}"
    if path.steps_to_tol is None:
        return f"not within {len(path.values) - 1} steps"
    return f"{path.steps_to_tol} steps"


def rmsprop_root_s(surface: str, path, beta: float) -> np.ndarray:
    """``√s`` of RMSprop along ``path`` (both coordinates, every step until the path gets
    within ``TOL`` or ends): the denominator ``ε`` is added to. ``s := β s + (1 − β) g²``
    from ``s = 0``, ``g`` the surface's gradient at each point the step started from."""
    check_option("surface", surface, SURFACE_KEYS)
    if not isinstance(path, Path):
        raise ValueError(f"path must be the Path that run_optimizer returned, got {path!r}")
    beta = check_range("beta", beta, 0, 1, high_open=True)
    grad = SURFACES[SURFACE_KEYS[surface]].grad
    end = path.steps_to_tol or len(path.points) - 1
    sq, out = np.zeros(2), []
    for x, y in path.points[:end]:
        sq = beta * sq + (1 - beta) * np.square(grad(x, y))
        out.append(np.sqrt(sq))
    return np.asarray(out).reshape(-1, 2)


def _epsilon_gauge(ax, root_s: np.ndarray, epsilon: float):
    """A strip at the bottom of ``ax``: where ε stands against the √s RMSprop divides by.
    ε changes RMSprop's path only once it nears √s, so most presses of the ε slider move
    no curve; the gauge shows why, and moves with every press."""
    g = ax.inset_axes([0.42, 0.05, 0.55, 0.09])
    g.set_xscale("log")
    g.set_xlim(1e-9, 1e2)
    g.set_yticks([])
    g.tick_params(axis="x", labelsize=7, pad=1)
    ok = root_s[np.isfinite(root_s) & (root_s > 0)]
    lo = hi = None
    if ok.size:
        lo, hi = np.percentile(ok, [10, 90])
        g.axvspan(lo, hi, color=PATH_COLORS["RMSprop"], alpha=0.35, lw=0)
        g.text(np.sqrt(lo * hi), 0.5, "√s", ha="center", va="center", fontsize=8)
    g.axvline(epsilon, color="#a40000", lw=2.5)
    # The label takes about three decades: to the right of the line where that is clear of
    # the band and of the axis end, else to the left.
    clear = lo is None or epsilon > hi or epsilon * 1e3 < lo
    right = epsilon <= 1e-6 or (epsilon < 1e-1 and clear)
    g.text(
        epsilon * 1.8 if right else epsilon / 1.8,
        0.5,
        f"ε = {epsilon:.0e}",
        color="#a40000",
        va="center",
        ha="left" if right else "right",
        fontsize=8,
    )
    g.set_title("RMSprop's step α·g / (√s + ε): ε against √s", fontsize=8, pad=2)


def momentum_figure(
    surface: str = "elongated quadratic", lr: float = 0.1, beta: float = 0.9, epsilon: float = 1e-8
):
    """Left: the four paths on the contours. Right: ``J − J*`` per step (log scale), and a
    gauge of RMSprop's ε against the ``√s`` it is added to."""
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
        ax2.plot(
            np.arange(gap.size), gap, color=PATH_COLORS[name], lw=1.4, label=f"{name}: {outcome(p)}"
        )
    ax1.set_xlim(*s.bounds[0])
    ax1.set_ylim(*s.bounds[1])
    ax1.set_title(
        f"{surface}: α = {lr:.3g}, β = {beta:.3g}, RMSprop ε = {epsilon:.0e}", fontsize=10
    )
    ax1.legend(frameon=True, fontsize=8, loc="lower right")
    ax2.axhline(TOL, color="#999999", ls="--", lw=1)
    ax2.set_yscale("log")
    ax2.set_ylim(1e-8, 1e6)
    ax2.set_xlim(0, STEPS)
    ax2.set_xlabel("step")
    ax2.set_ylabel("$J - J^*$")
    ax2.set_title(f"steps to reach $J - J^* < {TOL:g}$ (dashed line)", fontsize=10)
    ax2.legend(frameon=False, fontsize=8, loc="upper right")
    _epsilon_gauge(ax2, rmsprop_root_s(surface, paths["RMSprop"], beta), float(epsilon))
    diverged = [
        f"{name} diverged at step {p.diverged_at}" for name, p in paths.items() if p.diverged
    ]
    if diverged:
        note_on_axes(ax1, "\n".join(diverged) + "\n(α too large for it)")
    return fig


momentum_explorer = Explorer(
    momentum_figure,
    [
        Dropdown("surface", "elongated quadratic", "surface", options=tuple(SURFACE_KEYS)),
        LogSlider("lr", 0.1, "learning rate α", min=0.001, max=1.0, step=0.1, readout_format=".3f"),
        FloatSlider("beta", 0.9, "β", min=0.0, max=0.99, step=0.01),
        LogSlider("epsilon", 1e-8, "RMSprop ε", min=1e-8, max=10.0, step=1.0, readout_format=".0e"),
    ],
    title="Gradient descent, momentum and RMSprop on the same surface",
    columns=2,
)


def momentum_widget():
    """The explorer as an ipywidgets box, for the chapter."""
    return momentum_explorer.build()


# ---------------------------------------------------------------- tuning α and β on the valley
CURVATURES = (1.0, 20.0)
"""Curvatures of the chapter's valley ``J = (x² + 20 y²)/2``: ``μ = 1`` along, ``L = 20`` across."""


def gd_optimum(mu: float = CURVATURES[0], L: float = CURVATURES[1]) -> dict:
    """Gradient descent's best constant α on a quadratic with curvatures in ``[μ, L]``.

    ``α* = 2/(L + μ)`` makes the two extreme factors ``|1 − αμ|`` and ``|1 − αL|`` equal;
    the error then shrinks by ``(κ − 1)/(κ + 1)`` per step, ``κ = L/μ``.
    """
    check_positive("mu", mu)
    check_positive("L", L)
    kappa = L / mu
    return {"lr": 2.0 / (L + mu), "rate": (kappa - 1.0) / (kappa + 1.0)}


def momentum_optimum(mu: float = CURVATURES[0], L: float = CURVATURES[1]) -> dict:
    """The best α and β of momentum on a quadratic with curvatures in ``[μ, L]``.

    Polyak's heavy ball is written ``u := β u + dW, W := W − α' u``, with optimum
    ``α'* = 4/(√L + √μ)²``, ``β* = ((√κ − 1)/(√κ + 1))²`` and rate ``√β* = (√κ − 1)/(√κ + 1)``
    per step. The course's averaged form ``v := β v + (1 − β) dW, W := W − α v`` is the same
    method with ``α' = α(1 − β)``, so its best ``α* = α'*/(1 − β*)``. Returns ``lr`` (the
    course's α*), ``lr_heavy_ball`` (α'*), ``beta`` and ``rate``.
    """
    check_positive("mu", mu)
    check_positive("L", L)
    kappa = L / mu
    root = (np.sqrt(kappa) - 1.0) / (np.sqrt(kappa) + 1.0)
    beta = root**2
    lr_hb = 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    return {"lr": lr_hb / (1.0 - beta), "lr_heavy_ball": lr_hb, "beta": beta, "rate": root}


def _rates(name: str, values, kind: str, grid: bool = False) -> np.ndarray:
    """``values`` as a float array of learning rates (``kind="lr"``: every entry > 0) or of
    betas (``kind="beta"``: in ``[0, 1)``); a grid (``grid=True``) is 1-D and not empty."""
    a = check_array(name, values, ndim=1 if grid else None, allow_empty=not grid)
    bad = (a <= 0) if kind == "lr" else ((a < 0) | (a >= 1))
    if np.any(bad):
        want = "> 0" if kind == "lr" else "in [0, 1)"
        raise ValueError(f"{name} must hold values {want}, got {a[bad].flat[0]!r}")
    return a


def iteration_matrices(lr, beta, curvature, nesterov: bool = False) -> np.ndarray:
    """The linear map ``(v, w) → (v', w')`` of one step along a direction of curvature λ.

    Momentum: ``v' = β v + (1 − β) λ w``, ``w' = w − α v'``. Nesterov (the library's form):
    the same ``v'``, and ``w' = w − α (β v' + (1 − β) λ w)``. ``lr`` and ``beta`` may be
    arrays (broadcast together); the result has shape ``(..., 2, 2)``.
    """
    _rates("lr", lr, "lr")
    _rates("beta", beta, "beta")
    check_range("curvature", curvature, 0, None)
    check_bool("nesterov", nesterov)
    a, b = np.broadcast_arrays(np.asarray(lr, float), np.asarray(beta, float))
    g = (1.0 - b) * curvature
    M = np.empty(a.shape + (2, 2))
    M[..., 0, 0], M[..., 0, 1] = b, g
    if nesterov:
        M[..., 1, 0] = -a * b * b
        M[..., 1, 1] = 1.0 - a * g * (1.0 + b)
    else:
        M[..., 1, 0] = -a * b
        M[..., 1, 1] = 1.0 - a * g
    return M


def rate(lr, beta, curvatures=CURVATURES, nesterov: bool = False) -> np.ndarray:
    """Per-step contraction of the error in the long run: the largest spectral radius of
    :func:`iteration_matrices` over the curvatures (``< 1``: converges; ``β = 0``: GD's
    ``max |1 − αλ|``)."""
    _rates("curvatures", curvatures, "lr", grid=True)
    radii = [
        np.abs(np.linalg.eigvals(iteration_matrices(lr, beta, lam, nesterov))).max(axis=-1)
        for lam in curvatures
    ]
    return np.max(radii, axis=0)


def steps_grid(
    lrs, betas, nesterov: bool = False, steps: int = STEPS, tol: float = TOL, stay: bool = False
) -> np.ndarray:
    """Steps to ``J − J* < tol`` on the valley from its start, for every ``(α, β)`` at once.

    Returns an int array of shape ``(len(lrs), len(betas))``, ``-1`` where the run does not
    get there within ``steps``. ``stay=False`` counts the first step below ``tol`` (as
    :func:`trajectories` and the widget do); ``stay=True`` the step from which the cost stays
    below ``tol`` (an oscillating path may touch the line once and come back above it).
    The recurrence is :func:`iteration_matrices`, applied to a whole grid; the tests
    check it against :func:`nnlab.surfaces.run_optimizer` with the library's classes.
    """
    _rates("lrs", lrs, "lr", grid=True)
    _rates("betas", betas, "beta", grid=True)
    check_bool("nesterov", nesterov)
    check_int("steps", steps)
    check_positive("tol", tol)
    check_bool("stay", stay)
    s = SURFACES["elongated_quadratic"]
    A, B = np.meshgrid(np.asarray(lrs, float), np.asarray(betas, float), indexing="ij")
    lam = np.array(CURVATURES)
    w = np.broadcast_to(np.array(s.start, float), A.shape + (2,)).copy()
    v = np.zeros_like(w)
    a, b = A[..., None], B[..., None]
    first = np.full(A.shape, -1)
    last_above = np.zeros(A.shape, int)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            g = lam * w
            v = b * v + (1.0 - b) * g
            w = w - a * (b * v + (1.0 - b) * g) if nesterov else w - a * v
            below = 0.5 * (lam * w * w).sum(axis=-1) - s.f_min < tol
            first = np.where((first < 0) & below, k, first)
            last_above = np.where(below, last_above, k)
    if not stay:
        return first
    return np.where(below, last_above + 1, -1)


def best_settings(lrs, betas, nesterov: bool = False, stay: bool = False, **kw) -> dict:
    """The ``(α, β)`` of the grid with the fewest :func:`steps_grid` steps (ties: the first
    in grid order): ``{"steps", "lr", "beta"}``."""
    counts = steps_grid(lrs, betas, nesterov=nesterov, stay=stay, **kw)
    counts = np.where(counts < 0, np.iinfo(int).max, counts)
    i, j = np.unravel_index(np.argmin(counts), counts.shape)
    return {
        "steps": int(counts[i, j]),
        "lr": float(np.asarray(lrs)[i]),
        "beta": float(np.asarray(betas)[j]),
    }


def best_rate_per_beta(betas, lrs=None, nesterov: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For each β, the smallest :func:`rate` over the α grid ``lrs`` and the α that gives it."""
    _rates("betas", betas, "beta", grid=True)
    if lrs is not None:
        _rates("lrs", lrs, "lr", grid=True)
    check_bool("nesterov", nesterov)
    lrs = np.linspace(0.005, 2.0, 400) if lrs is None else np.asarray(lrs, float)
    A, B = np.meshgrid(lrs, np.asarray(betas, float), indexing="ij")
    R = rate(A, B, nesterov=nesterov)
    k = np.argmin(R, axis=0)
    return R[k, np.arange(R.shape[1])], lrs[k]


def tuning_figure(runs: dict):
    """Left: ``J − J*`` per step on the valley for ``runs = {label: optimizer}``. Right: the
    best per-step rate over α as a function of β, for momentum and Nesterov, with gradient
    descent's best rate and the oscillation floor √β."""
    if (
        not isinstance(runs, dict)
        or not runs
        or not all(isinstance(o, Optimizer) for o in runs.values())
    ):
        raise ValueError(
            f"runs must be a non-empty dict {{label: optimizer}} of nnlab "
            f"optimizers, got {runs!r:.60}"
        )
    s = SURFACES["elongated_quadratic"]
    fig, (ax1, ax2) = new_figure(2, width=10.0, height=3.6)
    for label, opt in runs.items():
        p = run_optimizer(s, opt, steps=80, tol=TOL)
        gap = np.clip(np.asarray(p.values) - s.f_min, 1e-16, None)
        ax1.plot(np.arange(gap.size), gap, lw=1.4, label=f"{label}: {outcome(p)}")
    ax1.axhline(TOL, color="#999999", ls="--", lw=1)
    ax1.set_yscale("log")
    ax1.set_ylim(1e-6, 1e3)
    ax1.set_xlabel("step")
    ax1.set_ylabel("$J - J^*$")
    ax1.legend(frameon=False, fontsize=8)
    betas = np.linspace(0.0, 0.95, 96)
    for nesterov, name in ((False, "momentum"), (True, "Nesterov")):
        r, _ = best_rate_per_beta(betas, nesterov=nesterov)
        ax2.plot(betas, r, lw=1.6, label=f"{name}, best α for each β")
    ax2.plot(betas, np.sqrt(betas), ":", color="#666666", label="√β (oscillation floor)")
    ax2.axhline(gd_optimum()["rate"], color="#444444", ls="--", lw=1, label="GD at its best α")
    opt = momentum_optimum()
    ax2.plot(opt["beta"], opt["rate"], "k*", ms=9, label="β* (critical damping)")
    ax2.set_xlabel("β")
    ax2.set_ylabel("error factor per step")
    ax2.set_ylim(0.0, 1.0)
    ax2.legend(frameon=False, fontsize=8, loc="lower left")
    return fig
