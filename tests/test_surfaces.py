"""Surfaces (gradients against finite differences, minima, saddles, plateau) and
run_optimizer (convergence with a hand-derived step count, divergence without warnings)."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.optimizers import SGD, Adam, Momentum
from nnlab.surfaces import (
    LIMIT,
    SURFACES,
    Path,
    Surface,
    elongated_quadratic,
    plateau,
    rosenbrock,
    run_optimizer,
    saddle,
    saddle_plateau,
)

NAMES = sorted(SURFACES)


def _fd(surface, x, y, h=1e-6):
    return (
        (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h),
        (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h),
    )


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name):
    s = SURFACES[name]
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = s.bounds
    for x, y in zip(rng.uniform(x0, x1, 25), rng.uniform(y0, y1, 25)):
        gx, gy = s.grad(x, y)
        fx, fy = _fd(s, x, y)
        scale = 1 + abs(fx) + abs(fy)
        assert abs(gx - fx) < 1e-6 * scale and abs(gy - fy) < 1e-6 * scale, (name, x, y)


@pytest.mark.parametrize("name", NAMES)
def test_vectorized_and_minimum_is_lowest(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.bounds
    xx, yy = np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 251))
    zz = s.f(xx, yy)
    gx, gy = s.grad(xx, yy)
    assert zz.shape == gx.shape == gy.shape == xx.shape
    assert np.all(np.isfinite(zz))
    assert zz.min() >= s.f_min - 1e-12
    assert s.f(*s.minimum) == pytest.approx(s.f_min, abs=1e-12)
    assert np.hypot(*s.grad(*s.minimum)) < 1e-9
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1


def test_hand_values():
    q = elongated_quadratic(ratio=10)
    assert q.f(2.0, 1.0) == pytest.approx(0.5 * (4 + 10))  # 7
    assert q.grad(2.0, 1.0) == pytest.approx((2.0, 10.0))
    r = rosenbrock(a=1, b=100)
    assert r.f(0.0, 0.0) == pytest.approx(1.0)  # (1 − 0)² + 0
    assert r.f(-1.0, 2.0) == pytest.approx(4 + 100)  # 2² + 100·1²
    assert r.minimum == (1.0, 1.0)
    s = saddle()
    assert s.f(1.0, 1.0) == pytest.approx(1 - 0.5 + 0.25)
    assert s.f_min == -0.25 and s.f(0.0, -1.0) == pytest.approx(-0.25)


def _hessian(s, x, y, h=1e-4):
    gxp, gyp = s.grad(x + h, y)
    gxm, gym = s.grad(x - h, y)
    hxx = (gxp - gxm) / (2 * h)
    gxp2, gyp2 = s.grad(x, y + h)
    gxm2, gym2 = s.grad(x, y - h)
    hyy = (gyp2 - gym2) / (2 * h)
    return hxx, hyy


@pytest.mark.parametrize("make", [saddle, plateau, saddle_plateau])
def test_origin_is_a_saddle(make):
    s = make()
    assert np.hypot(*s.grad(0.0, 0.0)) < 1e-12
    hxx, hyy = _hessian(s, 0.0, 0.0)
    assert hxx * hyy < 0, "curvatures of opposite signs make a saddle"


def test_scaled_quadratic_by_hand():
    # the Adam chapter's valley: J = (0.1 x² + 10 y²)/2, i.e. scale 0.1 × (x² + 100 y²)/2
    q = elongated_quadratic(ratio=100, scale=0.1)
    assert q.f(2.0, 1.0) == pytest.approx(0.5 * (0.4 + 10))
    assert q.grad(2.0, 1.0) == pytest.approx((0.2, 10.0))
    assert "0.1 x² + 10 y²" in q.description
    # GD: y ← (1 − 10 α) y, so α = 0.3 multiplies |y| by 2 per step and diverges
    path = run_optimizer(q, SGD(lr=0.3), steps=100)
    assert path.diverged and path.diverged_at == math.ceil(math.log(LIMIT / 2) / math.log(2))


def test_saddle_plateau_by_hand():
    s = saddle_plateau()
    assert s.f(0.0, 0.0) == pytest.approx(0.0) and s.f_min == -0.25
    assert s.f(0.0, 1.0) == pytest.approx(-0.25) and s.f(0.0, -1.0) == pytest.approx(-0.25)
    hxx, hyy = _hessian(s, 0.0, 1.0)
    assert hxx == pytest.approx(1.5, abs=1e-6) and hyy == pytest.approx(2.0, abs=1e-6)
    # the plateau: J ≈ 1 and ∂J/∂x = x e^{−x²/2}(1 + y²/2) ≈ 0.008 at the start (3.5, 0.01)
    assert s.start == (3.5, 0.01)
    assert s.grad(*s.start)[0] == pytest.approx(3.5 * math.exp(-6.125) * (1 + 0.5e-4))
    assert abs(s.f(*s.start) - 1.0) < 0.01
    assert SURFACES["saddle_plateau"].name == s.name


def test_plateau_is_flat_far_out():
    s = plateau()
    # at the start the gradient is tiny compared with the slope near the wells
    assert np.hypot(*s.grad(*s.start)) < 0.01
    assert np.hypot(*s.grad(0.75, 0.0)) > 0.5
    assert abs(s.f(0.0, 3.0) - 1.0) < 1e-3


def test_gd_on_quadratic_converges_with_hand_derived_step_count():
    # ratio 20, lr 0.05: y ← (1 − 0.05·20) y = 0 after one step; x ← 0.95 x.
    # So J_k = ½·81·0.95^(2k) = 40.5 · 0.9025^k for k >= 1, and J_k < 1e-3 first when
    # k > ln(40500)/ln(1/0.9025), i.e. k = 104.
    k_expected = math.floor(math.log(40.5 / 1e-3) / math.log(1 / 0.9025)) + 1
    assert k_expected == 104
    path = run_optimizer(
        elongated_quadratic(ratio=20), SGD(lr=0.05), start=(-9.0, 2.0), steps=300, tol=1e-3
    )
    assert isinstance(path, Path) and not path.diverged and path.diverged_at is None
    assert path.points.shape == (301, 2) and path.values.shape == (301,)
    assert path.steps_to_tol == k_expected
    np.testing.assert_allclose(path.points[1], [-9 * 0.95, 0.0], atol=1e-15)
    np.testing.assert_allclose(path.points[-1], [0.0, 0.0], atol=1e-5)
    np.testing.assert_allclose(
        path.values, 0.5 * (path.points[:, 0] ** 2 + 20 * path.points[:, 1] ** 2)
    )


def test_divergence_detected_without_warnings():
    # lr 5 on ratio 20: y ← (1 − 100) y, so |y_k| = 2·99^k passes 1e6 at k = 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run_optimizer(elongated_quadratic(ratio=20), SGD(lr=5.0), steps=200)
    assert path.diverged and path.diverged_at == 3
    assert len(path.points) == 4 and abs(path.points[-1, 1]) > LIMIT
    assert path.message == "diverged at step 3"


def test_nan_gradient_stops_the_run_without_warnings():
    bad = Surface(
        "bad",
        func=lambda x, y: x * x,
        gradient=lambda x, y: (np.nan, 0.0),
        bounds=((-1, 1), (-1, 1)),
        start=(0.5, 0.5),
        minimum=(0.0, 0.0),
        f_min=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run_optimizer(bad, Adam(lr=0.1), steps=10)
    assert path.diverged and path.diverged_at == 1 and path.points.shape == (1, 2)


@pytest.mark.parametrize("name", NAMES)
def test_huge_rates_never_warn(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for opt in (SGD(lr=100.0), Momentum(lr=100.0), Adam(lr=100.0)):
            path = run_optimizer(SURFACES[name], opt, steps=50)
            assert np.all(np.isfinite(path.points))


def test_path_uses_the_library_update_rule():
    # Adam's first step moves each coordinate by lr against the sign of the gradient:
    # at (−9, 2) on the quadratic the gradient is (−9, 40), so the point goes to (−8.9, 1.9).
    opt = Adam(lr=0.1)
    path = run_optimizer(elongated_quadratic(ratio=20), opt, steps=1)
    np.testing.assert_allclose(path.points, [[-9.0, 2.0], [-8.9, 1.9]], atol=1e-8)
    assert opt.t == 1
    # the optimizer is reset first: a second run gives the same path
    again = run_optimizer(elongated_quadratic(ratio=20), opt, steps=1)
    np.testing.assert_array_equal(again.points, path.points)


def test_adam_leaves_the_plateau_before_gd():
    s = plateau()
    gd = run_optimizer(s, SGD(lr=0.5), steps=300, tol=1e-3)
    adam = run_optimizer(s, Adam(lr=0.05), steps=300, tol=1e-3)
    assert adam.steps_to_tol is not None and gd.steps_to_tol is not None
    assert adam.steps_to_tol < gd.steps_to_tol / 2


@settings(max_examples=30, deadline=None)
@given(
    lr=st.floats(1e-3, 0.099), ratio=st.floats(1.0, 20.0), x=st.floats(-10, 10), y=st.floats(-3, 3)
)
def test_gd_on_stable_quadratic_never_increases_cost(lr, ratio, x, y):
    # lr < 2/ratio: each coordinate is multiplied by |1 − lr·c| < 1, so J decreases
    path = run_optimizer(elongated_quadratic(ratio=ratio), SGD(lr=lr), start=(x, y), steps=30)
    assert not path.diverged
    assert np.all(np.diff(path.values) <= 1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: run_optimizer(saddle(), SGD(lr=0.1), steps=-1), "steps"),
        (lambda: run_optimizer(saddle(), SGD(lr=0.1), tol=0), "tol"),
        (lambda: run_optimizer(saddle(), SGD(lr=0.1), start=(np.nan, 0)), "start"),
        (lambda: elongated_quadratic(ratio=0.5), "ratio"),
        (lambda: elongated_quadratic(scale=0), "scale"),
        (lambda: rosenbrock(b=0), "b"),
        (lambda: plateau(a=0.5), "a"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
