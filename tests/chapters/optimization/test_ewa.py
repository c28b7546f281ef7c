"""Smoothing-versus-lag explorer: closed forms against sums and simulations."""

import numpy as np
import pytest

from nnlab.chapters.optimization.ewa import (
    SIGNALS,
    STEP_DAY,
    lag_noise_explorer,
    lag_noise_figure,
    mean_lag,
    noise_factor,
    rms_error,
    step_signal,
)
from nnlab.ewa import ewa


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_mean_lag_is_the_mean_age_of_the_weights(beta):
    k = np.arange(20000)
    w = (1 - beta) * beta**k
    assert mean_lag(beta) == pytest.approx(np.sum(k * w), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_noise_factor_matches_a_long_simulation(beta):
    noise = np.random.default_rng(1).standard_normal(200_000)
    v = ewa(noise, beta)[2000:]  # after the start-up
    assert np.std(v) == pytest.approx(noise_factor(beta), rel=0.03)


def test_a_clean_step_is_reached_as_one_minus_beta_to_the_n():
    # before the step the corrected average of a constant is that constant; n days after
    # it the raw average has covered a fraction 1 − β^n of the jump, and the correction
    # divides that by 1 − β^t (t = day number, so ≈ 1 this late)
    beta = 0.9
    _, _, clean = step_signal(noise=0.0)
    v = ewa(clean, beta, bias_correction=True)
    assert v[STEP_DAY - 2] == pytest.approx(10.0, rel=1e-12)
    for n in (1, 5, 10, 30):
        t = STEP_DAY - 1 + n
        expected = 10 + 10 * (1 - beta**n) / (1 - beta**t)
        assert v[t - 1] == pytest.approx(expected, rel=1e-12)
        assert v[t - 1] == pytest.approx(10 + 10 * (1 - beta**n), rel=1e-4)


def test_error_is_u_shaped_in_beta_on_the_seasonal_series():
    e = {b: rms_error(b, SIGNALS[0]) for b in (0.5, 0.85, 0.98)}
    assert e[0.85] < e[0.5] - 0.3 and e[0.85] < e[0.98] - 1.0
    # at β = 0.5 the lag is one day, so the error is almost all noise: 3 √(0.5/1.5)
    assert e[0.5] == pytest.approx(3.0 * np.sqrt(1 / 3), rel=0.1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="beta"):
        mean_lag(1.0)
    with pytest.raises(ValueError, match="signal"):
        lag_noise_figure(0.9, "tides")


def test_step_view_marks_the_mean_lag():
    fig = lag_noise_figure(0.95, SIGNALS[1])
    xs = [line.get_xdata()[0] for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    assert xs == [pytest.approx(STEP_DAY + 19.0)]


def test_defaults_render():
    assert lag_noise_explorer.png()[:4] == b"\x89PNG"
