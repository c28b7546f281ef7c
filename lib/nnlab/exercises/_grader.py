"""The grader: run a learner's function on an exercise's cases and explain the first failure.

An :class:`Exercise` holds the library's reference, a list of :class:`Case` (the same
cases every time: seeded shapes plus the edge cases), a comparison and a catalogue of
typical :class:`Mistake`\\ s. :func:`grade` runs the learner's function on each case and
stops at the first one that fails; nothing the learner's code does (raise, loop forever,
return ``None``, change its inputs, return NaN) escapes as an exception: it becomes the
report's message. When a failing answer is the one a catalogued mistake gives on that
case, the hint names the mistake.
"""

from __future__ import annotations

import copy
import math
import signal
import sys
import textwrap
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: seconds one call of the learner's function may take before it is stopped
TIME_LIMIT = 2.0

RANDOM_HINT = (
    "draw every random number from the rng (or seed) argument, e.g. "
    "rng.random(shape) or np.random.default_rng(seed), never from np.random's "
    "global state: the same seed must give the same result."
)


# ---------------------------------------------------------------- cases and mistakes
@dataclass
class Case:
    """One call: ``fn(*args, **kwargs)``; ``label`` says what is special about it."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""

    def call_text(self, name: str) -> str:
        parts = [_short(a) for a in self.args] + [
            f"{k}={_short(v)}" for k, v in self.kwargs.items()
        ]
        return f"{name}({', '.join(parts)})"


@dataclass
class Mistake:
    """A typical wrong implementation ``fn`` (same signature) and the hint that names it."""

    name: str
    fn: Callable
    hint: str
    kind: str = "wrong"  # or "random": the answer is right but not reproducible


@dataclass
class Exercise:
    """One function to write.

    ``compare(expected, got, case) -> str | None`` returns what is wrong with ``got``
    (``None``: right). ``same(a, b, case) -> bool`` decides whether the learner's answer
    ``a`` is the one a mistake gives (``b``); by default ``compare(b, a, case) is None``.
    Exercises whose answer is random compare properties instead of values, and compare
    a *fingerprint* of the properties to recognise a mistake.
    """

    name: str
    signature: str
    description: str
    chapter: str
    reference: Callable
    cases: Callable[[], list]
    hint: str
    mistakes: list = field(default_factory=list)
    compare: Callable | None = None
    same: Callable | None = None
    mutation_hint: str = (
        "work on new arrays (`A = A * D`, not `A *= D`, and `.copy()` before "
        "changing entries): the caller's arrays must be left as they were."
    )
    time_limit: float = TIME_LIMIT
    reproducible: bool = False  # random answer: run twice on equal seeds, must agree
    #: turns a function (the learner's, the reference, a mistake) into the one the cases
    #: call, e.g. build a schedule then read it at several t
    adapt: Callable | None = None

    def __post_init__(self):
        if self.compare is None:
            self.compare = lambda expected, got, case: compare_values(
                expected, got, what=self.outputs
            )
        if self.same is None:
            self.same = lambda a, b, case: self.compare(b, a, case) is None

    @property
    def outputs(self):
        """The result's name(s) from the signature: ``"(W, v)"`` gives ``("W", "v")``."""
        out = self.signature.rpartition(" -> ")[2].strip()
        if out.startswith("(") and out.endswith(")"):
            return tuple(x.strip() for x in out[1:-1].split(","))
        return "the result"

    @property
    def skeleton(self) -> str:
        """The code cell a learner starts from (named ``my_<name>``)."""
        doc = textwrap.fill(
            self.description.strip().replace('"' * 3, "'" * 3),
            88,
            initial_indent="    ",
            subsequent_indent="    ",
        ).strip()
        return (
            f"def my_{self.signature.split(' -> ')[0]}:\n"
            f'    """{doc}"""\n'
            f"    # your code here\n"
            f"    raise NotImplementedError\n"
        )


