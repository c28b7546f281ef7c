"""The capstone chapter: data.load_digits and its companion module nnlab.chapters.capstone.digits."""

import math
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlab.chapters.capstone import digits as d
from nnlab.data import load_digits
from nnlab.model import cross_entropy_from_logits
from nnlab.plots import figure_to_png


# ---------------------------------------------------------------- load_digits
def test_load_digits_shapes_dtypes_and_classes():
    X, Y = load_digits()
    assert X.shape == (64, 1797) and X.dtype == np.float64
    assert Y.shape == (1, 1797) and np.issubdtype(Y.dtype, np.integer)
    assert set(np.unique(Y)) == set(range(10))
    assert np.bincount(Y[0]).min() >= 170  # about 180 images of each digit
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))


def test_load_digits_is_scikit_learns_data():
    from sklearn.datasets import load_digits as sk_digits

    for n in (10, 3):
        X, Y = load_digits(n)
        bunch = sk_digits(n_class=n)
        np.testing.assert_array_equal(X, bunch.data.T)
        np.testing.assert_array_equal(Y[0], bunch.target)
        # image k is column k, pixel (i, j) row 8 i + j
        np.testing.assert_array_equal(X[:, 5].reshape(8, 8), bunch.images[5])


def test_load_digits_fewer_classes():
    X, Y = load_digits(2)
    assert X.shape[0] == 64 and X.shape[1] == Y.shape[1]
    assert set(np.unique(Y)) == {0, 1}


@pytest.mark.parametrize("bad", [1, 11, 0, 2.5, True, "10"])
def test_load_digits_bad_n_classes(bad):
    with pytest.raises(ValueError, match="n_classes"):
        load_digits(bad)


# ---------------------------------------------------------------- data and the checks
def test_split_and_normalization():
    data = d.digits()
    assert data.X_train.shape == (64, 1079)
    assert data.X_dev.shape == (64, 359) and data.X_test.shape == (64, 359)
    assert np.allclose(data.X_train.mean(axis=1), 0, atol=1e-12)
    # blank corner pixels (σ² = 0 on train) stay small on dev and test thanks to ε = 1
    assert np.abs(data.X_dev).max() < 20 and np.abs(data.X_test).max() < 20
    raw_train, raw_dev = data.inputs(raw=True)
    assert raw_train.max() == 16 and raw_dev is data.split.X_dev


def test_cost_at_initialization_is_ln10_plus_half_the_logit_variance():
    data = d.digits()
    net = d.network()
    J0 = net.loss(data.X_train, data.Y_train)
    V = d.logit_variance(net, data.X_train)
    assert abs(J0 - (math.log(10) + V / 2)) < 0.05
    # zero logits give exactly ln 10
    net.params["W2"][:] = 0
    assert net.loss(data.X_train, data.Y_train) == pytest.approx(math.log(10))
    assert d.logit_variance(net, data.X_train) == 0


def test_overfit_tiny_subset():
    history, m = d.overfit_tiny()
    assert m == 20
    assert history.train_acc[-1] == 1.0 and history.train_costs[-1] < 0.01


def test_gradient_check_of_the_full_network_passes():
    report = d.check_gradients()
    assert set(report.per_parameter) == {"W1", "gamma1", "beta1", "W2", "b2"}
    assert report.passed()


def test_run_records_one_update_ratio_per_step_by_hand():
    r = d.run(0.1, "SGD", epochs=1)
    assert r.ratios.size == len(r.history.costs) == math.ceil(1079 / d.BATCH)
    # the first SGD step: ‖α dW1‖ / ‖W1‖ with dW1 of the first mini-batch
    from nnlab.minibatch import random_mini_batches

    data = d.digits()
    net = d.network()
    X_t, Y_t = next(
        iter(random_mini_batches(data.X_train, net.targets(data.Y_train, 1079), d.BATCH, seed=0))
    )
    _, grads = net.loss_and_grads(X_t, Y_t, rng=np.random.default_rng(0))
    expected = np.linalg.norm(0.1 * grads["dW1"]) / np.linalg.norm(net.params["W1"])
    assert r.ratios[0] == pytest.approx(expected, rel=1e-10)
    assert not r.diverged and 0 <= r.dev_error <= 1


