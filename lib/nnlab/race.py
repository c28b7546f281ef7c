"""Optimizer races: GD, momentum, RMSprop and Adam run side by side on the same problem.

A race adds nothing to the update rules, the surfaces or the network: every contestant
is an optimizer object of :mod:`nnlab.optimizers` (GD is :class:`~nnlab.optimizers.SGD`),
a race on a surface runs :func:`nnlab.surfaces.run_optimizer` once per contestant, and a
race on data trains one :class:`nnlab.model.Network` per contestant. What this module
adds is the bookkeeping of running several contestants on the same problem:

* :func:`make_optimizers` builds the contestants from names and shared hyperparameters
  (β1 drives momentum and Adam's first moment, β2 Adam's second moment and, unless
  ``beta_rms`` is given, RMSprop's average);
* :func:`race_on_surface` collects the paths on a 2-D surface into one
  :class:`RaceResult` (arrays of equal length, ready to plot);
* :func:`race_on_data` trains the networks from the same initial weights on the same
  mini-batches (those of ``nnlab.train.train`` with the same ``seed``), with an optional
  α per iteration and per contestant, and collects the costs into a :class:`DataRace`
  (:func:`join_races` puts the rows of several races side by side).

A contestant that diverges is frozen at its last good point (or parameters) and its
step is reported in ``diverged_at``, instead of stopping the race or filling the screen
with overflow warnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from .checks import check_int, check_matrix, check_range
from .minibatch import random_mini_batches
from .model import Network
from .optimizers import SGD, Adam, Momentum, Optimizer, RMSprop
from .surfaces import SURFACES, Surface, run_optimizer

OPTIMIZERS = ("GD", "Momentum", "RMSprop", "Adam")
MAX_COST = 1e8  # as in nnlab.train.train: a cost this large means the run blew up


def make_optimizers(optimizers: Sequence[str] = OPTIMIZERS, lr: float = 0.01,
                    beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                    beta_rms: float | None = None) -> list[Optimizer]:
    """One new optimizer per name (names may repeat), all with the same α:

    ``"GD"`` → ``SGD(lr)``; ``"Momentum"`` → ``Momentum(lr, beta=beta1)``;
    ``"RMSprop"`` → ``RMSprop(lr, beta=beta_rms or beta2, epsilon)``;
    ``"Adam"`` → ``Adam(lr, beta1, beta2, epsilon)``.
    """
    names = tuple(optimizers)
    if not names:
        raise ValueError("optimizers must name at least one of " + ", ".join(OPTIMIZERS))
    b_rms = beta2 if beta_rms is None else beta_rms
    build = {"GD": lambda: SGD(lr=lr),
             "Momentum": lambda: Momentum(lr=lr, beta=beta1),
             "RMSprop": lambda: RMSprop(lr=lr, beta=b_rms, epsilon=epsilon),
             "Adam": lambda: Adam(lr=lr, beta1=beta1, beta2=beta2, epsilon=epsilon)}
    out = []
    for n in names:
        if n not in build:
            raise ValueError(f"optimizers must be among {OPTIMIZERS}, got {n!r}")
        out.append(build[n]())
    return out


def _contestants(optimizers, **hyper) -> tuple[tuple, list]:
    """``(names, optimizer objects)`` from names (built by :func:`make_optimizers`) or
    from a mapping ``{label: optimizer}`` used as it is."""
    if isinstance(optimizers, Mapping):
        if not optimizers:
            raise ValueError("optimizers must hold at least one optimizer")
        for label, opt in optimizers.items():
            if not isinstance(opt, Optimizer):
                raise ValueError(f"optimizers[{label!r}] must be an nnlab.optimizers "
                                 f"optimizer, got {type(opt).__name__}")
        return tuple(optimizers), list(optimizers.values())
    names = tuple(optimizers)
    return names, make_optimizers(names, **hyper)


# ---------------------------------------------------------------- 2-D surfaces
@dataclass
class RaceResult:
    """What a race on a surface produced, one row per contestant.

    ``paths`` is ``(K, steps + 1, 2)`` (a diverged row repeats its last point inside the
    box), ``costs`` is ``(K, steps + 1)``, ``diverged_at[k]`` is the step at which row
    ``k`` blew up (or ``None``); ``runs`` holds the :class:`nnlab.surfaces.Path` of each
    contestant as :func:`~nnlab.surfaces.run_optimizer` returned it.
    """

    names: tuple
    paths: np.ndarray
    costs: np.ndarray
    diverged_at: list = field(default_factory=list)
    runs: list = field(default_factory=list)

    def first_below(self, level: float) -> list:
        """For each contestant, the first step ``t`` with ``f(θ_t) < level`` (or ``None``)."""
        out = []
        for row, stop in zip(self.costs, self.diverged_at):
            below = np.flatnonzero(row[: (stop if stop is not None else len(row))] < level)
            out.append(int(below[0]) if below.size else None)
        return out


def race_on_surface(surface: Surface | str, lr: float = 0.1, beta1: float = 0.9,
                    beta2: float = 0.999, steps: int = 200, epsilon: float = 1e-8,
                    optimizers: Sequence[str] | Mapping[str, Optimizer] = OPTIMIZERS,
                    start=None, beta_rms: float | None = None) -> RaceResult:
    """Run each contestant from ``start`` (default: the surface's) for ``steps`` steps
    with :func:`nnlab.surfaces.run_optimizer`, i.e. ``θ ← optimizer.step(θ, ∇f(θ))``.

    ``surface`` is a :class:`~nnlab.surfaces.Surface` or a key of
    :data:`nnlab.surfaces.SURFACES`; ``optimizers`` names of :data:`OPTIMIZERS` (built
    by :func:`make_optimizers` with ``lr``, ``beta1``, ``beta2``, ``epsilon``,
    ``beta_rms``) or a mapping ``{label: optimizer}``. A run that leaves
    ``|θ| <= nnlab.surfaces.LIMIT`` is frozen at its last point inside and reported in
    ``diverged_at``.
    """
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
        surface = SURFACES[surface]
    steps = check_int("steps", steps)
    names, opts = _contestants(optimizers, lr=lr, beta1=beta1, beta2=beta2,
                               epsilon=epsilon, beta_rms=beta_rms)
    K = len(names)
    paths = np.empty((K, steps + 1, 2))
    costs = np.empty((K, steps + 1))
    diverged_at: list = [None] * K
    runs = []
    for k, opt in enumerate(opts):
        run = run_optimizer(surface, opt, start=start, steps=steps)
        runs.append(run)
        n = run.diverged_at if run.diverged else len(run.points)  # points inside the box
        paths[k, :n] = run.points[:n]
        paths[k, n:] = run.points[n - 1]
        costs[k, :n] = run.values[:n]
        costs[k, n:] = run.values[n - 1]
        diverged_at[k] = run.diverged_at
    return RaceResult(names, paths, costs, diverged_at, runs)


# ---------------------------------------------------------------- networks on data
@dataclass
class DataRace:
    """A race on data, one row per contestant.

    ``epoch_costs`` is ``(K, epochs + 1)``: the full-batch cost ``net.loss(X, Y)`` before
    training and after each epoch (NaN from the epoch a run diverged in); ``batch_costs``
    is ``(K, iterations)``, the cost of each mini-batch before its step; ``lrs`` is
    ``(K, iterations)``, the α each contestant used at each step; ``nets`` the trained
    :class:`~nnlab.model.Network` of each contestant (a diverged one holds its last
    finite parameters); ``optimizers`` their optimizer objects; ``accuracy`` the final
    training accuracy; ``diverged_at[k]`` the iteration (counted from 1) at which
    contestant ``k`` blew up, or ``None``.
    """

    names: tuple
    epoch_costs: np.ndarray
    batch_costs: np.ndarray
    lrs: np.ndarray
    nets: list
    optimizers: list
    accuracy: np.ndarray
    diverged_at: list


def join_races(*races: DataRace) -> DataRace:
    """One :class:`DataRace` holding the rows of ``races`` in order (runs of the same
    length on the same data, e.g. a cached baseline next to a new contestant)."""
    if not races:
        raise ValueError("races must hold at least one DataRace")
    shapes = {r.batch_costs.shape[1] for r in races}
    epochs = {r.epoch_costs.shape[1] for r in races}
    if len(shapes) != 1 or len(epochs) != 1:
        raise ValueError("races must have the same number of epochs and iterations, got "
                         f"{sorted(epochs)} epochs + 1 and {sorted(shapes)} iterations")
    return DataRace(sum((r.names for r in races), ()),
                    np.vstack([r.epoch_costs for r in races]),
                    np.vstack([r.batch_costs for r in races]),
                    np.vstack([r.lrs for r in races]),
                    sum((r.nets for r in races), []),
                    sum((r.optimizers for r in races), []),
                    np.concatenate([r.accuracy for r in races]),
                    sum((r.diverged_at for r in races), []))


def _freeze(net: Network, backup: dict) -> None:
    """Put back the parameters saved before the step that blew up."""
    for key, p in net.params.items():
        np.copyto(p, backup[key])


def race_on_data(X, Y, layer_dims: Sequence[int] = (2, 16, 8, 1),
                 optimizers: Sequence[str] | Mapping[str, Optimizer] = OPTIMIZERS,
                 lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, epochs: int = 50, mini_batch_size: int = 64,
                 seed: int = 0, lambd: float = 0.0,
                 schedule: Callable[[int, int], float] | None = None,
                 hidden: str = "relu", init: str = "he", init_scale: float = 0.01,
                 beta_rms: float | None = None) -> DataRace:
    """Train one ``Network(layer_dims, hidden, init=init, init_scale=init_scale,
    lambd=lambd, seed=seed)`` per contestant on ``X (n_x, m)``, ``Y (1, m)``.

    Every network starts from the same weights and, epoch ``e``, sees the mini-batches
    ``random_mini_batches(X, Y, mini_batch_size, seed + e)``: the loop of
    :func:`nnlab.train.train` with the same ``seed``, so the only difference is the
    update rule. Each step is ``J, grads = net.loss_and_grads(X_t, Y_t)`` then
    ``optimizer.step(net.params, grads)``. ``schedule(epoch, iteration) -> α`` (both
    counted from 0) sets ``optimizer.lr`` before every step; it may return one α per
    contestant (an array of length ``K``); a contestant given ``α = 0`` skips that step.
    When a contestant's cost becomes NaN/inf or exceeds ``MAX_COST`` (the test of
    ``train``), the step before is the one that blew up: its parameters are put back to
    what they were before that step, and the step is reported in ``diverged_at``.
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, rows=1, cols=X.shape[1])
    epochs = check_int("epochs", epochs)
    mini_batch_size = check_int("mini_batch_size", mini_batch_size)
    check_range("lambd", lambd, 0, None)
    if hidden not in ("relu", "tanh"):
        raise ValueError(f"hidden must be 'relu' or 'tanh', got {hidden!r}")
    if layer_dims[0] != X.shape[0] or layer_dims[-1] != 1:
        raise ValueError(f"layer_dims must start with n_x={X.shape[0]} and end with 1, "
                         f"got {tuple(layer_dims)}")
    names, opts = _contestants(optimizers, lr=lr, beta1=beta1, beta2=beta2,
                               epsilon=epsilon, beta_rms=beta_rms)
    K = len(names)
    nets = [Network(layer_dims, hidden=hidden, init=init, init_scale=init_scale,
                    lambd=lambd, seed=seed) for _ in range(K)]
    rngs = [np.random.default_rng(seed) for _ in range(K)]  # dropout masks, as in train
    for opt in opts:
        opt.reset()
    backups = [{key: p.copy() for key, p in net.params.items()} for net in nets]
    m = X.shape[1]
    n_batches = -(-m // mini_batch_size)
    epoch_costs = np.full((K, epochs + 1), np.nan)
    batch_costs = np.full((K, epochs * n_batches), np.nan)
    lrs = np.empty((K, epochs * n_batches))
    diverged_at: list = [None] * K
    last_step = [0] * K  # the iteration of each contestant's latest step
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        epoch_costs[:, 0] = [net.loss(X, Y) for net in nets]
        for epoch in range(epochs):
            for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, seed=seed + epoch):
                alphas = np.broadcast_to(
                    np.asarray(lr if schedule is None else schedule(epoch, it), dtype=float),
                    (K,))
                lrs[:, it] = alphas
                it += 1
                for k in range(K):
                    if diverged_at[k] is not None:
                        continue
                    net, opt, backup = nets[k], opts[k], backups[k]
                    J, grads = net.loss_and_grads(X_t, Y_t, rng=rngs[k])
                    if not J <= MAX_COST:  # NaN, inf or huge: the previous step blew up
                        _freeze(net, backup)
                        diverged_at[k] = last_step[k]
                        continue
                    batch_costs[k, it - 1] = J
                    if alphas[k] <= 0:
                        continue
                    for key, p in net.params.items():
                        np.copyto(backup[key], p)
                    opt.lr = alphas[k]
                    opt.step(net.params, grads)
                    last_step[k] = it
            for k, net in enumerate(nets):
                if diverged_at[k] is None:
                    J = net.loss(X, Y)
                    if J <= MAX_COST:
                        epoch_costs[k, epoch + 1] = J
                    else:
                        _freeze(net, backups[k])
                        diverged_at[k] = last_step[k]
                        batch_costs[k, last_step[k]:] = np.nan
    acc = np.array([net.accuracy(X, Y) for net in nets])
    return DataRace(names, epoch_costs, batch_costs, lrs, nets, opts, acc, diverged_at)
