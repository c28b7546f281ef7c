"""The training loop: mini-batches, an optimizer, an optional schedule and early stopping.

One call trains a :class:`~nnlab.model.Network` and returns a :class:`History` that
the plotting helpers draw. A run whose cost becomes NaN or infinite stops at once with
:class:`~nnlab.checks.DivergenceError` (carrying the partial history), instead of
printing a page of NumPy overflow warnings; with ``on_divergence="stop"`` it returns the
partial history instead (``history.diverged``, ``history.message``), so a widget can
draw the run up to the point it blew up. ``callback(epoch, net, history)`` is called
after every epoch: snapshots of the parameters, per-layer statistics, anything a
chapter wants to record (``step_callback(iteration, net, history)`` after every update).
Full-batch training (one update per epoch, as in the chapters on overfitting) is
``mini_batch_size=None``; a schedule may tick once per epoch or, with
``schedule_every="iteration"``, once per mini-batch.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np

from nnlab.cancellation import checkpoint
from nnlab.checks import DivergenceError, check_int, check_option, check_positive, check_seed
from nnlab.minibatch import _mini_batches
from nnlab.model import Network, cross_entropy_from_logits
from nnlab.optimizers import MAX_SQUARED_GRAD, SGD, Optimizer
from nnlab.regularization import EarlyStopping
from nnlab.schedules import CLOCKS

__all__ = ["train", "History", "gradient_descent", "MAX_COST"]

# A cross-entropy this large means logits of ~1e8: the run has blown up even before it
# overflows (a ReLU network at a huge α can die instead of ever reaching inf).
MAX_COST = 1e8


@dataclass
class History:
    """What happened during :func:`train`.

    ``costs``: the mini-batch cost ``J^{t}`` (cross-entropy + penalty, training mode)
    at every iteration ``t``, measured just before update ``t`` (noisy: each is a
    different batch); per epoch: ``epoch_costs`` (mean of that epoch's ``J^{t}``,
    weighted by batch size), ``train_costs`` (``J``, cross-entropy + penalty, on all
    ``m`` training examples after the epoch's last update, test mode: the smooth curve),
    ``train_acc``, ``dev_acc`` and ``dev_costs`` (dev cross-entropy without the penalty,
    test mode), ``lrs`` (the learning rate used; one per iteration instead with
    ``schedule_every="iteration"``; 0 where the schedule skipped updates) and
    ``epoch_seconds`` (wall time of the epoch's shuffle and updates, not of these
    per-epoch measurements).
    ``initial_cost``: ``J`` on all ``m`` examples before the first update (test mode),
    so ``[initial_cost] + train_costs`` is the cost after 0, 1, … epochs.
    ``measured_epochs``: the epochs at which ``train_costs``, ``train_acc``, ``dev_acc``
    and ``dev_costs`` were measured (every epoch unless ``measure_every > 1``).
    ``stopped_epoch``: the epoch early stopping fired (else ``None``); ``best_epoch``:
    the epoch whose weights were kept; ``seconds``: wall-clock time of the whole call.
    ``message``: why the run was cut short by divergence (``on_divergence="stop"``),
    else ``""``; ``diverged`` is ``True`` exactly when there is such a message.
    """

    costs: list = field(default_factory=list)
    epoch_costs: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    dev_acc: list = field(default_factory=list)
    dev_costs: list = field(default_factory=list)
    lrs: list = field(default_factory=list)
    train_costs: list = field(default_factory=list)
    epoch_seconds: list = field(default_factory=list)
    measured_epochs: list = field(default_factory=list)
    initial_cost: float | None = None
    stopped_epoch: int | None = None
    best_epoch: int | None = None
    seconds: float = 0.0
    message: str = ""

    @property
    def diverged(self) -> bool:
        """``True`` if the run stopped on a NaN, infinite or too large cost."""
        return bool(self.message)

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.epoch_costs)

    @property
    def seconds_per_epoch(self) -> float:
        """Median of ``epoch_seconds`` (the median shrugs off a busy machine's hiccups);
        NaN before the first epoch is complete."""
        return float(np.median(self.epoch_seconds)) if self.epoch_seconds else float("nan")


def _check_net(net):
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnlab.model.Network, got {type(net).__name__}")


def _diverged(history, iteration, epoch, lr, what):
    return DivergenceError(
        f"Training diverged: the {what} at iteration {iteration} (epoch {epoch}) with "
        f"learning rate lr = {lr:g}. Try a smaller learning rate.",
        iteration=iteration,
        history=history,
    )


def _cost_problem(J, max_cost):
    if np.isnan(J):
        return "cost became NaN"
    if np.isinf(J):
        return "cost became infinite"
    if max_cost is not None and J > max_cost:
        return f"cost exceeded {max_cost:g} (J = {J:.3g})"
    return None


def _grads_problem(grads):
    """A gradient that is NaN, infinite or too large to square (RMSprop, Adam): divergence.
    These are the checks ``Optimizer.step`` would make, so the loop skips them there."""
    for key, g in grads.items():
        largest = np.max(np.abs(g)) if g.size else 0.0  # NaN if any entry is NaN
        if not largest <= MAX_SQUARED_GRAD:
            if not np.isfinite(largest):
                return f"gradient {key} became NaN or infinite"
            return f"gradient {key} exceeded {MAX_SQUARED_GRAD:g}"
    return None


def _test_pass(net: Network, X, T):
    """``(cache, accuracy)``: one test-mode forward pass of ``net`` on ``X`` and the
    accuracy it gives (the same number as ``net.accuracy(X, T)``)."""
    AL, cache = net.forward(X, training=False, update_running=False)
    return cache, net._accuracy(AL, T)


def train(
    net: Network,
    X,
    Y,
    optimizer,
    epochs: int = 100,
    mini_batch_size: int | None = 64,
    schedule=None,
    seed: int = 0,
    X_dev=None,
    Y_dev=None,
    early_stopping=None,
    decay_every: int = 1,
    max_cost: float | None = MAX_COST,
    callback=None,
    on_divergence: str = "raise",
    measure_every: int = 1,
    step_callback=None,
    schedule_every: str = "epoch",
) -> History:
    """Mini-batch training of ``net`` on ``X`` ``(n_x, m)``, ``Y`` ``(1, m)`` (or one-hot).

    ``schedule`` is a schedule ``t -> α`` (see :mod:`nnlab.schedules`). Each epoch
    ``e``: if ``schedule`` is given and ``e`` is a multiple of
    ``decay_every``, set ``optimizer.lr = schedule(e)``; shuffle into mini-batches with
    ``random_mini_batches(X, Y, mini_batch_size, seed + e)`` (``None``: one batch of all
    ``m``); for each batch ``t`` compute ``J^{t}`` and the gradients, then
    ``optimizer.step(net.params, grads)``. With ``schedule_every="iteration"`` the
    schedule's clock is the iteration instead: before update ``t = 0, 1, …`` (counted
    across epochs), if ``t`` is a multiple of ``decay_every``,
    ``optimizer.lr = schedule(t)``. Either way a schedule value of exactly 0 means
    "no update": the updates are skipped (the optimizer is not called, so its moments
    and step count ``t`` stay as they were; the costs are still recorded) until the
    schedule gives a positive α again. Dropout masks come from
    ``np.random.default_rng(seed)``, so a run is reproducible. With
    ``optimizer=SGD(lr)`` this is mini-batch gradient descent, ``W[l] := W[l] − α dW[l]``
    once per batch: ``mini_batch_size = m`` (or ``None``) is batch gradient descent (one
    update per epoch), ``mini_batch_size = 1`` stochastic gradient descent (``m``).
    After each epoch ``J`` on the whole training set is recorded in ``train_costs``.

    With ``X_dev, Y_dev`` the dev cost and accuracy are recorded each epoch;
    ``early_stopping`` (an :class:`~nnlab.regularization.EarlyStopping`, needs the dev
    set) is updated with the dev cost and may end the run; if its ``restore_best`` is
    true the best epoch's parameters (and batch-norm running averages) are put back
    into ``net`` at the end.

    Raises :class:`~nnlab.checks.DivergenceError` (``.history`` holds the partial
    history) when a cost becomes NaN or infinite, or exceeds ``max_cost`` (default
    ``1e8``: a cross-entropy that large means logits of ``~1e8``, a run that has blown up
    even if it has not overflowed yet; ``None`` checks NaN/inf only). The cost on the
    whole training set after each epoch is checked the same way. With
    ``on_divergence="stop"`` nothing is raised: the partial history is returned with
    ``history.diverged`` true and the error's text in ``history.message`` (``net`` is
    left as it was at that point).

    ``callback(epoch, net, history)``, if given, is called after every completed epoch,
    once that epoch's measurements (and early stopping's update) are in ``history``,
    including the epoch at which early stopping fires. ``step_callback(iteration, net,
    history)``, if given, is called after every update ``iteration = 0, 1, …`` (after
    ``optimizer.step``, with that step's ``J^{t}`` last in ``history.costs``; also after
    an iteration whose update a zero α skipped): for what
    changes at every step, e.g. the batch-norm running statistics ``net.running``,
    which with ``bn_momentum = 0`` are exactly the statistics of the step's mini-batch.

    ``measure_every = k`` takes the per-epoch measurements (``J`` on the training set,
    the accuracies, the dev cost and early stopping's check) only after epochs
    ``k - 1, 2k - 1, …`` and the last one (listed in ``history.measured_epochs``); the
    mini-batch costs are still checked at every iteration. Long full-batch runs use it
    so that measuring does not cost more than training. ``mini_batch_size=None`` with
    ``epochs = T`` is ``T`` iterations of batch gradient descent, so ``callback`` sees
    the network after every iteration.
    """
    _check_net(net)
    X = net.check_X(X)
    m = X.shape[1]
    T = net.targets(Y, m)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be an nnlab.optimizers optimizer (SGD(lr), Adam(), …), "
            f"got {optimizer!r}"
        )
    epochs = check_int("epochs", epochs, low=1)
    batch = m if mini_batch_size is None else check_int("mini_batch_size", mini_batch_size)
    if net.batchnorm and batch < 2:
        raise ValueError(
            "mini_batch_size must be >= 2 with batch norm (a batch of one example "
            "has no spread to normalize by), got 1"
        )
    seed = check_seed("seed", seed)
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ValueError(f"early_stopping must be an EarlyStopping or None, got {early_stopping!r}")
    decay_every = check_int("decay_every", decay_every)
    measure_every = check_int("measure_every", measure_every)
    if max_cost is not None:
        check_positive("max_cost", max_cost)
    if schedule is not None and not callable(schedule):
        raise ValueError(f"schedule must be a callable epoch -> lr, got {schedule!r}")
    check_option("schedule_every", schedule_every, CLOCKS)
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("X_dev and Y_dev must be given together")
    if X_dev is not None:
        X_dev = net.check_X(X_dev)
        T_dev = net.targets(Y_dev, X_dev.shape[1])
    if early_stopping is not None and X_dev is None:
        raise ValueError("early_stopping needs a dev set: pass X_dev and Y_dev")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be a callable (epoch, net, history), got {callback!r}")
    if step_callback is not None and not callable(step_callback):
        raise ValueError(
            f"step_callback must be a callable (iteration, net, history), got {step_callback!r}"
        )
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop', got {on_divergence!r}")

    history = History()
    try:
        return _train(
            net,
            X,
            T,
            m,
            optimizer,
            epochs,
            batch,
            schedule,
            seed,
            X_dev,
            T_dev if X_dev is not None else None,
            early_stopping,
            decay_every,
            max_cost,
            callback,
            measure_every,
            step_callback,
            schedule_every == "iteration",
            history,
        )
    except DivergenceError as err:
        if on_divergence == "raise":
            raise
        history.message = str(err)
        return history


def _set_lr(optimizer, value) -> float:
    """``optimizer.lr = value`` unless ``value`` is 0 (no update); returns α as a float.
    A negative α is refused by the optimizer."""
    alpha = float(value)
    if alpha != 0.0:
        optimizer.lr = alpha
    return alpha


def _train(
    net,
    X,
    T,
    m,
    optimizer,
    epochs,
    batch,
    schedule,
    seed,
    X_dev,
    T_dev,
    early_stopping,
    decay_every,
    max_cost,
    callback,
    measure_every,
    step_callback,
    per_iteration,
    history,
):
    rng = np.random.default_rng(seed)
    best_running = None
    start = time.perf_counter()
    iteration = 0
    alpha = float(optimizer.lr)  # the current α; 0 (from a schedule) skips the updates
    # Overflow on the way to divergence is expected: it is reported once, as an error.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        history.initial_cost = float(net.loss(X, T))
        for epoch in range(epochs):
            checkpoint()  # an explorer's drawing ahead stops here once superseded
            if schedule is not None and not per_iteration and epoch % decay_every == 0:
                alpha = _set_lr(optimizer, schedule(epoch))
            if not per_iteration:
                history.lrs.append(float(optimizer.lr) if alpha else 0.0)
            total = 0.0
            epoch_start = time.perf_counter()
            # X and the targets T were checked once, above: not at every epoch or step
            for X_t, Y_t in _mini_batches(X, T, batch, seed + epoch):
                J, grads = net.loss_and_grads(X_t, Y_t, rng=rng, check=False)
                problem = _cost_problem(J, max_cost) or _grads_problem(grads)
                if problem:
                    history.seconds = time.perf_counter() - start
                    raise _diverged(history, iteration, epoch, optimizer.lr, problem)
                history.costs.append(J)
                total += J * X_t.shape[1]
                if per_iteration:
                    if schedule is not None and iteration % decay_every == 0:
                        alpha = _set_lr(optimizer, schedule(iteration))
                    history.lrs.append(float(optimizer.lr) if alpha else 0.0)
                if alpha != 0.0:
                    optimizer.step(net.params, grads, check=False)
                if step_callback is not None:
                    step_callback(iteration, net, history)
                iteration += 1
            history.epoch_seconds.append(time.perf_counter() - epoch_start)
            history.epoch_costs.append(total / m)
            if not all(np.all(np.isfinite(p)) for p in net.params.values()):
                history.seconds = time.perf_counter() - start
                raise _diverged(
                    history, iteration - 1, epoch, optimizer.lr, "parameters became NaN or infinite"
                )
            if (epoch + 1) % measure_every and epoch != epochs - 1:
                if callback is not None:
                    callback(epoch, net, history)
                continue
            # one test-mode pass gives J and the accuracy (net.loss and net.accuracy make one each)
            cache, train_acc = _test_pass(net, X, T)
            J_full = float(net._cost(T, cache))
            problem = _cost_problem(J_full, max_cost)
            if problem:
                history.seconds = time.perf_counter() - start
                raise _diverged(
                    history, iteration - 1, epoch, optimizer.lr, f"training-set {problem}"
                )
            history.train_costs.append(J_full)
            history.measured_epochs.append(epoch)
            history.train_acc.append(train_acc)
            stop = False
            if X_dev is not None:
                cache, dev_acc = _test_pass(net, X_dev, T_dev)
                dev_cost = cross_entropy_from_logits(cache[f"Z{net.L}"], T_dev, net.output)
                history.dev_costs.append(dev_cost)
                history.dev_acc.append(dev_acc)
                if early_stopping is not None:
                    stop = early_stopping.update(epoch, dev_cost, net.params)
                    if early_stopping.best_epoch == epoch:
                        best_running = copy.deepcopy(net.running)
            if callback is not None:
                callback(epoch, net, history)
            if stop:
                history.stopped_epoch = epoch
                break
    if early_stopping is not None and early_stopping.best_params is not None:
        history.best_epoch = early_stopping.best_epoch
        if early_stopping.restore_best:
            early_stopping.restore(net.params)
            if best_running is not None:
                net.running.update(best_running)
    history.seconds = time.perf_counter() - start
    return history


def gradient_descent(net: Network, X, Y, steps: int, lr: float, max_cost: float = MAX_COST):
    """Plain full-batch gradient descent ``W := W - α dW`` (``SGD``) for ``steps`` steps.

    The lean loop for widgets that retrain on every slider move: one forward and one
    backward per step on all ``m`` columns in their given order, no shuffling and no
    per-epoch measurements (``train(..., mini_batch_size=None)`` does those, at a cost).
    Returns ``(costs, diverged_at)``: ``J`` before each step, cut short at the step whose
    cost was NaN, infinite or above ``max_cost`` (``diverged_at``, else ``None``).
    """
    _check_net(net)
    X = net.check_X(X)
    Y = net.targets(Y, X.shape[1])
    steps = check_int("steps", steps, low=0)
    if max_cost is not None:
        check_positive("max_cost", max_cost)
    optimizer = SGD(lr=lr)
    costs = []
    # a blowing-up run overflows on its way to inf; that is reported once, as divergence
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in range(steps):
            J, grads = net.loss_and_grads(X, Y, check=False)
            if _cost_problem(J, max_cost) or _grads_problem(grads):
                return np.array(costs), t
            costs.append(J)
            optimizer.step(net.params, grads, check=False)
    return np.array(costs), None
