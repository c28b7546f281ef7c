"""The softmax explorer's numbers: temperature, probabilities, trained classifiers."""

import numpy as np

from nnlab.chapters.tuning import softmax as sm


def test_tempered_softmax_hand_values():
    # z = (log 3, 0): softmax = (3/4, 1/4); at T = 2 the logits are (log 3 / 2, 0)
    z = np.array([[np.log(3.0)], [0.0]])
    assert np.allclose(sm.tempered_softmax(z, 1.0).ravel(), [0.75, 0.25])
    assert np.allclose(
        sm.tempered_softmax(z, 2.0).ravel(), [np.sqrt(3) / (1 + np.sqrt(3)), 1 / (1 + np.sqrt(3))]
    )


def test_temperature_keeps_the_winner_and_tends_to_uniform_and_one_hot():
    Z = np.random.default_rng(0).normal(size=(5, 50)) * 3
    for T in (0.1, 1.0, 10.0):
        P = sm.tempered_softmax(Z, T)
        assert np.allclose(P.sum(axis=0), 1)
        assert np.array_equal(P.argmax(axis=0), Z.argmax(axis=0))
    assert np.allclose(sm.tempered_softmax(Z, 1e6), 1 / 5, atol=1e-5)
    assert np.allclose(sm.tempered_softmax(Z, 1e-4).max(axis=0), 1, atol=1e-6)


def test_network_separates_spirals_and_regression_cannot():
    X, Y = sm.spirals(4)
    net, _, _ = sm.trained_classifier(4, sm.MODELS[0])
    lin, _, _ = sm.trained_classifier(4, sm.MODELS[1])
    assert net.accuracy(X, Y) > 0.9
    assert lin.accuracy(X, Y) < 0.6


def test_grid_logits_match_a_fresh_forward():
    net, (pts, xx, _), Z = sm.trained_classifier(3, sm.MODELS[0])
    assert Z.shape == (3, xx.size)
    assert np.allclose(net.predict_proba(pts[:, :7]), sm.tempered_softmax(Z[:, :7], 1.0))
