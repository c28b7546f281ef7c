"""Tests for nnlab.race: the contestants are the library's optimizers, a race on a surface
is run_optimizer per contestant, a race on data is one nnlab.train.train run on one
nnlab.model.Network per contestant; divergence is reported as data, without warnings."""

import warnings

import numpy as np
import pytest

from nnlab.model import Network
from nnlab.optimizers import OPTIMIZERS, SGD, Adam, AdamW, Momentum, Nesterov, RMSprop
from nnlab.race import (
    CONTESTANTS,
    _LastGoodStep,
    join_races,
    make_optimizers,
    race_on_data,
    race_on_surface,
)
from nnlab.surfaces import elongated_quadratic, rosenbrock, run_optimizer
from nnlab.train import train

VALLEY = elongated_quadratic(ratio=100, scale=0.1)  # J = (0.1 x² + 10 y²)/2


def test_contestants_are_the_library_optimizers_with_the_shared_hyperparameters():
    gd, mom, rms, adam = make_optimizers(CONTESTANTS, lr=0.05, beta1=0.8, beta2=0.99, epsilon=1e-7)
    assert type(gd) is SGD and type(mom) is Momentum and type(rms) is RMSprop
    assert type(adam) is Adam
    assert all(o.lr == 0.05 for o in (gd, mom, rms, adam))
    assert mom.beta == 0.8 and rms.beta == 0.99 and (adam.beta1, adam.beta2) == (0.8, 0.99)
    assert rms.epsilon == adam.epsilon == 1e-7
    assert make_optimizers(["RMSprop"], beta_rms=0.9)[0].beta == 0.9
    a, b = make_optimizers(["Adam", "Adam"])
    assert a is not b  # one object (and one state) per contestant
    nes, adamw = make_optimizers(["Nesterov", "AdamW"], beta1=0.8, beta2=0.99)
    assert type(nes) is Nesterov and nes.beta == 0.8
    assert type(adamw) is AdamW and (adamw.beta1, adamw.beta2) == (0.8, 0.99)
    # one registry: every name of nnlab.optimizers.OPTIMIZERS can race
    assert [type(o) for o in make_optimizers(OPTIMIZERS)] == list(OPTIMIZERS.values())
    assert set(CONTESTANTS) <= set(OPTIMIZERS)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="optimizers"):
        make_optimizers(["Adagrad"])
    with pytest.raises(ValueError, match="optimizers"):
        make_optimizers([])
    with pytest.raises(ValueError, match="beta1"):
        make_optimizers(["Adam"], beta1=1.0)
    with pytest.raises(ValueError, match="lr"):
        race_on_surface(VALLEY, lr=0.0)
    with pytest.raises(ValueError, match="surface"):
        race_on_surface("no such surface")


def test_surface_race_is_run_optimizer_per_contestant():
    r = race_on_surface(rosenbrock(), lr=0.003, beta1=0.8, beta2=0.99, steps=60)
    assert r.names == CONTESTANTS and r.paths.shape == (4, 61, 2) and r.costs.shape == (4, 61)
    for k, opt in enumerate(make_optimizers(CONTESTANTS, lr=0.003, beta1=0.8, beta2=0.99)):
        path = run_optimizer(rosenbrock(), opt, steps=60)
        np.testing.assert_array_equal(r.paths[k], path.points)
        np.testing.assert_array_equal(r.costs[k], path.values)
        np.testing.assert_array_equal(r.runs[k].points, path.points)


def test_surface_race_takes_a_mapping_of_optimizer_objects():
    r = race_on_surface("saddle", optimizers={"slow": SGD(lr=0.01), "fast": SGD(lr=0.1)}, steps=20)
    assert r.names == ("slow", "fast")
    # on the saddle x ← (1 − 2α) x
    assert np.allclose(r.paths[:, -1, 0], 1.8 * np.array([0.98, 0.8]) ** 20)


def test_gd_path_on_the_valley_follows_the_closed_form():
    # J = (0.1 x² + 10 y²)/2: x_t = x0 (1 − 0.1 α)^t, y_t = y0 (1 − 10 α)^t
    r = race_on_surface(VALLEY, lr=0.15, steps=30, optimizers=["GD"], start=(-9.0, 1.0))
    t = np.arange(31)
    assert np.allclose(r.paths[0, :, 0], -9.0 * (1 - 0.015) ** t)
    assert np.allclose(r.paths[0, :, 1], 1.0 * (1 - 1.5) ** t)
    assert r.first_below(1e-3) == [None]


