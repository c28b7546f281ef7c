import copy
import math
import warnings

import numpy as np
import pytest

from nnlab.checks import DivergenceError
from nnlab.data import football_split, make_moons, make_spirals, train_dev_test_split
from nnlab.minibatch import random_mini_batches
from nnlab.model import Network, cross_entropy_from_logits
from nnlab.optimizers import SGD, Adam
from nnlab.regularization import EarlyStopping
from nnlab.train import History, gradient_descent, train


@pytest.fixture(scope="module")
def moons():
    return make_moons(m=400, noise=0.15, seed=0)


def test_two_moons_reach_95_percent(moons):
    X, Y = moons
    net = Network([2, 16, 16, 1], seed=0)
    h = train(net, X, Y, Adam(lr=0.01), epochs=60, mini_batch_size=64)
    assert isinstance(h, History)
    assert h.train_acc[-1] > 0.95 and net.accuracy(X, Y) > 0.95
    assert h.epoch_costs[-1] < 0.5 * h.epoch_costs[0]
    assert len(h.costs) == 60 * math.ceil(400 / 64) and len(h.epoch_costs) == 60
    assert h.seconds > 0 and h.stopped_epoch is None


def test_softmax_with_labels_and_batchnorm_trains():
    X, Y = make_spirals(m=300, k=3, noise=0.1, seed=0)
    net = Network([2, 32, 32, 3], output="softmax", batchnorm=True, seed=0)
    h = train(net, X, Y, Adam(lr=0.02), epochs=80, mini_batch_size=64)
    assert h.train_acc[-1] > 0.9
    assert net.predict(X).shape == (1, 300)


def test_huge_learning_rate_raises_divergence_without_warnings(moons):
    X, Y = moons
    net = Network([2, 16, 16, 1], lambd=1.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning would fail the test
        with pytest.raises(DivergenceError) as info:
            train(net, X, Y, SGD(lr=1000.0), epochs=50)
    err = info.value
    assert "iteration" in str(err) and "lr = 1000" in str(err)
    assert isinstance(err.history, History)
    assert len(err.history.costs) == err.iteration  # every finite cost before it was kept
    assert all(np.isfinite(err.history.costs))


def test_exploding_but_finite_cost_is_divergence_too(moons):
    # ReLU + SGD at lr = 1e6: the cost passes 1e40 yet stays finite (units then die)
    X, Y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="exceeded 1e\\+08"):
            train(Network([2, 16, 16, 1], seed=0), X, Y, SGD(lr=1e6), epochs=5)
        # with the threshold off, only NaN/inf count, and this run finishes
        h = train(Network([2, 16, 16, 1], seed=0), X, Y, SGD(lr=1e6), epochs=5, max_cost=None)
    assert max(h.costs) > 1e40 and np.all(np.isfinite(h.costs))


@pytest.mark.parametrize("size", [None, 400])  # None and m are both batch GD
def test_full_batch_matches_hand_gradient_descent(moons, size):
    X, Y = moons
    net, ref = Network([2, 5, 1], seed=3), Network([2, 5, 1], seed=3)
    h = train(net, X, Y, SGD(lr=0.5), epochs=5, mini_batch_size=size)
    assert len(h.costs) == 5
    for _ in range(5):  # W := W - α dW on all examples (column order does not matter)
        _, grads = ref.loss_and_grads(X, Y)
        for k in ref.params:
            ref.params[k] -= 0.5 * grads["d" + k]
    for k in ref.params:
        np.testing.assert_allclose(net.params[k], ref.params[k], atol=1e-12)


def test_schedule_sets_lr_every_decay_every_epochs(moons):
    X, Y = moons
    net = Network([2, 4, 1], seed=0)
    h = train(net, X, Y, SGD(lr=0.1), epochs=7, schedule=lambda e: 0.1 / (1 + e), decay_every=3)
    assert h.lrs == pytest.approx([0.1] * 3 + [0.1 / 4] * 3 + [0.1 / 7])


