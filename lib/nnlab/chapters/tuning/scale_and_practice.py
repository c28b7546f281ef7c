"""Companion of chapter III.2, *Using an appropriate scale, and tuning in practice*
(``chapters/tuning/02_scale_and_practice.ipynb``).

Widget for the chapter on choosing the scale of a hyperparameter search.

``scale_explorer``: ``n_trials`` draws of a learning rate ``α ∈ [alpha_low, 1]`` and of an
averaging coefficient ``β ∈ [beta_low, 0.999]``, either uniformly on the raw value or on
the right scale (``log10 α`` uniform; ``log10(1 − β)`` uniform). Each panel shows where
the draws land and how many fall in each decade, i.e. how the budget is shared.
"""

from __future__ import annotations

import math

import numpy as np

from nnlab.checks import (
    check_array,
    check_bool,
    check_int,
    check_option,
    check_range,
    check_seed,
)
from nnlab.explorer import Dropdown, Explorer, FloatSlider, IntSlider, LogSlider
from nnlab.plots import new_figure, plain_log_axis
from nnlab.tuning import Param

SCALE_OPTIONS = ("uniform on the value", "log scale (α) / 1 − 10^r (β)")
BETA_HIGH = 0.999


def draw(low: float, high: float, kind: str, on_scale: bool, n: int, seed: int = 0):
    """``n`` values in ``[low, high]``: uniform in the value, or uniform in the search
    coordinate ``r`` of ``kind`` (``"log"``: ``r = log10 v``; ``"beta"``: ``r = log10(1 − v)``)."""
    check_option("kind", kind, ("log", "beta"))
    check_bool("on_scale", on_scale)
    n = check_int("n", n)
    seed = check_seed("seed", seed)
    return Param(low, high, kind if on_scale else "linear").sample(n, np.random.default_rng(seed))


def decade_counts(values, edges):
    """How many of ``values`` fall in each interval ``[edges[i], edges[i+1])`` (last closed)."""
    values = check_array("values", values, allow_empty=True)
    edges = check_array("edges", edges)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be an increasing list of at least 2 numbers, got {edges!r}")
    counts, _ = np.histogram(values, bins=edges)
    return counts


def alpha_decades(low: float):
    """Decade edges covering ``[low, 1]``: ``low, 10^⌈log10 low⌉, …, 1``."""
    low = check_range("low", low, 0, 1, low_open=True, high_open=True)
    first = math.ceil(math.log10(low) - 1e-12)
    edges = [low] + [10.0**k for k in range(first, 1) if 10.0**k > low * (1 + 1e-9)]
    return np.array(edges)


def beta_decades(low: float):
    """Edges in ``β`` where ``1/(1 − β)`` (the averaging window) passes a power of ten,
    from ``low`` to 0.999."""
    low = check_range("low", low, 0, BETA_HIGH, high_open=True)
    top = -math.log10(1 - low)  # window 10^top at low
    ks = [k for k in range(1, 4) if k > top + 1e-9]
    return np.array([low] + [1 - 10.0**-k for k in ks])


def _tick_label(v: float) -> str:
    return f"{v:.0e}" if v < 0.01 else f"{v:g}"


def _decade_panel(ax, values, edges, n, color):
    """One bar per interval of ``edges`` (its share of the trials, count on top) over a
    log axis, with a tick under it for every draw."""
    counts = decade_counts(values, edges)
    lefts, rights = edges[:-1], edges[1:]
    ax.bar(
        lefts,
        counts / n,
        width=rights - lefts,
        align="edge",
        color=color,
        alpha=0.35,
        edgecolor=color,
    )
    for lo, hi, k in zip(lefts, rights, counts):
        ax.text(np.sqrt(lo * hi), k / n + 0.02, f"{k}", ha="center", fontsize=8)
    ax.plot(values, np.full(len(values), -0.05), "|", color=color, ms=8, alpha=0.7)
    ax.set_ylim(-0.1, 1.12)
    ax.set_ylabel("share of trials per decade")
    return counts


def scale_figure(
    alpha_low: float = 1e-4,
    beta_low: float = 0.9,
    scale: str = SCALE_OPTIONS[0],
    n_trials: int = 50,
):
    """Where α and β draws land (ticks) and the share of trials per decade (bars)."""
    on_scale = scale == SCALE_OPTIONS[1]
    n = int(n_trials)
    a = draw(alpha_low, 1.0, "log", on_scale, n, seed=0)
    b = draw(beta_low, BETA_HIGH, "beta", on_scale, n, seed=1)
    fig, (ax_a, ax_b) = new_figure(
        ncols=2,
        width=10.0,
        height=3.4,
        left=0.057,
        right=0.99,
        bottom=0.145,
        top=0.935,
        wspace=0.15,
    )

    ax_a.set_xscale("log")
    plain_log_axis(ax_a.xaxis, numticks=8, fmt=_tick_label)
    _decade_panel(ax_a, a, alpha_decades(alpha_low), n, "#1f77b4")
    ax_a.set_xlim(alpha_low / 1.2, 1.2)
    ax_a.set_xlabel("α")
    ax_a.set_title(
        f"{n} draws of α in [{alpha_low:.0e}, 1], {'log scale' if on_scale else 'uniform'}",
        fontsize=9,
    )

    # plot 1 − β on a log axis, reversed so that β grows to the right
    ax_b.set_xscale("log")
    plain_log_axis(ax_b.xaxis, numticks=8, fmt=_tick_label)
    _decade_panel(ax_b, 1 - b, (1 - beta_decades(beta_low))[::-1], n, "#d62728")
    ax_b.set_xlim((1 - beta_low) * 1.2, (1 - BETA_HIGH) / 1.2)
    ax_b.set_xlabel("1 − β   (the average spans ≈ 1/(1 − β) steps)")
    ax_b.set_title(
        f"{n} draws of β in [{beta_low:.3g}, {BETA_HIGH}], {'1 − 10^r' if on_scale else 'uniform'}",
        fontsize=9,
    )
    return fig


scale_explorer = Explorer(
    scale_figure,
    [
        LogSlider(
            "alpha_low",
            1e-4,
            min=1e-6,
            max=1e-1,
            step=1.0,
            readout_format=".0e",
            description="lowest α",
        ),
        FloatSlider("beta_low", 0.9, min=0.0, max=0.99, step=0.01, description="lowest β"),
        Dropdown("scale", SCALE_OPTIONS[0], options=SCALE_OPTIONS, description="sample"),
        IntSlider("n_trials", 50, min=10, max=200, step=10, description="trials"),
    ],
    title="Where do the trials land?",
)


def scale_widget():
    """Range and sampling scale of α and β → where the trials land."""
    return scale_explorer.build()
