"""Part I exercises (practical aspects): cases and mistake catalogues."""

from __future__ import annotations

import numpy as np

from nnlab.augmentation import reflect
from nnlab.chapters.practical.bias_variance import diagnose
from nnlab.checks import as_rng, check_matrix
from nnlab.data import Normalizer
from nnlab.exercises._grader import RANDOM_HINT, Case, Exercise, Mistake, compare_values
from nnlab.gradcheck import numerical_gradient, relative_difference
from nnlab.initialization import METHODS, initialize_parameters
from nnlab.regularization import dropout_backward, dropout_forward, l2_cost, l2_grad


# ---------------------------------------------------------------- 01 bias and variance
def _diagnose_cases():
    return [
        Case((0.01, 0.11), label="the chapter's first case"),
        Case((0.15, 0.16)),
        Case((0.15, 0.30)),
        Case((0.005, 0.01)),
        Case((0.12, 0.13), {"bayes_error": 0.10}, "Bayes error 10 %"),
        Case((0.20, 0.21), {"bayes_error": 0.10}, "Bayes error 10 %"),
        Case((0.02, 0.04), {"tolerance": 0.01}, "a tighter tolerance"),
    ]


def _diag_var_from_bayes(tr, dv, bayes_error=0.0, tolerance=0.03):
    bias = tr - bayes_error > tolerance
    variance = dv - bayes_error > tolerance
    return {
        (True, True): "high bias and high variance",
        (True, False): "high bias",
        (False, True): "high variance",
        (False, False): "low bias, low variance",
    }[(bias, variance)]


DIAGNOSE = Exercise(
    "diagnose",
    "diagnose(train_error, dev_error, bayes_error=0.0, tolerance=0.03) -> str",
    "The basic recipe's reading: avoidable bias = train_error - bayes_error, variance = "
    "dev_error - train_error, each high when it exceeds tolerance. Return 'high bias', "
    "'high variance', 'high bias and high variance' or 'low bias, low variance'.",
    "practical/01_bias_variance",
    diagnose,
    _diagnose_cases,
    "bias is measured from the Bayes error, variance from the training error.",
    [
        Mistake(
            "bias from zero",
            lambda tr, dv, bayes_error=0.0, tolerance=0.03: diagnose(tr, dv, 0.0, tolerance),
            "avoidable bias is train_error - bayes_error: a training error of 12 % is "
            "fine when the Bayes error is 10 %.",
        ),
        Mistake(
            "variance from the Bayes error",
            _diag_var_from_bayes,
            "variance is the gap dev_error - train_error, not dev_error - bayes_error.",
        ),
    ],
)


# ---------------------------------------------------------------- 02 L2 regularization
def _params(seed, dims):
    rng = as_rng(seed)
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1]))
        p[f"b{l}"] = rng.normal(size=(dims[l], 1))
    return p


def _l2_cases():
    return [
        Case((_params(0, [3, 4, 1]), 0.7, 10), label="two layers"),
        Case((_params(1, [5, 6, 3, 2]), 0.1, 64), label="three layers"),
        Case((_params(2, [2, 1]), 1.0, 1), label="one layer, m = 1"),
        Case((_params(3, [4, 3, 1]), 0.0, 5), label="lambd = 0"),
    ]


