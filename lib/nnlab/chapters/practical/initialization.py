"""Companion of chapter I.6, *Vanishing and exploding gradients, and weight initialization*
(``chapters/practical/06_initialization.ipynb``).

How the size of the signal changes from layer to layer, forward and backward.

In a deep network each layer multiplies its input by ``W[l]``. If every multiplication
scales the signal by a factor ``c`` on average, layer ``l`` sees about ``c^l`` times the
input: the activations explode (``c > 1``) or vanish (``c < 1``) geometrically with depth,
and so do the gradients on the way back. For ``z = W a`` with ``n`` inputs per unit,
independent zero-mean weights and inputs,

    Var(z) = n · Var(W) · E[a²],

so ``Var(W) = 1/n`` (Xavier, for tanh) or ``2/n`` (He, for ReLU, which zeroes half its
inputs and so halves ``E[a²]``) keeps ``c ≈ 1``. These helpers measure the signal in an
actual :class:`~nnlab.model.Network`.

Widgets for the chapter on vanishing/exploding gradients and weight initialization.

``init_explorer``: pick the depth, the hidden activation and the initialization scheme;
see histograms of the activations (or the weight gradients) at a few layers, the spread
of each hidden layer's activations and of its backpropagated gradient ``dZ[l]``, and the cost while the network trains with
plain gradient descent. Everything except the histogram choice is cached per
``(depth, activation, scheme)``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from nnlab.activations import get_activation
from nnlab.checks import (
    check_array,
    check_int,
    check_option,
    check_range,
)
from nnlab.data import Normalizer, make_moons
from nnlab.explorer import Dropdown, Explorer, IntSlider
from nnlab.model import Network
from nnlab.plots import new_figure, note_on_axes, plain_log_axis
from nnlab.train import MAX_COST, gradient_descent


class LayerStats(NamedTuple):
    """Per-layer measurements of one forward and one backward pass.

    ``A``: the hidden activations ``[A[1], …, A[L-1]]``; ``dW``: the weight gradients
    ``[dW[1], …, dW[L]]``; ``act_std[l-1] = std(A[l])`` over all units and examples;
    ``grad_norm[l-1] = ‖dW[l]‖_F``; ``dZ_rms[l-1] = √mean(dZ[l]²)`` for the hidden layers,
    the size of the gradient signal as backprop carries it down (per unit and example, so
    layers of different shapes compare fairly).
    """

    A: list
    dW: list
    act_std: np.ndarray
    grad_norm: np.ndarray
    dZ_rms: np.ndarray


def layer_statistics(net: Network, X, Y) -> LayerStats:
    """Run ``net`` forward on ``X`` ``(n_x, m)`` (no dropout, no running-average updates)
    and backward on ``Y``, and collect ``std(A[l])``, ``‖dW[l]‖_F`` and ``rms(dZ[l])``.

    Overflow is not silenced: a network whose activations overflow float64 has a far
    worse problem than this measurement, and the caller should see it.
    """
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnlab.model.Network, got {type(net).__name__}")
    if any(kp < 1.0 for kp in net.keep_probs):
        raise ValueError(
            "net must have keep_prob = 1: dropout would change the statistics "
            "from one call to the next"
        )
    _, cache = net.forward(X, training=True, update_running=False)
    grads = net.backward(Y, cache)
    cache["Y_for_stats"] = net.targets(Y, cache["m"])
    A = [cache[f"A{l}"] for l in range(1, net.L)]
    dW = [grads[f"dW{l}"] for l in range(1, net.L + 1)]
    return LayerStats(
        A=A,
        dW=dW,
        act_std=np.array([a.std() for a in A]),
        grad_norm=np.array([np.linalg.norm(g) for g in dW]),
        dZ_rms=_hidden_dZ_rms(net, cache),
    )


def _hidden_dZ_rms(net: Network, cache) -> np.ndarray:
    """``rms(dZ[l])`` for ``l = 1 … L-1`` with ``dZ[L] = (A[L] - Y)/m`` and
    ``dZ[l] = W[l+1]ᵀ dZ[l+1] ⊙ g'(Z[l])``: the signal whose size the depth multiplies.

    ``dZ[L]`` is recovered from ``db[L] = Σ_i dZ[L]⁽ⁱ⁾`` only in aggregate, so it is
    rebuilt from the cache (``A[L] - Y`` is exact for sigmoid/softmax + cross-entropy).
    """
    if net.batchnorm:
        raise ValueError("net must not use batch norm here (it rescales each layer's signal)")
    backward = get_activation(net.hidden, "hidden")[1]
    L, m = net.L, cache["m"]
    dZ = (cache[f"A{L}"] - cache["Y_for_stats"]) / m
    out = []
    for l in range(L - 1, 0, -1):
        dZ = backward(cache["params"][f"W{l + 1}"].T @ dZ, cache[f"Z{l}"])
        out.append(np.sqrt(np.mean(dZ**2)))
    return np.array(out[::-1])


def deep_linear_scale(w: float, L: int) -> float:
    """``ŷ / x`` for a deep *linear* network whose ``L`` layers all multiply by ``w``:
    ``ŷ = W[L] ⋯ W[1] x = w^L x``. Small changes in ``w`` around 1 become huge with depth."""
    check_range("w", w, 0, None)
    L = check_int("L", L)
    return float(w) ** L


def max_variance_ratio(act_std) -> float:
    """``max_l Var(A[l]) / min_l Var(A[l])``: 1 for a perfectly steady signal;
    ``inf`` when some layer's activations are all equal (variance 0)."""
    act_std = check_array("act_std", act_std, allow_empty=True)
    if np.any(act_std < 0):
        raise ValueError("act_std must hold standard deviations (>= 0)")
    var = act_std**2
    if var.size == 0:
        raise ValueError("act_std must hold at least one layer")
    lo = var.min()
    return float("inf") if lo == 0 else float(var.max() / lo)


