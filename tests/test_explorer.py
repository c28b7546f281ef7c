"""Every Explorer of the chapter companions (nnlab.chapters), swept over its controls with warnings as errors.

Explorers are found automatically (``all_explorers``), so a new widget is tested the
moment its module exists: each setting in ``test_settings()`` (defaults, every control at
both ends of its range, the two corners, random mixes) must return a figure without
raising and without a single warning. At its default setting, the one a reader sees
first, no explorer may show a warning or an error message instead of results (a widget
that diverged at every setting would still draw a PNG everywhere), and each explorer's
default figure must pass one check of its numbers (``PROPERTIES``, one entry per explorer).
"""

import re
import time
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlab.checks import DivergenceError
from nnlab.explorer import (
    Checkbox,
    Dropdown,
    Explorer,
    FloatSlider,
    IntSlider,
    LogSlider,
    all_explorers,
)
from nnlab.plots import figure_notes, figure_to_png, new_figure, note_on_axes

EXPLORERS = all_explorers()


def test_explorers_are_found():
    # an empty registry would silently turn the two sweeps below into skips
    assert EXPLORERS, "no Explorer found in nnlab.chapters"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_setting_renders_without_error_or_warning(name):
    explorer = EXPLORERS[name]
    for setting in explorer.test_settings():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = explorer.figure(**setting)
            assert isinstance(fig, Figure), f"{name}{setting} returned {type(fig)}"
            png = figure_to_png(fig)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", f"{name}{setting} did not render a PNG"
        cut = _text_cut_off(fig)
        assert not cut, f"{name}{setting}: {cut} (fixed margins too narrow?)"


