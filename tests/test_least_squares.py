"""least_squares: gradient against finite differences, the exact GD solution against a
step-by-step run, and the stability limit α < 2/λ_max derived by hand."""
import numpy as np
import pytest

from nnlab.data import Normalizer
from nnlab.least_squares import (condition_number, gd_path, hessian, least_squares_cost,
                                 least_squares_grad, make_scaled_regression, steps_to_converge)


def test_features_have_the_requested_scales_and_means():
    X, y = make_scaled_regression(m=20000, scales=(2.0, 50.0), means=(3.0, -7.0), seed=1)
    assert X.shape == (2, 20000) and y.shape == (1, 20000)
    np.testing.assert_allclose(X.std(axis=1), [2.0, 50.0], rtol=0.03)
    assert np.all(np.abs(X.mean(axis=1) - [3.0, -7.0]) < 0.05 * np.array([2.0, 50.0]))


def test_grad_matches_centered_differences():
    X, y = make_scaled_regression(m=30, scales=(1.0, 4.0), seed=2)
    w = np.array([0.3, -0.7])
    eps = 1e-6
    num = np.array([(least_squares_cost(w + eps * e, X, y) - least_squares_cost(w - eps * e, X, y))
                    / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(least_squares_grad(w, X, y).ravel(), num, rtol=1e-6)


def test_hessian_by_hand_and_condition_number_of_a_diagonal_design():
    X = np.array([[1.0, -1.0, 1.0, -1.0], [10.0, 10.0, -10.0, -10.0]])
    # (1/m) X Xᵀ = diag(1, 100): the columns are orthogonal
    np.testing.assert_allclose(hessian(X), np.diag([1.0, 100.0]))
    assert condition_number(X) == pytest.approx(100.0)


def test_normalizing_brings_the_condition_number_near_one():
    X, _ = make_scaled_regression(m=500, scales=(1.0, 20.0), means=(5.0, 100.0), seed=0)
    assert condition_number(X) > 100
    assert condition_number(Normalizer().fit_transform(X)) < 1.5


def test_gd_diverges_above_two_over_lambda_max_and_converges_below():
    X = np.array([[1.0, -1.0, 1.0, -1.0], [10.0, 10.0, -10.0, -10.0]])
    y = np.zeros((1, 4))
    w0 = np.array([1.0, 1.0])
    assert gd_path(X, y, lr=2 / 100 * 1.05, w0=w0, steps=2000).diverged
    run = gd_path(X, y, lr=2 / 100 * 0.95, w0=w0, steps=5000)
    assert not run.diverged and run.steps is not None


def test_exact_step_count_matches_a_step_by_step_run():
    X, y = make_scaled_regression(m=100, scales=(1.0, 6.0), seed=3)
    w_star = np.linalg.lstsq(X.T, y.ravel(), rcond=None)[0]
    w0 = w_star + np.array([-2.0, 1.0])
    lrs = [0.002, 0.01, 0.04]
    exact = steps_to_converge(X, lrs, w0, w_star, tol=1e-4, max_steps=5000)
    for lr, s in zip(lrs, exact):
        run = gd_path(X, y, lr, w0, steps=5000, tol=1e-4)
        assert run.steps == s


def test_step_count_is_nan_when_the_rate_is_unstable():
    X = np.array([[1.0, -1.0], [0.0, 0.0]]) + np.array([[0.0, 0.0], [3.0, -3.0]])
    out = steps_to_converge(X, [5.0], w0=[1.0, 1.0])
    assert np.isnan(out[0])


@pytest.mark.parametrize("bad", [dict(lr=0.0), dict(lr=-1.0), dict(steps=0), dict(tol=1.5)])
def test_bad_arguments_raise_value_error_naming_them(bad):
    X, y = make_scaled_regression(m=10, seed=0)
    kwargs = dict(lr=0.1, w0=[0.0, 0.0], steps=10, tol=1e-4) | bad
    with pytest.raises(ValueError, match=list(bad)[0]):
        gd_path(X, y, **kwargs)
