"""Companion of the capstone chapter "Putting it together on real data"
(``chapters/capstone/01_digits.ipynb``): the course's whole workflow on scikit-learn's
8 × 8 handwritten digits.

What the chapter calls:

* :func:`digits` — the seeded 60/20/20 split, the input normalizer fitted on the
  training set, and the normalized copies of the three sets;
* :func:`network` — a ``[64, n_h, 10]`` softmax network with He initialization;
* the babysitting checks: :func:`logit_variance` (why the cost at initialization is a
  little above ``ln 10``), :func:`overfit_tiny`, :func:`check_gradients`, and
  :func:`run`, which trains with :func:`nnlab.train.train` and records the ratio
  ``‖ΔW[1]‖ / ‖W[1]‖`` of every update;
* :func:`babysitting_grid` and :func:`regularization_grid` — the precomputed runs behind
  the two explorers (computed once, memoised), and :func:`search` — the random search;
* :func:`test_accuracy` — the one final test-set evaluation, with its standard error;
* the explorers ``babysitting_explorer``, ``regularization_explorer``,
  ``search_explorer`` and their builders :func:`digits_widget`,
  :func:`regularization_widget`, :func:`search_widget`.

Every run is seeded, so the chapter's quoted numbers are the same on every build.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nnlab.checks import check_int, check_keep_prob, check_positive, check_range, check_seed
from nnlab.data import Normalizer, Split, load_digits, train_dev_test_split
from nnlab.explorer import Checkbox, Dropdown, Explorer, LogSlider
from nnlab.gradcheck import gradient_check
from nnlab.model import Network
from nnlab.optimizers import SGD, Adam
from nnlab.plots import new_figure, note_on_axes, plain_log_axis
from nnlab.schedules import make_schedule
from nnlab.train import History, train
from nnlab.tuning import Param, random_search

C = 10  # classes
N_X = 64  # pixels
BATCH = 128  # mini-batch size of every run in the chapter
# Normalizer's ε is added to σ² (pixel units², ink 0 … 16). Three corner pixels are blank
# in every training image (σ² = 0): with ε = 1e-8 a single inked corner pixel in a dev
# image becomes a feature of 10⁴; ε = 1 caps it near the value of the ink itself.
NORM_EPSILON = 1.0
RATIO_TARGET = 1e-3  # the rule of thumb for ‖ΔW‖ / ‖W‖ per update


# ---------------------------------------------------------------- data and networks
@dataclass(frozen=True)
class Digits:
    """The split (raw pixels, ``split.X_train`` …), the normalizer fitted on the training
    set, and the normalized inputs ``X_train``, ``X_dev``, ``X_test``."""

    split: Split
    normalizer: Normalizer
    X_train: np.ndarray
    X_dev: np.ndarray
    X_test: np.ndarray

    @property
    def Y_train(self):
        return self.split.Y_train

    @property
    def Y_dev(self):
        return self.split.Y_dev

    @property
    def Y_test(self):
        return self.split.Y_test

    def inputs(self, raw: bool = False):
        """``(X_train, X_dev)``: raw pixels or normalized (the test set is not handed out)."""
        if raw:
            return self.split.X_train, self.split.X_dev
        return self.X_train, self.X_dev


def _check_n_h(n_h):
    """``n_h``: a whole number of hidden units in ``[1, 10000]`` (``32.0`` is 32)."""
    if check_range("n_h", n_h, 1, 10000) != int(n_h):
        raise ValueError(f"n_h must be a whole number of hidden units, got {n_h!r}")


@lru_cache(maxsize=2)
def digits(seed: int = 0) -> Digits:
    """All 1,797 digits split 60/20/20 (train/dev/test) with ``seed``, and normalized with
    the training set's ``μ``, ``σ²`` (``ε = NORM_EPSILON``)."""
    X, Y = load_digits()
    split = train_dev_test_split(X, Y, fractions=(0.6, 0.2, 0.2), seed=seed)
    norm = Normalizer(epsilon=NORM_EPSILON).fit(split.X_train)
    return Digits(
        split,
        norm,
        norm.transform(split.X_train),
        norm.transform(split.X_dev),
        norm.transform(split.X_test),
    )


def network(
    n_h: int = 64,
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    batchnorm: bool = False,
    seed: int = 0,
) -> Network:
    """``[64, n_h, 10]``: one hidden ReLU layer, a softmax output, He initialization."""
    _check_n_h(n_h)
    return Network(
        [N_X, int(n_h), C],
        hidden="relu",
        output="softmax",
        init="he",
        seed=seed,
        lambd=lambd,
        keep_prob=keep_prob,
        batchnorm=batchnorm,
    )


