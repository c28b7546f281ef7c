"""Optimizers: first two steps against hand-derived numbers, equivalences, validation,
in-place updates, Adam's step-size bound, and Adam's memory use.

Every expected value below is worked out by hand in the comments for the two-element
weight ``W = [1, -2]`` with gradients ``dW = [0.5, -1]`` (step 1) then ``[0.2, 0.4]``
(step 2), never by calling the optimizer under test.
"""

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.optimizers import (
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSprop,
    adam_update,
    adamw_update,
    momentum_update,
    nesterov_update,
    rmsprop_update,
    sgd_update,
)

G1 = np.array([[0.5, -1.0]])
G2 = np.array([[0.2, 0.4]])


def _params():
    return {"W1": np.array([[1.0, -2.0]])}


def _two_steps(opt):
    params = _params()
    W = params["W1"]
    opt.step(params, {"dW1": G1})
    after1 = W.copy()
    opt.step(params, {"dW1": G2})
    assert params["W1"] is W, "step must update the array in place"
    return after1, W.copy()


def test_sgd_by_hand():
    a1, a2 = _two_steps(SGD(lr=0.1))
    # W − 0.1 dW: [1 − 0.05, −2 + 0.1], then [0.95 − 0.02, −1.9 − 0.04]
    np.testing.assert_allclose(a1, [[0.95, -1.9]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(a2, [[0.93, -1.94]], rtol=0, atol=1e-15)


def test_momentum_by_hand():
    a1, a2 = _two_steps(Momentum(lr=0.1, beta=0.9))
    # v1 = 0.1·[0.5, −1] = [0.05, −0.1];  W = [1 − 0.005, −2 + 0.01]
    np.testing.assert_allclose(a1, [[0.995, -1.99]], rtol=0, atol=1e-15)
    # v2 = 0.9·[0.05, −0.1] + 0.1·[0.2, 0.4] = [0.065, −0.05];  W −= 0.1·v2
    np.testing.assert_allclose(a2, [[0.9885, -1.985]], rtol=0, atol=1e-15)


def test_nesterov_by_hand():
    opt = Nesterov(lr=0.1, beta=0.9)
    a1, a2 = _two_steps(opt)
    # v1 = 0.1·[0.5, −1] = [0.05, −0.1];  β v1 + (1 − β) dW = [0.095, −0.19]
    np.testing.assert_allclose(a1, [[0.9905, -1.981]], rtol=0, atol=1e-15)
    # v2 = [0.065, −0.05];  β v2 + (1 − β) dW = [0.0585 + 0.02, −0.045 + 0.04]
    np.testing.assert_allclose(opt.v["W1"], [[0.065, -0.05]], rtol=1e-12)
    np.testing.assert_allclose(a2, [[0.98265, -1.9805]], rtol=0, atol=1e-15)


def test_nesterov_is_the_look_ahead_method():
    # Sutskever's form on J = ½ wᵀ diag(c) w: the gradient is taken at the look-ahead
    # point W − αβv, then v := βv + (1 − β)∇J(look-ahead), W := W − αv. The look-ahead
    # point W̃ = W − αβv must follow nesterov_update exactly, with dW = ∇J(W̃).
    c = np.array([[1.0], [20.0]])
    lr, beta = 0.05, 0.9
    W, v = np.array([[-9.0], [2.0]]), np.zeros((2, 1))
    W_tilde, v_tilde = W.copy(), np.zeros((2, 1))
    for _ in range(50):
        v = beta * v + (1 - beta) * c * (W - lr * beta * v)
        W = W - lr * v
        W_tilde, v_tilde = nesterov_update(W_tilde, c * W_tilde, v_tilde, lr, beta)
        np.testing.assert_allclose(W_tilde, W - lr * beta * v, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v_tilde, v, rtol=1e-12, atol=1e-14)


def test_nesterov_matches_pytorch_formula():
    # PyTorch SGD(momentum=μ, nesterov=True, dampening=0): buf := μ buf + g,
    # p := p − lr (g + μ buf). With μ = β and lr = α(1 − β) it is the course's form.
    rng = np.random.default_rng(1)
    alpha, beta = 0.03, 0.8
    W0 = rng.normal(size=(3, 2))
    seq = [rng.normal(size=(3, 2)) for _ in range(7)]
    p, buf = W0.copy(), np.zeros_like(W0)
    for g in seq:
        buf = beta * buf + g
        p = p - alpha * (1 - beta) * (g + beta * buf)
    np.testing.assert_allclose(
        _run(Nesterov(lr=alpha, beta=beta), seq, W0), p, rtol=1e-12, atol=1e-14
    )


def test_rmsprop_by_hand():
    opt = RMSprop(lr=0.01, beta=0.9, epsilon=1e-8)
    a1, a2 = _two_steps(opt)
    # s1 = 0.1·dW² = [0.025, 0.1];  dW/√s1 = [0.5/√0.025, −1/√0.1] = [√10, −√10] (ε aside)
    step1 = 0.01 * 0.5 / (math.sqrt(0.025) + 1e-8)
    step1b = 0.01 * 1.0 / (math.sqrt(0.1) + 1e-8)
    assert step1 == pytest.approx(0.01 * math.sqrt(10), rel=1e-6) == step1b
    np.testing.assert_allclose(a1, [[1 - step1, -2 + step1b]], rtol=0, atol=1e-12)
    # s2 = 0.9·s1 + 0.1·[0.04, 0.16] = [0.0265, 0.106]
    np.testing.assert_allclose(opt.s["W1"], [[0.0265, 0.106]], rtol=1e-12)
    exp2 = [
        [
            1 - step1 - 0.01 * 0.2 / (math.sqrt(0.0265) + 1e-8),
            -2 + step1b - 0.01 * 0.4 / (math.sqrt(0.106) + 1e-8),
        ]
    ]
    np.testing.assert_allclose(a2, exp2, rtol=0, atol=1e-12)


def test_rmsprop_default_beta_is_documented_value():
    assert RMSprop(lr=0.01).beta == 0.9


def test_adam_by_hand():
    opt = Adam(lr=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8)
    params = _params()
    opt.step(params, {"dW1": G1})
    assert opt.t == 1
    # v̂1 = 0.1 dW / (1 − 0.9) = dW, ŝ1 = dW²: the first step is lr·sign(dW)
    np.testing.assert_allclose(opt.v["W1"] / (1 - 0.9), G1, rtol=1e-12)
    np.testing.assert_allclose(opt.s["W1"] / (1 - 0.999), G1**2, rtol=1e-12)
    np.testing.assert_allclose(params["W1"], [[0.99, -1.99]], rtol=0, atol=1e-9)
    opt.step(params, {"dW1": G2})
    assert opt.t == 2
    # v2 = 0.9·[0.05, −0.1] + 0.1·[0.2, 0.4]            = [0.065, −0.05]
    # s2 = 0.999·[0.00025, 0.001] + 0.001·[0.04, 0.16]  = [0.00028975, 0.001159]
    # v̂ = v2 / (1 − 0.81) = v2 / 0.19;  ŝ = s2 / (1 − 0.998001) = s2 / 0.001999
    np.testing.assert_allclose(opt.v["W1"], [[0.065, -0.05]], rtol=1e-12)
    np.testing.assert_allclose(opt.s["W1"], [[0.00028975, 0.001159]], rtol=1e-12)
    d1 = (0.065 / 0.19) / (math.sqrt(0.00028975 / 0.001999) + 1e-8)
    d2 = (-0.05 / 0.19) / (math.sqrt(0.001159 / 0.001999) + 1e-8)
    np.testing.assert_allclose(
        params["W1"], [[0.99 - 0.01 * d1, -1.99 - 0.01 * d2]], rtol=0, atol=1e-9
    )


def test_adamw_by_hand():
    opt = AdamW(lr=0.01, weight_decay=0.1)
    params = _params()
    opt.step(params, {"dW1": G1})
    # W − 0.01·(sign(dW) + 0.1·W) = [1 − 0.01 − 0.001, −2 + 0.01 + 0.002]
    np.testing.assert_allclose(params["W1"], [[0.989, -1.988]], rtol=0, atol=1e-9)


def _run(opt, grads_seq, W0):
    params = {"W1": W0.copy()}
    for g in grads_seq:
        opt.step(params, {"dW1": g})
    return params["W1"]


def test_adamw_with_zero_decay_is_adam():
    rng = np.random.default_rng(0)
    seq = [rng.normal(size=(3, 4)) for _ in range(6)]
    W0 = rng.normal(size=(3, 4))
    np.testing.assert_array_equal(
        _run(AdamW(lr=0.05, weight_decay=0.0), seq, W0), _run(Adam(lr=0.05), seq, W0)
    )


def test_adamw_differs_from_adam_plus_l2_as_documented():
    # A weight with zero data gradient, W = 1, λ = 0.01, α = 0.01.
    # Adam + L2: the gradient is λW = 0.01, Adam normalises it: W moves by ≈ α = 0.01.
    # AdamW: v̂ = 0, so W moves by α·λ·W = 1e-4, one hundred times less.
    lr, lambd = 0.01, 0.01
    l2 = {"W1": np.array([[1.0]])}
    Adam(lr=lr).step(l2, {"dW1": lambd * l2["W1"]})
    decoupled = {"W1": np.array([[1.0]])}
    AdamW(lr=lr, weight_decay=lambd).step(decoupled, {"dW1": np.zeros((1, 1))})
    np.testing.assert_allclose(1 - l2["W1"], [[lr]], rtol=1e-6)
    np.testing.assert_allclose(1 - decoupled["W1"], [[lr * lambd]], rtol=1e-12)


def test_decay_effect_vs_gradient_scale():
    # Two weights, both W = 1, one with a zero data gradient, one with a huge one (1e3).
    # AdamW: the decay shrinks both by (1 − αλ) per step, ≈ 3αλ = 0.003 over 3 steps.
    # Adam + L2 (λW added to dW): Adam normalises λW = 0.1 to a full step α for the first
    # weight (≈ 0.03 over 3 steps, whatever λ is) but λW is lost in 1e3 for the second.
    lr, lambd, steps = 0.01, 0.1, 3
    W0 = np.array([[1.0, 1.0]])
    g = np.array([[0.0, 1e3]])
    plain = _run(Adam(lr=lr), [g] * steps, W0)
    decoupled_gap = plain - _run(AdamW(lr=lr, weight_decay=lambd), [g] * steps, W0)
    # the second weight is ≈ 0.99, 0.98 when shrunk, hence the 2 % tolerance
    np.testing.assert_allclose(decoupled_gap, 3 * lr * lambd, rtol=0.02)
    params, opt = {"W1": W0.copy()}, Adam(lr=lr)
    for _ in range(steps):
        opt.step(params, {"dW1": g + lambd * params["W1"]})
    l2_gap = plain - params["W1"]
    assert l2_gap[0, 0] == pytest.approx(3 * lr, rel=1e-3)
    assert abs(l2_gap[0, 1]) < 1e-5


@settings(max_examples=40, deadline=None)
@given(
    lr=st.floats(1e-4, 1.0), n=st.integers(1, 5), steps=st.integers(1, 4), seed=st.integers(0, 1000)
)
def test_momentum_with_zero_beta_is_sgd(lr, n, steps, seed):
    rng = np.random.default_rng(seed)
    seq = [rng.normal(size=(n, 2)) for _ in range(steps)]
    W0 = rng.normal(size=(n, 2))
    np.testing.assert_allclose(
        _run(Momentum(lr=lr, beta=0.0), seq, W0), _run(SGD(lr=lr), seq, W0), rtol=1e-12, atol=1e-15
    )


def _adam_bound(beta1, beta2, t):
    # v̂ = Σ a_i g_i, ŝ = Σ b_i g_i² with a_i = (1−β1)β1^(t−i)/(1−β1^t), b_i likewise;
    # Cauchy–Schwarz gives |v̂| ≤ √(Σ a_i²/b_i) · √ŝ, so |ΔW| ≤ α √(Σ a_i²/b_i).
    k = np.arange(t)
    a = (1 - beta1) * beta1**k / (1 - beta1**t)
    b = (1 - beta2) * beta2**k / (1 - beta2**t)
    return math.sqrt(np.sum(a * a / b))


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    lr=st.floats(1e-4, 1.0),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.9, 0.9999),
    steps=st.integers(1, 5),
    log_scale=st.floats(-6, 3),
    seed=st.integers(0, 1000),
)
def test_adam_step_per_coordinate_bounded(shape, lr, beta1, beta2, steps, log_scale, seed):
    rng = np.random.default_rng(seed)
    opt = Adam(lr=lr, beta1=beta1, beta2=beta2)
    params = {"W1": rng.normal(size=shape)}
    for t in range(1, steps + 1):
        before = params["W1"].copy()
        g = 10.0**log_scale * rng.normal(size=shape)
        opt.step(params, {"dW1": g})
        moved = np.abs(params["W1"] - before)
        assert np.all(moved <= lr * _adam_bound(beta1, beta2, t) * (1 + 1e-9) + 1e-15)
        if t == 1:
            # first step: v̂ = g, ŝ = g², so each weight moves by lr·|g|/(|g| + ε) ≈ lr
            np.testing.assert_allclose(
                moved, lr * np.abs(g) / (np.abs(g) + 1e-8), rtol=1e-9, atol=1e-15
            )


