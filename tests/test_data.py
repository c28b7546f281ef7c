import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.data import (
    Normalizer,
    football_split,
    make_circles,
    make_flower,
    make_football,
    make_moons,
    make_spirals,
    make_temperature,
    train_dev_test_split,
)

GENERATORS = [make_moons, make_circles, make_flower, make_spirals, make_football]


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_shapes_types_and_seed(make):
    X, Y = make(m=101, seed=3)
    assert X.shape == (2, 101) and X.dtype == float
    assert Y.shape == (1, 101) and np.issubdtype(Y.dtype, np.integer)
    X2, Y2 = make(m=101, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = make(m=101, seed=4)
    assert not np.allclose(X, X3)


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_two_class_sets_are_balanced_and_shuffled(make):
    _, Y = make(m=200)
    assert np.bincount(Y.ravel()).tolist() == [100, 100]
    # shuffled: the first 20 labels are not all one class
    assert 0 < Y[0, :20].sum() < 20


def test_moons_without_noise_lie_on_their_arcs():
    X, Y = make_moons(m=300, noise=0.0)
    up, low = X[:, Y[0] == 0], X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(up[0], up[1]), 1.0)
    assert np.all(up[1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(low[0] - 1.0, low[1] - 0.5), 1.0)
    assert np.all(low[1] <= 0.5 + 1e-12)


def test_circles_without_noise_have_two_radii():
    X, Y = make_circles(m=200, noise=0.0, factor=0.3)
    r = np.hypot(X[0], X[1])
    np.testing.assert_allclose(r[Y[0] == 0], 1.0)
    np.testing.assert_allclose(r[Y[0] == 1], 0.3)


def test_flower_labels_alternate_by_petal():
    X, Y = make_flower(m=2000, noise=0.0, petals=4)
    theta = np.mod(np.arctan2(X[1], X[0]), 2 * np.pi)
    expected = np.floor(4 * theta / np.pi).astype(int) % 2
    keep = np.hypot(X[0], X[1]) > 1e-9  # the angle of the origin is undefined
    np.testing.assert_array_equal(Y[0, keep], expected[keep])
    assert 0.4 < Y.mean() < 0.6


def test_spirals_have_k_classes_with_even_sizes():
    X, Y = make_spirals(m=301, k=4)
    assert sorted(np.unique(Y)) == [0, 1, 2, 3]
    assert np.bincount(Y.ravel()).tolist() == [76, 75, 75, 75]
    assert np.all(np.hypot(X[0], X[1]) <= 1.0 + 1e-12)  # noise only rotates


def test_football_label_noise_flips_the_stated_fraction():
    m, p = 20000, 0.2
    X0, Y0 = make_football(m=m, noise=0.0, seed=1)
    X1, Y1 = make_football(m=m, noise=p, seed=1)
    np.testing.assert_array_equal(X0, X1)  # same kicks, only the labels change
    flipped = np.mean(Y0 != Y1)
    assert abs(flipped - p) < 4 * np.sqrt(p * (1 - p) / m)
    assert np.all(np.abs(X0) <= 1)
    assert 0.3 < Y0.mean() < 0.7  # neither team wins everything


def test_temperature_is_seasonal_in_celsius():
    t, theta = make_temperature(days=365, noise=0.0)
    assert t.shape == theta.shape == (365,)
    assert t[0] == 1 and t[-1] == 365
    assert t[np.argmin(theta)] == 15
    assert abs(t[np.argmax(theta)] - (15 + 365 / 2)) <= 1
    np.testing.assert_allclose(theta.mean(), 11.0, atol=0.05)
    _, noisy = make_temperature(days=365, noise=3.0)
    np.testing.assert_allclose(np.std(noisy - theta), 3.0, rtol=0.15)


@pytest.mark.parametrize(
    "fractions, sizes",
    [
        ((0.6, 0.2, 0.2), (600, 200, 200)),
        ((98, 1, 1), (980, 10, 10)),
        ((0.98, 0.01, 0.01), (980, 10, 10)),
        ((0.8, 0.2, 0.0), (800, 200, 0)),
    ],
)
def test_split_sizes_and_partition(fractions, sizes):
    m = 1000
    X = np.vstack([np.arange(m), -np.arange(m)]).astype(float)
    Y = np.arange(m).reshape(1, m)
    Xtr, Ytr, Xd, Yd, Xte, Yte = train_dev_test_split(X, Y, fractions, seed=2)
    assert (Xtr.shape[1], Xd.shape[1], Xte.shape[1]) == sizes
    ids = np.concatenate([Ytr.ravel(), Yd.ravel(), Yte.ravel()])
    assert sorted(ids) == list(range(m))  # disjoint and complete
    for Xs, Ys in [(Xtr, Ytr), (Xd, Yd), (Xte, Yte)]:
        np.testing.assert_array_equal(Xs[0], Ys[0])  # columns stayed paired
    assert not np.array_equal(Ytr[0, :50], np.arange(50))  # shuffled


def test_split_by_name():
    X, Y = make_moons(m=50)
    split = train_dev_test_split(X, Y)
    assert split.X_dev.shape == (2, 10) and split.Y_test.shape == (1, 10)


@pytest.mark.parametrize("bad", [(0.5, 0.5), (0.5, -0.1, 0.6), (0.0, 0.5, 0.5)])
def test_split_rejects_bad_fractions(bad):
    X, Y = make_moons(m=50)
    with pytest.raises(ValueError, match="fractions"):
        train_dev_test_split(X, Y, bad)


def test_split_rejects_mismatched_Y():
    with pytest.raises(ValueError, match="Y"):
        train_dev_test_split(np.zeros((2, 10)), np.zeros((1, 9)))


def test_normalizer_hand_computed():
    X_train = np.array([[1.0, 3.0], [10.0, 30.0]])
    norm = Normalizer(epsilon=1e-12).fit(X_train)
    np.testing.assert_allclose(norm.mu, [[2.0], [20.0]])
    np.testing.assert_allclose(norm.sigma2, [[1.0], [100.0]])
    np.testing.assert_allclose(norm.transform(np.array([[4.0], [0.0]])), [[2.0], [-2.0]])


def test_normalizer_is_fitted_on_train_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 2.0, size=(3, 500))
    X_dev = rng.normal(7.0, 2.0, size=(3, 200))  # shifted on purpose
    norm = Normalizer()
    Z = norm.fit_transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.var(axis=1), 1.0, rtol=1e-6)
    Zd = norm.transform(X_dev)
    # dev is scaled with the *training* statistics, so its shift survives (≈ 1 = 2/σ)
    np.testing.assert_allclose(Zd.mean(axis=1), 1.0, atol=0.3)
    np.testing.assert_array_equal(norm.mu, X_train.mean(axis=1, keepdims=True))