def test_schedule_every_iteration_sets_lr_before_each_update(moons):
    # full batch: iteration t is epoch t, so the per-iteration clock is checkable by hand
    X, Y = moons
    net, ref = Network([2, 5, 1], seed=3), Network([2, 5, 1], seed=3)
    rate = lambda t: 0.5 / (1 + t)
    h = train(
        net,
        X,
        Y,
        SGD(lr=0.5),
        epochs=4,
        mini_batch_size=None,
        schedule=rate,
        schedule_every="iteration",
    )
    assert h.lrs == pytest.approx([0.5, 0.25, 0.5 / 3, 0.125])
    for t in range(4):
        _, grads = ref.loss_and_grads(X, Y)
        for k in ref.params:
            ref.params[k] -= rate(t) * grads["d" + k]
    for k in ref.params:
        np.testing.assert_allclose(net.params[k], ref.params[k], atol=1e-12)
    # mini-batches: one α per update, ticking every decay_every updates across epochs
    seen = []
    opt = SGD(lr=1.0)
    h = train(
        Network([2, 4, 1], seed=0),
        X,
        Y,
        opt,
        epochs=2,
        mini_batch_size=100,
        schedule=lambda t: 1.0 / (1 + t),
        schedule_every="iteration",
        decay_every=3,
        step_callback=lambda t, n, hist: seen.append(opt.lr),
    )
    expected = [1.0] * 3 + [0.25] * 3 + [1 / 7] * 2  # 4 updates per epoch
    assert h.lrs == pytest.approx(expected) and seen == pytest.approx(expected)
    assert len(h.costs) == 8 and len(h.epoch_costs) == 2


def test_a_zero_scheduled_rate_skips_the_updates():
    # α = 0 from a schedule is "no update" (the optimizer refuses lr = 0 itself): the
    # optimizer is not called, its state and the parameters stay put, costs are recorded
    X, Y = _small_moons(40)
    start = Network([2, 4, 1], seed=0).params
    adam = Adam(lr=0.01)
    calls = []
    net = Network([2, 4, 1], seed=0)
    h = train(
        net,
        X,
        Y,
        adam,
        epochs=3,
        mini_batch_size=10,
        schedule=lambda t: 0.0,
        schedule_every="iteration",
        step_callback=lambda t, n, hist: calls.append(t),
    )
    assert adam.t == 0 and adam.lr == 0.01 and h.lrs == [0.0] * 12
    assert calls == list(range(12)) and len(h.costs) == 12 and np.all(np.isfinite(h.costs))
    for k, p in net.params.items():
        np.testing.assert_array_equal(p, start[k])
    # per epoch: updates in epochs 0 and 2 only; Adam takes 4 + 4 steps
    adam = Adam(lr=0.01)
    h = train(
        Network([2, 4, 1], seed=0),
        X,
        Y,
        adam,
        epochs=3,
        mini_batch_size=10,
        schedule=lambda e: 0.0 if e == 1 else 0.01,
    )
    assert adam.t == 8 and h.lrs == [0.01, 0.0, 0.01]
    assert h.train_costs[0] == h.train_costs[1] != h.train_costs[2]
    with pytest.raises(ValueError, match="^lr"):  # a negative α is still refused
        train(Network([2, 4, 1]), X, Y, SGD(lr=0.1), epochs=1, schedule=lambda e: -0.1)


def test_early_stopping_restores_best_weights(moons):
    X, Y = moons
    s = train_dev_test_split(X, Y, (0.5, 0.5, 0.0), seed=0)
    # a big network on little data with a high rate: the dev cost turns back up
    net = Network([2, 64, 64, 1], seed=0)
    es = EarlyStopping(patience=5)
    h = train(
        net,
        s.X_train[:, :60],
        s.Y_train[:, :60],
        Adam(lr=0.03),
        epochs=300,
        mini_batch_size=16,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        early_stopping=es,
    )
    assert h.stopped_epoch is not None and h.stopped_epoch < 299
    assert h.best_epoch == int(np.argmin(h.dev_costs))
    assert h.stopped_epoch == h.best_epoch + 5
    assert len(h.dev_costs) == h.stopped_epoch + 1
    # the weights left in the network are the best epoch's: recompute its dev cost
    _, cache = net.forward(s.X_dev, training=False)
    dev_now = cross_entropy_from_logits(cache[f"Z{net.L}"], s.Y_dev)
    assert dev_now == pytest.approx(min(h.dev_costs), rel=1e-12)
    assert dev_now < h.dev_costs[-1]