@dataclass
class Report:
    """What :func:`grade` found. ``passed`` is True only when every case passed."""

    name: str
    passed: bool
    n_cases: int
    done: bool = True  # False: the function still raises NotImplementedError
    case_index: int | None = None
    case: Case | None = None
    kind: str = ""  # raised, timeout, mutated, wrong, error
    message: str = ""
    hint: str = ""
    mistake: str | None = None  # the catalogued mistake the answer matches

    def __str__(self) -> str:
        if self.passed:
            return f"✔ {self.name}: all {self.n_cases} cases pass. Well done!"
        if not self.done:
            return (
                f"… {self.name} is not done yet: write your code where it says "
                f"`# your code here` (remove the `raise NotImplementedError`), run that "
                f"cell, then run this one again."
            )
        if self.case is None:
            return f"✘ {self.name}: {self.message}"
        lines = [
            f"✘ {self.name}: case {self.case_index + 1} of {self.n_cases} fails"
            + (f" ({self.case.label})" if self.case.label else "")
            + ".",
            f"  call:  {self.case.call_text('my_' + self.name)}",
            *("  " + line for line in self.message.splitlines()),
        ]
        if self.hint:
            lines.append(f"  hint:  {self.hint}")
        return "\n".join(lines)


# ---------------------------------------------------------------- formatting
def _short(x, width: int = 60) -> str:
    """A one-line description of an argument or a result."""
    if isinstance(x, np.ndarray):
        if x.size <= 4:
            return np.array2string(x, precision=4, separator=", ").replace("\n", "")
        return f"<array of shape {x.shape}>"
    if isinstance(x, np.random.Generator):
        return "rng"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_short(v, 20)}" for k, v in x.items()) + "}"
    if callable(x):
        return getattr(x, "__name__", "f")
    text = repr(x)
    return text if len(text) <= width else text[: width - 1] + "…"


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if x is None:
        return "None (did you forget `return`?)"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)} items"
    return f"{type(x).__name__} {_short(x)}"


def _where(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str:
    diff = np.abs(expected - got)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    idx = (
        np.unravel_index(
            np.argmax(np.where(bad, np.nan_to_num(diff, nan=np.inf), -1)), expected.shape
        )
        if expected.ndim
        else ()
    )
    at = f" at index {tuple(int(i) for i in idx)}" if expected.ndim else ""
    return (
        f"expected {expected[idx]:.6g}{at}, got {got[idx]:.6g} "
        f"({int(bad.sum())} of {expected.size} entries differ)"
    )


# ---------------------------------------------------------------- comparison
def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def compare_values(expected, got, rtol: float = 1e-6, atol: float = 1e-9, what="the result"):
    """``None`` when ``got`` matches ``expected`` (recursively through tuples, lists and
    dicts; arrays to ``rtol``/``atol``), else a sentence saying what differs. ``what``
    names the result, or is a tuple naming each item of a tuple result."""
    names = what if isinstance(what, tuple) else None
    if names is not None:
        what = "(" + ", ".join(names) + ")"
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{what} should be a tuple of {len(expected)} items, got {_describe(got)}"
        if len(got) != len(expected):
            return f"{what} should have {len(expected)} items, got {len(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            item = names[i] if names and len(names) == len(expected) else f"{what}[{i}]"
            msg = compare_values(e, g, rtol, atol, item)
            if msg:
                return msg
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{what} should be a dict, got {_describe(got)}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"{what} is missing the key(s) {missing}"
        for k in expected:
            msg = compare_values(expected[k], got[k], rtol, atol, f"{what}[{k!r}]")
            if msg:
                return msg
        return None
    if isinstance(expected, str):
        if got != expected:
            return f"{what}: expected {expected!r}, got {_short(got)}"
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            if _is_number(got) and expected.shape == ():
                got = np.asarray(got)
            else:
                return f"{what} should be an array of shape {expected.shape}, got {_describe(got)}"
        if got.shape != expected.shape:
            return f"{what} should have shape {expected.shape}, got shape {got.shape}"
        if not np.issubdtype(got.dtype, np.number) and got.dtype != bool:
            return f"{what} should hold numbers, got dtype {got.dtype}"
        got = got.astype(float)
        if np.isnan(got).any() and not np.isnan(expected).any():
            return (
                f"{what} contains NaN ({int(np.isnan(got).sum())} entries), "
                f"expected {_short(expected)}"
            )
        if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
            return f"{what}: " + _where(expected.astype(float), got, rtol, atol)
        return None
    if _is_number(expected) or isinstance(expected, bool):
        if isinstance(got, np.ndarray) and got.shape == ():
            got = got[()]
        if not _is_number(got):
            return f"{what} should be a number, got {_describe(got)}"
        if math.isnan(float(got)) or math.isnan(float(expected)):
            if math.isnan(float(got)) and math.isnan(float(expected)):
                return None
            return (
                f"{what} is NaN, expected {float(expected):.6g}"
                if math.isnan(float(got))
                else f"{what}: expected NaN, got {float(got):.6g}"
            )
        if not math.isclose(float(got), float(expected), rel_tol=rtol, abs_tol=atol):
            return f"{what}: expected {float(expected):.6g}, got {float(got):.6g}"
        return None
    if expected is None:
        return None if got is None else f"{what} should be None, got {_describe(got)}"
    return None if got == expected else f"{what}: expected {_short(expected)}, got {_short(got)}"


def _unchanged(before, after) -> bool:
    """Whether an argument is as it was (arrays and dicts of arrays; other objects pass)."""
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and np.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(_unchanged(before[k], after[k]) for k in before)
        )
    if isinstance(before, list):
        return (
            isinstance(after, list)
            and len(before) == len(after)
            and all(_unchanged(b, a) for b, a in zip(before, after))
        )
    return True


