"""Interactive explorers: a plain update function plus the controls that drive it.

Every widget in the book is an :class:`Explorer`. Its ``update(**values)`` is an
ordinary function that returns a matplotlib ``Figure``, so tests and the benchmark
call it without a browser; ``build()`` wraps it in ipywidgets for the notebook.

Each chapter's companion module (``nnlab.chapters.practical.regularization`` …) defines
its explorers at module level and a one-line builder the chapter calls, e.g.::

    from nnlab.chapters.practical.regularization import regularization_widget
    regularization_widget()

:func:`all_explorers` finds every explorer of every companion; the test suite
sweeps each one over its control ranges and the benchmark times each one.

On the static site (no kernel) every explorer is a *player*: ``build()``'s output also
carries a ``text/html`` placeholder naming the explorer, which the book turns into
controls stepping through frames drawn at build time by ``png`` for a handful of values
per control (``scripts/nnlab_player``). A control's ``static`` chooses those values:
``None`` (automatic), ``n`` (n values of a slider), a list of values, or ``"pin"``
(held at the default, greyed with "launch to change this").
"""

from __future__ import annotations

import functools
import html
import importlib
import os
import pkgutil
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from nnlab.cancellation import Cancelled, cancellable
from nnlab.checks import DivergenceError
from nnlab.plots import figure_to_png, message_figure

# What a front end without widgets shows; the book's html builder prefers it to the
# widget view and replaces it with the player (scripts/nnlab_player).
PLAYER_PLACEHOLDER = (
    '<div class="nnlab-player" data-explorer="{key}"><p><i>{title}: an interactive '
    "explorer. Run this notebook with a Python kernel to move its controls.</i></p></div>"
)

# Control layout. ipywidgets gives a control 300 px in all, description included, so a
# long description left a slider a 16 px track. A slider takes at least 420 px and grows
# with its row (rows wrap), its description sized to its text: next to a 30-character
# description and its readout the track keeps >= 150 px at a 1280 px window.
SLIDER_LAYOUT = {"flex": "1 1 420px", "min_width": "420px", "max_width": "640px"}
DESCRIPTION = {"description_width": "initial"}


@dataclass
class Control:
    """One input of an explorer: ``name`` is the keyword passed to ``update``."""

    name: str
    value: Any
    description: str = ""
    # ``active(values) -> bool``: whether the control changes the figure at these values
    # (e.g. a staircase's step only for the staircase schedule). An inactive control is
    # greyed out, so no key press on it seems to do nothing.
    active: Callable[[dict], bool] | None = field(default=None, kw_only=True, compare=False)
    # values on the static site's player: None (automatic), n, a list, or "pin"
    static: Any = field(default=None, kw_only=True)

    def test_values(self) -> list:
        """Values the test suite tries: both ends of the range and the default."""
        raise NotImplementedError

    def make(self):
        raise NotImplementedError

    def neighbours(self, value) -> list:
        """The values one key press away (down first); none for a dropdown or checkbox,
        which a reader changes with the mouse."""
        return []

    @property
    def label(self) -> str:
        return self.description or self.name


def _slider(kind: str, control: Control, **settings):
    """The ipywidgets slider ``kind`` for ``control``, laid out as every slider of the book
    (``SLIDER_LAYOUT``) and redrawn on release or key press, not while dragging."""
    import ipywidgets as w

    return getattr(w, kind)(
        value=control.value,
        description=control.label,
        continuous_update=False,
        style=DESCRIPTION,
        layout=w.Layout(**SLIDER_LAYOUT),
        **settings,
    )


@dataclass
class FloatSlider(Control):
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01
    readout_format: str = ".2f"

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def neighbours(self, value):
        return _grid_neighbours(value, self.min, self.max, self.step)

    def make(self):
        return _slider(
            "FloatSlider",
            self,
            min=self.min,
            max=self.max,
            step=self.step,
            readout_format=self.readout_format,
        )