def test_normalizer_transform_before_fit_is_a_clear_error():
    with pytest.raises(ValueError, match="not fitted"):
        Normalizer().transform(np.zeros((2, 3)))


def test_normalizer_rejects_wrong_feature_count():
    norm = Normalizer().fit(np.ones((2, 5)))
    with pytest.raises(ValueError, match="X must have 2 rows"):
        norm.transform(np.ones((3, 5)))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: make_moons(m=0), "m"),
        (lambda: make_moons(m=2.5), "m"),
        (lambda: make_circles(noise=-1), "noise"),
        (lambda: make_circles(factor=1.5), "factor"),
        (lambda: make_spirals(k=1), "k"),
        (lambda: make_football(noise=0.6), "noise"),
        (lambda: make_temperature(days=0), "days"),
        (lambda: Normalizer(epsilon=0), "epsilon"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        call()


@settings(max_examples=30, deadline=None)
@given(
    m=st.integers(3, 200),
    seed=st.integers(0, 10_000),
    f=st.tuples(st.floats(0.1, 1), st.floats(0, 1), st.floats(0, 1)),
)
def test_split_property_partition(m, seed, f):
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = np.arange(m).reshape(1, m)
    try:
        s = train_dev_test_split(X, Y, f, seed=seed)
    except ValueError as err:  # too few examples for the requested dev/test minimums
        assert "no training example" in str(err)
        return
    ids = np.concatenate([s.Y_train.ravel(), s.Y_dev.ravel(), s.Y_test.ravel()])
    assert sorted(ids) == list(range(m))
    assert s.X_train.shape[1] >= 1


def test_football_split_sizes_and_no_overlap():
    s = football_split(m=100, n_train=30, seed=3)
    assert s.X_train.shape == (2, 30) and s.X_dev.shape == (2, 70) and s.X_test.shape == (2, 0)
    both = np.hstack([s.X_train, s.X_dev])
    assert len({tuple(c) for c in both.T}) == 100
    with pytest.raises(ValueError, match="n_train"):
        football_split(m=10, n_train=9)
