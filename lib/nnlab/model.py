"""A fully connected network with L2/L1 penalties, dropout and batch norm.

Layer ``l = 1 … L`` computes ``Z[l] = W[l] A[l-1] + b[l]`` and ``A[l] = g[l](Z[l])``,
with ``A[0] = X`` of shape ``(n_x, m)``. Hidden layers use ``hidden`` (relu, tanh or
sigmoid); the output layer uses ``sigmoid`` (binary) or ``softmax`` (multi-class). With
batch norm, a hidden layer computes ``Z[l] = W[l] A[l-1]``, normalizes it to
``Z̃[l] = γ[l] Ẑ[l] + β[l]`` and applies ``g`` to ``Z̃[l]``.
"""

from __future__ import annotations

import warnings

import numpy as np

from nnlab.activations import get_activation
from nnlab.batchnorm import ONE_COLUMN
from nnlab.batchnorm import _backward as batchnorm_backward
from nnlab.batchnorm import _forward as batchnorm_forward
from nnlab.batchnorm import _inference as batchnorm_inference
from nnlab.batchnorm import _update_running as update_running_stats
from nnlab.checks import (
    check_array,
    check_beta,
    check_bool,
    check_int,
    check_keep_prob,
    check_matrix,
    check_option,
    check_positive,
    check_range,
    check_seed,
)
from nnlab.initialization import MAX_UNITS, METHODS, initialize_parameters
from nnlab.regularization import _dropout_backward as dropout_backward
from nnlab.regularization import _dropout_forward as dropout_forward
from nnlab.regularization import _l1_cost as l1_cost
from nnlab.regularization import _l1_grad as l1_grad
from nnlab.regularization import _l2_cost as l2_cost
from nnlab.regularization import _l2_grad as l2_grad

__all__ = ["Network", "one_hot", "cross_entropy_from_logits"]

HIDDEN = ("relu", "tanh", "sigmoid")
OUTPUT = ("sigmoid", "softmax")
PENALTIES = {"l2": (l2_cost, l2_grad), "l1": (l1_cost, l1_grad)}


# ---------------------------------------------------------------- module functions
def one_hot(Y, C: int) -> np.ndarray:
    """Labels ``Y`` ``(1, m)`` in ``0 … C-1`` → ``(C, m)`` with ``Y_onehot[k, i] = 1[y⁽ⁱ⁾ = k]``."""
    C = check_int("C", C, low=1, high=MAX_UNITS)
    Y = check_array("Y", Y, allow_empty=True)
    if Y.ndim != 2 or Y.shape[0] != 1:
        raise ValueError(f"Y must be labels of shape (1, m), got shape {Y.shape}")
    labels = Y[0]
    if (
        not np.all(np.equal(np.mod(labels, 1), 0))
        or labels.min(initial=0) < 0
        or labels.max(initial=0) >= C
    ):
        raise ValueError(
            f"Y must hold integer labels in 0 … {C - 1}, got values {np.unique(labels)[:10]}"
        )
    out = np.zeros((C, Y.shape[1]))
    out[labels.astype(int), np.arange(Y.shape[1])] = 1.0
    return out


def _logsumexp(Z):
    """``log Σ_k e^{Z_k}`` per column, shifted by the max so no exponent overflows."""
    c = Z.max(axis=0, keepdims=True)
    return c + np.log(np.exp(Z - c).sum(axis=0, keepdims=True))


