"""Giving up a drawing nobody waits for (nnlab.cancellation): the checkpoints of train,
run_optimizer and figure_to_png stop the work inside ``cancellable`` and only there."""

import itertools

import numpy as np
import pytest

from nnlab.cancellation import Cancelled, cancellable, checkpoint
from nnlab.data import make_moons
from nnlab.model import Network
from nnlab.optimizers import SGD
from nnlab.plots import figure_to_png, new_figure
from nnlab.surfaces import elongated_quadratic, run_optimizer
from nnlab.train import train


def _after(n: int):
    """A ``cancelled()`` that turns true at its ``n``-th question; counts the questions."""
    asked = itertools.count(1)
    calls = []

    def cancelled():
        calls.append(1)
        return next(asked) >= n

    return cancelled, calls


def test_a_checkpoint_raises_only_inside_cancellable_and_once_cancelled():
    checkpoint()  # outside: nothing
    with cancellable(lambda: False):
        checkpoint()
    with pytest.raises(Cancelled), cancellable(lambda: True):
        checkpoint()
    checkpoint()  # the block is over: nothing again


def test_cancellable_blocks_nest_and_each_thread_has_its_own():
    import threading

    with cancellable(lambda: False):
        with pytest.raises(Cancelled), cancellable(lambda: True):
            checkpoint()
        checkpoint()  # the outer question is back
        seen = []
        t = threading.Thread(target=lambda: seen.append(checkpoint()))
        with cancellable(lambda: True):
            t.start()
            t.join()
        assert seen == [None]  # another thread's checkpoint is not cancelled


def test_train_stops_at_the_first_epoch_after_cancelling():
    X, Y = make_moons(m=40, noise=0.2, seed=0)
    steps = []
    cancelled, _ = _after(3)  # asked before epochs 0, 1, 2: true before epoch 2
    with pytest.raises(Cancelled), cancellable(cancelled):
        train(
            Network([2, 3, 1], seed=0),
            X,
            Y,
            SGD(lr=0.1),
            epochs=10,
            mini_batch_size=10,
            step_callback=lambda t, net, h: steps.append(t),
        )
    assert steps == list(range(8))  # epochs 0 and 1, four mini-batches each
    h = train(Network([2, 3, 1], seed=0), X, Y, SGD(lr=0.1), epochs=10, mini_batch_size=10)
    assert len(h.costs) == 40  # outside cancellable the same run goes to its end


def test_run_optimizer_stops_within_25_steps():
    surface = elongated_quadratic()
    cancelled, calls = _after(2)
    with pytest.raises(Cancelled), cancellable(cancelled):
        run_optimizer(surface, SGD(lr=0.01), steps=1000)
    assert len(calls) == 2  # asked at steps 25 and 50, given up at 50
    assert len(run_optimizer(surface, SGD(lr=0.01), steps=1000).points) == 1001


def test_a_figure_stops_between_panels_and_draws_the_same_afterwards():
    def figure():
        fig, axes = new_figure(ncols=3, fixed=True)
        for k, ax in enumerate(axes):
            ax.plot(np.arange(10), np.arange(10) ** k)
            ax.set_title(f"panel {k}")
        return fig

    cancelled, calls = _after(2)
    fig = figure()
    with pytest.raises(Cancelled), cancellable(cancelled):
        figure_to_png(fig)
    assert len(calls) == 2  # after the first panel, then the second: given up
    # the lock is free, and the figure given up draws as a fresh one does
    assert figure_to_png(fig) == figure_to_png(figure())
