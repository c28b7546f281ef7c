"""The static grid of an explorer: the handful of values each control takes on the site.

The player on the static site can only show figures drawn at build time, so each control
gets a bounded list of values (its *static values*):

- a ``Checkbox`` both states, a ``Dropdown`` every option;
- a ``FloatSlider`` / ``IntSlider`` evenly spaced values on its step grid, a ``LogSlider``
  log-spaced ones (evenly spaced exponents), always with both ends and the default;
- a control may be *pinned* to its default (greyed on the page, "launch to change this").

An explorer chooses with the control's ``static`` attribute: ``None`` (automatic), an int
``n`` (n values for a slider), a sequence of values (holding the default, and a slider's
both ends), or ``"pin"``.
Automatic grids start sliders at :data:`SLIDER_VALUES` values and shrink the largest
slider (never below its ends and default), then pin controls (sliders before choices,
later before earlier) and give the other sliders values back, until the grid holds at
most :data:`TARGET_FRAMES` settings. An explicit choice may go up to
:data:`MAX_FRAMES`. Nothing here imports ipywidgets or the controls' classes: a control
is read by its class name and attributes, so the grid survives library re-layouts.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any

MAX_FRAMES = 150  # hard limit per explorer (tests enforce it)
TARGET_FRAMES = 36  # what an automatic grid aims for (frames cost 0.1-0.3 s each to draw)
SLIDER_VALUES = 5  # values an automatic slider starts with
PIN = "pin"
SLIDER_KINDS = ("FloatSlider", "IntSlider", "LogSlider")
# a ChoiceSlider plays as a slider over its few chosen values, every one of them
KINDS = SLIDER_KINDS + ("ChoiceSlider", "Dropdown", "Checkbox")


def kind_of(control) -> str:
    for cls in type(control).__mro__:
        if cls.__name__ in KINDS:
            return cls.__name__
    raise TypeError(f"{control!r}: unknown control kind {type(control).__name__}")


def plain(value):
    """A JSON-able Python scalar (NumPy scalars become int/float/bool)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return value


def _clean_float(x: float) -> float:
    return float(f"{x:.12g}")


def d3_format(fmt: str, value) -> str:
    """Format like the d3-format spec ipywidgets uses for slider readouts
    (``.2f``, ``.1e``, ``.3g``, ``d``)."""
    if isinstance(value, bool):
        return str(value)
    fmt = fmt or ".2f"
    kind = fmt[-1]
    if kind == "d":
        return str(int(round(value)))
    if kind == "g":  # d3's g is toPrecision: trailing zeros kept
        text = format(value, "#" + fmt)
        if text.endswith("."):
            text = text[:-1]
    else:
        text = format(value, fmt)
    if "e" in text:  # JavaScript writes 1.0e-4 / 1.0e+1, Python 1.0e-04 / 1.0e+01
        mant, exp = text.split("e")
        sign = "-" if exp.startswith("-") else "+"
        text = f"{mant}e{sign}{int(exp.lstrip('+-'))}"
    return text


def _readout(control, kind, value) -> str:
    if kind == "Checkbox":
        return "on" if value else "off"
    if kind == "Dropdown":
        return str(value)
    if kind == "IntSlider":
        return str(int(value))
    if kind == "ChoiceSlider":
        return format(value, getattr(control, "readout_format", "g"))
    return d3_format(getattr(control, "readout_format", ".2f"), value)


def _options(control) -> list[tuple[str, Any]]:
    out = []
    for opt in control.options:
        if isinstance(opt, tuple) and len(opt) == 2 and isinstance(opt[0], str):
            out.append((opt[0], plain(opt[1])))
        else:
            out.append((str(opt), plain(opt)))
    return out


def _spaced(lo_k: int, hi_k: int, n: int) -> set[int]:
    if hi_k - lo_k + 1 <= n:
        return set(range(lo_k, hi_k + 1))
    return {lo_k + round(i * (hi_k - lo_k) / (n - 1)) for i in range(n)}


def slider_values(control, n: int) -> list:
    """``n`` evenly spaced values of a slider's step grid (log-spaced for a LogSlider),
    plus the default; both ends always included."""
    kind = kind_of(control)
    default = plain(control.value)
    if kind == "LogSlider":
        e_lo, e_hi = math.log10(control.min), math.log10(control.max)
        K = max(1, round((e_hi - e_lo) / control.step))
        vals = {_clean_float(10 ** (e_lo + k * (e_hi - e_lo) / K)) for k in _spaced(0, K, n)}
        vals |= {plain(control.min), plain(control.max)}
    elif kind == "IntSlider":
        step = int(control.step) or 1
        K = (int(control.max) - int(control.min)) // step
        vals = {int(control.min) + k * step for k in _spaced(0, K, n)} | {int(control.max)}
    else:
        K = max(1, round((control.max - control.min) / control.step))
        vals = {_clean_float(control.min + k * control.step) for k in _spaced(0, K, n)}
        vals |= {plain(control.min), plain(control.max)}
    # the default takes the place of the interior grid value nearest to it (keeps n values)
    vals = sorted(vals)
    if default not in vals:
        interior = vals[1:-1]
        if interior and n > 2:
            scale = (lambda v: math.log10(v)) if kind == "LogSlider" else (lambda v: v)
            vals.remove(min(interior, key=lambda v: abs(scale(v) - scale(default))))
        vals.append(default)
    return sorted(vals)


def min_count(control) -> int:
    return len({plain(control.min), plain(control.value), plain(control.max)})


