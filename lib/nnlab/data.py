"""Small datasets made on the spot (no download) and the train/dev/test plumbing.

Every 2-D generator returns ``X`` of shape ``(2, m)`` (float, one column per example)
and ``Y`` of shape ``(1, m)`` (integer labels), and takes ``seed=`` so a chapter's
figures are the same on every build.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nnlab.checks import (
    check_array,
    check_int,
    check_matrix,
    check_number,
    check_positive,
    check_range,
    check_seed,
)

__all__ = [
    "make_moons",
    "make_circles",
    "make_flower",
    "make_spirals",
    "make_football",
    "make_temperature",
    "football_split",
    "load_digits",
    "train_dev_test_split",
    "Split",
    "Normalizer",
]


# ---------------------------------------------------------------- helpers
def _check_common(m, noise, m_min=2):
    m = check_int("m", m, low=m_min)
    check_range("noise", noise, 0, None)
    return m


def _class_sizes(m: int, k: int) -> list[int]:
    """Split ``m`` examples over ``k`` classes as evenly as possible (first ones get the spare)."""
    return [m // k + (1 if c < m % k else 0) for c in range(k)]


def _pack(points: list[np.ndarray], labels: list[np.ndarray], rng) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-class blocks into ``(2, m)``/``(1, m)`` and shuffle the columns, so the
    first examples are not all one class (a mini-batch drawn without shuffling would be)."""
    X = np.concatenate(points, axis=1)
    Y = np.concatenate(labels).reshape(1, -1).astype(int)
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


# ---------------------------------------------------------------- 2-D classification sets
def make_moons(m: int = 200, noise: float = 0.2, seed: int = 0):
    """Two interleaving half circles.

    Class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on the lower arc
    ``(1 - cos t, 1/2 - sin t)``, ``t ~ U(0, π)``; each point gets Gaussian jitter
    ``noise · N(0, I)``. Returns ``X (2, m)``, ``Y (1, m)``.
    """
    m = _check_common(m, noise)
    rng = np.random.default_rng(check_seed("seed", seed))
    m0, m1 = _class_sizes(m, 2)
    t0, t1 = rng.uniform(0, np.pi, m0), rng.uniform(0, np.pi, m1)
    upper = np.vstack([np.cos(t0), np.sin(t0)])
    lower = np.vstack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X, Y = _pack([upper, lower], [np.zeros(m0), np.ones(m1)], rng)
    return X + noise * rng.standard_normal(X.shape), Y


def make_circles(m: int = 200, noise: float = 0.1, factor: float = 0.5, seed: int = 0):
    """Two concentric rings: class 0 on the unit circle, class 1 on radius ``factor``.

    ``x = r (cos t, sin t) + noise · N(0, I)``, ``t ~ U(0, 2π)``, ``0 < factor < 1``.
    """
    m = _check_common(m, noise)
    check_range("factor", factor, 0, 1, low_open=True, high_open=True)
    rng = np.random.default_rng(check_seed("seed", seed))
    m0, m1 = _class_sizes(m, 2)
    t0, t1 = rng.uniform(0, 2 * np.pi, m0), rng.uniform(0, 2 * np.pi, m1)
    outer = np.vstack([np.cos(t0), np.sin(t0)])
    inner = factor * np.vstack([np.cos(t1), np.sin(t1)])
    X, Y = _pack([outer, inner], [np.zeros(m0), np.ones(m1)], rng)
    return X + noise * rng.standard_normal(X.shape), Y


