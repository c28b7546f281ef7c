"""Companion of chapter III.5 "Programming frameworks": the chapter's network in JAX + Optax.

The chapter rebuilds the course's 2-16-8-1 ReLU network (``nnlab.model.Network``, He
initialization, sigmoid output, cross-entropy from the logits) in JAX, trains it with
``optax.adam`` on the *same* initial weights, data and mini-batches as
``nnlab.train.train`` with ``nnlab.optimizers.Adam``, and compares the two runs step by
step. What JAX replaces is the backward pass: ``jax.grad`` of the cost gives ``dW1, db1,
…`` without a line of hand-written back-propagation.

JAX and Optax are imported inside the functions (:func:`jax_modules`), so importing
``nnlab`` never needs them. Every run is seeded: the data by :data:`DATA_SEED`, the
weights by ``seed``, the mini-batches by ``seed + epoch`` exactly as ``train`` draws them.

Shapes are fixed on purpose: every run takes :data:`STEPS` Adam steps on :data:`M`
examples, and each mini-batch is padded with zero-weight columns to ``M`` columns, so one
compiled training loop per floating-point type serves every learning rate and mini-batch
size (JAX compiles once per shape, and a compile takes seconds; a run takes milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nnlab.checks import (
    MAX_SEED,
    check_array,
    check_beta,
    check_int,
    check_matrix,
    check_option,
    check_positive,
    check_range,
    check_seed,
)
from nnlab.data import make_moons
from nnlab.explorer import Dropdown, Explorer, LogSlider
from nnlab.gradcheck import dict_to_vector, relative_difference
from nnlab.minibatch import random_mini_batches
from nnlab.model import Network
from nnlab.optimizers import Adam, AdamW
from nnlab.plots import new_figure, note_on_axes, plain_log_axis
from nnlab.train import MAX_COST, train

__all__ = [
    "LAYERS",
    "M",
    "STEPS",
    "BATCH_SIZES",
    "PRECISIONS",
    "jax_modules",
    "moons",
    "chapter_network",
    "jax_cost",
    "jax_grads",
    "padded_batches",
    "jax_adam_run",
    "nnlab_adam_run",
    "Comparison",
    "compare_runs",
    "gradient_agreement",
    "frameworks_figure",
    "frameworks_explorer",
    "frameworks_widget",
]

LAYERS = (2, 16, 8, 1)
"""The chapter's network: two inputs, ReLU layers of 16 and 8 units, one sigmoid output."""
M = 256
"""Training examples (two moons); every mini-batch size of the widget divides it."""
DATA_SEED = 1
STEPS = 128
"""Adam steps of every compared run: 8 epochs of batches of 16 … 128 epochs of 256."""
BATCH_SIZES = (16, 32, 64, 128, 256)
PRECISIONS = ("float64", "float32")
EPS_ROOTS = (0.0, 1e-12, 1e-8)


# ---------------------------------------------------------------- JAX, the model
@lru_cache(maxsize=1)
def jax_modules():
    """``(jax, jax.numpy, optax)``, with 64-bit floats switched on.

    JAX computes in float32 unless told otherwise; the course's NumPy code is float64,
    and a step-by-step comparison to 1e-10 needs the same precision on both sides.
    """
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    return jax, jnp, optax


@lru_cache(maxsize=1)
def moons():
    """The chapter's data: ``X (2, M)``, ``Y (1, M)`` (two moons, noise 0.2), read-only."""
    X, Y = make_moons(m=M, noise=0.2, seed=DATA_SEED)
    Y = Y.astype(float)
    X.setflags(write=False)
    Y.setflags(write=False)
    return X, Y


def chapter_network(seed: int = 0) -> Network:
    """The 2-16-8-1 ReLU network of the chapter (He initialization from ``seed``)."""
    return Network(list(LAYERS), hidden="relu", output="sigmoid", init="he", seed=seed)


def _n_layers(params) -> int:
    L = sum(1 for k in params if k.startswith("W"))
    if L < 1 or any(f"W{l}" not in params or f"b{l}" not in params for l in range(1, L + 1)):
        raise ValueError(
            "params must hold W1, b1, …, WL, bL (no batch-norm gamma/beta), "
            f"got keys {sorted(params)}"
        )
    return L


