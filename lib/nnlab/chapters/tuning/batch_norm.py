"""Companion of chapter III.3, *Batch normalization* (``chapters/tuning/03_batch_norm.ipynb``).

Widgets for the chapter on batch normalization.

``bn_training_explorer``: the same deep network on two moons, with or without batch
norm, at a chosen learning rate and mini-batch size: cost per epoch (the other setting
drawn faintly for comparison) and the distribution of each hidden layer's input to its
activation after training.

``bn_noise_explorer``: one batch-norm network trained at a chosen mini-batch size.
Left: how far the mean of one unit over a mini-batch strays from its full-data mean
(the noise behind batch norm's slight regularization). Middle: the running average of
that mean for a chosen momentum against the per-step batch means. Right: the network's
outputs in train mode (statistics of the example's mini-batch) against test mode
(running averages).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from nnlab.checks import (
    check_beta,
    check_int,
    check_matrix,
    check_seed,
)
from nnlab.data import make_moons
from nnlab.ewa import ewa
from nnlab.explorer import Checkbox, ChoiceSlider, Dropdown, Explorer, LogSlider
from nnlab.minibatch import random_mini_batches
from nnlab.model import Network
from nnlab.optimizers import SGD
from nnlab.plots import new_figure, note_on_axes
from nnlab.train import train


def _check_net(net, batchnorm=None):
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnlab.model.Network, got {type(net).__name__}")
    if batchnorm is not None and net.batchnorm != batchnorm:
        raise ValueError(f"net must {'' if batchnorm else 'not '}use batch norm here")
    return net


def layer_input_stats(net, X, l: int):
    """Per-unit mean and standard deviation, over the examples of ``X``, of what hidden
    layer ``l`` feeds its activation: ``Z[l]`` without batch norm, ``Z̃[l] = γ Ẑ[l] + β``
    with it (training-mode statistics of ``X`` as one batch; running averages untouched).

    Returns ``(mean, std)``, each of shape ``(n[l],)``: ``mean_j = (1/m) Σ_i z̃_j⁽ⁱ⁾``.
    """
    _check_net(net)
    l = check_int("l", l, low=1)
    if l >= net.L:
        raise ValueError(f"l must be a hidden layer in [1, {net.L - 1}], got {l}")
    _, cache = net.forward(X, training=True, update_running=False)
    Z = cache[f"Zn{l}"] if f"Zn{l}" in cache else cache[f"Z{l}"]
    return Z.mean(axis=1), Z.std(axis=1)


def batch_stat_noise(Z, mini_batch_size: int, n_batches: int = 200, seed: int = 0):
    """Means and variances of ``n_batches`` random mini-batches of the columns of ``Z``.

    For each draw ``t`` (``mini_batch_size`` columns without replacement),
    ``μ^{t} = (1/s) Σ_i z⁽ⁱ⁾`` and ``σ²^{t} = (1/s) Σ_i (z⁽ⁱ⁾ - μ^{t})²``, per row of ``Z``.
    Returns ``(mus, variances)``, each ``(n_batches, n)``. The spread of ``μ^{t}`` around
    the full-data mean is about ``σ / √s``: the noise batch norm injects shrinks with
    bigger batches.
    """
    Z = check_matrix("Z", Z)
    m = Z.shape[1]
    s = check_int("mini_batch_size", mini_batch_size, low=2)
    if s > m:
        raise ValueError(f"mini_batch_size must be in [2, {m}] (columns of Z), got {s}")
    n_batches = check_int("n_batches", n_batches, low=1)
    rng = np.random.default_rng(check_seed("seed", seed))
    # argsort of uniform keys: n_batches independent draws without replacement at once
    idx = np.argsort(rng.random((n_batches, m)), axis=1)[:, :s]
    batches = Z[:, idx]  # (n, n_batches, s)
    mus = batches.mean(axis=2)
    variances = batches.var(axis=2)
    return mus.T, variances.T


LAYER_DIMS = (2, 16, 16, 16, 16, 1)
EPOCHS = 12
BATCH_SIZES = (16, 32, 64, 128, 256)
NOISE_BATCH_SIZES = (8, 16, 32, 64, 128, 256)
HIST_RANGE = 6.0
LAYER_COLORS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd")


class BatchStats(NamedTuple):
    """``mu[l]`` / ``var[l]``: the ``(n[l], 1)`` mini-batch mean and variance of batch-norm
    layer ``l`` at every training step, in order."""

    mu: dict
    var: dict


@lru_cache(maxsize=1)
def moons():
    """The 256 training examples every batch-norm experiment uses."""
    return make_moons(256, noise=0.2, seed=0)


@lru_cache(maxsize=64)
def bn_run(
    batchnorm: bool, lr: float, mini_batch_size: int, epochs: int = EPOCHS, bn_momentum: float = 0.9
):
    """Train ``LAYER_DIMS`` with plain mini-batch GD (:func:`~nnlab.train.train`, stopping
    without raising if the cost passes ``nnlab.train.MAX_COST``); returns ``(net, history)``:
    ``history.train_costs`` is the cost on all 256 examples after each epoch,
    ``history.diverged`` says whether it blew up (after ``len(history.costs)`` steps).

    Keyed by the controls it depends on, so flipping back to a seen setting is free.
    """
    X, Y = moons()
    net = Network(list(LAYER_DIMS), batchnorm=batchnorm, seed=1, bn_momentum=bn_momentum)
    hist = train(
        net,
        X,
        Y,
        SGD(lr=lr),
        epochs=epochs,
        mini_batch_size=mini_batch_size,
        seed=0,
        on_divergence="stop",
    )
    return net, hist


def hidden_inputs(net) -> dict:
    """The input of each hidden activation (``Z̃[l]`` with batch norm, ``Z[l]`` without)
    on the whole training set, in test mode."""
    _check_net(net)
    X, _ = moons()
    with np.errstate(all="ignore"):
        _, cache = net.forward(X, training=False, update_running=False)
    key = "Zn" if net.batchnorm else "Z"
    return {f"layer {l}": cache.get(f"{key}{l}", cache[f"Z{l}"]) for l in range(1, net.L)}


def bn_training_figure(batchnorm: bool = True, lr: float = 1.0, mini_batch_size: int = 32):
    """Cost per epoch for both settings (chosen one bold) and the hidden-layer histograms."""
    lr = float(lr)
    mini_batch_size = int(mini_batch_size)
    fig, (ax, ax_h) = new_figure(
        ncols=2,
        width=10.0,
        height=3.4,
        left=0.056,
        right=0.99,
        bottom=0.145,
        top=0.935,
        wspace=0.065,
    )
    for bn in (not batchnorm, batchnorm):
        _, h = bn_run(bn, lr, mini_batch_size)
        chosen = bn == batchnorm
        label = "with BN" if bn else "without BN"
        if h.train_costs:
            ax.plot(
                np.arange(1, len(h.train_costs) + 1),
                h.train_costs,
                label=label,
                color="#d62728" if bn else "#1f77b4",
                lw=2.0 if chosen else 1.0,
                alpha=1.0 if chosen else 0.45,
            )
    ax.set_xlim(1, EPOCHS)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training cost J")
    ax.legend(frameon=False, fontsize=8)
    net, h = bn_run(batchnorm, lr, mini_batch_size)
    ax.set_title(f"α = {lr:.3g}, batch = {mini_batch_size}: cost per epoch", fontsize=9)
    if h.diverged:
        note_on_axes(
            ax, f"{'with' if batchnorm else 'without'} BN:\ndiverged at step {len(h.costs)}"
        )
        ax_h.axis("off")
        return fig
    # one step histogram per layer on a shared, fixed window (values beyond it are piled
    # on its edges), so the layers and the two settings compare at a glance
    bins = np.linspace(-HIST_RANGE, HIST_RANGE, 49)
    for (name, Z), color in zip(hidden_inputs(net).items(), LAYER_COLORS):
        z = Z.ravel()
        z = z[np.isfinite(z)]
        # the share at or below 0 is the share of ReLU outputs that are exactly 0
        ax_h.hist(
            np.clip(z, -HIST_RANGE, HIST_RANGE),
            bins=bins,
            histtype="step",
            lw=1.5,
            color=color,
            density=True,
            label=f"{name}: mean {z.mean():+.2f}, std {z.std():.2f}, {np.mean(z <= 0):.0%} ≤ 0",
        )
    ax_h.set_xlim(-HIST_RANGE, HIST_RANGE)
    ax_h.set_yticks([])
    ax_h.set_xlabel("input to g of each hidden layer (all units, all examples)", fontsize=8)
    ax_h.set_title(
        f"after training, {'with' if batchnorm else 'without'} batch norm (≤ 0: ReLU off)",
        fontsize=9,
    )
    ax_h.set_ylim(0, ax_h.get_ylim()[1] * 1.45)  # head room for the legend
    ax_h.legend(frameon=False, fontsize=7, loc="upper left")
    return fig


bn_training_explorer = Explorer(
    bn_training_figure,
    [
        Checkbox("batchnorm", True, description="batch norm"),
        LogSlider("lr", 1.0, min=0.01, max=5.0, step=0.1, readout_format=".3f", description="α"),
        Dropdown("mini_batch_size", 32, options=BATCH_SIZES, description="mini-batch size"),
    ],
    title="A 4-hidden-layer network on two moons, with and without batch norm",
)


def bn_training_widget():
    """Batch norm on/off, α and mini-batch size → cost curves and layer histograms."""
    return bn_training_explorer.build()


# ---------------------------------------------------------------- noise and test mode
UNIT = (2, 0)  # (layer, unit) whose statistics the noise explorer follows


@lru_cache(maxsize=16)
def noise_run(mini_batch_size: int, bn_momentum: float = 0.9):
    """A batch-norm network trained at ``mini_batch_size`` (α = 0.3, 6 epochs), its
    per-step batch statistics (:class:`BatchStats`), and the full-data ``Z[l]`` of every
    hidden layer.

    The statistics are read from ``net.running`` after every step (``train``'s
    ``step_callback``) while the network keeps them with momentum 0, i.e. the running
    averages *are* the last batch's statistics; they do not touch the training itself
    (training-mode batch norm uses the batch's own statistics). Afterwards the network
    gets the running averages it would have kept with ``bn_momentum``.
    """
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=2)
    bn_momentum = check_beta("bn_momentum", bn_momentum)
    X, Y = moons()
    net = Network(list(LAYER_DIMS), batchnorm=True, seed=1, bn_momentum=0.0)
    hidden = range(1, net.L)
    stats = BatchStats({l: [] for l in hidden}, {l: [] for l in hidden})

    def record(iteration, net, history):
        for l in hidden:
            stats.mu[l].append(net.running[f"mu{l}"])
            stats.var[l].append(net.running[f"var{l}"])

    train(
        net,
        X,
        Y,
        SGD(lr=0.3),
        epochs=6,
        mini_batch_size=int(mini_batch_size),
        seed=0,
        step_callback=record,
    )
    net.bn_momentum = bn_momentum
    net.running.update(running_averages(stats, bn_momentum))
    _, cache = net.forward(X, training=True, update_running=False)
    Z = {l: cache[f"Z{l}"] for l in hidden}
    return net, stats, Z


def running_averages(stats: BatchStats, momentum: float) -> dict:
    """The running ``μ``, ``σ²`` of every layer after the recorded steps, kept with
    ``momentum`` from ``μ = 0``, ``σ² = 1``: ``v_T = ewa(x, momentum)_T + momentum^T v_0``."""
    if not isinstance(stats, BatchStats):
        raise ValueError(f"stats must be the BatchStats of noise_run, got {stats!r}")
    momentum = check_beta("momentum", momentum)
    out = {}
    for l in stats.mu:
        T = len(stats.mu[l])
        out[f"mu{l}"] = ewa(np.array(stats.mu[l]), momentum)[-1]
        out[f"var{l}"] = ewa(np.array(stats.var[l]), momentum)[-1] + momentum**T
    return out


def test_mode_output(net, stats: BatchStats, momentum: float):
    """``A[L]`` on the training set in test mode, with running averages computed from the
    recorded batch statistics at ``momentum`` (starting from ``μ = 0``, ``σ² = 1``)."""
    _check_net(net, batchnorm=True)
    running_averages(stats, momentum)  # checks stats and momentum
    X, _ = moons()
    saved = dict(net.running)
    try:
        net.running.update(running_averages(stats, momentum))
        return net.predict_proba(X)
    finally:
        net.running.update(saved)


def train_mode_output(net, mini_batch_size: int):
    """``A[L]`` of each training example computed inside a mini-batch of the given size."""
    _check_net(net, batchnorm=True)
    X, _ = moons()
    m = X.shape[1]
    mini_batch_size = check_int("mini_batch_size", mini_batch_size, low=2, high=m)
    # the column numbers ride along as the "labels", to put each output back in place
    batches = random_mini_batches(X, np.arange(m)[None], mini_batch_size, seed=1)
    out = np.empty((1, m))
    previous = None
    for _, cols in batches:
        cols = cols[0].astype(int)
        if cols.size < 2:  # a batch of one has zero variance: join it to the previous one
            cols = np.concatenate([previous, cols])
        A, _ = net.forward(X[:, cols], training=True, update_running=False)
        out[:, cols] = A
        previous = cols
    return out


def bn_noise_figure(mini_batch_size: int = 16, momentum: float = 0.9):
    """Batch-mean noise, the running average at ``momentum``, train vs test outputs."""
    s = int(mini_batch_size)
    net, stats, Z = noise_run(s)
    layer, unit = UNIT
    z = Z[layer][unit : unit + 1]
    fig, (ax1, ax2, ax3) = new_figure(
        ncols=3,
        width=11.0,
        height=3.4,
        left=0.005,
        right=0.992,
        bottom=0.147,
        top=0.885,
        wspace=0.226,
    )

    mus, _ = batch_stat_noise(z, s, n_batches=300, seed=0)
    full_mu, full_sd = float(z.mean()), float(z.std())
    spread = float(mus.std())
    # a fixed window (±σ around the full-data mean) so the histogram visibly narrows as
    # the batch grows; at s = m every batch is the whole set and the spread is zero
    lo, hi = full_mu - full_sd, full_mu + full_sd
    ax1.hist(
        np.clip(mus[:, 0], lo, hi),
        bins=np.linspace(lo, hi, 41),
        histtype="stepfilled",
        color="#9467bd",
        alpha=0.8,
    )
    ax1.set_xlim(lo, hi)
    ax1.axvline(full_mu, color="k", ls="--", lw=1, label="full-data μ")
    ax1.set_title(
        f"batch means of one unit, batch {s}\nspread {spread:.2f} "
        f"(σ/√s = {full_sd / np.sqrt(s):.2f})",
        fontsize=9,
    )
    ax1.set_xlabel(r"batch mean $\mu^{\{t\}}$ of z (layer 2, unit 1)")
    ax1.set_yticks([])
    ax1.legend(frameon=False, fontsize=8)

    batch_mu = np.array(stats.mu[layer])[:, unit, 0]
    run_mu = ewa(batch_mu, momentum)
    steps = np.arange(1, batch_mu.size + 1)
    ax2.plot(steps, batch_mu, color="#bbbbbb", lw=0.8, label="batch μ")
    ax2.plot(steps, run_mu, color="#d62728", lw=1.6, label=f"running μ (momentum {momentum:g})")
    ax2.axhline(full_mu, color="k", ls="--", lw=1, label="full-data μ after training")
    ax2.set_xlabel("training step")
    ax2.set_title(f"running average: final {run_mu[-1]:.2f} vs {full_mu:.2f}", fontsize=9)
    ax2.legend(frameon=False, fontsize=7)

    p_test = test_mode_output(net, stats, momentum)[0]
    p_train = train_mode_output(net, s)[0]
    gap = float(np.mean(np.abs(p_test - p_train)))
    ax3.plot([0, 1], [0, 1], color="#444444", lw=0.8)
    ax3.scatter(p_train, p_test, s=8, alpha=0.6, color="#1f77b4")
    ax3.set_xlim(-0.02, 1.02)
    ax3.set_ylim(-0.02, 1.02)
    ax3.set_xlabel("train mode: ŷ with batch statistics")
    ax3.set_ylabel("test mode: running averages")
    ax3.set_title(f"mean |difference| = {gap:.3f}", fontsize=9)
    return fig


bn_noise_explorer = Explorer(
    bn_noise_figure,
    [
        Dropdown("mini_batch_size", 16, options=NOISE_BATCH_SIZES, description="mini-batch size"),
        ChoiceSlider(
            "momentum",
            0.9,
            options=(0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
            description="running-average momentum",
        ),
    ],
    title="Batch statistics: noise in training, running averages at test time",
)


def bn_noise_widget():
    """Mini-batch size and running-average momentum → batch noise and train/test gap."""
    return bn_noise_explorer.build()
