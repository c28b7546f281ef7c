"""Interactive explorers: a plain update function plus the controls that drive it.

Every widget in the book is an :class:`Explorer`. Its ``update(**values)`` is an
ordinary function that returns a matplotlib ``Figure``, so tests and the benchmark
call it without a browser; ``build()`` wraps it in ipywidgets for the notebook.

Each topic module (``nnlab.widgets.regularization`` …) defines its explorers at
module level and a one-line builder the chapter calls, e.g.::

    from nnlab.widgets.regularization import regularization_widget
    regularization_widget()

:func:`all_explorers` finds every explorer of every topic module; the test suite
sweeps each one over its control ranges and the benchmark times each one.
"""
from __future__ import annotations

import importlib
import io
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..checks import DivergenceError

STATIC_NOTE = (
    "<small><i>On the static page these controls show a saved snapshot. To move them, "
    "launch this page with the rocket icon at the top (Binder or Colab) or press "
    "<b>Live Code</b>.</i></small>")


# ---------------------------------------------------------------- controls
@dataclass
class Control:
    """One input of an explorer: ``name`` is the keyword passed to ``update``."""

    name: str
    value: Any
    description: str = ""

    def test_values(self) -> list:
        """Values the test suite tries: both ends of the range and the default."""
        raise NotImplementedError

    def make(self):
        raise NotImplementedError

    @property
    def label(self) -> str:
        return self.description or self.name


@dataclass
class FloatSlider(Control):
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01
    readout_format: str = ".2f"

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def make(self):
        import ipywidgets as w
        return w.FloatSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                             description=self.label, readout_format=self.readout_format,
                             continuous_update=False, style={"description_width": "initial"})


@dataclass
class LogSlider(Control):
    """A slider whose position is ``log10(value)``: for rates, ``lambd``, ``epsilon``."""

    min: float = 1e-4
    max: float = 1.0
    step: float = 0.1  # in decades
    readout_format: str = ".1e"

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def make(self):
        import ipywidgets as w
        return w.FloatLogSlider(value=self.value, base=10, min=np.log10(self.min),
                                max=np.log10(self.max), step=self.step, description=self.label,
                                readout_format=self.readout_format, continuous_update=False,
                                style={"description_width": "initial"})


@dataclass
class IntSlider(Control):
    min: int = 0
    max: int = 10
    step: int = 1

    def test_values(self):
        return sorted({self.min, self.value, self.max})

    def make(self):
        import ipywidgets as w
        return w.IntSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                           description=self.label, continuous_update=False,
                           style={"description_width": "initial"})


@dataclass
class Dropdown(Control):
    options: Sequence = ()

    def test_values(self):
        return list(self.options)

    def make(self):
        import ipywidgets as w
        return w.Dropdown(options=list(self.options), value=self.value, description=self.label,
                          style={"description_width": "initial"})


@dataclass
class Checkbox(Control):
    def test_values(self):
        return [False, True]

    def make(self):
        import ipywidgets as w
        return w.Checkbox(value=self.value, description=self.label, indent=False)


# ---------------------------------------------------------------- figures
class CourseFigure(Figure):
    """A matplotlib ``Figure`` that shows itself as a PNG when a notebook cell ends with it,
    whether or not pyplot's inline backend has been loaded."""

    def _repr_png_(self):
        return figure_to_png(self)


FIXED_MARGINS = dict(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.3, hspace=0.45)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 9.0, height: float = 3.4, *,
               fixed: bool = False, subplot_kw: dict | None = None, **margins):
    """A pyplot-free figure (no global state, nothing to close) and its flat axes array.

    By default the constrained layout places the panels (best for chapter figures). Widgets
    pass ``fixed=True``: fixed margins (``FIXED_MARGINS``, overridden by ``margins``) skip the
    layout solver, which otherwise costs 50-150 ms of every redraw.
    """
    fig = CourseFigure(figsize=(width, height), dpi=90,
                       layout=None if fixed or margins else "constrained")
    FigureCanvasAgg(fig)
    gridspec_kw = {**FIXED_MARGINS, **margins} if fixed or margins else None
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw,
                        gridspec_kw=gridspec_kw)
    return fig, axes.ravel()


def message_figure(text: str, title: str = "") -> Figure:
    """A figure that only says ``text``: what a widget shows instead of a traceback."""
    fig, (ax,) = new_figure(width=9.0, height=2.0)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=12, color="#a40000",
            transform=ax.transAxes)
    if title:
        ax.set_title(title)
    return fig


def note_on_axes(ax, text: str):
    """Write a warning (e.g. 'diverged at step 12') over a plot, so the partial curve stays."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=11,
            color="#a40000", bbox=dict(boxstyle="round", fc="white", ec="#a40000", alpha=0.9))


def figure_to_png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------- explorer
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
        """``update`` with the defaults filled in; a diverged run becomes a message."""
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
            settings.append({c.name: c.test_values()[rng.integers(len(c.test_values()))]
                             for c in self.controls})
        unique = []
        for s in settings:
            if s not in unique:
                unique.append(s)
        return unique

    def build(self):
        """The ipywidgets box: controls, the figure as an image, and the static-page note."""
        import ipywidgets as w
        made = {c.name: c.make() for c in self.controls}
        image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))

        def refresh(_change=None):
            image.value = self.png(**{n: m.value for n, m in made.items()})

        for m in made.values():
            m.observe(refresh, names="value")
        refresh()
        boxes = list(made.values())
        rows = [w.HBox(boxes[i:i + self.columns]) for i in range(0, len(boxes), self.columns)]
        header = [w.HTML(f"<b>{self.title}</b>")] if self.title else []
        return w.VBox(header + rows + [image, w.HTML(STATIC_NOTE)])


def all_explorers() -> dict[str, Explorer]:
    """Every module-level :class:`Explorer` in ``nnlab.widgets.*``, keyed ``module.name``."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for attr, obj in vars(module).items():
            if isinstance(obj, Explorer):
                found[f"{info.name}.{attr}"] = obj
    return found