@dataclass
class LogSlider(Control):
    """A slider whose position is ``log10(value)``: for rates, ``lambd``, ``epsilon``."""

    min: float = 1e-4
    max: float = 1.0
    step: float = 0.1  # in decades
    readout_format: str = ".1e"

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def neighbours(self, value):
        lo, hi = np.log10(self.min), np.log10(self.max)
        return [10.0**e for e in _grid_neighbours(np.log10(value), lo, hi, self.step)]

    def make(self):
        return _slider(
            "FloatLogSlider",
            self,
            base=10,
            min=np.log10(self.min),
            max=np.log10(self.max),
            step=self.step,
            readout_format=self.readout_format,
        )


@dataclass
class IntSlider(Control):
    min: int = 0
    max: int = 10
    step: int = 1

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def neighbours(self, value):
        return _grid_neighbours(value, self.min, self.max, self.step)

    def make(self):
        return _slider("IntSlider", self, min=self.min, max=self.max, step=self.step)


@dataclass
class Dropdown(Control):
    options: Sequence = ()

    def test_values(self):
        return list(self.options)

    def make(self):
        import ipywidgets as w

        return w.Dropdown(
            options=list(self.options),
            value=self.value,
            description=self.label,
            style=DESCRIPTION,
            layout=w.Layout(width="auto"),
        )


@dataclass
class Checkbox(Control):
    def test_values(self):
        return [False, True]

    def make(self):
        import ipywidgets as w

        return w.Checkbox(value=self.value, description=self.label, indent=False)


@dataclass
class ChoiceSlider(Control):
    """A slider over a few chosen values, one key press per value: for a β or a momentum
    that matters from 0.5 to 0.999, where a 0.001 step moved the figure imperceptibly and
    a reader needed hundreds of presses to cross the range."""

    options: Sequence[float] = ()
    readout_format: str = "g"

    def test_values(self):
        return sorted({self.options[0], self.value, self.options[-1]})

    def neighbours(self, value):
        i = next((k for k, o in enumerate(self.options) if _same_option(value, o)), None)
        if i is None:
            return []
        return [self.options[k] for k in (i - 1, i + 1) if 0 <= k < len(self.options)]

    def make(self):
        options = [(format(v, self.readout_format), v) for v in self.options]
        return _slider("SelectionSlider", self, options=options)