def _text_cut_off(fig) -> list[str]:
    """The panels of a drawn ``fig`` whose labels, ticks or title reach past its edge by
    more than a pixel (fixed margins do not move to make room, as a layout engine would)."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    cut = []
    for k, ax in enumerate(fig.axes):
        box = ax.get_tightbbox(renderer)
        over = {
            "left": -box.x0,
            "bottom": -box.y0,
            "right": box.x1 - width,
            "top": box.y1 - height,
        }
        cut += [
            f"panel {k} is cut off on the {side} by {px:.0f} px"
            for side, px in over.items()
            if px > 1.5
        ]
    return cut


def test_a_label_past_the_edge_is_found():
    fig, (ax,) = new_figure(width=4, height=3, left=0.01, right=0.9, bottom=0.2, top=0.9)
    ax.set_ylabel("a label with no room")
    figure_to_png(fig)
    (cut,) = _text_cut_off(fig)
    assert cut.startswith("panel 0 is cut off on the left by")


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_default_setting_shows_results_not_a_warning(name):
    fig = EXPLORERS[name].figure()
    assert not hasattr(fig, "nnlab_message"), f"{name}: default shows {fig.nnlab_message!r}"
    assert figure_notes(fig) == [], f"{name}: default shows {figure_notes(fig)}"


# ---------------------------------------------------------------- one property per explorer
def _lines(ax) -> dict:
    """``{label: (x, y)}`` of the labelled lines of ``ax``."""
    return {
        ln.get_label(): (np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float))
        for ln in ax.get_lines()
        if not ln.get_label().startswith("_")
    }


def _y(ax, prefix: str) -> np.ndarray:
    return next(y for label, (_, y) in _lines(ax).items() if label.startswith(prefix))


def _number(pattern: str, text: str) -> float:
    return float(re.search(pattern, text).group(1))


def _race(fig):
    # all four start from the same cost; Adam ends over 100× closer to the minimum
    gaps = {label: y for label, (_, y) in _lines(fig.axes[1]).items()}
    assert len({y[0] for y in gaps.values()}) == 1
    assert gaps["Adam"][-1] < gaps["Adam"][0] / 100


def _moons(fig):
    # same network: one initial cost; RMSprop and Adam end far below GD; titles agree with legend
    costs = {label.split(":")[0]: y for label, (_, y) in _lines(fig.axes[0]).items()}
    assert len({y[0] for y in costs.values()}) == 1
    assert costs["Adam"][-1] < costs["GD"][-1] / 2 and costs["RMSprop"][-1] < costs["GD"][-1] / 2
    for label, (_, y) in _lines(fig.axes[0]).items():
        assert abs(_number(r"J = ([\d.]+)", label) - y[-1]) < 5e-4


def _ewa(fig):
    # no bias correction: v_1 = (1 − β) θ_1 with β = 0.9
    theta, v = _y(fig.axes[0], "daily"), _y(fig.axes[0], "$v_t$")
    assert np.isclose(v[0], 0.1 * theta[0])


def _lag_noise(fig):
    # too little β: noise; too much: lag. The total error has its minimum inside the β range
    total = _y(fig.axes[1], "total")
    assert 0 < np.argmin(total) < total.size - 1


def _decay(fig):
    # inverse time decay α0/(1 + rate·epoch) starts at α0 = 1 and never rises; both runs
    # start from the same network
    schedule = _y(fig.axes[0], "inverse time")
    assert schedule[0] == 1.0 and np.all(np.diff(schedule) <= 0)
    costs = [y for _, y in _lines(fig.axes[1]).values()]
    assert costs[0][0] == costs[1][0] and all(y[-1] < y[0] for y in costs)


def _minibatch(fig):
    # both runs start at the same cost; after 6 epochs mini-batches of 64 are ahead of batch GD
    batch, mini = _y(fig.axes[1], "batch GD"), _y(fig.axes[1], "mini-batch")
    assert batch[0] == mini[0] and mini[-1] < batch[-1] < batch[0]


def _momentum(fig):
    # every path starts at J(−9, 2) = 80.5; each legend's step count is where its curve
    # first drops below the tolerance 0.01
    for label, (_, gap) in _lines(fig.axes[1]).items():
        assert gap[0] == 80.5
        count = re.search(r": (\d+) steps$", label)
        if count:
            assert np.flatnonzero(gap < 0.01)[0] == int(count.group(1))
        else:
            assert np.all(gap >= 0.01), label  # 'not within 500 steps' / 'diverged'
    assert any(re.search(r": \d+ steps$", label) for label in _lines(fig.axes[1]))


def _escape(fig):
    # all four start at f(3.5, 0.01) on the plateau; Adam ends in a minimum (f = −1/4)
    f = {label: y for label, (_, y) in _lines(fig.axes[1]).items()}
    start = 1 - np.exp(-(3.5**2) / 2) * (1 + 0.01**2 / 2) + 0.01**4 / 4
    assert all(np.isclose(y[0], start) for y in f.values())
    assert abs(f["Adam"][-1] + 0.25) < 1e-3


def _early_stopping(fig):
    # the kept step is where the dev cost is lowest among the checks before the stop
    lines = _lines(fig.axes[0])
    x, dev = lines["dev cost"]
    kept = _number(r"kept: step (\d+)", next(k for k in lines if k.startswith("kept")))
    stopped = _number(r"stopped: step (\d+)", next(k for k in lines if k.startswith("stopped")))
    seen = x <= stopped
    assert x[seen][np.argmin(dev[seen])] == kept


def _bias_variance(fig):
    # the title's train and dev errors are the curves' values at the marked step
    ax = fig.axes[1]
    marked = next(ln for ln in ax.get_lines() if ln.get_label().startswith("_")).get_xdata()[0]
    lines = _lines(ax)
    for name, pattern in (("train error", r"train ([\d.]+)%"), ("dev error", r"dev ([\d.]+)%")):
        x, y = lines[name]
        assert abs(100 * y[x == marked][0] - _number(pattern, ax.get_title())) <= 0.05 + 1e-9


def _dropout(fig):
    # training with dropout lowers the cost measured with dropout off
    off = _y(fig.axes[1], "J with dropout off")
    assert off[-1] < off[0] - 0.2


def _bug(fig):
    # a chosen bug: overall difference far above 1e-3, and the title's worst parameter has
    # the tallest bar
    ax = fig.axes[0]
    assert _number(r"overall ([\d.e+-]+):", ax.get_title()) > 1e-3
    heights = [p.get_height() for p in ax.patches]
    names = [t.get_text() for t in ax.get_xticklabels()]
    worst = re.search(r"worst: (\w+)", ax.get_title()).group(1)
    assert names[int(np.argmax(heights))] == worst


def _epsilon(fig):
    # truncation against round-off: the two-sided difference is smallest at an interior ε,
    # and the title's value at ε = 1e-7 is 'good' (below 1e-7)
    d = _y(fig.axes[0], "two-sided")
    assert 0 < np.argmin(d) < d.size - 1
    assert _number(r"is ([\d.e+-]+) \(good\)", fig.axes[0].get_title()) < 1e-7


def _init(fig):
    # He initialization keeps the activations' spread: the title's max/min is the curve's
    ax = fig.axes[3]
    std = np.asarray(ax.get_lines()[0].get_ydata(), float)
    assert abs(std.max() / std.min() - _number(r"max/min ([\d.]+)×", ax.get_title())) < 0.005
    assert std.max() / std.min() < 2


def _contours(fig):
    # each legend's best step count is the minimum of its curve; normalizing needs fewer
    best = {}
    for label, (_, steps) in _lines(fig.axes[2]).items():
        if "best" in label:
            best[label.split()[0]] = _number(r"best (\d+) steps", label)
            assert best[label.split()[0]] == np.nanmin(steps)
    assert best["normalized"] < best["raw"]


def _regularization(fig):
    # bars: train/dev without penalty, then with L2; L2 narrows the train-dev gap
    h = [p.get_height() for p in fig.axes[1].patches]
    labels = sorted(float(t.get_text().rstrip("%")) for t in fig.axes[1].texts)
    assert labels == sorted(round(100 * v, 1) for v in h)
    assert h[2] - h[3] < h[0] - h[1]


def _bn_training(fig):
    costs = {label: y for label, (_, y) in _lines(fig.axes[0]).items()}
    assert all(np.all(np.isfinite(y)) and y[-1] < y[0] for y in costs.values())


def _bn_noise(fig):
    # the running average ends near the full-data mean it estimates
    running = _y(fig.axes[1], "running")
    full = _y(fig.axes[1], "full-data")
    assert abs(running[-1] - full[0]) < 0.1


def _scale(fig):
    # the counts per decade add up to the number of trials, the shares to 1
    for ax in fig.axes:
        counts = [int(t.get_text()) for t in ax.texts]
        assert sum(counts) == 50
        assert np.isclose(sum(p.get_height() for p in ax.patches), 1.0)


def _softmax(fig):
    # the probabilities at the star add up to 1
    assert np.isclose(sum(p.get_height() for p in fig.axes[2].patches), 1.0)


def _search(fig):
    # no search beats the true optimum; 36 random trials try 36 values of α, the grid 6
    lines = _lines(fig.axes[2])
    best_possible = np.min(lines["error (other one at its best)"][1])
    for ax in fig.axes[:2]:
        assert _number(r"best error ([\d.]+)", ax.get_title()) >= best_possible
    assert lines["grid: 6 distinct values"][0].size == 6
    assert np.unique(lines["random: 36 distinct values"][0]).size == 36


def _babysitting(fig):
    # the title's median update ratio is the median of the plotted ratios
    ax = fig.axes[1]
    ratios = np.asarray(ax.get_lines()[0].get_ydata(), float)
    quoted = _number(r"median ([\d.e+-]+)", ax.get_title())
    assert abs(np.median(ratios) - quoted) <= 0.05e-3


def _digits_regularization(fig):
    # the title's errors are the curves' last values, and the dev error is the grid's cell
    ax = fig.axes[1]
    train_err, dev_err = _y(ax, "train error"), _y(ax, "dev error")
    assert abs(train_err[-1] - _number(r"train ([\d.]+) %", ax.get_title())) <= 0.05
    dev = _number(r"dev ([\d.]+) %", ax.get_title())
    assert abs(dev_err[-1] - dev) <= 0.05
    assert f"{dev:.1f}" in [t.get_text() for t in fig.axes[2].texts]


def _digits_search(fig):
    # one point per trial of the search
    n = int(_number(r"(\d+) trials", fig.axes[0].get_title()))
    assert len(fig.axes[0].collections[0].get_offsets()) == n


def _frameworks(fig):
    # float64 by default: nnlab and JAX + Optax agree to better than the text's 1e-10 at every
    # step, and the title's largest difference is the largest one plotted (0 is drawn at 1e-18)
    ax = fig.axes[1]
    d = np.asarray(ax.get_lines()[0].get_ydata(), float)
    quoted = _number(r"largest difference ([\d.e+-]+);", ax.get_title())
    assert d.size > 0 and np.all(d < 1e-10)
    assert d.max() == 1e-18 if quoted == 0 else abs(d.max() - quoted) <= 0.05 * quoted


PROPERTIES = {
    "capstone.digits.babysitting_explorer": _babysitting,
    "capstone.digits.regularization_explorer": _digits_regularization,
    "capstone.digits.search_explorer": _digits_search,
    "optimization.adam.race_explorer": _race,
    "optimization.adam.moons_explorer": _moons,
    "optimization.ewa.ewa_explorer": _ewa,
    "optimization.ewa.lag_noise_explorer": _lag_noise,
    "optimization.lr_decay.decay_explorer": _decay,
    "optimization.minibatch.minibatch_explorer": _minibatch,
    "optimization.momentum_rmsprop.momentum_explorer": _momentum,
    "optimization.plateaus.escape_explorer": _escape,
    "practical.augmentation_early_stopping.early_stopping_explorer": _early_stopping,
    "practical.bias_variance.bias_variance_explorer": _bias_variance,
    "practical.dropout.dropout_explorer": _dropout,
    "practical.gradient_checking.bug_explorer": _bug,
    "practical.gradient_checking.epsilon_explorer": _epsilon,
    "practical.initialization.init_explorer": _init,
    "practical.normalizing_inputs.contours_explorer": _contours,
    "practical.regularization.regularization_explorer": _regularization,
    "tuning.batch_norm.bn_training_explorer": _bn_training,
    "tuning.batch_norm.bn_noise_explorer": _bn_noise,
    "tuning.scale_and_practice.scale_explorer": _scale,
    "tuning.softmax.softmax_explorer": _softmax,
    "tuning.frameworks.frameworks_explorer": _frameworks,
    "tuning.tuning_process.search_explorer": _search,
}


def test_every_explorer_has_a_property():
    assert sorted(PROPERTIES) == sorted(EXPLORERS), "add a property for each new explorer"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_default_figure_numbers(name):
    if name not in PROPERTIES:
        pytest.fail(f"{name}: no entry in PROPERTIES")
    PROPERTIES[name](EXPLORERS[name].figure())


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_controls_match_update_signature_and_build(name):
    import inspect

    explorer = EXPLORERS[name]
    params = inspect.signature(explorer.update).parameters
    for control in explorer.controls:
        assert control.name in params, f"{name}: control {control.name!r} not an update argument"
    box = explorer.build()
    image = next(c for c in box.children if type(c).__name__ == "Image")
    assert image.value[:4] == b"\x89PNG"


def _toy(a, kind, flag, n, lr):
    if lr > 1:
        raise DivergenceError(f"diverged with lr={lr}")
    fig, (ax,) = new_figure()
    ax.plot(np.arange(n) * a)
    ax.set_title(f"{kind} {flag}")
    return fig


def make_toy():
    return Explorer(
        _toy,
        [
            FloatSlider("a", 1.0, min=0.0, max=2.0),
            Dropdown("kind", "x", options=["x", "y"]),
            Checkbox("flag", False),
            IntSlider("n", 5, min=2, max=9),
            LogSlider("lr", 0.1, min=1e-3, max=10.0),
        ],
        title="toy",
    )


def test_test_settings_cover_each_end_and_the_corners():
    settings = make_toy().test_settings()
    assert settings[0] == {"a": 1.0, "kind": "x", "flag": False, "n": 5, "lr": 0.1}
    for key, low, high in [("a", 0.0, 2.0), ("n", 2, 9), ("lr", 1e-3, 10.0)]:
        assert any(s[key] == low for s in settings) and any(s[key] == high for s in settings)
    assert {"a": 0.0, "kind": "x", "flag": False, "n": 2, "lr": 1e-3} in settings
    assert {"a": 2.0, "kind": "y", "flag": True, "n": 9, "lr": 10.0} in settings
    assert len(settings) == len({tuple(sorted(s.items())) for s in settings})


def test_divergence_becomes_a_message_not_a_traceback():
    fig = make_toy().figure(lr=5.0)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("diverged with lr=5.0" in t for t in texts)


def test_a_diverged_default_would_fail_the_default_check():
    # a message figure (DivergenceError) and a note over a partial curve are both recorded
    fig = make_toy().figure(lr=5.0)
    assert fig.nnlab_message == "diverged with lr=5.0" and figure_notes(fig) == [fig.nnlab_message]
    fig, (ax,) = new_figure()
    note_on_axes(ax, "diverged at step 12")
    assert figure_notes(fig) == ["diverged at step 12"]
    assert figure_notes(make_toy().figure()) == []


def test_build_wires_sliders_to_the_image():
    box = make_toy().build()
    image = next(c for c in box.children if type(c).__name__ == "Image")
    first = image.value
    slider = next(
        c
        for row in box.children
        if hasattr(row, "children")
        for c in row.children
        if getattr(c, "description", "") == "a"
    )
    slider.value = 2.0
    assert image.value != first
    assert not any("snapshot" in str(getattr(c, "value", "")) for c in box.children)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_build_carries_the_player_placeholder_next_to_the_widget_view(name):
    """In a live kernel the widget view is shown (JupyterLab, Colab and thebe rank it
    first); the book's html builder takes the text/html placeholder and makes it a player."""
    explorer = EXPLORERS[name]
    assert explorer.key == name
    bundle = explorer.build()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert f'<div class="nnlab-player" data-explorer="{name}">' in bundle["text/html"]