# ---------------------------------------------------------------- time limit
class TimeUp(BaseException):
    """Raised inside the learner's function when its time is up (a BaseException, so a
    bare ``except Exception`` in the learner's code does not swallow it)."""


def _can_use_alarm() -> bool:
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )


def call_with_time_limit(fn: Callable, args=(), kwargs=None, seconds: float = TIME_LIMIT):
    """``fn(*args, **kwargs)``, raising :class:`TimeUp` after ``seconds``.

    In the main thread on POSIX (a notebook kernel runs cells there) a ``SIGALRM`` timer
    interrupts the call, even inside ``time.sleep``; a timer already armed by someone
    else (pytest-timeout) is put back afterwards with the time it had left. Elsewhere
    a trace function checks the clock at every line of Python, which stops runaway
    loops but not a single long NumPy call.
    """
    kwargs = kwargs or {}
    if _can_use_alarm():

        def on_alarm(signum, frame):
            raise TimeUp()

        start = time.monotonic()
        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_delay > 0:  # re-arm the previous timer with what it had left
                left = old_delay - (time.monotonic() - start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), old_interval)
    deadline = time.monotonic() + seconds
    old_trace = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeUp()
        return tracer

    sys.settrace(tracer)
    try:
        return fn(*args, **kwargs)
    finally:
        sys.settrace(old_trace)


# ---------------------------------------------------------------- grading
def _their_line(tb) -> str:
    """The last line of the learner's own code in a traceback (not NumPy's, not ours)."""
    frames = [
        f
        for f in traceback.extract_tb(tb)
        if __file__ not in f.filename
        and "site-packages" not in f.filename
        and "/numpy/" not in f.filename
    ]
    if not frames:
        return ""
    f = frames[-1]
    return f"\n  in line {f.lineno}: {f.line}" if f.line else ""


