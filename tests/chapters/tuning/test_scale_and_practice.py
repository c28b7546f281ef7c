"""Where the scale explorer's draws land: decade edges and shares by hand."""

import numpy as np
import pytest

from nnlab.chapters.tuning import scale_and_practice as sc


def test_alpha_decades_by_hand():
    assert np.allclose(sc.alpha_decades(1e-4), [1e-4, 1e-3, 1e-2, 1e-1, 1])
    assert np.allclose(sc.alpha_decades(3e-3), [3e-3, 1e-2, 1e-1, 1])


def test_beta_decades_by_hand():
    assert np.allclose(sc.beta_decades(0.9), [0.9, 0.99, 0.999])
    assert np.allclose(sc.beta_decades(0.0), [0.0, 0.9, 0.99, 0.999])
    assert np.allclose(sc.beta_decades(0.95), [0.95, 0.99, 0.999])


def test_draws_stay_in_range():
    for on_scale in (False, True):
        a = sc.draw(1e-6, 1.0, "log", on_scale, 500)
        b = sc.draw(0.0, sc.BETA_HIGH, "beta", on_scale, 500)
        assert a.min() >= 1e-6 and a.max() <= 1.0
        assert b.min() >= 0.0 and b.max() <= sc.BETA_HIGH


@pytest.mark.parametrize(
    "on_scale, expected", [(False, [0.0001, 0.0009, 0.009, 0.09, 0.9]), (True, [0.2] * 5)]
)
def test_share_per_decade_matches_the_formula(on_scale, expected):
    # uniform on [1e-5, 1]: share of [a, b] is (b - a) / (1 - 1e-5); log scale: 1/5 each
    a = sc.draw(1e-5, 1.0, "log", on_scale, 20000, seed=3)
    share = sc.decade_counts(a, sc.alpha_decades(1e-5)) / a.size
    assert np.allclose(share, expected, atol=0.012)


def test_beta_share_above_099():
    # uniform in [0.9, 0.999]: 0.009/0.099 above 0.99; 1 - 10^r: one half
    uni = sc.draw(0.9, 0.999, "beta", False, 20000, seed=4)
    log = sc.draw(0.9, 0.999, "beta", True, 20000, seed=4)
    assert np.mean(uni > 0.99) == pytest.approx(0.009 / 0.099, abs=0.01)
    assert np.mean(log > 0.99) == pytest.approx(0.5, abs=0.015)
