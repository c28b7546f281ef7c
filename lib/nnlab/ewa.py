"""Exponentially weighted averages, the idea under Momentum, RMSprop and Adam."""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_array, check_beta, check_bool


def ewa(x, beta: float, bias_correction: bool = False) -> np.ndarray:
    """Exponentially weighted (moving) average of the series ``x = θ_1, θ_2, …``.

    ``v_0 = 0``,  ``v_t = β v_{t−1} + (1 − β) θ_t``, and with ``bias_correction=True``
    the value returned is ``v_t / (1 − β^t)``.

    ``v_t`` averages roughly the last ``1/(1 − β)`` values (β = 0.9: ten days,
    β = 0.98: fifty). Because ``v_0 = 0`` the first values are too small —
    ``v_1 = (1 − β) θ_1`` — and dividing by ``1 − β^t`` (whose weights then sum to 1)
    removes that start-up bias; it matters less and less as ``β^t → 0``.

    Parameters
    ----------
    x : array-like, the series along axis 0 (a 2-D ``x`` averages each column)
    beta : float in [0, 1); ``β = 0`` returns ``x`` itself
    bias_correction : bool

    Returns
    -------
    float array of the same shape as ``x``.
    """
    beta = float(check_beta("beta", beta))
    check_bool("bias_correction", bias_correction)
    x = check_array("x", x)
    if x.ndim == 0:
        raise ValueError(f"x must be a series (at least 1-D), got a scalar {x!r}")
    out = np.empty_like(x)
    v = np.zeros_like(x[0])
    for t in range(x.shape[0]):
        v = beta * v + (1.0 - beta) * x[t]
        out[t] = v
    if bias_correction and x.shape[0]:
        t = np.arange(1, x.shape[0] + 1).reshape((-1,) + (1,) * (x.ndim - 1))
        out /= 1.0 - beta**t
    return out