@pytest.fixture(autouse=True)
def _no_explorer_moved_yet(monkeypatch):
    """``Refresher.active`` (the explorer moved last) is per process: each test starts
    without one, and with images kept (``make test`` sets NNLAB_LIVE_CACHE=0 for the
    notebooks it executes)."""
    from nnlab.explorer import Refresher

    monkeypatch.delenv("NNLAB_LIVE_CACHE", raising=False)
    Refresher.active = None
    yield
    Refresher.active = None


def _wait_idle(r, until=lambda: True, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while (r._busy or not until()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not r._busy and until(), "the worker did not finish"


def test_refresher_draws_only_the_newest_setting_in_a_kernel():
    """Threaded (as in a kernel): requests made while a figure is drawn collapse into one,
    and the figure that was being drawn is not shown after all (a newer one was asked for)."""
    import threading
    import time

    from nnlab.explorer import Refresher

    shown, gate, calls = [], threading.Event(), []

    def draw(values, cancelled):
        calls.append(values["a"])
        gate.wait(5)
        return b"png %d" % values["a"]

    r = Refresher(draw, lambda values, png: shown.append(png), threaded=True)
    r.request({"a": 1})
    time.sleep(0.05)  # the worker is now drawing a = 1
    for a in (2, 3, 4):
        r.request({"a": a})
    gate.set()
    _wait_idle(r, lambda: len(shown) >= 1)
    assert calls == [1, 4] and shown == [b"png 4"]


def test_refresher_draws_ahead_and_shows_a_drawn_setting_without_drawing_again():
    from nnlab.explorer import Refresher

    drawn, shown = [], []

    def draw(values, cancelled):
        drawn.append(values["a"])
        return b"png %d" % values["a"]

    def ahead(values, previous):
        return [{"a": values["a"] - 1}, {"a": values["a"] + 1}]

    r = Refresher(draw, lambda v, png: shown.append(png), ahead=ahead, threaded=True)
    r.shown({"a": 5}, b"png 5")
    _wait_idle(r, lambda: len(drawn) == 2)
    assert drawn == [4, 6]
    r.request({"a": 6})  # drawn ahead: shown from memory
    _wait_idle(r, lambda: len(shown) == 1 and len(drawn) == 3)
    assert shown == [b"png 6"] and drawn == [4, 6, 7]  # then 7 ahead (5 was kept)
    r.request({"a": 5.0000000000001})  # the browser's arithmetic: the same setting
    _wait_idle(r, lambda: len(shown) == 2)
    assert shown[-1] == b"png 5" and drawn == [4, 6, 7]


def _guess_in_progress(*asked: int):
    """A threaded Refresher showing a = 0 whose drawing ahead of a = 1 is held until the
    reader has asked for each of ``asked``; returns the draw calls, the drawings given up,
    the images shown while the drawing was held, and all the images shown."""
    import threading

    from nnlab.explorer import Refresher

    started, gate, calls, gave_up, shown = threading.Event(), threading.Event(), [], [], []

    def draw(values, cancelled):
        calls.append(values["a"])
        if values["a"] == 1:  # the guess
            started.set()
            gate.wait(5)
            if cancelled():
                gave_up.append(1)
                return None
        return b"png %d" % values["a"]

    r = Refresher(
        draw,
        lambda v, png: shown.append(png),
        ahead=lambda v, p: [{"a": 1}] if v["a"] == 0 else [],
        threaded=True,
    )
    r.shown({"a": 0}, b"png 0")
    assert started.wait(5)
    for a in asked:
        r.request({"a": a})
    held = list(shown)
    gate.set()
    _wait_idle(r)
    return calls, gave_up, held, shown


def test_refresher_gives_up_a_drawing_ahead_when_a_request_arrives():
    calls, gave_up, _, shown = _guess_in_progress(9)
    assert gave_up == [1] and calls == [1, 9] and shown == [b"png 9"]


def test_refresher_finishes_a_drawing_ahead_that_the_reader_asks_for():
    calls, gave_up, _, shown = _guess_in_progress(1)
    assert not gave_up and calls == [1] and shown == [b"png 1"]  # drawn once


def test_refresher_shows_a_kept_image_at_once_while_the_worker_draws():
    """A request for a kept image does not wait behind a drawing ahead (the thread that
    receives it shows it), and a request it superseded is never drawn."""
    calls, gave_up, held, shown = _guess_in_progress(2, 0)  # 2 is not kept, 0 is
    assert held == [b"png 0"] and shown == [b"png 0"] and calls == [1]


def test_an_explorer_draws_ahead_only_while_the_one_moved_last_is_idle():
    import threading

    from nnlab.explorer import Refresher

    drawn, gate = {"a": [], "b": []}, threading.Event()

    def refresher(name):
        def draw(values, cancelled):
            drawn[name].append(values["x"])
            if name == "b":
                gate.wait(5)
            return b"png"

        return Refresher(
            draw, lambda v, png: None, ahead=lambda v, p: [{"x": v["x"] + 1}], threaded=True
        )

    a, b = refresher("a"), refresher("b")
    b.request({"x": 0})  # b, moved last, is drawing
    a.shown({"x": 0}, b"png")  # a has a guess, but waits for b
    time.sleep(0.3)
    assert drawn == {"a": [], "b": [0]}
    gate.set()
    _wait_idle(b, lambda: drawn["b"] == [0, 1])
    _wait_idle(a, lambda: drawn["a"] == [1])


def test_a_drawing_ahead_gives_way_when_another_explorer_is_moved():
    """Two explorers on a page: the reader moves one while the other draws ahead. The
    drawing ahead is given up at once (it would take half the CPU from the figure asked
    for) and drawn again once the moved explorer is idle."""
    import threading

    from nnlab.explorer import Refresher

    started, gate_b, gate_a = threading.Event(), threading.Event(), threading.Event()
    calls_b, gave_up = [], []

    def draw_b(values, cancelled):
        calls_b.append(values["x"])
        if len(calls_b) == 1:  # the first drawing of the guess x = 1 is held
            started.set()
            gate_b.wait(5)
            if cancelled():
                gave_up.append(values["x"])
                return None
        return b"png b"

    b = Refresher(
        draw_b,
        lambda v, png: None,
        ahead=lambda v, p: [{"x": 1}] if v["x"] == 0 else [],
        threaded=True,
    )
    b.shown({"x": 0}, b"png b")
    assert started.wait(5)
    a = Refresher(lambda v, c: gate_a.wait(5) and b"png a", lambda v, png: None, threaded=True)
    a.request({"x": 5})  # the reader moves a, whose figure takes a while
    gate_b.set()
    deadline = time.monotonic() + 5
    while not gave_up and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gave_up == [1] and calls_b == [1]
    gate_a.set()
    _wait_idle(a)
    _wait_idle(b, lambda: calls_b == [1, 1])
    assert b._images.get((("x", 1),)) == b"png b"


def test_with_no_reader_nothing_is_kept_or_drawn_ahead(monkeypatch):
    from nnlab.explorer import Refresher

    monkeypatch.setenv("NNLAB_LIVE_CACHE", "0")
    drawn = []
    r = Refresher(
        lambda v, c: drawn.append(v["a"]) or b"x",
        lambda v, png: None,
        ahead=lambda v, p: [{"a": v["a"] + 1}],
        threaded=True,
    )
    r.shown({"a": 1}, b"x")
    r.request({"a": 2})
    _wait_idle(r, lambda: drawn == [2])
    r.request({"a": 1})  # shown before, but not kept
    _wait_idle(r, lambda: drawn == [2, 1])


def test_without_a_kernel_nothing_is_drawn_ahead():
    from nnlab.explorer import Refresher

    drawn = []
    r = Refresher(
        lambda v, c: drawn.append(v) or b"x",
        lambda v, png: None,
        ahead=lambda v, p: [{"a": 2}],
        threaded=False,
    )
    r.shown({"a": 1}, b"x")
    r.request({"a": 3})
    assert drawn == [{"a": 3}]


def test_next_settings_are_one_key_press_away_the_last_move_first():
    from nnlab.explorer import ChoiceSlider, IntSlider, LogSlider

    ex = Explorer(
        lambda **v: None,
        [
            FloatSlider("rate", 0.5, min=0.0, max=1.0, step=0.1),
            LogSlider("lambd", 1e-2, min=1e-4, max=1.0, step=0.5),
            IntSlider("depth", 10, min=1, max=10),
            ChoiceSlider("beta", 0.9, options=(0.5, 0.9, 0.99)),
            Dropdown("kind", "x", options=["x", "y"]),
            Checkbox("bias", True, active=lambda v: v["kind"] == "y"),
        ],
    )
    v = ex.defaults()
    near = ex.next_settings(v)
    changed = [(n, s[n]) for s in near for n in s if s[n] != v[n]]
    assert changed == [
        ("rate", 0.4),
        ("rate", 0.6),
        ("lambd", pytest.approx(10**-2.5)),
        ("lambd", pytest.approx(10**-1.5)),
        ("depth", 9),  # 10 is the top of its range
        ("beta", 0.5),
        ("beta", 0.99),
    ]
    assert all(type(s["depth"]) is int for s in near)
    moved_up = ex.next_settings({**v, "beta": 0.99}, previous=v)
    assert [s["beta"] for s in moved_up[:1]] == [0.9]  # 0.99 is the top: only down
    moved_up = ex.next_settings({**v, "rate": 0.6}, previous=v)
    assert [s["rate"] for s in moved_up[:2]] == [0.7, 0.5]  # up again first
    moved_down = ex.next_settings({**v, "rate": 0.4}, previous=v)
    assert [s["rate"] for s in moved_down[:2]] == [0.3, 0.5]


def test_inactive_controls_are_greyed_out_and_choice_slider_steps_by_option():
    from nnlab.explorer import ChoiceSlider

    def update(kind, rate, beta):
        return _toy(1.0, kind, False, 3, 0.1)

    ex = Explorer(
        update,
        [
            Dropdown("kind", "x", options=["x", "y"]),
            FloatSlider("rate", 0.5, active=lambda v: v["kind"] == "y"),
            ChoiceSlider("beta", 0.9, options=(0.5, 0.9, 0.99, 0.999)),
        ],
    )
    box = ex.build()
    made = {
        c.description: c
        for row in box.children
        if hasattr(row, "children")
        for c in row.children
        if hasattr(c, "description")
    }
    assert made["rate"].disabled
    made["kind"].value = "y"
    assert not made["rate"].disabled
    assert list(made["beta"].options) == [
        ("0.5", 0.5),
        ("0.9", 0.9),
        ("0.99", 0.99),
        ("0.999", 0.999),
    ]
    assert ex.controls[2].test_values() == [0.5, 0.9, 0.999]
