"""Augmentation: label-keeping maps checked against hand-built images and invariants."""

import numpy as np
import pytest

from nnlab.augmentation import augment, jitter, reflect, rotate

X = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
Y = np.array([[0, 1, 1]])


def test_reflect_flips_exactly_one_feature_per_copy():
    Xa, Ya = reflect(X, Y, axes=(0, 1))
    assert Xa.shape == (2, 9) and Ya.shape == (1, 9)
    np.testing.assert_array_equal(Xa[:, :3], X)
    np.testing.assert_array_equal(Xa[:, 3:6], [[-1.0, 2.0, -0.5], [3.0, 0.25, -1.0]])
    np.testing.assert_array_equal(Xa[:, 6:], [[1.0, -2.0, 0.5], [-3.0, -0.25, 1.0]])
    np.testing.assert_array_equal(Ya, [[0, 1, 1] * 3])


def test_rotate_quarter_turn_by_hand_and_keeps_norms():
    Xa, Ya = rotate(X, Y, [np.pi / 2])
    # a quarter turn sends (a, b) to (-b, a)
    np.testing.assert_allclose(Xa[:, 3:], [[-3.0, -0.25, 1.0], [1.0, -2.0, 0.5]], atol=1e-12)
    Xb, _ = rotate(X, Y, np.linspace(0, 2 * np.pi, 7))
    norms = np.linalg.norm(Xb, axis=0).reshape(8, 3)
    np.testing.assert_allclose(norms, np.tile(np.linalg.norm(X, axis=0), (8, 1)))
    np.testing.assert_array_equal(Ya, [[0, 1, 1, 0, 1, 1]])


def test_jitter_noise_has_the_requested_spread_and_is_seeded():
    Xbig = np.zeros((2, 5000))
    Ybig = np.ones((1, 5000), dtype=int)
    Xa, Ya = jitter(Xbig, Ybig, sigma=0.3, copies=2, seed=1)
    assert Xa.shape == (2, 15000) and np.all(Ya == 1)
    noise = Xa[:, 5000:]
    assert abs(noise.std() - 0.3) < 0.01 and abs(noise.mean()) < 0.01
    np.testing.assert_array_equal(Xa, jitter(Xbig, Ybig, sigma=0.3, copies=2, seed=1)[0])
    assert not np.array_equal(Xa, jitter(Xbig, Ybig, sigma=0.3, copies=2, seed=2)[0])


def test_augment_makes_the_four_mirror_images():
    Xa, Ya = augment(X, Y)
    assert Xa.shape == (2, 12)
    images = {tuple(np.round(c, 12)) for c in Xa.T}
    for a, b in X.T:
        assert {(a, b), (-a, b), (a, -b), (-a, -b)} <= images
    # every image of example i carries label y_i
    for k in range(4):
        np.testing.assert_array_equal(Ya[:, 3 * k : 3 * k + 3], Y)
    Xj, Yj = augment(X, Y, sigma=0.1, copies=2)
    assert Xj.shape == (2, 36) and Yj.shape == (1, 36)


def test_augmentation_keeps_labels_of_symmetric_data():
    # concentric circles: the label is a function of the radius, which reflections keep
    rng = np.random.default_rng(0)
    Xc = rng.uniform(-1, 1, (2, 200))
    label = lambda Z: (np.linalg.norm(Z, axis=0) < 0.6).astype(int).reshape(1, -1)
    Xa, Ya = augment(Xc, label(Xc))
    np.testing.assert_array_equal(Ya, label(Xa))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: reflect(X, Y, axes=(2,)), "axes"),
        (lambda: reflect(X, Y, axes=()), "axes"),
        (lambda: jitter(X, Y, sigma=-1), "sigma"),
        (lambda: jitter(X, Y, copies=0), "copies"),
        (lambda: rotate(np.zeros((3, 2)), np.zeros((1, 2)), [0.1]), "X"),
        (lambda: reflect(X, np.zeros((1, 2))), "Y"),
        (lambda: augment(X, Y, sigma=-0.5), "sigma"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