def test_dev_metrics_recorded_and_seeded_runs_repeat(moons):
    X, Y = moons
    s = train_dev_test_split(X, Y)
    runs = []
    for seed in (1, 1, 2):
        net = Network([2, 8, 1], keep_prob=0.8, seed=0)
        runs.append(
            train(
                net,
                s.X_train,
                s.Y_train,
                Adam(lr=0.01),
                epochs=5,
                seed=seed,
                X_dev=s.X_dev,
                Y_dev=s.Y_dev,
            )
        )
    assert len(runs[0].dev_acc) == len(runs[0].dev_costs) == 5
    assert all(0 <= a <= 1 for a in runs[0].dev_acc)
    assert runs[0].costs == runs[1].costs
    assert runs[0].costs != runs[2].costs


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(epochs=0), "epochs"),
        (dict(mini_batch_size=0), "mini_batch_size"),
        (dict(decay_every=0), "decay_every"),
        (dict(max_cost=-1.0), "max_cost"),
        (dict(schedule=0.1), "schedule"),
        (dict(X_dev=np.zeros((2, 3))), "X_dev"),
        (dict(early_stopping=EarlyStopping()), "early_stopping"),
        (dict(callback=3), "callback"),
        (dict(on_divergence="ignore"), "on_divergence"),
        (dict(measure_every=0), "measure_every"),
        (dict(step_callback=3), "step_callback"),
        (dict(schedule_every="batch"), "schedule_every"),
    ],
)
def test_bad_arguments_name_the_parameter(moons, kwargs, name):
    X, Y = moons
    with pytest.raises(ValueError, match=rf"^{name}"):
        train(Network([2, 3, 1]), X, Y, SGD(lr=0.1), **kwargs)


def test_bad_shapes(moons):
    X, Y = moons
    with pytest.raises(ValueError, match="^X must have shape"):
        train(Network([3, 3, 1]), X, Y, SGD(lr=0.1), epochs=1)
    with pytest.raises(ValueError, match="^Y must have shape"):
        train(Network([2, 3, 1]), X, Y[:, :-1], SGD(lr=0.1), epochs=1)


# ---- what the mini-batch chapter reads from a History (formerly minibatch_gd's record)
def _small_moons(m=40):
    return make_moons(m, noise=0.2, seed=3)


def test_batch_gd_cost_before_each_update_is_the_full_cost_after_the_last_epoch():
    # with s = m the batch of epoch e is the whole set, so J^{e} = J after e epochs
    X, Y = _small_moons()
    h = train(Network([2, 5, 1], seed=0), X, Y, SGD(lr=0.3), epochs=4, mini_batch_size=X.shape[1])
    np.testing.assert_allclose(h.costs, [h.initial_cost] + h.train_costs[:-1], rtol=1e-10)
    # and the mean of one batch's cost is that batch's cost
    np.testing.assert_allclose(h.epoch_costs, h.costs, rtol=1e-12)


def test_counts_initial_and_final_full_costs_and_epoch_times():
    X, Y = _small_moons(45)
    net = Network([2, 4, 1], seed=2)
    J0 = net.loss(X, Y)
    h = train(net, X, Y, SGD(lr=0.1), epochs=3, mini_batch_size=8)
    assert len(h.costs) == 3 * 6  # ⌈45/8⌉ = 6 updates per epoch
    assert len(h.train_costs) == len(h.epoch_seconds) == len(h.epoch_costs) == 3
    assert h.initial_cost == pytest.approx(J0)
    assert h.train_costs[-1] == pytest.approx(net.loss(X, Y), rel=1e-12)
    assert all(t > 0 for t in h.epoch_seconds) and sum(h.epoch_seconds) <= h.seconds
    assert h.seconds_per_epoch == pytest.approx(sorted(h.epoch_seconds)[1])  # median of 3


