"""Learning-rate schedules.

A schedule is a callable ``schedule(t) -> α``: ``t`` counts the ticks of its clock from
0. The clock is the **epoch** unless the caller says otherwise: ``nnlab.train.train`` and
``nnlab.race.race_on_data`` call ``schedule(epoch)`` once per epoch, or
``schedule(iteration)`` once per mini-batch with ``schedule_every="iteration"``. ``t``
may be a NumPy array, so a widget can draw a whole schedule in one call::

    schedule = exponential_decay(0.1, decay_rate=0.95)
    plt.plot(epochs, schedule(np.arange(100)))

Each function below builds one (its arguments are checked when it is built, not at the
first epoch); ``make_schedule(kind, lr0, **kw)`` builds one by name. Any other function
``t -> α`` is a schedule too.
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_array, check_int, check_option, check_positive, check_range

# The clocks a schedule can tick with (``schedule_every`` of train and race_on_data).
CLOCKS = ("epoch", "iteration")


def _clock(t):
    t = check_array("t", t, finite=False, allow_empty=True)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"t must be >= 0, got {t!r}")
    return t


def _out(value):
    # a scalar t gives a Python float (what optimizer.lr holds), an array of t an array
    return float(value) if np.ndim(value) == 0 else value


def constant(lr0: float):
    """No decay: ``α(t) = α₀`` (a baseline to compare schedules against)."""
    check_positive("lr0", lr0)

    def schedule(t):
        return _out(np.full_like(_clock(t), float(lr0)))

    return schedule


def inverse_time_decay(lr0: float, decay_rate: float, every: int = 1):
    """``α(t) = α₀ / (1 + decay_rate · ⌊t / every⌋)``.

    With ``decay_rate = 1`` (and ``every = 1``) the rate halves after one epoch and is
    α₀/10 after nine. ``decay_rate >= 0``; 0 gives a constant rate. ``every = N`` lowers
    the rate only every ``N`` ticks.
    """
    check_positive("lr0", lr0)
    check_range("decay_rate", decay_rate, 0, None)
    every = check_int("every", every, low=1)

    def schedule(t):
        return _out(lr0 / (1.0 + decay_rate * np.floor(_clock(t) / every)))

    return schedule


def exponential_decay(lr0: float, decay_rate: float):
    """``α(t) = α₀ · decay_rate^t``.

    Convention: ``decay_rate`` is the factor kept per tick (e.g. 0.95 keeps 95 %),
    not an exponent; it must lie in (0, 1], and 1 gives a constant rate.
    """
    check_positive("lr0", lr0)
    check_range("decay_rate", decay_rate, 0, 1, low_open=True)

    def schedule(t):
        return _out(lr0 * decay_rate ** _clock(t))

    return schedule


def staircase_decay(lr0: float, drop: float = 0.5, every: int = 10):
    """Discrete steps: ``α(t) = α₀ · drop^⌊t / every⌋``.

    The defaults halve the rate every 10 epochs. ``drop`` in (0, 1], ``every`` >= 1.
    """
    check_positive("lr0", lr0)
    check_range("drop", drop, 0, 1, low_open=True)
    every = check_int("every", every, low=1)

    def schedule(t):
        return _out(lr0 * drop ** np.floor(_clock(t) / every))

    return schedule


def cosine_warmup(lr0: float, total: int, warmup: int = 0, lr_min: float = 0.0):
    """Linear warm-up for ``warmup`` ticks, then a half cosine from α₀ down to ``lr_min``.

    For ``t < warmup``:  ``α = α₀ (t + 1) / (warmup + 1)``  (small, never 0);
    for ``warmup <= t``:  ``p = min(1, (t − warmup) / (total − warmup))`` and
    ``α = lr_min + (α₀ − lr_min) (1 + cos(π p)) / 2``.

    The peak α₀ is reached at ``t = warmup``; over the epochs ``0 … total − 1`` of a
    run the rate stays above ``lr_min`` and reaches it at ``t = total`` (later
    epochs stay there). A warm-up lets Adam's second moment settle before the largest
    steps are taken. ``total > warmup >= 0``, ``0 <= lr_min <= lr0``.
    """
    check_positive("lr0", lr0)
    total = check_int("total", total, low=1)
    warmup = check_int("warmup", warmup, low=0)
    if warmup >= total:
        raise ValueError(f"warmup must be in [0, total - 1] = [0, {total - 1}], got {warmup}")
    check_range("lr_min", lr_min, 0, lr0)

    def schedule(t):
        e = _clock(t)
        ramp = lr0 * (e + 1.0) / (warmup + 1.0)
        p = np.clip((e - warmup) / (total - warmup), 0.0, 1.0)
        cosine = lr_min + (lr0 - lr_min) * 0.5 * (1.0 + np.cos(np.pi * p))
        return _out(np.where(e < warmup, ramp, cosine))

    return schedule


SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time_decay,
    "exponential": exponential_decay,
    "staircase": staircase_decay,
    "cosine_warmup": cosine_warmup,
}


def make_schedule(kind: str, lr0: float, **kw):
    """The schedule ``t -> α`` named ``kind``, e.g.
    ``make_schedule("exponential", 0.1, decay_rate=0.95)``.

    ``kind`` is one of ``SCHEDULES``: constant, inverse_time (needs ``decay_rate``;
    ``every``), exponential (needs ``decay_rate``), staircase (``drop``, ``every``),
    cosine_warmup (needs ``total``; ``warmup``, ``lr_min``). The arguments are checked
    now, not at the first epoch.
    """
    check_option("kind", kind, SCHEDULES)
    try:
        return SCHEDULES[kind](lr0, **kw)
    except TypeError as err:
        raise ValueError(f"bad arguments {sorted(kw)} for the {kind!r} schedule: {err}") from None
