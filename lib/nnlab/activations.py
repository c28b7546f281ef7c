"""Activation functions ``A = g(Z)`` and their backward passes ``dZ = dA * g'(Z)``.

All functions act element-wise on ``Z`` of shape ``(n[l], m)``, except ``softmax``
which normalizes each column (one example). None of them overflows or warns for
large ``|Z|``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "relu", "tanh", "softmax", "sigmoid_backward", "relu_backward",
           "tanh_backward", "softmax_backward", "ACTIVATIONS", "get_activation"]


def sigmoid(Z):
    """``σ(Z) = 1 / (1 + e^{-Z})``.

    Computed as ``(1 + tanh(Z/2)) / 2``, the same function, because ``e^{-Z}``
    overflows for ``Z < -709`` while ``tanh`` never does.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(Z, dtype=float)))


def relu(Z):
    """``ReLU(Z) = max(0, Z)``."""
    return np.maximum(0.0, Z)


def tanh(Z):
    """``tanh(Z) = (e^Z - e^{-Z}) / (e^Z + e^{-Z})``."""
    return np.tanh(Z)


def softmax(Z):
    """Column-wise ``softmax(Z)_k = e^{Z_k} / Σ_j e^{Z_j}``.

    Subtracting each column's max first leaves the result unchanged (it cancels in the
    ratio) but keeps every exponent ``<= 0``, so nothing overflows.
    """
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def sigmoid_backward(dA, Z):
    """``dZ = dA · σ(Z)(1 - σ(Z))``."""
    s = sigmoid(Z)
    return dA * s * (1.0 - s)


def relu_backward(dA, Z):
    """``dZ = dA · 1[Z > 0]`` (the derivative at 0 is taken to be 0)."""
    return np.where(np.asarray(Z) > 0, dA, 0.0)


def tanh_backward(dA, Z):
    """``dZ = dA · (1 - tanh²(Z))``."""
    return dA * (1.0 - np.tanh(Z) ** 2)


def softmax_backward(dA, Z):
    """``dZ = S ⊙ (dA - Σ_k dA_k S_k)`` per column, with ``S = softmax(Z)``.

    This is the full Jacobian ``∂S_k/∂Z_j = S_k(δ_kj - S_j)`` applied to ``dA``. (With
    cross-entropy the two combine into ``dZ = A - Y``, which the model uses directly.)
    """
    S = softmax(Z)
    return S * (dA - np.sum(dA * S, axis=0, keepdims=True))


#: name -> (forward, backward); the names ``Network`` accepts for ``hidden``/``output``.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_backward),
    "relu": (relu, relu_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
}


def get_activation(name: str, param: str = "activation", allowed=None):
    """``(forward, backward)`` for ``name``; ``ValueError`` naming ``param`` otherwise."""
    allowed = tuple(ACTIVATIONS) if allowed is None else tuple(allowed)
    if name not in allowed:
        raise ValueError(f"{param} must be one of {', '.join(map(repr, allowed))}, got {name!r}")
    return ACTIVATIONS[name]
