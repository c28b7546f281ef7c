"""The EWA explorer of "How to use this book": weights by hand, the window, the figure."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.chapters.optimization.ewa import (
    ewa_explorer,
    ewa_figure,
    ewa_weights,
    temperatures,
    window,
)
from nnlab.ewa import ewa


def test_weights_by_hand():
    # beta = 0.5, t = 3: (1 - beta) beta^k = 0.5, 0.25, 0.125; sum 1 - 0.5^3 = 0.875
    np.testing.assert_allclose(ewa_weights(0.5, 3), [0.5, 0.25, 0.125], rtol=1e-15)
    np.testing.assert_allclose(
        ewa_weights(0.5, 3, bias_correction=True), np.array([0.5, 0.25, 0.125]) / 0.875, rtol=1e-15
    )


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98, 0.999])
def test_weights_reproduce_the_recursion(beta):
    """Σ_k w_k θ_{t−k} is v_t from the recursion (an independent route to the same number)."""
    _, theta = temperatures()
    t = 40
    w = ewa_weights(beta, t)
    assert w @ theta[:t][::-1] == pytest.approx(ewa(theta[:t], beta)[-1], rel=1e-12)
    assert w.sum() == pytest.approx(1 - beta**t, rel=1e-12)


def test_window_and_its_e_folding():
    assert window(0.9) == pytest.approx(10.0)
    assert window(0.98) == pytest.approx(50.0)
    # after one window a weight has shrunk by about 1/e (0.349 at beta = 0.9)
    assert 0.9 ** window(0.9) == pytest.approx(np.exp(-1), abs=0.02)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="beta"):
        ewa_figure(beta=1.0)
    with pytest.raises(ValueError, match="view"):
        ewa_figure(view="a decade")
    with pytest.raises(ValueError, match="t must"):
        ewa_weights(0.9, 0)


def test_controls_cover_the_asked_range_without_a_log_slider():
    beta = next(c for c in ewa_explorer.controls if c.name == "beta")
    assert type(beta).__name__ == "FloatSlider"
    assert (beta.min, beta.max) == (0.5, 0.999) and beta.step <= 0.001
    assert {c.name for c in ewa_explorer.controls} == {"beta", "bias_correction", "view"}


def test_figure_shows_the_uncorrected_curve_only_when_correcting():
    plain = ewa_figure(beta=0.98, bias_correction=False)
    corrected = ewa_figure(beta=0.98, bias_correction=True)
    assert len(corrected.axes[0].lines) == len(plain.axes[0].lines) + 1
    assert "50 days" in plain.axes[0].get_title()
