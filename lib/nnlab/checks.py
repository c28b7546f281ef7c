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


#: Default upper bound of :func:`check_int`: sizes, epochs and step counts above a
#: million are a typo in a course whose runs take seconds (``epochs=10**18`` would hang).
MAX_INT = 10**6
#: Seeds are non-negative integers below ``2**63`` (what ``np.random.default_rng`` takes).
MAX_SEED = 2**63 - 1


def _what(value) -> str:
    """``repr`` of a bad value, with its type when the repr alone could mislead (``'0.1'``)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if isinstance(value, (str, bytes)):
        return f"{text} (a string)"
    if isinstance(value, (bool, np.bool_)):
        return f"{text} (a bool)"
    return text


def check_number(name: str, value, *, allow_inf: bool = False, _allow_nan: bool = False) -> float:
    """A real number (``int``, ``float`` or a NumPy scalar, not a bool, string, ``None``
    or complex), finite unless ``allow_inf``; returned as a ``float``."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number, got {_what(value)}")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (complex, np.complexfloating)):
            raise ValueError(f"{name} must be a real number, got the complex {value!r}")
        raise ValueError(f"{name} must be a number, got {_what(value)}")
    v = float(value)
    if math.isnan(v) and not _allow_nan:
        raise ValueError(f"{name} must be a number, got nan")
    if math.isinf(v) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def check_range(
    name: str, value, low=None, high=None, *, low_open=False, high_open=False, allow_inf=False
) -> float:
    """Raise ``ValueError`` unless ``low (<|<=) value (<|<=) high``; return ``float(value)``.

    ``None`` bounds are not checked. NaN, strings, ``None``, bools and complex numbers are
    always rejected, and so are ``±inf`` unless ``allow_inf`` (a documented "no limit").
    """
    v = check_number(name, value, allow_inf=True, _allow_nan=True)
    ok = not math.isnan(v)
    if low is not None:
        ok = v > low if low_open else v >= low
    if ok and high is not None:
        ok = v < high if high_open else v <= high
    if not ok or (math.isinf(v) and not allow_inf):
        lo = "-inf" if low is None else repr(low)
        hi = "inf" if high is None else repr(high)
        interval = (
            ("(" if low_open or low is None else "[")
            + f"{lo}, {hi}"
            + (")" if high_open or high is None else "]")
        )
        finite = "" if allow_inf or not ok else " (finite)"
        raise ValueError(f"{name} must be in {interval}{finite}, got {value!r}")
    return v


def check_positive(name: str, value) -> float:
    """``0 < value < inf`` (learning rates, epsilon, scales)."""
    return check_range(name, value, 0, None, low_open=True)


def check_beta(name: str, value) -> float:
    """An averaging coefficient: ``0 <= beta < 1``."""
    return check_range(name, value, 0, 1, high_open=True)


def check_keep_prob(name: str, value) -> float:
    """A dropout keep probability: ``0 < keep_prob <= 1``."""
    return check_range(name, value, 0, 1, low_open=True)