def logit_variance(net: Network, X) -> float:
    """``V``: the variance across the ``C`` logits ``Z[L]`` of an example, averaged over
    the examples of ``X`` (test mode).

    To second order in small logits, ``log Σ_k e^{z_k} ≈ ln C + z̄ + V/2`` while the
    true class's logit averages ``z̄``, so the cost at initialization is
    ``J ≈ ln C + V/2``: its excess over ``ln C`` measures how spread out the initial
    logits are (zero logits give exactly ``ln C``).
    """
    if not isinstance(net, Network):
        raise ValueError(f"net must be a Network, got {type(net).__name__}")
    _, cache = net.forward(X, training=False, update_running=False)
    return float(cache[f"Z{net.L}"].var(axis=0).mean())


# ---------------------------------------------------------------- one training run
@dataclass
class Run:
    """A training run: its :class:`~nnlab.train.History`, the trained network and
    ``ratios[t] = ‖ΔW[1]‖_F / ‖W[1]‖_F`` of update ``t`` (up to where it stopped)."""

    history: History
    net: Network
    ratios: np.ndarray

    @property
    def diverged(self) -> bool:
        return self.history.diverged

    @property
    def dev_error(self) -> float:
        """Dev error after the last measured epoch (NaN if it diverged first)."""
        return 1.0 - self.history.dev_acc[-1] if self.history.dev_acc else float("nan")

    @property
    def best_dev_cost(self) -> float:
        """Smallest dev cross-entropy over the epochs (NaN if none was measured)."""
        return float(min(self.history.dev_costs)) if self.history.dev_costs else float("nan")


def run(
    lr: float,
    optimizer: str = "Adam",
    raw: bool = False,
    n_h: int = 64,
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    batchnorm: bool = False,
    epochs: int = 30,
    decay_rate: float = 0.0,
    seed: int = 0,
) -> Run:
    """Train :func:`network` on the digits' training set, watching the dev set.

    ``optimizer`` is ``"SGD"`` or ``"Adam"`` (default β1, β2, ε); ``raw=True`` feeds the
    raw pixels instead of the normalized ones; ``decay_rate > 0`` decays the learning
    rate as ``α = α₀ / (1 + decay_rate · epoch)``. Mini-batches of ``BATCH``. A run that
    blows up stops (``run.diverged``) instead of raising.
    """
    _check_n_h(n_h)
    if optimizer not in ("SGD", "Adam"):
        raise ValueError(f"optimizer must be 'SGD' or 'Adam', got {optimizer!r}")
    check_range("decay_rate", decay_rate, 0, None)
    data = digits()
    X_train, X_dev = data.inputs(raw)
    net = network(n_h, lambd, keep_prob, batchnorm, seed)
    opt = SGD(lr) if optimizer == "SGD" else Adam(lr)
    schedule = make_schedule("inverse_time", lr, decay_rate=decay_rate) if decay_rate else None
    previous = net.params["W1"].copy()
    ratios = []

    def watch(_iteration, net, _history):
        # W1 is updated in place, so the step is measured against a copy
        W = net.params["W1"]
        ratios.append(np.linalg.norm(W - previous) / max(np.linalg.norm(previous), 1e-300))
        previous[...] = W

    with np.errstate(over="ignore", invalid="ignore"):  # a blown-up run's ratio is inf/NaN
        history = train(
            net,
            X_train,
            data.Y_train,
            opt,
            epochs=epochs,
            mini_batch_size=BATCH,
            schedule=schedule,
            seed=seed,
            X_dev=X_dev,
            Y_dev=data.Y_dev,
            step_callback=watch,
            on_divergence="stop",
        )
    return Run(history, net, np.array(ratios))


# ---------------------------------------------------------------- the babysitting checks
def overfit_tiny(per_class: int = 2, epochs: int = 150, lr: float = 0.01, seed: int = 0):
    """Train on ``per_class`` training images of each digit only (full batch, Adam) and
    return ``(history, m)``: a working network drives this tiny set's cost to ~0."""
    check_int("per_class", per_class, 1, 100)
    check_int("epochs", epochs)
    check_positive("lr", lr)
    check_seed("seed", seed)
    data = digits()
    Y = data.Y_train[0]
    idx = np.concatenate([np.flatnonzero(Y == c)[:per_class] for c in range(C)])
    net = network(seed=seed)
    history = train(
        net,
        data.X_train[:, idx],
        data.Y_train[:, idx],
        Adam(lr),
        epochs=epochs,
        mini_batch_size=None,
        seed=seed,
    )
    return history, idx.size


