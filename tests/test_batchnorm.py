import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlab.batchnorm import (
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    update_running_stats,
)


def _Z(n, m, seed, scale=2.0, shift=3.0):
    rng = np.random.default_rng(seed)
    return shift + scale * rng.normal(size=(n, m))


def test_hand_computed_small_case():
    Z = np.array([[1.0, 3.0], [0.0, 0.0]])
    out, cache = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), epsilon=0.0 + 1e-12)
    # row 1: μ = 2, σ² = 1 → (-1, 1); row 2: constant → 0 (ε keeps it finite)
    np.testing.assert_allclose(out, [[-1.0, 1.0], [0.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(cache["mu"], [[2.0], [0.0]])
    np.testing.assert_allclose(cache["var"], [[1.0], [0.0]])


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 6),
    m=st.integers(2, 30),
    seed=st.integers(0, 10_000),
    scale=st.floats(0.1, 100),
    shift=st.floats(-100, 100),
)
def test_normalized_units_have_mean_0_and_variance_1(n, m, seed, scale, shift):
    Z = _Z(n, m, seed, scale, shift)
    var = Z.var(axis=1)
    assume(np.all(var > 1e-2))
    out, _ = batchnorm_forward(Z, np.ones((n, 1)), np.zeros((n, 1)), epsilon=1e-8)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-7)
    # variance is σ²/(σ²+ε) ≤ 1, within 1e-6 of 1 here
    np.testing.assert_allclose(out.var(axis=1), 1.0, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5), m=st.integers(2, 20), seed=st.integers(0, 10_000), c=st.floats(-50, 50))
def test_gamma_beta_set_mean_and_std_and_shift_is_absorbed(n, m, seed, c):
    Z = _Z(n, m, seed)
    assume(np.all(Z.var(axis=1) > 1e-2))
    rng = np.random.default_rng(seed + 1)
    gamma, beta = rng.uniform(0.5, 3, size=(n, 1)), rng.normal(size=(n, 1))
    out, _ = batchnorm_forward(Z, gamma, beta, epsilon=1e-10)
    np.testing.assert_allclose(out.mean(axis=1, keepdims=True), beta, atol=1e-7)
    np.testing.assert_allclose(out.std(axis=1, keepdims=True), gamma, rtol=1e-6)
    # a bias added before batch norm changes nothing: why batch-norm layers drop b[l]
    out_shift, _ = batchnorm_forward(Z + c, gamma, beta, epsilon=1e-10)
    np.testing.assert_allclose(out_shift, out, atol=1e-6)


# m = 2 is degenerate (the outputs are ±γ+β whatever Z is, so dZ ≈ 0 and only
# rounding is left to compare); start at 3
@pytest.mark.parametrize("m", [3, 5, 16])
def test_backward_matches_finite_differences(m, fd_grad, rel_diff):
    n = 4
    rng = np.random.default_rng(m)
    Z = _Z(n, m, m)
    gamma, beta = rng.uniform(0.5, 2, size=(n, 1)), rng.normal(size=(n, 1))
    dout = rng.normal(size=(n, m))

    def J():
        return np.sum(dout * batchnorm_forward(Z, gamma, beta, 1e-5)[0])

    _, cache = batchnorm_forward(Z, gamma, beta, 1e-5)
    dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert rel_diff(dZ, fd_grad(J, Z)) < 1e-7
    assert rel_diff(dgamma, fd_grad(J, gamma)) < 1e-7
    assert rel_diff(dbeta, fd_grad(J, beta)) < 1e-7


def test_dZ_sums_to_zero_per_unit():
    # the output does not depend on a per-unit shift of Z, so its gradient has no mean
    Z = _Z(3, 10, 0)
    _, cache = batchnorm_forward(Z, np.full((3, 1), 2.0), np.zeros((3, 1)))
    dZ, _, _ = batchnorm_backward(np.random.default_rng(1).normal(size=(3, 10)), cache)
    np.testing.assert_allclose(dZ.sum(axis=1), 0.0, atol=1e-12)


def test_running_stats_are_a_hand_ewa():
    mu, var = np.zeros((2, 1)), np.ones((2, 1))
    batches = [
        (np.array([[1.0], [2.0]]), np.array([[4.0], [0.5]])),
        (np.array([[3.0], [-2.0]]), np.array([[2.0], [1.5]])),
    ]
    for bmu, bvar in batches:
        mu, var = update_running_stats(mu, var, bmu, bvar, momentum=0.9)
    # μ: 0.9·(0.9·0 + 0.1·1) + 0.1·3 = 0.39 ; 0.9·(0.1·2) + 0.1·(-2) = -0.02
    np.testing.assert_allclose(mu, [[0.39], [-0.02]])
    # σ²: 0.9·(0.9·1 + 0.1·4) + 0.1·2 = 1.37 ; 0.9·(0.9 + 0.05) + 0.15 = 1.005
    np.testing.assert_allclose(var, [[1.37], [1.005]])


def test_inference_uses_running_statistics():
    Z = np.array([[2.0, 4.0, -1.0]])
    out = batchnorm_inference(
        Z,
        np.array([[3.0]]),
        np.array([[1.0]]),
        np.array([[1.0]]),
        np.array([[4.0]]),
        epsilon=0.0 + 1e-300,
    )
    # 3 · (Z - 1)/2 + 1
    np.testing.assert_allclose(out, [[2.5, 5.5, -2.0]])
    # a single example works (no batch statistics needed)
    assert batchnorm_inference(
        Z[:, :1], np.ones((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.ones((1, 1))
    ).shape == (1, 1)


def test_inference_with_converged_stats_matches_training_forward():
    Z = _Z(3, 400, 5)
    gamma, beta = np.full((3, 1), 1.5), np.full((3, 1), -0.5)
    out, cache = batchnorm_forward(Z, gamma, beta)
    out_test = batchnorm_inference(Z, gamma, beta, cache["mu"], cache["var"])
    np.testing.assert_allclose(out_test, out)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: batchnorm_forward(np.ones((2, 3)), np.ones((3, 1)), np.zeros((2, 1))), "gamma"),
        (lambda: batchnorm_forward(np.ones((2, 3)), np.ones((2, 1)), np.zeros((2,))), "beta"),
        (lambda: batchnorm_forward(np.ones(3), np.ones((1, 1)), np.zeros((1, 1))), "Z"),
        (
            lambda: batchnorm_forward(np.ones((1, 3)), np.ones((1, 1)), np.zeros((1, 1)), 0.0),
            "epsilon",
        ),
        (lambda: update_running_stats(0.0, 1.0, 0.0, 1.0, momentum=1.0), "momentum"),
        (
            lambda: batchnorm_inference(
                np.ones((2, 3)),
                np.ones((2, 1)),
                np.zeros((2, 1)),
                np.zeros((2, 1)),
                np.ones((3, 1)),
            ),
            "running_var",
        ),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        call()


def test_backward_rejects_wrong_dout_shape():
    _, cache = batchnorm_forward(_Z(2, 4, 0), np.ones((2, 1)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="^dout"):
        batchnorm_backward(np.ones((2, 5)), cache)
