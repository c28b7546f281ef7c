"""Backpropagation with a deliberate mistake, to see what gradient checking catches.

:func:`buggy_backward` is the backward pass of :class:`~nnlab.model.Network` (no batch
norm) written out layer by layer, with one of the classic mistakes injected at one layer
``l``. With ``bug="none"`` it equals ``Network.backward``. The bugs:

- ``"dW missing 1/m"``: ``dW[l] = dZ[l] A[l-1]ᵀ`` (the sum instead of the mean);
- ``"db wrong sign"``: ``db[l] = -(1/m) Σ_i dZ[l]⁽ⁱ⁾``;
- ``"activation derivative wrong"``: a hidden layer uses ``dZ[l] = dA[l]`` (forgets
  ``⊙ g'(Z[l])``); the output layer multiplies ``A[L] - Y`` by ``σ'(Z[L])`` once more
  (applying the sigmoid's derivative on top of the cross-entropy simplification);
- ``"L2 term missing"``: ``dW[l]`` leaves out ``(λ/m) W[l]`` (only visible when ``λ > 0``);
- ``"dropout mask missing"``: the backward pass of hidden layer ``l`` forgets
  ``dA[l] ⊙ D[l] / keep_prob`` (only visible with dropout).

A bug at layer ``l`` spoils ``dW[l]``/``db[l]`` and, for the activation and dropout bugs,
every layer below ``l`` too, since ``dZ[l]`` feeds them: the gradient check's per-parameter
report points at the highest layer that is wrong.
"""
from __future__ import annotations


from .activations import get_activation, sigmoid
from .checks import check_int
from .model import Network

__all__ = ["BUGS", "buggy_backward"]

BUGS = ("none", "dW missing 1/m", "db wrong sign", "activation derivative wrong",
        "L2 term missing", "dropout mask missing")


def buggy_backward(net: Network, Y, cache, bug: str = "none", layer: int = 1) -> dict:
    """Gradients ``{"dW1", "db1", …}`` of ``net.cost`` with ``bug`` injected at ``layer``.

    Same equations as :meth:`Network.backward`: ``dZ[L] = A[L] - Y``;
    ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ + (λ/m) W[l]`` (L2); ``db[l] = (1/m) Σ_i dZ[l]⁽ⁱ⁾``;
    ``dA[l-1] = W[l]ᵀ dZ[l]``, then ``dA ⊙ D / keep_prob`` and ``dZ = dA ⊙ g'(Z)``.
    """
    if bug not in BUGS:
        raise ValueError(f"bug must be one of {', '.join(map(repr, BUGS))}, got {bug!r}")
    layer = check_int("layer", layer)
    if layer > net.L:
        raise ValueError(f"layer must be in 1 … {net.L} (the network's layers), got {layer}")
    if net.batchnorm:
        raise ValueError("net must not use batch norm (buggy_backward covers the plain network)")
    if net.penalty != "l2" and bug == "L2 term missing":
        raise ValueError("bug 'L2 term missing' needs a network with penalty='l2'")
    P, m, L = cache["params"], cache["m"], net.L
    Y = net._targets(Y, m)
    g_backward = get_activation(net.hidden, "hidden")[1]
    grads = {}
    dZ = cache[f"A{L}"] - Y
    if bug == "activation derivative wrong" and layer == L:
        s = sigmoid(cache[f"Z{L}"])
        dZ = dZ * s * (1 - s)
    for l in range(L, 0, -1):
        here = l == layer
        dW = dZ @ cache[f"A{l - 1}"].T / m
        if here and bug == "dW missing 1/m":
            dW = dW * m
        if net.lambd > 0 and not (here and bug == "L2 term missing"):
            dW = dW + net.lambd / m * P[f"W{l}"]
        grads[f"dW{l}"] = dW
        db = dZ.sum(axis=1, keepdims=True) / m
        grads[f"db{l}"] = -db if here and bug == "db wrong sign" else db
        if l == 1:
            break
        dA = P[f"W{l}"].T @ dZ
        below = l - 1
        if f"D{below}" in cache and not (below == layer and bug == "dropout mask missing"):
            dA = dA * cache[f"D{below}"] / net.keep_probs[below - 1]
        if below == layer and bug == "activation derivative wrong":
            dZ = dA
        else:
            dZ = g_backward(dA, cache[f"Z{below}"])
    return {k: grads[k] for k in ("d" + p for p in P)}
