"""Part III exercises (tuning, batch norm, softmax): cases and mistake catalogues."""

from __future__ import annotations

import math

import numpy as np

from nnlab.activations import softmax
from nnlab.batchnorm import batchnorm_backward, batchnorm_forward
from nnlab.checks import as_rng, check_number, check_range
from nnlab.exercises._grader import RANDOM_HINT, Case, Exercise, Mistake, compare_values
from nnlab.model import cross_entropy_from_logits, one_hot
from nnlab.optimizers import adam_update, adamw_update
from nnlab.tuning import Param, log_uniform, sample_beta


def _type_of(x):
    return type(x).__name__


# ---------------------------------------------------------------- 01 coarse to fine
def zoom(low, high, best, shrink=0.5, scale="log"):
    """Reference: ``Param(low, high, scale).narrowed(best, shrink)`` as ``(low, high)``."""
    check_number("best", best)
    check_range("shrink", shrink, 0, 1, low_open=True)
    p = Param(low, high, scale).narrowed(best, shrink)
    return float(p.low), float(p.high)


def _zoom_cases():
    return [
        Case((1e-4, 1.0, 1e-2), {"shrink": 0.5}, "log scale, best in the middle decade"),
        Case((1e-4, 1.0, 3e-4), {"shrink": 0.5}, "best near the low end: the box moves inside"),
        Case((0.0, 10.0, 9.5), {"shrink": 0.2, "scale": "linear"}, "linear scale, near the top"),
        Case((0.0, 10.0, 4.0), {"shrink": 0.2, "scale": "linear"}, "linear scale"),
        Case((1e-6, 1e-2, 1e-3), {"shrink": 0.25}, "log scale, a quarter of the width"),
    ]


def _zoom_linear_on_log(low, high, best, shrink=0.5, scale="log"):
    return zoom(low, high, best, shrink, "linear")


def _zoom_unclipped(low, high, best, shrink=0.5, scale="log"):
    f, g = (math.log10, lambda r: 10**r) if scale == "log" else (float, float)
    width = shrink * (f(high) - f(low))
    return g(f(best) - width / 2), g(f(best) + width / 2)


def _zoom_middle(low, high, best, shrink=0.5, scale="log"):
    f, g = (math.log10, lambda r: 10**r) if scale == "log" else (float, float)
    c, width = (f(low) + f(high)) / 2, shrink * (f(high) - f(low))
    return g(c - width / 2), g(c + width / 2)


ZOOM = Exercise(
    "zoom",
    "zoom(low, high, best, shrink=0.5, scale='log') -> (new_low, new_high)",
    "One coarse-to-fine step: a box shrink times as wide as [low, high], centred on the best "
    "value, moved if needed to stay inside [low, high]. With scale='log' widths and centres "
    "are measured in log10(value); with 'linear' in the value itself.",
    "tuning/01_tuning_process",
    zoom,
    _zoom_cases,
    "work in r = log10(value) (or the value): width = shrink * (r_high - r_low); start = "
    "min(max(r_best - width / 2, r_low), r_high - width); return to values at the end.",
    [
        Mistake(
            "linear zoom on a log scale",
            _zoom_linear_on_log,
            "on a log scale measure the box in decades: r = log10(value), not the value.",
        ),
        Mistake(
            "not kept inside",
            _zoom_unclipped,
            "move the box back inside [low, high] when best is near an end.",
        ),
        Mistake(
            "centred on the middle",
            _zoom_middle,
            "centre the new box on the best trial, not on the middle of the old box.",
        ),
    ],
    compare=lambda e, g, c: compare_values(
        tuple(e), tuple(g) if isinstance(g, list) else g, rtol=1e-9
    ),
)


# ---------------------------------------------------------------- 02 the right scale
def _share_below(values, split):
    return float(np.mean(np.asarray(values) < split))


def _sampler_compare(expected, got, case, low, high, mid, what):
    """Values in range, the share below ``mid`` near one half, the right type and shape."""
    size = case.kwargs.get("size")
    if size is None:
        if not isinstance(got, (float, np.floating)) or isinstance(got, np.ndarray):
            return f"with size=None return one float, got {_describe(got)}"
        values = np.array([got])
    else:
        if not isinstance(got, np.ndarray) or got.shape != (size,):
            return f"with size={size} return an array of shape ({size},), got {_describe(got)}"
        values = got.astype(float)
    if np.isnan(values).any():
        return "the values contain NaN"
    if values.min() < low or values.max() > high:
        return (
            f"every value should be in [{low:g}, {high:g}], got values from "
            f"{values.min():.4g} to {values.max():.4g}"
        )
    if size and size >= 1000:
        share = _share_below(values, mid)
        if abs(share - 0.5) > 0.06:
            return f"half of the values should be below {mid:g} ({what}), got {share:.0%}"
    return None


