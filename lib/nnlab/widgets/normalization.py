"""Widgets for the chapter on normalizing inputs.

``contours_explorer``: one least-squares problem seen twice, with raw features (the
second ``ratio`` times larger than the first) and with normalized ones. The same
learning rate drives gradient descent on both bowls; a third panel shows, for every
learning rate, how many steps each needs, so the learner sees that no learning rate
rescues the raw features.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data import Normalizer
from ..least_squares import condition_number, gd_path, hessian, make_scaled_regression, \
    steps_to_converge
from ..plots import plain_log_axis, plot_contours, plot_path
from . import Explorer, FloatSlider, LogSlider, new_figure, note_on_axes

START_OFFSET = np.array([-2.0, 1.0])  #: where GD starts, relative to the optimum ``w*``
HALF_WIDTH = 2.6                      #: half the side of the box drawn around ``w*``
MAX_STEPS = 3000
TOL = 1e-4
LR_GRID = np.geomspace(1e-4, 2.0, 80)
RAW_COLOR, NORM_COLOR = "#d62728", "#1f77b4"


@lru_cache(maxsize=64)
def scaled_problem(ratio: float):
    """Raw and normalized versions of one regression set; ``ratio = σ(x₂)/σ(x₁)``.

    Returns ``{"raw": (X, y, w*, H), "normalized": (X, y, w*, H)}``.
    """
    X, y = make_scaled_regression(m=200, scales=(1.0, ratio), means=(0.0, 0.0), seed=0)
    out = {}
    for name, Xs in (("raw", X), ("normalized", Normalizer().fit_transform(X))):
        w_star = np.linalg.lstsq(Xs.T, y.ravel(), rcond=None)[0]
        out[name] = (Xs, y, w_star, hessian(Xs))
    return out


@lru_cache(maxsize=64)
def steps_curves(ratio: float):
    """Steps to converge against the learning rate (``LR_GRID``), raw and normalized."""
    prob = scaled_problem(ratio)
    return {name: steps_to_converge(Xs, LR_GRID, w_star + START_OFFSET, w_star, tol=TOL,
                                    max_steps=MAX_STEPS)
            for name, (Xs, _, w_star, _) in prob.items()}


def _bowl(H, w_star):
    """The excess cost ``½ (w - w*)ᵀ H (w - w*)`` as a vectorized ``f(w1, w2)``."""
    def f(a, b):
        d1, d2 = a - w_star[0], b - w_star[1]
        return 0.5 * (H[0, 0] * d1 ** 2 + 2 * H[0, 1] * d1 * d2 + H[1, 1] * d2 ** 2)
    return f


def _panel(ax, name, prob, lr, color):
    Xs, y, w_star, H = prob
    box = [(w_star[k] - HALF_WIDTH, w_star[k] + HALF_WIDTH) for k in range(2)]
    plot_contours(ax, _bowl(H, w_star), box[0], box[1], levels=12, resolution=60)
    run = gd_path(Xs, y, lr, w_star + START_OFFSET, steps=MAX_STEPS, tol=TOL)
    # a diverging path leaves the box and grows without bound: draw it up to its first exit
    lo, hi = np.array([b[0] for b in box]), np.array([b[1] for b in box])
    outside = np.nonzero(np.any((run.path < lo) | (run.path > hi), axis=1))[0]
    pts = run.path[: outside[0] + 1] if outside.size else run.path
    plot_path(ax, pts, color=color)
    ax.set_aspect("equal")
    ax.locator_params(nbins=4)
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    kappa = condition_number(Xs)
    if run.diverged:
        status = "diverged"
        note_on_axes(ax, f"diverged: α = {lr:.3g} > 2/λ_max = {2 / np.linalg.eigvalsh(H)[-1]:.3g}")
    elif run.steps is None:
        status = f"not done in {MAX_STEPS} steps"
    else:
        status = f"converged in {run.steps} steps"
    ax.set_title(f"{name} (κ = {kappa:.0f}): {status}", fontsize=9)
    return run


def contours_figure(ratio: float = 10.0, lr: float = 0.015):
    """Left/middle: GD on the raw and normalized bowls. Right: steps against ``α``."""
    prob = scaled_problem(round(float(ratio), 3))
    fig, (ax_raw, ax_norm, ax_steps) = new_figure(ncols=3, width=11.0, height=3.7)
    _panel(ax_raw, "raw", prob["raw"], lr, RAW_COLOR)
    _panel(ax_norm, "normalized", prob["normalized"], lr, NORM_COLOR)
    curves = steps_curves(round(float(ratio), 3))
    for name, color in (("raw", RAW_COLOR), ("normalized", NORM_COLOR)):
        s = curves[name]
        ok = np.isfinite(s)
        if ok.any():
            ax_steps.plot(LR_GRID[ok], s[ok], color=color, lw=1.5,
                          label=f"{name} (best {int(np.nanmin(s))} steps)")
    ax_steps.axvline(lr, color="#444444", ls="--", lw=1, label=f"α = {lr:.3g}")
    ax_steps.set_xscale("log")
    ax_steps.set_yscale("log")
    plain_log_axis(ax_steps.xaxis, numticks=6)
    plain_log_axis(ax_steps.yaxis, numticks=6)
    ax_steps.set_ylim(1, MAX_STEPS * 1.5)
    ax_steps.set_xlabel("learning rate α")
    ax_steps.set_ylabel("steps to converge")
    ax_steps.set_title("missing curve = diverges or needs > 3000 steps", fontsize=8)
    ax_steps.legend(frameon=False, fontsize=8, loc="upper right")
    return fig


contours_explorer = Explorer(
    contours_figure,
    [FloatSlider("ratio", 10.0, min=1.0, max=30.0, step=0.5, readout_format=".1f",
                 description="scale ratio σ(x₂)/σ(x₁)"),
     LogSlider("lr", 0.015, min=1e-4, max=2.0, step=0.1, readout_format=".4f",
               description="learning rate α")],
    title="Gradient descent on raw and normalized features", columns=2)


def normalization_widget():
    """The raw-versus-normalized contours explorer, ready to display."""
    return contours_explorer.build()
