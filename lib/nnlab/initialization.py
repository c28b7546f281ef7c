"""Weight initialization: how ``W[l]`` is drawn before training starts.

The variance of ``W[l]`` sets whether activations keep their size as they pass
through the layers. With ``n[l-1]`` inputs per unit, ``Var(z) ≈ n[l-1] · Var(W) · E[a²]``,
so ``Var(W) = 2/n[l-1]`` (He) keeps ReLU activations steady and ``1/n[l-1]``
(Xavier) suits tanh.
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_bool, check_int, check_option, check_positive, check_seed

__all__ = ["initialize_parameters", "METHODS", "MAX_UNITS"]

#: The most units a layer may have: a 10 000 × 10 000 weight matrix is already 800 MB.
MAX_UNITS = 10_000

#: method -> variance of each entry of ``W[l]`` as a function of (n_in, n_out, scale)
METHODS = {
    "zeros": lambda n_in, n_out, scale: 0.0,
    "random": lambda n_in, n_out, scale: scale**2,
    "xavier": lambda n_in, n_out, scale: 1.0 / n_in,
    "glorot": lambda n_in, n_out, scale: 2.0 / (n_in + n_out),
    "he": lambda n_in, n_out, scale: 2.0 / n_in,
}


def initialize_parameters(
    layer_dims, method: str = "he", seed: int = 0, scale: float = 0.01, batchnorm: bool = False
) -> dict:
    """Parameters ``{"W1", "b1", …, "WL", "bL"}`` for ``layer_dims = [n[0], n[1], …, n[L]]``.

    ``W[l]`` has shape ``(n[l], n[l-1])`` with entries ``N(0, 1) · s``:

    - ``"zeros"``: ``s = 0`` (every unit computes the same thing: symmetry is never broken);
    - ``"random"``: ``s = scale`` (the course's ``np.random.randn(...) * 0.01``);
    - ``"xavier"``: ``s = √(1/n[l-1])``;
    - ``"glorot"``: ``s = √(2/(n[l-1] + n[l]))``, the Glorot & Bengio variant averaging
      fan-in and fan-out;
    - ``"he"``: ``s = √(2/n[l-1])``, for ReLU layers.

    ``b[l]`` is zeros ``(n[l], 1)``. With ``batchnorm=True`` each *hidden* layer gets
    ``gamma{l}`` (ones) and ``beta{l}`` (zeros) of shape ``(n[l], 1)`` instead of
    ``b{l}`` (batch norm's ``β`` makes the bias redundant); the output layer keeps ``bL``.
    """
    iterable = hasattr(layer_dims, "__iter__") and not isinstance(layer_dims, (str, bytes))
    dims = list(layer_dims) if iterable else None
    if dims is None or len(dims) < 2:
        raise ValueError(
            f"layer_dims must list at least two layer sizes [n_x, …, n_y], got {layer_dims!r}"
        )
    for n in dims:
        check_int("layer_dims entries", n, low=1, high=MAX_UNITS)
    check_option("method", method, METHODS)
    seed = check_seed("seed", seed)
    scale = check_positive("scale", scale)
    check_bool("batchnorm", batchnorm)
    rng = np.random.default_rng(seed)
    L = len(dims) - 1
    params = {}
    for l in range(1, L + 1):
        n_in, n_out = int(dims[l - 1]), int(dims[l])
        std = np.sqrt(METHODS[method](n_in, n_out, scale))
        params[f"W{l}"] = rng.standard_normal((n_out, n_in)) * std
        if batchnorm and l < L:
            params[f"gamma{l}"] = np.ones((n_out, 1))
            params[f"beta{l}"] = np.zeros((n_out, 1))
        else:
            params[f"b{l}"] = np.zeros((n_out, 1))
    return params
