import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlab.activations import (
    ACTIVATIONS,
    get_activation,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)


def test_hand_values():
    np.testing.assert_allclose(sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75])
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(tanh(np.array([np.log(2.0)])), [3.0 / 5.0])
    np.testing.assert_allclose(softmax(np.array([[0.0], [np.log(3.0)]])), [[0.25], [0.75]])


def test_extreme_inputs_do_not_warn_or_overflow():
    Z = np.array([[-1000.0, 1000.0, 0.0], [1000.0, -1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(Z)
        S = softmax(Z)
    np.testing.assert_array_equal(s, [[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])
    np.testing.assert_allclose(S, [[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softmax"])
def test_backward_matches_finite_differences(name, fd_grad, rel_diff):
    forward, backward = ACTIVATIONS[name]
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(4, 5))
    Z[np.abs(Z) < 0.05] = 0.3  # stay away from the ReLU kink at 0
    dA = rng.normal(size=Z.shape)
    # the scalar L = Σ dA ⊙ g(Z) has ∂L/∂Z = dZ exactly
    num = fd_grad(lambda: np.sum(dA * forward(Z)), Z)
    assert rel_diff(backward(dA, Z), num) < 1e-7


def test_softmax_is_shift_invariant_per_column():
    Z = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    np.testing.assert_allclose(softmax(Z + np.array([[100.0, -50.0]])), softmax(Z))


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-1e4, 1e4))
)
def test_softmax_columns_are_distributions(Z):
    S = softmax(Z)
    assert np.all(S >= 0) and np.all(np.isfinite(S))
    np.testing.assert_allclose(S.sum(axis=0), 1.0)


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-1e4, 1e4))
)
def test_sigmoid_range_and_symmetry(Z):
    s = sigmoid(Z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + sigmoid(-Z), 1.0, atol=1e-15)


def test_unknown_activation_names_the_parameter():
    with pytest.raises(ValueError, match="hidden must be one of"):
        get_activation("swish", "hidden")
    with pytest.raises(ValueError, match="output must be one of 'sigmoid', 'softmax'"):
        get_activation("relu", "output", ("sigmoid", "softmax"))


def test_mapping_pairs_forward_with_backward():
    # ACTIVATIONS holds the same maths unchecked (the network's own arrays need no checks)
    public = {
        "sigmoid": (sigmoid, sigmoid_backward),
        "relu": (relu, relu_backward),
        "tanh": (tanh, tanh_backward),
        "softmax": (softmax, softmax_backward),
    }
    assert set(ACTIVATIONS) == set(public)
    Z = np.random.default_rng(0).standard_normal((3, 4))
    dA = np.random.default_rng(1).standard_normal((3, 4))
    for name, (forward, backward) in public.items():
        np.testing.assert_array_equal(ACTIVATIONS[name][0](Z), forward(Z))
        np.testing.assert_array_equal(ACTIVATIONS[name][1](dA, Z), backward(dA, Z))
