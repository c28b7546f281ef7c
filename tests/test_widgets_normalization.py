"""The normalizing-inputs widget: titles and notes say what the maths says."""
import numpy as np

from nnlab.widgets.normalization import contours_explorer, scaled_problem


def _titles(fig):
    return [ax.get_title() for ax in fig.axes]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_raw_bowl_is_ratio_squared_more_elongated_than_the_normalized_one():
    prob = scaled_problem(10.0)
    lam_raw = np.linalg.eigvalsh(prob["raw"][3])
    lam_norm = np.linalg.eigvalsh(prob["normalized"][3])
    assert 50 < lam_raw[-1] / lam_raw[0] < 200          # about 10² (sampling noise)
    assert lam_norm[-1] / lam_norm[0] < 1.5


def test_a_rate_the_normalized_bowl_takes_in_its_stride_makes_the_raw_one_diverge():
    fig = contours_explorer.figure(ratio=10.0, lr=0.5)
    raw, norm = _titles(fig)[:2]
    assert "diverged" in raw and "converged in" in norm
    assert any(t.startswith("diverged: α = 0.5") for t in _texts(fig))


def test_equal_features_behave_alike():
    fig = contours_explorer.figure(ratio=1.0, lr=0.5)
    raw, norm = _titles(fig)[:2]
    assert "converged in" in raw and "converged in" in norm
    assert not _texts(fig)


def test_the_best_raw_step_count_in_the_legend_is_far_above_the_normalized_one():
    fig = contours_explorer.figure(ratio=20.0, lr=0.001)
    legend = [t.get_text() for t in fig.axes[2].get_legend().get_texts()]
    best = {s.split(" ")[0]: int(s.split("best ")[1].split(" ")[0]) for s in legend if "best" in s}
    assert best["raw"] > 50 * best["normalized"]
