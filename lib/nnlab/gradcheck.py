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

from nnlab.checks import (
    check_array,
    check_bool,
    check_callable,
    check_positive,
    check_range,
)

__all__ = [
    "numerical_gradient",
    "dict_to_vector",
    "vector_to_dict",
    "relative_difference",
    "flatten_params_and_grads",
    "gradient_check",
    "GradCheckReport",
    "verdict",
    "GOOD",
    "LOOK_CLOSER",
]

GOOD = 1e-7  #: at or below: the gradient is right
LOOK_CLOSER = 1e-3  #: at or above: very likely a bug; in between, check more closely
#: Below float64, a step must be this many times the spacing of the floats at ``x``:
#: below, ``x ± ε`` keeps fewer than three digits of ``ε`` (float32 has a spacing of
#: 1.2e-7 at 1, so the usual ε = 1e-7 is rounded away).
RESOLUTION = 1000
#: An entry is *at a kink* when its one-sided slopes differ by more than this fraction of
#: their size (a smooth ``f`` differs by ``ε·f''``; a ReLU kink by a jump of ``O(f')``).
KINK = 1e-3


def _check_eps(eps, x, name="x"):
    """``eps > 0`` and large enough for the precision of ``x`` (see :data:`RESOLUTION`)."""
    eps = check_positive("eps", eps)
    x = np.asarray(x)
    # float64's own round-off at a tiny eps is a lesson of the chapter (epsilon_sweep);
    # a lower precision silently ruins the usual eps = 1e-7, so it is refused
    if x.size and np.issubdtype(x.dtype, np.floating) and np.finfo(x.dtype).eps > 1e-15:
        top = float(np.max(np.abs(x)))
        spacing = float(np.spacing(np.asarray(max(top, 1.0), dtype=x.dtype)))
        if eps < RESOLUTION * spacing:
            raise ValueError(
                f"eps = {eps:g} is below the resolution of {name} ({x.dtype}, spacing "
                f"{spacing:.2g} near its largest entry {top:.3g}): x ± eps rounds away most "
                f"of eps and the numerical gradient is wrong. Use eps >= "
                f"{RESOLUTION * spacing:.2g} or convert {name} to float64"
            )
    return eps


def _check_x(x):
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise ValueError(
            "x must be a float NumPy array (it is perturbed in place), got "
            f"{type(x).__name__}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold finite numbers")
    return x


def _f_value(f, x) -> float:
    value = f(x)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"f must return a number J, got {type(value).__name__}") from None
    return v


def _centered(f, x, eps, kinks: bool = False):
    """Centered differences of ``f`` at ``x``; with ``kinks``, also a boolean mask of the
    entries where the two one-sided slopes disagree (``f`` has a kink within ε)."""
    grad = np.zeros_like(x)
    at_kink = np.zeros(x.shape, dtype=bool)
    f0 = _f_value(f, x) if kinks else 0.0
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            f_plus = _f_value(f, x)
            x[idx] = old - eps
            f_minus = _f_value(f, x)
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
        if kinks:
            right, left = (f_plus - f0) / eps, (f0 - f_minus) / eps
            noise = 1e2 * np.finfo(float).eps * max(abs(f0), 1e-300) / eps
            at_kink[idx] = abs(right - left) > max(KINK * (abs(right) + abs(left)), noise)
    return grad, at_kink


def numerical_gradient(f, x, eps: float = 1e-7) -> np.ndarray:
    """``∂f/∂x`` by centered differences ``(f(x + ε e_i) - f(x - ε e_i)) / 2ε``.

    ``f(x) -> float``; ``x`` is a float array perturbed one entry at a time **in
    place** (so ``f`` may also read it through a closure) and restored afterwards,
    even if ``f`` raises. Returns an array of ``x``'s shape.
    """
    check_callable("f", f, "a function f(x) -> J")
    eps = _check_eps(eps, _check_x(x))
    return _centered(f, x, eps)[0]