def check_gradients(
    m: int = 8, n_h: int = 6, lambd: float = 0.5, keep_prob: float = 0.8, seed: int = 0
):
    """Gradient check of backprop with every feature on (L2, dropout with frozen masks,
    batch norm) on a slice of ``m`` training images and a ``[64, n_h, 10]`` network:
    small, because the check costs two forward passes per parameter."""
    check_int("m", m, 2, 1000)
    _check_n_h(n_h)
    check_range("lambd", lambd, 0, None)
    check_keep_prob("keep_prob", keep_prob)
    check_seed("seed", seed)
    data = digits()
    X, Y = data.X_train[:, :m], data.Y_train[:, :m]
    net = network(n_h, lambd, keep_prob, batchnorm=True, seed=seed)
    masks = net.draw_masks(m)
    _, cache = net.forward(X, masks=masks, update_running=False)
    return gradient_check(net.cost_function(X, Y, masks=masks), net.params, net.backward(Y, cache))


# ---------------------------------------------------------------- explorer 1: babysitting
LRS = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
OPTIMIZERS = ("SGD", "Adam")
INPUTS = ("raw pixels", "normalized", "normalized + batch norm")
BABYSIT_EPOCHS = 10


@lru_cache(maxsize=1)
def babysitting_grid() -> dict:
    """``{(optimizer, inputs, lr): Run}`` over ``OPTIMIZERS × INPUTS × LRS``: 30 runs of
    ``BABYSIT_EPOCHS`` epochs of a ``[64, 64, 10]`` network, trained once and memoised."""
    return {
        (opt, inp, lr): run(
            lr, opt, raw=inp == INPUTS[0], batchnorm=inp == INPUTS[2], epochs=BABYSIT_EPOCHS
        )
        for opt in OPTIMIZERS
        for inp in INPUTS
        for lr in LRS
    }


def nearest_lr(lr: float) -> float:
    """The grid's learning rate nearest to ``lr`` on a log scale (a slider's value may be
    ``0.0099999`` for ``0.01``)."""
    check_range("lr", lr, 0, None, low_open=True)
    return min(LRS, key=lambda v: abs(math.log10(v) - math.log10(lr)))


def _epoch_axis(history):
    return np.asarray(history.measured_epochs) + 1


