"""Gradient checking: compare backprop's gradient with centered finite differences.

For a cost ``J(θ)`` with all parameters unrolled into one vector ``θ``,

    dθ_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε),

and the check is the relative difference ``‖dθ_approx - dθ‖₂ / (‖dθ_approx‖₂ + ‖dθ‖₂)``:
about ``1e-7`` or less is good, around ``1e-5`` deserves a closer look, ``1e-3`` or more
is very likely a bug. Use it to debug, not while training (it costs two forward passes
per parameter), and turn dropout off or freeze its masks first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnlab.checks import check_positive

__all__ = ["numerical_gradient", "dict_to_vector", "vector_to_dict", "relative_difference",
           "flatten_params_and_grads",
           "gradient_check", "GradCheckReport", "verdict", "GOOD", "LOOK_CLOSER"]

GOOD = 1e-7         #: at or below: the gradient is right
LOOK_CLOSER = 1e-3  #: at or above: very likely a bug; in between, check more closely


def numerical_gradient(f, x, eps: float = 1e-7) -> np.ndarray:
    """``∂f/∂x`` by centered differences ``(f(x + ε e_i) - f(x - ε e_i)) / 2ε``.

    ``f(x) -> float``; ``x`` is a float array perturbed one entry at a time **in
    place** (so ``f`` may also read it through a closure) and restored afterwards,
    even if ``f`` raises. Returns an array of ``x``'s shape.
    """
    check_positive("eps", eps)
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise ValueError("x must be a float NumPy array (it is perturbed in place)")
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            f_plus = f(x)
            x[idx] = old - eps
            f_minus = f(x)
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def dict_to_vector(d: dict, keys=None):
    """Unroll ``d[k]`` for ``k`` in ``keys`` (default: ``d``'s order) into one vector ``θ``.

    Returns ``(θ, layout)``; ``layout`` is a list of ``(key, shape)`` that
    :func:`vector_to_dict` uses to cut ``θ`` back into arrays.
    """
    keys = list(d) if keys is None else list(keys)
    missing = [k for k in keys if k not in d]
    if missing:
        raise ValueError(f"keys must all be in d; missing {missing}")
    layout = [(k, np.shape(d[k])) for k in keys]
    if not keys:
        return np.zeros(0), layout
    return np.concatenate([np.asarray(d[k], dtype=float).ravel() for k in keys]), layout


def vector_to_dict(v, layout) -> dict:
    """The inverse of :func:`dict_to_vector`: new arrays shaped as in ``layout``."""
    v = np.asarray(v, dtype=float)
    sizes = [int(np.prod(shape)) for _, shape in layout]
    if v.ndim != 1 or v.size != sum(sizes):
        raise ValueError(f"v must be a vector of {sum(sizes)} entries, got shape {v.shape}")
    out, start = {}, 0
    for (k, shape), n in zip(layout, sizes):
        out[k] = v[start:start + n].reshape(shape).copy()
        start += n
    return out


def relative_difference(a, b) -> float:
    """``‖a - b‖₂ / (‖a‖₂ + ‖b‖₂)``, and 0 when both are zero vectors."""
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same size, got {a.size} and {b.size}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def verdict(difference: float) -> str:
    """The course's reading of a relative difference."""
    if difference <= GOOD:
        return "good"
    if difference < LOOK_CLOSER:
        return "look closer"
    return "likely a bug"


@dataclass
class GradCheckReport:
    """Result of :func:`gradient_check`.

    ``difference``: the overall relative difference; ``per_parameter``: name → relative
    difference of that parameter's block (``W1`` …); ``worst``: the name with the largest;
    ``numerical`` and ``analytic``: the two gradients as dicts keyed ``dW1`` ….
    """

    difference: float
    per_parameter: dict
    numerical: dict = field(repr=False)
    analytic: dict = field(repr=False)
    eps: float = 1e-7

    @property
    def worst(self) -> str | None:
        if not self.per_parameter:
            return None
        return max(self.per_parameter, key=self.per_parameter.get)

    def passed(self, threshold: float = GOOD) -> bool:
        """``difference <= threshold`` (1e-7 by default, the course's "good")."""
        return self.difference <= threshold

    def __str__(self) -> str:
        width = max([len("parameter")] + [len(k) for k in self.per_parameter])
        lines = [f"Gradient check (eps = {self.eps:g}): relative difference "
                 f"{self.difference:.2e} -> {verdict(self.difference)}",
                 f"  {'parameter':<{width}}  difference  verdict"]
        for k, d in self.per_parameter.items():
            mark = "  <- worst" if k == self.worst and d > GOOD else ""
            lines.append(f"  {k:<{width}}  {d:10.2e}  {verdict(d)}{mark}")
        return "\n".join(lines)


def flatten_params_and_grads(params: dict, grads: dict):
    """``(θ, dθ, layout)``: ``params`` and the matching ``grads`` (``dW1`` for ``W1`` …)
    as two vectors in the same order, for comparing analytic and numerical gradients."""
    missing = [k for k in params if "d" + k not in grads]
    if missing:
        raise ValueError(f"grads must hold 'd<name>' for every parameter; missing "
                         f"{['d' + k for k in missing]}")
    theta, layout = dict_to_vector(params)
    analytic, _ = dict_to_vector({k: grads["d" + k] for k in params})
    if analytic.size != theta.size:
        raise ValueError("grads must have the same shapes as params")
    return theta, analytic, layout


def gradient_check(f, params: dict, grads: dict, eps: float = 1e-7) -> GradCheckReport:
    """Check ``grads`` (keys ``dW1`` …) against centered differences of ``f(params) -> J``.

    ``θ = dict_to_vector(params)``; for every entry ``i``,
    ``dθ_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε`` with ``J`` evaluated on
    ``vector_to_dict`` of the perturbed vector (``params`` itself is not modified).
    The overall difference and one per parameter are
    ``‖dθ_approx - dθ‖₂ / (‖dθ_approx‖₂ + ‖dθ‖₂)``.
    """
    check_positive("eps", eps)
    theta, analytic, layout = flatten_params_and_grads(params, grads)
    approx = numerical_gradient(lambda t: f(vector_to_dict(t, layout)), theta.copy(), eps)
    num_d, ana_d = vector_to_dict(approx, layout), vector_to_dict(analytic, layout)
    per = {k: relative_difference(ana_d[k], num_d[k]) for k, _ in layout}
    return GradCheckReport(difference=relative_difference(analytic, approx), per_parameter=per,
                           numerical={"d" + k: v for k, v in num_d.items()},
                           analytic={"d" + k: v for k, v in ana_d.items()}, eps=eps)


# ---------------------------------------------------------------- finite differences
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
