"""Hyperparameter search: sample on the right scale, try at random, then zoom in.

Three ideas from the course, in code:

* **Pick the scale.** A learning rate between 0.0001 and 1 should be drawn on a log
  scale (:func:`log_uniform`): each decade gets the same share of trials. A β between
  0.9 and 0.999 should be drawn so that ``1 − β`` is log-uniform (:func:`sample_beta`),
  because the average covers about ``1/(1 − β)`` steps and that is what matters.
* **Random beats grid.** With ``n`` trials a grid tries only ``n^(1/d)`` values of each
  of ``d`` hyperparameters; random trials try ``n`` distinct values of every one, which
  pays off when only some of the hyperparameters matter (:func:`random_search`,
  :func:`grid_search`).
* **Coarse to fine.** Search the whole box, then a smaller box around the best trial,
  and so on (:func:`coarse_to_fine`).

The search space maps each hyperparameter name to a :class:`Param`; the objective is
called as ``objective(**values)`` and returns a score. **Lower scores are better by
default** (a dev-set error or cost); pass ``maximize=True`` for an accuracy. A trial
whose objective raises :class:`~nnlab.checks.DivergenceError` or returns NaN/inf gets
the worst possible score instead of stopping the search.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from nnlab.checks import (
    MAX_INT,
    DivergenceError,
    as_rng,
    check_bool,
    check_callable,
    check_int,
    check_number,
    check_option,
    check_range,
    check_seed,
)

SCALES = ("linear", "log", "beta", "int")


def _size(size):
    return None if size is None else check_int("size", size, low=0)


def log_uniform(low: float, high: float, size: int | None = None, rng=None):
    """Values spread evenly over decades: ``r ~ U[log10 low, log10 high]``, value ``10^r``.

    ``log_uniform(1e-4, 1, 1000)`` puts about 250 values in each of [1e-4, 1e-3],
    [1e-3, 1e-2], [1e-2, 1e-1] and [1e-1, 1]; a linear draw would put 900 in the last.
    ``0 < low < high``; ``rng`` is a ``np.random.Generator`` or an int seed (default 0).
    """
    check_range("low", low, 0, None, low_open=True)
    check_range("high", high, low, None, low_open=True)
    r = as_rng(rng).uniform(math.log10(low), math.log10(high), _size(size))
    return 10.0**r


def sample_beta(low: float = 0.9, high: float = 0.999, size: int | None = None, rng=None):
    """Averaging coefficients ``β`` in [low, high] with ``1 − β`` log-uniform:
    ``r ~ U[log10(1 − high), log10(1 − low)]``, ``β = 1 − 10^r``.

    Between 0.9 and 0.999 this tries as many values in [0.9, 0.99] (averages over
    10 to 100 steps) as in [0.99, 0.999] (100 to 1000 steps).
    ``0 <= low < high < 1``.
    """
    check_range("low", low, 0, 1, high_open=True)
    check_range("high", high, low, 1, low_open=True, high_open=True)
    r = as_rng(rng).uniform(math.log10(1 - high), math.log10(1 - low), _size(size))
    return 1.0 - 10.0**r


@dataclass(frozen=True)
class Param:
    """One hyperparameter's range and the scale it is searched on.

    ``scale`` is ``"linear"`` (uniform in [low, high]), ``"log"`` (uniform in
    ``log10``), ``"beta"`` (uniform in ``log10(1 − β)``) or ``"int"`` (every integer in
    [low, high] equally likely, e.g. a number of hidden units). Internally each scale
    has a coordinate ``r`` (the value, ``log10`` of it, or ``log10(1 − value)``) in which
    sampling is uniform, grids are evenly spaced and :func:`coarse_to_fine` zooms.
    """

    low: float
    high: float
    scale: str = "linear"

    def __post_init__(self):
        check_option("scale", self.scale, SCALES)
        for name in ("low", "high"):  # frozen: store the checked float
            object.__setattr__(self, name, check_number(name, getattr(self, name)))
        if self.scale == "log":
            check_range("low", self.low, 0, None, low_open=True)
        if self.scale == "beta":
            check_range("low", self.low, 0, 1, high_open=True)
            check_range("high", self.high, None, 1, high_open=True)
        if self.scale == "int":
            for name in ("low", "high"):
                v = getattr(self, name)
                if float(v) != int(v):
                    raise ValueError(f"{name} must be a whole number for scale='int', got {v!r}")
        check_range("high", self.high, self.low, None, low_open=self.scale != "int")

    # ---- the search coordinate r
    def to_r(self, value):
        v = np.asarray(value, dtype=float)
        if self.scale == "log":
            return np.log10(v)
        if self.scale == "beta":
            return np.log10(1.0 - v)
        return v

    def from_r(self, r):
        r = np.asarray(r, dtype=float)
        if self.scale == "log":
            v = 10.0**r
        elif self.scale == "beta":
            v = 1.0 - 10.0**r
        elif self.scale == "int":
            v = np.rint(r)
        else:
            v = r
        return np.clip(v, self.low, self.high)

    @property
    def r_bounds(self) -> tuple[float, float]:
        a, b = float(self.to_r(self.low)), float(self.to_r(self.high))
        return min(a, b), max(a, b)

    def sample(self, size: int, rng) -> np.ndarray:
        """``size`` values drawn uniformly in ``r`` (see the class docstring)."""
        size = check_int("size", size, low=0)
        rng = as_rng(rng)
        if self.scale == "int":
            return rng.integers(int(self.low), int(self.high) + 1, size=size).astype(float)
        return self.from_r(rng.uniform(*self.r_bounds, size=size))

    def grid(self, n: int) -> np.ndarray:
        """``n`` values evenly spaced in ``r`` from low to high (fewer if ``int`` runs out)."""
        n = check_int("n", n, low=1)
        r = np.linspace(*self.r_bounds, n) if n > 1 else np.array([np.mean(self.r_bounds)])
        v = self.from_r(r)
        return np.unique(v) if self.scale == "int" else np.sort(v)

    def narrowed(self, center: float, shrink: float) -> Param:
        """A range ``shrink`` times as wide in ``r``, centred on ``center`` and moved, if
        needed, to stay inside this range."""
        lo, hi = self.r_bounds
        width = shrink * (hi - lo)
        c = float(self.to_r(center))
        a = min(max(c - width / 2, lo), hi - width)
        vals = sorted(float(x) for x in (self.from_r(a), self.from_r(a + width)))
        if self.scale == "int":
            vals = [math.floor(vals[0]), math.ceil(vals[1])]
        if vals[0] == vals[1] and self.scale != "int":
            return self
        return Param(vals[0], vals[1], self.scale)


def _check_space(space: Mapping[str, Param]) -> dict:
    if not isinstance(space, Mapping) or not space:
        raise ValueError("space must map at least one hyperparameter name to a Param")
    for name, p in space.items():
        if not isinstance(p, Param):
            raise ValueError(f"space[{name!r}] must be a Param(low, high, scale), got {p!r}")
    return dict(space)


def _value(p: Param, v):
    return int(v) if p.scale == "int" else float(v)


@dataclass
class Results:
    """The trials of a search, **best first**.

    Each trial is a dict of the hyperparameters plus ``score`` and ``trial`` (the order
    in which it ran). Failed trials (diverged, NaN) have ``score = nan`` and come last.
    """

    trials: list[dict]
    maximize: bool = False

    @property
    def best(self) -> dict:
        return self.trials[0]

    def column(self, name: str) -> np.ndarray:
        """One column of the table (a hyperparameter, ``score`` or ``trial``), best first."""
        return np.array([t[name] for t in self.trials], dtype=float)

    def __len__(self):
        return len(self.trials)

    def __iter__(self):
        return iter(self.trials)

    def __getitem__(self, i):
        return self.trials[i]

    def table(self, n: int = 10) -> str:
        """The ``n`` best trials as aligned text."""
        keys = list(self.trials[0]) if self.trials else []
        rows = [
            [f"{t[k]:.4g}" if isinstance(t[k], float) else str(t[k]) for k in keys]
            for t in self.trials[:n]
        ]
        widths = [max([len(k)] + [len(r[i]) for r in rows]) for i, k in enumerate(keys)]
        lines = ["  ".join(k.rjust(w) for k, w in zip(keys, widths))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        return "\n".join(lines)

    def __str__(self):
        return self.table()


def _evaluate(objective: Callable, settings: list[dict], maximize: bool, first: int = 0):
    trials = []
    for i, values in enumerate(settings):
        try:
            score = float(objective(**values))
        except DivergenceError:
            score = float("nan")
        if not math.isfinite(score):
            score = float("nan")
        trials.append({**values, "score": score, "trial": first + i})
    sign = -1.0 if maximize else 1.0
    # NaN (a failed run) sorts after every real score; ties keep the running order
    trials.sort(
        key=lambda t: (
            math.isnan(t["score"]),
            0.0 if math.isnan(t["score"]) else sign * t["score"],
            t["trial"],
        )
    )
    return Results(trials, maximize)


def random_search(
    objective: Callable,
    space: Mapping[str, Param],
    n_trials: int,
    seed: int = 0,
    maximize: bool = False,
) -> Results:
    """Try ``n_trials`` settings, each hyperparameter drawn independently on its scale.

    ``objective(**values) -> score``; lower is better unless ``maximize=True``.
    Returns :class:`Results`, best first.
    """
    check_callable("objective", objective, "a function objective(**values) -> score")
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials, low=1)
    check_bool("maximize", maximize)
    rng = as_rng(check_seed("seed", seed, generator=True), "seed")
    columns = {name: p.sample(n_trials, rng) for name, p in space.items()}
    settings = [
        {name: _value(space[name], columns[name][i]) for name in space} for i in range(n_trials)
    ]
    return _evaluate(objective, settings, maximize)


def grid_search(
    objective: Callable, space: Mapping[str, Param], n_per_dim: int, maximize: bool = False
) -> Results:
    """Try every combination of ``n_per_dim`` evenly spaced values (on each scale) of
    every hyperparameter: ``n_per_dim ** len(space)`` trials. Results best first."""
    check_callable("objective", objective, "a function objective(**values) -> score")
    space = _check_space(space)
    n_per_dim = check_int("n_per_dim", n_per_dim, low=1)
    if n_per_dim ** len(space) > MAX_INT:
        raise ValueError(
            f"n_per_dim = {n_per_dim} gives {n_per_dim}**{len(space)} trials; "
            f"keep n_per_dim**len(space) <= {MAX_INT}"
        )
    check_bool("maximize", maximize)
    grids = {name: p.grid(n_per_dim) for name, p in space.items()}
    settings = [
        {name: _value(space[name], v) for name, v in zip(grids, combo)}
        for combo in itertools.product(*grids.values())
    ]
    return _evaluate(objective, settings, maximize)


@dataclass
class CoarseToFine:
    """Every round of a coarse-to-fine search: ``rounds[k]`` are the trials of round
    ``k`` (best first) and ``spaces[k]`` the box it searched; ``best`` is the best trial
    over all rounds."""

    rounds: list[Results]
    spaces: list[dict]
    maximize: bool = False

    @property
    def best(self) -> dict:
        real = [r.best for r in self.rounds if not math.isnan(r.best["score"])]
        if not real:
            return self.rounds[0].best
        sign = -1.0 if self.maximize else 1.0
        return min(real, key=lambda t: sign * t["score"])


def coarse_to_fine(
    objective: Callable,
    space: Mapping[str, Param],
    n_trials: int,
    rounds: int = 3,
    shrink: float = 0.3,
    seed: int = 0,
    maximize: bool = False,
) -> CoarseToFine:
    """Random search, then random search again in a smaller box around the best trial.

    Round ``k`` draws ``n_trials`` settings from ``space_k``; ``space_{k+1}`` gives each
    hyperparameter a range ``shrink`` times as wide (in its search coordinate: log10
    for ``"log"``, ``log10(1 − β)`` for ``"beta"``) centred on the best trial so far
    and kept inside ``space_k``. ``0 < shrink <= 1``. Round ``k`` uses seed ``seed + k``.
    """
    check_callable("objective", objective, "a function objective(**values) -> score")
    space = _check_space(space)
    n_trials = check_int("n_trials", n_trials, low=1)
    rounds = check_int("rounds", rounds, low=1)
    check_range("shrink", shrink, 0, 1, low_open=True)
    seed = check_seed("seed", seed)
    check_bool("maximize", maximize)
    sign = -1.0 if maximize else 1.0
    results, spaces, best = [], [], None
    current = space
    for k in range(rounds):
        spaces.append(current)
        res = random_search(objective, current, n_trials, seed=seed + k, maximize=maximize)
        for t in res.trials:
            t["round"] = k
        results.append(res)
        top = res.best
        if not math.isnan(top["score"]) and (
            best is None or sign * top["score"] < sign * best["score"]
        ):
            best = top
        if k + 1 < rounds:
            centre = best if best is not None else top
            current = {name: p.narrowed(centre[name], shrink) for name, p in current.items()}
    return CoarseToFine(results, spaces, maximize)
