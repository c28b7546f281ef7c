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

from .activations import get_activation
from .checks import check_int, check_range
from .model import Network

__all__ = ["LayerStats", "layer_statistics", "deep_linear_scale", "max_variance_ratio"]


class LayerStats(NamedTuple):
    """Per-layer measurements of one forward and one backward pass.

    ``A``: the hidden activations ``[A[1], …, A[L-1]]``; ``dW``: the weight gradients
    ``[dW[1], …, dW[L]]``; ``act_std[l-1] = std(A[l])`` over all units and examples;
    ``grad_norm[l-1] = ‖dW[l]‖_F``; ``dZ_rms[l-1] = √mean(dZ[l]²)`` for the hidden layers,
    the size of the gradient signal as backprop carries it down (per unit and example, so
    layers of different shapes compare fairly).
    """

    A: list
    dW: list
    act_std: np.ndarray
    grad_norm: np.ndarray
    dZ_rms: np.ndarray


def layer_statistics(net: Network, X, Y) -> LayerStats:
    """Run ``net`` forward on ``X`` ``(n_x, m)`` (no dropout, no running-average updates)
    and backward on ``Y``, and collect ``std(A[l])``, ``‖dW[l]‖_F`` and ``rms(dZ[l])``.

    Overflow is not silenced: a network whose activations overflow float64 has a far
    worse problem than this measurement, and the caller should see it.
    """
    if any(kp < 1.0 for kp in net.keep_probs):
        raise ValueError("net must have keep_prob = 1: dropout would change the statistics "
                         "from one call to the next")
    _, cache = net.forward(X, training=True, update_running=False)
    grads = net.backward(Y, cache)
    cache["Y_for_stats"] = net._targets(Y, cache["m"])
    A = [cache[f"A{l}"] for l in range(1, net.L)]
    dW = [grads[f"dW{l}"] for l in range(1, net.L + 1)]
    return LayerStats(A=A, dW=dW,
                      act_std=np.array([a.std() for a in A]),
                      grad_norm=np.array([np.linalg.norm(g) for g in dW]),
                      dZ_rms=_hidden_dZ_rms(net, cache))


def _hidden_dZ_rms(net: Network, cache) -> np.ndarray:
    """``rms(dZ[l])`` for ``l = 1 … L-1`` with ``dZ[L] = (A[L] - Y)/m`` and
    ``dZ[l] = W[l+1]ᵀ dZ[l+1] ⊙ g'(Z[l])``: the signal whose size the depth multiplies.

    ``dZ[L]`` is recovered from ``db[L] = Σ_i dZ[L]⁽ⁱ⁾`` only in aggregate, so it is
    rebuilt from the cache (``A[L] - Y`` is exact for sigmoid/softmax + cross-entropy).
    """
    if net.batchnorm:
        raise ValueError("net must not use batch norm here (it rescales each layer's signal)")
    backward = get_activation(net.hidden, "hidden")[1]
    L, m = net.L, cache["m"]
    dZ = (cache[f"A{L}"] - cache["Y_for_stats"]) / m
    out = []
    for l in range(L - 1, 0, -1):
        dZ = backward(cache["params"][f"W{l + 1}"].T @ dZ, cache[f"Z{l}"])
        out.append(np.sqrt(np.mean(dZ ** 2)))
    return np.array(out[::-1])


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
