"""The static players' grids and frames (scripts/nnlab_player): every explorer's grid is
within budget and holds each control's default and ends; a frame is the explorer's own
figure, palette-quantized; the player markup names every control."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from nnlab_player import frames as F
from nnlab_player.grid import (
    MAX_FRAMES,
    TARGET_FRAMES,
    d3_format,
    kind_of,
    plain,
    slider_values,
    static_grid,
)
from nnlab_player.sphinx_ext import PLACEHOLDER_RE, player_html

EXPLORERS = F.all_explorers()


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_static_grid_is_within_budget_and_holds_defaults_and_ends(name):
    explorer = EXPLORERS[name]
    grid = static_grid(explorer)
    assert 1 <= grid.size <= MAX_FRAMES, f"{name}: {grid.size} frames"
    assert grid.default_setting() == {c.name: plain(c.value) for c in explorer.controls}
    for control, static in zip(explorer.controls, grid.controls):
        assert static.name == control.name and static.values[static.default] == plain(control.value)
        assert len(static.readouts) == len(static.values)
        kind = kind_of(control)
        if static.pinned:
            assert static.values == [plain(control.value)]
            continue
        if kind in ("FloatSlider", "IntSlider", "LogSlider"):
            assert static.values == sorted(static.values)
            assert static.values[0] == plain(control.min) and static.values[-1] == plain(
                control.max
            )
            assert len(static.values) >= 3 or control.value in (control.min, control.max)
        elif kind == "Checkbox":
            assert static.values == [False, True]
    settings = grid.settings()
    assert len(settings) == grid.size
    assert [grid.index(s) for s in settings] == list(range(grid.size))
    json.dumps(settings)  # the manifest and the URL carry them as JSON


def test_the_whole_site_stays_within_the_frame_budget():
    # 60 MB at the ~30 KB a quantized frame takes at most
    total = sum(static_grid(e).size for e in EXPLORERS.values())
    assert total * 30_000 < 60_000_000, total


class _Ctl:
    def __init__(self, kind, name, value, **kw):
        self.__class__ = type(kind, (_Ctl,), {})
        self.name, self.value, self.description = name, value, kw.pop("description", "")
        self.label = self.description or name
        self.static = kw.pop("static", None)
        for k, v in kw.items():
            setattr(self, k, v)


class _Ex:
    def __init__(self, *controls):
        self.controls = list(controls)


def test_log_slider_values_are_log_spaced_with_ends_and_default():
    c = _Ctl("LogSlider", "lr", 0.01, min=1e-4, max=1.0, step=0.1, readout_format=".1e")
    vals = slider_values(c, 5)
    assert vals == [1e-4, 1e-3, 0.01, 0.1, 1.0]
    c.value = 0.015
    vals = slider_values(c, 5)
    assert vals[0] == 1e-4 and vals[-1] == 1.0 and 0.015 in vals and len(vals) == 5


def test_float_slider_values_snap_to_the_step_grid():
    c = _Ctl("FloatSlider", "beta", 0.9, min=0.5, max=0.999, step=0.001)
    vals = slider_values(c, 5)
    assert vals[0] == 0.5 and vals[-1] == 0.999 and 0.9 in vals and len(vals) == 5
    assert all(abs(round((v - 0.5) / 0.001) * 0.001 + 0.5 - v) < 1e-9 for v in vals)
    i = _Ctl("IntSlider", "n", 3, min=1, max=4, step=1)
    assert slider_values(i, 7) == [1, 2, 3, 4]


def test_automatic_grid_shrinks_sliders_then_pins_sliders_before_choices():
    ex = _Ex(
        _Ctl("Dropdown", "kind", "a", options=("a", "b", "c", "d")),
        *[_Ctl("FloatSlider", f"s{i}", 0.5, min=0.0, max=1.0, step=0.01) for i in range(5)],
    )
    grid = static_grid(ex, target=TARGET_FRAMES)
    assert grid.size <= TARGET_FRAMES
    assert not grid.controls[0].pinned and len(grid.controls[0].values) == 4
    assert grid.controls[-1].pinned  # the last slider goes first


def test_explicit_choices_pin_and_list():
    ex = _Ex(
        _Ctl("LogSlider", "lr", 0.1, min=1e-3, max=1.0, step=0.1, static=(1e-3, 0.1, 1.0)),
        _Ctl("IntSlider", "steps", 100, min=10, max=400, step=10, static="pin"),
        _Ctl("Checkbox", "flag", False),
    )
    grid = static_grid(ex)
    assert [c.values for c in grid.controls] == [[1e-3, 0.1, 1.0], [100], [False, True]]
    assert grid.controls[1].pinned and grid.size == 6
    with pytest.raises(ValueError, match="default"):
        static_grid(_Ex(_Ctl("FloatSlider", "a", 0.5, min=0, max=1, step=0.1, static=(0, 1))))
    with pytest.raises(ValueError, match="both ends"):
        static_grid(_Ex(_Ctl("FloatSlider", "a", 0.5, min=0, max=1, step=0.1, static=(0, 0.5))))


def test_readouts_follow_d3_format_like_the_live_sliders():
    assert d3_format(".1e", 1e-4) == "1.0e-4"
    assert d3_format(".0e", 1e-12) == "1e-12"
    assert d3_format(".3g", 0.001) == "0.00100"
    assert d3_format(".3g", 10.0) == "10.0"
    assert d3_format(".2f", 0.9) == "0.90"
    assert d3_format("d", 7) == "7"


def test_frame_is_the_explorers_figure_quantized(tmp_path):
    """Drawing a frame through the worker gives quantize(explorer.png(setting)), and the
    quantized picture stays close to the full-colour one."""
    key = sorted(EXPLORERS)[0]
    explorer = EXPLORERS[key]
    p = F.plan(key, explorer)
    setting = p.grid.settings()[-1]
    rkey = p.render_keys[-1]
    F._render_chunk(key, [(setting, rkey)], str(tmp_path))
    on_disk = F.cache_path(tmp_path, rkey).read_bytes()
    png = explorer.png(**setting)
    assert np.array_equal(F.pixels(on_disk), F.pixels(F.quantize_png(png)))
    diff = np.abs(F.pixels(on_disk).astype(int) - F.pixels(png).astype(int))
    assert diff.mean() < 3.0
    assert len(on_disk) < len(png)


def test_render_key_changes_with_setting_and_code_only():
    key, explorer = next(iter(sorted(EXPLORERS.items())))
    fp = F.explorer_fingerprint(key, explorer)
    assert fp == F.explorer_fingerprint(key, explorer)
    s = static_grid(explorer).default_setting()
    assert F.render_key(fp, s) != F.render_key(fp + "x", s)
    other = dict(s)
    name = explorer.controls[0].name
    other[name] = "something else"
    assert F.render_key(fp, s) != F.render_key(fp, other)
    deps = F.nnlab_dependencies(explorer.update.__module__)
    assert explorer.update.__module__ in deps and "nnlab" in deps


def test_player_markup_names_every_control_and_holds_its_manifest():
    ex = _Ex(
        _Ctl(
            "FloatSlider",
            "beta",
            0.9,
            min=0.5,
            max=0.999,
            step=0.001,
            description="β",
            readout_format=".3f",
        ),
        _Ctl("Checkbox", "bias_correction", False, description="bias correction"),
        _Ctl("Dropdown", "view", "whole year", options=("whole year", "first 60 days")),
        _Ctl("IntSlider", "steps", 100, min=10, max=400, step=10, static="pin"),
    )
    grid = static_grid(ex)
    manifest = {
        "key": "t.ex",
        "title": "T <1>",
        "controls": grid.to_json(),
        "frames": [f"{i}.png" for i in range(grid.size)],
        "width": 10,
        "height": 5,
    }
    text = player_html(manifest, "../_static/player/t.ex/", "player-t-ex", "t.ex")
    for c in ex.controls:
        assert f'name="{c.name}"' in text
    assert text.count("<img") == 1 and "T &lt;1&gt;" in text
    default = grid.index(grid.default_setting())
    assert f'src="../_static/player/t.ex/{default}.png"' in text
    assert "launch to change this" in text and f"{grid.size} settings" in text
    m = re.search(r'data-setting="([^"]+)"', text)
    assert json.loads(m.group(1).replace("&quot;", '"')) == grid.default_setting()
    assert PLACEHOLDER_RE.search('<div class="nnlab-player" data-explorer="a.b"><p>x</p></div>')