#: label shown in the dropdown -> (Network ``init``, ``init_scale``)
SCHEMES = {
    "zeros": ("zeros", 0.01),
    "small random (×0.01)": ("random", 0.01),
    "large random (×1)": ("random", 1.0),
    "Xavier √(1/n)": ("xavier", 0.01),
    "He √(2/n)": ("he", 0.01),
}
WIDTH = 32  # units per hidden layer: wide enough for a steady signal, fast to train
EPOCHS = 80  # full-batch gradient-descent steps in the training panel
# With 32 units a layer's gain is itself random (a few percent per layer); this draw of the
# weights keeps He's ReLU signal within a factor 2 at every depth, like a wide layer would.
SEED = 2
LR = 0.05


@lru_cache(maxsize=1)
def moons_data():
    """128 normalized two-moons examples: the training set of the explorer."""
    X, Y = make_moons(m=128, noise=0.15, seed=0)
    return Normalizer().fit_transform(X), Y


def _network(depth, activation, scheme, seed=SEED):
    init, scale = SCHEMES[scheme]
    return Network(
        [2] + [WIDTH] * depth + [1], hidden=activation, init=init, init_scale=scale, seed=seed
    )


@lru_cache(maxsize=256)
def init_run(depth: int, activation: str, scheme: str):
    """Statistics at initialization and a short training run for one setting.

    Returns ``(stats, costs, accuracy, error)``: ``costs`` per step (cut short if the run
    diverged), the final training accuracy (``None`` if it diverged) and the divergence
    message (``None`` otherwise).
    """
    check_int("depth", depth, low=1, high=100)
    check_option("activation", activation, ("relu", "tanh", "sigmoid"))
    check_option("scheme", scheme, SCHEMES)
    X, Y = moons_data()
    net = _network(depth, activation, scheme)
    stats = layer_statistics(net, X, Y)
    costs, diverged_at = gradient_descent(net, X, Y, EPOCHS, LR)
    if diverged_at is not None:
        if diverged_at == 0:
            return stats, costs, None, f"the cost is above {MAX_COST:g}\nalready at initialization"
        return stats, costs, None, f"diverged at step {diverged_at}:\nthe cost blew up"
    return stats, costs, net.accuracy(X, Y), None


def shown_layers(n: int, k: int = 3) -> list[int]:
    """``k`` layer numbers spread from 1 to ``n`` (first, middle …, last), no repeats."""
    n, k = check_int("n", n), check_int("k", k)
    return sorted(set(int(round(v)) for v in np.linspace(1, n, k)))