class Refresher:
    """Shows the newest setting; in a kernel, draws on a worker thread and draws ahead.

    ``draw(values, cancelled) -> bytes | None`` makes the image of a setting (it may give up
    and return None once ``cancelled()`` is true); ``show(values, image)`` puts it on
    screen; ``ahead(values, previous) -> [values, ...]`` lists the settings one key press
    away, the likeliest first.

    In a running kernel the drawing happens on one worker thread, so the kernel keeps
    reading slider messages meanwhile: settings superseded while a figure was being drawn
    (quick key presses, a key held down) are skipped instead of drawn one after the other,
    and an image finished after a newer one was shown is not shown. The last ``keep``
    images are kept, and while the reader looks at a figure the worker draws the settings
    one key press away, so that the next press usually finds its image ready instead of
    waiting a few hundred milliseconds for matplotlib: a kept image is shown at once, by
    the thread that received the request, even while the worker is drawing. A drawing
    ahead gives way as soon as another setting is asked for. Without a kernel (tests,
    scripts) every request is drawn and shown at once and nothing is drawn ahead.
    """

    def __init__(
        self,
        draw: Callable[[dict, Callable[[], bool]], bytes | None],
        show: Callable[[dict, bytes], None],
        ahead: Callable[[dict, dict | None], list[dict]] | None = None,
        threaded: bool | None = None,
        keep: int = 64,
    ):
        self.draw, self.show, self.ahead = draw, show, ahead
        self.threaded = _in_kernel() if threaded is None else threaded
        # NNLAB_LIVE_CACHE=0: no reader to draw ahead for (the build and nbval execute the
        # notebooks; the Makefile sets it), or bench.py --no-cache measuring the way without.
        if os.environ.get("NNLAB_LIVE_CACHE", "1") == "0":
            self.ahead, keep = None, 0
        self.keep = keep
        self.drawn = 0  # images drawn, ahead or on request (the tests count them)
        self._images: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()  # guards everything below
        self._on_screen = threading.Lock()  # one show at a time, the newest request last
        self._asked = 0  # requests so far: the newest one is the only one to show
        self._pending: tuple[int, dict] | None = None
        self._guesses: list[dict] = []
        self._shown: dict | None = None
        self._busy = False

    # The explorer the reader moved last: the others draw ahead only while it is idle
    # (their guesses would take the CPU from it).
    active: Refresher | None = None

    def request(self, values: dict) -> None:
        if not self.threaded:
            self._draw_and_show(values, self._asked)
            return
        Refresher.active = self
        with self._lock:
            self._asked += 1
            asked = self._asked
            image = self._images.get(_setting_key(values))
            self._pending = None if image is not None else (asked, values)
            self._guesses = []
        if image is not None:
            self._show(values, image, asked)
        self._wake()

    def shown(self, values: dict, image: bytes) -> None:
        """Record an image put on screen outside the worker (the first one); draw ahead."""
        self._keep(values, image)
        self._after_show(values)
        self._wake()

    def _wake(self) -> None:
        if not self.threaded:
            return
        with self._lock:
            if self._busy or (self._pending is None and not self._guesses):
                return
            self._busy = True
        threading.Thread(target=self._work, daemon=True).start()

    def _draw_and_show(self, values: dict, asked: int) -> None:
        image = self._images.get(_setting_key(values))
        if image is None:
            image = self.draw(values, lambda: False)
            self.drawn += 1
            self._keep(values, image)
        self._show(values, image, asked)

    def _show(self, values: dict, image: bytes, asked: int) -> None:
        with self._on_screen:
            if asked != self._asked:  # a newer request came meanwhile
                return
            self.show(values, image)
            self._after_show(values)

    def _after_show(self, values: dict) -> None:
        previous, self._shown = self._shown, values
        if self.threaded and self.ahead is not None:
            with self._lock:
                if self._pending is None:
                    self._guesses = list(self.ahead(values, previous))

    def _asked_other_than(self, guess: dict) -> bool:
        """Whether a request for another setting than ``guess`` is waiting (a request for
        the guess itself lets its drawing finish: it is what the reader asked for), or the
        explorer the reader moved last is drawing."""
        pending = self._pending
        if pending is not None and _setting_key(pending[1]) != _setting_key(guess):
            return True
        return self._other_is_busy()

    def _other_is_busy(self) -> bool:
        other = Refresher.active
        return other is not None and other is not self and other._busy

    def _keep(self, values: dict, image: bytes) -> None:
        if not self.keep:
            return
        key = _setting_key(values)
        with self._lock:
            self._images[key] = image
            self._images.move_to_end(key)
            while len(self._images) > self.keep:
                self._images.popitem(last=False)

    def _work(self) -> None:
        while True:
            if self._pending is None and self._other_is_busy():
                time.sleep(0.05)
                continue
            with self._lock:
                pending, guess = self._pending, None
                self._pending = None
                if pending is None:
                    while self._guesses and guess is None:
                        g = self._guesses.pop(0)
                        if _setting_key(g) not in self._images:
                            guess = g
                    if guess is None:
                        self._busy = False
                        return
            try:
                if pending is not None:
                    self._draw_and_show(pending[1], pending[0])
                    continue
                image = self.draw(guess, lambda: self._asked_other_than(guess))
                if image is not None:
                    self.drawn += 1
                    self._keep(guess, image)
                    continue
                with self._lock:
                    if self._pending is None:  # gave way to another explorer: later again
                        self._guesses.insert(0, guess)
            except Exception:  # a bug in an update must not kill the worker silently
                import traceback

                traceback.print_exc()


def _setting_key(values: dict) -> tuple:
    """A setting as a dict key. A float is rounded to 10 significant digits: the browser
    computes a slider's next value (0.9 + 0.01, 10 ** -2.9) in its own arithmetic, which
    may differ from Python's in the last bit."""

    def rounded(v):
        if isinstance(v, (float, np.floating)):
            return float(f"{float(v):.10g}")
        return v

    return tuple(sorted((k, rounded(v)) for k, v in values.items()))


