"""Learning-rate schedules: ``lr`` as a function of the epoch number.

Every schedule is a pure function ``f(lr0, epoch, …) -> lr``; ``epoch`` counts from 0
(the first epoch uses ``f(lr0, 0) = lr0`` except during warm-up) and may be a NumPy
array, so a widget can draw a whole schedule in one call::

    epochs = np.arange(100)
    plt.plot(epochs, exponential_decay(0.1, epochs, decay_rate=0.95))

``make_schedule(kind, lr0, **kw)`` returns the one-argument function the training loop
calls each epoch: ``optimizer.lr = schedule(epoch)``.
"""
from __future__ import annotations

import functools

import numpy as np

from nnlab.checks import check_array, check_int, check_option, check_positive, check_range


def _epochs(epoch):
    e = check_array("epoch", epoch, finite=False, allow_empty=True)
    if np.any(~np.isfinite(e)) or np.any(e < 0):
        raise ValueError(f"epoch must be >= 0, got {epoch!r}")
    return e


def _out(value):
    # a scalar epoch gives a Python float, an array of epochs an array
    return float(value) if np.ndim(value) == 0 else value


def constant(lr0: float, epoch):
    """No decay: ``α = α₀`` for every epoch (a baseline to compare schedules against)."""
    check_positive("lr0", lr0)
    return _out(np.full_like(_epochs(epoch), float(lr0)))


def inverse_time_decay(lr0: float, epoch, decay_rate: float):
    """``α = α₀ / (1 + decay_rate · epoch)``.

    With ``decay_rate = 1`` the rate halves after one epoch and is α₀/10 after nine.
    ``decay_rate >= 0``; 0 gives a constant rate.
    """
    check_positive("lr0", lr0)
    check_range("decay_rate", decay_rate, 0, None)
    return _out(lr0 / (1.0 + decay_rate * _epochs(epoch)))


def exponential_decay(lr0: float, epoch, decay_rate: float):
    """``α = α₀ · decay_rate^epoch``.

    Convention: ``decay_rate`` is the factor kept per epoch (e.g. 0.95 keeps 95 %),
    not an exponent; it must lie in (0, 1], and 1 gives a constant rate.
    """
    check_positive("lr0", lr0)
    check_range("decay_rate", decay_rate, 0, 1, low_open=True)
    return _out(lr0 * decay_rate ** _epochs(epoch))


def staircase_decay(lr0: float, epoch, drop: float = 0.5, every: int = 10):
    """Discrete steps: ``α = α₀ · drop^⌊epoch / every⌋``.

    The defaults halve the rate every 10 epochs. ``drop`` in (0, 1], ``every`` >= 1.
    """
    check_positive("lr0", lr0)
    check_range("drop", drop, 0, 1, low_open=True)
    every = check_int("every", every, low=1)
    return _out(lr0 * drop ** np.floor(_epochs(epoch) / every))


def cosine_warmup(lr0: float, epoch, total: int, warmup: int = 0, lr_min: float = 0.0):
    """Linear warm-up for ``warmup`` epochs, then a half cosine from α₀ down to ``lr_min``.

    For ``epoch < warmup``:  ``α = α₀ (epoch + 1) / (warmup + 1)``  (small, never 0);
    for ``warmup <= epoch``:  ``p = min(1, (epoch − warmup) / (total − warmup))`` and
    ``α = lr_min + (α₀ − lr_min) (1 + cos(π p)) / 2``.

    The peak α₀ is reached at ``epoch = warmup``; over the epochs ``0 … total − 1`` of a
    run the rate stays above ``lr_min`` and reaches it at ``epoch = total`` (later
    epochs stay there). A warm-up lets Adam's second moment settle before the largest
    steps are taken. ``total > warmup >= 0``, ``0 <= lr_min <= lr0``.
    """
    check_positive("lr0", lr0)
    total = check_int("total", total, low=1)
    warmup = check_int("warmup", warmup, low=0)
    if warmup >= total:
        raise ValueError(f"warmup must be in [0, total - 1] = [0, {total - 1}], got {warmup}")
    check_range("lr_min", lr_min, 0, lr0)
    e = _epochs(epoch)
    ramp = lr0 * (e + 1.0) / (warmup + 1.0)
    p = np.clip((e - warmup) / (total - warmup), 0.0, 1.0)
    cosine = lr_min + (lr0 - lr_min) * 0.5 * (1.0 + np.cos(np.pi * p))
    return _out(np.where(e < warmup, ramp, cosine))


SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time_decay,
    "exponential": exponential_decay,
    "staircase": staircase_decay,
    "cosine_warmup": cosine_warmup,
}


def make_schedule(kind: str, lr0: float, **kw):
    """A function ``epoch -> lr`` for the training loop, e.g.
    ``make_schedule("exponential", 0.1, decay_rate=0.95)``.

    ``kind`` is one of ``SCHEDULES``: constant, inverse_time (needs ``decay_rate``),
    exponential (needs ``decay_rate``), staircase (``drop``, ``every``), cosine_warmup
    (needs ``total``; ``warmup``, ``lr_min``). The arguments are checked now, not at the
    first epoch.
    """
    check_option("kind", kind, SCHEDULES)
    schedule = functools.partial(SCHEDULES[kind], lr0, **kw)
    try:
        schedule(0)
    except TypeError as err:
        raise ValueError(f"bad arguments {sorted(kw)} for the {kind!r} schedule: {err}") from None
    return schedule
