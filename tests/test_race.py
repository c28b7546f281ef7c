"""Tests for nnlab.race: update rules against hand-derived steps, gradients against
finite differences, closed-form GD paths, and divergence reported without warnings."""
import warnings

import numpy as np
import pytest

from nnlab.race import (SURFACES, OptimizerBank, forward_backward, init_stack, race_on_data,
                        race_on_surface)


def _one_step(name, g, theta0=0.0, **kw):
    bank = OptimizerBank([name], **kw)
    p = {"w": np.full((1,) + np.shape(g), theta0, dtype=float)}
    bank.step(p, {"dw": np.asarray(g, dtype=float)[None]})
    return p["w"][0], bank


def test_adam_first_step_is_alpha_times_sign_of_gradient():
    # t = 1: v̂ = g, ŝ = g², so the step is α g / (|g| + ε) ≈ α sign(g), whatever |g| is
    g = np.array([1e-4, -3.0, 250.0])
    w, _ = _one_step("Adam", g, lr=0.01, epsilon=1e-12)
    assert np.allclose(w, -0.01 * np.sign(g), rtol=1e-6)


def test_momentum_two_steps_by_hand_and_beta_zero_is_gd():
    bank = OptimizerBank(["Momentum"], lr=0.5, beta1=0.8)
    p = {"w": np.array([[0.0]])}
    bank.step(p, {"dw": np.array([[1.0]])})   # v1 = 0.2
    bank.step(p, {"dw": np.array([[2.0]])})   # v2 = 0.8*0.2 + 0.2*2 = 0.56
    assert np.isclose(p["w"][0, 0], -0.5 * (0.2 + 0.56))
    w_m, _ = _one_step("Momentum", [3.0], lr=0.1, beta1=0.0)
    w_g, _ = _one_step("GD", [3.0], lr=0.1)
    assert np.allclose(w_m, w_g) and np.allclose(w_g, -0.3)


def test_rmsprop_first_step_uses_uncorrected_second_moment():
    # s1 = (1 − β2) g² = 0.01·4, step = α g / (√s1 + ε) = 0.1·2/0.2 = 1
    w, _ = _one_step("RMSprop", [2.0], lr=0.1, beta2=0.99, epsilon=1e-12)
    assert np.isclose(w[0], -1.0)


def test_decoupled_weight_decay_shrinks_by_one_minus_alpha_lambda():
    bank = OptimizerBank(["Adam", "GD"], lr=0.1, weight_decay=0.5)
    p = {"w": np.ones((2, 3))}
    for _ in range(4):
        bank.step(p, {"dw": np.zeros((2, 3))})
    assert np.allclose(p["w"], (1 - 0.1 * 0.5) ** 4)


def test_bank_rejects_bad_arguments():
    with pytest.raises(ValueError, match="beta1"):
        OptimizerBank(["Adam"], beta1=1.0)
    with pytest.raises(ValueError, match="lr"):
        OptimizerBank(["Adam"], lr=0.0)
    with pytest.raises(ValueError, match="optimizers"):
        OptimizerBank(["Nesterov"])


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_gradients_match_finite_differences(name):
    s = SURFACES[name]
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-2, 2, size=(5, 2)):
        h = 1e-6
        fx = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)
        fy = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)
        gx, gy = s.grad(x, y)
        assert np.allclose([gx, gy], [fx, fy], rtol=1e-5, atol=1e-7)


def test_gd_path_on_the_quadratic_follows_the_closed_form():
    # f = (0.1 x² + 10 y²)/2: x_t = x0 (1 − 0.1 α)^t, y_t = y0 (1 − 10 α)^t
    r = race_on_surface("elongated quadratic", lr=0.15, steps=30, optimizers=["GD"])
    t = np.arange(31)
    assert np.allclose(r.paths[0, :, 0], -9.0 * (1 - 0.015) ** t)
    assert np.allclose(r.paths[0, :, 1], 1.0 * (1 - 1.5) ** t)


