"""Companion of chapter I.7, *Gradient checking*
(``chapters/practical/07_gradient_checking.ipynb``).

Backpropagation with a deliberate mistake, to see what gradient checking catches.

:func:`buggy_backward` is the backward pass of :class:`~nnlab.model.Network` (no batch
norm) written out layer by layer, with one of the classic mistakes injected at one layer
``l``. With ``bug="none"`` it equals ``Network.backward``. The bugs:

- ``"dW missing 1/m"``: ``dW[l] = dZ[l] A[l-1]ᵀ`` (the sum instead of the mean);
- ``"db wrong sign"``: ``db[l] = -(1/m) Σ_i dZ[l]⁽ⁱ⁾``;
- ``"activation derivative wrong"``: a hidden layer uses ``dZ[l] = dA[l]`` (forgets
  ``⊙ g'(Z[l])``); the output layer multiplies ``A[L] - Y`` by ``σ'(Z[L])`` once more
  (applying the sigmoid's derivative on top of the cross-entropy simplification);
- ``"L2 term missing"``: ``dW[l]`` leaves out ``(λ/m) W[l]`` (only visible when ``λ > 0``);
- ``"dropout mask missing"``: the backward pass of hidden layer ``l`` forgets
  ``dA[l] ⊙ D[l] / keep_prob`` (only visible with dropout).

A bug at layer ``l`` spoils ``dW[l]``/``db[l]`` and, for the activation and dropout bugs,
every layer below ``l`` too, since ``dZ[l]`` feeds them: the gradient check's per-parameter
report points at the highest layer that is wrong.

Widgets for the chapter on gradient checking.

``bug_explorer``: inject a classic backprop mistake into one layer of a small tanh network
and see which parameters, and which components, the gradient check flags; with L2,
dropout (off, frozen masks or fresh masks) and a check at initialization or after training.

``epsilon_explorer``: the relative difference of a *correct* gradient as the step ε goes
from 1e-1 to 1e-12: truncation error on the right, round-off error on the left.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nnlab.activations import get_activation, sigmoid
from nnlab.checks import (
    check_bool,
    check_int,
    check_option,
    check_positive,
    check_range,
)
from nnlab.data import Normalizer, make_moons
from nnlab.explorer import Checkbox, Dropdown, Explorer, FloatSlider, IntSlider, LogSlider
from nnlab.gradcheck import (
    GOOD,
    LOOK_CLOSER,
    dict_to_vector,
    epsilon_sweep,
    gradient_check,
    verdict,
)
from nnlab.model import Network
from nnlab.plots import new_figure, plain_log_axis
from nnlab.train import gradient_descent

BUGS = (
    "none",
    "dW missing 1/m",
    "db wrong sign",
    "activation derivative wrong",
    "L2 term missing",
    "dropout mask missing",
)


def buggy_backward(net: Network, Y, cache, bug: str = "none", layer: int = 1) -> dict:
    """Gradients ``{"dW1", "db1", …}`` of ``net.cost`` with ``bug`` injected at ``layer``.

    Same equations as :meth:`Network.backward`: ``dZ[L] = A[L] - Y``;
    ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ + (λ/m) W[l]`` (L2); ``db[l] = (1/m) Σ_i dZ[l]⁽ⁱ⁾``;
    ``dA[l-1] = W[l]ᵀ dZ[l]``, then ``dA ⊙ D / keep_prob`` and ``dZ = dA ⊙ g'(Z)``.
    """
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnlab.model.Network, got {type(net).__name__}")
    net._check_cache(cache)
    if not isinstance(bug, str) or bug not in BUGS:
        raise ValueError(f"bug must be one of {', '.join(map(repr, BUGS))}, got {bug!r}")
    layer = check_int("layer", layer)
    if layer > net.L:
        raise ValueError(f"layer must be in 1 … {net.L} (the network's layers), got {layer}")
    if net.batchnorm:
        raise ValueError("net must not use batch norm (buggy_backward covers the plain network)")
    if net.penalty != "l2" and bug == "L2 term missing":
        raise ValueError("bug 'L2 term missing' needs a network with penalty='l2'")
    P, m, L = cache["params"], cache["m"], net.L
    Y = net.targets(Y, m)
    g_backward = get_activation(net.hidden, "hidden")[1]
    grads = {}
    dZ = cache[f"A{L}"] - Y
    if bug == "activation derivative wrong" and layer == L:
        s = sigmoid(cache[f"Z{L}"])
        dZ = dZ * s * (1 - s)
    for l in range(L, 0, -1):
        here = l == layer
        dW = dZ @ cache[f"A{l - 1}"].T / m
        if here and bug == "dW missing 1/m":
            dW = dW * m
        if net.lambd > 0 and not (here and bug == "L2 term missing"):
            dW = dW + net.lambd / m * P[f"W{l}"]
        grads[f"dW{l}"] = dW
        db = dZ.sum(axis=1, keepdims=True) / m
        grads[f"db{l}"] = -db if here and bug == "db wrong sign" else db
        if l == 1:
            break
        dA = P[f"W{l}"].T @ dZ
        below = l - 1
        if f"D{below}" in cache and not (below == layer and bug == "dropout mask missing"):
            dA = dA * cache[f"D{below}"] / net.keep_probs[below - 1]
        if below == layer and bug == "activation derivative wrong":
            dZ = dA
        else:
            dZ = g_backward(dA, cache[f"Z{below}"])
    return {k: grads[k] for k in ("d" + p for p in P)}


LAYER_DIMS = (2, 5, 4, 1)
INITS = {"Xavier": ("xavier", 0.01), "small random (×0.1)": ("random", 0.1)}
DROPOUT = ("off", "on, masks frozen", "on, fresh masks each call")
KEEP_PROB = 0.8
TRAIN_STEPS, TRAIN_LR = 300, 0.5
VERDICT_COLORS = {"good": "#2ca02c", "look closer": "#ff7f0e", "likely a bug": "#d62728"}
EPS_GRID = np.logspace(-12, -1, 12)


@lru_cache(maxsize=1)
def check_data():
    """20 normalized two-moons examples: few, so a full gradient check takes milliseconds."""
    X, Y = make_moons(m=20, noise=0.2, seed=0)
    return Normalizer().fit_transform(X), Y


def make_network(
    hidden: str = "tanh", lambd: float = 0.0, keep_prob: float = 1.0, init: str = "Xavier"
) -> Network:
    """The chapter's small network ``[2, 5, 4, 1]``, seeded."""
    check_option("hidden", hidden, ("tanh", "relu", "sigmoid"))
    check_option("init", init, INITS)
    method, scale = INITS[init]
    return Network(
        list(LAYER_DIMS),
        hidden=hidden,
        init=method,
        init_scale=scale,
        seed=0,
        lambd=lambd,
        keep_prob=keep_prob,
    )