def test_seconds_per_epoch_is_nan_before_any_epoch():
    assert math.isnan(History().seconds_per_epoch)
    assert History(epoch_seconds=[3.0, 1.0, 100.0, 2.0]).seconds_per_epoch == 2.5


def test_sgd_takes_m_steps_per_epoch_and_train_costs_ignore_dropout():
    X, Y = _small_moons(12)
    net = Network([2, 4, 1], keep_prob=0.5, seed=0)
    h = train(net, X, Y, SGD(lr=0.1), epochs=2, mini_batch_size=1)
    assert len(h.costs) == 24
    # the full-set cost is measured in test mode: no dropout, so it repeats exactly
    assert h.train_costs[-1] == net.loss(X, Y) == net.loss(X, Y)


def test_small_batches_beat_batch_gd_per_epoch_on_moons():
    X, Y = make_moons(256, noise=0.2, seed=1)
    small = train(Network([2, 16, 8, 1], seed=0), X, Y, SGD(lr=0.3), epochs=5, mini_batch_size=16)
    batch = train(Network([2, 16, 8, 1], seed=0), X, Y, SGD(lr=0.3), epochs=5, mini_batch_size=256)
    assert small.train_costs[-1] < batch.train_costs[-1] - 0.1


class _BlowsUp(Network):
    """A real network whose third mini-batch cost is infinite."""

    calls = 0

    def loss_and_grads(self, X, Y, rng=None, masks=None, *, check=True):
        self.calls += 1
        J, grads = super().loss_and_grads(X, Y, rng=rng, masks=masks, check=check)
        return (np.inf if self.calls == 3 else J), grads


def test_divergence_raises_with_the_partial_history():
    X, Y = _small_moons(10)
    with pytest.raises(DivergenceError, match=r"iteration 2 \(epoch 1\)") as info:
        train(_BlowsUp([2, 3, 1], seed=0), X, Y, SGD(lr=0.1), epochs=3, mini_batch_size=5)
    h = info.value.history
    assert info.value.iteration == 2  # the third update, counting from 0
    assert len(h.costs) == 2 and np.all(np.isfinite(h.costs))
    # epoch 0 (two batches of 5) was complete, epoch 1 was not
    assert len(h.train_costs) == len(h.epoch_seconds) == len(h.epoch_costs) == 1


def test_a_zero_learning_rate_is_refused_by_the_optimizer():
    with pytest.raises(ValueError, match="^lr"):
        SGD(lr=0.0)


class _FullCostNaN(Network):
    """A real network whose cost on the whole set (10 examples, mini-batches of 5) is NaN
    once training has begun."""

    full_costs = 0

    def _cost(self, Y, cache):
        J = super()._cost(Y, cache)
        if cache["m"] == 10:
            self.full_costs += 1
            if self.full_costs > 1:
                return float("nan")
        return J


def test_a_nan_training_set_cost_after_an_epoch_is_divergence():
    X, Y = _small_moons(10)
    with pytest.raises(DivergenceError, match="training-set cost became NaN") as info:
        train(_FullCostNaN([2, 3, 1], seed=0), X, Y, SGD(lr=0.1), epochs=3, mini_batch_size=5)
    h = info.value.history
    assert np.isfinite(h.initial_cost) and len(h.costs) == 2 and h.train_costs == []
    assert info.value.iteration == 1  # the last update of epoch 0


