import numpy as np
import pytest

from nnlab.checks import (
    DivergenceError,
    check_beta,
    check_finite,
    check_int,
    check_keep_prob,
    check_matrix,
    check_positive,
    check_range,
    check_same_keys,
)


@pytest.mark.parametrize("value", [0.0, -1e-3, float("nan")])
def test_check_positive_rejects_and_names_parameter(value):
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\)"):
        check_positive("lr", value)


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5])
def test_check_beta_interval_is_half_open(value):
    with pytest.raises(ValueError, match=r"beta1 must be in \[0, 1\)"):
        check_beta("beta1", value)


def test_check_beta_accepts_zero():
    assert check_beta("beta", 0.0) == 0.0


@pytest.mark.parametrize("value", [0.0, 1.01, -0.5])
def test_check_keep_prob_interval(value):
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        check_keep_prob("keep_prob", value)


def test_check_keep_prob_accepts_one():
    assert check_keep_prob("keep_prob", 1.0) == 1.0


def test_check_range_rejects_non_numbers():
    with pytest.raises(ValueError, match="lambd must be a number"):
        check_range("lambd", "big", 0)


@pytest.mark.parametrize("value", [0, 2.5, True, "3"])
def test_check_int(value):
    with pytest.raises(ValueError, match="epochs must be an integer >= 1"):
        check_int("epochs", value)


def test_check_matrix_shapes():
    assert check_matrix("X", np.zeros((2, 5)), rows=2).shape == (2, 5)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        check_matrix("X", np.zeros(5))
    with pytest.raises(ValueError, match="X must have 3 rows"):
        check_matrix("X", np.zeros((2, 5)), rows=3)


def test_check_finite_raises_divergence_with_iteration():
    check_finite("cost", np.array([1.0, 2.0]))
    with pytest.raises(DivergenceError, match="cost became NaN at iteration 7") as info:
        check_finite("cost", float("nan"), iteration=7, history=[1.0])
    assert info.value.iteration == 7 and info.value.history == [1.0]
    with pytest.raises(DivergenceError, match="infinite"):
        check_finite("cost", np.inf)


def test_check_same_keys():
    params = {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1))}
    check_same_keys(params, {"dW1": np.ones((2, 2)), "db1": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r"missing \['db1'\]"):
        check_same_keys(params, {"dW1": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"grads\['dW1'\] has shape"):
        check_same_keys(params, {"dW1": np.ones((3, 2)), "db1": np.ones((2, 1))})


def test_as_rng_is_the_one_seed_to_generator_rule():
    from nnlab.checks import as_rng

    g = np.random.default_rng(5)
    assert as_rng(g) is g  # a Generator goes on with its own stream
    assert as_rng(3).random() == np.random.default_rng(3).random()
    assert as_rng(None).random() == np.random.default_rng(0).random()
    for bad in (-1, 1.5, True, "0"):
        with pytest.raises(ValueError, match="seed"):
            as_rng(bad, "seed")