def babysitting_figure(lr: float = 1e-2, optimizer: str = "Adam", inputs: str = "normalized"):
    """Cost curves, update-to-weight ratios and dev error against α for one cell of the
    babysitting grid."""
    lr = nearest_lr(lr)
    grid = babysitting_grid()
    r = grid[(optimizer, inputs, lr)]
    h = r.history
    fig, (ax1, ax2, ax3) = new_figure(
        ncols=3, width=11.5, height=3.5, fixed=True, left=0.06, right=0.99, wspace=0.32
    )
    steps_per_epoch = math.ceil(digits().X_train.shape[1] / BATCH)
    if h.costs:
        t = np.arange(1, len(h.costs) + 1) / steps_per_epoch
        ax1.plot(
            t, np.minimum(h.costs, 50), color="#bbbbbb", lw=0.8, label="mini-batch $J^{\\{t\\}}$"
        )
    if h.train_costs:
        # epoch 0 is the cost at initialization, the first babysitting check
        ax1.plot(
            np.r_[0, _epoch_axis(h)],
            np.r_[h.initial_cost, h.train_costs],
            color="#1f77b4",
            marker=".",
            label="train $J$",
        )
        ax1.plot(_epoch_axis(h), h.dev_costs, color="#d62728", marker=".", label="dev cost")
    ax1.axhline(math.log(C), color="#444444", ls=":", lw=1, label="ln 10")
    ax1.set_yscale("log")
    plain_log_axis(ax1.yaxis)
    ax1.set_ylim(1e-3, 50)
    ax1.set_xlim(0, BABYSIT_EPOCHS)
    ax1.set_xlabel("epoch")
    ax1.set_title(f"{optimizer}, {inputs}, α = {lr:g}", fontsize=9)
    ax1.legend(frameon=False, fontsize=7, loc="lower left")

    ax2.axhspan(RATIO_TARGET / 3, RATIO_TARGET * 3, color="#2ca02c", alpha=0.15, label="about 1e-3")
    t = np.arange(1, r.ratios.size + 1)
    drawn = np.isfinite(r.ratios) & (r.ratios > 0)  # a log axis cannot show ρ = 0
    ax2.plot(t[drawn], r.ratios[drawn], color="#9467bd", lw=0.8)
    ax2.set_xlim(0, r.ratios.size + 1)
    if r.ratios.size:
        ax2.set_title(f"‖ΔW[1]‖ / ‖W[1]‖: median {np.median(r.ratios):.1e}", fontsize=9)
    if np.any(r.ratios == 0):
        note_on_axes(
            ax2,
            f"ρ = 0 at {int(np.sum(r.ratios == 0))} of {r.ratios.size} updates:\n"
            "W[1] no longer changes",
        )
    ax2.set_yscale("log")
    plain_log_axis(ax2.yaxis, fmt="{:.0e}")
    ax2.set_ylim(1e-7, 10)
    ax2.set_xlabel("update t")
    ax2.legend(frameon=False, fontsize=7, loc="upper right")

    errors = [grid[(optimizer, inputs, v)].dev_error for v in LRS]
    ax3.plot(LRS, errors, color="#444444", marker="o", ms=4)
    ax3.plot([lr], [errors[LRS.index(lr)]], marker="o", ms=10, mfc="none", mec="#d62728", mew=2)
    for v, e in zip(LRS, errors):
        if math.isnan(e):
            ax3.text(
                v,
                0.5,
                "diverged",
                rotation=90,
                ha="center",
                va="center",
                fontsize=7,
                color="#a40000",
            )
    ax3.set_xscale("log")
    plain_log_axis(ax3.xaxis)
    ax3.set_ylim(0, 1)
    ax3.set_xlabel("learning rate α")
    ax3.set_ylabel(f"dev error after {BABYSIT_EPOCHS} epochs")
    ax3.set_title("every α of this row", fontsize=9)
    if h.diverged:
        note_on_axes(ax1, f"diverged after {len(h.costs)} updates:\nthe cost blew up")
    return fig


babysitting_explorer = Explorer(
    babysitting_figure,
    [
        LogSlider(
            "lr",
            1e-2,
            min=LRS[0],
            max=LRS[-1],
            step=1.0,
            readout_format=".0e",
            description="learning rate α",
        ),
        Dropdown("optimizer", "Adam", options=OPTIMIZERS, description="optimizer"),
        Dropdown("inputs", "normalized", options=INPUTS, description="inputs"),
    ],
    title="Babysitting a run on the digits (30 precomputed runs of 10 epochs)",
)


def digits_widget():
    """α, optimizer and inputs → cost curves, update ratios, dev error against α."""
    return babysitting_explorer.build()


# ---------------------------------------------------------------- explorer 2: regularization
LAMBDS = (0.0, 1.0, 10.0)
KEEP_PROBS = (1.0, 0.8, 0.6)
REG_LR = 1e-2
REG_EPOCHS = 20


@lru_cache(maxsize=1)
def regularization_grid() -> dict:
    """``{(lambd, keep_prob): Run}`` over ``LAMBDS × KEEP_PROBS``: Adam with α = 0.01,
    ``REG_EPOCHS`` epochs, normalized inputs; trained once and memoised."""
    return {
        (lambd, kp): run(REG_LR, "Adam", lambd=lambd, keep_prob=kp, epochs=REG_EPOCHS)
        for lambd in LAMBDS
        for kp in KEEP_PROBS
    }


def standard_error(error: float, m: int) -> float:
    """``√(p (1 − p) / m)``: the standard error of an error rate ``p`` measured on ``m``
    independent examples."""
    check_range("error", error, 0, 1)
    check_int("m", m)
    return math.sqrt(error * (1.0 - error) / m)