@lru_cache(maxsize=64)
def trained_params(lambd: float, init: str):
    """Parameters after ``TRAIN_STEPS`` steps of (correct) full-batch gradient descent."""
    check_range("lambd", lambd, 0, None)
    check_option("init", init, INITS)
    X, Y = check_data()
    net = make_network(lambd=lambd, init=init)
    gradient_descent(net, X, Y, TRAIN_STEPS, TRAIN_LR)
    return {k: v.copy() for k, v in net.params.items()}


def run_check(
    bug: str = "none",
    layer: int = 1,
    lambd: float = 0.1,
    dropout: str = "off",
    init: str = "Xavier",
    when: str = "at initialization",
):
    """The gradient check of ``buggy_backward`` for one setting: a :class:`GradCheckReport`."""
    check_option("bug", bug, BUGS)
    check_int("layer", layer, high=len(LAYER_DIMS) - 1)
    check_range("lambd", lambd, 0, None)
    check_option("dropout", dropout, DROPOUT)
    check_option("init", init, INITS)
    check_option("when", when, ("at initialization", f"after {TRAIN_STEPS} training steps"))
    X, Y = check_data()
    net = make_network(lambd=lambd, keep_prob=1.0 if dropout == "off" else KEEP_PROB, init=init)
    if when != "at initialization":
        net.params = {k: v.copy() for k, v in trained_params(lambd, init).items()}
    masks = net.draw_masks(X.shape[1], rng=np.random.default_rng(1)) if dropout != "off" else None
    _, cache = net.forward(X, training=True, masks=masks, update_running=False)
    grads = buggy_backward(net, Y, cache, bug=bug, layer=layer)
    if dropout == "on, fresh masks each call":
        rng = np.random.default_rng(2)

        def f(params):  # a new dropout mask at every call: J is no longer a function of θ
            _, c = net.forward(X, training=True, rng=rng, params=params, update_running=False)
            return net.cost(Y, c)
    else:
        f = net.cost_function(X, Y, masks=masks)
    return gradient_check(f, net.params, grads, eps=1e-7)


