"""Optimizer races: GD, momentum, RMSprop and Adam run side by side on the same problem.

A race keeps one copy of the parameters per optimizer, stacked along a leading axis of
length ``K``, and updates all ``K`` copies with one set of NumPy calls. That is what lets
the chapter widgets redraw four full training runs inside a slider move.

* :class:`OptimizerBank` holds the update rules (course notation, ``t`` counts from 1)::

      GD        θ ← θ − α g
      Momentum  v ← β1 v + (1 − β1) g;                 θ ← θ − α v
      RMSprop   s ← β2 s + (1 − β2) g²;                θ ← θ − α g / (√s + ε)
      Adam      v, s as above; v̂ = v/(1 − β1^t), ŝ = s/(1 − β2^t);  θ ← θ − α v̂ / (√ŝ + ε)

  and, for every rule, an optional decoupled weight decay ``θ ← θ − α λ θ`` (AdamW).
* :class:`Surface` and :data:`SURFACES`: 2-D test functions with analytic gradients;
  :func:`race_on_surface` runs the bank on one and reports the paths.
* :func:`race_on_data`: the same bank training ``K`` identical copies of a small
  ReLU network on ``X`` (``(n_x, m)``), with the same mini-batches for every copy.

A copy whose parameters become non-finite or huge is frozen and reported as diverged
(with the step), instead of filling the screen with overflow warnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .checks import (check_beta, check_int, check_matrix, check_positive, check_range)

OPTIMIZERS = ("GD", "Momentum", "RMSprop", "Adam")
_USES_V = {"GD": False, "Momentum": True, "RMSprop": False, "Adam": True}
_USES_S = {"GD": False, "Momentum": False, "RMSprop": True, "Adam": True}
_CORRECTS = {"GD": False, "Momentum": False, "RMSprop": False, "Adam": True}
BLOWUP = 1e6  # a coordinate this large means the run has left any sensible region


def _check_names(optimizers: Sequence[str]) -> tuple[str, ...]:
    names = tuple(optimizers)
    if not names:
        raise ValueError("optimizers must name at least one of " + ", ".join(OPTIMIZERS))
    for n in names:
        if n not in _USES_V:
            raise ValueError(f"optimizers must be among {OPTIMIZERS}, got {n!r}")
    return names


class OptimizerBank:
    """Several optimizers, one per row of every parameter array (leading axis ``K``).

    ``step(params, grads)`` updates ``params[k]`` in place with the rule of
    ``optimizers[k]`` (see the module docstring for the equations). ``weight_decay``
    (λ, decoupled as in AdamW) shrinks every row by ``α λ θ`` on top of its rule;
    ``lr`` may be changed between steps (a schedule), to one float or to an array with
    one α per row. Rows listed in ``frozen`` are not
    touched (a diverged run stays where it stopped). RMSprop rows average ``g²`` with
    ``beta_rms`` (default: ``beta2``, shared with Adam).
    """

    def __init__(self, optimizers: Sequence[str] = OPTIMIZERS, lr: float = 0.01,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                 weight_decay: float = 0.0, beta_rms: float | None = None):
        self.names = _check_names(optimizers)
        self.lr = check_positive("lr", lr)
        self.beta1 = check_beta("beta1", beta1)
        self.beta2 = check_beta("beta2", beta2)
        self.epsilon = check_positive("epsilon", epsilon)
        self.weight_decay = check_range("weight_decay", weight_decay, 0, None)
        self.beta_rms = beta2 if beta_rms is None else check_beta("beta_rms", beta_rms)
        K = len(self.names)
        self.t = 0
        self.v: dict = {}
        self.s: dict = {}
        self.frozen = np.zeros(K, dtype=bool)
        # per-row coefficients: a row without momentum uses β1 = 0 so that v is just g,
        # a row without RMS scaling divides by 1; moments nobody uses are not computed
        self._b1 = np.array([beta1 if _USES_V[n] else 0.0 for n in self.names])
        self._uses_s = np.array([_USES_S[n] for n in self.names], dtype=float)
        self._b2 = np.array([self.beta_rms if n == "RMSprop" else beta2 for n in self.names])
        self._corrects = np.array([_CORRECTS[n] for n in self.names])
        self._any_v = any(_USES_V[n] for n in self.names)
        self._any_s = bool(self._uses_s.any())

    def _rows(self, coeff, ndim: int) -> np.ndarray:
        return np.asarray(coeff).reshape((-1,) + (1,) * (ndim - 1))

    def direction(self, key: str, g: np.ndarray) -> np.ndarray:
        """Update the moments of ``key`` with gradient ``g`` and return the step
        direction (before ``α``): ``g``, ``v``, ``g/(√s+ε)`` or ``v̂/(√ŝ+ε)`` per row."""
        nd = g.ndim
        t = max(self.t, 1)
        out = g
        if self._any_v:
            b1 = self._rows(self._b1, nd)
            v = self.v.get(key)
            v = (1 - b1) * g if v is None else b1 * v + (1 - b1) * g
            self.v[key] = v
            # v̂ = v / (1 − β1^t) on the rows that correct, v elsewhere
            out = v * self._rows(np.where(self._corrects, 1 / (1 - self.beta1 ** t), 1.0), nd)
        if self._any_s:
            b2 = self._rows(self._b2, nd)
            s = self.s.get(key)
            s = (1 - b2) * g * g if s is None else b2 * s + (1 - b2) * g * g
            self.s[key] = s
            c2 = self._rows(np.where(self._corrects, 1 / (1 - self.beta2 ** t), 1.0), nd)
            u = self._rows(self._uses_s, nd)
            out = out / (u * (np.sqrt(s * c2) + self.epsilon) + (1 - u))
        return out

    def step(self, params: dict, grads: dict) -> None:
        """One step of every optimizer: ``θ ← θ − α (direction + λ θ)``, frozen rows kept."""
        self.t += 1
        keep = ~self.frozen
        lr = np.asarray(self.lr, dtype=float)
        for key, p in params.items():
            d = self.direction(key, grads["d" + key])
            if self.weight_decay:
                d = d + self.weight_decay * p
            # one α per optimizer when lr is an array (a schedule compared with a baseline)
            scale = self._rows(lr * keep, p.ndim)
            p -= scale * d


# ---------------------------------------------------------------- 2-D surfaces
@dataclass
class Surface:
    """A 2-D cost ``f(x, y)`` with its gradient, a default start and a plotting box.

    ``f`` and ``grad`` take arrays of any (matching) shape; ``grad`` returns
    ``(∂f/∂x, ∂f/∂y)``. ``minimum`` is the lowest value (for "distance to the minimum").
    """

    name: str
    f: Callable
    grad: Callable
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minimum: float = 0.0
    description: str = ""


def _elongated_f(x, y):
    return 0.5 * (0.1 * x ** 2 + 10.0 * y ** 2)


def _elongated_g(x, y):
    return 0.1 * x, 10.0 * y


def _rosen_f(x, y):
    return (1 - x) ** 2 + 10.0 * (y - x ** 2) ** 2


def _rosen_g(x, y):
    r = y - x ** 2
    return -2 * (1 - x) - 40.0 * x * r, 20.0 * r


def _saddle_f(x, y):
    return 0.5 * x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2


def _saddle_g(x, y):
    return x, y ** 3 - y


def _plateau_f(x, y):
    return 1.0 - np.exp(-(x ** 2 + 4.0 * y ** 2) / 4.0)


def _plateau_g(x, y):
    e = np.exp(-(x ** 2 + 4.0 * y ** 2) / 4.0)
    return 0.5 * x * e, 2.0 * y * e


def _sp_f(x, y):
    return 1.0 - np.exp(-0.5 * x ** 2) * (1.0 + 0.5 * y ** 2) + 0.25 * y ** 4


def _sp_g(x, y):
    e = np.exp(-0.5 * x ** 2)
    return x * e * (1.0 + 0.5 * y ** 2), y ** 3 - y * e


SURFACES = {
    "elongated quadratic": Surface(
        "elongated quadratic", _elongated_f, _elongated_g, (-9.0, 1.0), (-10, 10), (-2, 2),
        description="f = (0.1 x² + 10 y²)/2: curvature 100× larger across the valley than along it"),
    "Rosenbrock": Surface(
        "Rosenbrock", _rosen_f, _rosen_g, (-1.5, 2.0), (-2, 2), (-1, 3),
        description="f = (1 − x)² + 10 (y − x²)²: a curved valley, minimum at (1, 1)"),
    "saddle": Surface(
        "saddle", _saddle_f, _saddle_g, (2.0, 0.01), (-2.5, 2.5), (-1.6, 1.6), minimum=-0.25,
        description="f = x²/2 + y⁴/4 − y²/2: a saddle at (0, 0), minima at (0, ±1)"),
    "plateau": Surface(
        "plateau", _plateau_f, _plateau_g, (5.0, 2.0), (-6, 6), (-3, 3),
        description="f = 1 − exp(−(x² + 4y²)/4): almost flat far from the well"),
    "saddle + plateau": Surface(
        "saddle + plateau", _sp_f, _sp_g, (3.5, 0.01), (-5, 5), (-1.6, 1.6), minimum=-0.25,
        description="f = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4: a plateau (f ≈ 1) for |x| > 3, "
                    "a saddle at (0, 0) with f = 0, minima at (0, ±1) with f = −1/4"),
}


@dataclass
class RaceResult:
    """What a race on a surface produced, one row per optimizer.

    ``paths`` is ``(K, steps + 1, 2)`` (a diverged row repeats its last point),
    ``costs`` is ``(K, steps + 1)``, ``diverged_at[k]`` is the step at which row ``k``
    blew up (or ``None``).
    """

    names: tuple
    paths: np.ndarray
    costs: np.ndarray
    diverged_at: list = field(default_factory=list)

    def first_below(self, level: float) -> list:
        """For each optimizer, the first step ``t`` with ``f(θ_t) < level`` (or ``None``)."""
        out = []
        for row, stop in zip(self.costs, self.diverged_at):
            below = np.flatnonzero(row[: (stop if stop is not None else len(row))] < level)
            out.append(int(below[0]) if below.size else None)
        return out


def race_on_surface(surface: Surface | str, lr: float = 0.1, beta1: float = 0.9,
                    beta2: float = 0.999, steps: int = 200, epsilon: float = 1e-8,
                    optimizers: Sequence[str] = OPTIMIZERS, start=None,
                    beta_rms: float | None = None) -> RaceResult:
    """Run each optimizer from ``start`` for ``steps`` steps of ``θ ← θ − α·direction``
    on a 2-D surface. A row whose coordinates leave ``|θ| < 10⁶`` or become non-finite is
    frozen at its last point and reported in ``diverged_at``."""
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
        surface = SURFACES[surface]
    steps = check_int("steps", steps)
    bank = OptimizerBank(optimizers, lr, beta1, beta2, epsilon, beta_rms=beta_rms)
    K = len(bank.names)
    start = surface.start if start is None else start
    theta = {"P": np.tile(np.asarray(start, dtype=float), (K, 1))}
    paths = np.empty((K, steps + 1, 2))
    paths[:, 0] = theta["P"]
    diverged_at: list = [None] * K
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            P = theta["P"]
            gx, gy = surface.grad(P[:, 0], P[:, 1])
            g = np.stack([gx, gy], axis=1)
            g[bank.frozen] = 0.0
            bank.step(theta, {"dP": g})
            bad = ~np.all(np.isfinite(theta["P"]) & (np.abs(theta["P"]) < BLOWUP), axis=1)
            for k in np.flatnonzero(bad & ~bank.frozen):
                diverged_at[k] = t
                theta["P"][k] = paths[k, t - 1]
            bank.frozen |= bad
            paths[:, t] = theta["P"]
    costs = surface.f(paths[..., 0], paths[..., 1])
    return RaceResult(bank.names, paths, costs, diverged_at)


# ---------------------------------------------------------------- networks on data
def init_stack(layer_dims: Sequence[int], K: int, seed: int = 0, scale: float | None = None):
    """``K`` identical copies of a He-initialized network: ``W[l]`` is ``(K, n[l], n[l-1])``
    drawn as ``N(0, 2/n[l-1])`` (or ``N(0, scale²)`` if ``scale`` is given), ``b[l] = 0``."""
    dims = [check_int("layer_dims entry", n) for n in layer_dims]
    if len(dims) < 2:
        raise ValueError(f"layer_dims must have at least 2 entries, got {layer_dims!r}")
    K = check_int("K", K)
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        std = np.sqrt(2.0 / dims[l - 1]) if scale is None else check_positive("scale", scale)
        W = rng.standard_normal((dims[l], dims[l - 1])) * std
        params[f"W{l}"] = np.tile(W, (K, 1, 1))
        params[f"b{l}"] = np.zeros((K, dims[l], 1))
    return params


def forward_backward(params: dict, X: np.ndarray, Y: np.ndarray, hidden: str = "relu",
                     grads: bool = True):
    """Cost and gradients of ``K`` stacked binary classifiers at once.

    ``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = relu(Z[l])`` (or ``tanh``) for hidden layers,
    ``A[L] = σ(Z[L])``; ``J_k = −(1/m) Σ (y log a + (1 − y) log(1 − a))`` per copy ``k``.
    Backward: ``dZ[L] = (A[L] − Y)/m``, ``dW[l] = dZ[l] A[l-1]ᵀ``, ``db[l] = Σ dZ[l]``,
    ``dZ[l-1] = W[l]ᵀ dZ[l] ⊙ g'(Z[l-1])``. Returns ``(J (K,), grads or None)``.
    """
    L = len(params) // 2
    m = X.shape[1]
    A = X
    cache = [(None, X)]
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = Z if l == L else (np.maximum(Z, 0) if hidden == "relu" else np.tanh(Z))
        cache.append((Z, A))
    ZL = cache[-1][0]
    # log σ(z) = −log(1 + e^{−z}), written with logaddexp so no log(0) appears
    J = np.mean(Y * np.logaddexp(0, -ZL) + (1 - Y) * np.logaddexp(0, ZL), axis=(1, 2))
    if not grads:
        return J, None
    out = {}
    dZ = (0.5 * (1 + np.tanh(0.5 * ZL)) - Y) / m  # σ(z) via tanh: no overflow for large |z|
    for l in range(L, 0, -1):
        A_prev = cache[l - 1][1]
        out[f"dW{l}"] = dZ @ np.swapaxes(A_prev, -1, -2) if l > 1 else dZ @ A_prev.T
        out[f"db{l}"] = dZ.sum(axis=-1, keepdims=True)
        if l > 1:
            Zp, Ap = cache[l - 1]
            dA = np.swapaxes(params[f"W{l}"], -1, -2) @ dZ
            dZ = dA * (Zp > 0) if hidden == "relu" else dA * (1 - Ap ** 2)
    return J, out


def predict_stack(params: dict, X: np.ndarray, hidden: str = "relu") -> np.ndarray:
    """Labels ``1{Z[L] > 0}`` of every copy: ``(K, m)``."""
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = Z if l == L else (np.maximum(Z, 0) if hidden == "relu" else np.tanh(Z))
    return (A[:, 0, :] > 0).astype(int)


@dataclass
class DataRace:
    """A race on data. ``epoch_costs`` is ``(K, epochs + 1)``: the full-batch cost before
    training and after each epoch; ``batch_costs`` is ``(K, iterations)``, the cost of each
    mini-batch before its step; ``lrs`` the α used at each iteration; ``params`` the final
    stacked parameters; ``diverged_at[k]`` the iteration where copy ``k`` blew up, or None.
    ``lrs`` is ``(K, iterations)``: the α each copy used at each step."""

    names: tuple
    epoch_costs: np.ndarray
    batch_costs: np.ndarray
    lrs: np.ndarray
    params: dict
    accuracy: np.ndarray
    diverged_at: list


def race_on_data(X, Y, layer_dims: Sequence[int] = (2, 16, 8, 1),
                 optimizers: Sequence[str] = OPTIMIZERS, lr: float = 0.01,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                 epochs: int = 50, mini_batch_size: int = 64, seed: int = 0,
                 weight_decay: float = 0.0, lambd: float = 0.0,
                 schedule: Callable[[int, int], float] | None = None,
                 hidden: str = "relu", init_scale: float | None = None,
                 beta_rms: float | None = None) -> DataRace:
    """Train one copy of the same network per optimizer on ``X (n_x, m)``, ``Y (1, m)``.

    Every copy starts from the same weights and sees the same shuffled mini-batches, so
    the only difference is the update rule. ``lambd`` adds the L2 term ``(λ/2m)‖W‖²``
    to the cost's gradient (``dW += λ W / m``); ``weight_decay`` decays decoupled.
    ``schedule(epoch, iteration) -> α`` (both counted from 0) overrides ``lr`` per step;
    it may return one α per optimizer (an array of length ``K``). ``init_scale`` replaces
    He initialization by ``N(0, init_scale²)`` weights; ``beta_rms`` is RMSprop's β
    (default ``beta2``).
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, rows=1, cols=X.shape[1])
    epochs = check_int("epochs", epochs)
    mini_batch_size = check_int("mini_batch_size", mini_batch_size)
    check_range("lambd", lambd, 0, None)
    if hidden not in ("relu", "tanh"):
        raise ValueError(f"hidden must be 'relu' or 'tanh', got {hidden!r}")
    names = _check_names(optimizers)
    K = len(names)
    if layer_dims[0] != X.shape[0] or layer_dims[-1] != 1:
        raise ValueError(f"layer_dims must start with n_x={X.shape[0]} and end with 1, "
                         f"got {tuple(layer_dims)}")
    params = init_stack(layer_dims, K, seed=seed, scale=init_scale)
    bank = OptimizerBank(names, lr, beta1, beta2, epsilon, weight_decay, beta_rms=beta_rms)
    m = X.shape[1]
    rng = np.random.default_rng(seed + 1)
    n_batches = -(-m // mini_batch_size)
    epoch_costs = np.full((K, epochs + 1), np.nan)
    batch_costs = np.full((K, epochs * n_batches), np.nan)
    lrs = np.empty((K, epochs * n_batches))
    diverged_at: list = [None] * K
    epoch_costs[:, 0] = forward_backward(params, X, Y, hidden, grads=False)[0]
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            order = rng.permutation(m)
            for b in range(n_batches):
                idx = order[b * mini_batch_size:(b + 1) * mini_batch_size]
                J, grads = forward_backward(params, X[:, idx], Y[:, idx], hidden)
                if lambd:
                    for key in params:
                        if key[0] == "W":
                            grads["d" + key] = grads["d" + key] + lambd / m * params[key]
                batch_costs[:, it] = J
                bank.lr = lr if schedule is None else schedule(epoch, it)
                lrs[:, it] = bank.lr
                it += 1
                snapshot = {k: v.copy() for k, v in params.items()}
                bank.step(params, grads)
                bad = np.zeros(K, dtype=bool)
                for v in params.values():
                    bad |= ~np.all(np.isfinite(v) & (np.abs(v) < BLOWUP), axis=tuple(range(1, v.ndim)))
                for k in np.flatnonzero(bad & ~bank.frozen):
                    diverged_at[k] = it
                    for key in params:
                        params[key][k] = snapshot[key][k]
                bank.frozen |= bad
            epoch_costs[:, epoch + 1] = forward_backward(params, X, Y, hidden, grads=False)[0]
    for k, stop in enumerate(diverged_at):
        if stop is not None:
            e = (stop - 1) // n_batches + 1
            epoch_costs[k, e:] = np.nan
            batch_costs[k, stop:] = np.nan
    acc = (predict_stack(params, X, hidden) == Y).mean(axis=1)
    return DataRace(names, epoch_costs, batch_costs, lrs, params, acc, diverged_at)
