"""Part II exercises (optimization algorithms): cases and mistake catalogues."""

from __future__ import annotations

import math

import numpy as np

from nnlab.chapters.optimization.plateaus import classify
from nnlab.checks import as_rng
from nnlab.ewa import ewa
from nnlab.exercises._grader import RANDOM_HINT, Case, Exercise, Mistake, compare_values
from nnlab.minibatch import random_mini_batches
from nnlab.optimizers import adam_update, momentum_update, rmsprop_update
from nnlab.schedules import exponential_decay, inverse_time_decay


def _type_of(x):
    return type(x).__name__


# ---------------------------------------------------------------- 01 mini-batches
def _mb_data(m, n_x=3):
    """Column j of X starts with j and Y holds 2 j + 1: a batch's columns must agree."""
    X = np.vstack([np.arange(m, dtype=float)] + [np.full(m, 7.0 * k) for k in range(1, n_x)])
    return X, 2.0 * np.arange(m, dtype=float)[None, :] + 1.0


def _mb_cases():
    return [
        Case((*_mb_data(150), 64), {"seed": 0}, "150 examples in batches of 64"),
        Case((*_mb_data(128), 32), {"seed": 1}, "m a multiple of the size"),
        Case((*_mb_data(20), 1), {"seed": 2}, "stochastic: batches of one column"),
        Case((*_mb_data(30), 30), {"seed": 3}, "one batch of all m"),
    ]


