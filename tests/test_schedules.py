"""Learning-rate schedules (callables t -> α): hand-computed values, warm-up shape,
vectorization, checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.schedules import (
    cosine_warmup,
    exponential_decay,
    inverse_time_decay,
    make_schedule,
    staircase_decay,
)


def test_inverse_time_every_n_ticks():
    # 1 / (1 + 2·⌊t/10⌋): 1 for t < 10, 1/3 for 10 <= t < 20, 1/5 at 20
    schedule = inverse_time_decay(1.0, 2.0, every=10)
    np.testing.assert_allclose(
        schedule(np.array([0, 9, 10, 19, 20])), [1, 1, 1 / 3, 1 / 3, 1 / 5], rtol=1e-15
    )


def test_inverse_time_hand_values():
    # 0.2 / (1 + 1·e): 0.2, 0.1, 0.2/3, and 0.02 at epoch 9
    assert inverse_time_decay(0.2, decay_rate=1.0)(0) == pytest.approx(0.2)
    assert inverse_time_decay(0.2, decay_rate=1.0)(1) == pytest.approx(0.1)
    assert inverse_time_decay(0.2, decay_rate=1.0)(2) == pytest.approx(0.2 / 3)
    assert inverse_time_decay(0.2, decay_rate=1.0)(9) == pytest.approx(0.02)
    # decay_rate 0.5, epoch 4: 0.2 / 3
    assert inverse_time_decay(0.2, decay_rate=0.5)(4) == pytest.approx(0.2 / 3)


def test_exponential_hand_values():
    # 0.1 · 0.95^e: 0.1, 0.095, 0.09025
    np.testing.assert_allclose(
        exponential_decay(0.1, 0.95)(np.array([0, 1, 2])), [0.1, 0.095, 0.09025], rtol=1e-12
    )
    # 0.5^10 = 1/1024
    assert exponential_decay(1.0, 0.5)(10) == pytest.approx(1 / 1024, rel=1e-12)


def test_staircase_hand_values():
    e = np.array([0, 9, 10, 19, 20, 35])
    np.testing.assert_allclose(staircase_decay(0.8)(e), [0.8, 0.8, 0.4, 0.4, 0.2, 0.1])
    np.testing.assert_allclose(
        staircase_decay(1.0, drop=0.1, every=3)(np.array([0, 2, 3, 6])), [1.0, 1.0, 0.1, 0.01]
    )


def test_cosine_without_warmup_hand_values():
    # total 10: epoch 5 is half way, (1 + cos(π/2))/2 = 0.5; epoch 10 reaches lr_min
    assert cosine_warmup(0.4, total=10)(0) == pytest.approx(0.4)
    assert cosine_warmup(0.4, total=10)(5) == pytest.approx(0.2)
    assert cosine_warmup(0.4, total=10, lr_min=0.1)(5) == pytest.approx(0.25)
    assert cosine_warmup(0.4, total=10)(10) == pytest.approx(0.0, abs=1e-15)
    assert cosine_warmup(0.4, total=10, lr_min=0.1)(25) == pytest.approx(0.1)


def test_warmup_starts_small_and_peaks_at_lr0():
    lr = cosine_warmup(1.0, total=20, warmup=4)(np.arange(20))
    # warm-up: (e + 1)/5 = 0.2, 0.4, 0.6, 0.8, then the peak 1.0 at epoch 4
    np.testing.assert_allclose(lr[:5], [0.2, 0.4, 0.6, 0.8, 1.0], rtol=1e-12)
    assert np.argmax(lr) == 4 and lr.max() == pytest.approx(1.0)
    assert np.all(np.diff(lr[:5]) > 0) and np.all(np.diff(lr[4:]) < 0)
    # epoch 12 is half way through the 16 cosine epochs: 0.5
    assert lr[12] == pytest.approx(0.5)
    assert np.all(lr > 0), "a zero rate would be rejected by the optimizers"


@settings(max_examples=40, deadline=None)
@given(lr0=st.floats(1e-5, 10), rate=st.floats(0.5, 1.0), epochs=st.integers(1, 150))
def test_vectorized_matches_scalar_and_decays(lr0, rate, epochs):
    e = np.arange(epochs)
    for f in (
        inverse_time_decay(lr0, rate),
        exponential_decay(lr0, rate),
        staircase_decay(lr0, drop=rate, every=3),
        cosine_warmup(lr0, total=epochs + 1, warmup=min(3, epochs)),
    ):
        arr = f(e)
        assert arr.shape == e.shape
        assert isinstance(f(0), float)
        np.testing.assert_allclose(arr, [f(int(k)) for k in e], rtol=1e-12)
        # rate >= 0.5 keeps 0.5^150 ≈ 7e-46 far from underflow, so every value is > 0
        assert np.all(arr > 0) and np.all(arr <= lr0 * (1 + 1e-12))
    assert np.all(np.diff(exponential_decay(lr0, rate)(e)) <= 0)


def test_make_schedule_matches_functions_and_checks_now():
    s = make_schedule("exponential", 0.1, decay_rate=0.95)
    assert s(2) == pytest.approx(0.09025)
    assert make_schedule("constant", 0.3)(50) == pytest.approx(0.3)
    assert make_schedule("inverse_time", 0.2, decay_rate=1.0)(1) == pytest.approx(0.1)
    assert make_schedule("staircase", 0.8, drop=0.5, every=10)(20) == pytest.approx(0.2)
    w = make_schedule("cosine_warmup", 1.0, total=20, warmup=4)
    assert w(0) == pytest.approx(0.2) and w(4) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="kind"):
        make_schedule("linear", 0.1)
    with pytest.raises(ValueError, match="decay_rate"):
        make_schedule("exponential", 0.1, decay_rate=1.5)
    with pytest.raises(ValueError, match="exponential"):
        make_schedule("exponential", 0.1)  # decay_rate missing


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: inverse_time_decay(0.0, 1.0), "lr0"),
        (lambda: inverse_time_decay(0.1, -1.0), "decay_rate"),
        (lambda: inverse_time_decay(0.1, 1.0, every=0), "every"),
        (lambda: exponential_decay(0.1, 0.0), "decay_rate"),
        (lambda: exponential_decay(0.1, 0.9)(-1), "t"),
        (lambda: staircase_decay(0.1, drop=2.0), "drop"),
        (lambda: staircase_decay(0.1, every=0), "every"),
        (lambda: cosine_warmup(0.1, total=5, warmup=5), "warmup"),
        (lambda: cosine_warmup(0.1, total=0), "total"),
        (lambda: cosine_warmup(0.1, total=5, lr_min=0.2), "lr_min"),
    ],
)
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_schedule_drives_an_optimizer():
    from nnlab.optimizers import SGD

    opt, s = SGD(lr=1.0), make_schedule("inverse_time", 1.0, decay_rate=1.0)
    rates = []
    for epoch in range(3):
        opt.lr = s(epoch)
        rates.append(opt.lr)
    assert rates == pytest.approx([1.0, 0.5, 1 / 3])
    assert math.isclose(sum(rates), 11 / 6)