# ---------------------------------------------------------------- callback, measure_every,
# on_divergence: what the chapters on overfitting and batch norm record with train
def test_full_batch_callback_keeps_snapshots_at_the_measured_epochs():
    s = football_split(m=120, n_train=60)
    net = Network([2, 8, 1], seed=0)
    snapshots, seen = [copy.deepcopy(net.params)], []

    def keep(epoch, net, history):
        seen.append((epoch, len(history.costs), len(history.train_acc)))
        if history.measured_epochs and history.measured_epochs[-1] == epoch:
            snapshots.append(copy.deepcopy(net.params))

    h = train(
        net,
        s.X_train,
        s.Y_train,
        Adam(lr=0.02),
        epochs=50,
        mini_batch_size=None,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        measure_every=10,
        callback=keep,
    )
    # full batch: one update per epoch; the callback runs after every epoch, after that
    # epoch's measurements are in the history
    assert len(h.costs) == 50 and [e for e, _, _ in seen] == list(range(50))
    assert all(n_costs == e + 1 for e, n_costs, _ in seen)
    assert seen[9][2] == 1 and seen[10][2] == 1 and seen[19][2] == 2
    assert h.measured_epochs == [9, 19, 29, 39, 49]
    assert len(h.dev_acc) == len(h.dev_costs) == len(h.train_costs) == 5 and len(snapshots) == 6
    assert h.costs[-1] < h.costs[0] and h.train_costs[-1] < h.initial_cost
    # the last snapshot is the final parameters; the first is the initialization
    np.testing.assert_array_equal(snapshots[-1]["W1"], net.params["W1"])
    np.testing.assert_array_equal(snapshots[0]["W1"], Network([2, 8, 1], seed=0).params["W1"])
    # a measurement's accuracy is the snapshot's accuracy, recomputed by hand
    probe = Network([2, 8, 1], seed=0)
    probe.params = snapshots[2]  # after 20 updates
    pred = (probe.predict_proba(s.X_dev) > 0.5).astype(int)
    assert h.dev_acc[1] == pytest.approx(np.mean(pred == s.Y_dev))


def test_measure_every_keeps_the_last_epoch_and_the_same_training():
    X, Y = _small_moons(40)
    every = train(Network([2, 4, 1], seed=0), X, Y, Adam(lr=0.01), epochs=7, mini_batch_size=16)
    sparse = train(
        Network([2, 4, 1], seed=0),
        X,
        Y,
        Adam(lr=0.01),
        epochs=7,
        mini_batch_size=16,
        measure_every=3,
    )
    assert sparse.costs == every.costs  # measuring does not change training
    assert sparse.measured_epochs == [2, 5, 6] and every.measured_epochs == list(range(7))
    assert sparse.train_costs == [every.train_costs[e] for e in (2, 5, 6)]
    assert sparse.train_acc == [every.train_acc[e] for e in (2, 5, 6)]


def test_callback_sees_the_epoch_early_stopping_fires():
    X, Y = _small_moons(60)
    s = train_dev_test_split(X, Y, (30, 30, 0), seed=0)
    epochs_seen = []
    h = train(
        Network([2, 16, 1], seed=0),
        s.X_train,
        s.Y_train,
        Adam(lr=0.05),
        epochs=300,
        mini_batch_size=None,
        X_dev=s.X_dev,
        Y_dev=s.Y_dev,
        early_stopping=EarlyStopping(patience=2),
        callback=lambda e, n, hist: epochs_seen.append(e),
    )
    assert h.stopped_epoch is not None and epochs_seen[-1] == h.stopped_epoch
    assert epochs_seen == list(range(h.stopped_epoch + 1))