def jax_cost(params, X, Y, lambd: float = 0.0, weights=None):
    """The course's cost written with ``jax.numpy``: the function ``jax.grad`` differentiates.

    ``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = relu(Z[l])`` for hidden layers, and
    ``J = (1/m) Σ_i ℓ(z⁽ⁱ⁾, y⁽ⁱ⁾) + (λ/2m) Σ_l ‖W[l]‖²_F`` with the cross-entropy taken from
    the logits by ``optax.sigmoid_binary_cross_entropy`` (``log(1 + e^z) - y z``).
    ``weights`` (``(1, m)`` of 0/1) counts only the columns with weight 1: ``m = Σ w_i``,
    so a batch padded with zero-weight columns has the cost of the batch alone.
    """
    _, jnp, optax = jax_modules()
    import jax

    values = [X, Y, lambd, weights, *(params.values() if isinstance(params, dict) else ())]
    if not any(isinstance(v, jax.core.Tracer) for v in values):  # concrete: check first
        _check_params(params)
        _check_data(params, X, Y)
        check_range("lambd", lambd, 0, None)
    L = _n_layers(params)
    A = X
    for l in range(1, L):
        A = jax.nn.relu(params[f"W{l}"] @ A + params[f"b{l}"])
    ZL = params[f"W{L}"] @ A + params[f"b{L}"]
    losses = optax.sigmoid_binary_cross_entropy(ZL, Y)
    if weights is None:
        m = X.shape[1]
        J = jnp.sum(losses) / m
    else:
        m = jnp.sum(weights)
        J = jnp.sum(weights * losses) / m
    # no `if lambd:` here: λ may be a traced value, and λ = 0 adds an exact 0
    return J + lambd / (2 * m) * sum(jnp.sum(params[f"W{l}"] ** 2) for l in range(1, L + 1))


def _check_params(params):
    """``params``: a dict ``{"W1", "b1", …}`` of finite real arrays (checked by name)."""
    if not isinstance(params, dict) or not params:
        raise ValueError(
            f"params must be a dict {{'W1': …, 'b1': …}} of arrays, got {type(params).__name__}"
        )
    for k, v in params.items():
        check_array(f"params['{k}']", v)
    _n_layers(params)


def _check_data(params, X, Y):
    """``X`` of shape ``(n_x, m)`` with ``n_x`` the columns of ``W1``, ``Y`` of shape ``(1, m)``."""
    X = check_matrix("X", X, rows=np.shape(params["W1"])[1])
    check_matrix("Y", Y, rows=1, cols=X.shape[1], like="X")


def jax_grads(params, X, Y, lambd: float = 0.0) -> dict:
    """``{"dW1": …, "db1": …}`` from ``jax.grad(jax_cost)``, as float64 NumPy arrays.

    The same keys and shapes as :meth:`nnlab.model.Network.backward`, so the two can be
    compared entry by entry.
    """
    _check_params(params)
    _check_data(params, X, Y)
    check_range("lambd", lambd, 0, None)
    _, jnp, _ = jax_modules()
    P = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in params.items()}
    g = _compiled_grad()(
        P, jnp.asarray(X, dtype=jnp.float64), jnp.asarray(Y, dtype=jnp.float64), float(lambd)
    )
    return {"d" + k: np.asarray(g[k]) for k in params}


@lru_cache(maxsize=1)
def _compiled_grad():
    """``jax.jit(jax.grad(jax_cost))``: one compile, where op-by-op (eager) differentiation
    would compile each of its dozens of small operations on its own."""
    jax, _, _ = jax_modules()
    return jax.jit(jax.grad(jax_cost))


