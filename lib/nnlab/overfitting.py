"""Make, watch and diagnose overfitting: the experiments of the chapters on practical aspects.

- :func:`football_split`: the goalkeeper data of :func:`~nnlab.data.make_football`, cut
  into a small training set (so a large network can memorise it) and a large dev set
  (so dev accuracy is measured to about ±2 %).
- :func:`fit_full_batch`: batch gradient descent with Adam that records the cost at
  every iteration and, every ``record_every`` iterations, train/dev accuracy, the dev
  cost and (optionally) a copy of the parameters, so one run answers "what did the
  network look like after ``t`` iterations?" for every ``t`` a widget asks about.
- :func:`diagnose`: the basic recipe's reading of train and dev error.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from .checks import DivergenceError, check_int, check_positive, check_range
from .data import Split, make_football, train_dev_test_split
from .model import Network, cross_entropy_from_logits
from .optimizers import Adam

__all__ = ["football_split", "fit_full_batch", "fit_or_raise", "FitRecord", "diagnose", "weights_of"]


def football_split(m: int = 600, noise: float = 0.1, n_train: int = 200, seed: int = 0) -> Split:
    """``m`` goalkeeper kicks (labels flipped with probability ``noise``) split into
    ``n_train`` training and ``m - n_train`` dev examples (no test set: the chapters
    compare models on dev only).

    With label noise ``noise`` the best possible (Bayes) error is ``noise``: a flipped
    label cannot be predicted from where the ball landed.
    """
    m = check_int("m", m, low=4)
    n_train = check_int("n_train", n_train, low=2)
    if n_train >= m - 1:
        raise ValueError(f"n_train must be in [2, m - 2] = [2, {m - 2}], got {n_train}")
    X, Y = make_football(m, noise=noise, seed=seed)
    return train_dev_test_split(X, Y, (n_train, m - n_train, 0), seed=seed)


@dataclass
class FitRecord:
    """What :func:`fit_full_batch` saw.

    ``costs[t]``: the training-mode cost ``J`` at iteration ``t`` (with dropout on, if
    any); ``checkpoints``: the iterations ``0, k, 2k, …`` at which the next lists were
    recorded (``0`` is before any update); ``train_acc``, ``dev_acc``; ``train_costs``,
    ``dev_costs``: cross-entropy in test mode (no dropout, no penalty); ``snapshots``:
    parameter copies at the checkpoints (when asked for); ``message``: why the run
    stopped early (divergence), else ``""``.
    """

    costs: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    dev_acc: list = field(default_factory=list)
    train_costs: list = field(default_factory=list)
    dev_costs: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    message: str = ""


def _test_cost(net: Network, X, Y) -> float:
    _, cache = net.forward(X, training=False, update_running=False)
    return cross_entropy_from_logits(cache[f"Z{net.L}"], Y, net.output)


def _record(rec: FitRecord, net, t, X, Y, X_dev, Y_dev, keep_snapshots):
    rec.checkpoints.append(t)
    rec.train_acc.append(net.accuracy(X, Y))
    rec.train_costs.append(_test_cost(net, X, Y))
    if X_dev is not None:
        rec.dev_acc.append(net.accuracy(X_dev, Y_dev))
        rec.dev_costs.append(_test_cost(net, X_dev, Y_dev))
    if keep_snapshots:
        rec.snapshots.append(copy.deepcopy(net.params))


def fit_full_batch(net: Network, X, Y, lr: float = 0.01, iterations: int = 1000,
                   X_dev=None, Y_dev=None, record_every: int = 10,
                   keep_snapshots: bool = False, seed: int = 0,
                   mini_batch_size: int | None = None) -> FitRecord:
    """Gradient descent with Adam: ``iterations`` updates on all ``m`` examples.

    Each iteration ``t`` computes ``J = (1/m) Σ_i L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) + penalty`` in training
    mode (dropout masks from ``np.random.default_rng(seed)``), its gradients, and takes
    one Adam step ``W ← W - lr · m̂ / (√v̂ + ε)``. With ``mini_batch_size`` set, each
    iteration instead uses that many examples drawn at random without replacement
    (noisier steps, same number of updates). Every ``record_every`` iterations (and
    before the first) the test-mode accuracies and costs are recorded, with a deep copy
    of ``net.params`` when ``keep_snapshots``.

    A NaN, infinite or huge (``> 1e8``) cost does not raise: the run stops and
    ``FitRecord.message`` says so, so a widget can still draw what there is
    (:func:`fit_or_raise` raises :class:`~nnlab.checks.DivergenceError` instead).
    """
    X = net._check_X(X)
    Y = net._targets(Y, X.shape[1])
    check_positive("lr", lr)
    iterations = check_int("iterations", iterations, low=0)
    record_every = check_int("record_every", record_every, low=1)
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("X_dev and Y_dev must be given together")
    m = X.shape[1]
    if mini_batch_size is not None:
        mini_batch_size = min(check_int("mini_batch_size", mini_batch_size), m)
    rng = np.random.default_rng(seed)
    opt = Adam(lr=lr)
    rec = FitRecord()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        _record(rec, net, 0, X, Y, X_dev, Y_dev, keep_snapshots)
        for t in range(1, iterations + 1):
            if mini_batch_size is None or mini_batch_size == m:
                J, grads = net.loss_and_grads(X, Y, rng=rng)
            else:
                idx = rng.choice(m, size=mini_batch_size, replace=False)
                J, grads = net.loss_and_grads(X[:, idx], Y[:, idx], rng=rng)
            if not np.isfinite(J) or J > 1e8:
                rec.message = f"the cost blew up at iteration {t} (lr = {lr:g})"
                break
            rec.costs.append(J)
            opt.step(net.params, grads)
            if t % record_every == 0:
                _record(rec, net, t, X, Y, X_dev, Y_dev, keep_snapshots)
    return rec


def fit_or_raise(net: Network, X, Y, **kwargs) -> FitRecord:
    """:func:`fit_full_batch`, raising :class:`~nnlab.checks.DivergenceError` if it blew up."""
    rec = fit_full_batch(net, X, Y, **kwargs)
    if rec.message:
        raise DivergenceError(rec.message, iteration=len(rec.costs), history=rec)
    return rec


def diagnose(train_error: float, dev_error: float, bayes_error: float = 0.0,
             tolerance: float = 0.03) -> str:
    """The basic recipe's reading of the two errors (fractions in [0, 1]).

    *Avoidable bias* is ``train_error - bayes_error``; *variance* is
    ``dev_error - train_error``. Each counts as high when it exceeds ``tolerance``.
    Returns ``"high bias"``, ``"high variance"``, ``"high bias and high variance"`` or
    ``"low bias, low variance"``.
    """
    for name, v in (("train_error", train_error), ("dev_error", dev_error),
                    ("bayes_error", bayes_error), ("tolerance", tolerance)):
        check_range(name, v, 0, 1)
    bias = train_error - bayes_error > tolerance
    variance = dev_error - train_error > tolerance
    if bias and variance:
        return "high bias and high variance"
    if bias:
        return "high bias"
    if variance:
        return "high variance"
    return "low bias, low variance"


def weights_of(params: dict) -> np.ndarray:
    """Every entry of every weight matrix ``W[l]`` (not the biases), as one flat array."""
    return np.concatenate([np.ravel(v) for k, v in params.items() if k.startswith("W")])