def test_on_divergence_stop_returns_the_partial_history_without_warnings():
    s = football_split(m=60, n_train=30)
    kwargs = dict(epochs=20, mini_batch_size=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(
            Network([2, 8, 1], init="random", init_scale=1e6, seed=0),
            s.X_train,
            s.Y_train,
            Adam(lr=1e6),
            on_divergence="stop",
            **kwargs,
        )
        with pytest.raises(DivergenceError) as info:
            train(
                Network([2, 8, 1], init="random", init_scale=1e6, seed=0),
                s.X_train,
                s.Y_train,
                Adam(lr=1e6),
                **kwargs,
            )
    assert h.diverged and h.message == str(info.value)
    assert "Training diverged" in h.message and "lr = 1e+06" in h.message
    assert len(h.costs) == len(info.value.history.costs) < 20
    assert all(np.isfinite(h.costs))
    ok = train(
        Network([2, 8, 1], seed=0),
        s.X_train,
        s.Y_train,
        Adam(lr=0.01),
        on_divergence="stop",
        **kwargs,
    )
    assert not ok.diverged and ok.message == ""


def test_mini_batches_make_a_noisier_cost_with_the_same_number_of_updates():
    s = football_split(m=120, n_train=60)
    full = train(
        Network([2, 8, 1], seed=0),
        s.X_train,
        s.Y_train,
        Adam(lr=0.02),
        epochs=40,
        mini_batch_size=None,
    )
    small = train(
        Network([2, 8, 1], seed=0), s.X_train, s.Y_train, Adam(lr=0.02), epochs=4, mini_batch_size=6
    )  # 10 updates per epoch
    assert len(full.costs) == len(small.costs) == 40
    tv = lambda c: np.abs(np.diff(c)).sum()
    assert tv(small.costs) > 2 * tv(full.costs)
    # a mini-batch at least as large as the set is batch gradient descent, step for step
    same = train(
        Network([2, 8, 1], seed=0),
        s.X_train,
        s.Y_train,
        Adam(lr=0.02),
        epochs=40,
        mini_batch_size=500,
    )
    np.testing.assert_allclose(same.costs, full.costs)


def test_step_callback_after_every_update_reads_the_batch_norm_statistics():
    # bn_momentum = 0: the running statistics are the last mini-batch's, so a
    # step_callback records every step's batch mean and variance
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 64))
    Y = (X[0:1] + X[1:2] > 0).astype(float)
    net = Network([2, 4, 1], batchnorm=True, bn_momentum=0.0, seed=0)
    J0 = net.loss(X, Y)
    seen, mus, variances = [], [], []

    def record(iteration, net, history):
        seen.append((iteration, len(history.costs)))
        mus.append(net.running["mu1"].copy())
        variances.append(net.running["var1"].copy())

    h = train(net, X, Y, SGD(lr=0.5), epochs=10, mini_batch_size=16, step_callback=record)
    assert not h.diverged and h.train_costs[-1] < 0.5 * J0
    assert seen == [(t, t + 1) for t in range(40)] and len(mus) == 40
    assert mus[0].shape == (4, 1)
    # step 0's statistics are those of the first shuffled batch at the initial weights
    X0, _ = random_mini_batches(X, Y, 16, seed=0)[0]
    _, cache = Network([2, 4, 1], batchnorm=True, seed=0).forward(X0, update_running=False)
    np.testing.assert_allclose(mus[0], cache["bn1"]["mu"])
    np.testing.assert_allclose(variances[0], cache["bn1"]["var"])


def test_stop_on_divergence_even_under_errstate_raise():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 32)) * 100
    Y = (X[0:1] > 0).astype(float)
    with np.errstate(all="raise"):
        h = train(
            Network([2, 8, 8, 1], seed=0),
            X,
            Y,
            SGD(lr=1e4),
            epochs=5,
            mini_batch_size=32,
            max_cost=1e6,
            on_divergence="stop",
        )
    assert h.diverged and "lr = 10000" in h.message
    assert all(np.isfinite(h.costs)) and len(h.costs) < 5


def test_callback_once_per_epoch_with_mini_batches():
    X = np.random.default_rng(0).normal(size=(2, 20))
    Y = (X[:1] > 0).astype(float)
    seen = []
    h = train(
        Network([2, 3, 1]),
        X,
        Y,
        SGD(lr=0.1),
        epochs=4,
        mini_batch_size=8,
        callback=lambda epoch, net, history: seen.append((epoch, len(history.costs))),
    )
    assert seen == [(0, 3), (1, 6), (2, 9), (3, 12)] and len(h.costs) == 12