L2_COST = Exercise(
    "l2_cost",
    "l2_cost(params, lambd, m) -> float",
    "The L2 penalty (lambd / (2 m)) * sum over the weight matrices W1 ... WL of the sum of "
    "their squared entries. Biases are not penalized.",
    "practical/02_regularization",
    l2_cost,
    _l2_cases,
    "add up np.sum(np.square(W)) over the keys W1, W2, … only, then multiply by lambd / (2 * m).",
    [
        Mistake(
            "no 1/2",
            lambda p, lambd, m: 2 * l2_cost(p, lambd, m),
            "the penalty is lambd / (2 m) times the sum of squares: you forgot the 1/2.",
        ),
        Mistake(
            "no 1/m",
            lambda p, lambd, m: m * l2_cost(p, lambd, m),
            "divide by m, the number of examples, as the cross-entropy is.",
        ),
        Mistake(
            "biases penalized",
            lambda p, lambd, m: lambd / (2 * m) * sum(float(np.sum(v**2)) for v in p.values()),
            "only the weight matrices W1 … WL are penalized, not the biases b1 … bL.",
        ),
        Mistake(
            "norms not squared",
            lambda p, lambd, m: lambd
            / (2 * m)
            * sum(float(np.linalg.norm(v)) for k, v in p.items() if k.startswith("W")),
            "use the *squared* Frobenius norm, np.sum(W ** 2), not np.linalg.norm(W).",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-9),
)


def _l2_grad_cases():
    rng = as_rng(4)
    return [
        Case((rng.normal(size=(4, 3)), 0.7, 10)),
        Case((rng.normal(size=(1, 5)), 0.1, 1)),
        Case((rng.normal(size=(6, 2)), 0.0, 32), label="lambd = 0"),
    ]


L2_GRAD = Exercise(
    "l2_grad",
    "l2_grad(W, lambd, m) -> dW_penalty",
    "The L2 penalty's gradient for one weight matrix: (lambd / m) * W, the term added to dW.",
    "practical/02_regularization",
    l2_grad,
    _l2_grad_cases,
    "differentiate (lambd / 2m) * sum(W**2): the 2 of the square cancels the 1/2.",
    [
        Mistake(
            "kept the 1/2",
            lambda W, lambd, m: lambd / (2 * m) * W,
            "the derivative of W**2 is 2 W, which cancels the 1/2: (lambd / m) * W.",
        ),
        Mistake("no 1/m", lambda W, lambd, m: lambd * W, "divide by m: (lambd / m) * W."),
        Mistake(
            "2 lambd / m",
            lambda W, lambd, m: 2 * lambd / m * W,
            "the penalty already has a 1/2: its gradient is (lambd / m) * W, not 2 lambd / m.",
        ),
    ],
)


# ---------------------------------------------------------------- 03 dropout
def _dropout_cases():
    rng = as_rng(5)
    gen = np.random.default_rng
    return [
        Case((rng.uniform(0.5, 2, size=(40, 50)), 0.8, gen(0)), label="keep_prob = 0.8"),
        Case((rng.uniform(0.5, 2, size=(30, 60)), 0.5, gen(1)), label="keep_prob = 0.5"),
        Case((rng.uniform(0.5, 2, size=(1000, 1)), 0.7, gen(2)), label="a batch of one column"),
        Case((rng.uniform(0.5, 2, size=(20, 30)), 1.0, gen(3)), label="keep_prob = 1: keep all"),
    ]


def _type_of(x):
    return type(x).__name__


def _dropout_fingerprint(out, case):
    """What can be judged of a random dropout: the mask's shape and values, the share
    of units kept and the factor the kept activations were scaled by."""
    A = case.args[0]
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return ("result", _type_of(out))
    A_out, D = (np.asarray(x, dtype=float) for x in out)
    if A_out.shape != A.shape:
        return ("A_out shape", A_out.shape)
    if D.shape != A.shape:
        return ("D shape", D.shape)
    if not np.all((D == 0) | (D == 1)):
        return ("D values", "not 0/1")
    kept = D == 1
    share = float(kept.mean())
    scale = float(np.median(A_out[kept] / A[kept])) if kept.any() else np.nan
    off = bool(np.any(A_out[~kept] != 0))
    return ("ok", round(share * 10) / 10, round(scale, 3), off)


def _dropout_compare(expected, got, case):
    A, kp = case.args[0], case.args[1]
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "return a tuple (A_out, D), got " + (
            "None (did you forget `return`?)" if got is None else _type_of(got)
        )
    A_out, D = got
    for what, x in (("A_out", A_out), ("D", D)):
        if not isinstance(x, np.ndarray):
            return f"{what} should be an array of shape {A.shape}, got {_type_of(x)}"
        if x.shape != A.shape:
            return f"{what} should have the shape of A, {A.shape}, got {x.shape}"
    A_out, D = A_out.astype(float), D.astype(float)
    if np.isnan(A_out).any():
        return "A_out contains NaN"
    if not np.all((D == 0) | (D == 1)):
        return f"the mask D should hold only 0 and 1, got values like {np.unique(D)[:4]}"
    share = D.mean()
    sd = np.sqrt(kp * (1 - kp) / D.size)
    if abs(share - kp) > 5 * sd + 1e-12:
        return f"the share of units kept should be about keep_prob = {kp}, got {share:.3f}"
    if not np.allclose(A_out, A * D / kp, rtol=1e-9, atol=1e-12):
        kept = D == 1
        if np.any(A_out[~kept] != 0):
            return "where D is 0, A_out should be 0"
        i = np.argmax(kept.ravel())
        return (
            f"the kept activations should be A / keep_prob: for A = {A.ravel()[i]:.6g} "
            f"expected {A.ravel()[i] / kp:.6g}, got {A_out.ravel()[i]:.6g}"
        )
    return None


DROPOUT_FORWARD = Exercise(
    "dropout_forward",
    "dropout_forward(A, keep_prob, rng) -> (A_out, D)",
    "Inverted dropout: D is a 0/1 mask of A's shape, each entry 1 with probability "
    "keep_prob, drawn from the np.random.Generator rng; A_out = A * D / keep_prob.",
    "practical/03_dropout",
    dropout_forward,
    _dropout_cases,
    "D = (rng.random(A.shape) < keep_prob).astype(float), then A_out = A * D / keep_prob.",
    [
        Mistake(
            "no division",
            lambda A, kp, rng: (A * (D := (rng.random(A.shape) < kp) * 1.0), D),
            "divide the kept activations by keep_prob, so that their expected value stays A.",
        ),
        Mistake(
            "dropping with probability keep_prob",
            lambda A, kp, rng: (A * (D := (rng.random(A.shape) >= kp) * 1.0) / kp, D),
            "keep_prob is the probability of *keeping* a unit: D = rng.random(A.shape) < keep_prob.",
        ),
        Mistake(
            "multiplied by keep_prob",
            lambda A, kp, rng: (A * (D := (rng.random(A.shape) < kp) * 1.0) * kp, D),
            "inverted dropout *divides* by keep_prob (the survivors are scaled up).",
        ),
        Mistake(
            "one mask for the whole batch",
            lambda A, kp, rng: (A * (D := (rng.random((A.shape[0], 1)) < kp) * 1.0) / kp, D),
            "draw one mask entry per unit *and per example*: rng.random(A.shape).",
        ),
        Mistake(
            "np.random instead of rng",
            lambda A, kp, rng: dropout_forward(A, kp, np.random.default_rng()),
            RANDOM_HINT,
            kind="random",
        ),
    ],
    reproducible=True,
    compare=_dropout_compare,
    same=lambda a, b, case: _dropout_fingerprint(a, case) == _dropout_fingerprint(b, case),
)


def _dropout_backward_cases():
    rng = as_rng(6)
    out = []
    for shape, kp, label in [
        ((5, 8), 0.8, ""),
        ((3, 1), 0.5, "a batch of one column"),
        ((4, 6), 1.0, "keep_prob = 1"),
    ]:
        mask = (rng.random(shape) < kp).astype(float)
        out.append(Case((rng.normal(size=shape), mask, kp), label=label))
    return out


DROPOUT_BACKWARD = Exercise(
    "dropout_backward",
    "dropout_backward(dA, mask, keep_prob) -> dA_in",
    "The backward pass of inverted dropout: dA_in = dA * mask / keep_prob (the units "
    "dropped in the forward pass get no gradient).",
    "practical/03_dropout",
    dropout_backward,
    _dropout_backward_cases,
    "apply the forward pass's mask and scaling to the gradient: dA * mask / keep_prob.",
    [
        Mistake(
            "no division",
            lambda dA, D, kp: dA * D,
            "the forward pass divided by keep_prob, so the backward pass must too.",
        ),
        Mistake(
            "mask not applied",
            lambda dA, D, kp: dA / kp,
            "dropped units passed nothing forward, so they get no gradient: multiply by mask.",
        ),
        Mistake(
            "multiplied by keep_prob",
            lambda dA, D, kp: dA * D * kp,
            "divide by keep_prob, as the forward pass did.",
        ),
    ],
)


# ---------------------------------------------------------------- 04 augmentation
def _reflect_cases():
    rng = as_rng(7)
    X, Y = rng.normal(size=(2, 5)), (rng.random((1, 5)) < 0.5).astype(float)
    X3 = rng.normal(size=(3, 4))
    Y3 = np.array([[0.0, 1.0, 1.0, 0.0]])
    return [
        Case((X, Y), label="the default axes=(0,)"),
        Case((X, Y), {"axes": (0, 1)}, "both axes"),
        Case((X3, Y3), {"axes": (2,)}, "3 features, reflect the last"),
        Case((X[:, :1], Y[:, :1]), {"axes": (1, 0)}, "one example"),
    ]


REFLECT = Exercise(
    "reflect",
    "reflect(X, Y, axes=(0,)) -> (X_aug, Y_aug)",
    "Data augmentation by mirroring: for each k in axes, a copy of X with feature (row) k "
    "negated. Return the original examples followed by each reflected copy (np.hstack), and "
    "the labels repeated to match.",
    "practical/04_augmentation_early_stopping",
    reflect,
    _reflect_cases,
    "start from parts = [X]; for each k: Xk = X.copy(); Xk[k] = -Xk[k]; parts.append(Xk). "
    "Labels: np.tile(Y, (1, len(parts))).",
    [
        Mistake(
            "originals left out",
            lambda X, Y, axes=(0,): (
                reflect(X, Y, axes)[0][:, X.shape[1] :],
                np.tile(Y, (1, len(axes))),
            ),
            "keep the original examples too: the result starts with X itself.",
        ),
        Mistake(
            "labels not repeated",
            lambda X, Y, axes=(0,): (reflect(X, Y, axes)[0], Y),
            "each new example needs its label: repeat Y once per copy (np.tile).",
        ),
        Mistake(
            "examples negated instead of features",
            lambda X, Y, axes=(0,): (
                np.hstack([X] + [_neg_col(X, k) for k in axes]),
                np.tile(Y, (1, len(axes) + 1)),
            ),
            "a feature is a row of X (X[k]); X[:, k] is an example.",
        ),
        Mistake(
            "all axes in one copy",
            lambda X, Y, axes=(0,): (np.hstack([X, _neg_rows(X, axes)]), np.tile(Y, (1, 2))),
            "one reflected copy per axis, each negating one feature.",
        ),
    ],
    mutation_hint="copy before negating: Xk = X.copy(); Xk[k] = -Xk[k]. Writing into X "
    "changes the caller's data.",
)


def _neg_col(X, k):
    Xk = X.copy()
    if k < X.shape[1]:
        Xk[:, k] = -Xk[:, k]
    return Xk


def _neg_rows(X, axes):
    Xk = X.copy()
    Xk[list(axes)] = -Xk[list(axes)]
    return Xk


# ---------------------------------------------------------------- 05 normalizing inputs
def normalize_inputs(X_train, X_dev, epsilon=1e-8):
    """Reference: the training set's μ and σ² applied to both sets (nnlab.data.Normalizer)."""
    X_train = check_matrix("X_train", X_train)
    check_matrix("X_dev", X_dev, rows=X_train.shape[0])
    norm = Normalizer(epsilon).fit(X_train)
    return norm.transform(X_train), norm.transform(X_dev)


def _normalize_cases():
    rng = as_rng(8)
    Xt = rng.normal([[5.0], [1000.0]], [[1.0], [20.0]], size=(2, 50))
    Xd = rng.normal([[5.5], [990.0]], [[1.2], [25.0]], size=(2, 20))
    X3 = rng.normal(size=(3, 30)) * [[1], [10], [0.1]]
    return [
        Case((Xt, Xd), label="two features on very different scales"),
        Case((X3, X3[:, :1] + 1.0), label="a dev set of one column"),
        Case((Xt[:, :40], Xd), {"epsilon": 1e-3}, "epsilon = 1e-3"),
    ]


NORMALIZE_INPUTS = Exercise(
    "normalize_inputs",
    "normalize_inputs(X_train, X_dev, epsilon=1e-8) -> (X_train_norm, X_dev_norm)",
    "Centre and scale each feature (row) with the training set's statistics: mu = mean over "
    "the examples of X_train, sigma2 = mean of (X_train - mu)**2; both sets become "
    "(X - mu) / sqrt(sigma2 + epsilon).",
    "practical/05_normalizing_inputs",
    normalize_inputs,
    _normalize_cases,
    "mu = X_train.mean(axis=1, keepdims=True); sigma2 = ((X_train - mu) ** 2).mean(axis=1, "
    "keepdims=True); use these two for X_dev as well.",
    [
        Mistake(
            "dev uses its own statistics",
            lambda Xt, Xd, epsilon=1e-8: (
                normalize_inputs(Xt, Xt, epsilon)[0],
                normalize_inputs(Xd, Xd, epsilon)[0],
            ),
            "normalize the dev set with the *training* set's mu and sigma2, so that both "
            "sets go through the same transformation.",
        ),
        Mistake(
            "only centred",
            lambda Xt, Xd, epsilon=1e-8: (
                Xt - Xt.mean(1, keepdims=True),
                Xd - Xt.mean(1, keepdims=True),
            ),
            "after subtracting mu, divide by sqrt(sigma2 + epsilon).",
        ),
        Mistake(
            "divided by the variance",
            lambda Xt, Xd, epsilon=1e-8: tuple(
                (X - Xt.mean(1, keepdims=True)) / (Xt.var(1, keepdims=True) + epsilon)
                for X in (Xt, Xd)
            ),
            "divide by the standard deviation sqrt(sigma2 + epsilon), not by sigma2.",
        ),
        Mistake(
            "statistics over the wrong axis",
            lambda Xt, Xd, epsilon=1e-8: tuple(
                (X - X.mean(0, keepdims=True)) / np.sqrt(X.var(0, keepdims=True) + epsilon)
                for X in (Xt, Xd)
            ),
            "X is (n_x, m), one column per example: average over the examples, axis=1.",
        ),
    ],
)


# ---------------------------------------------------------------- 06 initialization
def _init_cases():
    return [
        Case(([300, 200, 100, 1],), {"method": "he", "seed": 0}, "He"),
        Case(([400, 100, 300],), {"method": "xavier", "seed": 1}, "Xavier"),
        Case(([100, 400, 200],), {"method": "glorot", "seed": 2}, "Glorot"),
        Case(([200, 300, 1],), {"method": "random", "seed": 3, "scale": 0.01}, "random × 0.01"),
        Case(([5, 3, 1],), {"method": "zeros"}, "zeros"),
    ]


def _std(layer_dims, method, scale=0.01):
    return [
        float(np.sqrt(METHODS[method](layer_dims[l - 1], layer_dims[l], scale)))
        for l in range(1, len(layer_dims))
    ]


def _init_fingerprint(out, case):
    dims = case.args[0]
    kw = {"method": "he", "seed": 0, "scale": 0.01, **case.kwargs}
    if not isinstance(out, dict):
        return ("type", _type_of(out))
    keys = tuple(sorted(out))
    stds = _std(dims, kw["method"], kw["scale"])
    rows = []
    for l in range(1, len(dims)):
        W, b = out.get(f"W{l}"), out.get(f"b{l}")
        Ws = np.shape(W)
        ratio = None
        if isinstance(W, np.ndarray) and W.size:
            ratio = (
                round(float(W.std()) / stds[l - 1], 1) if stds[l - 1] else round(float(W.std()), 3)
            )
        rows.append((Ws, ratio, np.shape(b), bool(isinstance(b, np.ndarray) and not np.any(b))))
    return keys, tuple(rows)


def _init_compare(expected, got, case):
    dims = case.args[0]
    kw = {"method": "he", "seed": 0, "scale": 0.01, **case.kwargs}
    if not isinstance(got, dict):
        return "return a dict {'W1': …, 'b1': …, …}, got " + (
            "None (did you forget `return`?)" if got is None else _type_of(got)
        )
    want = sorted(expected)
    if sorted(got) != want:
        return f"the keys should be {want}, got {sorted(got)}"
    stds = _std(dims, kw["method"], kw["scale"])
    for l in range(1, len(dims)):
        W, b = got[f"W{l}"], got[f"b{l}"]
        for name, x, shape in ((f"W{l}", W, (dims[l], dims[l - 1])), (f"b{l}", b, (dims[l], 1))):
            if not isinstance(x, np.ndarray):
                return f"{name} should be an array of shape {shape}, got {_type_of(x)}"
            if x.shape != shape:
                return (
                    f"{name} should have shape (n[{l}], n[{l - 1}]) = {shape}"
                    if name[0] == "W"
                    else f"{name} should have shape (n[{l}], 1) = {shape}, got {x.shape}"
                )
        if np.any(b != 0):
            return f"b{l} should be zeros"
        if np.isnan(W).any():
            return f"W{l} contains NaN"
        s, want_s = float(W.std()), stds[l - 1]
        tol = 4 * want_s / np.sqrt(2 * W.size) + 0.03 * want_s
        if abs(s - want_s) > tol or abs(float(W.mean())) > 5 * want_s / np.sqrt(W.size) + 1e-12:
            return (
                f"the entries of W{l} should have mean 0 and standard deviation "
                f"{want_s:.4g} ({kw['method']}, n[{l - 1}] = {dims[l - 1]}), got mean "
                f"{float(W.mean()):.3g} and standard deviation {s:.4g}"
            )
    return None


def _seeded(method_std):
    """A wrong initialization: W drawn with the standard deviation ``method_std``."""

    def init(layer_dims, method="he", seed=0, scale=0.01, batchnorm=False):
        rng = np.random.default_rng(seed)
        p = {}
        for l in range(1, len(layer_dims)):
            n_in, n_out = layer_dims[l - 1], layer_dims[l]
            p[f"W{l}"] = rng.standard_normal((n_out, n_in)) * method_std(method, n_in, n_out, scale)
            p[f"b{l}"] = np.zeros((n_out, 1))
        return p

    return init


INITIALIZE_PARAMETERS = Exercise(
    "initialize_parameters",
    "initialize_parameters(layer_dims, method='he', seed=0, scale=0.01, batchnorm=False) -> params",
    "W{l} of shape (n[l], n[l-1]) with N(0, 1) entries times s, b{l} zeros (n[l], 1); s = 0 "
    "(zeros), scale (random), sqrt(1/n[l-1]) (xavier), sqrt(2/(n[l-1] + n[l])) (glorot), "
    "sqrt(2/n[l-1]) (he). Draw from np.random.default_rng(seed). (batchnorm is not asked for "
    "here: leave it False.)",
    "practical/06_initialization",
    initialize_parameters,
    _init_cases,
    "s multiplies a standard normal draw: np.sqrt of the variance (2 / n[l-1] for He).",
    [
        Mistake(
            "variance instead of standard deviation",
            _seeded(lambda m, n_in, n_out, sc: METHODS[m](n_in, n_out, sc)),
            "multiply by the standard deviation, the *square root* of the variance: "
            "np.sqrt(2 / n_in) for He.",
        ),
        Mistake(
            "fan-out instead of fan-in",
            _seeded(lambda m, n_in, n_out, sc: np.sqrt(METHODS[m](n_out, n_in, sc))),
            "the variance is set by the number of *inputs* of a unit, n[l-1] (W.shape[1]).",
        ),
        Mistake(
            "He and Xavier mixed up",
            _seeded(
                lambda m, n_in, n_out, sc: np.sqrt(
                    {"he": 1 / n_in, "xavier": 2 / n_in}.get(m, METHODS[m](n_in, n_out, sc))
                )
            ),
            "He uses 2 / n[l-1] (for ReLU), Xavier 1 / n[l-1] (for tanh).",
        ),
        Mistake(
            "W transposed",
            lambda dims, method="he", seed=0, scale=0.01, batchnorm=False: {
                k: (v.T if k[0] == "W" else v)
                for k, v in initialize_parameters(dims, method, seed, scale).items()
            },
            "W[l] has one row per unit of layer l: shape (n[l], n[l-1]).",
        ),
        Mistake(
            "np.random instead of the seed",
            lambda dims, method="he", seed=0, scale=0.01, batchnorm=False: initialize_parameters(
                dims, method, int(np.random.default_rng().integers(1 << 30)), scale
            ),
            RANDOM_HINT,
            kind="random",
        ),
    ],
    reproducible=True,
    compare=_init_compare,
    same=lambda a, b, case: _init_fingerprint(a, case) == _init_fingerprint(b, case),
)


# ---------------------------------------------------------------- 07 gradient checking
def _cubes(x):
    return float(np.sum(x**3))


def _mixed(x):
    return float(np.sum(np.sin(x)) + np.sum(x) ** 2)


def _numgrad_cases():
    rng = as_rng(9)
    return [
        Case((_cubes, rng.normal(size=4)), {"eps": 1e-3}, "f(x) = Σ x³, eps = 1e-3"),
        Case((_mixed, rng.normal(size=(3, 2))), {"eps": 1e-4}, "a matrix x"),
        Case((_cubes, np.array([2.0])), {"eps": 1e-2}, "a single entry"),
        Case((_mixed, rng.normal(size=5)), {}, "the default eps"),
    ]


NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient",
    "numerical_gradient(f, x, eps=1e-7) -> grad",
    "Centred differences: grad[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one entry of "
    "the float array x at a time (np.ndindex(x.shape)); x may be perturbed in place but must "
    "be restored.",
    "practical/07_gradient_checking",
    numerical_gradient,
    _numgrad_cases,
    "for idx in np.ndindex(x.shape): save old = x[idx], set x[idx] = old + eps and old - eps, "
    "call f each time, put x[idx] = old back.",
    [
        Mistake(
            "one-sided difference",
            lambda f, x, eps=1e-7: _fd(f, x, eps, lambda fp, fm, f0: (fp - f0) / eps),
            "use the *two-sided* difference (f(x + eps) - f(x - eps)) / (2 eps): its error is "
            "O(eps²) instead of O(eps).",
        ),
        Mistake(
            "no 2",
            lambda f, x, eps=1e-7: _fd(f, x, eps, lambda fp, fm, f0: (fp - fm) / eps),
            "x + eps and x - eps are 2 eps apart: divide by 2 * eps.",
        ),
        Mistake(
            "/ 2 * eps",
            lambda f, x, eps=1e-7: _fd(f, x, eps, lambda fp, fm, f0: (fp - fm) / 2 * eps),
            "`/ 2 * eps` divides by 2 and then *multiplies* by eps: write / (2 * eps).",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-6, atol=1e-8),
    mutation_hint="put every entry of x back after perturbing it (x[idx] = old), or perturb a copy.",
)


def _fd(f, x, eps, rule):
    x = x.copy()
    f0 = f(x)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        x[idx] = old - eps
        fm = f(x)
        x[idx] = old
        g[idx] = rule(fp, fm, f0)
    return g


def _reldiff_cases():
    rng = as_rng(10)
    a = rng.normal(size=6)
    return [
        Case((a, a + 1e-6 * rng.normal(size=6)), label="close vectors"),
        Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2))), label="matrices"),
        Case((np.array([3.0, -4.0]), np.array([-3.0, 4.0])), label="opposite vectors"),
        Case((np.zeros(4), np.zeros(4)), label="two zero vectors: the answer is 0"),
        Case((np.array([1e3, 2e3]), np.array([1.001e3, 2e3])), label="large entries"),
    ]


