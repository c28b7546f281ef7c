import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlab.regularization import (
    EarlyStopping,
    dropout_backward,
    dropout_forward,
    l1_cost,
    l1_grad,
    l2_cost,
    l2_grad,
)


def _params():
    return {
        "W1": np.array([[1.0, -2.0], [0.5, 0.0]]),
        "b1": np.array([[7.0], [7.0]]),
        "gamma1": np.array([[3.0], [3.0]]),
        "beta1": np.array([[1.0], [1.0]]),
        "W2": np.array([[3.0, -1.0]]),
        "b2": np.array([[9.0]]),
    }


def test_l2_cost_hand_value_weights_only():
    # ‖W1‖² = 1 + 4 + 0.25 = 5.25, ‖W2‖² = 10 → λ/(2m)·15.25
    assert l2_cost(_params(), lambd=0.4, m=10) == pytest.approx(0.4 / 20 * 15.25)


def test_l1_cost_hand_value_weights_only():
    # Σ|W| = 3.5 + 4 = 7.5 → λ/m·7.5
    assert l1_cost(_params(), lambd=0.4, m=10) == pytest.approx(0.4 / 10 * 7.5)


def test_l2_grad_matches_finite_differences(fd_grad, rel_diff):
    p = {"W1": np.random.default_rng(0).normal(size=(3, 4))}
    num = fd_grad(lambda: l2_cost(p, 0.7, 5), p["W1"])
    assert rel_diff(l2_grad(p["W1"], 0.7, 5), num) < 1e-7


def test_l1_grad_matches_finite_differences_away_from_zero(fd_grad, rel_diff):
    W = np.random.default_rng(1).normal(size=(3, 4))
    W[np.abs(W) < 0.1] = 0.5
    p = {"W1": W}
    num = fd_grad(lambda: l1_cost(p, 0.7, 5), p["W1"])
    assert rel_diff(l1_grad(W, 0.7, 5), num) < 1e-7


def test_l1_subgradient_is_zero_at_zero():
    np.testing.assert_array_equal(l1_grad(np.array([[0.0, -3.0, 2.0]]), 2.0, 1), [[0.0, -2.0, 2.0]])


@settings(max_examples=40, deadline=None)
@given(
    W=arrays(float, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(-10, 10)),
    lambd=st.floats(0, 10),
    c=st.floats(0, 10),
    m=st.integers(1, 1000),
)
def test_l2_grad_is_linear_in_lambd(W, lambd, c, m):
    np.testing.assert_allclose(
        l2_grad(W, c * lambd, m), c * l2_grad(W, lambd, m), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(l2_grad(W, lambd, m), lambd / m * W, rtol=1e-12)


@pytest.mark.parametrize("keep_prob", [0.5, 0.8])
def test_inverted_dropout_preserves_expectation(keep_prob):
    n = 400_000
    A = np.full((1, n), 2.0)
    out, D = dropout_forward(A, keep_prob, np.random.default_rng(3))
    # each entry is 2·D/p: mean 2, variance 4(1-p)/p; allow 5 standard errors
    se = np.sqrt(4 * (1 - keep_prob) / keep_prob / n)
    assert abs(out.mean() - 2.0) < 5 * se
    assert abs(D.mean() - keep_prob) < 5 * np.sqrt(keep_prob * (1 - keep_prob) / n)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    keep_prob=st.floats(0.01, 1.0),
    seed=st.integers(0, 1000),
)
def test_dropout_mask_shape_values_and_scaling(shape, keep_prob, seed):
    A = np.random.default_rng(seed).normal(size=shape)
    out, D = dropout_forward(A, keep_prob, np.random.default_rng(seed))
    assert D.shape == A.shape
    assert set(np.unique(D)) <= {0.0, 1.0}
    np.testing.assert_allclose(out[D == 1], A[D == 1] / keep_prob)
    assert np.all(out[D == 0] == 0)
    if keep_prob == 1.0:
        assert np.all(D == 1)


def test_dropout_backward_matches_finite_differences(fd_grad, rel_diff):
    rng = np.random.default_rng(4)
    A = rng.normal(size=(3, 5))
    _, D = dropout_forward(A, 0.6, rng)
    dOut = rng.normal(size=A.shape)
    num = fd_grad(lambda: np.sum(dOut * A * D / 0.6), A)
    assert rel_diff(dropout_backward(dOut, D, 0.6), num) < 1e-7


def test_dropout_is_reproducible_with_a_seeded_rng():
    A = np.ones((4, 4))
    _, D1 = dropout_forward(A, 0.5, np.random.default_rng(9))
    _, D2 = dropout_forward(A, 0.5, np.random.default_rng(9))
    np.testing.assert_array_equal(D1, D2)


def test_early_stopping_stops_after_patience_and_restores_best():
    es = EarlyStopping(patience=2)
    params = {"W1": np.array([[0.0]])}
    dev = [1.0, 0.5, 0.7, 0.4, 0.6, 0.6, 0.9]
    stops = []
    for epoch, c in enumerate(dev):
        params["W1"][0, 0] = 10.0 * epoch  # weights change every epoch
        stops.append(es.update(epoch, c, params))
        if stops[-1]:
            break
    assert stops == [False, False, False, False, False, True]
    assert es.best_epoch == 3 and es.stopped_epoch == 5
    assert es.best_params["W1"][0, 0] == 30.0  # a copy, not the live array
    W_ref = params["W1"]
    es.restore(params)
    assert params["W1"][0, 0] == 30.0 and params["W1"] is W_ref


def test_early_stopping_min_delta_and_nan():
    es = EarlyStopping(patience=3, min_delta=0.1)
    p = {"W1": np.zeros((1, 1))}
    assert not es.update(0, 1.0, p)
    assert not es.update(1, 0.95, p)  # not better by more than min_delta
    assert not es.update(2, float("nan"), p)
    assert es.update(3, 0.99, p)
    assert es.best_epoch == 0


def test_restore_before_update_is_an_error():
    with pytest.raises(ValueError, match="update"):
        EarlyStopping().restore({})


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: l2_cost(_params(), -0.1, 10), "lambd"),
        (lambda: l2_grad(np.ones((2, 2)), -1.0, 10), "lambd"),
        (lambda: l1_cost(_params(), -0.1, 10), "lambd"),
        (lambda: l1_grad(np.ones((2, 2)), 0.1, 0), "m"),
        (lambda: dropout_forward(np.ones((2, 2)), 0.0, np.random.default_rng(0)), "keep_prob"),
        (lambda: dropout_forward(np.ones((2, 2)), 1.5, np.random.default_rng(0)), "keep_prob"),
        (lambda: dropout_forward(np.ones((2, 2)), 0.5, -1), "rng"),
        (lambda: dropout_backward(np.ones((2, 2)), np.ones((2, 3)), 0.5), "mask"),
        (lambda: EarlyStopping(patience=0), "patience"),
        (lambda: EarlyStopping(min_delta=-1), "min_delta"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        call()
