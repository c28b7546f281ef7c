import io

import numpy as np
import pytest

from nnlab import plots
from nnlab.plots import new_figure


def test_smooth_is_a_trailing_moving_average():
    # by hand: window 2 over [1, 3, 5, 7] -> [1, 2, 4, 6]
    assert np.allclose(plots.smooth([1, 3, 5, 7], 2), [1, 2, 4, 6])
    assert np.allclose(plots.smooth([1, 3], 1), [1, 3])


def test_grid_over_covers_data_with_margin():
    X = np.array([[0.0, 1.0], [-1.0, 2.0]])
    pts, xx, yy = plots.grid_over(X, resolution=5, margin=0.5)
    assert pts.shape == (2, 25)
    assert xx.min() == -0.5 and xx.max() == 1.5 and yy.min() == -1.5 and yy.max() == 2.5


def test_decision_boundary_colours_the_plane_by_the_prediction():
    X = np.array([[-1.0, 1.0, -1.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
    Y = np.array([[0, 1, 0, 1]])
    fig, (ax,) = new_figure()
    calls = []

    def predict(P):
        calls.append(P.shape)
        return (P[0] > 0).astype(int)

    plots.plot_decision_boundary(ax, predict, X, Y, resolution=20)
    assert calls == [(2, 400)]
    assert len(ax.collections) >= 2  # filled contours + scatter


def test_decision_boundary_rejects_mismatched_labels():
    fig, (ax,) = new_figure()
    with pytest.raises(ValueError, match="one label per column"):
        plots.plot_decision_boundary(ax, lambda P: P[0] > 0, np.zeros((2, 4)), np.zeros((1, 3)))


def test_plot_path_requires_n_by_2():
    fig, (ax,) = new_figure()
    plots.plot_path(ax, np.array([[0, 0], [1, 1], [2, 1]]), label="Adam")
    assert ax.lines[0].get_xdata().tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        plots.plot_path(ax, np.zeros((3, 3)))


def test_histograms_report_std_and_need_enough_axes():
    fig, axes = new_figure(ncols=2)
    rng = np.random.default_rng(0)
    plots.plot_histograms(axes, {"A1": rng.normal(0, 2, 1000), "A2": np.zeros(10)})
    assert axes[0].get_title().startswith("A1  (std 2")
    with pytest.raises(ValueError, match="need 3 axes"):
        plots.plot_histograms(axes, {"a": [1], "b": [1], "c": [1]})


def test_contours_and_costs_draw():
    fig, axes = new_figure(ncols=2)
    plots.plot_contours(axes[0], lambda x, y: x**2 + 10 * y**2, (-1, 1), (-1, 1))
    assert axes[0].get_xlim() == (-1, 1)
    plots.plot_costs(axes[1], [3, 2, 1], label="GD", logy=True)
    assert axes[1].get_yscale() == "log"


def test_plain_log_axis_labels_a_short_span_in_1_2_5_steps():
    """Decade ticks alone left an axis spanning under a decade one label (or none)."""
    from nnlab.plots import new_figure, plain_log_axis

    fig, (ax,) = new_figure(fixed=True)
    ax.plot([0.25, 1.8], [0.25, 1.8])
    ax.set_yscale("log")
    ax.set_ylim(0.25, 1.8)
    plain_log_axis(ax.yaxis)

    def shown():
        fig.canvas.draw()
        lo, hi = ax.get_ylim()
        return [
            t.get_text()
            for t in ax.get_yticklabels()
            if lo <= t.get_position()[1] <= hi and t.get_text()
        ]

    assert shown() == ["0.5", "1"]
    ax.set_ylim(1e-6, 1.0)  # wide spans keep decades
    assert shown()[-3:] == ["0.01", "0.1", "1"]


def _formula_figure():
    fig, (ax,) = new_figure(fixed=True)
    ax.plot([1, 10, 100], [1e-8, 1e-3, 1.0])
    ax.set_yscale("log")
    ax.set_ylabel("$J - J^*$")
    ax.set_title(r"$\alpha = 0.1$, $\beta_2 = 0.999$")
    return fig


def test_figures_share_parsed_formulas_and_draw_the_same():
    """Every figure parses mathtext with one parser (matplotlib makes one per figure, so
    each redraw parsed every formula again); the pixels are matplotlib's own."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from nnlab.plots import _MATHTEXT

    def pixels_of(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    plots.figure_to_png(_formula_figure())
    before = _MATHTEXT._parse_cached.cache_info()
    shared = plots.figure_to_png(_formula_figure())
    after = _MATHTEXT._parse_cached.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
    own = _formula_figure()
    FigureCanvasAgg(own)  # matplotlib's canvas: a parser of its own
    assert np.array_equal(pixels_of(shared), pixels_of(plots.figure_to_png(own)))


def test_titles_are_not_placed_by_measuring_the_axis_at_every_draw(monkeypatch):
    """Matplotlib moves a title above any tick label that reaches the top of its panel,
    measuring the y axis's tick labels at every draw; course figures have no ticks there
    and put titles at the top: the same pixels, without the measuring."""
    from matplotlib.axis import YAxis

    measured = []
    original = YAxis.get_tightbbox
    monkeypatch.setattr(
        YAxis, "get_tightbbox", lambda self, *a, **k: measured.append(1) or original(self, *a, **k)
    )
    fig, axes = new_figure(ncols=2, fixed=True)
    extra = fig.add_subplot(3, 3, 5)
    for ax in (*axes, extra):
        ax.plot([0, 1], [1, 0])
        ax.set_title("a title", fontsize=8)
    png = plots.figure_to_png(fig)
    assert not measured
    assert axes[0].title.get_position()[1] == 1.0 and png.startswith(b"\x89PNG")