@lru_cache(maxsize=512)
def _cached_check(bug, layer, lambd, dropout, init, when):
    return run_check(bug, layer, lambd, dropout, init, when)


def bug_figure(
    bug: str = "activation derivative wrong",
    layer: int = 2,
    lambd: float = 0.1,
    dropout: str = "off",
    init: str = "Xavier",
    when: str = "at initialization",
):
    """Left: relative difference per parameter. Right: |difference| per component."""
    rep = _cached_check(bug, int(layer), round(float(lambd), 4), dropout, init, when)
    fig, (ax, ax2) = new_figure(2, width=11.0, height=3.9, bottom=0.16, top=0.86)
    names = list(rep.per_parameter)
    values = np.array([rep.per_parameter[k] for k in names])
    shown = np.maximum(values, 1e-13)
    ax.bar(names, shown, color=[VERDICT_COLORS[verdict(v)] for v in values], bottom=1e-14)
    ax.set_yscale("log")
    ax.set_ylim(1e-13, 10)
    plain_log_axis(ax.yaxis, fmt="{:.0e}")
    ax.axhline(GOOD, color="#2ca02c", ls="--", lw=1, label="1e-7: good")
    ax.axhline(LOOK_CLOSER, color="#d62728", ls="--", lw=1, label="1e-3: likely a bug")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, 1.0), framealpha=0.9)
    ax.set_ylabel("relative difference", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_title(
        f"λ = {lambd:g}, overall {rep.difference:.1e}: {verdict(rep.difference)}"
        + (f"  (worst: {rep.worst})" if rep.difference > GOOD else ""),
        fontsize=9,
    )
    num, _ = dict_to_vector(rep.numerical)
    ana, _ = dict_to_vector(rep.analytic)
    gap = np.maximum(np.abs(num - ana), 1e-16)
    start = 0
    for k, name in enumerate(names):
        n = rep.numerical["d" + name].size
        idx = np.arange(start, start + n)
        color = VERDICT_COLORS[verdict(rep.per_parameter[name])]
        ax2.vlines(idx, 1e-16, gap[idx], color=color, lw=1.2)
        ax2.text(start + n / 2 - 0.5, 3e-16, name, ha="center", fontsize=7)
        if k:
            ax2.axvline(start - 0.5, color="#bbbbbb", lw=0.6)
        start += n
    ax2.set_yscale("log")
    ax2.set_ylim(1e-16, 10)
    plain_log_axis(ax2.yaxis, fmt="{:.0e}")
    ax2.set_xlim(-1, start)
    ax2.set_xlabel("component i of θ", fontsize=8)
    ax2.set_ylabel("|dθ_approx[i] - dθ[i]|", fontsize=8)
    ax2.tick_params(labelsize=8)
    ax2.set_title("which components differ", fontsize=9)
    return fig


bug_explorer = Explorer(
    bug_figure,
    [
        Dropdown("bug", "activation derivative wrong", options=BUGS, description="bug"),
        IntSlider("layer", 2, min=1, max=len(LAYER_DIMS) - 1, description="in layer"),
        FloatSlider("lambd", 0.1, min=0.0, max=1.0, step=0.05, description="λ (L2)"),
        Dropdown("dropout", "off", options=DROPOUT, description="dropout"),
        Dropdown("init", "Xavier", options=tuple(INITS), description="initial weights"),
        Dropdown(
            "when",
            "at initialization",
            options=("at initialization", f"after {TRAIN_STEPS} training steps"),
            description="check",
        ),
    ],
    title="Gradient check of a backward pass with an injected bug",
    columns=3,
)


@lru_cache(maxsize=2)
def _sweep_setup(hidden: str):
    """``(f, params, grads)`` for :func:`~nnlab.finite_differences.epsilon_sweep`: the
    network's own cost ``net.cost_function(X, Y)`` and its backprop gradients."""
    check_option("hidden", hidden, ("tanh", "relu", "sigmoid"))
    X, Y = check_data()
    net = make_network(hidden=hidden)
    _, cache = net.forward(X, training=True, update_running=False)
    return net.cost_function(X, Y), net.params, net.backward(Y, cache)


@lru_cache(maxsize=8)
def sweep(hidden: str, one_sided: bool) -> np.ndarray:
    """Relative difference of the *correct* gradient at each ε of ``EPS_GRID``."""
    check_bool("one_sided", one_sided)
    return epsilon_sweep(*_sweep_setup(hidden), EPS_GRID, one_sided=one_sided)


@lru_cache(maxsize=256)
def difference_at(epsilon: float, hidden: str, one_sided: bool) -> float:
    """Relative difference of the correct gradient at one ``epsilon``."""
    check_positive("epsilon", epsilon)
    check_bool("one_sided", one_sided)
    return float(epsilon_sweep(*_sweep_setup(hidden), [epsilon], one_sided=one_sided)[0])


def epsilon_figure(epsilon: float = 1e-7, one_sided: bool = False, hidden: str = "tanh"):
    """The relative difference of a correct gradient against ε, log-log."""
    fig, (ax,) = new_figure(1, width=8.0, height=3.9, bottom=0.16, top=0.86, left=0.1, right=0.97)
    styles = [(False, "two-sided", "#1f77b4")] + (
        [(True, "one-sided", "#9467bd")] if one_sided else []
    )
    for side, label, color in styles:
        ax.plot(EPS_GRID, sweep(hidden, side), "o-", ms=3, lw=1.4, color=color, label=label)
        d = difference_at(float(epsilon), hidden, side)
        ax.plot([epsilon], [d], "*", ms=12, color=color)
    d2 = difference_at(float(epsilon), hidden, False)
    ax.axhline(GOOD, color="#2ca02c", ls="--", lw=1)
    ax.axhline(LOOK_CLOSER, color="#d62728", ls="--", lw=1)
    ax.text(1.5e-1, GOOD * 1.6, "1e-7: good", fontsize=7, color="#2ca02c")
    ax.text(1.5e-1, LOOK_CLOSER * 1.6, "1e-3: likely a bug", fontsize=7, color="#d62728")
    ax.text(
        2e-3,
        3e-13,
        "truncation error\n∝ ε² (two-sided), ∝ ε (one-sided)",
        fontsize=7,
        ha="center",
        color="#444444",
    )
    ax.text(5e-11, 3e-13, "round-off error ∝ 1/ε", fontsize=7, ha="center", color="#444444")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_axis(ax.xaxis, fmt="{:.0e}")
    plain_log_axis(ax.yaxis, fmt="{:.0e}")
    ax.set_xlim(5e-13, 2e-1)
    ax.set_ylim(1e-13, 1)
    ax.invert_xaxis()
    ax.set_xlabel("ε (smaller to the right)", fontsize=8)
    ax.set_ylabel("relative difference", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(frameon=False, fontsize=8, loc="upper center")
    ax.set_title(
        f"{hidden} network, correct backprop: two-sided difference at ε = {epsilon:.0e}"
        f" is {d2:.1e} ({verdict(d2)})",
        fontsize=9,
    )
    return fig


epsilon_explorer = Explorer(
    epsilon_figure,
    [
        LogSlider(
            "epsilon", 1e-7, min=1e-12, max=1e-1, step=0.5, readout_format=".0e", description="ε"
        ),
        Checkbox("one_sided", False, description="also one-sided differences"),
        Dropdown("hidden", "tanh", options=("tanh", "relu"), description="hidden activation"),
    ],
    title="How the step ε affects the gradient check",
    columns=3,
)


def bug_widget():
    """The injected-bug gradient-check explorer, ready to display."""
    return bug_explorer.build()


def epsilon_widget():
    """The ε-sweep explorer, ready to display."""
    return epsilon_explorer.build()