def dict_to_vector(d: dict, keys=None):
    """Unroll ``d[k]`` for ``k`` in ``keys`` (default: ``d``'s order) into one vector ``θ``.

    Returns ``(θ, layout)``; ``layout`` is a list of ``(key, shape)`` that
    :func:`vector_to_dict` uses to cut ``θ`` back into arrays.
    """
    if not isinstance(d, dict):
        raise ValueError(f"d must be a dict of arrays, got {type(d).__name__}")
    if isinstance(keys, (str, bytes)):
        raise ValueError(f"keys must be a list of keys of d, got the string {keys!r}")
    keys = list(d) if keys is None else list(keys)
    missing = [k for k in keys if k not in d]
    if missing:
        raise ValueError(f"keys must all be in d; missing {missing}")
    arrays = [check_array(f"d[{k!r}]", d[k], allow_empty=True) for k in keys]
    layout = [(k, a.shape) for k, a in zip(keys, arrays)]
    if not keys:
        return np.zeros(0), layout
    return np.concatenate([a.ravel() for a in arrays]), layout


def vector_to_dict(v, layout) -> dict:
    """The inverse of :func:`dict_to_vector`: new arrays shaped as in ``layout``."""
    v = check_array("v", v, allow_empty=True)
    try:
        layout = [(k, tuple(int(n) for n in shape)) for k, shape in layout]
    except (TypeError, ValueError):
        raise ValueError(
            "layout must be a list of (key, shape) pairs, as dict_to_vector "
            f"returns it, got {layout!r}"
        ) from None
    if any(n < 0 for _, shape in layout for n in shape):
        raise ValueError(f"layout shapes must be non-negative, got {layout!r}")
    sizes = [int(np.prod(shape)) for _, shape in layout]
    if v.ndim != 1 or v.size != sum(sizes):
        raise ValueError(f"v must be a vector of {sum(sizes)} entries, got shape {v.shape}")
    out, start = {}, 0
    for (k, shape), n in zip(layout, sizes):
        out[k] = v[start : start + n].reshape(shape).copy()
        start += n
    return out