def _describe(x):
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    return "None (did you forget `return`?)" if x is None else _type_of(x)


def _sampler_fingerprint(out, case, low, high, mid):
    if isinstance(out, np.ndarray) and out.ndim == 1 and out.size >= 1000:
        v = out.astype(float)
        return (out.shape, bool(np.all((v >= low) & (v <= high))), round(_share_below(v, mid), 1))
    return (_type_of(out), np.shape(out))


def _lu_cases():
    return [
        Case((1e-4, 1.0), {"size": 4000, "rng": 0}, "α from 1e-4 to 1"),
        Case((1e-6, 1e-2), {"size": 2000, "rng": np.random.default_rng(1)}, "a Generator as rng"),
        Case((0.5, 2.0), {"rng": 2}, "size=None: one float"),
        Case((1e-3, 1e3), {"size": 1, "rng": 3}, "size=1"),
    ]


def _lu_mid(case):
    low, high = case.args
    return math.sqrt(low * high)


def _as_generator(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)


LOG_UNIFORM = Exercise(
    "log_uniform",
    "log_uniform(low, high, size=None, rng=None) -> values",
    "Draw r uniformly in [log10(low), log10(high)] and return 10**r: every decade gets the "
    "same share. rng is a np.random.Generator or an int seed (None means 0); size=None "
    "gives one float, an int an array of that many values.",
    "tuning/02_scale_and_practice",
    log_uniform,
    _lu_cases,
    "rng = np.random.default_rng(rng) unless it is already a Generator; r = rng.uniform("
    "np.log10(low), np.log10(high), size); return 10 ** r.",
    [
        Mistake(
            "uniform on the value",
            lambda low, high, size=None, rng=None: _as_generator(rng).uniform(low, high, size),
            "a uniform draw between low and high puts almost every value in the top decade: "
            "draw the exponent r uniformly instead.",
        ),
        Mistake(
            "low and high as exponents",
            lambda low, high, size=None, rng=None: 10.0
            ** _as_generator(rng).uniform(low, high, size),
            "the exponent's range is [log10(low), log10(high)], not [low, high].",
        ),
        Mistake(
            "natural log and 10**",
            lambda low, high, size=None, rng=None: 10.0
            ** _as_generator(rng).uniform(np.log(low), np.log(high), size),
            "np.log is the natural logarithm: use np.log10 with 10 ** r (or np.log with np.exp).",
        ),
        Mistake(
            "np.random instead of rng",
            lambda low, high, size=None, rng=None: log_uniform(
                low, high, size, np.random.default_rng()
            ),
            RANDOM_HINT,
            kind="random",
        ),
    ],
    compare=lambda e, g, c: _sampler_compare(
        e, g, c, *c.args, _lu_mid(c), "log-uniform: as many per decade"
    ),
    same=lambda a, b, c: _sampler_fingerprint(a, c, *c.args, _lu_mid(c))
    == _sampler_fingerprint(b, c, *c.args, _lu_mid(c)),
    reproducible=True,
)


def _sb_cases():
    return [
        Case((), {"size": 4000, "rng": 0}, "the defaults 0.9 to 0.999"),
        Case((0.9, 0.9999), {"size": 2000, "rng": np.random.default_rng(1)}, "up to 0.9999"),
        Case((), {"rng": 2}, "size=None: one float"),
    ]


def _sb_bounds(case):
    low, high = case.args + (0.9, 0.999)[len(case.args) :]
    return low, high, 1 - math.sqrt((1 - low) * (1 - high))


