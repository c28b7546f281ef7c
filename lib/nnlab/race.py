"""Optimizer races: GD, momentum, RMSprop and Adam run side by side on the same problem.

A race adds nothing to the update rules, the surfaces or the network: every contestant
is an optimizer object of :mod:`nnlab.optimizers` (GD is :class:`~nnlab.optimizers.SGD`),
a race on a surface runs :func:`nnlab.surfaces.run_optimizer` once per contestant, and a
race on data trains one :class:`nnlab.model.Network` per contestant. What this module
adds is the bookkeeping of running several contestants on the same problem:

* :func:`make_optimizers` builds the contestants from names of the one registry
  :data:`nnlab.optimizers.OPTIMIZERS` and shared hyperparameters (β1 drives momentum,
  Nesterov and Adam's first moment, β2 Adam's second moment and, unless ``beta_rms`` is
  given, RMSprop's average);
* :func:`race_on_surface` collects the paths on a 2-D surface into one
  :class:`RaceResult` (arrays of equal length, ready to plot);
* :func:`race_on_data` runs :func:`nnlab.train.train` once per contestant with the
  same ``seed`` (same initial weights, same mini-batches), with an optional α per
  iteration and per contestant, and collects the costs into a :class:`DataRace`
  (:func:`join_races` puts the rows of several races side by side).

A contestant that diverges is frozen at its last good point (or parameters) and its
step is reported in ``diverged_at``, instead of stopping the race or filling the screen
with overflow warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nnlab.checks import (
    MAX_INT,
    check_array,
    check_beta,
    check_callable,
    check_int,
    check_matrix,
    check_option,
    check_positive,
    check_range,
    check_seed,
)
from nnlab.model import Network
from nnlab.optimizers import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
)
from nnlab.schedules import CLOCKS
from nnlab.surfaces import SURFACES, Surface, run_optimizer
from nnlab.train import train

CONTESTANTS = ("GD", "Momentum", "RMSprop", "Adam")
"""The default contestants: four names of :data:`nnlab.optimizers.OPTIMIZERS`."""


def make_optimizers(
    optimizers: Sequence[str] = CONTESTANTS,
    lr: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    beta_rms: float | None = None,
) -> list[Optimizer]:
    """One new optimizer per name of :data:`nnlab.optimizers.OPTIMIZERS` (names may
    repeat), all with the same α:

    ``"GD"`` → ``SGD(lr)``; ``"Momentum"``/``"Nesterov"`` → ``Momentum(lr, beta=beta1)``
    / ``Nesterov(…)``; ``"RMSprop"`` → ``RMSprop(lr, beta=beta_rms or beta2, epsilon)``;
    ``"Adam"`` → ``Adam(lr, beta1, beta2, epsilon)``; ``"AdamW"`` likewise, with its
    default ``weight_decay``.
    """
    _check_hyper(lr, beta1, beta2, epsilon, beta_rms)
    if isinstance(optimizers, (str, bytes)) or not hasattr(optimizers, "__iter__"):
        raise ValueError(
            f"optimizers must be a list of names among {OPTIMIZERS}, got {optimizers!r}"
        )
    names = tuple(optimizers)
    if not names:
        raise ValueError("optimizers must name at least one of " + ", ".join(OPTIMIZERS))
    b_rms = beta2 if beta_rms is None else beta_rms
    adam = {"beta1": beta1, "beta2": beta2, "epsilon": epsilon}
    shared = {
        SGD: {},
        Momentum: {"beta": beta1},
        Nesterov: {"beta": beta1},
        RMSprop: {"beta": b_rms, "epsilon": epsilon},
        Adam: adam,
        AdamW: adam,
    }
    out = []
    for n in names:
        if n not in OPTIMIZERS:
            raise ValueError(f"optimizers must be among {tuple(OPTIMIZERS)}, got {n!r}")
        out.append(OPTIMIZERS[n](lr=lr, **shared[OPTIMIZERS[n]]))
    return out


def _check_hyper(lr, beta1, beta2, epsilon, beta_rms):
    """The shared hyperparameters, checked under the names the caller typed (an optimizer
    would name its own: Momentum's ``beta`` is the race's ``beta1``)."""
    check_positive("lr", lr)
    check_beta("beta1", beta1)
    check_beta("beta2", beta2)
    check_positive("epsilon", epsilon)
    if beta_rms is not None:
        check_beta("beta_rms", beta_rms)


def _contestants(optimizers, **hyper) -> tuple[tuple, list]:
    """``(names, optimizer objects)`` from names (built by :func:`make_optimizers`) or
    from a mapping ``{label: optimizer}`` used as it is."""
    _check_hyper(**hyper)
    if not isinstance(optimizers, Mapping) and (
        isinstance(optimizers, (str, bytes)) or not hasattr(optimizers, "__iter__")
    ):
        raise ValueError(
            f"optimizers must be names among {OPTIMIZERS} or a mapping "
            f"{{label: optimizer}}, got {optimizers!r}"
        )
    if isinstance(optimizers, Mapping):
        if not optimizers:
            raise ValueError("optimizers must hold at least one optimizer")
        for label, opt in optimizers.items():
            if not isinstance(opt, Optimizer):
                raise ValueError(
                    f"optimizers[{label!r}] must be an nnlab.optimizers "
                    f"optimizer, got {type(opt).__name__}"
                )
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

    def valid(self, k: int, rows: np.ndarray) -> np.ndarray:
        """Row ``k`` of ``rows`` (``paths``, ``costs`` or anything indexed alike) up to the
        step where contestant ``k`` diverged: what is worth drawing."""
        stop = self.diverged_at[k]
        return rows[k, : (stop if stop is not None else rows.shape[1])]

    def first_below(self, level: float) -> list:
        """For each contestant, the first step ``t`` with ``f(θ_t) < level`` (or ``None``)."""
        out = []
        for k in range(len(self.names)):
            below = np.flatnonzero(self.valid(k, self.costs) < level)
            out.append(int(below[0]) if below.size else None)
        return out


def race_on_surface(
    surface: Surface | str,
    lr: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.999,
    steps: int = 200,
    epsilon: float = 1e-8,
    optimizers: Sequence[str] | Mapping[str, Optimizer] = CONTESTANTS,
    start=None,
    beta_rms: float | None = None,
) -> RaceResult:
    """Run each contestant from ``start`` (default: the surface's) for ``steps`` steps
    with :func:`nnlab.surfaces.run_optimizer`, i.e. ``θ ← optimizer.step(θ, ∇f(θ))``.

    ``surface`` is a :class:`~nnlab.surfaces.Surface` or a key of
    :data:`nnlab.surfaces.SURFACES`; ``optimizers`` names of
    :data:`nnlab.optimizers.OPTIMIZERS` (built by :func:`make_optimizers` with ``lr``,
    ``beta1``, ``beta2``, ``epsilon``, ``beta_rms``) or a mapping ``{label: optimizer}``. A run that leaves
    ``|θ| <= nnlab.surfaces.LIMIT`` is frozen at its last point inside and reported in
    ``diverged_at``.
    """
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
        surface = SURFACES[surface]
    if not isinstance(surface, Surface):
        raise ValueError(f"surface must be a Surface or one of {list(SURFACES)}, got {surface!r}")
    steps = check_int("steps", steps)
    if start is not None:
        check_array("start", start, shape=(2,))
    names, opts = _contestants(
        optimizers, lr=lr, beta1=beta1, beta2=beta2, epsilon=epsilon, beta_rms=beta_rms
    )
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
    training and after each epoch (``[history.initial_cost] + history.train_costs``; NaN
    from the epoch a run diverged in); ``batch_costs`` is ``(K, iterations)``, the cost of
    each mini-batch before its step (``history.costs``; NaN from the divergence on);
    ``lrs`` is ``(K, iterations)``, the α each contestant was given at each step (0: the
    step was skipped); ``nets`` the trained :class:`~nnlab.model.Network` of each
    contestant (a diverged one holds its parameters from before the step that blew up);
    ``optimizers`` their optimizer objects; ``accuracy`` the final training accuracy;
    ``diverged_at[k]`` the iteration (counted from 1) at which contestant ``k`` blew up,
    or ``None``; ``histories`` the :class:`~nnlab.train.History` that
    :func:`nnlab.train.train` returned for each (``message`` says why a run stopped).
    """

    names: tuple
    epoch_costs: np.ndarray
    batch_costs: np.ndarray
    lrs: np.ndarray
    nets: list
    optimizers: list
    accuracy: np.ndarray
    diverged_at: list
    histories: list = field(default_factory=list)


def join_races(*races: DataRace) -> DataRace:
    """One :class:`DataRace` holding the rows of ``races`` in order (runs of the same
    length on the same data, e.g. a cached baseline next to a new contestant)."""
    if not races:
        raise ValueError("races must hold at least one DataRace")
    shapes = {r.batch_costs.shape[1] for r in races}
    epochs = {r.epoch_costs.shape[1] for r in races}
    if len(shapes) != 1 or len(epochs) != 1:
        raise ValueError(
            "races must have the same number of epochs and iterations, got "
            f"{sorted(epochs)} epochs + 1 and {sorted(shapes)} iterations"
        )
    return DataRace(
        sum((r.names for r in races), ()),
        np.vstack([r.epoch_costs for r in races]),
        np.vstack([r.batch_costs for r in races]),
        np.vstack([r.lrs for r in races]),
        sum((r.nets for r in races), []),
        sum((r.optimizers for r in races), []),
        np.concatenate([r.accuracy for r in races]),
        sum((r.diverged_at for r in races), []),
        sum((r.histories for r in races), []),
    )


class _LastGoodStep:
    """A ``step_callback`` for :func:`nnlab.train.train` that keeps the parameters from
    before the latest update (two buffers, swapped after every update), so that a run
    which blows up can be put back to where it was before the step that did it."""

    def __init__(self, net: Network, optimizer: Optimizer):
        self.optimizer = optimizer
        self.before = {key: p.copy() for key, p in net.params.items()}
        self.after = {key: p.copy() for key, p in net.params.items()}
        self.steps_seen = optimizer.t
        self.last_step = 0  # the latest update, counted from 1 (0: none yet)

    def __call__(self, iteration: int, net: Network, history) -> None:
        if self.optimizer.t == self.steps_seen:  # α = 0: no update at this iteration
            return
        self.steps_seen = self.optimizer.t
        self.before, self.after = self.after, self.before
        for key, p in net.params.items():
            np.copyto(self.after[key], p)
        self.last_step = iteration + 1

    def restore(self, net: Network) -> None:
        """Put back the parameters from before the latest update."""
        for key, p in net.params.items():
            np.copyto(p, self.before[key])


def race_on_data(
    X,
    Y,
    layer_dims: Sequence[int] = (2, 16, 8, 1),
    optimizers: Sequence[str] | Mapping[str, Optimizer] = CONTESTANTS,
    lr: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    epochs: int = 50,
    mini_batch_size: int = 64,
    seed: int = 0,
    lambd: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    hidden: str = "relu",
    init: str = "he",
    init_scale: float = 0.01,
    beta_rms: float | None = None,
    schedule_every: str = "epoch",
) -> DataRace:
    """Train one ``Network(layer_dims, hidden, init=init, init_scale=init_scale,
    lambd=lambd, seed=seed)`` per contestant on ``X (n_x, m)``, ``Y (1, m)``.

    Each contestant is one call of :func:`nnlab.train.train` with the same ``seed``:
    every network starts from the same weights and, epoch ``e``, sees the mini-batches
    ``random_mini_batches(X, Y, mini_batch_size, seed + e)``, so the only difference is
    the update rule. Contestants given by name use ``lr`` (see :func:`make_optimizers`),
    a mapping's optimizers their own ``lr``. A ``schedule`` (``t -> α``, see
    :mod:`nnlab.schedules`) gives the α of every step instead, as in ``train``: ``t`` is
    the epoch (counted from 0), or the iteration with ``schedule_every="iteration"``;
    it may return one α per contestant (an array of length ``K``), and ``α = 0`` skips
    that step.
    A contestant whose cost becomes NaN/inf or exceeds ``nnlab.train.MAX_COST`` is stopped there
    (``on_divergence="stop"``): the step before is the one that blew up, its parameters
    are put back to what they were before that step, and the step is reported in
    ``diverged_at``.
    """
    X = check_matrix("X", X)
    Y = check_matrix("Y", Y, rows=1, cols=X.shape[1], like="X")
    epochs = check_int("epochs", epochs)
    mini_batch_size = check_int("mini_batch_size", mini_batch_size)
    check_range("lambd", lambd, 0, None)
    check_option("hidden", hidden, ("relu", "tanh"))
    seed = check_seed("seed", seed)
    check_positive("init_scale", init_scale)
    if schedule is not None:
        check_callable("schedule", schedule, "a function (epoch, iteration) -> lr")
    if (
        isinstance(layer_dims, (str, bytes))
        or not hasattr(layer_dims, "__len__")
        or len(layer_dims) < 2
    ):
        raise ValueError(f"layer_dims must list the layer sizes [n_x, …, 1], got {layer_dims!r}")
    if layer_dims[0] != X.shape[0] or layer_dims[-1] != 1:
        raise ValueError(
            f"layer_dims must start with n_x={X.shape[0]} and end with 1, got {tuple(layer_dims)}"
        )
    names, opts = _contestants(
        optimizers, lr=lr, beta1=beta1, beta2=beta2, epsilon=epsilon, beta_rms=beta_rms
    )
    K = len(names)
    m = X.shape[1]
    per_epoch = -(-m // mini_batch_size)  # ⌈m / s⌉ mini-batches
    n_iter = epochs * per_epoch
    check_option("schedule_every", schedule_every, CLOCKS)
    if n_iter > MAX_INT:
        raise ValueError(
            f"epochs = {epochs} makes {n_iter} iterations of {per_epoch} "
            f"mini-batches; keep epochs * ⌈m / mini_batch_size⌉ <= {MAX_INT}"
        )
    if schedule is None:
        lrs = np.repeat([[opt.lr] for opt in opts], n_iter, axis=1)
    else:
        # α of every iteration, so that each contestant may get its own (train then
        # reads them back one iteration at a time)
        lrs = np.empty((K, n_iter))
        for it in range(n_iter):
            t = it if schedule_every == "iteration" else it // per_epoch
            lrs[:, it] = np.broadcast_to(np.asarray(schedule(t), dtype=float), (K,))
    epoch_costs = np.full((K, epochs + 1), np.nan)
    batch_costs = np.full((K, n_iter), np.nan)
    nets, histories, diverged_at = [], [], []
    for k, opt in enumerate(opts):
        opt.reset()
        net = Network(
            layer_dims, hidden=hidden, init=init, init_scale=init_scale, lambd=lambd, seed=seed
        )
        last_good = _LastGoodStep(net, opt)
        h = train(
            net,
            X,
            Y,
            opt,
            epochs=epochs,
            mini_batch_size=mini_batch_size,
            seed=seed,
            schedule=None if schedule is None else lrs[k].__getitem__,
            schedule_every="iteration",
            on_divergence="stop",
            step_callback=last_good,
        )
        costs = [h.initial_cost] + h.train_costs
        epoch_costs[k, : len(costs)] = costs
        batch_costs[k, : len(h.costs)] = h.costs
        if h.diverged:
            last_good.restore(net)
            diverged_at.append(last_good.last_step)
            batch_costs[k, last_good.last_step :] = np.nan  # measured after the bad step
        else:
            diverged_at.append(None)
        nets.append(net)
        histories.append(h)
    acc = np.array(
        [
            h.train_acc[-1] if not h.diverged else net.accuracy(X, Y)
            for net, h in zip(nets, histories)
        ]
    )
    return DataRace(names, epoch_costs, batch_costs, lrs, nets, opts, acc, diverged_at, histories)