@dataclass
class StaticControl:
    """One control as the player shows it."""

    name: str
    label: str
    kind: str
    values: list
    readouts: list[str]
    default: int  # index of the default value
    pinned: bool = False

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "values": self.values,
            "readouts": self.readouts,
            "default": self.default,
            "pinned": self.pinned,
        }


@dataclass
class Grid:
    """The settings an explorer's player holds: the product of its controls' values,
    enumerated in mixed-radix order (first control most significant)."""

    controls: list[StaticControl]
    strides: list[int] = field(init=False)

    def __post_init__(self):
        self.strides, s = [], 1
        for c in reversed(self.controls):
            self.strides.insert(0, s)
            s *= len(c.values)

    @property
    def size(self) -> int:
        return math.prod(len(c.values) for c in self.controls)

    def default_setting(self) -> dict:
        return {c.name: c.values[c.default] for c in self.controls}

    def settings(self) -> list[dict]:
        return [
            dict(zip([c.name for c in self.controls], combo))
            for combo in itertools.product(*(c.values for c in self.controls))
        ]

    def index(self, setting: dict) -> int:
        """Position of ``setting`` in :meth:`settings` (KeyError/ValueError if off the grid)."""
        return sum(c.values.index(setting[c.name]) * s for c, s in zip(self.controls, self.strides))

    def to_json(self) -> list[dict]:
        return [c.to_json() for c in self.controls]


def _choice(control):
    return getattr(control, "static", None)


def static_grid(explorer, target: int = TARGET_FRAMES) -> Grid:
    """The static grid of ``explorer`` (see the module docstring for the rules)."""
    controls = list(explorer.controls)
    values: dict[str, list] = {}
    auto_sliders = []
    for c in controls:
        kind, choice, default = kind_of(c), _choice(c), plain(c.value)
        if choice == PIN or choice is False:
            values[c.name] = [default]
        elif isinstance(choice, (list, tuple)):
            vals = [plain(v) for v in choice]
            if default not in vals:
                raise ValueError(
                    f"{c.name}: static values {vals} must hold the default {default!r}"
                )
            if kind in SLIDER_KINDS and not {plain(c.min), plain(c.max)} <= set(vals):
                raise ValueError(
                    f"{c.name}: static values {vals} must hold both ends "
                    f"{plain(c.min)!r} and {plain(c.max)!r}"
                )
            values[c.name] = sorted(vals) if kind in SLIDER_KINDS else vals
        elif kind == "Checkbox":
            values[c.name] = [False, True]
        elif kind == "Dropdown":
            values[c.name] = [v for _, v in _options(c)]
        elif kind == "ChoiceSlider":
            values[c.name] = [plain(v) for v in c.options]
        elif isinstance(choice, int):
            values[c.name] = slider_values(c, choice)
        else:
            values[c.name] = slider_values(c, SLIDER_VALUES)
            auto_sliders.append(c)
    auto_pinnable = [c for c in controls if _choice(c) is None]
    if len(auto_pinnable) < len(controls):  # the author chose: up to the hard limit
        target = max(target, MAX_FRAMES)

    def size():
        return math.prod(len(v) for v in values.values())

    counts = {c.name: SLIDER_VALUES for c in auto_sliders}
    pinned: set[str] = set()
    while size() > target:
        shrinkable = [
            c for c in auto_sliders if counts[c.name] > min_count(c) and len(values[c.name]) > 1
        ]
        if shrinkable:
            c = max(shrinkable, key=lambda c: (len(values[c.name]), controls.index(c)))
            counts[c.name] -= 1
            values[c.name] = slider_values(c, counts[c.name])
            continue
        # pin sliders before choices (a dropdown often says what the figure is about),
        # later controls before earlier ones, larger before smaller
        free = [c for c in auto_pinnable if len(values[c.name]) > 1]
        if not free:
            break
        c = max(free, key=lambda c: (kind_of(c) in SLIDER_KINDS, controls.index(c)))
        values[c.name] = [plain(c.value)]
        pinned.add(c.name)
    # a pin may leave room: give the remaining sliders values back, fewest first
    while True:
        growable = [
            c for c in auto_sliders if c.name not in pinned and counts[c.name] < SLIDER_VALUES
        ]
        for c in sorted(growable, key=lambda c: (counts[c.name], controls.index(c))):
            before = values[c.name]
            values[c.name] = slider_values(c, counts[c.name] + 1)
            if size() <= target and len(values[c.name]) > len(before):
                counts[c.name] += 1
                break
            values[c.name] = before
        else:
            break
    result = []
    for c in controls:
        kind = kind_of(c)
        vals = values[c.name]
        if kind == "Dropdown":
            labels = dict((v_json(v), lab) for lab, v in _options(c))
            readouts = [labels.get(v_json(v), str(v)) for v in vals]
        else:
            readouts = [_readout(c, kind, v) for v in vals]
        result.append(
            StaticControl(
                name=c.name,
                label=getattr(c, "label", None) or c.description or c.name,
                kind=kind,
                values=vals,
                readouts=readouts,
                default=vals.index(plain(c.value)),
                pinned=len(vals) == 1
                and (_choice(c) in (PIN, False) or kind != "Dropdown" or len(_options(c)) > 1),
            )
        )
    return Grid(result)


def v_json(v) -> str:
    return json.dumps(v)


def setting_json(setting: dict) -> str:
    """The canonical text of a setting (control order kept): part of a frame's cache key."""
    return json.dumps(setting, ensure_ascii=False, separators=(",", ":"))
