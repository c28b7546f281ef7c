"""ewa: hand-computed values, bias correction, constant series, validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.ewa import ewa


def test_hand_values_without_correction():
    # β = 0.5: v1 = 0.5·4 = 2, v2 = 0.5·2 + 0.5·8 = 5, v3 = 0.5·5 + 0.5·(−2) = 1.5
    np.testing.assert_allclose(ewa([4.0, 8.0, -2.0], 0.5), [2.0, 5.0, 1.5], rtol=1e-15)


def test_hand_values_with_correction():
    # same v_t divided by 1 − 0.5^t = 0.5, 0.75, 0.875
    np.testing.assert_allclose(
        ewa([4.0, 8.0, -2.0], 0.5, bias_correction=True), [4.0, 5.0 / 0.75, 1.5 / 0.875], rtol=1e-15
    )


def test_first_value_without_correction_is_one_minus_beta_theta():
    assert ewa([10.0, 3.0], 0.9)[0] == pytest.approx(0.1 * 10.0, rel=1e-15)


@settings(max_examples=50, deadline=None)
@given(beta=st.floats(0.0, 0.999), c=st.floats(-1e3, 1e3), n=st.integers(1, 200))
def test_constant_series_stays_constant_with_correction(beta, c, n):
    v = ewa(np.full(n, c), beta, bias_correction=True)
    np.testing.assert_allclose(v, c, rtol=1e-9, atol=1e-9)
    assert v[0] == pytest.approx(c, rel=1e-12, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(beta=st.floats(0.0, 0.99), xs=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=50))
def test_corrected_first_value_is_theta1_and_weights_sum_to_one(beta, xs):
    v = ewa(xs, beta, bias_correction=True)
    assert v[0] == pytest.approx(xs[0], rel=1e-12, abs=1e-9)
    # v_t is a weighted mean of θ_1..θ_t: it lies between their min and max
    for t in range(len(xs)):
        assert min(xs[: t + 1]) - 1e-6 <= v[t] <= max(xs[: t + 1]) + 1e-6


def test_beta_zero_is_identity_and_shape_kept():
    x = np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.0]])
    np.testing.assert_array_equal(ewa(x, 0.0), x)
    # each column averaged separately: column 0 with β = 0.5 is [0.5, 1.75, 1.125]
    np.testing.assert_allclose(ewa(x, 0.5)[:, 0], [0.5, 1.75, 1.125])
    assert ewa(x, 0.5, bias_correction=True).shape == x.shape


def test_bias_fades():
    # with β = 0.9 the uncorrected average of a constant reaches 1 − 0.9^t of it
    v = ewa(np.ones(100), 0.9)
    np.testing.assert_allclose(v, 1 - 0.9 ** np.arange(1, 101), rtol=1e-12)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan")])
def test_bad_beta_named(beta):
    with pytest.raises(ValueError, match="beta"):
        ewa([1.0, 2.0], beta)