def regularization_figure(lambd: float = 0.0, keep_prob: float = 1.0):
    """Train and dev cost and error over the epochs for one ``(λ, keep_prob)``, and the
    final dev error of the whole grid."""
    grid = regularization_grid()
    h = grid[(lambd, keep_prob)].history
    fig, (ax1, ax2, ax3) = new_figure(
        ncols=3, width=11.5, height=3.5, fixed=True, left=0.06, right=0.97, wspace=0.35
    )
    e = _epoch_axis(h)
    ax1.plot(e, h.train_costs, color="#1f77b4", label="train J (with penalty)")
    ax1.plot(e, h.dev_costs, color="#d62728", label="dev cross-entropy")
    ax1.set_yscale("log")
    plain_log_axis(ax1.yaxis)
    ax1.set_ylim(1e-3, 3)
    ax1.set_xlabel("epoch")
    ax1.set_title(f"λ = {lambd:g}, keep_prob = {keep_prob:g}", fontsize=9)
    ax1.legend(frameon=False, fontsize=7, loc="lower left")

    ax2.plot(e, 100 * (1 - np.asarray(h.train_acc)), color="#1f77b4", label="train error")
    ax2.plot(e, 100 * (1 - np.asarray(h.dev_acc)), color="#d62728", label="dev error")
    m_dev = digits().X_dev.shape[1]
    dev_err = 1 - h.dev_acc[-1]
    se = standard_error(dev_err, m_dev)
    ax2.axhspan(
        100 * (dev_err - se),
        100 * (dev_err + se),
        color="#d62728",
        alpha=0.12,
        label="± 1 standard error",
    )
    ax2.set_ylim(0, 12)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("error (%)")
    ax2.set_title(
        f"train {100 * (1 - h.train_acc[-1]):.1f} %, dev {100 * dev_err:.1f} % ± {100 * se:.1f}",
        fontsize=9,
    )
    ax2.legend(frameon=False, fontsize=7, loc="upper right")

    table = np.array([[100 * grid[(lam, kp)].dev_error for kp in KEEP_PROBS] for lam in LAMBDS])
    ax3.imshow(table, cmap="Reds", vmin=0, vmax=10, aspect="auto")
    for i, lam in enumerate(LAMBDS):
        for j, kp in enumerate(KEEP_PROBS):
            here = (lam, kp) == (lambd, keep_prob)
            ax3.text(
                j,
                i,
                f"{table[i, j]:.1f}",
                ha="center",
                va="center",
                fontsize=8,
                fontweight="bold" if here else "normal",
                bbox=dict(fc="none", ec="black") if here else None,
            )
    ax3.set_xticks(range(len(KEEP_PROBS)), [f"{v:g}" for v in KEEP_PROBS])
    ax3.set_yticks(range(len(LAMBDS)), [f"{v:g}" for v in LAMBDS])
    ax3.set_xlabel("keep_prob")
    ax3.set_ylabel("λ")
    ax3.set_title(f"dev error (%) after {REG_EPOCHS} epochs", fontsize=9)
    return fig


regularization_explorer = Explorer(
    regularization_figure,
    [
        Dropdown("lambd", 0.0, options=LAMBDS, description="L2 strength λ"),
        Dropdown("keep_prob", 1.0, options=KEEP_PROBS, description="keep_prob"),
    ],
    title="L2 and dropout on the digits (9 precomputed runs)",
)


def regularization_widget():
    """λ and keep_prob → cost and error curves, and the grid's dev errors."""
    return regularization_explorer.build()


# ---------------------------------------------------------------- the random search
SPACE = {
    "lr": Param(1e-4, 1e-1, "log"),
    "lambd": Param(1e-2, 10.0, "log"),
    "keep_prob": Param(0.5, 1.0, "linear"),
    "n_h": Param(16, 96, "int"),
}
SEARCH_EPOCHS = 20
DECAY_RATE = 0.1


@dataclass
class Search:
    """The trials of :func:`search` (``results``, best first) and the trained network of
    every trial (``nets[trial]``), so the winner need not be trained again."""

    results: object
    nets: dict

    @property
    def best_net(self) -> Network:
        return self.nets[self.results.best["trial"]]


@lru_cache(maxsize=2)
def search(n_trials: int = 12, seed: int = 0) -> Search:
    """Random search over ``SPACE`` (α and λ on a log scale, keep_prob linear, n_h an
    integer): each trial trains Adam with ``α = α₀ / (1 + 0.1 · epoch)`` for 20 epochs,
    and scores the **dev cross-entropy** after the last epoch (smoother than the dev
    error, which moves in steps of one image, 0.28 points on 359 images)."""
    check_int("n_trials", n_trials, 1, 1000)
    check_seed("seed", seed)
    nets, order = {}, iter(range(n_trials))

    def dev_cost(lr, lambd, keep_prob, n_h):
        r = run(
            lr,
            "Adam",
            n_h=n_h,
            lambd=lambd,
            keep_prob=keep_prob,
            epochs=SEARCH_EPOCHS,
            decay_rate=DECAY_RATE,
        )
        nets[next(order)] = r.net
        return r.history.dev_costs[-1] if not r.diverged else float("nan")

    return Search(random_search(dev_cost, SPACE, n_trials, seed=seed), nets)


