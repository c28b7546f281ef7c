import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.model import Network, cross_entropy_from_logits, one_hot


def _data(n_x=3, m=7, C=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = rng.integers(0, max(C, 2), size=(1, m))
    return X, Y


def _check_gradients(net, X, Y, fd_grad, rel_diff, masks=None):
    """Analytic grads vs centered differences of the frozen cost, per parameter and overall."""
    _, cache = net.forward(X, training=True, masks=masks, update_running=False)
    grads = net.backward(Y, cache)
    f = net.cost_function(X, Y, masks=masks)
    P = net.params
    num = {k: fd_grad(lambda: f(P), P[k]) for k in P}
    for k in P:
        assert rel_diff(grads["d" + k], num[k]) < 1e-7, k
    flat_a = np.concatenate([grads["d" + k].ravel() for k in P])
    flat_n = np.concatenate([num[k].ravel() for k in P])
    assert rel_diff(flat_a, flat_n) < 1e-7
    return cache


def _min_abs_preactivation(net, cache):
    key = "Zn" if net.batchnorm else "Z"
    return min(np.abs(cache[f"{key}{l}"]).min() for l in range(1, net.L))


CONFIGS = {
    "relu": dict(hidden="relu"),
    "tanh": dict(hidden="tanh"),
    "sigmoid": dict(hidden="sigmoid"),
    "l2": dict(hidden="tanh", lambd=0.7),
    "l1": dict(hidden="tanh", lambd=0.7, penalty="l1"),
    "relu_l2": dict(hidden="relu", lambd=0.3),
    "batchnorm_tanh": dict(hidden="tanh", batchnorm=True),
    "batchnorm_relu": dict(hidden="relu", batchnorm=True),
    "softmax": dict(hidden="tanh", output="softmax"),
    "softmax_bn_l2": dict(hidden="tanh", output="softmax", batchnorm=True, lambd=0.5),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_backward_matches_finite_differences(name, fd_grad, rel_diff):
    kw = CONFIGS[name]
    C = 3 if kw.get("output") == "softmax" else 1
    net = Network([3, 5, 4, C], seed=1, **kw)
    # small random biases/β so no gradient is zero by symmetry
    rng = np.random.default_rng(2)
    for k in net.params:
        if k[0] in "bg" or k.startswith("beta"):
            net.params[k] = net.params[k] + 0.3 * rng.normal(size=net.params[k].shape)
    X, Y = _data(C=C, m=7)
    cache = _check_gradients(net, X, Y, fd_grad, rel_diff)
    # the finite differences step 1e-6: stay clear of ReLU's kink and L1's kink
    assert _min_abs_preactivation(net, cache) > 1e-4
    if kw.get("penalty") == "l1":
        assert min(np.abs(net.params[k]).min() for k in net.params if k[0] == "W") > 1e-4


@pytest.mark.parametrize("keep_prob", [0.7, [0.5, 0.9]])
def test_dropout_backward_with_fixed_masks(keep_prob, fd_grad, rel_diff):
    net = Network([3, 6, 5, 1], hidden="tanh", keep_prob=keep_prob, lambd=0.2, seed=3)
    X, Y = _data(m=8)
    masks = net.draw_masks(8)
    assert set(masks) == {"D1", "D2"} and masks["D1"].shape == (6, 8)
    cache = _check_gradients(net, X, Y, fd_grad, rel_diff, masks=masks)
    np.testing.assert_array_equal(cache["D1"], masks["D1"])


def test_dropout_and_batchnorm_and_softmax_together(fd_grad, rel_diff):
    net = Network(
        [3, 6, 5, 4],
        hidden="tanh",
        output="softmax",
        keep_prob=0.8,
        batchnorm=True,
        lambd=0.1,
        seed=4,
    )
    X, Y = _data(m=9, C=4)
    _check_gradients(net, X, Y, fd_grad, rel_diff, masks=net.draw_masks(9))


def test_dropout_only_on_hidden_layers_and_off_at_test_time():
    net = Network([3, 50, 40, 1], keep_prob=0.5, seed=0)
    X, _ = _data(m=20)
    _, cache = net.forward(X)
    assert set(k for k in cache if k.startswith("D")) == {"D1", "D2"}
    assert 0.3 < cache["D1"].mean() < 0.7
    a1, _ = net.forward(X, training=False)
    a2, _ = net.forward(X, training=False)
    ref = Network([3, 50, 40, 1], keep_prob=1.0, seed=0)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_allclose(a1, ref.forward(X, training=False)[0])


def test_stable_cross_entropy_at_extreme_logits():
    Z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    Y = np.array([[1, 0, 0, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = cross_entropy_from_logits(Z, Y, "sigmoid")
    # confident and right costs 0, confident and wrong costs |z| = 1000
    assert np.isfinite(J) and J == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    Zs = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Js = cross_entropy_from_logits(Zs, np.array([[0, 0]]), "softmax")
    assert Js == pytest.approx((0 + 2000) / 2)


def test_cross_entropy_equals_naive_formula_on_moderate_logits():
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=3, size=(1, 50))
    Y = rng.integers(0, 2, size=(1, 50))
    A = 1 / (1 + np.exp(-Z))
    naive = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert cross_entropy_from_logits(Z, Y, "sigmoid") == pytest.approx(naive, rel=1e-12)
    Zs = rng.normal(scale=3, size=(4, 50))
    labels = rng.integers(0, 4, size=(1, 50))
    S = np.exp(Zs) / np.exp(Zs).sum(axis=0)
    naive_s = -np.mean(np.log(S[labels[0], np.arange(50)]))
    assert cross_entropy_from_logits(Zs, labels, "softmax") == pytest.approx(naive_s, rel=1e-12)
    assert cross_entropy_from_logits(Zs, one_hot(labels, 4), "softmax") == pytest.approx(naive_s)


def test_cost_adds_the_penalty():
    net = Network([3, 4, 1], lambd=2.0, seed=0)
    X, Y = _data(m=10)
    _, cache = net.forward(X)
    W2 = sum(np.sum(net.params[k] ** 2) for k in ("W1", "W2"))
    plain = cross_entropy_from_logits(cache["Z2"], Y)
    assert net.cost(Y, cache) == pytest.approx(plain + 2.0 / 20 * W2)


def test_one_hot():
    np.testing.assert_array_equal(
        one_hot(np.array([[2, 0, 1]]), 3), [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    )
    with pytest.raises(ValueError, match="^Y must hold integer labels"):
        one_hot(np.array([[3]]), 3)


def test_batchnorm_running_stats_are_an_ewa_of_batch_statistics():
    net = Network([2, 3, 1], batchnorm=True, bn_momentum=0.8, seed=0)
    W1 = net.params["W1"]
    X1, _ = _data(n_x=2, m=6, seed=1)
    X2, _ = _data(n_x=2, m=6, seed=2)
    net.forward(X1)
    net.forward(X2)
    mu1, mu2 = (W1 @ X1).mean(axis=1, keepdims=True), (W1 @ X2).mean(axis=1, keepdims=True)
    v1, v2 = (W1 @ X1).var(axis=1, keepdims=True), (W1 @ X2).var(axis=1, keepdims=True)
    np.testing.assert_allclose(net.running["mu1"], 0.8 * (0.2 * mu1) + 0.2 * mu2)
    np.testing.assert_allclose(net.running["var1"], 0.8 * (0.8 * 1 + 0.2 * v1) + 0.2 * v2)
    # a test-mode forward or a loss() call does not move them
    before = net.running["mu1"].copy()
    net.predict(X1)
    net.loss(X1, np.zeros((1, 6)))
    np.testing.assert_array_equal(net.running["mu1"], before)


def test_batchnorm_test_mode_uses_running_statistics():
    net = Network([2, 3, 1], batchnorm=True, seed=0)
    net.running["mu1"] = np.array([[1.0], [-1.0], [0.5]])
    net.running["var1"] = np.array([[4.0], [1.0], [0.25]])
    net.params["gamma1"] = np.array([[2.0], [1.0], [1.0]])
    net.params["beta1"] = np.array([[0.0], [1.0], [0.0]])
    x = np.array([[0.3], [-0.7]])  # a single example: no batch statistics possible
    _, cache = net.forward(x, training=False)
    z = net.params["W1"] @ x
    expected = np.array([[2.0], [1.0], [1.0]]) * (z - net.running["mu1"]) / np.sqrt(
        net.running["var1"] + 1e-5
    ) + np.array([[0.0], [1.0], [0.0]])
    np.testing.assert_allclose(cache["Zn1"], expected)


def test_batchnorm_training_forward_normalizes_hidden_units():
    net = Network([2, 4, 1], batchnorm=True, seed=0)
    X, _ = _data(n_x=2, m=50)
    _, cache = net.forward(X)
    np.testing.assert_allclose(cache["Zn1"].mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(cache["Zn1"].var(axis=1), 1, rtol=1e-3)


def test_predict_proba_predict_accuracy():
    net = Network([3, 4, 3], output="softmax", seed=0)
    X, Y = _data(m=12, C=3)
    P = net.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=0), 1)
    labels = net.predict(X)
    assert labels.shape == (1, 12)
    np.testing.assert_array_equal(labels[0], P.argmax(axis=0))
    assert net.accuracy(X, labels) == 1.0
    assert net.accuracy(X, (labels + 1) % 3) == 0.0
    assert net.accuracy(X, one_hot(labels, 3)) == 1.0
    bnet = Network([3, 4, 1], seed=0)
    p = bnet.predict_proba(X)
    np.testing.assert_array_equal(bnet.predict(X), (p > 0.5).astype(int))


def test_loss_defaults_to_test_mode():
    net = Network([3, 8, 1], keep_prob=0.5, seed=0)
    X, Y = _data(m=10)
    assert net.loss(X, Y) == net.loss(X, Y)  # no dropout, so no randomness
    _, cache = net.forward(X, training=False)
    assert net.loss(X, Y) == pytest.approx(net.cost(Y, cache))


def test_cost_function_needs_fixed_masks_for_dropout():
    net = Network([3, 4, 1], keep_prob=0.5)
    X, Y = _data(m=5)
    with pytest.raises(ValueError, match="^masks"):
        net.cost_function(X, Y)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(hidden="gelu"), "hidden"),
        (dict(output="relu"), "output"),
        (dict(init="orthogonal"), "init"),
        (dict(penalty="l3"), "penalty"),
        (dict(lambd=-0.1), "lambd"),
        (dict(keep_prob=0.0), "keep_prob"),
        (dict(keep_prob=1.2), "keep_prob"),
        (dict(keep_prob=[0.5]), "keep_prob"),
        (dict(keep_prob=[0.5, 1.5]), "keep_prob"),
        (dict(bn_momentum=1.0), "bn_momentum"),
        (dict(bn_epsilon=0.0), "bn_epsilon"),
    ],
)
def test_bad_hyperparameters_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        Network([3, 4, 4, 1], **kwargs)


def test_bad_shapes_raise_clear_errors():
    net = Network([3, 4, 1])
    X, Y = _data(m=5)
    with pytest.raises(ValueError, match=r"^X must have shape \(3, m\)"):
        net.forward(X[:2])
    with pytest.raises(ValueError, match=r"^X must have shape"):
        net.predict(X[0])
    _, cache = net.forward(X)
    with pytest.raises(ValueError, match=r"^Y must have shape"):
        net.cost(Y[:, :4], cache)
    with pytest.raises(ValueError, match=r"^Y must have shape"):
        net.backward(np.zeros((2, 5)), cache)
    with pytest.raises(ValueError, match=r"^Y must hold 0/1 labels"):
        net.cost(Y + 1, cache)
    with pytest.raises(ValueError, match=r"^Y must hold integer labels in 0 … 2"):
        Network([3, 4, 3], output="softmax").loss(X, np.full((1, 5), 3))
    with pytest.raises(ValueError, match=r"^layer_dims"):
        Network([3, 4, 1], output="softmax")
    with pytest.raises(ValueError, match=r"^masks\['D1'\]"):
        Network([3, 4, 1], keep_prob=0.5).forward(X, masks={"D1": np.ones((4, 4))})


@settings(max_examples=15, deadline=None)
@given(
    dims=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    m=st.integers(2, 6),
    out=st.sampled_from(["sigmoid", "softmax"]),
    bn=st.booleans(),
    hidden=st.sampled_from(["relu", "tanh", "sigmoid"]),
    seed=st.integers(0, 100),
)
def test_gradient_keys_and_shapes_property(dims, m, out, bn, hidden, seed):
    C = 3 if out == "softmax" else 1
    net = Network(
        [2] + dims + [C],
        hidden=hidden,
        output=out,
        batchnorm=bn,
        seed=seed,
        keep_prob=0.9,
        lambd=0.1,
    )
    X, Y = _data(n_x=2, m=m, C=C, seed=seed)
    J, grads = net.loss_and_grads(X, Y)
    assert np.isfinite(J) and J >= 0
    assert set(grads) == {"d" + k for k in net.params}
    for k, v in net.params.items():
        assert grads["d" + k].shape == v.shape


def test_labels_and_accuracy_of_a_given_output_by_hand():
    sig = Network([2, 3, 1], seed=0)
    AL = np.array([[0.2, 0.7, 0.5, 0.9]])
    assert sig.labels(AL).tolist() == [[0, 1, 0, 1]]  # 0.5 is not > 0.5
    assert sig.accuracy_of(AL, np.array([[0, 1, 1, 0]])) == 0.5
    soft = Network([2, 3, 3], output="softmax", seed=0)
    AL3 = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
    assert soft.labels(AL3).tolist() == [[0, 2]]
    assert soft.accuracy_of(AL3, np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])) == 0.5


def test_check_X_and_targets_are_public_and_documented():
    net = Network([2, 3, 1], seed=0)
    X = net.check_X([[1, 2, 3], [4, 5, 6]])
    assert X.dtype == float and X.shape == (2, 3)
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\)"):
        net.check_X(np.zeros((3, 4)))
    np.testing.assert_array_equal(net.targets([[0, 1, 1]], 3), [[0.0, 1.0, 1.0]])
    softmax = Network([2, 3, 3], output="softmax", seed=0)
    np.testing.assert_array_equal(softmax.targets([[2, 0]], 2), one_hot([[2, 0]], 3))
    with pytest.raises(ValueError, match="Y must"):
        net.targets([[0, 1]], 3)
    assert net.check_X.__doc__ and net.targets.__doc__