SAMPLE_BETA = Exercise(
    "sample_beta",
    "sample_beta(low=0.9, high=0.999, size=None, rng=None) -> values",
    "Averaging coefficients with 1 - beta log-uniform: r uniform in [log10(1 - high), "
    "log10(1 - low)], beta = 1 - 10**r. rng and size as for log_uniform.",
    "tuning/02_scale_and_practice",
    sample_beta,
    _sb_cases,
    "sample 1 - beta on a log scale, then turn it back into beta.",
    [
        Mistake(
            "uniform on beta",
            lambda low=0.9, high=0.999, size=None, rng=None: _as_generator(rng).uniform(
                low, high, size
            ),
            "beta from 0.9 to 0.999 drawn uniformly spends 90 % of the trials below 0.99: "
            "sample 1 - beta on a log scale.",
        ),
        Mistake(
            "1 - beta between low and high",
            lambda low=0.9, high=0.999, size=None, rng=None: 1 - log_uniform(low, high, size, rng),
            "1 - beta lies between 1 - high and 1 - low: draw r in [log10(1 - high), "
            "log10(1 - low)] and return beta = 1 - 10**r.",
        ),
        Mistake(
            "np.random instead of rng",
            lambda low=0.9, high=0.999, size=None, rng=None: sample_beta(
                low, high, size, np.random.default_rng()
            ),
            RANDOM_HINT,
            kind="random",
        ),
    ],
    compare=lambda e, g, c: _sampler_compare(e, g, c, *_sb_bounds(c), "1 - beta log-uniform"),
    same=lambda a, b, c: _sampler_fingerprint(a, c, *_sb_bounds(c))
    == _sampler_fingerprint(b, c, *_sb_bounds(c)),
    reproducible=True,
)


# ---------------------------------------------------------------- 03 batch norm
def _bn_cases():
    rng = as_rng(20)
    out = []
    # two columns: the smallest batch batch norm accepts (one column has no spread)
    for n, m, label in [
        (4, 8, "four units, eight examples"),
        (3, 2, "a batch of two columns"),
        (2, 50, "fifty examples"),
    ]:
        Z = rng.normal(3.0, 5.0, size=(n, m))
        out.append(Case((Z, rng.uniform(0.5, 2, (n, 1)), rng.normal(size=(n, 1))), label=label))
    out.append(
        Case(
            (rng.normal(size=(3, 6)) * 1e-3, np.ones((3, 1)), np.zeros((3, 1))),
            {"epsilon": 1e-2},
            "tiny Z, a large epsilon",
        )
    )
    return out


_BN_KEYS = ("Z_hat", "mu", "var")


def _bn_compare(expected, got, case):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"return a tuple (out, cache), got {_describe(got)}"
    msg = compare_values(expected[0], got[0], rtol=1e-7, atol=1e-9, what="out")
    if msg:
        return msg
    if not isinstance(got[1], dict):
        return f"cache should be a dict holding {list(_BN_KEYS)}, got {_describe(got[1])}"
    return compare_values(
        {k: expected[1][k] for k in _BN_KEYS}, got[1], rtol=1e-7, atol=1e-9, what="cache"
    )


def _bn_wrong(kind):
    def forward(Z, gamma, beta, epsilon=1e-5):
        axis = 0 if kind == "axis" else 1
        mu = Z.mean(axis=axis, keepdims=True)
        var = Z.var(axis=axis, keepdims=True, ddof=1 if kind == "ddof" and Z.shape[1] > 1 else 0)
        Z_hat = (Z - mu) / (
            np.sqrt(var) + epsilon if kind == "eps outside" else np.sqrt(var + epsilon)
        )
        out = {"no gamma beta": Z_hat, "swapped": beta * Z_hat + gamma}.get(
            kind, gamma * Z_hat + beta
        )
        return out, {"Z_hat": Z_hat, "mu": mu, "var": var, "gamma": gamma, "epsilon": epsilon}

    return forward


BATCHNORM_FORWARD = Exercise(
    "batchnorm_forward",
    "batchnorm_forward(Z, gamma, beta, epsilon=1e-5) -> (out, cache)",
    "Training-mode batch norm of Z (n, m) over the examples (axis 1): mu, var = mean and "
    "(biased) variance per unit, Z_hat = (Z - mu) / sqrt(var + epsilon), out = gamma Z_hat + "
    "beta. cache is a dict holding at least Z_hat, mu, var (and gamma, epsilon for the "
    "backward pass).",
    "tuning/03_batch_norm",
    batchnorm_forward,
    _bn_cases,
    "mu = Z.mean(axis=1, keepdims=True); var = ((Z - mu) ** 2).mean(axis=1, keepdims=True).",
    [
        Mistake(
            "wrong axis",
            _bn_wrong("axis"),
            "normalize each unit (row) over the examples of the batch: axis=1, keepdims=True.",
        ),
        Mistake(
            "unbiased variance",
            _bn_wrong("ddof"),
            "batch norm uses the plain mean of (Z - mu)**2 (ddof=0), not the unbiased variance.",
        ),
        Mistake(
            "epsilon outside the root",
            _bn_wrong("eps outside"),
            "epsilon goes inside the square root: np.sqrt(var + epsilon).",
        ),
        Mistake(
            "no gamma and beta",
            _bn_wrong("no gamma beta"),
            "the output is gamma * Z_hat + beta: the network learns the scale and the shift.",
        ),
        Mistake(
            "gamma and beta swapped",
            _bn_wrong("swapped"),
            "gamma scales, beta shifts: out = gamma * Z_hat + beta.",
        ),
    ],
    compare=_bn_compare,
    same=lambda a, b, c: compare_values(b[0], a[0], rtol=1e-7, atol=1e-9) is None
    if isinstance(a, (tuple, list)) and len(a) == 2
    else False,
)


