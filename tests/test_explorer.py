"""Every Explorer of the chapter companions (nnlab.chapters), swept over its controls with warnings as errors.

Explorers are found automatically (``all_explorers``), so a new widget is tested the
moment its module exists: each setting in ``test_settings()`` (defaults, every control at
both ends of its range, the two corners, random mixes) must return a figure without
raising and without a single warning.
"""
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
from nnlab.plots import figure_to_png, new_figure

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
    return Explorer(_toy, [FloatSlider("a", 1.0, min=0.0, max=2.0),
                           Dropdown("kind", "x", options=["x", "y"]),
                           Checkbox("flag", False), IntSlider("n", 5, min=2, max=9),
                           LogSlider("lr", 0.1, min=1e-3, max=10.0)], title="toy")


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


def test_build_wires_sliders_to_the_image():
    box = make_toy().build()
    image = next(c for c in box.children if type(c).__name__ == "Image")
    first = image.value
    slider = next(c for row in box.children if hasattr(row, "children")
                  for c in row.children if getattr(c, "description", "") == "a")
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
