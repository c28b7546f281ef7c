import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.gradcheck import (
    dict_to_vector,
    epsilon_sweep,
    gradient_check,
    numerical_gradient,
    one_sided_gradient,
    relative_difference,
    vector_to_dict,
    verdict,
)
from nnlab.model import Network


def test_numerical_gradient_of_a_cubic_and_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(v**3), x, eps=1e-5)
    np.testing.assert_allclose(g, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_difference_hand_values():
    assert relative_difference([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    # ‖(3,4) - 0‖ / (5 + 0) = 1
    assert relative_difference([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert relative_difference([1.0], [3.0]) == pytest.approx(2.0 / 4.0)


def test_dict_to_vector_order_and_layout():
    d = {"W1": np.array([[1.0, 2.0], [3.0, 4.0]]), "b1": np.array([[5.0], [6.0]])}
    v, layout = dict_to_vector(d)
    np.testing.assert_array_equal(v, [1, 2, 3, 4, 5, 6])
    assert layout == [("W1", (2, 2)), ("b1", (2, 1))]
    v2, _ = dict_to_vector(d, keys=["b1", "W1"])
    np.testing.assert_array_equal(v2, [5, 6, 1, 2, 3, 4])


@settings(max_examples=40, deadline=None)
@given(
    shapes=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_vector_round_trip_property(shapes, seed):
    rng = np.random.default_rng(seed)
    d = {f"W{i}": rng.normal(size=s) for i, s in enumerate(shapes)}
    v, layout = dict_to_vector(d)
    assert v.size == sum(a * b for a, b in shapes)
    back = vector_to_dict(v, layout)
    assert list(back) == list(d)
    for k in d:
        np.testing.assert_array_equal(back[k], d[k])
        assert back[k] is not d[k]


def _net_and_grads():
    net = Network([3, 4, 3, 1], hidden="tanh", lambd=0.1, seed=0)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 6)), rng.integers(0, 2, size=(1, 6))
    J, grads = net.loss_and_grads(X, Y)
    return net, net.cost_function(X, Y), grads


def test_gradient_check_passes_a_correct_gradient():
    net, f, grads = _net_and_grads()
    before = {k: v.copy() for k, v in net.params.items()}
    report = gradient_check(f, net.params, grads)
    assert report.passed() and report.difference < 1e-7
    assert set(report.per_parameter) == set(net.params)
    assert all(d < 1e-6 for d in report.per_parameter.values())
    for k in before:  # params are left untouched
        np.testing.assert_array_equal(net.params[k], before[k])


@pytest.mark.parametrize("bad", ["W2", "b1", "b3"])
def test_gradient_check_flags_the_wrong_parameter(bad):
    net, f, grads = _net_and_grads()
    grads = dict(grads)
    grads["d" + bad] = grads["d" + bad] * 1.5 + 0.01
    report = gradient_check(f, net.params, grads)
    assert not report.passed()
    assert report.worst == bad
    assert report.per_parameter[bad] > 1e-3
    assert all(d < 1e-6 for k, d in report.per_parameter.items() if k != bad)
    text = str(report)
    assert bad in text and "likely a bug" in text and "worst" in text


def test_verdicts_follow_course_thresholds():
    assert verdict(1e-8) == "good"
    assert verdict(1e-5) == "look closer"
    assert verdict(2e-3) == "likely a bug"


def test_bad_arguments():
    with pytest.raises(ValueError, match="^eps"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match="^x must be a float"):
        numerical_gradient(lambda v: 0.0, np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="^grads"):
        gradient_check(lambda p: 0.0, {"W1": np.zeros((1, 1))}, {})
    with pytest.raises(ValueError, match="^v must be a vector of 4"):
        vector_to_dict(np.zeros(3), [("W1", (2, 2))])


def test_one_sided_gradient_by_hand_and_restores_x():
    # f(x) = x0² + 3 x1: forward difference of x0² at x0 = 2 is (4 + 4ε + ε² - 4)/ε = 4 + ε
    f = lambda x: x[0] ** 2 + 3 * x[1]
    x = np.array([2.0, -1.0])
    g = one_sided_gradient(f, x, eps=1e-3)
    np.testing.assert_allclose(g, [4.001, 3.0], rtol=1e-9)
    np.testing.assert_array_equal(x, [2.0, -1.0])


def test_truncation_error_orders():
    # J(w) = Σ exp(w): exact gradient exp(w); one-sided error ~ ε/2 · exp(w), two-sided ~ ε²/6 · exp(w)
    params = {"W1": np.array([[0.3, -0.2]])}
    grads = {"dW1": np.exp(params["W1"])}
    f = lambda p: float(np.sum(np.exp(p["W1"])))
    eps = np.array([1e-2, 1e-3])
    one = epsilon_sweep(f, params, grads, eps, one_sided=True)
    two = epsilon_sweep(f, params, grads, eps)
    # relative difference = err / (2‖g‖ + err) ≈ ε/4 (one-sided) and ε²/12 (two-sided)
    np.testing.assert_allclose(one, eps / 4, rtol=0.02)
    np.testing.assert_allclose(two, eps**2 / 12, rtol=0.02)
    assert one[0] / one[1] == pytest.approx(10, rel=0.02)
    assert two[0] / two[1] == pytest.approx(100, rel=0.02)


def test_round_off_dominates_for_tiny_eps():
    params = {"W1": np.array([[0.3, -0.2]])}
    grads = {"dW1": np.exp(params["W1"])}
    f = lambda p: float(np.sum(np.exp(p["W1"])))
    tiny, best = epsilon_sweep(f, params, grads, [1e-13, 1e-5])
    assert tiny > 1e-5 > 1e-9 > best


def test_finite_difference_helpers_check_their_arguments():
    f = lambda x: float(np.sum(x))
    with pytest.raises(ValueError, match="eps"):
        one_sided_gradient(f, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match="x must be a float"):
        one_sided_gradient(f, np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="grads"):
        epsilon_sweep(lambda p: 0.0, {"W1": np.zeros(2)}, {}, [1e-3])