def _cross_entropy(ZL, Y, output):
    """The mean cross-entropy of :func:`cross_entropy_from_logits`, unchecked. Infinite
    logits give the limit: 0 for a right answer at ``±inf``, ``inf`` for a wrong one."""
    m = ZL.shape[1]
    if np.all(np.isfinite(ZL)):
        if output == "sigmoid":
            return float(np.sum(np.logaddexp(0.0, ZL) - Y * ZL) / m)
        return float(np.sum(_logsumexp(ZL)) - np.sum(Y * ZL)) / m
    with np.errstate(invalid="ignore"):
        if output == "sigmoid":
            # y log(1 + e^{-z}) + (1 - y) log(1 + e^z): each term 0 where its weight is 0
            loss = np.where(Y > 0, Y * np.logaddexp(0.0, -ZL), 0.0) + np.where(
                Y < 1, (1 - Y) * np.logaddexp(0.0, ZL), 0.0
            )
        else:
            top = ZL.max(axis=0, keepdims=True)
            n_top = np.sum(ZL == top, axis=0, keepdims=True)
            shifted = np.where(np.isposinf(top), np.where(ZL == top, 0.0, -np.inf), ZL - top)
            lse = np.where(
                np.isposinf(top), np.log(n_top), np.log(np.exp(shifted).sum(axis=0, keepdims=True))
            )
            loss = np.where(Y > 0, Y * (lse - shifted), 0.0)
    return float(np.sum(loss) / m)


def cross_entropy_from_logits(ZL, Y, output: str = "sigmoid") -> float:
    """Mean cross-entropy computed from the logits ``Z[L]``, never from ``A[L]``.

    - ``"sigmoid"``: ``-[y log σ(z) + (1-y) log(1-σ(z))] = log(1 + e^z) - y z``,
      evaluated as ``np.logaddexp(0, z) - y z``;
    - ``"softmax"``: ``-Σ_k y_k log softmax(z)_k = logsumexp(z) - Σ_k y_k z_k``.

    ``J = (1/m) Σ_i loss⁽ⁱ⁾``. Going through the logits avoids ``log(0)`` when ``σ(z)``
    rounds to 0 or 1, so the cost stays finite for logits of ±1000. For softmax, ``Y``
    may be labels ``(1, m)`` or one-hot ``(C, m)``.
    """
    check_option("output", output, OUTPUT)
    ZL = check_matrix("ZL", ZL, finite=False)
    if np.any(np.isnan(ZL)):
        raise ValueError("ZL must not hold NaN")
    if output == "softmax" and np.any(np.all(np.isneginf(ZL), axis=0)):
        raise ValueError("ZL must not have a column of -inf only (softmax is undefined there)")
    Y_arr = np.asarray(Y) if not isinstance(Y, (str, bytes)) and Y is not None else None
    if (
        Y_arr is not None
        and Y_arr.ndim == 2
        and Y_arr.shape[1] != ZL.shape[1]
        and ZL.shape[0] == Y_arr.shape[1]
    ):
        raise ValueError(
            f"ZL has shape {ZL.shape} but Y has {Y_arr.shape[1]} columns: ZL "
            "must be (n_L, m), one column per example like Y (is ZL transposed?)"
        )
    Y = _targets(Y, ZL.shape[0], ZL.shape[1], output)
    return _cross_entropy(ZL, Y, output)


def _targets(Y, n_L: int, m: int, output: str) -> np.ndarray:
    """``Y`` as a float ``(n_L, m)`` target: one-hot for softmax labels, checked shapes."""
    Y = check_array("Y", Y, allow_empty=True)
    if Y.ndim != 2 or Y.shape[1] != m:
        raise ValueError(
            f"Y must have shape (1, {m}) or ({n_L}, {m}) (one column per "
            f"example, like X), got shape {Y.shape}"
        )
    if output == "softmax" and Y.shape[0] == 1 and n_L > 1:
        return one_hot(Y, n_L)
    if Y.shape[0] != n_L:
        raise ValueError(f"Y must have shape (1, {m}) or ({n_L}, {m}), got shape {Y.shape}")
    Y = Y.astype(float)
    if Y.size and (Y.min() < 0 or Y.max() > 1):
        raise ValueError(
            f"Y must hold 0/1 labels (or one-hot columns) for a {output} output, "
            f"got values in [{Y.min():g}, {Y.max():g}]"
        )
    return Y