def test_divergence_is_reported_and_frozen_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = race_on_surface(VALLEY, lr=0.5, steps=100)
    gd = r.names.index("GD")
    # |1 − 10·0.5| = 4 per step from y0 = 2: |y_t| = 2·4^t passes 10⁶ at t = 10
    assert r.diverged_at[gd] == 10
    assert np.all(np.isfinite(r.paths)) and np.all(np.abs(r.paths) < 1e6)
    assert np.all(r.paths[gd, 10:] == r.paths[gd, 9])  # frozen at its last point
    assert r.first_below(1e-3)[gd] is None
    assert r.diverged_at[r.names.index("Adam")] is None


def _toy(m=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    return X, (X[0:1] + X[1:2] > 0).astype(int)


def test_data_race_is_the_training_loop_of_nnlab_train():
    # one contestant = train() on the same Network with the same seed, step for step
    X, Y = _toy()
    d = race_on_data(
        X, Y, (2, 5, 3, 1), optimizers=["Adam"], lr=0.02, epochs=7, mini_batch_size=16, seed=4
    )
    net = Network((2, 5, 3, 1), seed=4)
    h = train(net, X, Y, Adam(lr=0.02), epochs=7, mini_batch_size=16, seed=4)
    for key, p in net.params.items():
        np.testing.assert_allclose(d.nets[0].params[key], p, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d.batch_costs[0], h.costs, rtol=1e-12)
    assert np.isclose(d.epoch_costs[0, -1], net.loss(X, Y))
    assert np.isclose(d.epoch_costs[0, 0], Network((2, 5, 3, 1), seed=4).loss(X, Y))
    assert isinstance(d.optimizers[0], Adam) and d.optimizers[0].t == 7 * 4
    assert d.histories[0].costs == h.costs and d.histories[0].train_costs == h.train_costs
    assert d.accuracy[0] == net.accuracy(X, Y)


def test_data_race_copies_with_the_same_rule_stay_identical_and_learn():
    X, Y = _toy()
    d = race_on_data(
        X, Y, (2, 5, 1), optimizers=["Adam", "Adam", "GD"], lr=0.02, epochs=20, mini_batch_size=16
    )
    assert np.allclose(d.epoch_costs[0], d.epoch_costs[1])
    assert d.epoch_costs[0, -1] < 0.5 * d.epoch_costs[0, 0]
    assert d.accuracy[0] > 0.9
    assert d.batch_costs.shape == (3, 20 * 4) and d.lrs.shape == (3, 20 * 4)
    assert len(d.nets) == 3 and d.nets[0] is not d.nets[1]


def test_data_race_reports_divergence_as_data_not_warnings():
    rng = np.random.default_rng(0)
    X = 50 * rng.normal(size=(2, 40))
    Y = (X[0:1] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = race_on_data(
            X, Y, (2, 8, 1), optimizers=["GD", "Adam"], lr=50.0, epochs=5, mini_batch_size=40
        )
        acc = [net.accuracy(X, Y) for net in d.nets]
    assert d.diverged_at[0] is not None
    assert np.all(np.isnan(d.epoch_costs[0, d.diverged_at[0] :]))
    assert all(np.all(np.isfinite(p)) for net in d.nets for p in net.params.values())
    assert np.allclose(acc, d.accuracy)
    # full batch, one step per epoch: GD's step 2 blew up (the cost before step 3 is huge);
    # its network is put back to where it was before that step, i.e. after one step
    assert d.diverged_at == [2, None]
    assert np.all(np.isfinite(d.batch_costs[0, :2])) and np.all(np.isnan(d.batch_costs[0, 2:]))
    assert np.all(np.isfinite(d.batch_costs[1])) and d.histories[0].diverged
    assert not d.histories[1].diverged
    one_step = Network((2, 8, 1), seed=0)
    train(one_step, X, Y, SGD(lr=50.0), epochs=1, mini_batch_size=40)
    for key, p in one_step.params.items():
        np.testing.assert_allclose(d.nets[0].params[key], p, rtol=1e-12)


def test_data_race_schedule_sets_each_step_rate():
    X, Y = _toy(30)
    d = race_on_data(
        X,
        Y,
        (2, 3, 1),
        optimizers=["GD"],
        epochs=3,
        mini_batch_size=10,
        schedule=lambda epoch: 0.1 / (1 + epoch),
    )
    assert np.allclose(d.lrs, np.repeat([0.1, 0.05, 0.1 / 3], 3)[None])
    # the same signature ticking once per mini-batch
    d = race_on_data(
        X,
        Y,
        (2, 3, 1),
        optimizers=["GD"],
        epochs=3,
        mini_batch_size=10,
        schedule=lambda it: 0.1 / (1 + it),
        schedule_every="iteration",
    )
    assert np.allclose(d.lrs, 0.1 / (1 + np.arange(9))[None])


def test_data_race_schedule_may_give_each_copy_its_own_rate():
    X, Y = _toy(30)
    # copy 0 with α = 0 never moves; copy 1 with α = 0.1 does, from the same start
    d = race_on_data(
        X,
        Y,
        (2, 3, 1),
        optimizers=["GD", "GD"],
        epochs=2,
        mini_batch_size=10,
        schedule=lambda epoch: np.array([0.0, 0.1]),
    )
    start = Network((2, 3, 1), seed=0).params
    assert np.array_equal(d.nets[0].params["W1"], start["W1"])
    assert not np.allclose(d.nets[1].params["W1"], start["W1"])
    assert d.lrs.shape == (2, 6) and np.all(d.lrs[0] == 0.0)
    # α = 0 skips the step: an Adam copy given 0 for the first epoch takes only 3 steps,
    # and its first step then is Adam's first step (same as a fresh Adam's)
    d = race_on_data(
        X,
        Y,
        (2, 3, 1),
        optimizers=["Adam", "Adam"],
        epochs=2,
        mini_batch_size=10,
        schedule=lambda epoch: np.array([0.0 if epoch == 0 else 0.1, 0.1]),
    )
    assert d.optimizers[0].t == 3 and d.optimizers[1].t == 6
    assert np.all(d.epoch_costs[0, :2] == d.epoch_costs[0, 0])
    assert not np.allclose(d.epoch_costs[0], d.epoch_costs[1])


def test_the_step_that_blew_up_is_the_last_real_step_not_a_skipped_one():
    # race_on_data's step_callback keeps the parameters from before the latest update;
    # iterations whose α = 0 skipped the update do not count as steps
    X, Y = _toy(30)
    net, opt = Network((2, 3, 1), seed=0), SGD(lr=0.1)
    keep = _LastGoodStep(net, opt)
    rates = [0.1, 0.0, 0.1, 0.0, 0.0, 0.0]
    train(
        net,
        X,
        Y,
        opt,
        epochs=2,
        mini_batch_size=10,
        schedule=rates.__getitem__,
        schedule_every="iteration",
        step_callback=keep,
    )
    assert opt.t == 2 and keep.last_step == 3  # iterations 0 and 2 were steps
    final = {key: p.copy() for key, p in net.params.items()}
    first_step_only = Network((2, 3, 1), seed=0)  # before step 3 = after step 1
    train(
        first_step_only,
        X,
        Y,
        SGD(lr=0.1),
        epochs=1,
        mini_batch_size=10,
        schedule=[0.1, 0.0, 0.0].__getitem__,
        schedule_every="iteration",
    )
    keep.restore(net)
    start = Network((2, 3, 1), seed=0).params
    for key, p in net.params.items():
        np.testing.assert_array_equal(p, first_step_only.params[key])
        assert not np.array_equal(p, final[key]) and not np.array_equal(p, start[key])


def test_data_race_takes_a_mapping_of_optimizer_objects_with_their_own_rates():
    X, Y = _toy(30)
    d = race_on_data(
        X,
        Y,
        (2, 3, 1),
        optimizers={"slow": SGD(lr=0.01), "fast": SGD(lr=0.3)},
        epochs=2,
        mini_batch_size=10,
    )
    assert d.names == ("slow", "fast")
    assert np.all(d.lrs[0] == 0.01) and np.all(d.lrs[1] == 0.3)
    for opt, rate in zip(d.optimizers, (0.01, 0.3)):
        net = Network((2, 3, 1), seed=0)
        train(net, X, Y, SGD(lr=rate), epochs=2, mini_batch_size=10)
        np.testing.assert_allclose(
            d.nets[d.optimizers.index(opt)].params["W1"], net.params["W1"], rtol=1e-12
        )


def test_joined_races_are_the_race_of_all_contestants():
    X, Y = _toy(40)
    both = race_on_data(
        X, Y, (2, 4, 1), optimizers=["GD", "Adam"], lr=0.05, epochs=3, mini_batch_size=16
    )
    gd = race_on_data(X, Y, (2, 4, 1), optimizers=["GD"], lr=0.05, epochs=3, mini_batch_size=16)
    adam = race_on_data(X, Y, (2, 4, 1), optimizers=["Adam"], lr=0.05, epochs=3, mini_batch_size=16)
    joined = join_races(gd, adam)
    assert joined.names == both.names and joined.diverged_at == both.diverged_at
    assert [h.costs for h in joined.histories] == [h.costs for h in both.histories]
    for a, b in [
        (joined.epoch_costs, both.epoch_costs),
        (joined.batch_costs, both.batch_costs),
        (joined.lrs, both.lrs),
        (joined.accuracy, both.accuracy),
    ]:
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="races"):
        join_races(gd, race_on_data(X, Y, (2, 4, 1), optimizers=["GD"], epochs=2))
