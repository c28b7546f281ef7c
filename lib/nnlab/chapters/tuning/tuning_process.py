"""Companion of chapter III.1, *The tuning process*
(``chapters/tuning/01_tuning_process.ipynb``).

Widget for the chapter on the tuning process: grid search against random search.

``search_explorer``: the same budget of trials spent as a ``k × k`` grid or as random
draws over a made-up dev error in α and Adam's ε (both on a log scale), where one, the
other or both hyperparameters matter. Left and middle: where each method's trials land,
over the error's contours. Right: the error along the important axis, with a tick for
every distinct value each method tried and the best error each found.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import (
    check_array,
    check_int,
    check_option,
    check_seed,
)
from nnlab.explorer import Dropdown, Explorer, IntSlider
from nnlab.plots import new_figure
from nnlab.tuning import Param, grid_search, random_search

SEARCH_SPACE = {"lr": Param(1e-4, 1.0, "log"), "epsilon": Param(1e-10, 1e-6, "log")}


# weight of α and of ε in the dev error, for each "which one matters" setting
IMPORTANCE = {
    "α matters, ε does not": (1.0, 0.03),
    "both matter equally": (0.5, 0.5),
    "ε matters, α does not": (0.03, 1.0),
}


BEST_R = (-2.14, -8.14)  # log10 of the best α and ε: deliberately between grid lines


WIDTH = 0.25  # how sharp the valley is, in decades


def response_surface(lr, epsilon, matters: str = "α matters, ε does not"):
    """A made-up dev error over ``α`` and ``ε`` (both log scale), with minimum 0.05.

    With ``r₁ = log10 α``, ``r₂ = log10 ε`` and importance weights ``(w₁, w₂)`` from
    ``IMPORTANCE[matters]``:
    ``error = 0.05 + 0.4 [w₁ (1 - e^{-(r₁ - r₁*)² / 2s²}) + w₂ (1 - e^{-(r₂ - r₂*)² / 2s²})]``
    with ``s = 0.25`` decades. Broadcasts over arrays.
    """
    check_option("matters", matters, IMPORTANCE)
    w1, w2 = IMPORTANCE[matters]
    lr, epsilon = check_array("lr", lr), check_array("epsilon", epsilon)
    for name, v in (("lr", lr), ("epsilon", epsilon)):
        if np.any(v <= 0):
            raise ValueError(f"{name} must be > 0 (it is read on a log scale), got min {v.min():g}")
    r1 = np.log10(lr)
    r2 = np.log10(epsilon)
    miss1 = 1 - np.exp(-((r1 - BEST_R[0]) ** 2) / (2 * WIDTH**2))
    miss2 = 1 - np.exp(-((r2 - BEST_R[1]) ** 2) / (2 * WIDTH**2))
    return 0.05 + 0.4 * (w1 * miss1 + w2 * miss2)


def compare_grid_random(n_per_dim: int, matters: str = "α matters, ε does not", seed: int = 0):
    """Grid search with ``n_per_dim²`` trials and random search with as many, on
    :func:`response_surface`. Returns ``(grid_results, random_results)`` (best first)."""
    n_per_dim = check_int("n_per_dim", n_per_dim, low=1, high=1000)
    check_option("matters", matters, IMPORTANCE)
    seed = check_seed("seed", seed)

    def objective(lr, epsilon):
        return float(response_surface(lr, epsilon, matters))

    grid = grid_search(objective, SEARCH_SPACE, n_per_dim)
    rand = random_search(objective, SEARCH_SPACE, n_per_dim**2, seed=seed)
    return grid, rand


BUDGETS = (4, 9, 16, 25, 36, 49, 64)
GRID_COLOR, RANDOM_COLOR = "#1f77b4", "#d62728"


@lru_cache(maxsize=4)
def surface_grid(matters: str, resolution: int = 80):
    """``log10 α``, ``log10 ε`` meshes and the error on them, for the contour plots."""
    check_option("matters", matters, IMPORTANCE)
    resolution = check_int("resolution", resolution, low=2, high=2000)
    r1 = np.linspace(*SEARCH_SPACE["lr"].r_bounds, resolution)
    r2 = np.linspace(*SEARCH_SPACE["epsilon"].r_bounds, resolution)
    R1, R2 = np.meshgrid(r1, r2)
    return R1, R2, response_surface(10.0**R1, 10.0**R2, matters)


def important_axis(matters: str) -> str:
    """The hyperparameter with the larger weight (``"lr"`` when both weigh the same)."""
    check_option("matters", matters, IMPORTANCE)
    w1, w2 = IMPORTANCE[matters]
    return "epsilon" if w2 > w1 else "lr"


def search_figure(n_trials: int = 36, matters: str = "α matters, ε does not", seed: int = 0):
    """Grid vs random trials on the surface, and the profile along the important axis."""
    k = int(round(np.sqrt(int(n_trials))))
    grid, rand = compare_grid_random(k, matters, int(seed))
    R1, R2, E = surface_grid(matters)
    fig, (ax1, ax2, ax3) = new_figure(
        ncols=3,
        width=11.0,
        height=3.5,
        left=0.071,
        right=0.995,
        bottom=0.14,
        top=0.936,
        wspace=0.225,
    )
    for ax, res, name, color in (
        (ax1, grid, f"grid {k} × {k}", GRID_COLOR),
        (ax2, rand, f"random, {k * k} trials", RANDOM_COLOR),
    ):
        # imshow, not contourf: a third of the drawing time, same picture
        ax.imshow(
            E,
            origin="lower",
            extent=(R1.min(), R1.max(), R2.min(), R2.max()),
            cmap="Greys_r",
            aspect="auto",
            vmin=0.05,
            vmax=0.45,
        )
        r1 = np.log10(res.column("lr"))
        r2 = np.log10(res.column("epsilon"))
        ax.scatter(r1, r2, s=18, color=color, edgecolors="white", linewidths=0.5)
        ax.plot(r1[0], r2[0], marker="*", ms=13, color="gold", mec="black")
        ax.set_title(f"{name}: best error {res.best['score']:.3f}", fontsize=9)
        ax.set_xlabel("log₁₀ α")
    ax1.set_ylabel("log₁₀ ε")

    key = important_axis(matters)
    r_best = BEST_R[0] if key == "lr" else BEST_R[1]
    lo, hi = SEARCH_SPACE[key].r_bounds
    r = np.linspace(lo, hi, 300)
    other = 10.0 ** (BEST_R[1] if key == "lr" else BEST_R[0])
    profile = (
        response_surface(10.0**r, other, matters)
        if key == "lr"
        else response_surface(other, 10.0**r, matters)
    )
    ax3.plot(r, profile, color="#444444", lw=1.2, label="error (other one at its best)")
    for res, color, y, name in (
        (grid, GRID_COLOR, 0.50, "grid"),
        (rand, RANDOM_COLOR, 0.55, "random"),
    ):
        tried = np.unique(np.round(np.log10(res.column(key)), 6))
        ax3.plot(
            tried,
            np.full(tried.size, y),
            "|",
            ms=9,
            mew=1.5,
            color=color,
            label=f"{name}: {tried.size} distinct values",
        )
        ax3.axhline(res.best["score"], color=color, ls="--", lw=1)
        ax3.text(
            hi,
            res.best["score"],
            f"best {name} {res.best['score']:.3f}",
            color=color,
            ha="right",
            va="bottom",
            fontsize=7,
        )
    ax3.axvline(r_best, color="gold", lw=1)
    ax3.set_ylim(0.0, 0.75)
    ax3.set_xlabel("log₁₀ α" if key == "lr" else "log₁₀ ε")
    ax3.set_ylabel("dev error")
    ax3.set_title("values tried of the parameter that matters most", fontsize=9)
    ax3.legend(frameon=False, fontsize=7, loc="upper left", ncols=1)
    return fig


search_explorer = Explorer(
    search_figure,
    [
        Dropdown("n_trials", 36, options=BUDGETS, description="budget of trials"),
        Dropdown(
            "matters",
            "α matters, ε does not",
            options=tuple(IMPORTANCE),
            description="what matters",
        ),
        IntSlider("seed", 0, min=0, max=9, description="random seed"),
    ],
    title="Grid search or random search, with the same budget",
)


def search_widget():
    """Budget, which hyperparameter matters and seed → grid vs random trials."""
    return search_explorer.build()
