"""Companion of chapter I.5, *Normalizing inputs*
(``chapters/practical/05_normalizing_inputs.ipynb``).

Gradient descent on a least-squares cost: the smallest model where input scale shows.

For a linear model ``ŷ = w·x`` (no bias; ``w`` is ``(n_x, 1)``) on ``X`` ``(n_x, m)`` and
targets ``y`` ``(1, m)``, the cost

    J(w) = (1/2m) Σ_i (wᵀx⁽ⁱ⁾ - y⁽ⁱ⁾)²

is a bowl whose curvature is the Hessian ``H = (1/m) X Xᵀ``. Its eigenvalues are the
squared scales of the input directions, so one feature a hundred times larger than
another gives a bowl ten thousand times steeper in one direction than the other. Gradient
descent ``w ← w - α ∇J`` is stable only for ``α < 2/λ_max`` and then needs about
``λ_max/λ_min`` steps to crawl along the flat direction: that ratio (the condition
number ``κ``) is what normalizing the inputs brings down to about 1.

Widgets for the chapter on normalizing inputs.

``contours_explorer``: one least-squares problem seen twice, with raw features (the
second ``ratio`` times larger than the first) and with normalized ones. The same
learning rate drives gradient descent on both bowls; a third panel shows, for every
learning rate, how many steps each needs, so the learner sees that no learning rate
rescues the raw features.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import (
    check_array,
    check_int,
    check_matrix,
    check_positive,
    check_range,
    check_seed,
)
from nnlab.data import Normalizer
from nnlab.explorer import Explorer, FloatSlider, LogSlider
from nnlab.plots import new_figure, note_on_axes, plain_log_axis, plot_contours, plot_path
from nnlab.surfaces import LIMIT, Path


def make_scaled_regression(
    m: int = 200,
    scales=(1.0, 10.0),
    means=(0.0, 0.0),
    w_true=(1.5, -1.0),
    noise: float = 0.1,
    seed: int = 0,
):
    """A regression set whose features have standard deviations ``scales`` and ``means``.

    ``x_j⁽ⁱ⁾ = means[j] + scales[j] · N(0, 1)`` and
    ``y⁽ⁱ⁾ = Σ_j w_true[j] (x_j⁽ⁱ⁾ - means[j]) / scales[j] + noise · N(0, 1)``: the target
    depends on each feature *in its own units*, so the same problem is hidden behind
    features of very different sizes. Returns ``X`` ``(n_x, m)`` and ``y`` ``(1, m)``.
    """
    m = check_int("m", m, low=2)
    scales, means, w_true = (
        check_array(name, v).reshape(-1)
        for name, v in (("scales", scales), ("means", means), ("w_true", w_true))
    )
    if not (scales.size == means.size == w_true.size):
        raise ValueError(
            "scales, means and w_true must have one entry per feature, got "
            f"{scales.size}, {means.size}, {w_true.size}"
        )
    for s in scales:
        check_positive("scales entries", s)
    noise = check_range("noise", noise, 0, None)
    rng = np.random.default_rng(check_seed("seed", seed))
    Zs = rng.standard_normal((scales.size, m))
    X = means[:, None] + scales[:, None] * Zs
    y = w_true @ Zs + noise * rng.standard_normal(m)
    return X, y.reshape(1, m)


def _check_Xy(X, y):
    X = check_matrix("X", X)
    y = check_matrix("y", y, rows=1, cols=X.shape[1], like="X")
    return X, y


def _check_w(name, w, n_x):
    w = check_array(name, w)
    if w.size != n_x or (w.ndim == 2 and 1 not in w.shape) or w.ndim > 2:
        raise ValueError(
            f"{name} must have {n_x} entries (one per feature: a row of X, "
            f"shape ({n_x}, 1)), got shape {w.shape}"
        )
    return w


def least_squares_cost(w, X, y) -> float:
    """``J(w) = (1/2m) ‖wᵀX - y‖²``."""
    X, y = _check_Xy(X, y)
    r = _check_w("w", w, X.shape[0]).reshape(1, -1) @ X - y
    return float(np.sum(r**2) / (2 * X.shape[1]))


def least_squares_grad(w, X, y) -> np.ndarray:
    """``∇J(w) = (1/m) X (Xᵀw - yᵀ)``, shape ``(n_x, 1)``."""
    X, y = _check_Xy(X, y)
    w = _check_w("w", w, X.shape[0]).reshape(-1, 1)
    return X @ (X.T @ w - y.T) / X.shape[1]


def hessian(X) -> np.ndarray:
    """``H = (1/m) X Xᵀ``: the (constant) curvature of the least-squares cost."""
    X = check_matrix("X", X)
    return X @ X.T / X.shape[1]


def condition_number(X) -> float:
    """``κ = λ_max(H) / λ_min(H)`` for ``H = (1/m) X Xᵀ``; ``inf`` if ``H`` is singular."""
    lam = np.linalg.eigvalsh(hessian(X))
    return float("inf") if lam[0] <= 0 else float(lam[-1] / lam[0])


def gd_path(X, y, lr: float, w0, steps: int = 500, tol: float = 1e-4) -> Path:
    """Run ``w ← w - α (1/m) X (Xᵀw - yᵀ)`` from ``w0`` for up to ``steps`` steps.

    Returns a :class:`nnlab.surfaces.Path`: ``points`` ``(t+1, n_x)`` the iterates,
    ``values`` the costs ``J(w_t)``, ``steps_to_tol`` the first ``t`` with
    ``J(w_t) - J* <= tol · (J(w_0) - J*)`` (``None`` if never), ``diverged`` /
    ``diverged_at`` whether and where the excess cost grew past ``LIMIT`` (1e6, the
    factor that marks a surface run as diverged) times its start.

    Stops early once the excess cost ``J(w_t) - J*`` has fallen by the factor ``tol``
    (``J*`` is the least-squares optimum) or once it has grown by ``LIMIT``, which is
    divergence: ``α > 2/λ_max(H)``. No overflow can occur, the run stops well before.
    """
    X, y = _check_Xy(X, y)
    lr = check_positive("lr", lr)
    steps = check_int("steps", steps, low=1)
    check_range("tol", tol, 0, 1, low_open=True, high_open=True)
    _check_w("w0", w0, X.shape[0])
    m = X.shape[1]
    H, g = X @ X.T / m, X @ y.T / m
    w_star = np.linalg.lstsq(X.T, y.ravel(), rcond=None)[0].reshape(-1, 1)
    J_star = least_squares_cost(w_star, X, y)
    w = np.asarray(w0, dtype=float).reshape(-1, 1).copy()
    if w.shape[0] != X.shape[0]:
        raise ValueError(f"w0 must have {X.shape[0]} entries (one per feature), got {w.shape[0]}")

    def excess(w):  # J(w) - J* = ½ (w - w*)ᵀ H (w - w*), exact for a quadratic
        d = w - w_star
        return 0.5 * (d.T @ H @ d).item()

    path, excesses = [w.ravel().copy()], [excess(w)]
    excess0 = max(excesses[0], 1e-300)
    done, diverged_at = None, None
    for t in range(1, steps + 1):
        w = w - lr * (H @ w - g)
        path.append(w.ravel().copy())
        excesses.append(excess(w))
        if excesses[-1] <= tol * excess0:
            done = t
            break
        if excesses[-1] > LIMIT * excess0:
            diverged_at = t
            break
    costs = J_star + np.array(excesses)
    return Path(
        np.array(path),
        costs,
        steps_to_tol=done,
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
    )


def steps_to_converge(X, lrs, w0, w_star=None, tol: float = 1e-4, max_steps: int = 5000):
    """For each ``α`` in ``lrs``: the first ``t`` with ``J(w_t) - J* <= tol·(J(w_0) - J*)``.

    Uses the exact solution of GD on a quadratic: in the eigenbasis of ``H`` (eigenvalues
    ``λ_k``, start offset ``c_k`` from ``w*``), ``J(w_t) - J* = ½ Σ_k λ_k c_k² (1 - αλ_k)^{2t}``.
    Returns a float array: the step count, or ``nan`` where the run diverges
    (``|1 - αλ_k| >= 1`` for some ``k`` that the start excites) or needs more than
    ``max_steps``.
    """
    X = check_matrix("X", X)
    lrs = np.atleast_1d(check_array("lrs", lrs))
    for a in lrs:
        check_positive("lrs entries", a)
    check_range("tol", tol, 0, 1, low_open=True, high_open=True)
    max_steps = check_int("max_steps", max_steps)
    w0 = _check_w("w0", w0, X.shape[0]).reshape(-1)
    w_star = (
        np.zeros_like(w0) if w_star is None else _check_w("w_star", w_star, X.shape[0]).reshape(-1)
    )
    lam, V = np.linalg.eigh(hessian(X))
    weight = 0.5 * lam * (V.T @ (w0 - w_star)) ** 2  # each direction's share of J - J*
    rate = np.abs(1.0 - lrs[:, None] * lam[None, :])  # (n_lr, n_x)
    out = np.full(lrs.size, np.nan)
    log_rate = np.log(np.maximum(rate, 1e-300))
    t = np.arange(max_steps + 1)
    for i in range(lrs.size):
        if np.any((rate[i] >= 1.0) & (weight > 0)):
            continue
        # excess(t) = Σ_k weight_k rate_k^{2t}; all terms decay, so the first crossing is it
        excess = np.exp(2 * t[:, None] * log_rate[i][None, :]) @ weight
        hit = np.nonzero(excess <= tol * weight.sum())[0]
        if hit.size:
            out[i] = hit[0]
    return out


START_OFFSET = np.array([-2.0, 1.0])  #: where GD starts, relative to the optimum ``w*``
HALF_WIDTH = 2.6  #: half the side of the box drawn around ``w*``
MAX_STEPS = 3000
TOL = 1e-4
LR_GRID = np.geomspace(1e-4, 2.0, 80)
RAW_COLOR, NORM_COLOR = "#d62728", "#1f77b4"


@lru_cache(maxsize=64)
def scaled_problem(ratio: float):
    """Raw and normalized versions of one regression set; ``ratio = σ(x₂)/σ(x₁)``.

    Returns ``{"raw": (X, y, w*, H), "normalized": (X, y, w*, H)}``.
    """
    ratio = check_range("ratio", ratio, 1e-3, 1e3)
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
    return {
        name: steps_to_converge(
            Xs, LR_GRID, w_star + START_OFFSET, w_star, tol=TOL, max_steps=MAX_STEPS
        )
        for name, (Xs, _, w_star, _) in prob.items()
    }


def _bowl(H, w_star):
    """The excess cost ``½ (w - w*)ᵀ H (w - w*)`` as a vectorized ``f(w1, w2)``."""

    def f(a, b):
        d1, d2 = a - w_star[0], b - w_star[1]
        return 0.5 * (H[0, 0] * d1**2 + 2 * H[0, 1] * d1 * d2 + H[1, 1] * d2**2)

    return f


def _panel(ax, name, prob, lr, color):
    Xs, y, w_star, H = prob
    box = [(w_star[k] - HALF_WIDTH, w_star[k] + HALF_WIDTH) for k in range(2)]
    plot_contours(ax, _bowl(H, w_star), box[0], box[1], levels=12, resolution=60)
    run = gd_path(Xs, y, lr, w_star + START_OFFSET, steps=MAX_STEPS, tol=TOL)
    # a diverging path leaves the box and grows without bound: draw it up to its first exit
    lo, hi = np.array([b[0] for b in box]), np.array([b[1] for b in box])
    outside = np.nonzero(np.any((run.points < lo) | (run.points > hi), axis=1))[0]
    pts = run.points[: outside[0] + 1] if outside.size else run.points
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
    elif run.steps_to_tol is None:
        status = f"not done in {MAX_STEPS} steps"
    else:
        status = f"converged in {run.steps_to_tol} steps"
    ax.set_title(f"{name} (κ = {kappa:.0f}): {status}", fontsize=9)
    return run


def contours_figure(ratio: float = 10.0, lr: float = 0.015):
    """Left/middle: GD on the raw and normalized bowls. Right: steps against ``α``."""
    prob = scaled_problem(round(float(ratio), 3))
    fig, (ax_raw, ax_norm, ax_steps) = new_figure(
        ncols=3, width=11.0, height=3.7, left=0.05, right=0.995, bottom=0.13, top=0.94, wspace=0.25
    )
    _panel(ax_raw, "raw", prob["raw"], lr, RAW_COLOR)
    _panel(ax_norm, "normalized", prob["normalized"], lr, NORM_COLOR)
    curves = steps_curves(round(float(ratio), 3))
    for name, color in (("raw", RAW_COLOR), ("normalized", NORM_COLOR)):
        s = curves[name]
        ok = np.isfinite(s)
        if ok.any():
            ax_steps.plot(
                LR_GRID[ok],
                s[ok],
                color=color,
                lw=1.5,
                label=f"{name} (best {int(np.nanmin(s))} steps)",
            )
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
    [
        FloatSlider(
            "ratio",
            10.0,
            min=1.0,
            max=30.0,
            step=0.5,
            readout_format=".1f",
            description="scale ratio σ(x₂)/σ(x₁)",
        ),
        LogSlider(
            "lr",
            0.015,
            min=1e-4,
            max=2.0,
            step=0.1,
            readout_format=".4f",
            description="learning rate α",
        ),
    ],
    title="Gradient descent on raw and normalized features",
    columns=2,
)


def normalization_widget():
    """The raw-versus-normalized contours explorer, ready to display."""
    return contours_explorer.build()
