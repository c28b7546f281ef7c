"""Activation functions ``A = g(Z)`` and their backward passes ``dZ = dA * g'(Z)``.

All functions act element-wise on ``Z`` of shape ``(n[l], m)``, except ``softmax``
which normalizes each column (one example). None of them overflows or warns for
large ``|Z|``, and infinite entries of ``Z`` give the limit (``sigmoid(inf) = 1``,
a column of ``softmax`` with one ``+inf`` puts all its mass there). The public
functions check their arguments (a real array, ``(n, m)`` for softmax, no NaN, ``dA``
of ``Z``'s shape); :data:`ACTIVATIONS` holds the same maths unchecked, which the network
calls on its own arrays (a diverging run must reach the training loop's NaN check).
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_array, check_matrix, check_same_shape

__all__ = [
    "sigmoid",
    "relu",
    "tanh",
    "softmax",
    "sigmoid_backward",
    "relu_backward",
    "tanh_backward",
    "softmax_backward",
    "ACTIVATIONS",
    "get_activation",
]


def _check_Z(Z, name="Z", matrix=False) -> np.ndarray:
    """Element-wise functions take an array of any shape (``(n, m)`` in the network),
    softmax a matrix ``(C, m)``; ±inf is allowed (the limit), NaN is not."""
    if matrix:
        Z = check_matrix(name, Z, finite=False)
    else:
        Z = check_array(name, Z, finite=False, allow_empty=True)
    if np.any(np.isnan(Z)):
        raise ValueError(f"{name} must not hold NaN")
    return Z


def _check_dA(dA, Z) -> np.ndarray:
    return check_same_shape("dA", dA, Z.shape, "Z")


def _sigmoid(Z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(Z, dtype=float)))


def _relu(Z):
    return np.maximum(0.0, Z)


def _tanh(Z):
    return np.tanh(Z)


def _softmax(Z):
    Z = np.asarray(Z, dtype=float)
    top = Z.max(axis=0, keepdims=True)
    inf_top = np.isposinf(top)
    if np.any(inf_top):
        # a column with +inf entries: the limit shares the mass among them
        with np.errstate(invalid="ignore"):
            E = np.where(inf_top, np.isposinf(Z).astype(float), np.exp(Z - top))
    else:
        E = np.exp(Z - top)
    return E / E.sum(axis=0, keepdims=True)


def _sigmoid_backward(dA, Z):
    s = _sigmoid(Z)
    return dA * s * (1.0 - s)


def _relu_backward(dA, Z):
    return np.where(np.asarray(Z) > 0, dA, 0.0)


def _tanh_backward(dA, Z):
    return dA * (1.0 - np.tanh(Z) ** 2)


def _softmax_backward(dA, Z):
    S = _softmax(Z)
    return S * (dA - np.sum(dA * S, axis=0, keepdims=True))


def sigmoid(Z):
    """``σ(Z) = 1 / (1 + e^{-Z})``.

    Computed as ``(1 + tanh(Z/2)) / 2``, the same function, because ``e^{-Z}``
    overflows for ``Z < -709`` while ``tanh`` never does.
    """
    return _sigmoid(_check_Z(Z))


def relu(Z):
    """``ReLU(Z) = max(0, Z)``."""
    return _relu(_check_Z(Z))


def tanh(Z):
    """``tanh(Z) = (e^Z - e^{-Z}) / (e^Z + e^{-Z})``."""
    return _tanh(_check_Z(Z))


def softmax(Z):
    """Column-wise ``softmax(Z)_k = e^{Z_k} / Σ_j e^{Z_j}``.

    Subtracting each column's max first leaves the result unchanged (it cancels in the
    ratio) but keeps every exponent ``<= 0``, so nothing overflows. A column with
    ``+inf`` entries gives their limit: the mass shared equally among them.
    """
    return _softmax(_check_Z(Z, matrix=True))


def sigmoid_backward(dA, Z):
    """``dZ = dA · σ(Z)(1 - σ(Z))``."""
    Z = _check_Z(Z)
    return _sigmoid_backward(_check_dA(dA, Z), Z)


def relu_backward(dA, Z):
    """``dZ = dA · 1[Z > 0]`` (the derivative at 0 is taken to be 0)."""
    Z = _check_Z(Z)
    return _relu_backward(_check_dA(dA, Z), Z)


def tanh_backward(dA, Z):
    """``dZ = dA · (1 - tanh²(Z))``."""
    Z = _check_Z(Z)
    return _tanh_backward(_check_dA(dA, Z), Z)


def softmax_backward(dA, Z):
    """``dZ = S ⊙ (dA - Σ_k dA_k S_k)`` per column, with ``S = softmax(Z)``.

    This is the full Jacobian ``∂S_k/∂Z_j = S_k(δ_kj - S_j)`` applied to ``dA``. (With
    cross-entropy the two combine into ``dZ = A - Y``, which the model uses directly.)
    """
    Z = _check_Z(Z, matrix=True)
    return _softmax_backward(_check_dA(dA, Z), Z)


#: name -> (forward, backward); the names ``Network`` accepts for ``hidden``/``output``.
#: The functions are the unchecked maths (the network's own arrays need no checks).
ACTIVATIONS = {
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "relu": (_relu, _relu_backward),
    "tanh": (_tanh, _tanh_backward),
    "softmax": (_softmax, _softmax_backward),
}


def get_activation(name: str, param: str = "name", allowed=None):
    """``(forward, backward)`` for ``name``; ``ValueError`` naming ``param`` otherwise."""
    if not isinstance(param, str):
        raise ValueError(f"param must be the parameter's name (a string), got {param!r}")
    allowed = tuple(ACTIVATIONS) if allowed is None else tuple(allowed)
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"{param} must be one of {', '.join(map(repr, allowed))}, got {name!r}")
    return ACTIVATIONS[name]