def test_run_that_blows_up_stops_instead_of_raising():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = d.run(1e4, "SGD", raw=True, epochs=2)
    assert r.diverged and "exceeded" in r.history.message
    assert math.isnan(r.dev_error) and math.isnan(r.best_dev_cost) and r.ratios.size == 1


def test_run_bad_arguments():
    with pytest.raises(ValueError, match="optimizer"):
        d.run(0.1, "Momentum", epochs=1)
    with pytest.raises(ValueError, match="decay_rate"):
        d.run(0.1, decay_rate=-1, epochs=1)
    with pytest.raises(ValueError, match="lr"):
        d.nearest_lr(0)


def test_nearest_lr_snaps_on_a_log_scale():
    assert d.nearest_lr(0.0099999) == 1e-2
    assert d.nearest_lr(2.9e-4) == 1e-4 and d.nearest_lr(3.3e-4) == 1e-3
    assert d.nearest_lr(1e-9) == d.LRS[0] and d.nearest_lr(50) == d.LRS[-1]


def test_standard_error_by_hand():
    assert d.standard_error(0.1, 100) == pytest.approx(0.03)
    assert d.standard_error(0.0, 359) == 0
    with pytest.raises(ValueError, match="error"):
        d.standard_error(1.5, 10)


# ---------------------------------------------------------------- grids and search
def test_babysitting_grid_covers_every_cell():
    grid = d.babysitting_grid()
    assert len(grid) == len(d.OPTIMIZERS) * len(d.INPUTS) * len(d.LRS)
    assert grid is d.babysitting_grid()  # memoised
    # normalization: SGD at α = 1 learns on normalized inputs, not on raw pixels
    assert grid[("SGD", "normalized", 1.0)].dev_error < 0.05
    assert grid[("SGD", "raw pixels", 1.0)].dev_error > 0.5


def test_regularization_grid_and_search():
    grid = d.regularization_grid()
    assert set(grid) == {(l, k) for l in d.LAMBDS for k in d.KEEP_PROBS}
    # a strong penalty raises the training error (bias), none leaves it at 0
    assert grid[(10.0, 1.0)].history.train_acc[-1] < grid[(0.0, 1.0)].history.train_acc[-1]
    s = d.search()
    assert len(s.results) == 12 and set(s.nets) == set(range(12))
    data = d.digits()
    _, cache = s.best_net.forward(data.X_dev, training=False, update_running=False)
    # the kept network is the one the best score was measured on
    assert cross_entropy_from_logits(cache["Z2"], data.Y_dev, "softmax") == pytest.approx(
        s.results.best["score"]
    )
    acc, se = d.test_accuracy(s.best_net)
    assert 0.9 < acc <= 1 and se == pytest.approx(math.sqrt(acc * (1 - acc) / 359))


# ---------------------------------------------------------------- explorers
EXPLORERS = {
    "babysitting": d.babysitting_explorer,
    "regularization": d.regularization_explorer,
    "search": d.search_explorer,
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_every_setting_renders_without_warning(name):
    explorer = EXPLORERS[name]
    for setting in explorer.test_settings(n_random=4):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = explorer.update(**setting)  # update itself, so no error is hidden
            assert isinstance(fig, Figure)
            assert figure_to_png(fig)[:4] == b"\x89PNG"


def test_babysitting_explorer_between_grid_values_and_builders():
    fig = d.babysitting_explorer.update(lr=0.0031, optimizer="SGD", inputs="raw pixels")
    assert "α = 0.001" in fig.axes[0].get_title()
    for builder in (d.digits_widget, d.regularization_widget, d.search_widget):
        assert builder().children[-1].value[:4] == b"\x89PNG"


def test_companion_names_its_chapter():
    assert "capstone chapter" in d.__doc__ and "01_digits.ipynb" in d.__doc__


def test_babysitting_figure_reports_a_dead_network():
    # SGD at α = 1 on raw pixels kills every ReLU: W1 stops changing, the cost sits at ln 10
    r = d.babysitting_grid()[("SGD", "raw pixels", 1.0)]
    assert np.median(r.ratios) == 0
    assert r.history.train_costs[-1] == pytest.approx(math.log(10), abs=0.01)
    fig = d.babysitting_explorer.update(lr=1.0, optimizer="SGD", inputs="raw pixels")
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert any("ρ = 0" in t for t in texts)
    assert "median 0.0e+00" in fig.axes[1].get_title()
