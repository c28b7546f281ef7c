"""steps_per_epoch and gradient_noise: counts by hand, sampling theory.

The loop the chapter runs is nnlab.train.train with SGD; its tests are in test_train.py.

The mini-batch explorer shows the right counts and flags a learning rate that fails.
"""

import numpy as np
import pytest

from nnlab.chapters.optimization.minibatch import (
    EPOCHS,
    SIZES,
    M,
    gradient_noise,
    minibatch_explorer,
    minibatch_figure,
    steps_per_epoch,
)
from nnlab.data import make_moons
from nnlab.model import Network


def _data(m=40):
    return make_moons(m, noise=0.2, seed=3)


@pytest.mark.parametrize(
    "m, s, expected",
    [(512, 1, 512), (512, 64, 8), (500, 64, 8), (50000, 128, 391), (10, 10, 1), (10, 11, 1)],
)
def test_steps_per_epoch_by_hand(m, s, expected):
    assert steps_per_epoch(m, s) == expected


def _per_example_spread(net, X, Y):
    """σ² = (1/m) Σ_i ‖g⁽ⁱ⁾ − g‖², by a plain loop over single examples."""

    def flat(cols):
        _, g = net.loss_and_grads(X[:, cols], Y[:, cols])
        return np.concatenate([np.ravel(g[k]) for k in sorted(g)])

    m = X.shape[1]
    G = np.stack([flat([i]) for i in range(m)])
    return np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)), G.mean(axis=0), flat(list(range(m)))


def test_gradient_noise_follows_sampling_theory():
    X, Y = _data(20)
    net = Network([2, 4, 1], seed=0)
    sigma2, mean_of_examples, full = _per_example_spread(net, X, Y)
    # the full-batch gradient is the average of the per-example ones
    np.testing.assert_allclose(mean_of_examples, full, rtol=1e-10, atol=1e-12)
    m = X.shape[1]
    for s in (1, 4, 10):
        expected = sigma2 / s * (m - s) / (m - 1)
        got = gradient_noise(net, X, Y, s, n_batches=3000, seed=1)
        assert got == pytest.approx(expected, rel=0.12)
    assert gradient_noise(net, X, Y, m, n_batches=5) == pytest.approx(0.0, abs=1e-20)


def test_gradient_noise_rejects_a_batch_larger_than_m():
    X, Y = _data(10)
    with pytest.raises(ValueError, match="mini_batch_size"):
        gradient_noise(Network([2, 3, 1]), X, Y, 11)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_sizes_run_from_sgd_to_batch_gd():
    assert SIZES[0] == 1 and SIZES[-1] == M


def test_titles_quote_updates_per_epoch():
    for size in (1, 16, M):
        fig = minibatch_figure(mini_batch_size=size, lr=0.1)
        titles = " ".join(ax.get_title() for ax in fig.axes)
        assert f"{-(-M // size)} updates" in titles


def test_a_good_rate_has_no_note_and_a_huge_one_has():
    assert _texts(minibatch_figure(mini_batch_size=16, lr=0.3)) == []
    assert any("too large" in t for t in _texts(minibatch_figure(mini_batch_size=1, lr=10.0)))


def test_batch_gd_is_drawn_once_at_size_m():
    fig = minibatch_figure(mini_batch_size=M, lr=0.3)
    assert len(fig.axes[1].get_lines()) == 1
    assert len(minibatch_figure(mini_batch_size=16, lr=0.3).axes[1].get_lines()) == 2


def test_epoch_curves_start_together_before_training():
    # epoch 0 is the cost of the shared initial weights, then one point per epoch
    batch_line, run_line = minibatch_figure(mini_batch_size=16, lr=0.3).axes[1].get_lines()
    for line in (batch_line, run_line):
        assert list(line.get_xdata()) == list(range(EPOCHS + 1))
    assert batch_line.get_ydata()[0] == run_line.get_ydata()[0]
    assert run_line.get_ydata()[-1] < batch_line.get_ydata()[-1]


def test_defaults_render():
    assert minibatch_explorer.png()[:4] == b"\x89PNG"


def test_a_tiny_rate_is_not_called_too_large():
    texts = _texts(minibatch_figure(mini_batch_size=M, lr=0.01))
    assert not any("too large" in t for t in texts)
    assert any("barely moved" in t for t in texts)