def _run(fn, case: Case, limit: float):
    """Run ``fn`` on a private copy of the case: ``(result, args_after, error)``."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = call_with_time_limit(fn, args, kwargs, limit)
        except TimeUp:
            return None, (args, kwargs), ("timeout", None)
        except (Exception, SystemExit) as err:  # the learner's code may raise anything
            return None, (args, kwargs), ("raised", err)
    return out, (args, kwargs), None


def _find_mistake(ex: Exercise, case: Case, got, kind: str = "wrong"):
    """The first catalogued mistake of this ``kind`` whose answer on ``case`` is ``got``
    (for ``kind="random"``: the first one of that kind), or ``None``."""
    for mistake in ex.mistakes:
        if mistake.kind != kind:
            continue
        if kind != "wrong":
            return mistake
        wrong = ex.adapt(mistake.fn) if ex.adapt else mistake.fn
        out, _, error = _run(wrong, case, ex.time_limit)
        if error is not None:
            continue
        try:
            if ex.same(got, out, case):
                return mistake
        except Exception:  # a malformed answer cannot match
            continue
    return None


def _grade(ex: Exercise, fn, time_limit: float | None = None) -> Report:
    """Run ``fn`` on every case of ``ex``; stop at the first failure. Never raises."""
    try:
        cases = list(ex.cases())
    except Exception as err:  # pragma: no cover - a bug in the exercise itself
        return Report(
            ex.name, False, 0, kind="error", message=f"the cases could not be built: {err!r}"
        )
    n = len(cases)
    if not callable(fn):
        return Report(
            ex.name,
            False,
            n,
            kind="error",
            message=f"check needs your function, got {_describe(fn)}",
        )
    limit = ex.time_limit if time_limit is None else time_limit
    reference = ex.adapt(ex.reference) if ex.adapt else ex.reference
    fn = ex.adapt(fn) if ex.adapt else fn
    for i, case in enumerate(cases):
        report = Report(ex.name, False, n, case_index=i, case=case)
        expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        got, (args_after, kwargs_after), error = _run(fn, case, limit)
        if error is not None:
            kind, err = error
            if (
                kind == "raised"
                and isinstance(err, NotImplementedError)
                and i == 0
                and not str(err)
            ):
                return Report(ex.name, False, n, done=False)
            report.kind = kind
            if kind == "timeout":
                report.message = (
                    f"stopped after {limit:g} s: the reference takes "
                    f"milliseconds. Is there a loop that never ends?"
                )
                report.hint = (
                    "look for a loop whose condition never changes (or a stray "
                    "input() or sleep); whole-array NumPy operations are also far "
                    "faster than Python loops over entries."
                )
            else:
                report.message = f"raised {type(err).__name__}: {err}" + _their_line(
                    err.__traceback__
                )
                report.hint = ex.hint
                if (
                    isinstance(err, TypeError)
                    and "argument" in str(err)
                    and len(traceback.extract_tb(err.__traceback__)) <= 2
                ):
                    # the call itself failed: the parameters do not match
                    report.hint = f"define it with the parameters my_{ex.signature}."
            return report
        changed = [
            f"argument {k + 1}"
            for k, (b, a) in enumerate(zip(case.args, args_after))
            if not _unchanged(b, a)
        ]
        changed += [k for k in case.kwargs if not _unchanged(case.kwargs[k], kwargs_after[k])]
        if changed:
            report.kind = "mutated"
            report.message = f"your function changed its input ({', '.join(changed)})."
            report.hint = ex.mutation_hint
            return report
        try:
            problem = ex.compare(expected, got, case)
        except Exception as err:  # a malformed answer the comparison did not foresee
            problem = f"the result could not be checked ({type(err).__name__}: {err}); got {_describe(got)}"
        if problem:
            report.kind = "wrong"
            report.message = problem
            mistake = _find_mistake(ex, case, got)
            report.mistake = mistake.name if mistake else None
            report.hint = mistake.hint if mistake else ex.hint
            return report
        if ex.reproducible:
            again, _, error = _run(fn, case, limit)
            if error is not None or compare_values(got, again, rtol=0, atol=0) is not None:
                report.kind = "random"
                report.message = (
                    "two calls with the same arguments (the same seed) gave different results."
                )
                mistake = _find_mistake(ex, case, got, "random")
                report.mistake = mistake.name if mistake else None
                report.hint = mistake.hint if mistake else RANDOM_HINT
                return report
    return Report(ex.name, True, n)
