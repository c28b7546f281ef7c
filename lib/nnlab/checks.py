"""Argument checks shared by every module, and the error a diverging run raises.

Each check raises ``ValueError`` with a message that names the parameter and the
allowed range, so a learner who mistypes ``keep_prob=1.5`` reads what went wrong
instead of a NumPy traceback three calls deeper.
"""
from __future__ import annotations

import math

import numpy as np


class DivergenceError(FloatingPointError):
    """A training run or an optimizer path produced a NaN or infinite value.

    ``iteration`` is the step at which it happened (or ``None``); ``history`` holds
    what was recorded up to that point, so a plot can still show the run.
    """

    def __init__(self, message: str, iteration: int | None = None, history=None):
        super().__init__(message)
        self.iteration = iteration
        self.history = history


def check_range(name: str, value, low=None, high=None, *, low_open=False, high_open=False):
    """Raise ``ValueError`` unless ``low (<|<=) value (<|<=) high``; return ``value``.

    ``None`` bounds are not checked. NaN is always rejected.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    ok = not math.isnan(v)
    if ok and low is not None:
        ok = v > low if low_open else v >= low
    if ok and high is not None:
        ok = v < high if high_open else v <= high
    if not ok:
        lo = "-inf" if low is None else repr(low)
        hi = "inf" if high is None else repr(high)
        interval = ("(" if low_open or low is None else "[") + f"{lo}, {hi}" + (
            ")" if high_open or high is None else "]")
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def check_positive(name: str, value):
    """``value > 0`` (learning rates, epsilon, batch sizes)."""
    return check_range(name, value, 0, None, low_open=True)


def check_beta(name: str, value):
    """An averaging coefficient: ``0 <= beta < 1``."""
    return check_range(name, value, 0, 1, high_open=True)


def check_keep_prob(name: str, value):
    """A dropout keep probability: ``0 < keep_prob <= 1``."""
    return check_range(name, value, 0, 1, low_open=True)


def check_int(name: str, value, low: int = 1):
    """A whole number ``>= low`` (layer sizes, epochs, patience)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_matrix(name: str, A, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """A 2-D float array, optionally with a given number of rows/columns."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, m), got shape {A.shape}")
    if rows is not None and A.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, got shape {A.shape}")
    if cols is not None and A.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, got shape {A.shape}")
    return A


def check_finite(name: str, value, iteration: int | None = None, history=None):
    """Raise :class:`DivergenceError` if ``value`` holds NaN or inf."""
    if not np.all(np.isfinite(value)):
        where = "" if iteration is None else f" at iteration {iteration}"
        raise DivergenceError(
            f"{name} became {'NaN' if np.any(np.isnan(value)) else 'infinite'}{where}: "
            "the run diverged. Try a smaller learning rate.",
            iteration=iteration, history=history)
    return value


def check_same_keys(params: dict, grads: dict):
    """``grads`` must hold ``dW1`` for every ``W1`` in ``params`` (and nothing else)."""
    expected = {"d" + k for k in params}
    if set(grads) != expected:
        missing = sorted(expected - set(grads))
        extra = sorted(set(grads) - expected)
        raise ValueError(
            f"grads must have one key 'd<name>' per parameter; missing {missing}, unexpected {extra}")
    for k, p in params.items():
        if np.shape(grads["d" + k]) != np.shape(p):
            raise ValueError(
                f"grads['d{k}'] has shape {np.shape(grads['d' + k])}, params['{k}'] has {np.shape(p)}")


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` as a ``np.random.Generator``: a Generator is used as given (its stream goes
    on), an integer seed ``>= 0`` starts a new one, ``None`` means seed 0 (so a call that
    names no generator is still reproducible). The one place a seed becomes a generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        rng = 0
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise ValueError(f"{name} must be a np.random.Generator or an integer seed >= 0, "
                         f"got {rng!r}")
    return np.random.default_rng(int(rng))
