"""backprop_bugs: the bug-free pass equals Network.backward and finite differences; each
bug changes exactly the gradients it should.

The gradient-checking widgets flag what they should, with the course's thresholds.
"""

import numpy as np
import pytest

from nnlab.chapters.practical.gradient_checking import (
    BUGS,
    EPS_GRID,
    _sweep_setup,
    bug_explorer,
    buggy_backward,
    check_data,
    epsilon_explorer,
    make_network,
    run_check,
    sweep,
)
from nnlab.gradcheck import numerical_gradient
from nnlab.model import Network


def _setup(hidden="tanh", lambd=0.2, keep_prob=1.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 12))
    Y = (rng.random((1, 12)) < 0.5).astype(int)
    net = Network(
        [3, 4, 3, 1], hidden=hidden, init="xavier", seed=seed, lambd=lambd, keep_prob=keep_prob
    )
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


@pytest.mark.parametrize(
    "kwargs, name", [(dict(bug="typo"), "bug"), (dict(layer=0), "layer"), (dict(layer=4), "layer")]
)
def test_bad_arguments(kwargs, name):
    net, X, Y, cache, _ = _setup()
    with pytest.raises(ValueError, match=name):
        buggy_backward(net, Y, cache, **({"bug": "none", "layer": 1} | kwargs))


def test_bug_list_is_complete():
    assert BUGS[0] == "none" and len(set(BUGS)) == len(BUGS) == 6


def test_correct_backprop_passes_and_every_bug_fails():
    assert run_check("none", 1, lambd=0.1).difference < 1e-7
    for bug in (
        "dW missing 1/m",
        "db wrong sign",
        "activation derivative wrong",
        "L2 term missing",
    ):
        for layer in (1, 2, 3):
            assert run_check(bug, layer, lambd=0.1).difference > 1e-3, (bug, layer)


def test_the_worst_parameter_points_at_the_bug():
    rep = run_check("dW missing 1/m", 2, lambd=0.1)
    assert rep.worst == "W2"
    assert rep.per_parameter["W1"] < 1e-7 and rep.per_parameter["W3"] < 1e-7


def test_l2_bug_is_invisible_at_lambda_zero():
    assert run_check("L2 term missing", 1, lambd=0.0).difference < 1e-7


def test_dropout_fresh_masks_break_the_check_frozen_masks_do_not():
    assert run_check("none", 1, dropout="on, masks frozen").difference < 1e-7
    assert run_check("none", 1, dropout="on, fresh masks each call").difference > 1e-3
    assert run_check("dropout mask missing", 2, dropout="on, masks frozen").difference > 1e-3


def test_small_init_hides_a_bug_that_training_reveals():
    at_init = run_check("db wrong sign", 3, init="small random (×0.1)").difference
    later = run_check(
        "db wrong sign", 3, init="small random (×0.1)", when="after 300 training steps"
    ).difference
    assert at_init < 1e-3 < later


def test_bug_title_reports_overall_difference_and_verdict():
    fig = bug_explorer.figure(bug="none", layer=1)
    assert fig.axes[0].get_title().endswith(": good")
    fig = bug_explorer.figure(bug="dW missing 1/m", layer=3)
    assert "likely a bug" in fig.axes[0].get_title() and "worst: W3" in fig.axes[0].get_title()


def test_the_sweep_differentiates_the_network_cost():
    # the ε sweep evaluates the library's cost (no private copy of it) at the network's
    # parameters and compares with the network's backprop gradients
    X, Y = check_data()
    for hidden in ("tanh", "relu"):
        net = make_network(hidden=hidden)
        f, params, grads = _sweep_setup(hidden)
        assert f(params) == net.cost_function(X, Y)(net.params)
        moved = {k: v + 0.1 for k, v in params.items()}
        assert f(moved) == net.cost_function(X, Y)(moved) != f(params)
        _, cache = net.forward(X, training=True, update_running=False)
        for k, g in net.backward(Y, cache).items():
            np.testing.assert_array_equal(grads[k], g)


def test_epsilon_sweep_shows_truncation_and_round_off():
    two = sweep("tanh", False)
    one = sweep("tanh", True)
    big, small = EPS_GRID == 1e-1, EPS_GRID == 1e-12
    best = np.argmin(two)
    assert 1e-7 <= EPS_GRID[best] <= 1e-4  # the sweet spot sits in between
    assert two[big][0] > 1e-4 and two[small][0] > 1e-5  # both ends are bad
    i2, i3 = np.argmin(abs(EPS_GRID - 1e-2)), np.argmin(abs(EPS_GRID - 1e-3))
    assert 50 < two[i2] / two[i3] < 200  # O(ε²): a decade of ε is two of error
    assert 5 < one[i2] / one[i3] < 20  # O(ε): one decade
    fig = epsilon_explorer.figure(epsilon=1e-7)
    assert "(good)" in fig.axes[0].get_title()
