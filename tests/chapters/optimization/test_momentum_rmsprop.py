"""Momentum/RMSprop explorer: paths against hand-derived iterates, stability, notes.
"""
import numpy as np
import pytest

from nnlab.chapters.optimization.momentum_rmsprop import (
    STEPS,
    momentum_explorer,
    momentum_figure,
    outcome,
    trajectories,
)

X0, Y0, RATIO = -9.0, 2.0, 20.0   # start and curvature ratio of the elongated quadratic


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
    assert step[0] > 0 and step[1] < 0       # downhill in both coordinates


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
    assert outcome(trajectories("elongated quadratic", 0.001, 0.9, 1e-8)["GD"]) == \
        f"not within {STEPS} steps"
    fig = momentum_figure(lr=1.0)
    assert any("GD diverged" in t.get_text() for ax in fig.axes for t in ax.texts)
    fig = momentum_figure(lr=0.03)
    assert not any(t.get_text() for ax in fig.axes for t in ax.texts)


def test_unknown_surface_is_rejected():
    with pytest.raises(ValueError, match="surface"):
        trajectories("bowl", 0.1, 0.9, 1e-8)


def test_defaults_render():
    assert momentum_explorer.png()[:4] == b"\x89PNG"
