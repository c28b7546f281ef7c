"""One-sided versus two-sided differences, and how the step ε trades two errors.

For a smooth ``J`` and step ``ε``, Taylor's theorem gives

    (J(θ + ε) - J(θ)) / ε          = J'(θ) + (ε/2) J''(θ) + O(ε²)        (one-sided, O(ε))
    (J(θ + ε) - J(θ - ε)) / (2ε)   = J'(θ) + (ε²/6) J'''(θ) + O(ε⁴)      (two-sided, O(ε²))

so the two-sided difference is far more accurate for the same ε. That *truncation* error
shrinks as ε does, but each ``J`` is only known to about ``u·|J|`` (``u ≈ 1.1e-16`` in
float64), and dividing the difference by ε turns that into a *round-off* error of about
``u·|J|/ε``, which grows as ε shrinks. The total error is smallest in between, near
``ε ≈ u^{1/3}`` (about 1e-5) for two-sided and ``u^{1/2}`` (about 1e-8) for one-sided
differences.
"""
from __future__ import annotations

import numpy as np

from .checks import check_positive
from .gradcheck import (flatten_params_and_grads, numerical_gradient, relative_difference,
                        vector_to_dict)

__all__ = ["one_sided_gradient", "epsilon_sweep"]


def one_sided_gradient(f, x, eps: float = 1e-7) -> np.ndarray:
    """``∂f/∂x`` by forward differences ``(f(x + ε e_i) - f(x)) / ε``.

    ``x`` is a float array, perturbed in place one entry at a time and restored.
    """
    check_positive("eps", eps)
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise ValueError("x must be a float NumPy array (it is perturbed in place)")
    f0 = f(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            grad[idx] = (f(x) - f0) / eps
        finally:
            x[idx] = old
    return grad


def epsilon_sweep(f, params: dict, grads: dict, epsilons, one_sided: bool = False) -> np.ndarray:
    """Relative difference ``‖dθ_approx - dθ‖ / (‖dθ_approx‖ + ‖dθ‖)`` for each ε.

    ``f(params) -> J``; ``grads`` holds ``dW1`` … for every ``W1`` in ``params``;
    ``dθ_approx`` uses two-sided differences, or one-sided ones with ``one_sided=True``.
    """
    eps = np.atleast_1d(np.asarray(epsilons, dtype=float))
    for e in eps:
        check_positive("epsilons entries", e)
    theta, analytic, layout = flatten_params_and_grads(params, grads)
    g = lambda t: f(vector_to_dict(t, layout))  # noqa: E731 - a one-line adapter
    rule = one_sided_gradient if one_sided else numerical_gradient
    return np.array([relative_difference(rule(g, theta.copy(), e), analytic) for e in eps])
