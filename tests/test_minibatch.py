"""random_mini_batches: sizes, a true partition of the columns, X/Y alignment, seeding."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.minibatch import random_mini_batches


def _labelled(m, n_x=3):
    # column j of X holds j, j+0.5, ...; Y holds j: alignment can be read back exactly
    X = np.arange(m, dtype=float)[None, :] + 0.5 * np.arange(n_x)[:, None]
    Y = np.arange(m, dtype=float)[None, :]
    return X, Y


def test_sizes_full_batches_then_remainder():
    X, Y = _labelled(148)
    batches = random_mini_batches(X, Y, mini_batch_size=64, seed=1)
    # 148 = 2 * 64 + 20
    assert [b[0].shape[1] for b in batches] == [64, 64, 20]
    assert [b[1].shape[1] for b in batches] == [64, 64, 20]
    assert all(b[0].shape[0] == 3 and b[1].shape[0] == 1 for b in batches)


def test_exact_multiple_has_no_empty_batch():
    X, Y = _labelled(128)
    assert [b[0].shape[1] for b in random_mini_batches(X, Y, 64)] == [64, 64]


def test_batch_gd_and_sgd_extremes():
    X, Y = _labelled(10)
    assert len(random_mini_batches(X, Y, mini_batch_size=10)) == 1
    sgd = random_mini_batches(X, Y, mini_batch_size=1)
    assert len(sgd) == 10 and all(b[0].shape == (3, 1) for b in sgd)


def test_shuffles_and_same_seed_same_result():
    X, Y = _labelled(100)
    a = random_mini_batches(X, Y, 32, seed=5)
    b = random_mini_batches(X, Y, 32, seed=5)
    c = random_mini_batches(X, Y, 32, seed=6)
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    order_a = np.concatenate([y.ravel() for _, y in a])
    order_c = np.concatenate([y.ravel() for _, y in c])
    assert not np.array_equal(order_a, np.arange(100)), "no shuffle happened"
    assert not np.array_equal(order_a, order_c), "seed is ignored"


def test_inputs_not_modified():
    X, Y = _labelled(20)
    X0, Y0 = X.copy(), Y.copy()
    random_mini_batches(X, Y, 7, seed=0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_size_names_parameter(bad):
    X, Y = _labelled(10)
    with pytest.raises(ValueError, match="mini_batch_size"):
        random_mini_batches(X, Y, bad)


def test_mismatched_columns_raise():
    X, _ = _labelled(10)
    with pytest.raises(ValueError, match="Y"):
        random_mini_batches(X, np.zeros((1, 9)), 4)


@settings(max_examples=60, deadline=None)
@given(
    m=st.integers(1, 300),
    size=st.integers(1, 350),
    n_x=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
)
def test_partition_properties(m, size, n_x, seed):
    X, Y = _labelled(m, n_x)
    batches = random_mini_batches(X, Y, size, seed=seed)
    sizes = [b[0].shape[1] for b in batches]
    expected = [size] * (m // size) + ([m % size] if m % size else [])
    assert sizes == expected
    ids = np.concatenate([y.ravel() for _, y in batches])
    # every example exactly once
    np.testing.assert_array_equal(np.sort(ids), np.arange(m))
    for Xt, Yt in batches:
        # X column j must be the example whose label is Y[0, j]
        np.testing.assert_array_equal(Xt[0], Yt[0])
        np.testing.assert_array_equal(Xt - Xt[0], 0.5 * np.arange(n_x)[:, None] + 0 * Xt)
