"""Batch normalization of a layer's ``Z`` over the examples of a mini-batch.

Each unit (row of ``Z``, axis 0) is normalized over the batch (columns, axis 1), then
scaled and shifted by the learned ``γ`` and ``β`` (shape ``(n[l], 1)``). At test time
there may be a single example, so the batch statistics are replaced by running
averages collected during training.
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_array, check_beta, check_matrix, check_positive, check_same_shape

__all__ = ["batchnorm_forward", "batchnorm_backward", "update_running_stats", "batchnorm_inference"]

#: What a one-column batch does to batch norm (the network warns with it, the function refuses).
ONE_COLUMN = (
    "a mini-batch of one example: its variance is 0, so Ẑ = 0 and the output is "
    "β whatever Z is (nothing upstream learns) and the running variance collapses "
    "towards 0"
)


def _check_column(name, v, n):
    v = check_array(name, v)
    if v.shape != (n, 1):
        raise ValueError(
            f"{name} must have shape ({n}, 1), one entry per row of Z, got shape {v.shape}"
        )
    return v


def batchnorm_forward(Z, gamma, beta, epsilon: float = 1e-5):
    """Training-mode batch norm of ``Z`` ``(n, m)``.

    ``μ = (1/m) Σ_i z⁽ⁱ⁾``, ``σ² = (1/m) Σ_i (z⁽ⁱ⁾ - μ)²``, ``Ẑ = (Z - μ) / √(σ² + ε)``,
    ``out = γ ⊙ Ẑ + β``. Returns ``(out, cache)``; ``cache`` holds ``Z_hat``, ``mu``,
    ``var``, ``gamma`` and ``epsilon`` for the backward pass and the running averages.
    ``m >= 2``: a batch of one example has no spread to normalize by.
    """
    Z = check_matrix("Z", Z)
    if Z.shape[1] < 2:
        raise ValueError(
            f"Z must have at least 2 columns in training mode, got shape {Z.shape}: {ONE_COLUMN}"
        )
    n = Z.shape[0]
    gamma, beta = _check_column("gamma", gamma, n), _check_column("beta", beta, n)
    epsilon = check_positive("epsilon", epsilon)
    return _forward(Z, gamma, beta, epsilon)


def _forward(Z, gamma, beta, epsilon):
    mu = Z.mean(axis=1, keepdims=True)
    var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)
    Z_hat = (Z - mu) / np.sqrt(var + epsilon)
    cache = {"Z_hat": Z_hat, "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}
    return gamma * Z_hat + beta, cache


def batchnorm_backward(dout, cache):
    """Gradients of batch norm, given ``dout = ∂J/∂out``: returns ``(dZ, dgamma, dbeta)``.

    ``dβ = Σ_i dout⁽ⁱ⁾``, ``dγ = Σ_i dout⁽ⁱ⁾ ⊙ ẑ⁽ⁱ⁾`` and, with ``dẐ = γ ⊙ dout``, the
    compact form (μ and σ² both depend on every column, hence the two sums)

    ``dZ = (1 / (m √(σ² + ε))) · (m dẐ - Σ_i dẐ⁽ⁱ⁾ - Ẑ ⊙ Σ_i dẐ⁽ⁱ⁾ ⊙ ẑ⁽ⁱ⁾)``.
    """
    keys = ("Z_hat", "mu", "var", "gamma", "epsilon")
    if not isinstance(cache, dict) or any(k not in cache for k in keys):
        raise ValueError(
            "cache must be the dict batchnorm_forward returned (keys "
            f"{', '.join(keys)}), got {type(cache).__name__}"
        )
    dout = check_array("dout", dout, shape=np.shape(cache["Z_hat"]))
    return _backward(dout, cache)


def _backward(dout, cache):
    Z_hat, var, gamma, eps = cache["Z_hat"], cache["var"], cache["gamma"], cache["epsilon"]
    m = Z_hat.shape[1]
    dbeta = dout.sum(axis=1, keepdims=True)
    dgamma = (dout * Z_hat).sum(axis=1, keepdims=True)
    dZ_hat = gamma * dout
    dZ = (
        m * dZ_hat
        - dZ_hat.sum(axis=1, keepdims=True)
        - Z_hat * (dZ_hat * Z_hat).sum(axis=1, keepdims=True)
    ) / (m * np.sqrt(var + eps))
    return dZ, dgamma, dbeta


def update_running_stats(running_mu, running_var, mu, var, momentum: float = 0.9):
    """Exponentially weighted averages of the batch statistics, for test time.

    ``running_μ ← momentum · running_μ + (1 - momentum) · μ`` and the same for ``σ²``.
    Returns the new ``(running_mu, running_var)`` (the inputs are not modified).
    """
    momentum = check_beta("momentum", momentum)
    running_mu = check_array("running_mu", running_mu, ndim=2)
    shape = running_mu.shape
    running_var = check_same_shape("running_var", running_var, shape, "running_mu")
    mu = check_same_shape("mu", mu, shape, "running_mu")
    var = check_same_shape("var", var, shape, "running_mu")
    for name, v in (("running_var", running_var), ("var", var)):
        if np.any(v < 0):
            raise ValueError(f"{name} must be >= 0 (a variance), got min {v.min():g}")
    return _update_running(running_mu, running_var, mu, var, momentum)


def _update_running(running_mu, running_var, mu, var, momentum):
    return (
        momentum * running_mu + (1 - momentum) * mu,
        momentum * running_var + (1 - momentum) * var,
    )


def batchnorm_inference(Z, gamma, beta, running_mu, running_var, epsilon: float = 1e-5):
    """Test-mode batch norm: ``γ ⊙ (Z - μ_run) / √(σ²_run + ε) + β``, one example at a time
    if need be, since no batch statistic is computed."""
    Z = check_matrix("Z", Z)
    n = Z.shape[0]
    gamma, beta = _check_column("gamma", gamma, n), _check_column("beta", beta, n)
    running_mu = _check_column("running_mu", running_mu, n)
    running_var = _check_column("running_var", running_var, n)
    if np.any(running_var < 0):
        raise ValueError(f"running_var must be >= 0 (a variance), got min {running_var.min():g}")
    epsilon = check_positive("epsilon", epsilon)
    return _inference(Z, gamma, beta, running_mu, running_var, epsilon)


def _inference(Z, gamma, beta, running_mu, running_var, epsilon):
    return gamma * (Z - running_mu) / np.sqrt(running_var + epsilon) + beta