def test_gradient_descent_is_hand_written_full_batch_gd():
    X, Y = make_moons(64, noise=0.2, seed=3)
    net = Network([2, 5, 1], hidden="tanh", seed=2)
    ref = Network([2, 5, 1], hidden="tanh", seed=2)
    costs, diverged_at = gradient_descent(net, X, Y, steps=4, lr=0.3)
    expected = []
    for _ in range(4):  # W := W - α dW, written out
        J, grads = ref.loss_and_grads(X, Y)
        expected.append(J)
        for k in ref.params:
            ref.params[k] = ref.params[k] - 0.3 * grads["d" + k]
    assert diverged_at is None
    assert np.allclose(costs, expected, rtol=0, atol=1e-15)
    for k in ref.params:
        assert np.allclose(net.params[k], ref.params[k], rtol=0, atol=1e-15)


def test_gradient_descent_reports_the_step_that_blew_up_without_warnings():
    X, Y = make_moons(64, noise=0.2, seed=3)
    net = Network([2, 8, 1], lambd=1.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        costs, diverged_at = gradient_descent(net, X, Y, steps=50, lr=1e4, max_cost=1e3)
    assert diverged_at is not None and 0 < diverged_at < 50
    assert len(costs) == diverged_at and np.all(costs <= 1e3)
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(net, X, Y, steps=1, lr=-0.1)


def test_train_checks_its_arguments_once_not_at_every_step(monkeypatch):
    """The checks of X, of the targets and of each update cost more than the arithmetic
    of a small network: train makes them once (and tests each step's cost and gradients
    for divergence itself), not at every mini-batch."""
    from collections import Counter

    from nnlab.optimizers import Optimizer

    calls = Counter()
    for cls, name in ((Network, "check_X"), (Network, "targets"), (Optimizer, "_check_step")):
        original = getattr(cls, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)
    X, Y = _small_moons(40)
    per_run = []
    for batch in (4, 2):  # 10, then 20 mini-batches per epoch
        calls.clear()
        h = train(Network([2, 3, 1], seed=0), X, Y, Adam(lr=0.01), epochs=5, mini_batch_size=batch)
        assert len(h.costs) == 5 * 40 // batch
        per_run.append(dict(calls))
    # checked once per run and per epoch (the whole-set cost), whatever the batches
    assert per_run[0] == per_run[1] and per_run[0]["check_X"] > 0
    assert "_check_step" not in per_run[0]


def test_each_epoch_is_measured_by_one_pass_over_the_training_set(monkeypatch):
    """J and the accuracy after an epoch come from one test-mode forward pass over the
    whole set (net.loss then net.accuracy would make two), and are the numbers those
    two give."""
    passes = []
    original = Network._forward

    def counted(self, X, training, *args, **kwargs):
        passes.append((X.shape[1], training))
        return original(self, X, training, *args, **kwargs)

    monkeypatch.setattr(Network, "_forward", counted)
    X, Y = _small_moons(40)
    net = Network([2, 3, 1], seed=0)
    h = train(net, X, Y, Adam(lr=0.01), epochs=5, mini_batch_size=8)
    # the cost before training, then one pass after each of the 5 epochs
    assert passes.count((40, False)) == 1 + 5
    assert passes.count((8, True)) == 5 * 5
    assert h.train_costs[-1] == net.loss(X, Y) and h.train_acc[-1] == net.accuracy(X, Y)


def test_unchecked_steps_train_exactly_like_checked_ones():
    """``check=False`` in train's loop skips checks only: the same run, step by step, with
    every call checked gives the very same parameters."""
    X, Y = _small_moons(40)
    net = Network([2, 3, 1], seed=0)
    checked = copy.deepcopy(net)
    train(net, X, Y, Adam(lr=0.01), epochs=3, mini_batch_size=8, seed=4)
    opt = Adam(lr=0.01)
    rng = np.random.default_rng(4)
    for epoch in range(3):
        for X_t, Y_t in random_mini_batches(X, Y, 8, seed=4 + epoch):
            _, grads = checked.loss_and_grads(X_t, Y_t, rng=rng)
            opt.step(checked.params, grads)
    for k in net.params:
        np.testing.assert_array_equal(net.params[k], checked.params[k])
