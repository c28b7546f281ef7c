"""Write the algorithms yourself, with instant feedback: the "Your turn" exercises.

Every exercise is one function of the course, with the same name and signature as the
library's (``dropout_forward(A, keep_prob, rng)``, ``adam_update(W, dW, v, s, t, lr,
beta1, beta2, epsilon)`` …). In a chapter you write ``my_dropout_forward`` and run::

    from nnlab.exercises import check
    check("dropout_forward", my_dropout_forward)

``check`` runs your function on a fixed set of cases (random shapes and seeds, plus edge
cases: a batch of one column, large logits, ``keep_prob = 1`` …), compares it with the
library, prints a tick or the first failing case with what was expected, what came back
and a hint (naming the mistake when it is a typical one), and returns whether all
cases passed. It never raises because of your code: an exception, ``None``, a wrong
shape, a NaN, a changed input or a run longer than two seconds are reported.

``EXERCISES`` maps each name to its description, signature and chapter; ``list_exercises()``
prints them. The cases and mistake catalogues live in one module per part
(:mod:`.practical`, :mod:`.optimization`, :mod:`.tuning`).
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import check_beta, check_callable, check_positive
from nnlab.exercises import optimization, practical, tuning
from nnlab.exercises._grader import (
    TIME_LIMIT,
    Case,
    Exercise,
    Mistake,
    Report,
    _grade,
    call_with_time_limit,
    compare_values,
)
from nnlab.optimizers import Optimizer

__all__ = [
    "check",
    "grade_function",
    "EXERCISES",
    "list_exercises",
    "optimizer_from",
    "Case",
    "Exercise",
    "Mistake",
    "Report",
    "TIME_LIMIT",
    "call_with_time_limit",
    "compare_values",
]

_ALL: dict[str, Exercise] = {}
for _part in (practical, optimization, tuning):
    for _ex in _part.EXERCISES:
        if _ex.name in _ALL:  # pragma: no cover - a mistake in this package
            raise RuntimeError(f"two exercises are called {_ex.name!r}")
        _ALL[_ex.name] = _ex

#: name -> {"signature", "description", "chapter"}, in the order of the course
EXERCISES = {
    name: {"signature": ex.signature, "description": ex.description, "chapter": ex.chapter}
    for name, ex in _ALL.items()
}


def exercise(name: str) -> Exercise:
    """The :class:`Exercise` called ``name`` (``ValueError`` listing the names otherwise)."""
    if name not in _ALL:
        raise ValueError(f"name must be one of the exercises {sorted(_ALL)}, got {name!r}")
    return _ALL[name]


def grade_function(name: str, fn, time_limit: float | None = None) -> Report:
    """Grade ``fn`` as exercise ``name`` without printing; returns the :class:`Report`.

    A bad ``name`` or ``time_limit`` is a ``ValueError``; whatever ``fn`` is or does (not
    a function, raises, hangs) is reported, never raised."""
    ex = exercise(name)
    if time_limit is not None:
        check_positive("time_limit", time_limit)
    return _grade(ex, fn, time_limit)


def check(name: str, fn, time_limit: float | None = None) -> bool:
    """Run your function ``fn`` on the cases of exercise ``name`` and print the verdict.

    Returns ``True`` when every case passes. Prints a tick, "not done yet" (the skeleton
    still raises ``NotImplementedError``), or the first failing case: the call, what
    was expected, what came back, and a hint. ``time_limit`` (seconds per call, default
    2) stops a function that runs too long.
    """
    report = grade_function(name, fn, time_limit)
    print(report)
    return report.passed


def list_exercises(chapter: str | None = None) -> None:
    """Print every exercise (or those of one chapter, e.g. ``"practical/03_dropout"``)."""
    chapters = sorted({info["chapter"] for info in EXERCISES.values()})
    if chapter is not None and chapter not in chapters:
        raise ValueError(f"chapter must be None or one of {chapters}, got {chapter!r}")
    for name, info in EXERCISES.items():
        if chapter is None or info["chapter"] == chapter:
            print(f"{info['chapter']:<34} {info['signature']}")


# ---------------------------------------------------------------- your rule, our loop
class _RuleOptimizer(Optimizer):
    """An optimizer whose update is a learner's ``momentum_update``, ``rmsprop_update`` or
    ``adam_update``; ``nnlab.train.train`` drives it like any other optimizer."""

    def __init__(self, rule, kind: str, lr: float, hyper: dict):
        super().__init__(lr)
        self.rule, self.kind, self.hyper = rule, kind, dict(hyper)
        self._hyper = ("lr", *self.hyper)
        for k, v in self.hyper.items():
            setattr(self, k, v)

    def _update(self, key, W, dW):
        # the moments start as arrays of zeros (a learner's rule may index or copy them);
        # Optimizer.step writes the W returned into the network's own array
        zeros = lambda: np.zeros_like(W)  # noqa: E731
        if self.kind == "momentum":
            W_new, self.v[key] = self.rule(W, dW, self.v.get(key, zeros()), self.lr, **self.hyper)
        elif self.kind == "rmsprop":
            W_new, self.s[key] = self.rule(W, dW, self.s.get(key, zeros()), self.lr, **self.hyper)
        elif self.kind == "adam":
            W_new, self.v[key], self.s[key] = self.rule(
                W,
                dW,
                self.v.get(key, zeros()),
                self.s.get(key, zeros()),
                self.t,
                self.lr,
                **self.hyper,
            )
        else:
            W_new = self.rule(W, dW, self.lr, **self.hyper)
        return W_new


_DEFAULTS = {
    "momentum": {"beta": 0.9},
    "rmsprop": {"beta": 0.9, "epsilon": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
    "sgd": {},
}


def optimizer_from(rule, kind: str = "adam", lr: float = 0.001, **hyper) -> Optimizer:
    """An optimizer for :func:`nnlab.train.train` built on your update rule.

    ``kind`` says which signature ``rule`` has: ``"momentum"`` (``rule(W, dW, v, lr,
    beta) -> (W, v)``), ``"rmsprop"`` (``rule(W, dW, s, lr, beta, epsilon) -> (W, s)``),
    ``"adam"`` (``rule(W, dW, v, s, t, lr, beta1, beta2, epsilon) -> (W, v, s)``, ``t``
    from 1) or ``"sgd"`` (``rule(W, dW, lr) -> W``). The moments start at zero and are
    kept per parameter; ``hyper`` overrides the default β's and ε.
    """
    check_callable("rule", rule, "your update rule (a function)")
    if kind not in _DEFAULTS:
        raise ValueError(f"kind must be one of {sorted(_DEFAULTS)}, got {kind!r}")
    unknown = set(hyper) - set(_DEFAULTS[kind])
    if unknown:
        raise ValueError(
            f"hyper must be among {sorted(_DEFAULTS[kind])} for {kind!r}, got {sorted(unknown)}"
        )
    check_positive("lr", lr)
    for k, v in hyper.items():
        (check_positive if k == "epsilon" else check_beta)(k, v)
    return _RuleOptimizer(rule, kind, lr, {**_DEFAULTS[kind], **hyper})
