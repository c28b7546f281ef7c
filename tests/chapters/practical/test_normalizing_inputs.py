"""least_squares: gradient against finite differences, the exact GD solution against a
step-by-step run, and the stability limit α < 2/λ_max derived by hand.

The normalizing-inputs widget: titles and notes say what the maths says.
"""

import numpy as np
import pytest

from nnlab.chapters.practical.normalizing_inputs import (
    condition_number,
    contours_explorer,
    gd_path,
    hessian,
    least_squares_cost,
    least_squares_grad,
    make_scaled_regression,
    scaled_problem,
    steps_to_converge,
)
from nnlab.data import Normalizer


def test_features_have_the_requested_scales_and_means():
    X, y = make_scaled_regression(m=20000, scales=(2.0, 50.0), means=(3.0, -7.0), seed=1)
    assert X.shape == (2, 20000) and y.shape == (1, 20000)
    np.testing.assert_allclose(X.std(axis=1), [2.0, 50.0], rtol=0.03)
    assert np.all(np.abs(X.mean(axis=1) - [3.0, -7.0]) < 0.05 * np.array([2.0, 50.0]))


def test_grad_matches_centered_differences():
    X, y = make_scaled_regression(m=30, scales=(1.0, 4.0), seed=2)
    w = np.array([0.3, -0.7])
    eps = 1e-6
    num = np.array(
        [
            (least_squares_cost(w + eps * e, X, y) - least_squares_cost(w - eps * e, X, y))
            / (2 * eps)
            for e in np.eye(2)
        ]
    )
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
    assert not run.diverged and run.steps_to_tol is not None


def test_exact_step_count_matches_a_step_by_step_run():
    X, y = make_scaled_regression(m=100, scales=(1.0, 6.0), seed=3)
    w_star = np.linalg.lstsq(X.T, y.ravel(), rcond=None)[0]
    w0 = w_star + np.array([-2.0, 1.0])
    lrs = [0.002, 0.01, 0.04]
    exact = steps_to_converge(X, lrs, w0, w_star, tol=1e-4, max_steps=5000)
    for lr, s in zip(lrs, exact):
        run = gd_path(X, y, lr, w0, steps=5000, tol=1e-4)
        assert run.steps_to_tol == s


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


def _titles(fig):
    return [ax.get_title() for ax in fig.axes]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_raw_bowl_is_ratio_squared_more_elongated_than_the_normalized_one():
    prob = scaled_problem(10.0)
    lam_raw = np.linalg.eigvalsh(prob["raw"][3])
    lam_norm = np.linalg.eigvalsh(prob["normalized"][3])
    assert 50 < lam_raw[-1] / lam_raw[0] < 200  # about 10² (sampling noise)
    assert lam_norm[-1] / lam_norm[0] < 1.5


def test_a_rate_the_normalized_bowl_takes_in_its_stride_makes_the_raw_one_diverge():
    fig = contours_explorer.figure(ratio=10.0, lr=0.5)
    raw, norm = _titles(fig)[:2]
    assert "diverged" in raw and "converged in" in norm
    assert any(t.startswith("diverged: α = 0.5") for t in _texts(fig))


def test_equal_features_behave_alike():
    fig = contours_explorer.figure(ratio=1.0, lr=0.5)
    raw, norm = _titles(fig)[:2]
    assert "converged in" in raw and "converged in" in norm
    assert not _texts(fig)


def test_the_best_raw_step_count_in_the_legend_is_far_above_the_normalized_one():
    fig = contours_explorer.figure(ratio=20.0, lr=0.001)
    legend = [t.get_text() for t in fig.axes[2].get_legend().get_texts()]
    best = {s.split(" ")[0]: int(s.split("best ")[1].split(" ")[0]) for s in legend if "best" in s}
    assert best["raw"] > 50 * best["normalized"]