def test_every_optimizer_updates_in_place_and_descends():
    for opt in [SGD(lr=0.1), Momentum(lr=0.1), RMSprop(lr=0.01), Adam(lr=0.01), AdamW(lr=0.01)]:
        params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
        ids = {k: id(v) for k, v in params.items()}
        for _ in range(3):
            # gradient of J = ½‖W‖² + ½ b²: every step should reduce J
            J0 = 0.5 * sum(float(np.sum(p**2)) for p in params.values())
            opt.step(params, {"dW1": params["W1"].copy(), "db1": params["b1"].copy()})
            J1 = 0.5 * sum(float(np.sum(p**2)) for p in params.values())
            assert J1 < J0, opt
        assert {k: id(v) for k, v in params.items()} == ids


def test_lr_settable_between_steps_and_reset():
    opt = Adam(lr=0.01)
    params = {"W1": np.array([[0.0]])}
    opt.step(params, {"dW1": np.array([[1.0]])})
    opt.lr = 0.1
    opt.reset()
    assert opt.t == 0 and opt.v == {} and opt.s == {}
    opt.step(params, {"dW1": np.array([[1.0]])})
    # after reset the first step is again ≈ lr·sign(dW): −0.01 − 0.1
    assert params["W1"][0, 0] == pytest.approx(-0.11, abs=1e-8)
    with pytest.raises(ValueError, match="lr"):
        opt.lr = 0.0


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: SGD(lr=0), "lr"),
        (lambda: SGD(lr=-1), "lr"),
        (lambda: Momentum(lr=0.1, beta=1.0), "beta"),
        (lambda: Momentum(lr=0.1, beta=-0.1), "beta"),
        (lambda: RMSprop(lr=0.1, beta=1.5), "beta"),
        (lambda: RMSprop(lr=0.1, epsilon=0), "epsilon"),
        (lambda: Adam(beta1=1.0), "beta1"),
        (lambda: Adam(beta2=-0.5), "beta2"),
        (lambda: Adam(epsilon=-1e-8), "epsilon"),
        (lambda: Adam(lr=float("nan")), "lr"),
        (lambda: AdamW(weight_decay=-0.01), "weight_decay"),
    ],
)
def test_bad_hyperparameters_name_the_parameter(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_mismatched_keys_and_shapes_raise():
    params = {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1))}
    with pytest.raises(ValueError, match="db1"):
        Adam().step(params, {"dW1": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="dW1"):
        Adam().step(params, {"dW1": np.zeros((2, 3)), "db1": np.zeros((2, 1))})
    with pytest.raises(ValueError, match="W1"):
        SGD(lr=0.1).step({"W1": [[1.0]]}, {"dW1": [[1.0]]})
    # a failed step must not count as a step
    opt = Adam()
    with pytest.raises(ValueError):
        opt.step(params, {"dW1": np.zeros((2, 2))})
    assert opt.t == 0


def test_adam_memory():
    n = 1_000_000
    size = n * 8
    params = {"W1": np.ones((n, 1))}
    grads = {"dW1": np.full((n, 1), 0.5)}
    opt = Adam()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        opt.step(params, grads)
        first = tracemalloc.get_traced_memory()[1] - base
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        opt.step(params, grads)
        later = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    # adam_update is written for reading: a step builds the new v and s, ŝ and two
    # temporaries (5 arrays at its peak; benchmarks/bench.py states the same budget)
    assert first < 5.2 * size, first / size
    assert later < 5.2 * size, later / size
    np.testing.assert_allclose(params["W1"], 1 - 2 * 0.001, rtol=1e-9)


@pytest.mark.parametrize("make", [lambda: Adam(lr=0.01), lambda: RMSprop(lr=0.01, beta=0.9)])
def test_epsilon_sits_outside_the_root(make):
    # dW = ε = 1e-8.  Adam, step 1: v̂ = ε, √ŝ = ε, so ΔW = α ε/(ε + ε) = α/2 exactly.
    # RMSprop: √s = √0.1 ε, so ΔW = α/(√0.1 + 1).  With ε inside the root both would be
    # ≈ α·1e-4 (√(ε² + ε) ≈ 1e-4).
    params = {"W1": np.array([[0.0]])}
    opt = make()
    opt.step(params, {"dW1": np.array([[1e-8]])})
    expected = 0.005 if isinstance(opt, Adam) else 0.01 / (math.sqrt(0.1) + 1)
    assert -params["W1"][0, 0] == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------- the update functions
def _hand_steps(update, state, *hyper):
    """Two steps of a functional ``update`` from ``W = [1, −2]`` with G1 then G2."""
    W = np.array([[1.0, -2.0]])
    out = update(W, G1, *state, *hyper)
    W1, state = (out, ()) if isinstance(out, np.ndarray) else (out[0], out[1:])
    out = update(W1, G2, *state, *hyper)
    W2 = out if isinstance(out, np.ndarray) else out[0]
    return W1, W2


def test_sgd_update_by_hand():
    W1, W2 = _hand_steps(sgd_update, (), 0.1)
    np.testing.assert_allclose(W1, [[0.95, -1.9]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(W2, [[0.93, -1.94]], rtol=0, atol=1e-15)


def test_momentum_and_nesterov_update_by_hand():
    zero = np.zeros((1, 2))
    W1, W2 = _hand_steps(momentum_update, (zero,), 0.1, 0.9)
    np.testing.assert_allclose(W1, [[0.995, -1.99]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(W2, [[0.9885, -1.985]], rtol=0, atol=1e-15)
    W1, W2 = _hand_steps(nesterov_update, (zero,), 0.1, 0.9)
    np.testing.assert_allclose(W1, [[0.9905, -1.981]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(W2, [[0.98265, -1.9805]], rtol=0, atol=1e-15)


def test_rmsprop_update_by_hand():
    W, s = rmsprop_update(np.array([[1.0, -2.0]]), G1, np.zeros((1, 2)), 0.01, 0.9, 1e-8)
    # s1 = 0.1·dW² = [0.025, 0.1];  dW/√s1 = [√10, −√10] (ε aside)
    np.testing.assert_allclose(s, [[0.025, 0.1]], rtol=1e-15)
    # ε shortens the step by α·√10·ε/√0.025 ≈ 2e-9, hence the tolerance
    np.testing.assert_allclose(
        W, [[1 - 0.01 * math.sqrt(10), -2 + 0.01 * math.sqrt(10)]], rtol=0, atol=1e-8
    )


def test_adam_update_by_hand():
    W, v, s = adam_update(
        np.array([[1.0, -2.0]]), G1, np.zeros((1, 2)), np.zeros((1, 2)), 1, 0.01, 0.9, 0.999, 1e-8
    )
    # t = 1: v̂ = dW, ŝ = dW², so W moves by α·sign(dW)
    np.testing.assert_allclose(W, [[0.99, -1.99]], rtol=0, atol=1e-9)
    W, v, s = adam_update(W, G2, v, s, 2, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(v, [[0.065, -0.05]], rtol=1e-12)
    np.testing.assert_allclose(s, [[0.00028975, 0.001159]], rtol=1e-12)
    d1 = (0.065 / 0.19) / (math.sqrt(0.00028975 / 0.001999) + 1e-8)
    d2 = (-0.05 / 0.19) / (math.sqrt(0.001159 / 0.001999) + 1e-8)
    np.testing.assert_allclose(W, [[0.99 - 0.01 * d1, -1.99 - 0.01 * d2]], rtol=0, atol=1e-9)


def test_adamw_update_by_hand():
    W, _, _ = adamw_update(
        np.array([[1.0, -2.0]]),
        G1,
        np.zeros((1, 2)),
        np.zeros((1, 2)),
        1,
        0.01,
        0.9,
        0.999,
        1e-8,
        0.1,
    )
    # W − 0.01·(sign(dW) + 0.1·W)
    np.testing.assert_allclose(W, [[0.989, -1.988]], rtol=0, atol=1e-9)


def test_update_functions_are_pure():
    rng = np.random.default_rng(0)
    W, dW, v, s = (rng.normal(size=(3, 2)) for _ in range(4))
    s = np.abs(s)
    before = [a.copy() for a in (W, dW, v, s)]
    sgd_update(W, dW, 0.1)
    momentum_update(W, dW, v, 0.1, 0.9)
    nesterov_update(W, dW, v, 0.1, 0.9)
    rmsprop_update(W, dW, s, 0.1, 0.9, 1e-8)
    adam_update(W, dW, v, s, 3, 0.1, 0.9, 0.999, 1e-8)
    adamw_update(W, dW, v, s, 3, 0.1, 0.9, 0.999, 1e-8, 0.01)
    for a, b in zip((W, dW, v, s), before):
        np.testing.assert_array_equal(a, b)


# (optimizer, its function with the same hyperparameters, the state the class keeps)
CASES = [
    (lambda: SGD(lr=0.1), lambda W, g, t: sgd_update(W, g, 0.1), ()),
    (
        lambda: Momentum(lr=0.1, beta=0.8),
        lambda W, g, t, v: momentum_update(W, g, v, 0.1, 0.8),
        ("v",),
    ),
    (
        lambda: Nesterov(lr=0.1, beta=0.8),
        lambda W, g, t, v: nesterov_update(W, g, v, 0.1, 0.8),
        ("v",),
    ),
    (
        lambda: RMSprop(lr=0.01, beta=0.9),
        lambda W, g, t, s: rmsprop_update(W, g, s, 0.01, 0.9, 1e-8),
        ("s",),
    ),
    (
        lambda: Adam(lr=0.01),
        lambda W, g, t, v, s: adam_update(W, g, v, s, t, 0.01, 0.9, 0.999, 1e-8),
        ("v", "s"),
    ),
    (
        lambda: AdamW(lr=0.01, weight_decay=0.1),
        lambda W, g, t, v, s: adamw_update(W, g, v, s, t, 0.01, 0.9, 0.999, 1e-8, 0.1),
        ("v", "s"),
    ),
]


@pytest.mark.parametrize("make, update, state", CASES)
def test_class_applies_its_function_per_parameter(make, update, state):
    rng = np.random.default_rng(3)
    shapes = {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3)}
    params = {k: rng.normal(size=sh) for k, sh in shapes.items()}
    expected = {k: p.copy() for k, p in params.items()}
    states = {k: [np.zeros(sh) for _ in state] for k, sh in shapes.items()}
    opt = make()
    for t in range(1, 6):
        grads = {"d" + k: rng.normal(size=sh) for k, sh in shapes.items()}
        opt.step(params, grads)
        for k in shapes:
            out = update(expected[k], grads["d" + k], t, *states[k])
            if state:
                expected[k], *states[k] = out
            else:
                expected[k] = out
            np.testing.assert_array_equal(params[k], expected[k])
            for name, value in zip(state, states[k]):
                np.testing.assert_array_equal(getattr(opt, name)[k], value)
