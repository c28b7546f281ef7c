"""Critical points: minima, maxima and saddles, told apart by the curvature.

At a critical point the gradient is zero and the cost near it is, to second order,
``J(θ* + δ) ≈ J(θ*) + ½ δᵀ H δ`` with ``H`` the Hessian. Its eigenvalues are the
curvatures along ``n`` perpendicular directions: all positive is a minimum, all negative
a maximum, mixed signs a saddle.

:func:`random_hessians` draws symmetric matrices whose entries are Gaussian (the
Gaussian orthogonal ensemble, a standard stand-in for "a Hessian with no special
structure"), and :func:`fraction_minima` estimates how often all ``n`` curvatures come
out positive: about 1/2 for ``n = 1`` and falling faster than ``2⁻ⁿ`` as ``n`` grows.
That is the quantitative version of "in high dimension, most critical points are saddles".
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .checks import check_int, check_positive

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def random_hessians(n: int, samples: int, seed: int = 0) -> np.ndarray:
    """``samples`` symmetric ``(n, n)`` matrices ``H = (A + Aᵀ)/√2``, ``A_ij ~ N(0, 1)``.

    Off-diagonal entries have variance 1 and diagonal entries variance 2 (the Gaussian
    orthogonal ensemble). Returns an array of shape ``(samples, n, n)``.
    """
    n = check_int("n", n)
    samples = check_int("samples", samples)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((samples, n, n))
    return (A + np.swapaxes(A, 1, 2)) / np.sqrt(2.0)


def classify(eigenvalues, tol: float = 1e-9) -> str:
    """``minimum`` if every curvature ``λ_i > tol``, ``maximum`` if every ``λ_i < -tol``,
    ``saddle`` if there are both signs, ``degenerate`` if some ``|λ_i| <= tol`` and the
    others share one sign (second order cannot tell)."""
    lam = np.asarray(eigenvalues, dtype=float).ravel()
    check_positive("tol", tol)
    pos, neg = np.sum(lam > tol), np.sum(lam < -tol)
    if pos and neg:
        return "saddle"
    if pos == lam.size:
        return "minimum"
    if neg == lam.size:
        return "maximum"
    return "degenerate"


def fraction_minima(n: int, samples: int = 20000, seed: int = 0) -> float:
    """Monte-Carlo estimate of ``P(all eigenvalues of H > 0)`` for a random ``H``
    from :func:`random_hessians` (the chance that a structureless critical point in
    ``n`` dimensions is a minimum)."""
    lam = np.linalg.eigvalsh(random_hessians(n, samples, seed))
    return float(np.mean(np.all(lam > 0, axis=1)))


def hessian_2d(grad: Callable, x: float, y: float, h: float = 1e-5) -> np.ndarray:
    """The 2×2 Hessian of a surface at ``(x, y)`` by centered differences of its
    gradient ``grad(x, y) -> (∂f/∂x, ∂f/∂y)``: ``H[:, j] ≈ (∇f(θ + h e_j) − ∇f(θ − h e_j)) / 2h``,
    symmetrized."""
    check_positive("h", h)
    cols = []
    for dx, dy in ((h, 0.0), (0.0, h)):
        gp = np.array(grad(x + dx, y + dy), dtype=float)
        gm = np.array(grad(x - dx, y - dy), dtype=float)
        cols.append((gp - gm) / (2 * h))
    H = np.column_stack(cols)
    return (H + H.T) / 2
