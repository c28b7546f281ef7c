"""Momentum/RMSprop explorer: paths against hand-derived iterates, stability, notes."""

import numpy as np
import pytest

from nnlab.chapters.optimization.momentum_rmsprop import (
    STEPS,
    best_rate_per_beta,
    best_settings,
    gd_optimum,
    momentum_explorer,
    momentum_figure,
    momentum_optimum,
    outcome,
    rate,
    rmsprop_root_s,
    steps_grid,
    trajectories,
)
from nnlab.optimizers import SGD, Momentum
from nnlab.surfaces import SURFACES, run_optimizer

X0, Y0, RATIO = -9.0, 2.0, 20.0  # start and curvature ratio of the elongated quadratic


def test_gd_path_is_the_closed_form_geometric_decay():
    # J = (x² + 20 y²)/2: x_k = x0 (1 − α)^k, y_k = y0 (1 − 20 α)^k
    lr = 0.03
    p = trajectories("elongated quadratic", lr, 0.9, 1e-8)["GD"].points
    k = np.arange(len(p))
    np.testing.assert_allclose(p[:, 0], X0 * (1 - lr) ** k, rtol=1e-10)
    np.testing.assert_allclose(p[:, 1], Y0 * (1 - RATIO * lr) ** k, rtol=1e-9, atol=1e-300)


def test_momentum_first_steps_by_hand():
    # v1 = (1−β) g0, w1 = w0 − α v1; v2 = β v1 + (1−β) g1, w2 = w1 − α v2
    lr, beta = 0.05, 0.9
    p = trajectories("elongated quadratic", lr, beta, 1e-8)["Momentum"].points
    g = lambda w: np.array([w[0], RATIO * w[1]])
    w0 = np.array([X0, Y0])
    v1 = (1 - beta) * g(w0)
    w1 = w0 - lr * v1
    v2 = beta * v1 + (1 - beta) * g(w1)
    np.testing.assert_allclose(p[1], w1, rtol=1e-12)
    np.testing.assert_allclose(p[2], w1 - lr * v2, rtol=1e-12)


def test_momentum_with_beta_zero_is_gradient_descent():
    paths = trajectories("elongated quadratic", 0.05, 0.0, 1e-8)
    np.testing.assert_allclose(paths["Momentum"].points, paths["GD"].points, rtol=1e-12)


def test_rmsprop_first_step_is_lr_over_root_one_minus_beta_per_coordinate():
    lr, beta = 0.01, 0.9
    p = trajectories("elongated quadratic", lr, beta, 1e-8)["RMSprop"].points
    step = p[1] - p[0]
    np.testing.assert_allclose(np.abs(step), lr / np.sqrt(1 - beta), rtol=1e-6)
    assert step[0] > 0 and step[1] < 0  # downhill in both coordinates