RELATIVE_DIFFERENCE = Exercise(
    "relative_difference",
    "relative_difference(a, b) -> float",
    "||a - b||_2 / (||a||_2 + ||b||_2) over all entries, and 0 when both are zero.",
    "practical/07_gradient_checking",
    relative_difference,
    _reldiff_cases,
    "np.linalg.norm of the flattened arrays (np.ravel); guard the 0 / 0 case.",
    [
        Mistake(
            "no denominator",
            lambda a, b: float(np.linalg.norm(np.ravel(a) - np.ravel(b))),
            "divide by ||a|| + ||b||: a difference of 1e-3 means little if the gradients are 1e3.",
        ),
        Mistake(
            "norm of the sum",
            lambda a, b: _safe(
                np.linalg.norm(np.ravel(a) - np.ravel(b)), np.linalg.norm(np.ravel(a) + np.ravel(b))
            ),
            "the denominator is ||a|| + ||b||, the sum of the two norms, not ||a + b||.",
        ),
        Mistake(
            "squared norms",
            lambda a, b: _safe(
                np.sum((np.ravel(a) - np.ravel(b)) ** 2),
                np.sum(np.ravel(a) ** 2) + np.sum(np.ravel(b) ** 2),
            ),
            "use the norms themselves (np.linalg.norm), not their squares.",
        ),
        Mistake(
            "0 / 0",
            lambda a, b: float(
                np.linalg.norm(np.ravel(a) - np.ravel(b))
                / (np.linalg.norm(np.ravel(a)) + np.linalg.norm(np.ravel(b)))
            ),
            "when both vectors are zero the formula is 0 / 0: return 0 in that case.",
        ),
    ],
    compare=lambda e, g, c: compare_values(e, g, rtol=1e-7, atol=1e-15),
)


def _safe(num, den):
    return 0.0 if den == 0 else float(num / den)


EXERCISES = [
    DIAGNOSE,
    L2_COST,
    L2_GRAD,
    DROPOUT_FORWARD,
    DROPOUT_BACKWARD,
    REFLECT,
    NORMALIZE_INPUTS,
    INITIALIZE_PARAMETERS,
    NUMERICAL_GRADIENT,
    RELATIVE_DIFFERENCE,
]