def _grid_neighbours(value, lo, hi, step) -> list:
    """``value`` one ``step`` down and up on the grid ``lo + k * step`` (as the slider
    moves), within ``[lo, hi]``."""
    k = round((value - lo) / step)
    near = [lo + j * step for j in (k - 1, k + 1)]
    near = [v for v in near if lo - 1e-9 * step <= v <= hi + 1e-9 * step]
    return [int(v) if isinstance(value, (int, np.integer)) else round(v, 12) for v in near]


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@dataclass
class Explorer:
    """An update function and its controls.

    ``update(**values) -> Figure`` must accept one keyword per control. It may raise
    :class:`~nnlab.checks.DivergenceError`; the explorer then shows the message.
    """

    update: Callable[..., Figure]
    controls: list[Control]
    title: str = ""
    columns: int = 3  # controls per row
    _registry_name: str = field(default="", repr=False)

    def defaults(self) -> dict:
        return {c.name: c.value for c in self.controls}

    def figure(self, **values) -> Figure:
        """``update`` with the defaults filled in; a diverged run becomes a message, and so
        does a value that no control can take (outside a slider's range, not among a
        dropdown's options, an unknown name): the message names the control and its range
        (the figure's ``bad_value_message`` holds it)."""
        problem = _bad_value(self.controls, values)
        if problem:
            fig = message_figure(problem, self.title)
            fig.bad_value_message = problem
            return fig
        kwargs = {**self.defaults(), **values}
        try:
            return self.update(**kwargs)
        except DivergenceError as err:
            return message_figure(str(err), self.title)

    def png(self, **values) -> bytes:
        return figure_to_png(self.figure(**values))

    def snapshot(self, **values):
        """A static image for a given setting (for figures in the text)."""
        from IPython.display import Image

        return Image(data=self.png(**values), format="png")

    def test_settings(self, n_random: int = 3, seed: int = 0) -> list[dict]:
        """Settings the tests try: the defaults, each control over its test values
        with the others at default, the all-low and all-high corners, and a few random mixes."""
        base = self.defaults()
        settings = [dict(base)]
        for c in self.controls:
            for v in c.test_values():
                settings.append({**base, c.name: v})
        settings.append({c.name: c.test_values()[0] for c in self.controls})
        settings.append({c.name: c.test_values()[-1] for c in self.controls})
        rng = np.random.default_rng(seed)
        for _ in range(n_random):
            settings.append(
                {c.name: c.test_values()[rng.integers(len(c.test_values()))] for c in self.controls}
            )
        unique = []
        for s in settings:
            if s not in unique:
                unique.append(s)
        return unique

    def next_settings(self, values: dict, previous: dict | None = None) -> list[dict]:
        """The settings one key press away from ``values``: each slider that is not greyed
        out one step down and up. The slider moved last (from ``previous``) comes first,
        the direction it moved in first."""
        moved = {
            c.name: values[c.name] > previous[c.name]
            for c in self.controls
            if previous
            and not _same_option(values[c.name], previous.get(c.name))
            and isinstance(values[c.name], (int, float, np.integer, np.floating))
        }
        out = []
        for c in sorted(self.controls, key=lambda c: c.name not in moved):
            if c.active is not None and not c.active(values):
                continue
            near = c.neighbours(values[c.name])
            if moved.get(c.name):  # moved up: up again is likelier
                near = near[::-1]
            out += [{**values, c.name: v} for v in near]
        return out

    @property
    def key(self) -> str:
        """This explorer's key in :func:`all_explorers` (``"optimization.ewa.ewa_explorer"``)."""
        module = sys.modules.get(getattr(self.update, "__module__", ""), None)
        for attr, obj in vars(module).items() if module else ():
            if obj is self and module.__name__.startswith(_CHAPTERS):
                return f"{module.__name__[len(_CHAPTERS) :]}.{attr}"
        return next((k for k, e in all_explorers().items() if e is self), "")

    def build(self):
        """The ipywidgets box: controls and the figure as an image. Its mime bundle also
        holds a ``text/html`` placeholder that the static site turns into a player."""
        import ipywidgets as w

        made = {c.name: c.make() for c in self.controls}
        image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))

        def draw(values, cancelled):
            try:  # the library's long loops and each panel drawn check cancelled()
                with cancellable(cancelled):
                    return figure_to_png(self.figure(**values))
            except Cancelled:
                return None

        def show(values, png):
            for c in self.controls:
                if c.active is not None:
                    made[c.name].disabled = not c.active(values)
            image.value = png

        refresher = Refresher(draw, show, ahead=self.next_settings)

        def refresh(_change=None):
            refresher.request({n: m.value for n, m in made.items()})

        for m in made.values():
            m.observe(refresh, names="value")
        first = {n: m.value for n, m in made.items()}
        show(first, self.png(**first))  # the first image, before the cell ends
        refresher.shown(first, image.value)
        boxes = list(made.values())
        wrap = w.Layout(flex_flow="row wrap")  # a narrow notebook wraps, never scrolls
        rows = [
            w.HBox(boxes[i : i + self.columns], layout=wrap)
            for i in range(0, len(boxes), self.columns)
        ]
        header = [w.HTML(f"<b>{self.title}</b>")] if self.title else []
        box = _explorer_box()(header + rows + [image])
        box.player_html = PLAYER_PLACEHOLDER.format(
            key=html.escape(self.key, quote=True), title=html.escape(self.title or "Explorer")
        )
        return box