def _bnb_cases():
    out = []
    for case in _bn_cases():
        Z, gamma, beta = case.args
        _, cache = batchnorm_forward(Z, gamma, beta, **case.kwargs)
        dout = as_rng(21 + len(out)).normal(size=Z.shape)
        out.append(Case((dout, cache), label=case.label))
    return out


def _bnb_wrong(kind):
    def backward(dout, cache):
        Z_hat, var, gamma, eps = cache["Z_hat"], cache["var"], cache["gamma"], cache["epsilon"]
        m = Z_hat.shape[1]
        dbeta = dout.sum(axis=1, keepdims=True)
        dgamma = (dout * Z_hat).sum(axis=1, keepdims=True)
        dZ_hat = dout if kind == "no gamma" else gamma * dout
        if kind == "constants":
            dZ = dZ_hat / np.sqrt(var + eps)
        else:
            dZ = (
                m * dZ_hat
                - dZ_hat.sum(axis=1, keepdims=True)
                - Z_hat * (dZ_hat * Z_hat).sum(axis=1, keepdims=True)
            ) / (m * np.sqrt(var + eps))
        if kind == "means":
            dgamma, dbeta = dgamma / m, dbeta / m
        return dZ, dgamma, dbeta

    return backward


BATCHNORM_BACKWARD = Exercise(
    "batchnorm_backward",
    "batchnorm_backward(dout, cache) -> (dZ, dgamma, dbeta)",
    "Gradients of batch norm from dout = dJ/d(out), with cache from batchnorm_forward "
    "(Z_hat, mu, var, gamma, epsilon): dbeta = sum of dout over the examples, dgamma = sum of "
    "dout * Z_hat, and dZ through Z_hat, mu and var (mu and var depend on every example).",
    "tuning/03_batch_norm",
    batchnorm_backward,
    _bnb_cases,
    "with dZ_hat = gamma * dout: dZ = (m dZ_hat - sum(dZ_hat) - Z_hat * sum(dZ_hat * Z_hat)) / "
    "(m sqrt(var + epsilon)), sums over axis 1 with keepdims=True.",
    [
        Mistake(
            "mu and var treated as constants",
            _bnb_wrong("constants"),
            "mu and var are computed from every example of the batch, so dZ has two more "
            "terms: dZ = (m dZ_hat - Σ dZ_hat - Z_hat Σ dZ_hat Z_hat) / (m √(var + ε)).",
        ),
        Mistake(
            "gamma forgotten",
            _bnb_wrong("no gamma"),
            "out = gamma Z_hat + beta, so dZ_hat = gamma * dout.",
        ),
        Mistake(
            "means instead of sums",
            _bnb_wrong("means"),
            "dgamma and dbeta add up the examples' contributions (sum over axis 1, no 1/m: "
            "dout already carries it).",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-6, atol=1e-9),
    mutation_hint="leave dout and the cache's arrays unchanged: compute new arrays.",
)


# ---------------------------------------------------------------- 04 softmax
def _softmax_cases():
    rng = as_rng(22)
    return [
        Case((np.array([[5.0], [2.0], [-1.0], [3.0]]),), label="the chapter's example"),
        Case((rng.normal(size=(3, 6)),), label="six examples (columns)"),
        Case(
            (np.array([[1000.0, -1000.0], [998.0, -1002.0], [990.0, -1001.0]]),),
            label="large logits, columns far apart",
        ),
        Case((np.array([[0.5, 0.1, -2.0]]),), label="a single class: always 1"),
    ]


SOFTMAX = Exercise(
    "softmax",
    "softmax(Z) -> A",
    "Column-wise softmax: A[k, i] = exp(Z[k, i]) / sum_j exp(Z[j, i]). Subtract each column's "
    "maximum first so that nothing overflows for large logits.",
    "tuning/04_softmax",
    softmax,
    _softmax_cases,
    "E = np.exp(Z - Z.max(axis=0, keepdims=True)); A = E / E.sum(axis=0, keepdims=True).",
    [
        Mistake(
            "no max subtracted",
            lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True),
            "exp(1000) overflows to inf and inf / inf is NaN: subtract each column's max "
            "before np.exp (it cancels in the ratio).",
        ),
        Mistake(
            "rows instead of columns",
            lambda Z: (E := np.exp(Z - Z.max(axis=1, keepdims=True)))
            / E.sum(axis=1, keepdims=True),
            "each column is an example: normalize over the classes, axis=0.",
        ),
        Mistake(
            "one max for the whole matrix",
            lambda Z: (E := np.exp(Z - Z.max())) / E.sum(axis=0, keepdims=True),
            "subtract each *column's* max (axis=0, keepdims=True): with one global max, a "
            "column far below it underflows to 0 / 0.",
        ),
        Mistake(
            "not normalized",
            lambda Z: np.exp(Z - Z.max(axis=0, keepdims=True)),
            "divide by the column sums, so each column adds up to 1.",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-7, atol=1e-12),
)


def _one_hot_cases():
    return [
        Case((np.array([[0, 2, 1, 2]]), 3), label="three classes"),
        Case((np.array([[1]]), 4), label="one example"),
        Case((np.array([[0, 0, 1]]), 5), label="classes 2 to 4 absent"),
    ]


ONE_HOT = Exercise(
    "one_hot",
    "one_hot(Y, C) -> Y_onehot",
    "Labels Y of shape (1, m) in 0 … C-1 to a float (C, m) array with Y_onehot[k, i] = 1 "
    "when example i has class k, else 0.",
    "tuning/04_softmax",
    one_hot,
    _one_hot_cases,
    "out = np.zeros((C, m)); out[Y[0], np.arange(m)] = 1.",
    [
        Mistake(
            "transposed",
            lambda Y, C: one_hot(Y, C).T,
            "one column per example: shape (C, m), not (m, C).",
        ),
        Mistake(
            "C from the labels",
            lambda Y, C: one_hot(Y, int(np.max(Y)) + 1),
            "use the C you are given: a class may be absent from these labels.",
        ),
        Mistake(
            "np.eye rows",
            lambda Y, C: np.eye(C)[Y],
            "np.eye(C)[Y] has shape (1, m, C): index with Y[0] and transpose, or fill a "
            "(C, m) array of zeros.",
        ),
    ],
)


def _ce_cases():
    rng = as_rng(23)
    Z = rng.normal(size=(4, 6))
    Y = one_hot(rng.integers(0, 4, size=(1, 6)), 4)
    big = np.array([[1000.0, -50.0], [998.0, 60.0], [-1000.0, 0.0]])
    return [
        Case((Z, Y), {"output": "softmax"}, "four classes"),
        Case((Z[:, :1], Y[:, :1]), {"output": "softmax"}, "a batch of one column"),
        Case(
            (np.array([[1000.0, 5.0], [999.0, 800.0]]), one_hot(np.array([[0, 1]]), 2)),
            {"output": "softmax"},
            "large logits close together",
        ),
        Case(
            (big, one_hot(np.array([[2, 0]]), 3)),
            {"output": "softmax"},
            "large logits, the right class 2000 below",
        ),
    ]


CROSS_ENTROPY_FROM_LOGITS = Exercise(
    "cross_entropy_from_logits",
    "cross_entropy_from_logits(ZL, Y, output='sigmoid') -> float",
    "The mean cross-entropy computed from the logits ZL (C, m) for output='softmax' and one-hot "
    "Y: J = (1/m) sum_i [logsumexp(ZL[:, i]) - sum_k Y[k, i] ZL[k, i]], with logsumexp "
    "computed stably (shift by the column max). Only output='softmax' is checked here.",
    "tuning/04_softmax",
    cross_entropy_from_logits,
    _ce_cases,
    "c = ZL.max(axis=0, keepdims=True); lse = c + np.log(np.exp(ZL - c).sum(axis=0, "
    "keepdims=True)); J = (np.sum(lse) - np.sum(Y * ZL)) / m.",
    [
        Mistake(
            "log of the softmax",
            lambda ZL, Y, output="sigmoid": float(-np.sum(Y * np.log(softmax(ZL))) / ZL.shape[1]),
            "log(softmax(z)) is log(0) = -inf when a probability underflows: use "
            "logsumexp(z) - z_y, computed from the logits.",
        ),
        Mistake(
            "no 1/m",
            lambda ZL, Y, output="sigmoid": ZL.shape[1]
            * cross_entropy_from_logits(ZL, Y, "softmax"),
            "the cost is the *mean* over the m examples: divide by m.",
        ),
        Mistake(
            "logsumexp without the shift",
            lambda ZL, Y, output="sigmoid": float(
                (np.sum(np.log(np.exp(ZL).sum(axis=0))) - np.sum(Y * ZL)) / ZL.shape[1]
            ),
            "np.exp(1000) overflows: subtract each column's max c first, "
            "logsumexp(z) = c + log Σ exp(z - c).",
        ),
        Mistake(
            "sign",
            lambda ZL, Y, output="sigmoid": -cross_entropy_from_logits(ZL, Y, "softmax"),
            "the loss is -log of the right class's probability, a positive number.",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-9),
)


# ---------------------------------------------------------------- 05 frameworks
def _adamw_cases():
    rng = as_rng(24)
    W, dW = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    v, s = rng.normal(size=(4, 3)) * 0.1, np.abs(rng.normal(size=(4, 3))) * 0.1
    W1, dW1, z = rng.normal(size=(5, 1)), rng.normal(size=(5, 1)), np.zeros((5, 1))
    return [
        Case((W1, dW1, z, z, 1, 0.01, 0.9, 0.999, 1e-8, 0.01), label="the first step, t = 1"),
        Case((W, dW, v, s, 7, 0.001, 0.9, 0.999, 1e-8, 0.1), label="t = 7"),
        Case((W, dW, v, s, 3, 0.01, 0.9, 0.999, 1e-8, 0.0), label="weight_decay = 0: Adam"),
    ]


def _l2_through_adam(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay):
    return adam_update(W, dW + weight_decay * W, v, s, t, lr, beta1, beta2, epsilon)


def _decay_after_step(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay):
    W_adam, v, s = adam_update(W, dW, v, s, t, lr, beta1, beta2, epsilon)
    return W_adam - lr * weight_decay * W_adam, v, s


def _decay_without_lr(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay):
    W_adam, v, s = adam_update(W, dW, v, s, t, lr, beta1, beta2, epsilon)
    return W_adam - weight_decay * W, v, s


ADAMW_UPDATE = Exercise(
    "adamw_update",
    "adamw_update(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay) -> (W, v, s)",
    "One AdamW step: Adam's v, s, v_hat and s_hat from dW, then W = W - lr * (v_hat / "
    "(sqrt(s_hat) + epsilon) + weight_decay * W), the decay using the W before the step and "
    "never entering the moments. Return the new W and the raw v and s.",
    "tuning/05_frameworks",
    adamw_update,
    _adamw_cases,
    "compute Adam's step first, then subtract lr * weight_decay * W with the old W; dW "
    "alone feeds v and s.",
    [
        Mistake(
            "L2 through the gradient",
            _l2_through_adam,
            "that is L2 regularization under Adam (PyTorch's Adam(weight_decay=…)): the decay "
            "goes through v and s and gets divided by sqrt(s_hat). AdamW keeps it out of the "
            "moments: W - lr * (v_hat / (sqrt(s_hat) + epsilon) + weight_decay * W).",
        ),
        Mistake(
            "decay of the stepped W",
            _decay_after_step,
            "decay the W you were given (before the Adam step): lr * weight_decay * W.",
        ),
        Mistake(
            "decay not scaled by lr",
            _decay_without_lr,
            "the decay is scaled by the learning rate too: lr * weight_decay * W.",
        ),
    ],
    mutation_hint="return new arrays (W = W - …), do not update in place: the caller's W, "
    "v and s must stay as they were.",
)


EXERCISES = [
    ZOOM,
    LOG_UNIFORM,
    SAMPLE_BETA,
    BATCHNORM_FORWARD,
    BATCHNORM_BACKWARD,
    SOFTMAX,
    ONE_HOT,
    CROSS_ENTROPY_FROM_LOGITS,
    ADAMW_UPDATE,
]
