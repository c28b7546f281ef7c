"""Regularization: weight penalties (L2, L1), inverted dropout and early stopping.

Penalties act on the weight matrices ``W[l]`` only: biases, ``gamma`` and ``beta``
are few and do not make the network more flexible, so they are left free.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np

from nnlab.checks import (
    as_rng,
    check_array,
    check_int,
    check_keep_prob,
    check_matrix,
    check_range,
    check_same_shape,
    check_seed,
)

__all__ = [
    "weight_keys",
    "l2_cost",
    "l2_grad",
    "l1_cost",
    "l1_grad",
    "dropout_forward",
    "dropout_backward",
    "EarlyStopping",
]

_WEIGHT = re.compile(r"^W\d+$")


def _check_params(params, name: str = "params", allow_empty: bool = False) -> dict:
    """``params`` must be a dict of real arrays of finite numbers (``{"W1": …, "b1": …}``)."""
    if not isinstance(params, dict) or not (params or allow_empty):
        raise ValueError(
            f"{name} must be a dict of arrays {{'W1': …, 'b1': …}}, got {type(params).__name__}"
        )
    for k, v in params.items():
        check_array(f"{name}[{k!r}]", v, allow_empty=True)
    return params


def weight_keys(params: dict) -> list[str]:
    """The keys of the weight matrices ``W1 … WL`` (what a penalty acts on)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict {{'W1': …}}, got {type(params).__name__}")
    return [k for k in params if isinstance(k, str) and _WEIGHT.match(k)]


def _check_lambd_m(lambd, m):
    return check_range("lambd", lambd, 0, None), check_int("m", m, low=1)


def l2_cost(params: dict, lambd: float, m: int) -> float:
    """``(λ / 2m) · Σ_l ‖W[l]‖²_F``, the L2 ("weight decay") penalty added to the cost."""
    lambd, m = _check_lambd_m(lambd, m)
    return _l2_cost(_check_params(params), lambd, m)


def _l2_cost(params, lambd, m):
    return lambd / (2 * m) * sum(float(np.sum(np.square(params[k]))) for k in weight_keys(params))


def l2_grad(W, lambd: float, m: int):
    """``∂/∂W[l]`` of the L2 penalty: ``(λ / m) · W[l]``, added to ``dW[l]``."""
    lambd, m = _check_lambd_m(lambd, m)
    return _l2_grad(check_matrix("W", W), lambd, m)


def _l2_grad(W, lambd, m):
    return (lambd / m) * np.asarray(W, dtype=float)


def l1_cost(params: dict, lambd: float, m: int) -> float:
    """``(λ / m) · Σ_l Σ_ij |W[l]_ij|``, the L1 penalty.

    Convention: ``λ/m`` (no ½, since ``|w|`` has no square to cancel); some texts use
    ``λ/(2m)``, which only rescales ``λ``.
    """
    lambd, m = _check_lambd_m(lambd, m)
    return _l1_cost(_check_params(params), lambd, m)


def _l1_cost(params, lambd, m):
    return lambd / m * sum(float(np.sum(np.abs(params[k]))) for k in weight_keys(params))


def l1_grad(W, lambd: float, m: int):
    """``(λ / m) · sign(W[l])``: a subgradient of the L1 penalty, taken as 0 at ``W = 0``."""
    lambd, m = _check_lambd_m(lambd, m)
    return _l1_grad(check_matrix("W", W), lambd, m)


def _l1_grad(W, lambd, m):
    return (lambd / m) * np.sign(np.asarray(W, dtype=float))


def dropout_forward(A, keep_prob: float, rng):
    """Inverted dropout: ``D ~ Bernoulli(keep_prob)``, ``A_out = A ⊙ D / keep_prob``.

    Dividing by ``keep_prob`` keeps ``E[A_out] = A``, so nothing needs rescaling at test
    time. Returns ``(A_out, D)``; ``D`` is a float 0/1 mask of ``A``'s shape, which the
    backward pass needs. ``rng`` is a ``np.random.Generator`` (or an int seed).
    """
    keep_prob = check_keep_prob("keep_prob", keep_prob)
    rng = as_rng(check_seed("rng", rng, generator=True))
    A = check_matrix("A", A)
    return _dropout_forward(A, keep_prob, rng)


def _dropout_forward(A, keep_prob, rng):
    D = (rng.random(A.shape) < keep_prob).astype(float)
    return A * D / keep_prob, D


def dropout_backward(dA, mask, keep_prob: float):
    """``dA_in = dA ⊙ D / keep_prob``: only the kept units pass gradient back."""
    keep_prob = check_keep_prob("keep_prob", keep_prob)
    dA = check_matrix("dA", dA)
    mask = check_same_shape("mask", mask, dA.shape, "dA")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must hold only 0 and 1 (the D that dropout_forward returned)")
    return _dropout_backward(dA, mask, keep_prob)


def _dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


class EarlyStopping:
    """Stop when the dev cost has not improved for ``patience`` epochs; keep the best weights.

    An epoch *improves* when ``dev_cost < best_cost - min_delta``. ``update`` returns
    ``True`` once ``patience`` epochs in a row did not improve. ``best_params`` is a deep
    copy of the parameters at ``best_epoch``; ``restore(params)`` writes them back in
    place (``train`` calls it at the end when ``restore_best`` is true).
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = check_int("patience", patience, low=1)
        self.min_delta = check_range("min_delta", min_delta, 0, None)
        if not isinstance(restore_best, (bool, np.bool_)):
            raise ValueError(f"restore_best must be True or False, got {restore_best!r}")
        self.restore_best = bool(restore_best)
        self.best_cost = math.inf
        self.best_epoch = None
        self.best_params = None
        self.stopped_epoch = None
        self.wait = 0

    def update(self, epoch: int, dev_cost: float, params: dict) -> bool:
        """Record epoch ``epoch``'s ``dev_cost``; return whether to stop now.

        A NaN or infinite ``dev_cost`` (a diverged epoch) counts as no improvement."""
        epoch = check_int("epoch", epoch, low=0)
        if not (isinstance(dev_cost, (float, np.floating)) and np.isnan(dev_cost)):
            dev_cost = check_range("dev_cost", dev_cost, 0, None, allow_inf=True)
        if np.isfinite(dev_cost):
            _check_params(params, allow_empty=True)
        if np.isfinite(dev_cost) and dev_cost < self.best_cost - self.min_delta:
            self.best_cost = float(dev_cost)
            self.best_epoch = epoch
            self.best_params = copy.deepcopy(params)
            self.wait = 0
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, params: dict) -> dict:
        """Overwrite ``params`` in place with the best parameters seen; return it."""
        if self.best_params is None:
            raise ValueError("EarlyStopping has no best parameters yet: call update() first")
        for k, v in self.best_params.items():
            # write into the existing arrays, so anything holding them sees the best values
            if k in params and np.shape(params[k]) == np.shape(v):
                params[k][...] = v
            else:
                params[k] = np.array(v, copy=True)
        return params
