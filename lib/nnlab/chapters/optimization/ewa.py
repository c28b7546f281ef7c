"""Companion of chapter II.2, *Exponentially weighted averages and bias correction*
(``chapters/optimization/02_ewa.ipynb``).

Widget for exponentially weighted averages (EWA) over a noisy year of temperatures.

Used twice: in "How to use this book" (to learn how the sliders work) and in the
optimization chapter on EWA, the idea under Momentum, RMSprop and Adam.

The left panel shows the raw daily temperatures ``θ_t``, their average ``v_t`` and,
when bias correction is on, the uncorrected ``v_t`` in grey so the start-up bias stays
visible. The right panel shows the weight each past day gets in the last plotted
average: ``(1 − β) β^k`` for the day ``k`` days back, with the window ``1/(1 − β)``
marked. Its area ``1 − β^t`` is the reason bias correction is needed.

Second widget of the chapter on exponentially weighted averages: smoothing versus lag.

The book's :data:`ewa_explorer` shows one average and its weights. This one
asks the question that picks β: how much noise does the average remove, and how far
does it lag behind the signal? Two closed forms answer it for ``v_t = β v_{t−1} +
(1 − β) θ_t`` once the start-up has faded:

- the weights ``(1 − β) β^k`` have mean age ``Σ k (1 − β) β^k = β / (1 − β)`` days:
  :func:`mean_lag`;
- independent day-to-day noise of standard deviation σ is left with standard deviation
  ``σ √((1 − β)/(1 + β))``: :func:`noise_factor`, since ``Σ ((1 − β) β^k)² =
  (1 − β)² / (1 − β²)``.

:data:`lag_noise_explorer` draws a noisy signal (a step or the seasonal temperature
curve) with its bias-corrected average, and the average's error against the true signal
for every β, so the learner sees the U-shape: small β keeps the noise, large β lags.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.checks import (
    check_beta,
    check_bool,
    check_int,
    check_option,
    check_range,
    check_seed,
)
from nnlab.data import make_temperature
from nnlab.ewa import ewa
from nnlab.explorer import Checkbox, Dropdown, Explorer, FloatSlider
from nnlab.plots import new_figure

DAYS = 365
VIEWS = {"whole year": DAYS, "first 60 days": 60}
RAW_COLOR = "#7aa6c2"
AVG_COLOR = "#c0392b"
GREY = "#8c8c8c"


@lru_cache(maxsize=1)
def temperatures() -> tuple[np.ndarray, np.ndarray]:
    """The series every view uses: day ``t = 1 … 365`` and ``θ_t`` in °C (seed 0)."""
    return make_temperature(days=DAYS, noise=3.0, seed=0)


@lru_cache(maxsize=256)
def _averages(beta: float) -> tuple[np.ndarray, np.ndarray]:
    # Keyed by β only: toggling bias correction or the view must not recompute.
    _, theta = temperatures()
    v = ewa(theta, beta)
    return v, ewa(theta, beta, bias_correction=True)


def window(beta: float) -> float:
    """How many recent values ``v_t`` mostly averages: ``1 / (1 − β)``.

    After ``1/(1 − β)`` steps a weight has shrunk by ``β^{1/(1−β)} ≈ 1/e``.
    """
    beta = check_beta("beta", beta)
    return 1.0 / (1.0 - beta)


def ewa_weights(beta: float, t: int, bias_correction: bool = False) -> np.ndarray:
    """Weight of ``θ_{t−k}`` in ``v_t`` for ``k = 0 … t−1``.

    Unrolling ``v_t = β v_{t−1} + (1 − β) θ_t`` from ``v_0 = 0`` gives
    ``v_t = Σ_{k=0}^{t−1} (1 − β) β^k θ_{t−k}``. The weights sum to ``1 − β^t``; with
    bias correction they are divided by that sum, so they add up to exactly 1.
    """
    beta = check_beta("beta", beta)
    t = check_int("t", t, low=1)
    check_bool("bias_correction", bias_correction)
    w = (1.0 - beta) * beta ** np.arange(t)
    if bias_correction:
        w = w / (1.0 - beta**t)
    return w


def ewa_figure(beta: float = 0.9, bias_correction: bool = False, view: str = "whole year"):
    """The series with its EWA (left) and the weights of the last average (right)."""
    beta = check_beta("beta", beta)
    if view not in VIEWS:
        raise ValueError(f"view must be one of {sorted(VIEWS)}, got {view!r}")
    t_end = VIEWS[view]
    days, theta = temperatures()
    v, v_hat = _averages(beta)
    shown = v_hat if bias_correction else v

    # Fixed margins: the constrained-layout solver would double the redraw time.
    fig, (ax, axw) = new_figure(
        ncols=2,
        width=10.0,
        height=3.6,
        left=0.065,
        right=0.985,
        bottom=0.14,
        top=0.91,
        wspace=0.22,
        width_ratios=[2.6, 1.0],
    )
    d = days[:t_end]
    ax.plot(
        d,
        theta[:t_end],
        ".",
        ms=3 if t_end > 100 else 5,
        color=RAW_COLOR,
        label="daily temperature $\\theta_t$",
    )
    if bias_correction:
        ax.plot(d, v[:t_end], "--", color=GREY, lw=1.2, label="$v_t$ without correction")
        label = "$v_t / (1 - \\beta^t)$, bias-corrected"
    else:
        label = "$v_t$, no bias correction"
    ax.plot(d, shown[:t_end], color=AVG_COLOR, lw=2.0, label=label)
    ax.set_xlim(0, t_end + 1)
    ax.set_ylim(min(-2.0, float(theta.min()) - 1), float(theta.max()) + 2)
    ax.set_xlabel("day $t$")
    ax.set_ylabel("°C")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    n_win = window(beta)
    ax.set_title(
        f"β = {beta:.3f}: averages about the last 1/(1 − β) ≈ {n_win:.0f} days", fontsize=10
    )

    _draw_weights(axw, beta, t_end, bias_correction, n_win)
    return fig


def _draw_weights(ax, beta: float, t_end: int, bias_correction: bool, n_win: float):
    w = ewa_weights(beta, t_end, bias_correction)
    k = np.arange(w.size)
    # Far-back weights are invisible anyway; stopping at 4 windows keeps the plot readable.
    k_max = int(min(w.size, max(10, 4 * n_win)))
    ax.fill_between(k[:k_max], w[:k_max], step="mid", color=AVG_COLOR, alpha=0.35, lw=0)
    ax.plot(k[:k_max], w[:k_max], color=AVG_COLOR, lw=1.0, drawstyle="steps-mid")
    if n_win < k_max:
        ax.axvline(n_win, color="black", lw=1.0, ls=":")
        right_half = n_win > 0.6 * k_max  # keep the label inside the panel
        ax.text(
            n_win,
            0.55,
            "1/(1 − β) " if right_half else " 1/(1 − β)",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            va="center",
            ha="right" if right_half else "left",
        )
    ax.set_xlim(-0.5, k_max)
    ax.set_ylim(0, float(w[0]) * 1.25)
    ax.set_xlabel(f"days back from day {t_end}, $k$")
    ax.set_ylabel(f"weight of $\\theta_{{{t_end}-k}}$")
    ax.set_title(f"weights in $v_{{{t_end}}}$: they add up to {w.sum():.3f}", fontsize=10)


ewa_explorer = Explorer(
    update=ewa_figure,
    controls=[
        # β near 1 is where the interesting behaviour is, but a log slider would crowd
        # 0.5 … 0.9 into nothing; a fine linear step reaches 0.999 exactly.
        FloatSlider(
            "beta",
            0.9,
            "β",
            min=0.5,
            max=0.999,
            step=0.001,
            readout_format=".3f",
            static=(0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999),
        ),
        Checkbox("bias_correction", False, "bias correction"),
        Dropdown("view", "whole year", "show", options=tuple(VIEWS)),
    ],
    title="Exponentially weighted average of a year of daily temperatures",
)


def ewa_widget():
    """The EWA explorer for a notebook cell: β slider, bias-correction toggle, zoom."""
    return ewa_explorer.build()


NOISE = 3.0
STEP_DAY, STEP_LOW, STEP_HIGH = 120, 10.0, 20.0
SIGNALS = ("seasonal temperature", "step on day 120")
BETA_GRID = 1.0 - np.geomspace(0.5, 0.001, 40)  # 0.5 … 0.999, dense near 1
SKIP = 60  # the error is measured after the start-up days, where both signals are alike


def mean_lag(beta: float) -> float:
    """Mean age of the data in ``v_t``: ``Σ_k k (1 − β) β^k = β / (1 − β)`` (days)."""
    beta = check_beta("beta", beta)
    return beta / (1.0 - beta)


def noise_factor(beta: float) -> float:
    """Std of the average of white noise over its std: ``√((1 − β) / (1 + β))``."""
    beta = check_beta("beta", beta)
    return float(np.sqrt((1.0 - beta) / (1.0 + beta)))


def step_signal(days: int = DAYS, noise: float = NOISE, seed: int = 0):
    """``θ_t = 10 °C`` before day 120 and ``20 °C`` from it on, plus ``noise · N(0, 1)``.

    Returns ``(t, theta, clean)``.
    """
    days = check_int("days", days, low=1)
    noise = check_range("noise", noise, 0, None)
    seed = check_seed("seed", seed)
    t = np.arange(1, days + 1)
    clean = np.where(t < STEP_DAY, STEP_LOW, STEP_HIGH).astype(float)
    return t, clean + noise * np.random.default_rng(seed).standard_normal(days), clean


@lru_cache(maxsize=2)
def _signal(signal: str):
    if signal == SIGNALS[0]:
        t, theta = make_temperature(days=DAYS, noise=NOISE, seed=0)
        _, clean = make_temperature(days=DAYS, noise=0.0, seed=0)
        return t, theta, clean
    if signal == SIGNALS[1]:
        return step_signal()
    raise ValueError(f"signal must be one of {SIGNALS}, got {signal!r}")


def rms_error(beta: float, signal: str = SIGNALS[0]) -> float:
    """Root-mean-square gap between the bias-corrected average and the true signal,
    over days ``SKIP + 1 … DAYS``."""
    check_option("signal", signal, SIGNALS)
    _, theta, clean = _signal(signal)
    v = ewa(theta, check_beta("beta", beta), bias_correction=True)
    return float(np.sqrt(np.mean((v[SKIP:] - clean[SKIP:]) ** 2)))


@lru_cache(maxsize=2)
def _error_curve(signal: str) -> np.ndarray:
    return np.array([rms_error(b, signal) for b in BETA_GRID])


@lru_cache(maxsize=512)
def _average(signal: str, beta: float) -> np.ndarray:
    return ewa(_signal(signal)[1], beta, bias_correction=True)


def lag_noise_figure(beta: float = 0.9, signal: str = SIGNALS[0]):
    """Left: signal, data and average. Right: error against the truth for every β."""
    beta = float(check_beta("beta", beta))
    t, theta, clean = _signal(signal)
    v = _average(signal, beta)
    fig, (ax, axe) = new_figure(2, width=10.0, height=3.6, fixed=True)  # panels placed below
    ax.set_position([0.06, 0.14, 0.52, 0.75])
    axe.set_position([0.67, 0.14, 0.31, 0.75])
    ax.plot(t, theta, ".", ms=3, color="#7aa6c2", label="data $\\theta_t$")
    ax.plot(t, clean, color="black", lw=1.2, label="true signal")
    ax.plot(t, v, color="#c0392b", lw=2.0, label="bias-corrected $v_t$")
    if signal == SIGNALS[1]:
        ax.axvline(STEP_DAY + mean_lag(beta), color="#c0392b", ls=":", lw=1.2)
    ax.set_xlim(0, DAYS + 1)
    ax.set_xlabel("day $t$")
    ax.set_ylabel("°C")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_title(
        f"β = {beta:.3f}: mean lag β/(1 − β) = {mean_lag(beta):.3g} days, "
        f"noise × {noise_factor(beta):.2f}",
        fontsize=10,
    )

    x = 1.0 - BETA_GRID
    axe.plot(x, _error_curve(signal), color="#c0392b", lw=1.5, label="total error")
    axe.plot(
        x,
        NOISE * np.sqrt(x / (2.0 - x)),
        color="#7aa6c2",
        ls="--",
        lw=1.2,
        label="noise part $\\sigma\\sqrt{(1-\\beta)/(1+\\beta)}$",
    )
    axe.plot([1.0 - beta], [rms_error(beta, signal)], "o", color="#c0392b", ms=7)
    axe.set_xscale("log")
    axe.invert_xaxis()  # β grows to the right
    axe.set_xticks([0.5, 0.1, 0.01, 0.001], ["0.5", "0.9", "0.99", "0.999"])
    axe.set_xlabel("β")
    axe.set_ylabel(f"RMS error after day {SKIP} (°C)")
    axe.set_ylim(0, None)
    axe.legend(frameon=False, fontsize=7, loc="upper left")
    axe.set_title("too little β: noise; too much: lag", fontsize=10)
    return fig


lag_noise_explorer = Explorer(
    lag_noise_figure,
    [
        FloatSlider(
            "beta",
            0.9,
            "β",
            min=0.5,
            max=0.999,
            step=0.001,
            readout_format=".3f",
            static=(0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999),
        ),
        Dropdown("signal", SIGNALS[0], "signal", options=SIGNALS),
    ],
    title="Choosing β: smoothing against lag",
    columns=2,
)


def lag_noise_widget():
    """The explorer as an ipywidgets box, for the chapter."""
    return lag_noise_explorer.build()
