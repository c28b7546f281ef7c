"""Tuning: sampling scales (decade counts within CLT bounds), Param, random vs grid
search on a function where one of two hyperparameters matters, coarse-to-fine."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.checks import DivergenceError
from nnlab.tuning import (
    Param,
    Results,
    coarse_to_fine,
    grid_search,
    log_uniform,
    random_search,
    sample_beta,
)


def _decade_counts(values, first_exp, n_decades):
    e = np.floor(np.log10(values)).astype(int)
    return np.array([(e == first_exp + k).sum() for k in range(n_decades)])


def test_log_uniform_spreads_evenly_over_decades():
    n, k = 10_000, 4
    v = log_uniform(1e-4, 1.0, size=n, rng=np.random.default_rng(1))
    assert v.min() >= 1e-4 and v.max() <= 1.0
    counts = _decade_counts(v, -4, k)
    # each decade is a Bernoulli(1/4) count: mean 2500, sd √(n·¼·¾) ≈ 43; allow 5 sd
    sd = math.sqrt(n * (1 / k) * (1 - 1 / k))
    assert np.all(np.abs(counts - n / k) < 5 * sd), counts
    # a linear draw would have put ~90 % in the last decade
    assert counts[-1] < 0.3 * n


def test_sample_beta_in_range_and_one_minus_beta_log_uniform():
    n = 10_000
    b = sample_beta(0.9, 0.999, size=n, rng=np.random.default_rng(2))
    assert b.min() >= 0.9 and b.max() <= 0.999
    counts = _decade_counts(1 - b, -3, 2)  # 1 − β in [1e-3, 1e-2) and [1e-2, 1e-1]
    sd = math.sqrt(n * 0.25)
    assert np.all(np.abs(counts - n / 2) < 5 * sd), counts
    # as many β in [0.99, 0.999] as in [0.9, 0.99]: a linear draw would give 10 %
    assert 0.45 < np.mean(b > 0.99) < 0.55


@settings(max_examples=50, deadline=None)
@given(lo=st.floats(-8, 3), span=st.floats(0.01, 6), seed=st.integers(0, 10_000))
def test_log_uniform_stays_in_range(lo, span, seed):
    low, high = 10.0**lo, 10.0 ** (lo + span)
    v = log_uniform(low, high, size=50, rng=seed)
    assert np.all(v >= low * (1 - 1e-12)) and np.all(v <= high * (1 + 1e-12))


def test_same_seed_same_samples_and_generator_accepted():
    np.testing.assert_array_equal(log_uniform(1e-3, 1, 5, rng=3), log_uniform(1e-3, 1, 5, rng=3))
    assert np.ndim(log_uniform(1e-3, 1, rng=np.random.default_rng(0))) == 0


def test_param_scales():
    assert Param(1e-4, 1, "log").grid(5) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1])
    assert Param(0.9, 0.999, "beta").grid(3) == pytest.approx([0.9, 0.99, 0.999])
    assert Param(0, 10).grid(3) == pytest.approx([0, 5, 10])
    assert list(Param(1, 3, "int").grid(10)) == [1, 2, 3]
    s = Param(2, 5, "int").sample(2000, np.random.default_rng(0))
    assert set(s) == {2, 3, 4, 5}


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Param(0, 1, "log"), "low"),
        (lambda: Param(1, 0.5), "high"),
        (lambda: Param(0.9, 1.0, "beta"), "high"),
        (lambda: Param(1, 2, "cubic"), "scale"),
        (lambda: Param(1.5, 4, "int"), "low"),
        (lambda: log_uniform(0, 1, 3), "low"),
        (lambda: log_uniform(1, 0.1, 3), "high"),
        (lambda: sample_beta(0.9, 1.0, 3), "high"),
        (lambda: log_uniform(1e-3, 1, -1), "size"),
        (lambda: random_search(lambda a: a, {"a": Param(0, 1)}, 0), "n_trials"),
        (lambda: random_search(lambda a: a, {"a": (0, 1)}, 3), "space"),
        (lambda: grid_search(lambda a: a, {"a": Param(0, 1)}, 0), "n_per_dim"),
        (lambda: coarse_to_fine(lambda a: a, {"a": Param(0, 1)}, 3, shrink=0), "shrink"),
        (lambda: coarse_to_fine(lambda a: a, {"a": Param(0, 1)}, 3, rounds=0), "rounds"),
    ],
)
def test_bad_arguments_name_the_parameter(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_results_sorted_and_direction():
    space = {"a": Param(0, 1)}
    low = grid_search(lambda a: a, space, 5)
    assert isinstance(low, Results) and len(low) == 5
    np.testing.assert_allclose(low.column("score"), [0, 0.25, 0.5, 0.75, 1])
    high = grid_search(lambda a: a, space, 5, maximize=True)
    assert high.best["a"] == 1.0 and high.best["score"] == 1.0
    assert "score" in low.table()


def test_failed_trials_come_last():
    def objective(lr):
        if lr > 0.5:
            raise DivergenceError("cost became NaN")
        return float("nan") if lr > 0.4 else lr

    res = grid_search(objective, {"lr": Param(0, 1)}, 11)
    scores = res.column("score")
    assert np.all(np.isfinite(scores[:5])) and np.all(np.isnan(scores[5:]))
    assert res.best["lr"] == 0.0


# Only `a` matters: the score is the distance of `a` from 0.37; `b` is ignored.
def _one_matters(a, b):
    return abs(a - 0.37)


SPACE = {"a": Param(0, 1), "b": Param(0, 1)}


def test_random_beats_grid_when_one_parameter_matters():
    # 9 trials each. The 3×3 grid tries a ∈ {0, 0.5, 1} only: its best is |0.5 − 0.37|
    # = 0.13, by hand. Nine random trials try nine different values of a.
    grid = grid_search(_one_matters, SPACE, 3)
    assert grid.best["score"] == pytest.approx(0.13)
    assert len(set(grid.column("a"))) == 3
    rand = random_search(_one_matters, SPACE, 9, seed=0)
    assert len(set(rand.column("a"))) == 9
    assert rand.best["score"] < grid.best["score"]
    # Not by luck of one seed: P(no random a within 0.13 of 0.37) = 0.74^9 ≈ 0.07, so
    # about 93 % of seeds win; demand 80 % of 50 seeds (≈ 3.6 sd of margin).
    bests = np.array(
        [random_search(_one_matters, SPACE, 9, seed=s).best["score"] for s in range(50)]
    )
    assert np.sum(bests < 0.13) >= 40, bests
    # Margin: the typical random search is at least twice as close as the grid
    # (the expected best distance of 9 uniform draws here is about 0.04).
    assert np.median(bests) < 0.13 / 2, np.median(bests)


def test_coarse_to_fine_narrows_around_the_best():
    def bowl(lr, beta):
        # minimum at lr = 3e-3, β = 0.99, measured on the log scales
        return (math.log10(lr) + 2.5) ** 2 + (math.log10(1 - beta) + 2) ** 2

    space = {"lr": Param(1e-5, 1, "log"), "beta": Param(0.9, 0.999, "beta")}
    out = coarse_to_fine(bowl, space, n_trials=12, rounds=3, shrink=0.3, seed=4)
    assert len(out.rounds) == len(out.spaces) == 3
    assert all(len(r) == 12 for r in out.rounds)
    assert [t["round"] for t in out.rounds[1]] == [1] * 12
    for k in (1, 2):
        for name in space:
            lo, hi = out.spaces[k][name].r_bounds
            plo, phi = out.spaces[k - 1][name].r_bounds
            # each round's box is 0.3× as wide in the search coordinate, inside the last
            assert hi - lo == pytest.approx(0.3 * (phi - plo), rel=1e-9)
            assert plo - 1e-12 <= lo and hi <= phi + 1e-12
        # every trial of a round lies in that round's box
        for t in out.rounds[k]:
            assert out.spaces[k]["lr"].low <= t["lr"] <= out.spaces[k]["lr"].high
    best_per_round = [r.best["score"] for r in out.rounds]
    assert out.best["score"] == min(best_per_round)
    # zooming in helps: the final best beats the coarse round's best
    assert out.best["score"] < best_per_round[0]
    # and it is close to the true optimum, in decades
    assert abs(math.log10(out.best["lr"]) + 2.5) < 0.3


@settings(max_examples=40, deadline=None)
@given(
    lo=st.floats(0, 10), width=st.floats(0.1, 10), center=st.floats(0, 1), shrink=st.floats(0.05, 1)
)
def test_narrowed_stays_inside_and_contains_center(lo, width, center, shrink):
    p = Param(lo, lo + width)
    c = lo + center * width
    q = p.narrowed(c, shrink)
    assert p.low - 1e-9 <= q.low <= c + 1e-9 and c - 1e-9 <= q.high <= p.high + 1e-9
    assert q.high - q.low == pytest.approx(shrink * width, rel=1e-9)