def test_huge_epsilon_turns_rmsprop_into_gradient_descent_with_rate_lr_over_epsilon():
    eps = 1e6
    rms = trajectories("elongated quadratic", 0.03 * eps, 0.9, eps)["RMSprop"].points
    gd = trajectories("elongated quadratic", 0.03, 0.9, 1e-8)["GD"].points
    np.testing.assert_allclose(rms[:50], gd[:50], rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("lr", [0.5, 1.0])
def test_momentum_stays_stable_beyond_the_gd_limit(lr):
    # GD needs α < 2/20 = 0.1; momentum with β = 0.9 needs α(1−β)·20 < 2(1+β): α < 1.9
    paths = trajectories("elongated quadratic", lr, 0.9, 1e-8)
    assert paths["GD"].diverged
    assert not paths["Momentum"].diverged and paths["Momentum"].steps_to_tol is not None


def test_outcome_strings_and_divergence_note():
    paths = trajectories("elongated quadratic", 1.0, 0.9, 1e-8)
    assert outcome(paths["GD"]).startswith("diverged at step")
    assert (
        outcome(trajectories("elongated quadratic", 0.001, 0.9, 1e-8)["GD"])
        == f"not within {STEPS} steps"
    )
    fig = momentum_figure(lr=1.0)
    assert any("GD diverged" in t.get_text() for ax in fig.axes for t in ax.texts)
    fig = momentum_figure(lr=0.03)
    assert not any(t.get_text() for ax in fig.axes for t in ax.texts)


def test_unknown_surface_is_rejected():
    with pytest.raises(ValueError, match="surface"):
        trajectories("bowl", 0.1, 0.9, 1e-8)


def test_root_s_is_the_optimizers_own_state():
    """√s along RMSprop's path, against the library's RMSprop run step by step."""
    from nnlab.optimizers import RMSprop
    from nnlab.surfaces import SURFACES

    path = trajectories("elongated quadratic", 0.1, 0.9, 1e-8)["RMSprop"]
    root_s = rmsprop_root_s("elongated quadratic", path, 0.9)
    assert root_s.shape == (path.steps_to_tol, 2)
    surface = SURFACES["elongated_quadratic"]
    opt = RMSprop(lr=0.1, beta=0.9, epsilon=1e-8)
    params = {"w": np.array(path.points[0], dtype=float).reshape(2, 1)}
    for k in range(5):
        gx, gy = surface.grad(*params["w"][:, 0])
        opt.step(params, {"dw": np.array([[gx], [gy]])})
        np.testing.assert_allclose(root_s[k], np.sqrt(opt.s["w"][:, 0]), rtol=1e-12)
        np.testing.assert_allclose(params["w"][:, 0], path.points[k + 1], rtol=1e-12)
    # by hand, the first step: s = (1 - β) g², so √s = √0.1 |g|
    g0 = np.abs(surface.grad(*path.points[0]))
    np.testing.assert_allclose(root_s[0], np.sqrt(0.1) * g0, rtol=1e-12)


def test_the_epsilon_gauge_moves_with_every_press():
    """ε ≪ √s leaves every path as it was, so the gauge is what a press of the ε slider
    changes: its line sits at ε."""
    for eps in (1e-8, 1e-7, 1e-2):
        fig = momentum_figure(epsilon=eps)
        (gauge,) = fig.axes[1].child_axes
        assert [ln.get_xdata()[0] for ln in gauge.lines] == [eps]
        assert f"ε = {eps:.0e}" in [t.get_text() for t in gauge.texts]


def test_defaults_render():
    assert momentum_explorer.png()[:4] == b"\x89PNG"


# ---------------------------------------------------------------- tuning α and β


def test_heavy_ball_optimum_in_the_course_form():
    # heavy ball u = βu + dW, W -= α'u: α'* = 4/(√L+√μ)², β* = ((√κ−1)/(√κ+1))²; α = α'/(1−β)
    opt = momentum_optimum(1.0, 20.0)
    k = np.sqrt(20.0)
    assert np.isclose(opt["beta"], ((k - 1) / (k + 1)) ** 2)
    assert np.isclose(opt["lr_heavy_ball"], 4 / (np.sqrt(20.0) + 1) ** 2)
    assert np.isclose(opt["lr"], opt["lr_heavy_ball"] / (1 - opt["beta"]))
    assert np.isclose(rate(opt["lr"], opt["beta"]), (k - 1) / (k + 1))
    # at the optimum, moving α or β either way makes the rate worse
    for da, db in [(0.01, 0), (-0.01, 0), (0, 0.02), (0, -0.02)]:
        assert rate(opt["lr"] + da, opt["beta"] + db) > opt["rate"]


def test_gd_optimum_and_rate_with_beta_zero():
    opt = gd_optimum(1.0, 20.0)
    assert np.isclose(opt["lr"], 2 / 21) and np.isclose(opt["rate"], 19 / 21)
    for lr in (0.02, 0.05, 0.09, 0.12):
        assert np.isclose(rate(lr, 0.0), max(abs(1 - lr), abs(1 - 20 * lr)))


@pytest.mark.parametrize(
    "lr, beta", [(0.093, 0.0), (0.41, 0.9), (0.43, 0.65), (0.22, 0.49), (1.8, 0.9), (2.0, 0.9)]
)
def test_steps_grid_matches_the_library_momentum(lr, beta):
    s = SURFACES["elongated_quadratic"]
    opt = SGD(lr=lr) if beta == 0 else Momentum(lr=lr, beta=beta)
    path = run_optimizer(s, opt, steps=STEPS, tol=1e-2)
    expected = -1 if path.diverged or path.steps_to_tol is None else path.steps_to_tol
    assert steps_grid([lr], [beta])[0, 0] == expected


def test_stay_counts_from_the_last_crossing():
    # β = 0.9, α = 0.41 touches the line at 24 and goes back above it
    first = steps_grid([0.41], [0.9])[0, 0]
    stay = steps_grid([0.41], [0.9], stay=True)[0, 0]
    assert first == 24 and (stay == -1 or stay > first)
    # gradient descent decreases J monotonically: both counts agree
    assert steps_grid([0.05], [0.0])[0, 0] == steps_grid([0.05], [0.0], stay=True)[0, 0]


def test_best_settings_and_rate_floor():
    best = best_settings([0.05, 0.093, 0.2], [0.0])
    assert best == {"steps": 43, "lr": 0.093, "beta": 0.0}
    r, _ = best_rate_per_beta([0.6, 0.8, 0.9])
    assert np.all(r >= np.sqrt([0.6, 0.8, 0.9]) - 1e-9)  # oscillation floor √β


@pytest.mark.parametrize("lr, beta", [(0.51, 0.9), (0.63, 0.9), (0.17, 0.7), (0.3, 0.5)])
def test_nesterov_grid_matches_the_library_nesterov(lr, beta):
    from nnlab.optimizers import Nesterov

    path = run_optimizer(
        SURFACES["elongated_quadratic"], Nesterov(lr=lr, beta=beta), steps=STEPS, tol=1e-2
    )
    expected = -1 if path.diverged or path.steps_to_tol is None else path.steps_to_tol
    assert steps_grid([lr], [beta], nesterov=True)[0, 0] == expected
    stay = steps_grid([lr], [beta], nesterov=True, stay=True)[0, 0]
    if stay > 0:
        assert np.all(path.values[stay:] < 1e-2) and path.values[stay - 1] >= 1e-2
