"""Data augmentation for 2-D examples: new training examples whose labels are known.

An augmentation is a map ``x ↦ T(x)`` that we *know* keeps the label: ``y(T(x)) = y(x)``.
Adding ``(T(x⁽ⁱ⁾), y⁽ⁱ⁾)`` to the training set tells the network about that invariance
for free. Which maps keep labels depends on the data: a mirror image of a cat is a
cat, a mirror image of a "b" is a "d". Every function here returns the original
examples *followed by* the new ones, with ``X`` ``(n_x, m)`` and ``Y`` ``(1, m)``.
Apply them to the training set only: dev and test must stay real data.
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import (
    check_array,
    check_bool,
    check_int,
    check_matrix,
    check_range,
    check_seed,
)

__all__ = ["reflect", "rotate", "jitter", "augment"]


def _check_XY(X, Y):
    X = check_matrix("X", X)
    Y = np.asarray(check_array("Y", Y, allow_empty=True), dtype=np.asarray(Y).dtype)
    if Y.ndim != 2 or Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"Y must have shape (k, {X.shape[1]}) (one column per example, "
            f"like X), got shape {Y.shape}"
        )
    return X, Y


def reflect(X, Y, axes=(0,)):
    """Mirror images: for each ``k`` in ``axes``, flip the sign of feature ``k``.

    ``T_k(x)_j = -x_j`` if ``j = k`` else ``x_j``. With ``axes=(0, 1)`` on 2-D data the
    result holds ``x``, ``T_0(x)`` and ``T_1(x)`` (3 m examples). Returns
    ``(X_aug, Y_aug)``, labels copied.
    """
    X, Y = _check_XY(X, Y)
    if isinstance(axes, (str, bytes)) or not hasattr(axes, "__iter__"):
        raise ValueError(f"axes must be a list of feature indices, got {axes!r}")
    axes = tuple(axes)
    if not axes:
        raise ValueError("axes must name at least one feature to reflect, got ()")
    parts = [X]
    for k in axes:
        check_int("axes entry", k, low=0)
        if k >= X.shape[0]:
            raise ValueError(f"axes entries must be in [0, {X.shape[0] - 1}], got {k}")
        Xk = X.copy()
        Xk[k] = -Xk[k]
        parts.append(Xk)
    return np.hstack(parts), np.tile(Y, (1, len(parts)))


def rotate(X, Y, angles):
    """Rotations of 2-D examples about the origin by each angle ``θ`` (radians).

    ``T_θ(x) = [[cos θ, -sin θ], [sin θ, cos θ]] x``. Returns the originals followed by
    one rotated copy per angle.
    """
    X, Y = _check_XY(X, Y)
    if X.shape[0] != 2:
        raise ValueError(f"X must have 2 rows (2-D examples) to rotate, got shape {X.shape}")
    angles = np.atleast_1d(check_array("angles", angles, finite=False, allow_empty=True))
    if angles.size == 0 or not np.all(np.isfinite(angles)):
        raise ValueError(f"angles must be one or more finite numbers, got {angles!r}")
    parts = [X]
    for a in angles:
        R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        parts.append(R @ X)
    return np.hstack(parts), np.tile(Y, (1, len(parts)))


def jitter(X, Y, sigma: float = 0.1, copies: int = 1, seed: int = 0, rng=None):
    """Noisy copies: ``x + σ ε`` with ``ε ~ N(0, I)``, ``copies`` times per example.

    Small jitter says "the label does not change if the point moves a little", which
    is true away from the class boundary; a ``σ`` comparable to the gap between classes
    makes up wrong labels. Returns ``(1 + copies) · m`` examples.
    """
    X, Y = _check_XY(X, Y)
    sigma = check_range("sigma", sigma, 0, None)
    copies = check_int("copies", copies, low=1, high=1000)
    seed = check_seed("seed", seed)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a np.random.Generator or None, got {rng!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    noisy = [X + sigma * rng.standard_normal(X.shape) for _ in range(copies)]
    return np.hstack([X] + noisy), np.tile(Y, (1, 1 + copies))


def augment(X, Y, reflections: bool = True, sigma: float = 0.0, copies: int = 1, seed: int = 0):
    """Reflections in both axes and through the origin (4 m examples), then optional jitter.

    The four images ``(x₁, x₂)``, ``(-x₁, x₂)``, ``(x₁, -x₂)``, ``(-x₁, -x₂)`` keep the
    label of data with that symmetry (e.g. concentric circles). With ``sigma > 0``,
    ``copies`` jittered versions of that set are added.
    """
    X, Y = _check_XY(X, Y)
    check_bool("reflections", reflections)
    sigma = check_range("sigma", sigma, 0, None)
    copies = check_int("copies", copies, low=1, high=1000)
    seed = check_seed("seed", seed)
    if reflections:
        X, Y = reflect(X, Y, axes=tuple(range(X.shape[0])))
        if X.shape[0] == 2:
            m = X.shape[1] // 3
            X = np.hstack([X, -X[:, :m]])
            Y = np.hstack([Y, Y[:, :m]])
    if sigma > 0:
        X, Y = jitter(X, Y, sigma=sigma, copies=copies, seed=seed)
    else:
        check_range("sigma", sigma, 0, None)
    return X, Y
