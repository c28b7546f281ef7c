"""finite_differences: one-sided differences by hand, and the error orders O(ε) / O(ε²)."""
import numpy as np
import pytest

from nnlab.finite_differences import epsilon_sweep, one_sided_gradient


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
    np.testing.assert_allclose(two, eps ** 2 / 12, rtol=0.02)
    assert one[0] / one[1] == pytest.approx(10, rel=0.02)
    assert two[0] / two[1] == pytest.approx(100, rel=0.02)


def test_round_off_dominates_for_tiny_eps():
    params = {"W1": np.array([[0.3, -0.2]])}
    grads = {"dW1": np.exp(params["W1"])}
    f = lambda p: float(np.sum(np.exp(p["W1"])))
    tiny, best = epsilon_sweep(f, params, grads, [1e-13, 1e-5])
    assert tiny > 1e-5 > 1e-9 > best


def test_bad_arguments():
    f = lambda x: float(np.sum(x))
    with pytest.raises(ValueError, match="eps"):
        one_sided_gradient(f, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match="x must be a float"):
        one_sided_gradient(f, np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="grads"):
        epsilon_sweep(lambda p: 0.0, {"W1": np.zeros(2)}, {}, [1e-3])