def _mb_summary(out, case):
    """(what is wrong, fingerprint) of a list of mini-batches; what is wrong is None when right."""
    X, Y, size = case.args
    m = X.shape[1]
    if not isinstance(out, (list, tuple)):
        kind = "None (did you forget `return`?)" if out is None else _type_of(out)
        return f"return a list of (X_t, Y_t) tuples, got {kind}", ("type",)
    sizes, cols, consistent, rows_ok = [], [], True, True
    for t, batch in enumerate(out):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            return f"mini-batch {t} should be a tuple (X_t, Y_t), got {_type_of(batch)}", ("item",)
        Xt, Yt = (np.asarray(b, dtype=float) for b in batch)
        if Xt.ndim != 2 or Yt.ndim != 2 or Xt.shape[0] != X.shape[0] or Yt.shape[0] != 1:
            return (
                f"mini-batch {t}: X_t should be ({X.shape[0]}, size) and Y_t (1, size), got "
                f"{Xt.shape} and {Yt.shape}"
            ), ("shape", Xt.shape, Yt.shape)
        sizes.append(Xt.shape[1])
        cols.extend(Xt[0].tolist())
        consistent &= Xt.shape[1] == Yt.shape[1] and np.array_equal(Yt[0], 2 * Xt[0] + 1)
        rows_ok &= np.array_equal(Xt[1:], X[1:, : Xt.shape[1]])
    want = [size] * (m // size) + ([m % size] if m % size else [])
    shuffled = cols != list(range(m))
    every = sorted(cols) == list(range(m))
    fp = (tuple(sizes), consistent, rows_ok, every, shuffled)
    if not rows_ok:
        return "the rows of X_t are not rows of X: shuffle the columns (examples), not the rows", fp
    if sizes != want:
        return (
            f"with m = {m} and mini_batch_size = {size} the batch sizes should be "
            f"{_sizes(want)}, got {_sizes(sizes)}"
        ), fp
    if not every:
        return "every example should appear in exactly one mini-batch", fp
    if not consistent:
        return "the columns of X_t and Y_t are not the same examples", fp
    if not shuffled and m > 1:
        return "the examples are in their original order: shuffle them first", fp
    return None, fp


def _sizes(s):
    return (
        f"[{', '.join(map(str, s[:3]))}{', …' if len(s) > 4 else ''}"
        f"{', ' + str(s[-1]) if len(s) > 3 else ''}] ({len(s)} batches)"
    )


def _mb_mistake(kind):
    def batches(X, Y, mini_batch_size=64, seed=0):
        m = X.shape[1]
        rng = np.random.default_rng(seed)
        p = rng.permutation(m)
        q = rng.permutation(m) if kind == "two permutations" else p
        if kind == "no shuffle":
            p = q = np.arange(m)
        Xs, Ys = X[:, p], Y[:, q]
        stop = m - m % mini_batch_size if kind == "last batch dropped" else m
        return [
            (Xs[:, k : k + mini_batch_size], Ys[:, k : k + mini_batch_size])
            for k in range(0, stop, mini_batch_size)
        ]

    return batches


RANDOM_MINI_BATCHES = Exercise(
    "random_mini_batches",
    "random_mini_batches(X, Y, mini_batch_size=64, seed=0) -> list",
    "Shuffle the columns of X and Y with one permutation from np.random.default_rng(seed), "
    "then cut them into mini-batches of mini_batch_size columns (the last one smaller if m "
    "is not a multiple). Return a list of (X_t, Y_t) tuples.",
    "optimization/01_minibatch",
    random_mini_batches,
    _mb_cases,
    "order = np.random.default_rng(seed).permutation(m); X[:, order], Y[:, order]; then slice "
    "columns k:k + mini_batch_size for k in range(0, m, mini_batch_size).",
    [
        Mistake(
            "no shuffle",
            _mb_mistake("no shuffle"),
            "shuffle before cutting, or every epoch sees the same batches in the same order.",
        ),
        Mistake(
            "X and Y shuffled apart",
            _mb_mistake("two permutations"),
            "use *one* permutation for both X and Y, or examples lose their labels.",
        ),
        Mistake(
            "last batch dropped",
            _mb_mistake("last batch dropped"),
            "keep the last, smaller mini-batch: every example is used once per epoch.",
        ),
        Mistake(
            "np.random instead of the seed",
            lambda X, Y, mini_batch_size=64, seed=0: random_mini_batches(
                X, Y, mini_batch_size, int(np.random.default_rng().integers(1 << 30))
            ),
            RANDOM_HINT,
            kind="random",
        ),
    ],
    compare=lambda e, g, c: _mb_summary(g, c)[0],
    same=lambda a, b, c: _mb_summary(a, c)[1] == _mb_summary(b, c)[1],
    reproducible=True,
)


# ---------------------------------------------------------------- 02 EWA
def _ewa_cases():
    rng = as_rng(11)
    x = 10 + rng.normal(size=30)
    return [
        Case((x, 0.9), label="β = 0.9"),
        Case((x, 0.98), {"bias_correction": True}, "bias-corrected"),
        Case((x[:1], 0.9), {"bias_correction": True}, "a series of one value"),
        Case((rng.normal(size=(12, 3)), 0.5), {"bias_correction": True}, "three series (columns)"),
        Case((x[:5], 0.0), label="β = 0: the series itself"),
    ]


def _ewa_loop(x, beta, bias_correction, first, weights="usual", t0=1):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    v = x[0] * 1.0 if first == "x0" else np.zeros_like(x[0])
    for t in range(x.shape[0]):
        if weights == "swapped":
            v = (1 - beta) * v + beta * x[t]
        else:
            v = beta * v + (1 - beta) * x[t]
        if bias_correction == "inside":
            v = v / (1 - beta ** (t + 1))
        out[t] = v
    if bias_correction is True:
        t = np.arange(t0, x.shape[0] + t0).reshape((-1,) + (1,) * (x.ndim - 1))
        out = out / (1 - beta**t)
    return out


EWA = Exercise(
    "ewa",
    "ewa(x, beta, bias_correction=False) -> v",
    "Exponentially weighted average of the series x (along axis 0): v_0 = 0, v_t = beta "
    "v_{t-1} + (1 - beta) x_t; with bias_correction return v_t / (1 - beta**t), t counted "
    "from 1. Return an array of x's shape.",
    "optimization/02_ewa",
    ewa,
    _ewa_cases,
    "loop over t: v = beta * v + (1 - beta) * x[t]; out[t] = v; correct at the end with "
    "t = 1, 2, …",
    [
        Mistake(
            "started at the first value",
            lambda x, beta, bias_correction=False: _ewa_loop(x, beta, bias_correction, "x0"),
            "start from v_0 = 0, not from the first value: that start-up bias is what bias "
            "correction removes.",
        ),
        Mistake(
            "weights swapped",
            lambda x, beta, bias_correction=False: _ewa_loop(
                x, beta, bias_correction, 0, "swapped"
            ),
            "beta weighs the old average and (1 - beta) the new value: v = beta v + (1 - beta) x_t.",
        ),
        Mistake(
            "corrected value fed back",
            lambda x, beta, bias_correction=False: _ewa_loop(
                x, beta, "inside" if bias_correction else False, 0
            ),
            "keep the recursion on the raw v; divide by 1 - beta**t only the value you output.",
        ),
        Mistake(
            "t counted from 0",
            lambda x, beta, bias_correction=False: _ewa_loop(x, beta, bias_correction, 0, t0=0),
            "t counts from 1: the first value is divided by 1 - beta, not by 1 - beta**0 = 0.",
        ),
        Mistake(
            "t counted from 2",
            lambda x, beta, bias_correction=False: _ewa_loop(x, beta, bias_correction, 0, t0=2),
            "t counts from 1: the first value is divided by 1 - beta.",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-9, atol=1e-12),
)


# ---------------------------------------------------------------- 03 momentum and RMSprop
def _state(seed, shape, moments):
    rng = as_rng(seed)
    W, dW = rng.normal(size=shape), rng.normal(size=shape)
    extra = [np.abs(rng.normal(size=shape)) * (k + 1) * 0.1 for k in range(moments)]
    return W, dW, extra


def _momentum_cases():
    W, dW, (v,) = _state(12, (4, 3), 1)
    W1, dW1, _ = _state(13, (5, 1), 1)
    return [
        Case((W, dW, v, 0.1, 0.9), label="a warm v"),
        Case((W1, dW1, np.zeros((5, 1)), 0.01, 0.9), label="first step, v = 0, a bias column"),
        Case((W, dW, v, 0.05, 0.0), label="β = 0: plain gradient descent"),
    ]


MOMENTUM_UPDATE = Exercise(
    "momentum_update",
    "momentum_update(W, dW, v, lr, beta) -> (W, v)",
    "One step of gradient descent with momentum: v = beta v + (1 - beta) dW, then "
    "W = W - lr v. Return the new W and v (new arrays; leave the inputs unchanged).",
    "optimization/03_momentum_rmsprop",
    momentum_update,
    _momentum_cases,
    "update v first, then step W with the new v.",
    [
        Mistake(
            "no (1 - beta)",
            lambda W, dW, v, lr, beta: (W - lr * (beta * v + dW), beta * v + dW),
            "v is an average: v = beta v + (1 - beta) dW (the course's form).",
        ),
        Mistake(
            "stepped with dW",
            lambda W, dW, v, lr, beta: (W - lr * dW, beta * v + (1 - beta) * dW),
            "the step uses the average v, not the raw gradient dW.",
        ),
        Mistake(
            "stepped with the old v",
            lambda W, dW, v, lr, beta: (W - lr * v, beta * v + (1 - beta) * dW),
            "update v first, then use the *new* v for the step.",
        ),
        Mistake(
            "sign",
            lambda W, dW, v, lr, beta: (W + lr * (v2 := beta * v + (1 - beta) * dW), v2),
            "gradient *descent*: W = W - lr v.",
        ),
    ],
    mutation_hint="return new arrays (W = W - lr * v), do not update in place (W -= …): "
    "the caller's W and v must stay as they were.",
)


def _rmsprop_cases():
    W, dW, (s,) = _state(14, (3, 4), 1)
    W1, dW1, _ = _state(15, (6, 1), 1)
    return [
        Case((W, dW, s, 0.01, 0.9, 1e-8), label="a warm s"),
        Case((W1, dW1, np.zeros((6, 1)), 0.001, 0.999, 1e-8), label="first step, s = 0"),
        Case((W, dW, s, 0.01, 0.9, 0.5), label="a large epsilon shows where it goes"),
    ]


RMSPROP_UPDATE = Exercise(
    "rmsprop_update",
    "rmsprop_update(W, dW, s, lr, beta, epsilon) -> (W, s)",
    "One RMSprop step: s = beta s + (1 - beta) dW**2, then W = W - lr dW / (sqrt(s) + "
    "epsilon). Return the new W and s.",
    "optimization/03_momentum_rmsprop",
    rmsprop_update,
    _rmsprop_cases,
    "square the gradient elementwise (dW ** 2) for s; epsilon goes outside the square root.",
    [
        Mistake(
            "epsilon inside the root",
            lambda W, dW, s, lr, beta, eps: (
                W - lr * dW / np.sqrt((s2 := beta * s + (1 - beta) * dW**2) + eps),
                s2,
            ),
            "the course writes sqrt(s) + epsilon: epsilon outside the square root.",
        ),
        Mistake(
            "gradient not squared",
            lambda W, dW, s, lr, beta, eps: (
                W - lr * dW / (np.sqrt(np.abs(s2 := beta * s + (1 - beta) * dW)) + eps),
                s2,
            ),
            "s averages the *squared* gradient: (1 - beta) * dW ** 2.",
        ),
        Mistake(
            "no square root",
            lambda W, dW, s, lr, beta, eps: (
                W - lr * dW / ((s2 := beta * s + (1 - beta) * dW**2) + eps),
                s2,
            ),
            "divide by the root-mean-square, np.sqrt(s), not by s.",
        ),
        Mistake(
            "old s",
            lambda W, dW, s, lr, beta, eps: (
                W - lr * dW / (np.sqrt(s) + eps),
                beta * s + (1 - beta) * dW**2,
            ),
            "update s first, then divide by the *new* s.",
        ),
    ],
    mutation_hint=MOMENTUM_UPDATE.mutation_hint.replace("W and v", "W and s"),
)


def _adam_cases():
    W, dW, (v, s) = _state(16, (4, 3), 2)
    W1, dW1, _ = _state(17, (5, 1), 2)
    z = np.zeros((5, 1))
    return [
        Case((W1, dW1, z, z, 1, 0.01, 0.9, 0.999, 1e-8), label="the first step, t = 1"),
        Case((W, dW, v, s, 3, 0.001, 0.9, 0.999, 1e-8), label="t = 3"),
        Case((W, dW, v, s, 500, 0.001, 0.9, 0.999, 1e-8), label="t = 500"),
        Case((W, dW, v, s, 2, 0.01, 0.8, 0.99, 0.1), label="other betas, a large epsilon"),
    ]


def _adam_wrong(kind):
    def rule(W, dW, v, s, t, lr, beta1, beta2, epsilon):
        if kind == "swapped betas":
            beta1, beta2 = beta2, beta1
        v = beta1 * v + (1 - beta1) * dW
        s = beta2 * s + (1 - beta2) * dW**2
        tc = {"t from 0": t - 1, "t + 1": t + 1}.get(kind, t)
        v_hat = v if kind == "no correction" else v / (1 - beta1**tc)
        s_hat = s if kind == "no correction" else s / (1 - beta2**tc)
        denom = np.sqrt(s_hat + epsilon) if kind == "eps inside" else np.sqrt(s_hat) + epsilon
        W = W - lr * v_hat / denom
        if kind == "corrected moments returned":
            return W, v_hat, s_hat
        return W, v, s

    return rule


ADAM_UPDATE = Exercise(
    "adam_update",
    "adam_update(W, dW, v, s, t, lr, beta1, beta2, epsilon) -> (W, v, s)",
    "One Adam step, t = 1 on the first: v = beta1 v + (1 - beta1) dW, s = beta2 s + (1 - "
    "beta2) dW**2, v_hat = v / (1 - beta1**t), s_hat = s / (1 - beta2**t), W = W - lr v_hat / "
    "(sqrt(s_hat) + epsilon). Return the new W and the raw (uncorrected) v and s.",
    "optimization/04_adam",
    adam_update,
    _adam_cases,
    "the moments you return (and feed to the next step) are the raw v and s; only the step "
    "uses the corrected v_hat and s_hat.",
    [
        Mistake(
            "no bias correction",
            _adam_wrong("no correction"),
            "divide v by 1 - beta1**t and s by 1 - beta2**t before the step.",
        ),
        Mistake(
            "corrected moments returned",
            _adam_wrong("corrected moments returned"),
            "return the raw v and s: the corrected v_hat, s_hat are for this step only.",
        ),
        Mistake(
            "t counted from 0",
            _adam_wrong("t from 0"),
            "t is 1 on the first step: use beta ** t, not beta ** (t - 1).",
        ),
        Mistake(
            "t + 1",
            _adam_wrong("t + 1"),
            "the caller already passes t = 1 on the first step: use beta ** t.",
        ),
        Mistake(
            "epsilon inside the root",
            _adam_wrong("eps inside"),
            "epsilon goes outside the square root: np.sqrt(s_hat) + epsilon.",
        ),
        Mistake(
            "betas swapped",
            _adam_wrong("swapped betas"),
            "beta1 averages dW (first moment), beta2 averages dW**2 (second moment).",
        ),
    ],
    mutation_hint=MOMENTUM_UPDATE.mutation_hint.replace("W and v", "W, v and s"),
)


# ---------------------------------------------------------------- 05 learning-rate decay
#: the ticks t at which a learner's schedule is compared with the library's
TICKS = (0, 1, 2, 3, 9, 10, 30)


def _schedule_values(build):
    """Build the schedule, then read it at every tick: what the grader compares."""

    def values(*args, **kwargs):
        schedule = build(*args, **kwargs)
        if not callable(schedule):
            return schedule
        return [schedule(t) for t in TICKS]

    return values


def _schedule_compare(expected, got, case):
    if not isinstance(got, list):
        return (
            "return the schedule, a function of t (define `def schedule(t): …` inside "
            f"and `return schedule`), got {_describe(got)}"
        )
    for t, e, g in zip(TICKS, expected, got):
        msg = compare_values(e, g, rtol=1e-9, what=f"schedule({t})")
        if msg:
            return msg
    return None


def _describe(x):
    return "None (did you forget `return`?)" if x is None else f"{_type_of(x)} {x!r}"[:60]


def _builder(rule):
    """A schedule builder from ``rule(lr0, t, *hyper)``, for the mistakes."""

    def build(lr0, *hyper, **kw):
        return lambda t: rule(lr0, t, *hyper, **kw)

    return build


def _decay_cases():
    return [
        Case((0.2, 1.0), label="decay_rate = 1: halved after one tick"),
        Case((0.05, 0.3)),
        Case((1.0, 0.5), {"every": 10}, "every = 10"),
        Case((0.1, 0.0), label="decay_rate = 0: constant"),
    ]


INVERSE_TIME_DECAY = Exercise(
    "inverse_time_decay",
    "inverse_time_decay(lr0, decay_rate, every=1) -> schedule",
    "Build the schedule alpha(t) = lr0 / (1 + decay_rate * floor(t / every)), t = 0, 1, 2, … "
    "counting epochs: return a function schedule(t) that gives the learning rate at tick t.",
    "optimization/05_lr_decay",
    inverse_time_decay,
    _decay_cases,
    "def schedule(t): return lr0 / (1 + decay_rate * np.floor(t / every)); then return "
    "schedule (the function itself, not a call of it).",
    [
        Mistake(
            "brackets",
            _builder(lambda lr0, t, dr, every=1: lr0 / (1 + dr) * (t // every)),
            "write lr0 / (1 + decay_rate * ...): `/ (1 + decay_rate) * t` multiplies by t.",
        ),
        Mistake(
            "t from 1",
            _builder(lambda lr0, t, dr, every=1: lr0 / (1 + dr * (t // every + 1))),
            "t counts from 0, so the first epoch uses lr0 itself.",
        ),
        Mistake(
            "every ignored",
            _builder(lambda lr0, t, dr, every=1: lr0 / (1 + dr * t)),
            "with every = N the rate changes only every N ticks: use floor(t / every).",
        ),
        Mistake(
            "t / every not floored",
            _builder(lambda lr0, t, dr, every=1: lr0 / (1 + dr * t / every)),
            "the rate drops in steps: floor(t / every) (np.floor, or t // every).",
        ),
    ],
    adapt=_schedule_values,
    compare=_schedule_compare,
)


def _exp_cases():
    return [
        Case((0.2, 0.95), label="decay_rate = 0.95"),
        Case((1.0, 0.5)),
        Case((0.3, 1.0), label="decay_rate = 1: constant"),
    ]


EXPONENTIAL_DECAY = Exercise(
    "exponential_decay",
    "exponential_decay(lr0, decay_rate) -> schedule",
    "Build the schedule alpha(t) = lr0 * decay_rate**t (decay_rate in (0, 1] is the factor "
    "kept per tick): return a function schedule(t).",
    "optimization/05_lr_decay",
    exponential_decay,
    _exp_cases,
    "def schedule(t): return lr0 * decay_rate ** t; then return schedule.",
    [
        Mistake(
            "e to the minus",
            _builder(lambda lr0, t, dr: lr0 * math.exp(-dr * t)),
            "in this course decay_rate is the factor kept per tick (0.95 keeps 95 %): "
            "lr0 * decay_rate ** t, not lr0 * exp(-decay_rate * t).",
        ),
        Mistake(
            "t from 1",
            _builder(lambda lr0, t, dr: lr0 * dr ** (t + 1)),
            "t counts from 0, so the first epoch uses lr0 itself.",
        ),
        Mistake(
            "times t",
            _builder(lambda lr0, t, dr: lr0 * dr * t),
            "raise decay_rate to the power t (**), do not multiply.",
        ),
    ],
    adapt=_schedule_values,
    compare=_schedule_compare,
)


# ---------------------------------------------------------------- 06 plateaus
def _classify_cases():
    return [
        Case((np.array([2.0, 0.5, 3.0]),), label="all positive"),
        Case((np.array([-1.0, -0.2]),), label="all negative"),
        Case((np.array([4.0, -0.01, 1.0]),), label="one negative"),
        Case((np.array([1.0, 0.0]),), label="a zero curvature"),
        Case((np.array([1.0, 1e-12]),), label="a curvature below tol"),
        Case((np.array([-3.0, 0.0, 2.0]),), label="both signs and a zero"),
        Case(([0.5],), {"tol": 1.0}, "a list, tol = 1"),
    ]


CLASSIFY = Exercise(
    "classify",
    "classify(eigenvalues, tol=1e-9) -> str",
    "Read a critical point from the Hessian's eigenvalues: 'minimum' if all > tol, "
    "'maximum' if all < -tol, 'saddle' if some are > tol and some < -tol, otherwise "
    "'degenerate' (some |λ| <= tol and the others of one sign).",
    "optimization/06_plateaus",
    classify,
    _classify_cases,
    "count the eigenvalues above tol and below -tol, and decide from the two counts.",
    [
        Mistake(
            "tol ignored",
            lambda lam, tol=1e-9: classify(lam, 1e-300),
            "an eigenvalue within tol of 0 is a zero curvature: count only λ > tol and λ < -tol.",
        ),
        Mistake(
            "any positive",
            lambda lam, tol=1e-9: "minimum"
            if np.any(np.asarray(lam) > tol)
            else classify(lam, tol),
            "a minimum needs *every* curvature positive; one negative one makes a saddle.",
        ),
        Mistake(
            "no degenerate",
            lambda lam, tol=1e-9: {"degenerate": "saddle"}.get(
                classify(lam, tol), classify(lam, tol)
            ),
            "a zero curvature with the others of one sign is 'degenerate': second order "
            "cannot tell, and that is not a saddle.",
        ),
    ],
)


EXERCISES = [
    RANDOM_MINI_BATCHES,
    EWA,
    MOMENTUM_UPDATE,
    RMSPROP_UPDATE,
    ADAM_UPDATE,
    INVERSE_TIME_DECAY,
    EXPONENTIAL_DECAY,
    CLASSIFY,
]