def _check_net(net) -> Network:
    """``net`` must be a digits classifier: a ``Network`` from 64 pixels to 10 softmax classes."""
    if (
        not isinstance(net, Network)
        or net.layer_dims[0] != N_X
        or net.layer_dims[-1] != C
        or net.output != "softmax"
    ):
        what = (
            f"a Network with layer_dims {net.layer_dims} and output {net.output!r}"
            if isinstance(net, Network)
            else type(net).__name__
        )
        raise ValueError(
            f"net must be a Network from {N_X} pixels to {C} softmax classes "
            f"(e.g. network()), got {what}"
        )
    return net


def dev_error_of(net: Network) -> float:
    """The error ``1 − accuracy`` of ``net`` on the digits' dev set."""
    _check_net(net)
    data = digits()
    return 1.0 - net.accuracy(data.X_dev, data.Y_dev)


AXES = {
    "lr": "learning rate α",
    "lambd": "L2 strength λ",
    "keep_prob": "keep_prob",
    "n_h": "hidden units n_h",
}


def search_figure(x: str = "lr", color: str = "n_h", show_best: bool = True):
    """Each trial of :func:`search` as a point: dev cross-entropy against one
    hyperparameter, coloured by another."""
    res = search().results
    fig, (ax,) = new_figure(width=8.0, height=3.6, fixed=True, left=0.09, right=0.97)
    ok = ~np.isnan(res.column("score"))
    xs, scores, cs = res.column(x)[ok], res.column("score")[ok], res.column(color)[ok]
    sc = ax.scatter(
        xs,
        scores,
        c=cs,
        cmap="viridis",
        s=40,
        edgecolors="black",
        linewidths=0.4,
        norm="log" if SPACE[color].scale == "log" else None,
    )
    bar = fig.colorbar(sc, ax=ax, label=AXES[color], pad=0.02)
    if SPACE[color].scale == "log":
        plain_log_axis(bar.ax.yaxis)
    if show_best:
        ax.plot(
            [res.best[x]],
            [res.best["score"]],
            marker="*",
            ms=16,
            color="gold",
            mec="black",
            zorder=3,
        )
    if SPACE[x].scale == "log":
        ax.set_xscale("log")
        plain_log_axis(ax.xaxis)
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set_xlabel(AXES[x])
    ax.set_ylabel("dev cross-entropy")
    ax.set_title(
        f"{int(ok.sum())} trials of the random search"
        + (f" ({int((~ok).sum())} diverged)" if (~ok).any() else ""),
        fontsize=9,
    )
    return fig


search_explorer = Explorer(
    search_figure,
    [
        Dropdown("x", "lr", options=tuple(SPACE), description="horizontal axis"),
        Dropdown("color", "n_h", options=tuple(SPACE), description="colour"),
        Checkbox("show_best", True, description="mark the best trial"),
    ],
    title="The random search, trial by trial",
)


def search_widget():
    """Which hyperparameter to plot the trials against, and which to colour them by."""
    return search_explorer.build()


# ---------------------------------------------------------------- the final evaluation
def test_accuracy(net: Network) -> tuple[float, float]:
    """``(accuracy, standard error)`` of ``net`` on the test set, ``√(a (1 − a) / m_test)``.
    Call it once, on the network the dev set chose."""
    _check_net(net)
    data = digits()
    acc = net.accuracy(data.X_test, data.Y_test)
    return acc, standard_error(1.0 - acc, data.X_test.shape[1])


def digits_figure(n: int = 20, seed: int = 0):
    """``n`` training images with their labels, as the network sees them before
    normalization."""
    check_int("n", n, 1, 100)
    check_seed("seed", seed)
    data = digits()
    idx = np.random.default_rng(seed).choice(data.split.X_train.shape[1], n, replace=False)
    cols = 10
    rows = math.ceil(n / cols)
    fig, axes = new_figure(
        ncols=cols,
        nrows=rows,
        width=9.0,
        height=1.0 * rows + 0.3,
        left=0.01,
        right=0.99,
        bottom=0.02,
        top=0.9,
        wspace=0.1,
        hspace=0.35,
    )
    for ax, i in zip(axes, idx):
        ax.imshow(data.split.X_train[:, i].reshape(8, 8), cmap="Greys", vmin=0, vmax=16)
        ax.set_title(str(data.Y_train[0, i]), fontsize=9)
    for ax in axes:
        ax.axis("off")
    return fig
