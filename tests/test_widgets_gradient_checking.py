"""The gradient-checking widgets flag what they should, with the course's thresholds."""
import numpy as np

from nnlab.widgets.gradient_checking import (EPS_GRID, _sweep_setup, bug_explorer, check_data,
                                             epsilon_explorer, make_network, run_check, sweep)


def test_correct_backprop_passes_and_every_bug_fails():
    assert run_check("none", 1, lambd=0.1).difference < 1e-7
    for bug in ("dW missing 1/m", "db wrong sign", "activation derivative wrong", "L2 term missing"):
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
    later = run_check("db wrong sign", 3, init="small random (×0.1)",
                      when="after 300 training steps").difference
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
    assert 1e-7 <= EPS_GRID[best] <= 1e-4             # the sweet spot sits in between
    assert two[big][0] > 1e-4 and two[small][0] > 1e-5  # both ends are bad
    i2, i3 = np.argmin(abs(EPS_GRID - 1e-2)), np.argmin(abs(EPS_GRID - 1e-3))
    assert 50 < two[i2] / two[i3] < 200               # O(ε²): a decade of ε is two of error
    assert 5 < one[i2] / one[i3] < 20                 # O(ε): one decade
    fig = epsilon_explorer.figure(epsilon=1e-7)
    assert "(good)" in fig.axes[0].get_title()