def check_int(name: str, value, low: int = 1, high: int | None = MAX_INT) -> int:
    """A whole number in ``[low, high]`` (layer sizes, epochs, patience); ``high=None``
    for no upper bound. Bools, floats (even ``3.0``) and strings are refused."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    bound = f">= {low}" if high is None else f">= {low} (and <= {high})"
    raise ValueError(f"{name} must be an integer {bound}, got {_what(value)}")


def check_seed(name: str, value, *, generator: bool = False):
    """A seed: an integer in ``[0, 2**63 - 1]``; with ``generator=True`` a
    ``np.random.Generator`` is accepted too (and returned as it is)."""
    if generator and isinstance(value, np.random.Generator):
        return value
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok and 0 <= value <= MAX_SEED:
        return int(value)
    what = "a np.random.Generator or an integer seed" if generator else "an integer seed"
    raise ValueError(f"{name} must be {what} in [0, 2**63 - 1], got {_what(value)}")


def check_option(name: str, value, options):
    """``value`` must be one of ``options`` (strings compared by equality)."""
    options = tuple(options)
    try:
        ok = any(value is o or (type(value) is type(o) and value == o) for o in options)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, options))}, got {_what(value)}"
        )
    return value


def check_bool(name: str, value) -> bool:
    """A switch: ``True`` or ``False`` (a string such as ``"False"`` would count as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {_what(value)}")
    return bool(value)


def check_callable(name: str, value, what: str = "a function"):
    """``value`` must be callable."""
    if not callable(value):
        raise ValueError(f"{name} must be {what}, got {_what(value)}")
    return value


def check_array(
    name: str,
    A,
    *,
    ndim: int | None = None,
    shape: tuple | None = None,
    finite: bool = True,
    allow_empty: bool = False,
) -> np.ndarray:
    """A real float array (a copy when ``A`` was not one already): integers and bools
    are converted, strings, objects and complex numbers refused; optionally of ``ndim``
    dimensions or exactly ``shape`` (``None`` entries are free); finite unless
    ``finite=False``; not empty unless ``allow_empty``."""
    if A is None or isinstance(A, (str, bytes)):
        raise ValueError(f"{name} must be an array of numbers, got {_what(A)}")
    try:
        raw = np.asarray(A)
    except (ValueError, TypeError):  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers") from None
    if raw.dtype.kind == "c":
        raise ValueError(f"{name} must be real, got a complex array (dtype {raw.dtype})")
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers, got dtype {raw.dtype}")
    A = raw.astype(float)
    if ndim is not None and A.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {A.shape}")
    if shape is not None and (
        A.ndim != len(shape) or any(s is not None and a != s for a, s in zip(A.shape, shape))
    ):
        want = (
            "("
            + ", ".join("·" if s is None else str(s) for s in shape)
            + ("," if len(shape) == 1 else "")
            + ")"
        )
        raise ValueError(f"{name} must have shape {want}, got shape {A.shape}")
    if not allow_empty and A.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {A.shape}")
    if finite and not np.all(np.isfinite(A)):
        bad = "NaN" if np.any(np.isnan(A)) else "inf"
        raise ValueError(f"{name} must hold finite numbers, got {bad} in it")
    return A


def check_matrix(
    name: str,
    A,
    rows: int | None = None,
    cols: int | None = None,
    *,
    finite: bool = True,
    allow_empty: bool = False,
    like: str | None = None,
) -> np.ndarray:
    """A 2-D real float array ``(n, m)`` of finite numbers with ``m >= 1`` columns (unless
    ``allow_empty``), optionally with a given number of rows/columns; ``like`` names the
    array ``cols`` comes from (``Y`` needs one column per example, like ``X``)."""
    A = check_array(name, A, finite=False, allow_empty=True)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, m), got shape {A.shape}")
    if rows is not None and A.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, got shape {A.shape}")
    if cols is not None and A.shape[1] != cols:
        of = f" (one per example, like {like})" if like else ""
        raise ValueError(f"{name} must have {cols} columns{of}, got shape {A.shape}")
    if not allow_empty and (A.shape[1] < 1 or A.shape[0] < 1):
        raise ValueError(
            f"{name} must have at least one row and one column (m >= 1), got shape {A.shape}"
        )
    if finite and not np.all(np.isfinite(A)):
        bad = "NaN" if np.any(np.isnan(A)) else "inf"
        raise ValueError(f"{name} must hold finite numbers, got {bad} in it")
    return A


def check_same_shape(name: str, A, shape, other: str) -> np.ndarray:
    """``A`` (checked by :func:`check_array`) must have ``shape``, the shape of ``other``."""
    A = check_array(name, A, allow_empty=True)
    if A.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of {other} {tuple(shape)}, got {A.shape}")
    return A


def check_finite(name: str, value, iteration: int | None = None, history=None):
    """Raise :class:`DivergenceError` if ``value`` holds NaN or inf."""
    if not np.all(np.isfinite(value)):
        where = "" if iteration is None else f" at iteration {iteration}"
        raise DivergenceError(
            f"{name} became {'NaN' if np.any(np.isnan(value)) else 'infinite'}{where}: "
            "the run diverged. Try a smaller learning rate.",
            iteration=iteration,
            history=history,
        )
    return value


def check_same_keys(params: dict, grads: dict):
    """``grads`` must hold ``dW1`` for every ``W1`` in ``params`` (and nothing else), each
    a real array of finite numbers with its parameter's shape."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of arrays {{'W1': …}}, got {_what(params)}")
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict of arrays {{'dW1': …}}, got {_what(grads)}")
    expected = {"d" + k for k in params}
    if set(grads) != expected:
        missing = sorted(expected - set(grads))
        extra = sorted(set(grads) - expected)
        raise ValueError(
            f"grads must have one key 'd<name>' per parameter; missing {missing}, unexpected {extra}"
        )
    for k, p in params.items():
        if np.shape(grads["d" + k]) != np.shape(p):
            raise ValueError(
                f"grads['d{k}'] has shape {np.shape(grads['d' + k])}, params['{k}'] has {np.shape(p)}"
            )
        check_array(f"grads['d{k}']", grads["d" + k], allow_empty=True)


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` as a ``np.random.Generator``: a Generator is used as given (its stream goes
    on), an integer seed ``>= 0`` starts a new one, ``None`` means seed 0 (so a call that
    names no generator is still reproducible). The one place a seed becomes a generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        rng = 0
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise ValueError(
            f"{name} must be a np.random.Generator or an integer seed >= 0, got {rng!r}"
        )
    return np.random.default_rng(int(rng))
