"""Bad input never gets past the library (issue 13).

The public API is found by introspection: every public function and class defined in a
module of ``nnlab`` or ``nnlab.chapters`` (plus the public methods listed in ``METHODS``).
Each needs a *baseline*: arguments with which the call works. Most are guessed from the
parameter's name and default (``GUESS``); the rest are in ``BASELINES``. A public name
with neither fails ``test_every_public_callable_has_a_baseline``, so a new function is
covered without anyone remembering to add it, or is listed in ``EXEMPT`` with a reason.

Then every parameter is fed illegal values of every kind that fits it (``illegal_values``:
NaN, ±inf, numeric strings, None, complex, objects, negative/zero/huge numbers where the
name says they are out of range, bad seeds, arrays with NaN/inf/complex entries, of the
wrong shape or with ``m = 0``), one at a time. The promise: a ``ValueError`` that names
the parameter as the learner typed it, raised before any work is done, so the inputs
(arrays, parameter dicts, optimizer state) are unchanged.

``benchmarks/probe_bad_input.py`` runs every case and counts the outcomes per module;
the tests here draw a sample with hypothesis (``max_examples`` keeps them short).
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import math
import pkgutil
import re
import signal
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.activations import relu_backward, softmax
from nnlab.batchnorm import batchnorm_forward, update_running_stats
from nnlab.checks import DivergenceError
from nnlab.data import make_moons
from nnlab.gradcheck import gradient_check
from nnlab.model import Network, cross_entropy_from_logits
from nnlab.optimizers import SGD, Adam, Momentum, RMSprop
from nnlab.race import race_on_surface
from nnlab.schedules import inverse_time_decay
from nnlab.train import train
from nnlab.tuning import random_search

# ---------------------------------------------------------------- discovery
#: Public names that take no learner input worth probing, with the reason.
EXEMPT = {
    # result containers: built by the library from checked values, read by the learner
    "nnlab.train.History": "result container filled by train",
    "nnlab.data.Split": "result container (a NamedTuple) returned by train_dev_test_split",
    "nnlab.surfaces.Path": "result container returned by run_optimizer",
    "nnlab.surfaces.Surface": "built by the surface builders, which check their arguments",
    "nnlab.race.RaceResult": "result container returned by race_on_surface",
    "nnlab.race.DataRace": "result container returned by race_on_data",
    "nnlab.gradcheck.GradCheckReport": "result container returned by gradient_check",
    "nnlab.tuning.Results": "result container returned by the searches",
    "nnlab.tuning.CoarseToFine": "result container returned by coarse_to_fine",
    "nnlab.checks.DivergenceError": "an exception class",
    "nnlab.plots.CourseFigure": "a matplotlib Figure subclass (new_figure builds it)",
    "nnlab.explorer.Control": "abstract base of the controls",
    "nnlab.explorer.FloatSlider": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.LogSlider": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.IntSlider": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.Dropdown": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.Checkbox": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.ChoiceSlider": "a control declared by the library (checked by test_explorer)",
    "nnlab.explorer.Refresher": "plumbing of Explorer.build: takes the explorer's own show function",
    "nnlab.cancellation.cancellable": "plumbing of Explorer.build: takes the Refresher's own "
    "cancelled() (tests/test_cancellation.py)",
    "nnlab.explorer.Explorer": "probed through Explorer.figure (see METHODS)",
    "nnlab.explorer.all_explorers": "takes no arguments",
    "nnlab.race.join_races": "joins DataRace results that race_on_data made (checks their sizes)",
    "nnlab.optimizers.Optimizer": "abstract base of the update rules",
    "nnlab.checks.as_rng": "a check itself (the one place a seed becomes a Generator; "
    "rng=None is its documented seed 0, name is the label of its message)",
    "nnlab.chapters.capstone.digits.Digits": "result container returned by digits()",
    "nnlab.chapters.capstone.digits.Search": "result container returned by search()",
    "nnlab.chapters.tuning.frameworks.Comparison": "result container returned by compare_runs",
    # the grader's building blocks: declared by the course's authors in exercises/*.py and
    # checked there by tests/test_exercises.py (every reference, case and mistake)
    "nnlab.exercises._grader.Case": "an exercise's case, declared by the course's authors",
    "nnlab.exercises._grader.Mistake": "a catalogued mistake, declared by the course's authors",
    "nnlab.exercises._grader.Exercise": "an exercise, declared by the course's authors",
    "nnlab.exercises._grader.Report": "result container returned by grade_function",
    "nnlab.exercises._grader.compare_values": "the grader's comparison: its inputs are the "
    "reference's result and the learner's (anything, reported, never refused)",
    "nnlab.exercises._grader.call_with_time_limit": "the grader's runner: calls the learner's "
    "function, whatever it is, and reports what happened",
}
for _name in (
    "check_range",
    "check_positive",
    "check_beta",
    "check_keep_prob",
    "check_int",
    "check_matrix",
    "check_finite",
    "check_same_keys",
    "check_seed",
    "check_array",
    "check_number",
    "check_option",
    "check_callable",
    "check_bool",
    "check_same_shape",
    "check_labels",
):
    EXEMPT[f"nnlab.checks.{_name}"] = "a check itself: it is how the others refuse"
_EXEMPT_PATTERNS = [
    (re.compile(r"_widget$"), "builds ipywidgets; takes no arguments"),
    (re.compile(r"\.(LayerStats|Run|GDRun|BatchStats)$"), "result container (NamedTuple)"),
]


def _modules():
    import nnlab.chapters  # noqa: F401 - walk_packages needs it imported

    names = [info.name for info in pkgutil.walk_packages(nnlab.__path__, "nnlab.")]
    return [importlib.import_module(n) for n in sorted(names)]


@functools.lru_cache(maxsize=1)
def _explorer_updates() -> set:
    from nnlab.explorer import all_explorers

    return {id(e.update) for e in all_explorers().values()}


def exempt_reason(qualname: str, obj=None) -> str | None:
    if qualname in EXEMPT:
        return EXEMPT[qualname]
    for pattern, reason in _EXEMPT_PATTERNS:
        if pattern.search(qualname):
            return reason
    if obj is not None and inspect.isfunction(obj):
        params = list(inspect.signature(obj).parameters)
        if params and params[0] in ("ax", "axes", "axis"):
            return "draws on a matplotlib Axes the library made (plotting plumbing)"
        if id(obj) in _explorer_updates():
            return "an explorer's update: probed through Explorer.figure with its controls"
    if obj is not None and not list(_signature(obj).parameters):
        return "takes no arguments"
    return None


def _signature(obj):
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return inspect.Signature()


@functools.lru_cache(maxsize=1)
def public_callables() -> dict[str, Callable]:
    """``qualname -> object`` for every public function and class defined in nnlab."""
    out = {}
    for module in _modules():
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not callable(obj):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                pass
            out[f"{module.__name__}.{attr}"] = obj
    return out


# ---------------------------------------------------------------- baselines
M = 12


def _X():
    return np.random.default_rng(1).standard_normal((2, M))


def _Y():
    return (np.arange(M) % 2).reshape(1, M)


def _Z():
    return np.random.default_rng(2).standard_normal((3, 6))


def _net(**kw):
    from nnlab.model import Network

    return Network([2, 4, 1], seed=0, **kw)


def _params():
    from nnlab.initialization import initialize_parameters

    return initialize_parameters([2, 3, 1], seed=0)


def _grads():
    return {"d" + k: np.full_like(v, 0.01) for k, v in _params().items()}


def _col(value=0.0):
    return np.full((3, 1), value)


#: Arguments guessed from a parameter's name (each call makes new objects).
GUESS: dict[str, Callable] = {
    "X": _X,
    "Y": _Y,
    "Z": _Z,
    "A": _Z,
    "dA": _Z,
    "dout": _Z,
    "ZL": lambda: _Z()[:1] * 3,
    "mask": lambda: (np.random.default_rng(3).random((3, 6)) < 0.5).astype(float),
    "gamma": lambda: _col(1.0),
    "beta": lambda: 0.9,
    "mu": _col,
    "var": lambda: _col(1.0),
    "running_mu": _col,
    "running_var": lambda: _col(1.0),
    "params": _params,
    "grads": _grads,
    "net": _net,
    "W": lambda: _params()["W1"],
    "lr": lambda: 0.1,
    "lr0": lambda: 0.1,
    "lambd": lambda: 0.1,
    "m": lambda: 10,
    "keep_prob": lambda: 0.8,
    "epsilon": lambda: 1e-8,
    "beta1": lambda: 0.9,
    "beta2": lambda: 0.999,
    "momentum": lambda: 0.9,
    "epoch": lambda: 3,
    "decay_rate": lambda: 0.5,
    "total": lambda: 10,
    "rng": lambda: 0,
    "seed": lambda: 0,
    "x": lambda: np.random.default_rng(4).standard_normal(20),
    "C": lambda: 2,
    "layer_dims": lambda: [2, 3, 1],
    "low": lambda: 1e-4,
    "high": lambda: 1.0,
    "n_trials": lambda: 4,
    "n_per_dim": lambda: 2,
    "mini_batch_size": lambda: 4,
    "steps": lambda: 5,
    "days": lambda: 30,
    "patience": lambda: 3,
    "n": lambda: 3,
    "samples": lambda: 50,
    "ratio": lambda: 10.0,
    "temperature": lambda: 1.0,
    "difference": lambda: 1e-5,
    "values": lambda: np.array([0.1, 1.0, 10.0]),
    "window": lambda: 3,
    "eigenvalues": lambda: np.array([1.0, 2.0]),
    "train_error": lambda: 0.1,
    "dev_error": lambda: 0.2,
    "angles": lambda: [0.5],
    "dev_costs": lambda: np.array([1.0, 0.8, 0.7, 0.75, 0.8, 0.9]),
    "batchnorm": lambda: False,
    "hidden": lambda: "relu",
    "one_sided": lambda: False,
    "l": lambda: 1,
    "w": lambda: 0.5,
    "L": lambda: 3,
    "y": lambda: 0.5,
}


def _objective():
    return lambda lr, epsilon=1e-8: (math.log10(lr) + 2) ** 2


def _space():
    from nnlab.tuning import Param

    return {"lr": Param(1e-4, 1.0, "log")}


def _f_params():
    net = _net()
    X, Y = _X(), _Y()
    f = net.cost_function(X, Y)
    _, cache = net.forward(X, update_running=False)
    return f, net.params, net.backward(Y, cache)


def _cache_args():
    net = _net()
    X, Y = _X(), _Y()
    _, cache = net.forward(X)
    return {"net": net, "Y": Y, "cache": cache}


def _regression():
    from nnlab.chapters.practical.normalizing_inputs import make_scaled_regression

    X, y = make_scaled_regression(m=20)
    return X, y


def _ls(**extra):
    def make():
        X, y = _regression()
        return {"w": np.zeros((2, 1)), "X": X, "y": y, **extra}

    return make


def _gd_path():
    X, y = _regression()
    return {"X": X, "y": y, "lr": 0.01, "w0": np.zeros((2, 1)), "steps": 20}


def _steps_to_converge():
    X, _ = _regression()
    return {"X": X, "lrs": np.array([0.01, 0.1]), "w0": np.ones((2, 1))}


def _race():
    from nnlab.race import race_on_surface

    return race_on_surface("saddle_plateau", steps=20)


def _batch_stats():
    from nnlab.chapters.tuning.batch_norm import noise_run

    return noise_run(64)


#: Complete or partial baselines, ``qualname -> () -> kwargs`` (merged over the guesses).
BASELINES: dict[str, Callable[[], dict]] = {
    "nnlab.activations.get_activation": lambda: {"name": "relu"},
    "nnlab.model.cross_entropy_from_logits": lambda: {
        "ZL": np.array([[0.5, -1.0, 2.0]]),
        "Y": np.array([[1, 0, 1]]),
    },
    "nnlab.model.one_hot": lambda: {"Y": np.array([[0, 1, 1]]), "C": 2},
    "nnlab.model.Network": lambda: {"layer_dims": [2, 3, 1]},
    "nnlab.regularization.l2_grad": lambda: {"W": _params()["W1"], "lambd": 0.1, "m": 10},
    "nnlab.regularization.l1_grad": lambda: {"W": _params()["W1"], "lambd": 0.1, "m": 10},
    "nnlab.regularization.dropout_backward": lambda: {
        "dA": _Z(),
        "mask": (np.random.default_rng(3).random((3, 6)) < 0.5).astype(float),
        "keep_prob": 0.8,
    },
    "nnlab.regularization.weight_keys": lambda: {"params": _params()},
    "nnlab.batchnorm.batchnorm_forward": lambda: {"Z": _Z(), "gamma": _col(1.0), "beta": _col(0.0)},
    "nnlab.batchnorm.batchnorm_backward": lambda: (
        lambda out: {"dout": np.ones_like(out[0]), "cache": out[1]}
    )(__import__("nnlab.batchnorm").batchnorm.batchnorm_forward(_Z(), _col(1.0), _col(0.0))),
    "nnlab.batchnorm.batchnorm_inference": lambda: {
        "Z": _Z(),
        "gamma": _col(1.0),
        "beta": _col(0.0),
    },
    "nnlab.batchnorm.update_running_stats": lambda: {
        "running_mu": _col(),
        "running_var": _col(1.0),
        "mu": _col(0.5),
        "var": _col(2.0),
    },
    "nnlab.optimizers.AdamW": lambda: {},
    **{
        f"nnlab.optimizers.{rule}_update": (
            lambda extra: lambda: {
                "W": _params()["W1"],
                "dW": _grads()["dW1"],
                **{k: (np.full((3, 2), 0.01) if k in "vs" else v) for k, v in extra.items()},
            }
        )(extra)
        for rule, extra in (
            ("sgd", {}),
            ("momentum", {"v": 0}),
            ("nesterov", {"v": 0}),
            ("rmsprop", {"s": 0, "epsilon": 1e-8}),
            ("adam", {"v": 0, "s": 0, "t": 2, "epsilon": 1e-8}),
            ("adamw", {"v": 0, "s": 0, "t": 2, "epsilon": 1e-8, "weight_decay": 0.01}),
        )
    },
    "nnlab.schedules.staircase_decay": lambda: {"lr0": 0.1},
    "nnlab.schedules.cosine_warmup": lambda: {"lr0": 0.1, "total": 10, "warmup": 2},
    "nnlab.schedules.make_schedule": lambda: {"kind": "exponential", "lr0": 0.1, "decay_rate": 0.9},
    "nnlab.ewa.ewa": lambda: {"x": np.arange(10.0), "beta": 0.9},
    "nnlab.minibatch.random_mini_batches": lambda: {"X": _X(), "Y": _Y(), "mini_batch_size": 4},
    "nnlab.train.train": lambda: {
        "net": _net(),
        "X": _X(),
        "Y": _Y(),
        "optimizer": __import__("nnlab.optimizers").optimizers.SGD(0.1),
        "epochs": 2,
        "mini_batch_size": 4,
    },
    "nnlab.train.gradient_descent": lambda: {
        "net": _net(),
        "X": _X(),
        "Y": _Y(),
        "steps": 3,
        "lr": 0.1,
    },
    "nnlab.gradcheck.numerical_gradient": lambda: {
        "f": lambda x: float(np.sum(x**2)),
        "x": np.array([1.0, 2.0]),
    },
    "nnlab.gradcheck.one_sided_gradient": lambda: {
        "f": lambda x: float(np.sum(x**2)),
        "x": np.array([1.0, 2.0]),
    },
    "nnlab.gradcheck.dict_to_vector": lambda: {"d": _params()},
    "nnlab.gradcheck.vector_to_dict": lambda: {
        "v": np.arange(13.0),
        "layout": [("W1", (3, 2)), ("b1", (3, 1)), ("W2", (1, 3)), ("b2", (1, 1))],
    },
    "nnlab.gradcheck.relative_difference": lambda: {
        "a": np.array([1.0, 2.0]),
        "b": np.array([1.0, 2.1]),
    },
    "nnlab.gradcheck.flatten_params_and_grads": lambda: {"params": _params(), "grads": _grads()},
    "nnlab.gradcheck.gradient_check": lambda: dict(zip(("f", "params", "grads"), _f_params())),
    "nnlab.gradcheck.epsilon_sweep": lambda: {
        **dict(zip(("f", "params", "grads"), _f_params())),
        "epsilons": [1e-6, 1e-4],
    },
    "nnlab.tuning.Param": lambda: {"low": 1e-4, "high": 1.0, "scale": "log"},
    "nnlab.tuning.random_search": lambda: {
        "objective": _objective(),
        "space": _space(),
        "n_trials": 3,
    },
    "nnlab.tuning.grid_search": lambda: {
        "objective": _objective(),
        "space": _space(),
        "n_per_dim": 2,
    },
    "nnlab.tuning.coarse_to_fine": lambda: {
        "objective": _objective(),
        "space": _space(),
        "n_trials": 3,
        "rounds": 2,
    },
    "nnlab.tuning.sample_beta": lambda: {"low": 0.9, "high": 0.999, "size": 3},
    "nnlab.tuning.log_uniform": lambda: {"low": 1e-4, "high": 1.0, "size": 3},
    "nnlab.augmentation.reflect": lambda: {"X": _X(), "Y": _Y()},
    "nnlab.augmentation.jitter": lambda: {"X": _X(), "Y": _Y()},
    "nnlab.augmentation.augment": lambda: {"X": _X(), "Y": _Y(), "sigma": 0.1},
    "nnlab.data.make_moons": lambda: {"m": 20},
    "nnlab.data.make_circles": lambda: {"m": 20},
    "nnlab.data.make_flower": lambda: {"m": 20},
    "nnlab.data.make_spirals": lambda: {"m": 30},
    "nnlab.data.make_football": lambda: {"m": 20},
    "nnlab.data.football_split": lambda: {"m": 40, "n_train": 20},
    "nnlab.data.train_dev_test_split": lambda: {"X": _X(), "Y": _Y()},
    "nnlab.surfaces.elongated_quadratic": lambda: {"ratio": 20.0, "scale": 1.0},
    "nnlab.surfaces.rosenbrock": lambda: {"a": 1.0, "b": 10.0},
    "nnlab.surfaces.plateau": lambda: {"a": 1.5},
    "nnlab.surfaces.run_optimizer": lambda: {
        "surface": __import__("nnlab.surfaces").surfaces.SURFACES["saddle"],
        "optimizer": __import__("nnlab.optimizers").optimizers.SGD(0.1),
        "steps": 5,
    },
    "nnlab.race.make_optimizers": lambda: {},
    "nnlab.race.race_on_surface": lambda: {"surface": "saddle", "steps": 5},
    "nnlab.race.race_on_data": lambda: {
        "X": _X(),
        "Y": _Y(),
        "layer_dims": [2, 3, 1],
        "epochs": 2,
        "mini_batch_size": 6,
    },
    "nnlab.plots.grid_over": lambda: {"X": _X(), "resolution": 10},
    "nnlab.plots.smooth": lambda: {"values": np.arange(10.0), "window": 3},
    "nnlab.plots.new_figure": lambda: {},
    "nnlab.plots.message_figure": lambda: {"text": "hello"},
    "nnlab.plots.figure_notes": lambda: {
        "fig": __import__("nnlab.plots").plots.message_figure("hi")
    },
    "nnlab.plots.figure_to_png": lambda: {
        "fig": __import__("nnlab.plots").plots.message_figure("hi")
    },
    # ---- chapter companions
    "nnlab.chapters.practical.bias_variance.diagnose": lambda: {
        "train_error": 0.1,
        "dev_error": 0.2,
    },
    "nnlab.chapters.practical.bias_variance.errors": lambda: {"width": 4, "iterations": 20},
    "nnlab.chapters.practical.bias_variance.fit": lambda: {"width": 4, "iterations": 20},
    "nnlab.chapters.practical.regularization.weights_of": lambda: {"params": _params()},
    "nnlab.chapters.practical.augmentation_early_stopping.updates_per_epoch": lambda: {
        "mini_batch_size": 20
    },
    "nnlab.chapters.practical.augmentation_early_stopping.stopping_point": lambda: {
        "dev_costs": np.array([1.0, 0.8, 0.7, 0.75, 0.8, 0.9]),
        "patience": 2,
    },
    "nnlab.chapters.practical.normalizing_inputs.least_squares_cost": _ls(),
    "nnlab.chapters.practical.normalizing_inputs.least_squares_grad": _ls(),
    "nnlab.chapters.practical.normalizing_inputs.hessian": lambda: {"X": _regression()[0]},
    "nnlab.chapters.practical.normalizing_inputs.condition_number": lambda: {"X": _regression()[0]},
    "nnlab.chapters.practical.normalizing_inputs.gd_path": _gd_path,
    "nnlab.chapters.practical.normalizing_inputs.steps_to_converge": _steps_to_converge,
    "nnlab.chapters.practical.normalizing_inputs.make_scaled_regression": lambda: {"m": 20},
    "nnlab.chapters.practical.initialization.layer_statistics": lambda: {
        "net": _net(),
        "X": _X(),
        "Y": _Y(),
    },
    "nnlab.chapters.practical.initialization.deep_linear_scale": lambda: {"w": 0.5, "L": 3},
    "nnlab.chapters.practical.initialization.max_variance_ratio": lambda: {
        "act_std": np.array([1.0, 0.5, 0.25])
    },
    "nnlab.chapters.practical.initialization.init_run": lambda: {
        "depth": 3,
        "activation": "relu",
        "scheme": "He √(2/n)",
    },
    "nnlab.chapters.practical.initialization.shown_layers": lambda: {"n": 10, "k": 3},
    "nnlab.chapters.practical.gradient_checking.buggy_backward": _cache_args,
    "nnlab.chapters.practical.gradient_checking.make_network": lambda: {},
    "nnlab.chapters.practical.gradient_checking.trained_params": lambda: {
        "lambd": 0.1,
        "init": "Xavier",
    },
    "nnlab.chapters.practical.gradient_checking.run_check": lambda: {},
    "nnlab.chapters.practical.gradient_checking.sweep": lambda: {
        "hidden": "tanh",
        "one_sided": False,
    },
    "nnlab.chapters.practical.gradient_checking.difference_at": lambda: {
        "epsilon": 1e-6,
        "hidden": "tanh",
        "one_sided": False,
    },
    "nnlab.chapters.optimization.minibatch.steps_per_epoch": lambda: {
        "m": 10,
        "mini_batch_size": 4,
    },
    "nnlab.chapters.optimization.minibatch.gradient_noise": lambda: {
        "net": _net(),
        "X": _X(),
        "Y": _Y(),
        "mini_batch_size": 4,
        "n_batches": 5,
    },
    "nnlab.chapters.optimization.ewa.window": lambda: {"beta": 0.9},
    "nnlab.chapters.optimization.ewa.ewa_weights": lambda: {"beta": 0.9, "t": 10},
    "nnlab.chapters.optimization.ewa.mean_lag": lambda: {"beta": 0.9},
    "nnlab.chapters.optimization.ewa.noise_factor": lambda: {"beta": 0.9},
    "nnlab.chapters.optimization.ewa.step_signal": lambda: {"days": 30},
    "nnlab.chapters.optimization.ewa.rms_error": lambda: {"beta": 0.9},
    "nnlab.chapters.optimization.momentum_rmsprop.make_optimizers": lambda: {
        "lr": 0.1,
        "beta": 0.9,
    },
    "nnlab.chapters.optimization.momentum_rmsprop.trajectories": lambda: {},
    "nnlab.chapters.optimization.momentum_rmsprop.rmsprop_root_s": lambda: {
        "surface": "elongated quadratic",
        "path": __import__(
            "nnlab.chapters.optimization.momentum_rmsprop"
        ).chapters.optimization.momentum_rmsprop.trajectories()["RMSprop"],
        "beta": 0.9,
    },
    "nnlab.chapters.optimization.momentum_rmsprop.outcome": lambda: {
        "path": __import__("nnlab.surfaces").surfaces.run_optimizer(
            __import__("nnlab.surfaces").surfaces.SURFACES["saddle"],
            __import__("nnlab.optimizers").optimizers.SGD(0.1),
            steps=3,
        )
    },
    "nnlab.chapters.optimization.momentum_rmsprop.iteration_matrices": lambda: {
        "lr": 0.1,
        "beta": 0.9,
        "curvature": 20.0,
    },
    "nnlab.chapters.optimization.momentum_rmsprop.steps_grid": lambda: {
        "lrs": np.array([0.05, 0.1]),
        "betas": np.array([0.5, 0.9]),
        "steps": 50,
    },
    "nnlab.chapters.optimization.momentum_rmsprop.best_settings": lambda: {
        "lrs": np.array([0.05, 0.1]),
        "betas": np.array([0.5, 0.9]),
    },
    "nnlab.chapters.optimization.momentum_rmsprop.best_rate_per_beta": lambda: {
        "betas": np.array([0.5, 0.9]),
        "lrs": np.array([0.05, 0.1]),
    },
    "nnlab.chapters.optimization.momentum_rmsprop.tuning_figure": lambda: {
        "runs": {"GD": __import__("nnlab.optimizers").optimizers.SGD(0.05)}
    },
    "nnlab.chapters.capstone.digits.dev_error_of": lambda: {
        "net": __import__("nnlab.chapters.capstone.digits").chapters.capstone.digits.network(n_h=8)
    },
    "nnlab.chapters.capstone.digits.test_accuracy": lambda: {
        "net": __import__("nnlab.chapters.capstone.digits").chapters.capstone.digits.network(n_h=8)
    },
    "nnlab.chapters.tuning.frameworks.jax_adam_run": lambda: {
        "params": _params(),
        "X": _X(),
        "Y": _Y(),
        "mini_batch_size": 4,
        "epochs": 2,
    },
    "nnlab.chapters.capstone.digits.standard_error": lambda: {"error": 0.05, "m": 360},
    "nnlab.chapters.tuning.frameworks.padded_batches": lambda: {
        "X": _X(),
        "Y": _Y(),
        "mini_batch_size": 4,
        "epochs": 2,
    },
    "nnlab.exercises.exercise": lambda: {"name": "dropout_forward"},
    "nnlab.exercises.list_exercises": lambda: {"chapter": "practical/03_dropout"},
    "nnlab.exercises.grade_function": lambda: {"name": "diagnose", "fn": lambda *a, **k: None},
    "nnlab.exercises.check": lambda: {"name": "diagnose", "fn": lambda *a, **k: None},
    "nnlab.exercises.optimizer_from": lambda: {
        "rule": __import__("nnlab.optimizers").optimizers.adam_update
    },
    "nnlab.exercises.practical.normalize_inputs": lambda: {"X_train": _X(), "X_dev": _X()},
    "nnlab.exercises.tuning.zoom": lambda: {"low": 1e-4, "high": 1.0, "best": 1e-2},
    "nnlab.chapters.optimization.lr_decay.decay_schedule": lambda: {
        "kind": "inverse time",
        "lr0": 1.0,
    },
    "nnlab.chapters.optimization.lr_decay.run_schedule": lambda: {},
    "nnlab.chapters.optimization.lr_decay.constant_run": lambda: {},
    "nnlab.chapters.optimization.plateaus.random_hessians": lambda: {"n": 3, "samples": 5},
    "nnlab.chapters.optimization.plateaus.classify": lambda: {"eigenvalues": [1.0, 2.0]},
    "nnlab.chapters.optimization.plateaus.fraction_minima": lambda: {"n": 2, "samples": 50},
    "nnlab.chapters.optimization.plateaus.hessian_2d": lambda: {
        "grad": __import__("nnlab.surfaces").surfaces.SURFACES["saddle"].grad,
        "x": 0.5,
        "y": 0.5,
    },
    "nnlab.chapters.optimization.plateaus.milestones": lambda: {"result": _race()},
    "nnlab.chapters.optimization.plateaus.escape_race": lambda: {"steps": 20},
    "nnlab.chapters.tuning.tuning_process.response_surface": lambda: {"lr": 0.01, "epsilon": 1e-6},
    "nnlab.chapters.tuning.tuning_process.compare_grid_random": lambda: {"n_per_dim": 2},
    "nnlab.chapters.tuning.tuning_process.surface_grid": lambda: {
        "matters": "α matters, ε does not",
        "resolution": 10,
    },
    "nnlab.chapters.tuning.tuning_process.important_axis": lambda: {
        "matters": "α matters, ε does not"
    },
    "nnlab.chapters.tuning.scale_and_practice.draw": lambda: {
        "low": 1e-4,
        "high": 1.0,
        "kind": "log",
        "on_scale": True,
        "n": 10,
    },
    "nnlab.chapters.tuning.scale_and_practice.decade_counts": lambda: {
        "values": np.array([1e-3, 1e-2, 0.5]),
        "edges": np.array([1e-4, 1e-2, 1.0]),
    },
    "nnlab.chapters.tuning.scale_and_practice.alpha_decades": lambda: {"low": 1e-4},
    "nnlab.chapters.tuning.scale_and_practice.beta_decades": lambda: {"low": 0.9},
    "nnlab.chapters.tuning.batch_norm.layer_input_stats": lambda: {
        "net": _net(),
        "X": _X(),
        "l": 1,
    },
    "nnlab.chapters.tuning.batch_norm.batch_stat_noise": lambda: {
        "Z": _Z(),
        "mini_batch_size": 3,
        "n_batches": 5,
    },
    "nnlab.chapters.tuning.batch_norm.bn_run": lambda: {
        "batchnorm": True,
        "lr": 0.5,
        "mini_batch_size": 64,
        "epochs": 2,
    },
    "nnlab.chapters.tuning.batch_norm.hidden_inputs": lambda: {"net": _net()},
    "nnlab.chapters.tuning.batch_norm.noise_run": lambda: {"mini_batch_size": 64},
    "nnlab.chapters.tuning.batch_norm.running_averages": lambda: {
        "stats": _batch_stats()[1],
        "momentum": 0.9,
    },
    "nnlab.chapters.tuning.batch_norm.test_mode_output": lambda: (
        lambda r: {"net": r[0], "stats": r[1], "momentum": 0.9}
    )(_batch_stats()),
    "nnlab.chapters.tuning.batch_norm.train_mode_output": lambda: {
        "net": _batch_stats()[0],
        "mini_batch_size": 64,
    },
    "nnlab.chapters.tuning.softmax.spirals": lambda: {"C": 3},
    "nnlab.chapters.tuning.softmax.trained_classifier": lambda: {"C": 3},
    "nnlab.chapters.tuning.softmax.logits": lambda: {
        "net": __import__("nnlab.model").model.Network([2, 4, 3], output="softmax"),
        "X": _X(),
    },
    "nnlab.chapters.tuning.softmax.tempered_softmax": lambda: {"Z": _Z(), "temperature": 2.0},
}


def _opt(name):
    def make():
        import nnlab.optimizers as o

        opt = getattr(o, name)(lr=0.01)
        params = _params()
        opt.step(params, _grads())  # some state, so a half-done update would show
        return opt.step, {"params": params, "grads": _grads()}

    return make


def _method(factory, method, kwargs):
    def make():
        obj = factory()
        return getattr(obj, method), kwargs()

    return make


def _explorer_figure(key):
    def make():
        from nnlab.explorer import all_explorers

        return all_explorers()[key].figure, {}

    return make


def _normalizer():
    from nnlab.data import Normalizer

    return Normalizer().fit(_X())


def _early():
    from nnlab.regularization import EarlyStopping

    return EarlyStopping(patience=2)


#: Public methods probed: ``name -> () -> (bound method, kwargs)``.
METHODS: dict[str, Callable] = {
    **{
        f"nnlab.optimizers.{n}.step": _opt(n)
        for n in ("SGD", "Momentum", "RMSprop", "Adam", "AdamW")
    },
    "nnlab.model.Network.forward": _method(_net, "forward", lambda: {"X": _X()}),
    "nnlab.model.Network.predict": _method(_net, "predict", lambda: {"X": _X()}),
    "nnlab.model.Network.predict_proba": _method(_net, "predict_proba", lambda: {"X": _X()}),
    "nnlab.model.Network.accuracy": _method(_net, "accuracy", lambda: {"X": _X(), "Y": _Y()}),
    "nnlab.model.Network.loss": _method(_net, "loss", lambda: {"X": _X(), "Y": _Y()}),
    "nnlab.model.Network.loss_and_grads": _method(
        _net, "loss_and_grads", lambda: {"X": _X(), "Y": _Y()}
    ),
    "nnlab.model.Network.cost_function": _method(
        _net, "cost_function", lambda: {"X": _X(), "Y": _Y()}
    ),
    "nnlab.model.Network.draw_masks": _method(
        lambda: _net(keep_prob=0.5), "draw_masks", lambda: {"m": 5}
    ),
    "nnlab.model.Network.accuracy_of": _method(
        _net, "accuracy_of", lambda: {"AL": np.full((1, M), 0.7), "T": _Y()}
    ),
    "nnlab.model.Network.penalty_cost": _method(
        lambda: _net(lambd=0.1), "penalty_cost", lambda: {"m": 10}
    ),
    "nnlab.data.Normalizer.fit": _method(
        lambda: __import__("nnlab.data").data.Normalizer(), "fit", lambda: {"X_train": _X()}
    ),
    "nnlab.data.Normalizer.transform": _method(_normalizer, "transform", lambda: {"X": _X()}),
    "nnlab.regularization.EarlyStopping.update": _method(
        _early, "update", lambda: {"epoch": 0, "dev_cost": 0.5, "params": _params()}
    ),
    "nnlab.tuning.Param.sample": _method(
        lambda: __import__("nnlab.tuning").tuning.Param(1e-4, 1.0, "log"),
        "sample",
        lambda: {"size": 3, "rng": 0},
    ),
    "nnlab.tuning.Param.grid": _method(
        lambda: __import__("nnlab.tuning").tuning.Param(1e-4, 1.0, "log"), "grid", lambda: {"n": 3}
    ),
}


def _add_explorers():
    from nnlab.explorer import all_explorers

    for key in all_explorers():
        METHODS[f"nnlab.chapters.{key}.figure"] = _explorer_figure(key)


_add_explorers()


def baseline(qualname: str, obj=None):
    """``(callable, kwargs)`` with new objects every call, or ``None`` if unknown."""
    if qualname in METHODS:
        return METHODS[qualname]()
    obj = public_callables()[qualname] if obj is None else obj
    sig = _signature(obj)
    kwargs = {}
    given_ = BASELINES[qualname]() if qualname in BASELINES else {}
    for name, p in sig.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if name in given_:
            kwargs[name] = given_[name]
        elif p.default is not p.empty:
            if p.default is not None:  # probed around its default too
                kwargs[name] = copy.deepcopy(p.default)
        elif name in GUESS:
            kwargs[name] = GUESS[name]()
        else:
            return None
    extra = {k: v for k, v in given_.items() if k not in kwargs}
    kwargs.update(extra)
    return obj, kwargs


@functools.lru_cache(maxsize=1)
def probed_callables() -> dict[str, Callable | None]:
    """Every name to probe: public functions and classes not exempt, and ``METHODS``."""
    out = {q: o for q, o in public_callables().items() if exempt_reason(q, o) is None}
    out.update({q: None for q in METHODS})
    return out


# ---------------------------------------------------------------- illegal values
POSITIVE = {
    "lr",
    "lr0",
    "epsilon",
    "eps",
    "bn_epsilon",
    "tol",
    "scale",
    "init_scale",
    "temperature",
    "b",
    "max_cost",
    "ratio",
    "h",
    "lr_min_positive",
}
BETA = {"beta", "beta1", "beta2", "momentum", "bn_momentum", "beta_rms"}
KEEP = {"keep_prob", "keep_prob1", "keep_prob2"}
NONNEG = {
    "lambd",
    "noise",
    "sigma",
    "weight_decay",
    "min_delta",
    "decay_rate",
    "amplitude",
    "train_error",
    "dev_error",
    "bayes_error",
}
SEEDS = {"seed", "rng"}


class _Opaque:
    def __repr__(self):
        return "<object>"


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_float(v):
    return isinstance(v, (float, np.floating))


def illegal_values(name: str, value, default=inspect.Parameter.empty) -> list[tuple[str, object]]:
    """``[(label, value)]``: values that must be refused for a parameter whose legal
    baseline is ``value`` (the kind of value decides what is illegal)."""
    none_ok = default is None
    out = []
    if name in SEEDS:
        out += [("seed -1", -1), ("seed 2.5", 2.5), ("seed '0'", "0"), ("seed nan", math.nan)]
        if not none_ok:
            out.append(("None", None))
        return out
    if isinstance(value, bool):
        return out  # Python's truthiness: not probed
    if _is_int(value) or _is_float(value):
        out += [
            ("nan", math.nan),
            ("inf", math.inf),
            ("-inf", -math.inf),
            ("numeric string", str(value)),
            ("complex", complex(value, 1.0)),
            ("object", _Opaque()),
        ]
        if not none_ok:
            out.append(("None", None))
        if _is_int(value):
            out += [("-1", -1), ("2.5", 2.5), ("huge 10**18", 10**18)]
        if name in POSITIVE:
            out += [("0", 0.0), ("negative", -1.0)]
        if name in BETA:
            out += [("1", 1.0), ("negative", -0.1)]
        if name in KEEP:
            out += [("0", 0.0), ("1.5", 1.5)]
        if name in NONNEG:
            out += [("negative", -1.0)]
        return out
    if isinstance(value, str):
        out += [("unknown option", "no such option"), ("number", 3)]
        if not none_ok:
            out.append(("None", None))
        return out
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating) and value.size:
        for label, bad in (("NaN inside", math.nan), ("inf inside", math.inf)):
            a = value.copy()
            a.flat[0] = bad
            out.append((label, a))
        out.append(("complex", value + 1j))
        out.append(("string", "abc"))
        if not none_ok:
            out.append(("None", None))
        if value.ndim == 2:
            out.append(("m = 0", value[:, :0]))
            out.append(("1-D", value.ravel()))
            if value.shape[0] != value.shape[1]:
                out.append(("transposed", value.T.copy()))
        elif value.ndim == 1:
            out.append(("empty", value[:0]))
            out.append(("2-D", np.atleast_2d(value).T.copy()))
        return out
    if isinstance(value, dict) and value and all(isinstance(v, np.ndarray) for v in value.values()):
        k0 = next(iter(value))
        bad = {k: v.copy() for k, v in value.items()}
        bad[k0].flat[0] = math.nan
        out += [("NaN inside", bad), ("not a dict", 3)]
        if not none_ok:
            out.append(("None", None))
        return out
    if callable(value) or isinstance(value, (list, tuple, Mapping)) or hasattr(value, "__dict__"):
        out += [("number", 3), ("string", "abc")]
        if not none_ok:
            out.append(("None", None))
    return out


_ANY_SHAPE = {"1-D", "transposed", "m = 0", "inf inside"}  # element-wise, limits at ±inf
_NONE = {"None"}
#: ``(qualname, parameter) -> labels`` of "illegal" values that are in fact legal (the
#: qualname may be given by its tail after ``nnlab.``); each line says why.
LEGAL = {
    ("surfaces.rosenbrock", "a"): {"-1"},  # any real a
    ("chapters.optimization.plateaus.hessian_2d", "x"): {"-1"},  # any point
    # element-wise activations take any shape and give the limit at ±inf
    **{
        (f"activations.{f}", "Z"): _ANY_SHAPE
        for f in ("sigmoid", "relu", "tanh", "sigmoid_backward", "relu_backward", "tanh_backward")
    },
    ("activations.softmax", "Z"): {"transposed", "inf inside"},  # any (C, m); the limit
    ("activations.softmax_backward", "Z"): {"transposed", "inf inside"},
    ("model.cross_entropy_from_logits", "ZL"): {"inf inside"},  # the limit: 0 or inf
    # schedules are defined for any real epoch >= 0 (a fraction of an epoch, far ends)
    **{
        (f"schedules.{f}", "epoch"): {"2.5", "huge 10**18"}
        for f in (
            "constant",
            "inverse_time_decay",
            "exponential_decay",
            "staircase_decay",
            "cosine_warmup",
        )
    },
    # None documented as "no limit", "the whole set" or "the default"
    ("train.train", "max_cost"): _NONE,
    ("train.gradient_descent", "max_cost"): _NONE,
    ("train.train", "mini_batch_size"): _NONE,
    ("chapters.tuning.frameworks.nnlab_adam_run", "mini_batch_size"): _NONE,  # train's None
    ("chapters.tuning.batch_norm.bn_run", "mini_batch_size"): _NONE,
    ("chapters.optimization.momentum_rmsprop.trajectories", "tol"): _NONE,
    ("chapters.optimization.plateaus.escape_race", "beta_rms"): _NONE,
    ("tuning.Param.sample", "rng"): _NONE,
    ("data.make_temperature", "coldest_day"): {"-1", "2.5", "huge 10**18"},  # a phase
    ("regularization.EarlyStopping.update", "dev_cost"): {"nan", "inf"},  # a diverged epoch
    ("gradcheck.verdict", "difference"): {"inf"},
    ("regularization.weight_keys", "params"): {"NaN inside"},  # reads the keys only
    ("chapters.practical.regularization.weights_of", "params"): {"NaN inside"},  # a read-out
    # any (n, m) is a legal matrix: the "transposed" one is another valid shape
    **{
        (q, n): {"transposed"}
        for q, n in (
            ("data.Normalizer.fit", "X_train"),
            ("chapters.practical.normalizing_inputs.hessian", "X"),
            ("chapters.practical.normalizing_inputs.condition_number", "X"),
            ("chapters.tuning.batch_norm.batch_stat_noise", "Z"),
            ("chapters.tuning.softmax.tempered_softmax", "Z"),
            ("regularization.dropout_forward", "A"),
            ("regularization.l1_grad", "W"),
            ("regularization.l2_grad", "W"),
        )
    },
    # a weight vector may be given flat or as a column
    **{
        (f"chapters.practical.normalizing_inputs.{q}", n): {"1-D", "transposed"}
        for q, n in (
            ("least_squares_cost", "w"),
            ("least_squares_grad", "w"),
            ("gd_path", "w0"),
            ("steps_to_converge", "w0"),
        )
    },
    ("minibatch.random_mini_batches", "mini_batch_size"): {"huge 10**18"},  # one batch
    ("ewa.ewa", "x"): {"2-D"},  # averages each column
    ("gradcheck.numerical_gradient", "x"): {"2-D", "empty"},  # any shape
    ("gradcheck.one_sided_gradient", "x"): {"2-D", "empty"},
    ("gradcheck.epsilon_sweep", "epsilons"): {"number"},  # one ε
    ("chapters.optimization.plateaus.classify", "eigenvalues"): {"number"},
    ("augmentation.rotate", "angles"): {"number"},  # one angle
    ("chapters.tuning.scale_and_practice.decade_counts", "values"): {"2-D", "empty"},
    ("chapters.practical.initialization.max_variance_ratio", "act_std"): {"2-D"},
    ("chapters.practical.augmentation_early_stopping.stopping_point", "dev_costs"): {
        "NaN inside",
        "inf inside",
        "empty",
    },  # diverged checks, none yet
    ("activations.get_activation", "param"): {"unknown option"},  # any label for messages
    ("plots.message_figure", "text"): {"unknown option"},  # any text
    ("plots.message_figure", "title"): {"unknown option"},
    ("plots.smooth", "values"): {"empty"},  # nothing to smooth
    # any (n, m) is a legal X_train: a transposed one is refused on X_dev, whose rows differ
    ("exercises.practical.normalize_inputs", "X_train"): {"transposed"},
    # check never raises because of the learner's function: whatever fn is, it is reported
    ("exercises.check", "fn"): {"number", "string", "None"},
    ("exercises.grade_function", "fn"): {"number", "string", "None"},
}


def is_legal(qualname: str, param: str, label: str) -> bool:
    tail = qualname[len("nnlab.") :]
    return label in LEGAL.get((tail, param), ())


def cases_for(qualname: str):
    """Every ``(parameter, label, value)`` to feed ``qualname``."""
    base = baseline(qualname, None if qualname in METHODS else probed_callables()[qualname])
    if base is None:
        return []
    fn, kwargs = base
    sig = _signature(fn)
    out = []
    for name, value in kwargs.items():
        p = sig.parameters.get(name)
        default = p.default if p is not None else inspect.Parameter.empty
        for label, bad in illegal_values(name, value, default):
            if not is_legal(qualname, name, label):
                out.append((name, label, bad))
    if qualname.endswith(".figure") and qualname.startswith("nnlab.chapters."):
        out += _control_cases(qualname)
    return out


def _control_cases(qualname):
    from nnlab.explorer import Dropdown, FloatSlider, IntSlider, LogSlider, all_explorers

    key = qualname[len("nnlab.chapters.") : -len(".figure")]
    out = []
    for c in all_explorers()[key].controls:
        if isinstance(c, (FloatSlider, LogSlider, IntSlider)):
            span = c.max - c.min
            out += [
                (c.name, "below range", c.min - span - 1),
                (c.name, "above range", c.max + span + 1),
                (c.name, "nan", math.nan),
                (c.name, "string", "abc"),
            ]
        elif isinstance(c, Dropdown):
            out += [(c.name, "not an option", "no such option")]
    return out


# ---------------------------------------------------------------- running one case
class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout


def names_parameter(message: str, name: str) -> bool:
    return (
        re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", message) is not None
    )


def snapshot(obj, depth=0):
    """A comparable copy of the arrays and numbers reachable from ``obj``."""
    if depth > 3:
        return None
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, (int, float, str, bool, type(None), complex)):
        return obj
    if isinstance(obj, Mapping):
        return {k: snapshot(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [snapshot(v, depth + 1) for v in obj]
    if hasattr(obj, "__self__") and not inspect.isbuiltin(obj):
        return snapshot(obj.__self__, depth + 1)
    if hasattr(obj, "__dict__") and not callable(obj) or hasattr(obj, "params"):
        return {k: snapshot(v, depth + 1) for k, v in vars(obj).items() if not k.startswith("__")}
    return None


def same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def run_case(qualname: str, param: str, bad, timeout: float = 10.0):
    """Feed ``bad`` as ``param``; returns ``(outcome, message, inputs_unchanged)`` with
    outcome ``"named"`` (ValueError naming the parameter), ``"misnamed"`` (a ValueError
    that does not name it), ``"other"`` (another exception), ``"silent"`` or ``"hang"``."""
    fn, kwargs = baseline(qualname, None if qualname in METHODS else probed_callables()[qualname])
    others = {k: v for k, v in kwargs.items() if k != param}
    before = snapshot([others, fn])
    kwargs = {**kwargs, param: bad}
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn(**kwargs)
        outcome, message = "silent", ""
        if qualname.endswith(".figure") and getattr(result, "bad_value_message", None):
            outcome, message = (
                ("named" if names_parameter(result.bad_value_message, param) else "misnamed"),
                result.bad_value_message,
            )
        _close(result)
    except _Timeout:
        outcome, message = "hang", f"no answer within {timeout:g} s"
    except ValueError as err:
        outcome = "named" if names_parameter(str(err), param) else "misnamed"
        message = str(err)
    except (Exception, RecursionError) as err:  # noqa: BLE001 - classifying, not handling
        outcome, message = "other", f"{type(err).__name__}: {err}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    unchanged = same(before, snapshot([others, fn]))
    return outcome, message.splitlines()[0][:200] if message else "", unchanged


def _close(result):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    for r in result if isinstance(result, tuple) else (result,):
        if isinstance(r, Figure):
            plt.close(r)


def all_cases():
    """Every ``(qualname, param, label, value)``, in a fixed order."""
    out = []
    for q in sorted(probed_callables()):
        out += [(q, p, label, bad) for p, label, bad in cases_for(q)]
    return out


# ---------------------------------------------------------------- the tests
_CASES = None


def _cases():
    global _CASES
    if _CASES is None:
        _CASES = all_cases()
    return _CASES


def test_every_public_callable_has_a_baseline():
    missing = []
    for q, obj in probed_callables().items():
        try:
            base = baseline(q, obj)
        except Exception as err:  # noqa: BLE001
            missing.append(f"{q}: baseline raised {type(err).__name__}: {err}")
            continue
        if base is None:
            missing.append(f"{q}: no baseline (add it to BASELINES or GUESS, or EXEMPT it)")
    assert not missing, "\n".join(missing)


#: Baselines that train for seconds, run by the tests of their own modules instead (every
#: explorer at its defaults by tests/test_explorer.py; the companions' runs by
#: tests/chapters); the probe script still feeds them illegal values.
SLOW = {
    "nnlab.chapters.practical.bias_variance.errors",
    "nnlab.chapters.optimization.lr_decay.run_schedule",
    "nnlab.chapters.optimization.lr_decay.constant_run",
    "nnlab.chapters.practical.gradient_checking.sweep",
    "nnlab.chapters.practical.gradient_checking.trained_params",
    "nnlab.chapters.tuning.softmax.trained_classifier",
    "nnlab.chapters.practical.initialization.init_run",
}


def test_every_baseline_call_works():
    failed = []
    for q in sorted(probed_callables()):
        if q in SLOW or (q.startswith("nnlab.chapters.") and q.endswith(".figure")):
            continue
        fn, kwargs = baseline(q)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                _close(fn(**kwargs))
        except DivergenceError:
            pass
        except Exception as err:  # noqa: BLE001
            failed.append(f"{q}: {type(err).__name__}: {err}")
    assert not failed, "\n".join(failed)


def test_every_probed_callable_gets_illegal_values():
    empty = [
        q for q in probed_callables() if not cases_for(q) and _signature(baseline(q)[0]).parameters
    ]
    assert not empty, f"no illegal value could be made for {empty}"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_illegal_value_is_refused_naming_the_parameter(data):
    q, param, label, bad = data.draw(st.sampled_from(_cases()), label="case")
    outcome, message, unchanged = run_case(q, param, bad)
    assert outcome == "named", f"{q}({param}={label}): {outcome}: {message}"
    assert unchanged, f"{q}({param}={label}) changed its other inputs before refusing"


# ---------------------------------------------------------------- regressions (issue 13)
def test_seed_is_checked_by_name():
    with pytest.raises(ValueError, match=r"^seed must be an integer seed"):
        Network([2, 3, 1], seed=-1)


def test_numeric_string_is_not_a_number():
    with pytest.raises(ValueError, match=r"noise must be a number, got '0.1' \(a string\)"):
        make_moons(noise="0.1")


def test_huge_epochs_refused_at_once():
    with pytest.raises(ValueError, match="epochs must be an integer"):
        train(_net(), _X(), _Y(), SGD(0.1), epochs=10**18)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: Adam(lr=math.inf), "lr"),
        (lambda: make_moons(noise=math.inf), "noise"),
        (lambda: inverse_time_decay(0.1, decay_rate=math.inf), "decay_rate"),
    ],
)
def test_inf_is_not_in_range(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must be in .*\(finite\)"):
        call()


def test_nan_in_X_is_refused_not_predicted_or_blamed_on_lr():
    net, X = _net(), _X()
    X[1, 3] = np.nan
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        net.predict(X)
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        train(net, X, _Y(), SGD(0.1), epochs=1)


def test_complex_arrays_are_refused():
    with pytest.raises(ValueError, match="X must be real"):
        _net().forward(_X() + 1j)


def test_mismatched_shapes_do_not_broadcast():
    with pytest.raises(ValueError, match=r"mu must have the shape of running_mu \(3, 1\)"):
        update_running_stats(_col(), _col(1.0), np.zeros((1, 1)), _col(1.0))
    net = _net()
    with pytest.raises(ValueError, match="T must have the shape of AL"):
        net.accuracy_of(np.full((1, M), 0.7), np.ones((1, 1)))
    with pytest.raises(ValueError, match="dA must have the shape of Z"):
        relu_backward(np.ones((3, 1)), _Z())


def test_train_with_no_example_is_a_value_error():
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\) with m >= 1"):
        train(_net(), np.zeros((2, 0)), np.zeros((1, 0)), SGD(0.1), epochs=1)


@pytest.mark.parametrize("rule", [SGD, Momentum, RMSprop, Adam])
def test_optimizer_step_is_all_or_nothing(rule):
    opt = rule(lr=0.01)
    params, grads = _params(), _grads()
    opt.step(params, grads)
    before = snapshot([params, opt])
    bad = _grads()
    bad["dW2"][0, 0] = np.nan  # a later key: the earlier ones must not move
    with pytest.raises(ValueError, match=r"grads\['dW2'\] must hold finite numbers"):
        opt.step(params, bad)
    assert same(before, snapshot([params, opt])) and opt.t == 1


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: race_on_surface("saddle", beta2=1.0, steps=3), "beta2"),
        (lambda: Network([2, 3, 1], init="random", init_scale=0), "init_scale"),
        (lambda: random_search(_objective(), _space(), 3, seed=-1), "seed"),
        (lambda: cross_entropy_from_logits(np.zeros((3, 1)), np.array([[1, 0, 1]])), "ZL"),
    ],
)
def test_the_parameter_typed_is_the_one_named(call, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        call()


def _relu_on_kink():
    """A ReLU net whose first example is the zero vector: with b = 0 every first-layer
    pre-activation of that example is exactly 0, on the kink."""
    net = Network([2, 3, 1], hidden="relu", seed=3)
    X = _X()
    X[:, 0] = 0.0
    Y = _Y()
    _, cache = net.forward(X, update_running=False)
    return net.cost_function(X, Y), net.params, net.backward(Y, cache)


def test_gradient_check_tells_a_kink_from_a_bug():
    f, params, grads = _relu_on_kink()
    rep = gradient_check(f, params, grads)
    assert rep.kinks and set(rep.kinks) <= {"b1"}
    assert rep.difference_off_kinks < 1e-7
    assert "kink" in str(rep) and "not evidence of a bug" in str(rep)
    bad = {k: v.copy() for k, v in grads.items()}
    bad["dW2"] *= 2.0
    rep_bug = gradient_check(f, params, bad)
    assert rep_bug.difference_off_kinks > 1e-3


def test_gradient_check_smooth_net_reports_no_kink():
    net = Network([2, 3, 1], hidden="tanh", seed=0)
    X, Y = _X(), _Y()
    _, cache = net.forward(X, update_running=False)
    rep = gradient_check(net.cost_function(X, Y), net.params, net.backward(Y, cache))
    assert rep.kinks == {} and rep.difference < 1e-7 and "Kinks" not in str(rep)


def test_gradient_check_transposed_gradient_is_a_shape_error():
    f, params, grads = _f_params()
    grads["dW1"] = grads["dW1"].T.copy()
    with pytest.raises(ValueError, match=r"grads\['dW1'\] has shape \(2, 4\).*transposed"):
        gradient_check(f, params, grads)


def test_gradient_check_refuses_float32_below_resolution():
    f, params, grads = _f_params()
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"eps = 1e-07 is below the resolution of params"):
        gradient_check(f, params32, grads, eps=1e-7)


def test_batch_norm_one_column_batch():
    with pytest.raises(ValueError, match="Z must have at least 2 columns in training mode"):
        batchnorm_forward(np.ones((3, 1)), _col(1.0), _col(0.0))
    net = Network([2, 3, 1], batchnorm=True)
    with pytest.warns(RuntimeWarning, match="mini-batch of one example"):
        net.forward(_X()[:, :1])
    with pytest.raises(ValueError, match="mini_batch_size must be >= 2 with batch norm"):
        train(net, _X(), _Y(), SGD(0.1), epochs=1, mini_batch_size=1)


def test_infinite_logits_stay_finite():
    S = softmax(np.array([[np.inf, 1.0], [0.0, np.inf], [-np.inf, 0.0]]))
    np.testing.assert_array_equal(S[:, 0], [1.0, 0.0, 0.0])
    assert np.all(np.isfinite(S))
    assert cross_entropy_from_logits(np.array([[np.inf, -np.inf]]), np.array([[1, 0]])) == 0.0
    J = cross_entropy_from_logits(
        np.array([[np.inf, 0.0], [0.0, 0.0]]), np.array([[0, 1]]), "softmax"
    )
    assert J == 0.5 * math.log(2.0)
    assert cross_entropy_from_logits(np.array([[np.inf]]), np.array([[0]])) == math.inf


@pytest.mark.parametrize("rule", [RMSprop, Adam])
def test_huge_gradients_refused_with_a_message(rule):
    params = {"w": np.ones((2, 1))}
    with pytest.raises(ValueError, match=r"grads\['dw'\] has entries up to 1e\+200"):
        rule(lr=0.1).step(params, {"dw": np.full((2, 1), 1e200)})
    rule(lr=0.1).step(params, {"dw": np.full((2, 1), 1e100)})
    assert np.all(np.isfinite(params["w"]))


def test_minibatch_explorer_tells_oscillation_from_stalling():
    from types import SimpleNamespace

    from nnlab.chapters.optimization.minibatch import _stalled

    swung = SimpleNamespace(initial_cost=0.7, train_costs=[3.0, 0.2, 5.0, 0.69], costs=[0.7])
    assert "oscillated" in _stalled(swung)
    flat = SimpleNamespace(initial_cost=0.7, train_costs=[0.7, 0.69, 0.69], costs=[0.7, 0.71])
    assert "barely moved" in _stalled(flat)


def test_explorer_figure_outside_a_control_range_is_a_message():
    from nnlab.chapters.optimization.minibatch import minibatch_explorer as ex

    fig = ex.figure(lr=100.0)
    assert "lr must be in [0.01, 10]" in fig.bad_value_message
    fig = ex.figure(mini_batch_size=3)
    assert fig.bad_value_message.startswith("mini_batch_size must be one of")
    fig = ex.figure(lr=math.nan)
    assert fig.bad_value_message.startswith("lr must be a finite number")
