"""backprop_bugs: the bug-free pass equals Network.backward and finite differences; each
bug changes exactly the gradients it should."""
import numpy as np
import pytest

from nnlab.backprop_bugs import BUGS, buggy_backward
from nnlab.gradcheck import numerical_gradient
from nnlab.model import Network


def _setup(hidden="tanh", lambd=0.2, keep_prob=1.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 12))
    Y = (rng.random((1, 12)) < 0.5).astype(int)
    net = Network([3, 4, 3, 1], hidden=hidden, init="xavier", seed=seed, lambd=lambd,
                  keep_prob=keep_prob)
    masks = net.draw_masks(12, rng=np.random.default_rng(5)) if keep_prob < 1 else None
    _, cache = net.forward(X, training=True, masks=masks, update_running=False)
    return net, X, Y, cache, masks


@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("keep_prob", [1.0, 0.7])
def test_no_bug_equals_network_backward(hidden, keep_prob):
    net, X, Y, cache, _ = _setup(hidden, keep_prob=keep_prob)
    ref = net.backward(Y, cache)
    got = buggy_backward(net, Y, cache, "none", 1)
    assert set(got) == set(ref)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-15)


def test_no_bug_matches_finite_differences():
    net, X, Y, cache, _ = _setup("tanh")
    grads = buggy_backward(net, Y, cache)
    f = net.cost_function(X, Y)
    for k in net.params:
        num = numerical_gradient(lambda p: f({**net.params, k: p}), net.params[k].copy(), 1e-6)
        np.testing.assert_allclose(grads["d" + k], num, rtol=1e-5, atol=1e-9)


def _changed(net, Y, cache, bug, layer):
    ref = net.backward(Y, cache)
    got = buggy_backward(net, Y, cache, bug, layer)
    return {k[1:] for k in ref if not np.allclose(got[k], ref[k], rtol=1e-12, atol=0)}


def test_local_bugs_change_only_their_own_parameter():
    net, X, Y, cache, _ = _setup()
    m = X.shape[1]
    for layer in (1, 2, 3):
        assert _changed(net, Y, cache, "dW missing 1/m", layer) == {f"W{layer}"}
        assert _changed(net, Y, cache, "db wrong sign", layer) == {f"b{layer}"}
        assert _changed(net, Y, cache, "L2 term missing", layer) == {f"W{layer}"}
    # by hand: the L2 bug removes exactly (λ/m) W[l]
    ref = net.backward(Y, cache)["dW2"]
    got = buggy_backward(net, Y, cache, "L2 term missing", 2)["dW2"]
    np.testing.assert_allclose(ref - got, 0.2 / m * net.params["W2"], rtol=1e-12)


def test_activation_bug_spoils_its_layer_and_every_layer_below():
    net, X, Y, cache, _ = _setup()
    assert _changed(net, Y, cache, "activation derivative wrong", 1) == {"W1", "b1"}
    assert _changed(net, Y, cache, "activation derivative wrong", 2) == {"W1", "b1", "W2", "b2"}
    assert _changed(net, Y, cache, "activation derivative wrong", 3) == set(net.params)


def test_dropout_bug_needs_dropout_and_spoils_the_layers_below():
    net, X, Y, cache, _ = _setup(keep_prob=0.7)
    assert _changed(net, Y, cache, "dropout mask missing", 2) == {"W1", "b1", "W2", "b2"}
    net, X, Y, cache, _ = _setup(keep_prob=1.0)
    assert _changed(net, Y, cache, "dropout mask missing", 2) == set()


def test_l2_bug_is_invisible_without_l2():
    net, X, Y, cache, _ = _setup(lambd=0.0)
    assert _changed(net, Y, cache, "L2 term missing", 1) == set()


@pytest.mark.parametrize("kwargs, name", [(dict(bug="typo"), "bug"), (dict(layer=0), "layer"),
                                          (dict(layer=4), "layer")])
def test_bad_arguments(kwargs, name):
    net, X, Y, cache, _ = _setup()
    with pytest.raises(ValueError, match=name):
        buggy_backward(net, Y, cache, **({"bug": "none", "layer": 1} | kwargs))


def test_bug_list_is_complete():
    assert BUGS[0] == "none" and len(set(BUGS)) == len(BUGS) == 6
