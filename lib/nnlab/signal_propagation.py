"""How the size of the signal changes from layer to layer, forward and backward.

In a deep network each layer multiplies its input by ``W[l]``. If every multiplication
scales the signal by a factor ``c`` on average, layer ``l`` sees about ``c^l`` times the
input: the activations explode (``c > 1``) or vanish (``c < 1``) geometrically with depth,
and so do the gradients on the way back. For ``z = W a`` with ``n`` inputs per unit,
independent zero-mean weights and inputs,

    Var(z) = n · Var(W) · E[a²],

so ``Var(W) = 1/n`` (Xavier, for tanh) or ``2/n`` (He, for ReLU, which zeroes half its
inputs and so halves ``E[a²]``) keeps ``c ≈ 1``. These helpers measure the signal in an
actual :class:`~nnlab.model.Network`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .checks import check_int, check_range
from .model import Network

__all__ = ["LayerStats", "layer_statistics", "deep_linear_scale", "max_variance_ratio"]


class LayerStats(NamedTuple):
    """Per-layer measurements of one forward and one backward pass.

    ``A``: the hidden activations ``[A[1], …, A[L-1]]``; ``dW``: the weight gradients
    ``[dW[1], …, dW[L]]``; ``act_std[l-1] = std(A[l])`` over all units and examples;
    ``grad_norm[l-1] = ‖dW[l]‖_F``.
    """

    A: list
    dW: list
    act_std: np.ndarray
    grad_norm: np.ndarray


def layer_statistics(net: Network, X, Y) -> LayerStats:
    """Run ``net`` forward on ``X`` ``(n_x, m)`` (no dropout, no running-average updates)
    and backward on ``Y``, and collect ``std(A[l])`` and ``‖dW[l]‖_F`` for every layer.

    Overflow is not silenced: a network whose activations overflow float64 has a far
    worse problem than this measurement, and the caller should see it.
    """
    if any(kp < 1.0 for kp in net.keep_probs):
        raise ValueError("net must have keep_prob = 1: dropout would change the statistics "
                         "from one call to the next")
    _, cache = net.forward(X, training=True, update_running=False)
    grads = net.backward(Y, cache)
    A = [cache[f"A{l}"] for l in range(1, net.L)]
    dW = [grads[f"dW{l}"] for l in range(1, net.L + 1)]
    return LayerStats(A=A, dW=dW,
                      act_std=np.array([a.std() for a in A]),
                      grad_norm=np.array([np.linalg.norm(g) for g in dW]))


def deep_linear_scale(w: float, L: int) -> float:
    """``ŷ / x`` for a deep *linear* network whose ``L`` layers all multiply by ``w``:
    ``ŷ = W[L] ⋯ W[1] x = w^L x``. Small changes in ``w`` around 1 become huge with depth."""
    check_range("w", w, 0, None)
    L = check_int("L", L)
    return float(w) ** L


def max_variance_ratio(act_std) -> float:
    """``max_l Var(A[l]) / min_l Var(A[l])``: 1 for a perfectly steady signal;
    ``inf`` when some layer's activations are all equal (variance 0)."""
    var = np.asarray(act_std, dtype=float) ** 2
    if var.size == 0:
        raise ValueError("act_std must hold at least one layer")
    lo = var.min()
    return float("inf") if lo == 0 else float(var.max() / lo)
