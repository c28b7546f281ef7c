import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.initialization import initialize_parameters


def _sample_var_ok(W, var):
    """Sample variance of N iid N(0, var) entries has sd var·√(2/(N-1)); allow 5 sd."""
    N = W.size
    return abs(W.var() - var) < 5 * var * np.sqrt(2.0 / (N - 1))


def test_shapes_and_keys():
    p = initialize_parameters([3, 5, 2, 1])
    assert set(p) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert p["W1"].shape == (5, 3) and p["b1"].shape == (5, 1)
    assert p["W3"].shape == (1, 2) and p["b3"].shape == (1, 1)
    assert all(np.all(p[f"b{l}"] == 0) for l in (1, 2, 3))


def test_batchnorm_layers_get_gamma_beta_and_no_bias():
    p = initialize_parameters([3, 5, 4, 2], batchnorm=True)
    assert set(p) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}
    np.testing.assert_array_equal(p["gamma2"], np.ones((4, 1)))
    np.testing.assert_array_equal(p["beta1"], np.zeros((5, 1)))


@pytest.mark.parametrize(
    "method, var",
    [
        ("he", lambda i, o: 2 / i),
        ("xavier", lambda i, o: 1 / i),
        ("glorot", lambda i, o: 2 / (i + o)),
        ("random", lambda i, o: 0.01**2),
    ],
)
def test_weight_variance_matches_method(method, var):
    n_in, n_out = 400, 300
    p = initialize_parameters([n_in, n_out, 1], method=method, seed=5)
    assert _sample_var_ok(p["W1"], var(n_in, n_out))
    assert abs(p["W1"].mean()) < 5 * np.sqrt(var(n_in, n_out) / p["W1"].size)


def test_he_and_xavier_differ_by_factor_two():
    he = initialize_parameters([500, 400, 1], "he", seed=1)["W1"]
    xa = initialize_parameters([500, 400, 1], "xavier", seed=1)["W1"]
    np.testing.assert_allclose(he, np.sqrt(2) * xa)  # same draws, different std


def test_zeros_are_zeros():
    p = initialize_parameters([4, 3, 1], "zeros")
    assert all(np.all(v == 0) for v in p.values())


def test_he_keeps_relu_activation_variance_through_ten_layers():
    n, m = 300, 2000
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, m))
    second_moments = []
    for method in ("he", "random"):
        p = initialize_parameters([n] * 11, method=method, seed=2)
        a = A
        for l in range(1, 11):
            a = np.maximum(0.0, p[f"W{l}"] @ a)
            if method == "he":
                second_moments.append(np.mean(a**2))
        if method == "random":
            vanished = np.mean(a**2)
    # E[a²] of the first ReLU layer is Var(z)/2 = 1; He keeps it near 1 at every depth
    assert all(0.5 < s < 2.0 for s in second_moments), second_moments
    assert vanished < 1e-10  # small random weights shrink it by (300·1e-4/2)^10


def test_seed_reproducible():
    a = initialize_parameters([3, 4, 1], seed=7)
    b = initialize_parameters([3, 4, 1], seed=7)
    c = initialize_parameters([3, 4, 1], seed=8)
    np.testing.assert_array_equal(a["W1"], b["W1"])
    assert not np.allclose(a["W1"], c["W1"])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(layer_dims=[3]), "layer_dims"),
        (dict(layer_dims=[3, 0, 1]), "layer_dims"),
        (dict(layer_dims=[3, 2.5, 1]), "layer_dims"),
        (dict(layer_dims=[3, 1], method="lecun"), "method"),
        (dict(layer_dims=[3, 1], method="random", scale=0.0), "scale"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        initialize_parameters(**kwargs)


@settings(max_examples=30, deadline=None)
@given(
    dims=st.lists(st.integers(1, 8), min_size=2, max_size=5),
    bn=st.booleans(),
    method=st.sampled_from(["zeros", "random", "xavier", "glorot", "he"]),
)
def test_shapes_property(dims, bn, method):
    p = initialize_parameters(dims, method=method, batchnorm=bn)
    L = len(dims) - 1
    for l in range(1, L + 1):
        assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
        has_bn = bn and l < L
        assert (f"b{l}" in p) != has_bn
        if has_bn:
            assert p[f"gamma{l}"].shape == p[f"beta{l}"].shape == (dims[l], 1)