def make_flower(m: int = 400, noise: float = 0.2, petals: int = 4, seed: int = 0):
    """The planar "flower": ``2·petals`` petals whose labels alternate 0, 1, 0, 1 …

    An angle ``θ ~ U(0, 2π)`` picks a petal; the point sits at radius
    ``r = 4 |sin(petals · θ)| · √u`` (``u ~ U(0, 1)`` fills the petal) and gets jitter
    ``noise · N(0, I)``. The label is the petal's parity, ``⌊petals · θ / π⌋ mod 2``, so
    a linear classifier cannot beat about 50 % while a small network can.
    """
    m = _check_common(m, noise)
    petals = check_int("petals", petals, low=1)
    rng = np.random.default_rng(check_seed("seed", seed))
    theta = rng.uniform(0, 2 * np.pi, m)
    r = 4.0 * np.abs(np.sin(petals * theta)) * np.sqrt(rng.uniform(0, 1, m))
    X = np.vstack([r * np.cos(theta), r * np.sin(theta)])
    Y = (np.floor(petals * theta / np.pi).astype(int) % 2).reshape(1, m)
    return X + noise * rng.standard_normal(X.shape), Y


def make_spirals(m: int = 300, k: int = 3, noise: float = 0.2, seed: int = 0):
    """``k`` interleaved spiral arms, labels ``0 … k-1`` (a multi-class set for softmax).

    Arm ``c`` is ``r (sin t, cos t)`` with ``r ∈ [0, 1]`` evenly spaced and angle
    ``t = 2πc/k + 4r + noise · N(0, 1)``: the noise blurs the angle, so arms touch
    near the centre where they are close.
    """
    m = _check_common(m, noise)
    k = check_int("k", k, low=2)
    if m < k:
        raise ValueError(f"m must be >= k (one example per class), got m={m}, k={k}")
    rng = np.random.default_rng(check_seed("seed", seed))
    points, labels = [], []
    for c, mc in enumerate(_class_sizes(m, k)):
        r = np.linspace(0.0, 1.0, mc)
        t = 2 * np.pi * c / k + 4.0 * r + noise * rng.standard_normal(mc)
        points.append(np.vstack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(mc, c))
    return _pack(points, labels, rng)


# Where each side's players stand when the goalkeeper kicks (field coordinates: x across
# the pitch, y along it, both in [-1, 1]); hand-placed so the Voronoi boundary wiggles.
_HOME_PLAYERS = np.array(
    [
        [-0.75, -0.45],
        [-0.2, -0.6],
        [0.35, -0.35],
        [0.8, -0.55],
        [-0.5, 0.25],
        [0.15, 0.1],
        [0.6, 0.45],
    ]
).T
_AWAY_PLAYERS = np.array(
    [
        [-0.8, 0.6],
        [-0.3, 0.7],
        [-0.05, -0.15],
        [0.3, 0.75],
        [0.85, 0.05],
        [-0.6, -0.05],
        [0.5, -0.05],
    ]
).T


def make_football(m: int = 300, noise: float = 0.15, seed: int = 0):
    """Goalkeeper kicks: where the ball landed, and which team won it.

    The story: our goalkeeper kicks the ball up the pitch; ``X[:, i]`` is where kick ``i``
    came down (``x`` across the pitch, ``y`` along it, both ``U(-1, 1)``). Seven of our
    players and seven opponents stand at fixed spots; the ball is won by the team whose
    nearest player is closest (``Y = 1``: our team, ``Y = 0``: the opponents), so the
    true boundary is a wiggly polygon. Headers are messy: each label is flipped with
    probability ``noise`` (``0 <= noise < 0.5``). A large network chases the flipped
    labels and overfits; regularization recovers the polygon.
    """
    m = _check_common(m, noise)
    check_range("noise", noise, 0, 0.5, high_open=True)
    rng = np.random.default_rng(check_seed("seed", seed))
    X = rng.uniform(-1.0, 1.0, size=(2, m))
    d_home = np.min(np.linalg.norm(X[:, None, :] - _HOME_PLAYERS[:, :, None], axis=0), axis=0)
    d_away = np.min(np.linalg.norm(X[:, None, :] - _AWAY_PLAYERS[:, :, None], axis=0), axis=0)
    clean = (d_home < d_away).astype(int)
    flip = rng.uniform(size=m) < noise
    return X, np.where(flip, 1 - clean, clean).reshape(1, m)