def relative_difference(a, b) -> float:
    """``‖a - b‖₂ / (‖a‖₂ + ‖b‖₂)``, and 0 when both are zero vectors."""
    a, b = check_array("a", a, allow_empty=True), check_array("b", b, allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    a, b = a.ravel(), b.ravel()
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def verdict(difference: float) -> str:
    """The course's reading of a relative difference."""
    difference = check_range("difference", difference, 0, None, allow_inf=True)
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
    kinks: dict = field(default_factory=dict)
    difference_off_kinks: float | None = None

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
        lines = [
            f"Gradient check (eps = {self.eps:g}): relative difference "
            f"{self.difference:.2e} -> {verdict(self.difference)}",
            f"  {'parameter':<{width}}  difference  verdict",
        ]
        for k, d in self.per_parameter.items():
            mark = "  <- worst" if k == self.worst and d > GOOD else ""
            lines.append(f"  {k:<{width}}  {d:10.2e}  {verdict(d)}{mark}")
        if self.kinks:
            where = ", ".join(f"{n} in {k}" for k, n in self.kinks.items())
            off = self.difference_off_kinks
            lines.append(
                f"  Kinks: {where} entr{'y' if sum(self.kinks.values()) == 1 else 'ies'} "
                f"sit within eps of a kink of J (e.g. a ReLU pre-activation within eps of 0): "
                f"there the two one-sided slopes differ and the centered difference is no "
                f"derivative, so a large difference is not evidence of a bug. Without those "
                f"entries: {off:.2e} -> {verdict(off)}."
            )
        return "\n".join(lines)


def flatten_params_and_grads(params: dict, grads: dict):
    """``(θ, dθ, layout)``: ``params`` and the matching ``grads`` (``dW1`` for ``W1`` …)
    as two vectors in the same order, for comparing analytic and numerical gradients."""
    if not isinstance(params, dict) or not params:
        raise ValueError(f"params must be a dict of arrays {{'W1': …}}, got {params!r}")
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict of arrays {{'dW1': …}}, got {grads!r}")
    missing = [k for k in params if "d" + k not in grads]
    if missing:
        raise ValueError(
            f"grads must hold 'd<name>' for every parameter; missing {['d' + k for k in missing]}"
        )
    for k in params:
        check_array(f"params[{k!r}]", params[k], allow_empty=True)
        g = check_array(f"grads['d{k}']", grads["d" + k], allow_empty=True)
        if g.shape != np.shape(params[k]):
            hint = " (transposed?)" if g.shape == np.shape(params[k])[::-1] else ""
            raise ValueError(
                f"grads['d{k}'] has shape {g.shape}, params[{k!r}] has "
                f"{np.shape(params[k])}: a gradient has its parameter's shape{hint}"
            )
    theta, layout = dict_to_vector(params)
    analytic, _ = dict_to_vector({k: grads["d" + k] for k in params})
    return theta, analytic, layout


def gradient_check(f, params: dict, grads: dict, eps: float = 1e-7) -> GradCheckReport:
    """Check ``grads`` (keys ``dW1`` …) against centered differences of ``f(params) -> J``.

    ``θ = dict_to_vector(params)``; for every entry ``i``,
    ``dθ_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε`` with ``J`` evaluated on
    ``vector_to_dict`` of the perturbed vector (``params`` itself is not modified).
    The overall difference and one per parameter are
    ``‖dθ_approx - dθ‖₂ / (‖dθ_approx‖₂ + ‖dθ‖₂)``.

    Kinks (CS231n's advice): where ``J`` is not differentiable within ε of ``θ`` (a ReLU
    pre-activation within ε of 0), the centered difference is no derivative and a
    correct backward pass can look "likely a bug". Each entry's two one-sided slopes
    ``(J(θ+εe_i) − J(θ))/ε`` and ``(J(θ) − J(θ−εe_i))/ε`` are compared (one more call of
    ``f``); entries where they disagree are counted in ``report.kinks`` (per parameter)
    and ``report.difference_off_kinks`` is the difference without them; the report's text
    says so. ``params`` must be float64 enough for ``eps`` (a float32 array is refused
    with a message: its spacing of 1.2e-7 swallows ``eps = 1e-7``).
    """
    check_callable("f", f, "a function f(params) -> J")
    theta, analytic, layout = flatten_params_and_grads(params, grads)
    for k, _ in layout:
        _check_eps(eps, params[k], name=f"params[{k!r}]")
    eps = check_positive("eps", eps)
    approx, at_kink = _centered(
        lambda t: f(vector_to_dict(t, layout)), theta.copy(), eps, kinks=True
    )
    num_d, ana_d = vector_to_dict(approx, layout), vector_to_dict(analytic, layout)
    kink_d = vector_to_dict(at_kink.astype(float), layout)
    per = {k: relative_difference(ana_d[k], num_d[k]) for k, _ in layout}
    kinks = {k: int(v.sum()) for k, v in kink_d.items() if v.sum()}
    off = relative_difference(analytic[~at_kink], approx[~at_kink]) if kinks else None
    return GradCheckReport(
        difference=relative_difference(analytic, approx),
        per_parameter=per,
        numerical={"d" + k: v for k, v in num_d.items()},
        analytic={"d" + k: v for k, v in ana_d.items()},
        eps=eps,
        kinks=kinks,
        difference_off_kinks=off,
    )


# ---------------------------------------------------------------- finite differences
def one_sided_gradient(f, x, eps: float = 1e-7) -> np.ndarray:
    """``∂f/∂x`` by forward differences ``(f(x + ε e_i) - f(x)) / ε``.

    ``x`` is a float array, perturbed in place one entry at a time and restored.
    """
    check_callable("f", f, "a function f(x) -> J")
    eps = _check_eps(eps, _check_x(x))
    f0 = _f_value(f, x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            grad[idx] = (_f_value(f, x) - f0) / eps
        finally:
            x[idx] = old
    return grad


def epsilon_sweep(f, params: dict, grads: dict, epsilons, one_sided: bool = False) -> np.ndarray:
    """Relative difference ``‖dθ_approx - dθ‖ / (‖dθ_approx‖ + ‖dθ‖)`` for each ε.

    ``f(params) -> J``; ``grads`` holds ``dW1`` … for every ``W1`` in ``params``;
    ``dθ_approx`` uses two-sided differences, or one-sided ones with ``one_sided=True``.
    """
    check_callable("f", f, "a function f(params) -> J")
    check_bool("one_sided", one_sided)
    eps = np.atleast_1d(check_array("epsilons", epsilons))
    if eps.ndim != 1:
        raise ValueError(f"epsilons must be a list of step sizes, got shape {eps.shape}")
    for e in eps:
        check_positive("epsilons entries", e)
    theta, analytic, layout = flatten_params_and_grads(params, grads)
    g = lambda t: f(vector_to_dict(t, layout))  # noqa: E731 - a one-line adapter
    rule = one_sided_gradient if one_sided else numerical_gradient
    return np.array([relative_difference(rule(g, theta.copy(), e), analytic) for e in eps])