def test_divergence_is_reported_and_frozen_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = race_on_surface("elongated quadratic", lr=0.5, steps=100)
    gd = r.names.index("GD")
    # |1 − 10·0.5| = 4 per step: |y| passes 10⁶ after ⌈log(10⁶)/log 4⌉ = 10 steps
    assert r.diverged_at[gd] == 10
    assert np.all(np.isfinite(r.paths)) and np.all(np.abs(r.paths) < 1e6)
    assert r.diverged_at[r.names.index("Adam")] is None


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_stacked_network_gradients_match_finite_differences(hidden, fd_grad, rel_diff):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 7))
    Y = (rng.uniform(size=(1, 7)) > 0.5).astype(float)
    params = init_stack((2, 4, 3, 1), K=2, seed=1)
    for v in params.values():  # make the two copies differ, and the biases non-zero
        v += 0.3 * rng.normal(size=v.shape)
    _, grads = forward_backward(params, X, Y, hidden)
    for k in range(2):
        for key, p in params.items():
            num = fd_grad(lambda: forward_backward(params, X, Y, hidden, grads=False)[0][k],
                          p[k])
            assert rel_diff(num, grads["d" + key][k]) < 1e-6, (hidden, k, key)


def test_data_race_copies_with_the_same_rule_stay_identical_and_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 60))
    Y = (X[0:1] + X[1:2] > 0).astype(int)
    d = race_on_data(X, Y, (2, 5, 1), optimizers=["Adam", "Adam", "GD"], lr=0.02, epochs=20,
                     mini_batch_size=16)
    assert np.allclose(d.epoch_costs[0], d.epoch_costs[1])
    assert d.epoch_costs[0, -1] < 0.5 * d.epoch_costs[0, 0]
    assert d.accuracy[0] > 0.9
    assert d.batch_costs.shape == (3, 20 * 4)


def test_data_race_reports_divergence_as_data_not_warnings():
    rng = np.random.default_rng(0)
    X = 50 * rng.normal(size=(2, 40))
    Y = (X[0:1] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = race_on_data(X, Y, (2, 8, 1), optimizers=["GD", "Adam"], lr=50.0, epochs=5,
                         mini_batch_size=40)
    assert d.diverged_at[0] is not None
    assert np.all([np.all(np.isfinite(v)) for v in d.params.values()])


def test_data_race_schedule_sets_each_step_rate():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 30))
    Y = (X[0:1] > 0).astype(int)
    d = race_on_data(X, Y, (2, 3, 1), optimizers=["GD"], epochs=3, mini_batch_size=10,
                     schedule=lambda epoch, it: 0.1 / (1 + epoch))
    assert np.allclose(d.lrs, np.repeat([0.1, 0.05, 0.1 / 3], 3)[None])


def test_data_race_schedule_may_give_each_copy_its_own_rate():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 30))
    Y = (X[0:1] > 0).astype(int)
    # copy 0 with α = 0 never moves; copy 1 with α = 0.1 does, from the same start
    d = race_on_data(X, Y, (2, 3, 1), optimizers=["GD", "GD"], epochs=2, mini_batch_size=10,
                     schedule=lambda epoch, it: np.array([0.0, 0.1]))
    start = race_on_data(X, Y, (2, 3, 1), optimizers=["GD"], epochs=1, lr=1e-300).params
    assert np.allclose(d.params["W1"][0], start["W1"][0])
    assert not np.allclose(d.params["W1"][1], start["W1"][0])
    assert d.lrs.shape == (2, 6) and np.all(d.lrs[0] == 0.0)


@pytest.mark.parametrize("name", ["GD", "Momentum", "RMSprop", "Adam", "AdamW"])
def test_bank_agrees_with_the_one_at_a_time_optimizers(name):
    # nnlab.optimizers is written independently, one class per rule: 25 steps with the
    # same random gradients must give the same parameters
    from nnlab import optimizers as O
    rng = np.random.default_rng(7)
    W0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) * 10.0 ** rng.integers(-3, 3) for _ in range(25)]
    single = {"GD": O.SGD(lr=0.05), "Momentum": O.Momentum(lr=0.05, beta=0.8),
              "RMSprop": O.RMSprop(lr=0.05, beta=0.9), "Adam": O.Adam(lr=0.05),
              "AdamW": O.AdamW(lr=0.05, weight_decay=0.3)}[name]
    bank = OptimizerBank(["Adam" if name == "AdamW" else name], lr=0.05, beta1=0.8 if
                         name == "Momentum" else 0.9, beta_rms=0.9,
                         weight_decay=0.3 if name == "AdamW" else 0.0)
    p1, p2 = {"W": W0.copy()}, {"W": W0.copy()[None]}
    for g in grads:
        single.step(p1, {"dW": g})
        bank.step(p2, {"dW": g[None]})
    assert np.allclose(p1["W"], p2["W"][0], rtol=1e-10, atol=1e-12)