# ---------------------------------------------------------------- a time series
def make_temperature(
    days: int = 365,
    noise: float = 3.0,
    seed: int = 0,
    mean: float = 11.0,
    amplitude: float = 9.0,
    coldest_day: int = 15,
):
    """A noisy daily temperature series, in °C, for exponentially weighted averages.

    ``θ_t = mean - amplitude · cos(2π (t - coldest_day) / 365) + noise · N(0, 1)`` for
    ``t = 1 … days``: a seasonal curve, coldest mid-January, warmest mid-July, with
    day-to-day weather noise. Returns ``t`` (ints, shape ``(days,)``) and ``theta``
    (floats, shape ``(days,)``).
    """
    days = check_int("days", days, low=1)
    noise = check_range("noise", noise, 0, None)
    amplitude = check_range("amplitude", amplitude, 0, None)
    mean = check_number("mean", mean)
    coldest_day = check_number("coldest_day", coldest_day)
    rng = np.random.default_rng(check_seed("seed", seed))
    t = np.arange(1, days + 1)
    seasonal = mean - amplitude * np.cos(2 * np.pi * (t - coldest_day) / 365.0)
    return t, seasonal + noise * rng.standard_normal(days)


# ---------------------------------------------------------------- splitting
class Split(NamedTuple):
    """What :func:`train_dev_test_split` returns: a tuple you can unpack in this order,
    or read by name (``split.X_dev``)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_dev: np.ndarray
    Y_dev: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed: int = 0) -> Split:
    """Shuffle the columns of ``X``, ``Y`` and cut them into train, dev and test sets.

    ``fractions`` are the shares of the three sets; they are divided by their sum, so
    ``(0.6, 0.2, 0.2)``, ``(98, 1, 1)`` and ``(0.98, 0.01, 0.01)`` all work. The dev and
    test sizes are ``round(f · m)`` (at least one example when their fraction is
    positive); train gets the rest. Returns a :class:`Split`
    ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)``.
    """
    X = check_matrix("X", X)
    Y = np.asarray(check_array("Y", Y, allow_empty=True), dtype=np.asarray(Y).dtype)
    if Y.ndim != 2 or Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"Y must have shape (k, m) with m = {X.shape[1]} columns like X, got shape {Y.shape}"
        )
    f = check_array("fractions", fractions, finite=False)
    if f.shape != (3,) or np.any(~np.isfinite(f)) or np.any(f < 0) or f[0] <= 0:
        raise ValueError(
            "fractions must be three non-negative numbers (train, dev, test) "
            f"with a positive train share, got {fractions!r}"
        )
    f = f / f.sum()
    m = X.shape[1]
    n_dev, n_test = (max(int(round(fi * m)), 1 if fi > 0 else 0) for fi in f[1:])
    if n_dev + n_test >= m:
        raise ValueError(f"fractions {fractions!r} leave no training example out of m={m}")
    order = np.random.default_rng(check_seed("seed", seed)).permutation(m)
    parts = np.split(order, [m - n_dev - n_test, m - n_test])
    return Split(*(arr for idx in parts for arr in (X[:, idx], Y[:, idx])))


# ---------------------------------------------------------------- normalizing inputs
class Normalizer:
    """Input normalization fitted on the training set and reused on dev/test.

    ``fit(X_train)``: ``μ = (1/m) Σ_i x⁽ⁱ⁾`` and ``σ² = (1/m) Σ_i (x⁽ⁱ⁾ - μ)²`` per feature
    (shapes ``(n_x, 1)``). ``transform(X)``: ``(X - μ) / √(σ² + epsilon)``. Using the
    *training* ``μ, σ²`` on dev and test keeps all three sets on the same scale.
    """

    def __init__(self, epsilon: float = 1e-8):
        self.epsilon = check_positive("epsilon", epsilon)
        self.mu = None
        self.sigma2 = None

    def fit(self, X_train) -> Normalizer:
        X_train = check_matrix("X_train", X_train)
        if X_train.shape[1] < 1:
            raise ValueError("X_train must hold at least one example (column)")
        self.mu = X_train.mean(axis=1, keepdims=True)
        self.sigma2 = ((X_train - self.mu) ** 2).mean(axis=1, keepdims=True)
        return self

    def transform(self, X) -> np.ndarray:
        if self.mu is None:
            raise ValueError("Normalizer is not fitted: call fit(X_train) before transform(X)")
        X = check_matrix("X", X, rows=self.mu.shape[0])
        return (X - self.mu) / np.sqrt(self.sigma2 + self.epsilon)

    def fit_transform(self, X_train) -> np.ndarray:
        return self.fit(X_train).transform(X_train)


def football_split(m: int = 600, noise: float = 0.1, n_train: int = 200, seed: int = 0) -> Split:
    """``m`` goalkeeper kicks (labels flipped with probability ``noise``) split into
    ``n_train`` training and ``m - n_train`` dev examples (no test set: the chapters
    compare models on dev only).

    With label noise ``noise`` the best possible (Bayes) error is ``noise``: a flipped
    label cannot be predicted from where the ball landed.
    """
    m = check_int("m", m, low=4)
    n_train = check_int("n_train", n_train, low=2)
    check_range("noise", noise, 0, 0.5, high_open=True)
    if n_train >= m - 1:
        raise ValueError(f"n_train must be in [2, m - 2] = [2, {m - 2}], got {n_train}")
    X, Y = make_football(m, noise=noise, seed=seed)
    return train_dev_test_split(X, Y, (n_train, m - n_train, 0), seed=seed)


# ---------------------------------------------------------------- real data
def load_digits(n_classes: int = 10):
    """The handwritten digits that scikit-learn ships inside its package (no download).

    1,797 grey-scale images of 8 × 8 pixels, digits 0-9 written by 43 people (the UCI
    "optical recognition of handwritten digits" test set, about 180 per class). Each
    pixel counts the ink in a 4 × 4 block of the original 32 × 32 bitmap, so it is an
    integer in 0 … 16. Returns ``X`` of shape ``(64, m)`` (floats, one column per
    image; pixel ``(i, j)`` is row ``8 i + j``, so ``X[:, k].reshape(8, 8)`` is image
    ``k``) and ``Y`` of shape ``(1, m)`` (integer class indices ``0 … n_classes - 1``).
    ``n_classes`` in ``2 … 10`` keeps the digits ``0 … n_classes - 1`` (``m = 1797`` for
    all ten), like ``sklearn.datasets.load_digits(n_class=n_classes)``, whose arrays
    these are (transposed). The images come in the order scikit-learn stores them:
    shuffle before splitting (:func:`train_dev_test_split` does).
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    if n_classes > 10:
        raise ValueError(f"n_classes must be in 2 … 10 (there are ten digits), got {n_classes}")
    data = _digits_table()
    keep = data[:, -1] < n_classes
    X = np.ascontiguousarray(data[keep, :-1].T)
    Y = data[keep, -1].astype(int).reshape(1, -1)
    return X, Y


def _digits_table() -> np.ndarray:
    """scikit-learn's ``datasets/data/digits.csv.gz`` (64 pixels then the label per row).

    Read from the installed package without importing it: ``import sklearn`` loads SciPy,
    seconds of start-up for a 57 kB file. The test suite checks the result against
    ``sklearn.datasets.load_digits``.
    """
    import importlib.util
    import os

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "load_digits needs scikit-learn (pip install scikit-learn): the "
            "images ship inside its package"
        )
    path = os.path.join(
        list(spec.submodule_search_locations)[0], "datasets", "data", "digits.csv.gz"
    )
    return np.loadtxt(path, delimiter=",")