_CHAPTERS = "nnlab.chapters."


@functools.cache
def _explorer_box():
    """``ExplorerBox``: a VBox whose mime bundle adds the player placeholder as
    ``text/html``. JupyterLab, Colab and thebe render the widget view (they rank it first);
    the book's html builder takes the placeholder (``nb_mime_priority_overrides``)."""
    import ipywidgets as w

    class ExplorerBox(w.VBox):
        player_html = ""

        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs)
            if data is not None and self.player_html:
                data["text/html"] = self.player_html
            return data

    return ExplorerBox


def _same_option(v, o) -> bool:
    number = (int, float, np.integer, np.floating)
    if isinstance(v, number) and isinstance(o, number):
        return not isinstance(v, (bool, np.bool_)) and bool(v == o)
    return v is o or (type(v) is type(o) and v == o)


def _bad_value(controls: Sequence[Control], values: dict) -> str:
    """Why ``values`` cannot be set on ``controls`` ("" if they can)."""
    by_name = {c.name: c for c in controls}
    for name, v in values.items():
        c = by_name.get(name)
        if c is None:
            return f"{name} is not a control of this explorer (controls: {', '.join(by_name)})"
        if isinstance(c, (FloatSlider, LogSlider, IntSlider)):
            integer = isinstance(c, IntSlider)
            ok_type = isinstance(
                v, (int, np.integer) if integer else (int, float, np.integer, np.floating)
            ) and not isinstance(v, (bool, np.bool_))
            if not ok_type or not np.isfinite(v):
                kind = "an integer" if integer else "a finite number"
                return f"{name} must be {kind} in [{c.min:g}, {c.max:g}], got {v!r}"
            slack = 1e-9 * (abs(c.max) + abs(c.min))
            if not c.min - slack <= v <= c.max + slack:
                return f"{name} must be in [{c.min:g}, {c.max:g}] (the control's range), got {v!r}"
        elif isinstance(c, (Dropdown, ChoiceSlider)):
            if not any(_same_option(v, o) for o in c.options):
                return f"{name} must be one of {', '.join(map(repr, c.options))}, got {v!r}"
        elif isinstance(c, Checkbox) and not isinstance(v, (bool, np.bool_)):
            return f"{name} must be True or False, got {v!r}"
    return ""


def all_explorers() -> dict[str, Explorer]:
    """Every module-level :class:`Explorer` of the chapter companions (``nnlab.chapters``),
    keyed by the module path below ``nnlab.chapters`` and the attribute name, e.g.
    ``"optimization.ewa.ewa_explorer"``."""
    import nnlab.chapters

    found = {}
    prefix = nnlab.chapters.__name__ + "."
    for info in pkgutil.walk_packages(nnlab.chapters.__path__, prefix):
        module = importlib.import_module(info.name)
        for attr, obj in vars(module).items():
            if isinstance(obj, Explorer):
                found[f"{info.name[len(prefix) :]}.{attr}"] = obj
    return found
