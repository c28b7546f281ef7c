"""The companion of chapter III.5 (programming frameworks): the JAX model against nnlab and
against references written here, the step-by-step agreement the chapter claims, and the
explorer over its settings."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlab.chapters.tuning import frameworks as fw
from nnlab.minibatch import random_mini_batches
from nnlab.model import Network
from nnlab.optimizers import Adam
from nnlab.plots import figure_to_png
from nnlab.train import train


def _reference_cost(params, X, Y, lambd=0.0):
    """The cost by its formula, in plain NumPy: relu hidden layers, J = mean(log(1+e^z) - y z)."""
    L = len(params) // 2
    A = X
    for l in range(1, L):
        A = np.maximum(0.0, params[f"W{l}"] @ A + params[f"b{l}"])
    z = params[f"W{L}"] @ A + params[f"b{L}"]
    m = X.shape[1]
    J = np.mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - Y * z)
    return J + lambd / (2 * m) * sum(np.sum(params[f"W{l}"] ** 2) for l in range(1, L + 1))


@pytest.fixture(scope="module")
def batch():
    X, Y = fw.moons()
    return random_mini_batches(X, Y, 64, seed=0)[0]


def test_importing_nnlab_and_the_companion_does_not_import_jax():
    code = (
        "import sys, nnlab, nnlab.model, nnlab.train, nnlab.explorer; "
        "import nnlab.chapters.tuning.frameworks; assert 'jax' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docstring_names_its_chapter():
    assert fw.__doc__.startswith("Companion of chapter III.5")


@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_jax_cost_equals_nnlab_and_the_formula(batch, lambd):
    X, Y = batch
    net = Network(list(fw.LAYERS), seed=3, lambd=lambd)
    J_jax = float(fw.jax_cost(net.params, X, Y, lambd))
    assert abs(J_jax - net.loss(X, Y)) < 1e-13
    assert abs(J_jax - _reference_cost(net.params, X, Y, lambd)) < 1e-13


def test_weighted_cost_ignores_the_padding(batch):
    X, Y = batch
    net = Network(list(fw.LAYERS), seed=3)
    pad = np.zeros((2, 30))
    Xp, Yp = np.hstack([X, pad]), np.hstack([Y, np.ones((1, 30))])
    w = np.hstack([np.ones((1, X.shape[1])), np.zeros((1, 30))])
    assert abs(float(fw.jax_cost(net.params, Xp, Yp, 0.0, w)) - net.loss(X, Y)) < 1e-13


@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_jax_grad_equals_backward_and_finite_differences(batch, lambd, fd_grad, rel_diff):
    X, Y = batch
    net = Network(list(fw.LAYERS), seed=5, lambd=lambd)
    g_jax = fw.jax_grads(net.params, X, Y, lambd)
    _, cache = net.forward(X)
    g_nnlab = net.backward(Y, cache)
    assert set(g_jax) == set(g_nnlab)
    for k in g_nnlab:
        assert g_jax[k].shape == g_nnlab[k].shape
        assert rel_diff(g_jax[k], g_nnlab[k]) < 1e-13, k
        fd = fd_grad(lambda: _reference_cost(net.params, X, Y, lambd), net.params[k[1:]])
        assert rel_diff(g_jax[k], fd) < 1e-7, k
    assert fw.gradient_agreement(lambd=lambd) < 1e-13


def test_padded_batches_are_the_batches_train_draws():
    X, Y = fw.moons()
    Xb, Yb, Wb = fw.padded_batches(X, Y, 32, epochs=3, seed=4)
    assert Xb.shape == (3 * 8, 2, fw.M) and Yb.shape == Wb.shape == (24, 1, fw.M)
    expected = [b for e in range(3) for b in random_mini_batches(X, Y, 32, seed=4 + e)]
    for t, (X_t, Y_t) in enumerate(expected):
        assert np.array_equal(Xb[t, :, :32], X_t) and np.array_equal(Yb[t, :, :32], Y_t)
        assert np.all(Wb[t, :, :32] == 1) and not Wb[t, :, 32:].any() and not Xb[t, :, 32:].any()


def test_the_chapter_claim_costs_agree_step_by_step_to_1e_10():
    c = fw.compare_runs()
    assert c.costs_nnlab.size == c.costs_jax.size == c.difference.size == fw.STEPS
    assert c.max_difference < 1e-10 and c.param_difference < 1e-10 and not c.message
    # the nnlab side is an ordinary train() run, not a private copy of the loop
    X, Y = fw.moons()
    history = train(
        fw.chapter_network(0),
        X,
        Y,
        Adam(lr=0.01),
        epochs=fw.STEPS * 64 // fw.M,
        mini_batch_size=64,
        seed=0,
    )
    assert np.array_equal(history.costs, c.costs_nnlab)
    assert c.costs_nnlab[-1] < 0.5 * c.costs_nnlab[0]  # and the run does learn


@pytest.mark.parametrize("size", fw.BATCH_SIZES)
def test_agreement_for_every_batch_size(size):
    c = fw.compare_runs(0.01, size)
    assert c.max_difference < 1e-10 and c.param_difference < 1e-10


def test_optax_adamw_is_nnlab_adamw():
    c = fw.compare_runs(weight_decay=0.01)
    assert c.max_difference < 1e-10 and c.param_difference < 1e-10
    assert np.abs(c.costs_nnlab - fw.compare_runs().costs_nnlab).max() > 1e-6  # decay acts


def test_float32_and_eps_root_make_visible_differences():
    c32 = fw.compare_runs(precision="float32")
    assert 1e-10 < c32.max_difference < 1e-4
    root = fw.compare_runs(eps_root=1e-8)
    assert root.max_difference > 1e-6


def test_run_returns_numpy_and_leaves_params_alone():
    X, Y = fw.moons()
    net = fw.chapter_network(1)
    before = {k: v.copy() for k, v in net.params.items()}
    costs, params = fw.jax_adam_run(net.params, X, Y, epochs=1)
    assert costs.shape == (fw.M // 64,) and all(isinstance(v, np.ndarray) for v in params.values())
    assert all(np.array_equal(before[k], net.params[k]) for k in before)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(lr=0.0), "lr"),
        (dict(precision="float16"), "precision"),
        (dict(mini_batch_size=48), "mini_batch_size"),
        (dict(beta1=1.0), "beta1"),
        (dict(eps_root=-1.0), "eps_root"),
        (dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    X, Y = fw.moons()
    with pytest.raises(ValueError, match=name):
        fw.jax_adam_run(fw.chapter_network().params, X, Y, **kwargs)


def test_bad_params_and_batch_sizes_are_refused():
    X, Y = fw.moons()
    with pytest.raises(ValueError, match="params"):
        fw.jax_adam_run({"W1": np.ones((1, 2))}, X, Y)
    with pytest.raises(ValueError, match="mini_batch_size"):
        fw.compare_runs(mini_batch_size=100)


def test_widget_every_setting_renders_without_warning():
    explorer = fw.frameworks_explorer
    for setting in explorer.test_settings():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = explorer.figure(**setting)
            assert isinstance(fig, Figure)
            assert figure_to_png(fig)[:4] == b"\x89PNG"


def test_widget_shows_a_blown_up_run_as_a_note(monkeypatch):
    good = fw.compare_runs()
    n = 40
    broken = fw.Comparison(
        good.costs_nnlab[:n],
        np.full(fw.STEPS, np.nan),
        good.difference[:n],
        float("nan"),
        "JAX: the cost blew up at step 40 (lr = 5)",
    )
    monkeypatch.setattr(fw, "compare_runs", lambda *a, **k: broken)
    fig = fw.frameworks_figure(lr=5.0)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("blew up at step 40" in t for t in texts)
    assert figure_to_png(fig)[:4] == b"\x89PNG"


def test_a_huge_learning_rate_is_caught_not_raised():
    c = fw.compare_runs(lr=1e4, mini_batch_size=16)
    assert "diverged" in c.message and "JAX: the cost blew up" in c.message
    assert np.isnan(c.param_difference) and c.difference.size < fw.STEPS
    fig = fw.frameworks_figure(lr=1e4, mini_batch_size=16)
    assert any("diverged" in t.get_text() for ax in fig.axes for t in ax.texts)
    assert figure_to_png(fig)[:4] == b"\x89PNG"


def test_compiled_loop_survives_clearing_the_lru_caches():
    # bench.py clears every module-level lru_cache before each setting; JAX's own cache
    # must still hold the compiled loop, or every cold redraw would compile for seconds
    import time

    fw.compare_runs()
    for cache in (fw.compare_runs, fw._compiled_run, fw.jax_modules, fw.moons):
        cache.cache_clear()
    start = time.process_time()
    fw.compare_runs(0.02)
    assert time.process_time() - start < 1.0
