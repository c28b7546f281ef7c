"""critical_points: classification by curvature signs, GOE sampling, FD Hessians."""
import numpy as np
import pytest

from nnlab.critical_points import classify, fraction_minima, hessian_2d, random_hessians


def test_classify_by_signs():
    assert classify([1.0, 2.0]) == "minimum"
    assert classify([-1.0, -0.5]) == "maximum"
    assert classify([-1.0, 3.0]) == "saddle"
    assert classify([0.0, 3.0]) == "degenerate"
    with pytest.raises(ValueError, match="tol"):
        classify([1.0], tol=0.0)


def test_random_hessians_are_symmetric_with_goe_variances():
    H = random_hessians(4, 20000, seed=1)
    assert H.shape == (20000, 4, 4)
    assert np.allclose(H, np.swapaxes(H, 1, 2))
    # (A + Aᵀ)/√2: off-diagonal variance 1, diagonal variance 2
    assert abs(H[:, 0, 1].var() - 1.0) < 0.05
    assert abs(H[:, 2, 2].var() - 2.0) < 0.1


def test_fraction_minima_one_dimension_is_a_coin_flip_and_falls_with_n():
    assert abs(fraction_minima(1, samples=40000, seed=2) - 0.5) < 0.01
    # 2x2 GOE: P(both eigenvalues > 0) = (1 - 1/√2)/2 ≈ 0.146 (known closed form)
    assert abs(fraction_minima(2, samples=40000, seed=3) - (1 - 2 ** -0.5) / 2) < 0.01
    assert fraction_minima(4, seed=4) < fraction_minima(3, seed=4) < 0.125


def test_hessian_2d_matches_a_hand_derived_quadratic():
    # f = x² + 3xy − 2y²: H = [[2, 3], [3, −4]]
    grad = lambda x, y: (2 * x + 3 * y, 3 * x - 4 * y)
    assert np.allclose(hessian_2d(grad, 0.7, -1.2), [[2, 3], [3, -4]], atol=1e-6)
    with pytest.raises(ValueError, match="h"):
        hessian_2d(grad, 0, 0, h=0)