# ---------------------------------------------------------------- the same mini-batches
def padded_batches(X, Y, mini_batch_size: int, epochs: int, seed: int = 0):
    """The mini-batches ``train`` draws, stacked for JAX: ``(Xb, Yb, Wb)``.

    Epoch ``e`` is ``random_mini_batches(X, Y, mini_batch_size, seed + e)``, exactly as in
    :func:`nnlab.train.train`. Each batch is padded with zero columns to ``m`` columns, and
    ``Wb`` marks the real ones (1) and the padding (0), so every batch size gives arrays of
    one shape, ``(T, n_x, m)``, ``(T, 1, m)``, ``(T, 1, m)`` with ``T = epochs · m / size``.
    """
    X = check_matrix("X", X)
    m = X.shape[1]
    Y = check_matrix("Y", Y, cols=m, like="X")
    size = check_int("mini_batch_size", mini_batch_size)
    epochs = check_int("epochs", epochs)
    check_seed("seed", seed)
    if seed + epochs - 1 > MAX_SEED:
        raise ValueError(f"seed must be <= {MAX_SEED - epochs + 1} (epoch e uses seed + e)")
    if m % size:
        raise ValueError(
            f"mini_batch_size must divide m = {m} (full batches only, so every "
            f"step has the same shape), got {size}"
        )
    T = epochs * (m // size)
    Xb = np.zeros((T, X.shape[0], m))
    Yb = np.zeros((T, Y.shape[0], m))
    Wb = np.zeros((T, 1, m))
    t = 0
    for e in range(epochs):
        for X_t, Y_t in random_mini_batches(X, Y, size, seed=seed + e):
            Xb[t, :, :size], Yb[t, :, :size], Wb[t, :, :size] = X_t, Y_t, 1.0
            t += 1
    return Xb, Yb, Wb


def _scan_run(params, Xb, Yb, Wb, lr, beta1, beta2, epsilon, eps_root, weight_decay, decoupled):
    """Adam (``optax.adam``) or AdamW (``optax.adamw``) over the stacked batches, as one
    ``jax.lax.scan``: returns ``(J^{t} for every step, final params)``."""
    jax, _, optax = jax_modules()
    if decoupled:
        optimizer = optax.adamw(
            lr, b1=beta1, b2=beta2, eps=epsilon, eps_root=eps_root, weight_decay=weight_decay
        )
    else:
        optimizer = optax.adam(lr, b1=beta1, b2=beta2, eps=epsilon, eps_root=eps_root)

    def step(carry, batch):
        params, state = carry
        X_t, Y_t, W_t = batch
        J, grads = jax.value_and_grad(jax_cost)(params, X_t, Y_t, 0.0, W_t)
        updates, state = optimizer.update(grads, state, params)
        return (optax.apply_updates(params, updates), state), J

    (params, _), costs = jax.lax.scan(step, (params, optimizer.init(params)), (Xb, Yb, Wb))
    return costs, params


@lru_cache(maxsize=1)
def _compiled_run():
    """``jax.jit(_scan_run)``. The hyperparameters are traced arguments, not constants, so a
    new α, β1, β2, ε, eps_root or weight_decay reuses the compiled code; JAX compiles once
    per array shape and dtype (one shape here, so once per precision) and per ``decoupled``.
    Because ``_scan_run`` is a module-level function, JAX's own cache keeps the compiled
    code even when this lru_cache is cleared."""
    jax, _, _ = jax_modules()
    return jax.jit(_scan_run, static_argnames="decoupled")


def jax_adam_run(
    params,
    X,
    Y,
    lr: float = 0.01,
    mini_batch_size: int = 64,
    epochs: int = 32,
    seed: int = 0,
    precision: str = "float64",
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    eps_root: float = 0.0,
    weight_decay: float = 0.0,
):
    """Train ``params`` with ``optax.adam`` (``optax.adamw`` if ``weight_decay > 0``).

    The mini-batches are those of ``train(…, seed=seed)`` (see :func:`padded_batches`).
    Returns ``(costs, params)``: ``J^{t}`` before each update ``t`` (NumPy float64, NaN/inf
    if the run blew up) and the final parameters as NumPy arrays. ``params`` is not changed.
    """
    _check_params(params)
    _check_data(params, X, Y)
    check_positive("lr", lr)
    check_beta("beta1", beta1)
    check_beta("beta2", beta2)
    check_positive("epsilon", epsilon)
    check_range("eps_root", eps_root, 0, None)
    check_range("weight_decay", weight_decay, 0, None)
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    _, jnp, _ = jax_modules()
    dtype = jnp.float64 if precision == "float64" else jnp.float32
    Xb, Yb, Wb = padded_batches(X, Y, mini_batch_size, epochs, seed)
    P = {k: jnp.asarray(v, dtype=dtype) for k, v in params.items()}
    costs, P = _compiled_run()(
        P,
        jnp.asarray(Xb, dtype=dtype),
        jnp.asarray(Yb, dtype=dtype),
        jnp.asarray(Wb, dtype=dtype),
        lr,
        beta1,
        beta2,
        epsilon,
        eps_root,
        weight_decay,
        decoupled=weight_decay > 0,
    )
    return np.asarray(costs, dtype=float), {k: np.asarray(v, dtype=float) for k, v in P.items()}


def nnlab_adam_run(
    net: Network,
    X,
    Y,
    lr: float = 0.01,
    mini_batch_size: int = 64,
    epochs: int = 32,
    seed: int = 0,
    weight_decay: float = 0.0,
):
    """The same run in the course library: ``train(net, …, Adam(lr))`` (``AdamW`` if
    ``weight_decay > 0``). Returns the ``History``; ``net`` is trained in place, and a
    blown-up run stops with ``history.diverged`` instead of raising."""
    check_range("weight_decay", weight_decay, 0, None)
    optimizer = AdamW(lr=lr, weight_decay=weight_decay) if weight_decay > 0 else Adam(lr=lr)
    return train(
        net,
        X,
        Y,
        optimizer,
        epochs=epochs,
        mini_batch_size=mini_batch_size,
        seed=seed,
        measure_every=epochs,
        on_divergence="stop",
    )


# ---------------------------------------------------------------- the comparison
@dataclass(frozen=True)
class Comparison:
    """One run in both libraries: ``costs_nnlab``, ``costs_jax`` (``J^{t}`` before update
    ``t``), ``difference`` = ``|costs_nnlab − costs_jax|`` over the steps both completed,
    ``param_difference`` (largest ``|W_nnlab − W_jax|`` at the end; NaN if a run stopped)
    and ``message`` (why a run stopped early, else "")."""

    costs_nnlab: np.ndarray
    costs_jax: np.ndarray
    difference: np.ndarray
    param_difference: float
    message: str

    @property
    def max_difference(self) -> float:
        """``max_t |J_nnlab^{t} − J_jax^{t}|`` (NaN if no step was compared)."""
        return float(self.difference.max()) if self.difference.size else float("nan")


@lru_cache(maxsize=64)
def compare_runs(
    lr: float = 0.01,
    mini_batch_size: int = 64,
    precision: str = "float64",
    eps_root: float = 0.0,
    weight_decay: float = 0.0,
    seed: int = 0,
) -> Comparison:
    """Train the chapter's network on :func:`moons` for :data:`STEPS` steps in nnlab
    (float64) and in JAX + Optax (``precision``), from the same weights and batches."""
    size = check_int("mini_batch_size", mini_batch_size)
    if size not in BATCH_SIZES:
        raise ValueError(f"mini_batch_size must be one of {BATCH_SIZES}, got {size}")
    check_positive("lr", lr)
    check_option("precision", precision, PRECISIONS)
    check_range("eps_root", eps_root, 0, None)
    check_range("weight_decay", weight_decay, 0, None)
    check_seed("seed", seed)
    epochs = STEPS * size // M
    X, Y = moons()
    net = chapter_network(seed)
    start = {k: v.copy() for k, v in net.params.items()}
    history = nnlab_adam_run(net, X, Y, lr, size, epochs, seed, weight_decay)
    costs_jax, params_jax = jax_adam_run(
        start, X, Y, lr, size, epochs, seed, precision, eps_root=eps_root, weight_decay=weight_decay
    )
    costs_nnlab = np.array(history.costs)
    ok = np.isfinite(costs_jax) & (costs_jax <= MAX_COST)
    n_jax = int(np.argmin(ok)) if not ok.all() else ok.size
    n = min(n_jax, costs_nnlab.size)
    message = history.message
    if n_jax < STEPS:
        message = (
            message + "\n" if message else ""
        ) + f"JAX: the cost blew up at step {n_jax} (lr = {lr:g})"
    complete = n == STEPS and not message
    param_difference = (
        max(float(np.abs(net.params[k] - params_jax[k]).max()) for k in start)
        if complete
        else float("nan")
    )
    difference = np.abs(costs_nnlab[:n] - costs_jax[:n])
    for a in (costs_nnlab, costs_jax, difference):
        a.setflags(write=False)
    return Comparison(costs_nnlab, costs_jax, difference, param_difference, message)


def gradient_agreement(seed: int = 0, mini_batch_size: int = 64, lambd: float = 0.0) -> float:
    """Relative difference ``‖g_nnlab − g_jax‖ / (‖g_nnlab‖ + ‖g_jax‖)`` between
    ``Network.backward`` and ``jax.grad`` on the first mini-batch of the chapter's run."""
    check_seed("seed", seed)
    check_int("mini_batch_size", mini_batch_size, 1, M)
    check_range("lambd", lambd, 0, None)
    X, Y = moons()
    X_t, Y_t = random_mini_batches(X, Y, mini_batch_size, seed=seed)[0]
    net = Network(list(LAYERS), seed=seed, lambd=lambd)
    _, cache = net.forward(X_t)
    g_nnlab = net.backward(Y_t, cache)
    g_jax = jax_grads(net.params, X_t, Y_t, lambd)
    return relative_difference(dict_to_vector(g_nnlab)[0], dict_to_vector(g_jax, list(g_nnlab))[0])


# ---------------------------------------------------------------- the explorer
FLOOR = 1e-18
"""Where an exact 0 is drawn on the log axis of differences (a difference of 0 has no log)."""


def frameworks_figure(
    lr: float = 0.01, mini_batch_size: int = 64, precision: str = "float64", eps_root: float = 0.0
):
    """Left: the cost per step in nnlab and in JAX + Optax. Right: their difference
    ``|J_nnlab − J_jax|`` per step on a log axis, against the 1e-10 of the text."""
    c = compare_runs(float(lr), int(mini_batch_size), precision, float(eps_root))
    fig, (ax, ax2) = new_figure(
        ncols=2, width=10.0, height=3.6, left=0.07, right=0.98, bottom=0.14, top=0.89, wspace=0.25
    )
    steps = np.arange(STEPS)
    ax.plot(
        steps[: c.costs_nnlab.size],
        c.costs_nnlab,
        color="#1f77b4",
        lw=2.2,
        label="nnlab (NumPy, float64)",
    )
    n_jax = c.difference.size if c.message else STEPS
    ax.plot(
        steps[:n_jax],
        c.costs_jax[:n_jax],
        color="#ff7f0e",
        lw=1.2,
        ls="--",
        label=f"JAX + Optax ({precision})",
    )
    # plain-text labels: mathtext layout would cost a good part of every redraw
    ax.set_xlabel("step t")
    ax.set_ylabel("mini-batch cost J{t}")
    # an explicit y skips matplotlib's title placement, which measures every tick label
    ax.set_title(f"Adam, α = {lr:.3g}, mini-batches of {mini_batch_size}", fontsize=9, y=1.0)
    ax.legend(frameon=False, fontsize=8)
    d = c.difference
    exact = int(np.sum(d == 0))
    ax2.semilogy(steps[: d.size], np.maximum(d, FLOOR), ".", ms=3, color="#444444")
    ax2.axhline(1e-10, color="#2ca02c", lw=1, ls=":")
    ax2.text(STEPS - 1, 1e-10, "1e-10 ", ha="right", va="bottom", fontsize=8, color="#2ca02c")
    ax2.set_ylim(FLOOR / 3, 10.0)
    ax2.set_xlim(-2, STEPS + 1)
    plain_log_axis(ax2.yaxis, numticks=7, fmt="{:.0e}")
    ax2.set_xlabel("step t")
    ax2.set_ylabel("|J nnlab − J JAX|")
    worst = f"{c.max_difference:.1e}" if d.size else "–"
    ax2.set_title(
        f"largest difference {worst}; {exact} of {d.size} steps identical (drawn at 1e-18)",
        fontsize=9,
        y=1.0,
    )
    if c.message:
        note_on_axes(ax2, c.message + "\nTry a smaller learning rate.")
    return fig


frameworks_explorer = Explorer(
    frameworks_figure,
    [
        LogSlider("lr", 0.01, min=1e-3, max=1.0, step=0.25, readout_format=".3f", description="α"),
        Dropdown("mini_batch_size", 64, options=BATCH_SIZES, description="mini-batch"),
        Dropdown("precision", "float64", options=PRECISIONS, description="JAX precision"),
        Dropdown("eps_root", 0.0, options=EPS_ROOTS, description="Optax eps_root"),
    ],
    title="The same Adam run in nnlab and in JAX + Optax, step by step",
)


def frameworks_widget():
    """The nnlab-versus-JAX explorer, ready to display."""
    return frameworks_explorer.build()