# ---------------------------------------------------------------- the network
class Network:
    """``layer_dims = [n_x, n[1], …, n[L]]``, with every option the course discusses.

    - ``hidden`` ∈ relu, tanh, sigmoid; ``output`` ∈ sigmoid (``n[L] = 1`` for binary
      labels), softmax (``n[L] = C``);
    - ``init`` ∈ zeros, random (``N(0,1) · init_scale``), xavier, glorot, he;
    - ``lambd >= 0`` and ``penalty`` ∈ l2, l1: the cost gets ``(λ/2m) Σ‖W[l]‖²_F`` or
      ``(λ/m) Σ|W[l]|``;
    - ``keep_prob``: inverted-dropout keep probability of the hidden layers, one float or
      one value per hidden layer (never on the input or the output);
    - ``batchnorm``: normalize each hidden ``Z[l]`` (``γ``, ``β`` replace ``b[l]``), with
      running averages ``running["mu{l}"]``, ``running["var{l}"]`` updated as
      ``v ← bn_momentum · v + (1 - bn_momentum) · batch value`` by training forwards.

    ``params`` is the parameter dict; ``rng`` the generator that draws dropout masks.
    """

    def __init__(
        self,
        layer_dims,
        hidden: str = "relu",
        output: str = "sigmoid",
        init: str = "he",
        seed: int = 0,
        init_scale: float = 0.01,
        lambd: float = 0.0,
        penalty: str = "l2",
        keep_prob=1.0,
        batchnorm: bool = False,
        bn_momentum: float = 0.9,
        bn_epsilon: float = 1e-5,
    ):
        self.g_hidden = get_activation(hidden, "hidden", HIDDEN)
        self.g_output = get_activation(output, "output", OUTPUT)
        check_option("init", init, METHODS)
        check_option("penalty", penalty, PENALTIES)
        self.hidden, self.output, self.init, self.penalty = hidden, output, init, penalty
        self.lambd = float(check_range("lambd", lambd, 0, None))
        self.batchnorm = check_bool("batchnorm", batchnorm)
        self.bn_momentum = float(check_beta("bn_momentum", bn_momentum))
        self.bn_epsilon = float(check_positive("bn_epsilon", bn_epsilon))
        seed = check_seed("seed", seed)
        init_scale = check_positive("init_scale", init_scale)
        self.params = initialize_parameters(
            layer_dims, init, seed=seed, scale=init_scale, batchnorm=self.batchnorm
        )
        self.layer_dims = [int(n) for n in layer_dims]
        self.L = len(self.layer_dims) - 1
        if output == "softmax" and self.layer_dims[-1] < 2:
            raise ValueError(
                "layer_dims must end with C >= 2 units for a softmax output, "
                f"got {self.layer_dims[-1]}"
            )
        self.keep_prob = keep_prob
        self.keep_probs = self._keep_probs(keep_prob)
        self.running = {}
        for l in range(1, self.L) if self.batchnorm else ():
            self.running[f"mu{l}"] = np.zeros((self.layer_dims[l], 1))
            self.running[f"var{l}"] = np.ones((self.layer_dims[l], 1))
        self.rng = np.random.default_rng(seed)

    def _keep_probs(self, keep_prob) -> list[float]:
        n_hidden = self.L - 1
        if np.ndim(keep_prob) == 0:
            return [float(check_keep_prob("keep_prob", keep_prob))] * n_hidden
        values = list(keep_prob)
        if len(values) != n_hidden:
            raise ValueError(
                f"keep_prob must be a float or a list of {n_hidden} values (one "
                f"per hidden layer), got {len(values)} values"
            )
        return [float(check_keep_prob("keep_prob", v)) for v in values]

    def __repr__(self):
        return (
            f"Network({self.layer_dims}, hidden={self.hidden!r}, output={self.output!r}, "
            f"lambd={self.lambd}, penalty={self.penalty!r}, keep_prob={self.keep_prob}, "
            f"batchnorm={self.batchnorm})"
        )

    # ------------------------------------------------------------ forward
    def check_X(self, X) -> np.ndarray:
        """``X`` as a float ``(n_x, m)`` array with ``m >= 1`` finite columns, one per example
        (``n_x = layer_dims[0]``); ``ValueError`` naming the expected shape otherwise."""
        X = check_array("X", X, finite=False, allow_empty=True)
        if X.ndim != 2 or X.shape[0] != self.layer_dims[0] or X.shape[1] < 1:
            raise ValueError(
                f"X must have shape ({self.layer_dims[0]}, m) with m >= 1: one "
                f"column per example with layer_dims[0] = {self.layer_dims[0]} "
                f"features, got shape {X.shape}"
            )
        if not np.all(np.isfinite(X)):
            raise ValueError(
                f"X must hold finite numbers, got {'NaN' if np.any(np.isnan(X)) else 'inf'} in it"
            )
        return X

    def _check_rng(self, rng):
        if rng is None:
            return self.rng
        rng = check_seed("rng", rng, generator=True)
        return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    def _check_params(self, params) -> dict:
        """User-given ``params`` (e.g. a gradient check's perturbed copy): the keys and
        shapes of ``self.params``, finite real arrays."""
        if not isinstance(params, dict) or set(params) != set(self.params):
            raise ValueError(
                f"params must be a dict with the keys {sorted(self.params)}, "
                f"got {sorted(params) if isinstance(params, dict) else params!r}"
            )
        for k, v in self.params.items():
            check_array(f"params[{k!r}]", params[k], shape=v.shape)
        return params

    def _check_cache(self, cache) -> dict:
        if not isinstance(cache, dict) or f"Z{self.L}" not in cache or "m" not in cache:
            raise ValueError(
                "cache must be the dict that forward returned (with Z1 … "
                f"Z{self.L}, A0 … A{self.L} and m), got {type(cache).__name__}"
            )
        return cache

    def draw_masks(self, m: int, rng=None) -> dict:
        """Dropout masks ``{"D1": …, "D{L-1}": …}`` for a batch of ``m`` examples, to pass as
        ``masks=`` so that several forwards (e.g. a gradient check) drop the same units."""
        m = check_int("m", m, low=1)
        rng = self._check_rng(rng)
        return {
            f"D{l}": (rng.random((self.layer_dims[l], m)) < kp).astype(float)
            for l, kp in enumerate(self.keep_probs, start=1)
            if kp < 1.0
        }

    def forward(
        self, X, training: bool = True, rng=None, masks=None, params=None, update_running=None
    ):
        """``A[L]`` and a cache of every layer, for ``X`` ``(n_x, m)``.

        ``training=True``: dropout on hidden layers (masks drawn from ``rng``, else
        ``self.rng``, or taken from ``masks={"D1": …}``) and batch norm with the batch's
        statistics, which also updates the running averages (unless
        ``update_running=False``). ``training=False``: no dropout, running statistics.

        The cache holds, per layer ``l``: ``Z{l}`` (``W[l]A[l-1] (+ b[l])``), ``Zn{l}``
        (batch-norm output ``γẐ+β``, batch-norm layers only), ``A{l}`` (after dropout),
        ``D{l}`` (dropout mask, when used) and ``bn{l}`` (batch-norm cache); plus ``A0``,
        ``m``, ``training`` and ``params`` (the parameters used).
        """
        X = self.check_X(X)
        training = check_bool("training", training)
        P = self.params if params is None else self._check_params(params)
        rng = self._check_rng(rng)
        if masks is not None and not isinstance(masks, dict):
            raise ValueError(f"masks must be a dict {{'D1': …}} from draw_masks, got {masks!r}")
        if update_running is None:
            update_running = training
        update_running = check_bool("update_running", update_running)
        return self._forward(X, training, rng, masks, P, update_running)

    def _forward(self, X, training, rng, masks, P, update_running):
        """:meth:`forward` on arguments it has checked."""
        m = X.shape[1]
        cache = {"A0": X, "m": m, "training": training, "params": P}
        A = X
        for l in range(1, self.L + 1):
            Z = P[f"W{l}"] @ A
            hidden = l < self.L
            if hidden and self.batchnorm:
                Zn = self._bn_forward(Z, l, P, training, update_running, cache)
                cache[f"Zn{l}"] = Zn
            else:
                Z = Z + P[f"b{l}"]
                Zn = Z
            cache[f"Z{l}"] = Z
            A = (self.g_hidden if hidden else self.g_output)[0](Zn)
            if hidden and training and self.keep_probs[l - 1] < 1.0:
                A = self._dropout(A, l, rng, masks, cache)
            cache[f"A{l}"] = A
        return A, cache

    def _bn_forward(self, Z, l, P, training, update_running, cache):
        gamma, beta = P[f"gamma{l}"], P[f"beta{l}"]
        if not training:
            return batchnorm_inference(
                Z, gamma, beta, self.running[f"mu{l}"], self.running[f"var{l}"], self.bn_epsilon
            )
        if Z.shape[1] < 2:
            warnings.warn(
                f"batch norm in training mode on {ONE_COLUMN}; use mini-batches "
                "of 2 or more examples",
                RuntimeWarning,
                stacklevel=4,
            )
        Zn, bn = batchnorm_forward(Z, gamma, beta, self.bn_epsilon)
        cache[f"bn{l}"] = bn
        if update_running:
            self.running[f"mu{l}"], self.running[f"var{l}"] = update_running_stats(
                self.running[f"mu{l}"],
                self.running[f"var{l}"],
                bn["mu"],
                bn["var"],
                self.bn_momentum,
            )
        return Zn

    def _dropout(self, A, l, rng, masks, cache):
        kp = self.keep_probs[l - 1]
        if masks is not None and f"D{l}" in masks:
            D = check_array(f"masks['D{l}']", masks[f"D{l}"], shape=A.shape)
            if not np.all((D == 0) | (D == 1)):
                raise ValueError(f"masks['D{l}'] must hold only 0 and 1")
            A = A * D / kp
        else:
            A, D = dropout_forward(A, kp, rng)
        cache[f"D{l}"] = D
        return A

    # ------------------------------------------------------------ cost
    def targets(self, Y, m: int) -> np.ndarray:
        """``Y`` as the float ``(n[L], m)`` targets the cost compares ``A[L]`` with: 0/1
        labels ``(1, m)`` for a sigmoid output, one-hot columns for softmax (class
        indices ``(1, m)`` are one-hot encoded); ``ValueError`` on a wrong shape or value."""
        return _targets(Y, self.layer_dims[-1], m, self.output)

    def penalty_cost(self, m: int, params=None) -> float:
        """``(λ/2m) Σ‖W[l]‖²_F`` (l2) or ``(λ/m) Σ|W[l]|`` (l1); 0 when ``lambd = 0``."""
        m = check_int("m", m, low=1)
        params = None if params is None else self._check_params(params)
        if self.lambd == 0:
            return 0.0
        return PENALTIES[self.penalty][0](self.params if params is None else params, self.lambd, m)

    def cost(self, Y, cache) -> float:
        """``J = (1/m) Σ_i L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) + penalty``, the cross-entropy taken from the logits
        ``Z[L]`` (see :func:`cross_entropy_from_logits`)."""
        ZL = self._check_cache(cache)[f"Z{self.L}"]
        return self._cost(self.targets(Y, ZL.shape[1]), cache)

    def _cost(self, Y, cache) -> float:
        """:meth:`cost` of checked targets ``Y`` (from :meth:`targets`) and a cache of
        :meth:`forward`."""
        ZL = cache[f"Z{self.L}"]
        P = cache.get("params", self.params)
        penalty = 0.0 if self.lambd == 0 else PENALTIES[self.penalty][0](P, self.lambd, cache["m"])
        return _cross_entropy(ZL, Y, self.output) + penalty

    def loss(self, X, Y, training: bool = False) -> float:
        """Forward then :meth:`cost`; ``training=False`` (no dropout, running BN statistics)."""
        X = self.check_X(X)
        self.targets(Y, X.shape[1])
        _, cache = self.forward(X, training=training, update_running=False)
        return self.cost(Y, cache)

    # ------------------------------------------------------------ backward
    def backward(self, Y, cache) -> dict:
        """Gradients ``{"dW1", "db1" (or "dgamma1", "dbeta1"), …}`` of :meth:`cost`.

        Output: ``dZ[L] = A[L] - Y`` (sigmoid or softmax with cross-entropy). Each layer:
        ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ + penalty'(W[l])``, ``db[l] = (1/m) Σ_i dZ[l]⁽ⁱ⁾``,
        ``dA[l-1] = W[l]ᵀ dZ[l]``; then dropout ``dA ⊙ D / keep_prob``, the activation
        ``dZ = dA ⊙ g'(Z)`` and, with batch norm, :func:`~nnlab.batchnorm.batchnorm_backward`.
        (The ``1/m`` is applied where a parameter gradient is formed; everything upstream
        is linear in ``dZ[L]``, so this is the same as dividing ``dZ[L]`` by ``m``.)
        """
        self._check_cache(cache)
        Y = self.targets(Y, cache["m"])
        if not cache.get("training", True) and self.batchnorm:
            raise ValueError(
                "cache must come from a training forward (batch norm's test-mode "
                "path has no batch statistics to differentiate)"
            )
        return self._backward(Y, cache)

    def _backward(self, Y, cache) -> dict:
        """:meth:`backward` of checked targets ``Y`` and a training forward's cache."""
        P, m, L = cache.get("params", self.params), cache["m"], self.L
        grads = {}
        dZ = cache[f"A{L}"] - Y
        for l in range(L, 0, -1):
            A_prev = cache[f"A{l - 1}"]
            grads[f"dW{l}"] = dZ @ A_prev.T / m + self._penalty_grad(P[f"W{l}"], m)
            if f"b{l}" in P:
                grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
            if l == 1:
                break
            dA = P[f"W{l}"].T @ dZ
            if f"D{l - 1}" in cache:
                dA = dropout_backward(dA, cache[f"D{l - 1}"], self.keep_probs[l - 2])
            dZ = self._hidden_backward(dA, l - 1, cache, grads, m)
        return {k: grads[k] for k in ("d" + p for p in P)}

    def _penalty_grad(self, W, m):
        if self.lambd == 0:
            return 0.0
        return PENALTIES[self.penalty][1](W, self.lambd, m)

    def _hidden_backward(self, dA, l, cache, grads, m):
        backward = self.g_hidden[1]
        if not self.batchnorm:
            return backward(dA, cache[f"Z{l}"])
        dZn = backward(dA, cache[f"Zn{l}"])
        dZ, dgamma, dbeta = batchnorm_backward(dZn, cache[f"bn{l}"])
        grads[f"dgamma{l}"], grads[f"dbeta{l}"] = dgamma / m, dbeta / m
        return dZ

    def loss_and_grads(self, X, Y, rng=None, masks=None, *, check: bool = True):
        """One training step's ``(J, grads)``: a training forward, :meth:`cost`, :meth:`backward`.

        ``check=False`` skips checking the arguments, for a training loop that checked
        ``X`` and turned ``Y`` into :meth:`targets` once, before its first step (the checks
        cost as much as the arithmetic of a small network)."""
        if check:
            X = self.check_X(X)
            Y = self.targets(Y, X.shape[1])
            _, cache = self.forward(X, training=True, rng=rng, masks=masks)
        else:
            rng = self.rng if rng is None else rng
            _, cache = self._forward(X, True, rng, masks, self.params, True)
        return self._cost(Y, cache), self._backward(Y, cache)

    def cost_function(self, X, Y, masks=None, training: bool = True):
        """``f(params) -> J`` with everything else frozen, for gradient checking.

        Dropout masks are fixed (``masks`` from :meth:`draw_masks`; required when
        ``keep_prob < 1`` and ``training``), and the running batch-norm averages are not
        touched, so ``f`` is a deterministic function of ``params``. Compare
        ``gradient_check(f, net.params, net.backward(Y, cache))`` with ``cache`` from
        ``net.forward(X, masks=masks)``.
        """
        X = self.check_X(X)
        self.targets(Y, X.shape[1])
        training = check_bool("training", training)
        if masks is not None and not isinstance(masks, dict):
            raise ValueError(f"masks must be a dict {{'D1': …}} from draw_masks, got {masks!r}")
        if training and masks is None and any(kp < 1.0 for kp in self.keep_probs):
            raise ValueError(
                "masks must be given when keep_prob < 1 (use net.draw_masks(m)): "
                "with fresh masks at every call the cost is not a function"
            )

        def f(params):
            _, cache = self.forward(
                X, training=training, masks=masks, params=params, update_running=False
            )
            return self.cost(Y, cache)

        return f

    # ------------------------------------------------------------ prediction
    def predict_proba(self, X) -> np.ndarray:
        """``A[L]`` in test mode: ``P(y = 1 | x)`` ``(1, m)`` or class probabilities ``(C, m)``."""
        return self.forward(X, training=False, update_running=False)[0]

    def labels(self, AL) -> np.ndarray:
        """Labels ``(1, m)`` from the output ``A[L]``: ``1[A[L] > 0.5]`` (sigmoid) or
        ``argmax_k A[L]_k`` (softmax)."""
        return self._labels(self._check_AL(AL))

    def _labels(self, AL):
        if self.output == "softmax":
            return AL.argmax(axis=0).reshape(1, -1)
        return (AL > 0.5).astype(int)

    def predict(self, X) -> np.ndarray:
        """Labels ``(1, m)`` in test mode (see :meth:`labels`)."""
        return self._labels(self.predict_proba(X))

    def accuracy_of(self, AL, T) -> float:
        """Fraction of columns where :meth:`labels` of ``A[L]`` matches the targets ``T``
        (as :meth:`targets` gives them: 0/1 or one-hot), in [0, 1]."""
        AL = self._check_AL(AL)
        T = check_array("T", T, ndim=2, allow_empty=True)
        if T.shape != AL.shape:
            raise ValueError(
                f"T must have the shape of AL {AL.shape} (targets as _targets "
                f"gives them: 0/1 or one-hot, one column per example), got {T.shape}"
            )
        return self._accuracy(AL, T)

    def _accuracy(self, AL, T) -> float:
        labels = T.argmax(axis=0).reshape(1, -1) if self.output == "softmax" else T
        return float(np.mean(self._labels(AL) == labels))

    def _check_AL(self, AL) -> np.ndarray:
        AL = check_matrix("AL", AL, rows=self.layer_dims[-1])
        if np.any(AL < 0) or np.any(AL > 1):
            raise ValueError(
                "AL must hold probabilities in [0, 1] (the output A[L]), got "
                f"values in [{AL.min():g}, {AL.max():g}]"
            )
        return AL

    def accuracy(self, X, Y) -> float:
        """Fraction of examples whose predicted label equals ``Y`` (labels or one-hot), in [0, 1]."""
        X = self.check_X(X)
        return self._accuracy(self.predict_proba(X), self.targets(Y, X.shape[1]))