def histogram(ax, name: str, values, color):
    """A filled step histogram of ``values`` with its standard deviation in the title
    (``np.histogram`` + ``stairs``: one artist instead of one rectangle per bin)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    lo, hi = (v.min(), v.max()) if v.size else (0.0, 1.0)
    if hi - lo < 1e-300 * max(1.0, abs(lo)) or hi == lo:  # all equal: a single bar
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=30, range=(lo, hi))
    ax.stairs(counts, edges, fill=True, color=color, alpha=0.8)
    ax.set_title(f"{name}  (std {v.std():.2g})", fontsize=9)
    ax.locator_params(axis="x", nbins=4)
    ax.set_yticks([])
    ax.tick_params(labelsize=7)


def _log_axis(ax):
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis, numticks=5, fmt="{:.0e}")


def _per_layer(ax, values, title, color, ylabel):
    values = np.asarray(values, dtype=float)
    if values.size > 1 and np.all(values > 0):
        title += f" (max/min {values.max() / values.min():.3g}×)"
    layers = np.arange(1, values.size + 1)
    positive = values > 0
    if positive.any():
        ax.plot(layers[positive], values[positive], "o-", color=color, ms=3, lw=1.3)
        _log_axis(ax)
        # at least two decades visible, so a steady signal looks flat and ticks are labelled
        lo, hi = values[positive].min(), values[positive].max()
        ax.set_ylim(lo / 10, hi * 10)
    if not positive.all():
        note_on_axes(
            ax,
            "exactly 0 at every layer"
            if not positive.any()
            else f"exactly 0 at {int((~positive).sum())} layer(s)",
        )
    ax.set_xlabel("layer l")
    ax.tick_params(labelsize=7)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.set_xlim(0.5, max(values.size, 1) + 0.5)


def init_figure(
    depth: int = 10, activation: str = "relu", scheme: str = "He √(2/n)", show: str = "activations"
):
    """Top: histograms at three layers. Bottom: std of ``A[l]``, rms of ``dZ[l]``, training cost."""
    stats, costs, acc, error = init_run(int(depth), activation, scheme)
    fig, axes = new_figure(
        3, 2, width=10.5, height=5.2, left=0.07, bottom=0.1, top=0.93, wspace=0.35, hspace=0.55
    )
    if show == "activations":
        picked = {f"A[{l}]": stats.A[l - 1] for l in shown_layers(len(stats.A))}
        color = "#1f77b4"
    else:
        picked = {f"dW[{l}]": stats.dW[l - 1] for l in shown_layers(len(stats.dW))}
        color = "#d62728"
    for ax, (name, values) in zip(axes, picked.items()):
        histogram(ax, name, values, color)
    for ax in axes[len(picked) : 3]:
        ax.axis("off")
    _per_layer(axes[3], stats.act_std, "spread of activations", "#1f77b4", "std of A[l]")
    _per_layer(axes[4], stats.dZ_rms, "backprop signal", "#d62728", "rms of dZ[l]")
    ax = axes[5]
    if costs.size:
        ax.plot(np.arange(1, costs.size + 1), np.minimum(costs, 10.0), color="#444444", lw=1.4)
    ax.axhline(np.log(2), color="#999999", ls=":", lw=1)
    ax.set_ylim(0, 1.2)
    ax.set_xlim(0, EPOCHS)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("cost J", fontsize=8)
    ax.tick_params(labelsize=7)
    if error:
        ax.set_title("training: diverged", fontsize=9)
        note_on_axes(ax, error)
    else:
        ax.set_title(f"training (α = {LR}): accuracy {100 * acc:.0f} %", fontsize=9)
    return fig


init_explorer = Explorer(
    init_figure,
    [
        IntSlider("depth", 10, min=1, max=16, description="hidden layers"),
        Dropdown("activation", "relu", options=("relu", "tanh"), description="activation g"),
        Dropdown("scheme", "He √(2/n)", options=tuple(SCHEMES), description="initialization"),
        Dropdown(
            "show", "activations", options=("activations", "gradients"), description="histograms of"
        ),
    ],
    title="Signal size through a deep network at initialization, and training",
    columns=4,
)


def initialization_widget():
    """The depth / activation / initialization explorer, ready to display."""
    return init_explorer.build()
