"""Plots the chapters and widgets share. Each draws on an ``ax`` it is given.

Taking the axes as an argument keeps these functions free of pyplot's global state, so
a widget can redraw a figure many times without leaking figures, and a chapter can lay
several plots side by side with :func:`new_figure` (below).
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib import mathtext
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from nnlab.cancellation import checkpoint
from nnlab.checks import check_array, check_int, check_matrix, check_range

CLASS_COLORS = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
]
PATH_COLORS = {
    "GD": "#444444",
    "SGD": "#444444",
    "Momentum": "#1f77b4",
    "Nesterov": "#ff7f0e",
    "RMSprop": "#2ca02c",
    "Adam": "#d62728",
    "AdamW": "#9467bd",
}


def grid_over(X: np.ndarray, resolution: int = 150, margin: float = 0.5):
    """A ``(2, resolution**2)`` grid covering the columns of ``X`` (plus a margin),
    and the two meshgrid arrays to reshape predictions onto."""
    X = check_matrix("X", X, rows=2)
    check_int("resolution", resolution, low=2, high=2000)
    margin = check_range("margin", margin, 0, None)
    (x0, y0), (x1, y1) = X.min(axis=1) - margin, X.max(axis=1) + margin
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.vstack([xx.ravel(), yy.ravel()]), xx, yy


def plot_decision_boundary(
    ax,
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    Y,
    resolution: int = 150,
    title: str | None = None,
    n_classes: int | None = None,
    margin: float = 0.5,
    grid=None,
    s: float = 12,
):
    """Colour the plane by ``predict`` and scatter the examples ``X`` (2, m) by label ``Y``.

    ``predict`` maps a ``(2, k)`` array to ``k`` class labels (any shape with k entries).
    Pass a precomputed ``grid`` (from :func:`grid_over`) to reuse it across redraws.
    """
    X = check_matrix("X", X, rows=2)
    labels = np.asarray(Y).reshape(-1).astype(int)
    if labels.size != X.shape[1]:
        raise ValueError(f"Y must hold one label per column of X ({X.shape[1]}), got {labels.size}")
    pts, xx, yy = grid if grid is not None else grid_over(X, resolution, margin)
    Z = np.asarray(predict(pts)).reshape(xx.shape)
    k = n_classes or int(max(labels.max(), Z.max())) + 1
    cmap = ListedColormap(CLASS_COLORS[:k])
    ax.contourf(xx, yy, Z, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.25)
    ax.scatter(
        X[0],
        X[1],
        c=labels,
        cmap=cmap,
        vmin=-0.5,
        vmax=k - 0.5,
        s=s,
        edgecolors="white",
        linewidths=0.4,
    )
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def smooth(values, window: int) -> np.ndarray:
    """Moving average over ``window`` points (shorter at the start), for noisy cost curves."""
    v = check_array("values", values, allow_empty=True)
    if v.ndim != 1:
        raise ValueError(f"values must be a 1-D series, got shape {v.shape}")
    window = check_int("window", window, low=1)
    if window <= 1 or v.size == 0:
        return v
    c = np.cumsum(np.insert(v, 0, 0.0))
    idx = np.arange(1, v.size + 1)
    lo = np.maximum(idx - window, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def plot_costs(
    ax,
    costs,
    label: str | None = None,
    x=None,
    smooth_window: int = 1,
    logy: bool = False,
    xlabel: str = "iteration",
    color=None,
    alpha: float = 1.0,
):
    """The cost curve ``J`` against iterations (or ``x``), optionally smoothed."""
    costs = np.asarray(costs, dtype=float)
    x = np.arange(1, costs.size + 1) if x is None else np.asarray(x)
    ax.plot(x, smooth(costs, smooth_window), label=label, color=color, alpha=alpha, lw=1.4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cost $J$")
    if logy:
        ax.set_yscale("log")
    if label:
        ax.legend(frameon=False)
    return ax


def plot_train_dev(
    ax,
    train,
    dev,
    ylabel: str = "accuracy",
    marker_epoch: int | None = None,
    marker_label: str = "stopped",
):
    """Train and dev curves per epoch, with an optional vertical line at ``marker_epoch``."""
    epochs = np.arange(1, len(train) + 1)
    ax.plot(epochs, train, label="train", color="#1f77b4", lw=1.5)
    ax.plot(np.arange(1, len(dev) + 1), dev, label="dev", color="#d62728", lw=1.5)
    if marker_epoch is not None:
        ax.axvline(marker_epoch, color="#444444", ls="--", lw=1, label=marker_label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    return ax


def plot_contours(
    ax,
    f: Callable,
    xlim: Sequence[float],
    ylim: Sequence[float],
    levels: int = 30,
    log: bool = True,
    resolution: int = 120,
    cmap="viridis",
):
    """Contour lines of a 2-D function ``f(x, y)`` (vectorized) over a box.

    ``log=True`` spaces the levels geometrically above the minimum, so both the steep walls
    and the flat valley floor of an elongated bowl show up.
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = np.asarray(f(xx, yy), dtype=float)
    if log:
        lo = zz.min()
        span = max(zz.max() - lo, 1e-12)
        lv = lo + np.geomspace(span * 1e-4, span, levels)
        ax.contour(xx, yy, zz, levels=np.unique(lv), cmap=cmap, linewidths=0.8)
    else:
        ax.contour(xx, yy, zz, levels=levels, cmap=cmap, linewidths=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


def plot_path(
    ax,
    points,
    label: str | None = None,
    color=None,
    marker: str = "o",
    markevery: int | None = None,
):
    """An optimizer's trajectory: ``points`` is ``(n, 2)``; start and end are marked."""
    p = np.asarray(points, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {p.shape}")
    color = color or PATH_COLORS.get(label or "", None)
    every = markevery or max(1, len(p) // 25)
    (line,) = ax.plot(
        p[:, 0], p[:, 1], marker=marker, ms=2.5, lw=1.2, markevery=every, label=label, color=color
    )
    ax.plot(p[0, 0], p[0, 1], "k^", ms=6)
    ax.plot(p[-1, 0], p[-1, 1], marker="*", ms=9, color=line.get_color())
    return ax


def plot_histograms(
    axes,
    arrays: Mapping[str, np.ndarray],
    bins: int = 40,
    range_: tuple[float, float] | None = None,
    color="#1f77b4",
    log: bool = False,
):
    """One histogram per named array (e.g. ``{"A1": …, "A2": …}``) on consecutive axes,
    with its standard deviation in the title: the quantity initialization keeps steady."""
    axes = list(np.ravel(axes))
    if len(axes) < len(arrays):
        raise ValueError(f"need {len(arrays)} axes, got {len(axes)}")
    for ax, (name, a) in zip(axes, arrays.items()):
        a = np.asarray(a, dtype=float).ravel()
        a = a[np.isfinite(a)]
        ax.hist(a, bins=bins, range=range_, color=color, alpha=0.8, log=log)
        ax.set_title(
            f"{name}  (std {a.std():.2g})" if a.size else f"{name} (no finite values)", fontsize=9
        )
        ax.tick_params(labelsize=7)
    return axes


class _DecadesOr125(LogLocator):
    """Decades; 1-2-5 steps when the axis spans less than about two decades (decades
    alone left such an axis a single labelled tick, or none)."""

    def tick_values(self, vmin, vmax):
        if vmin > 0 and vmax > 0 and abs(np.log10(vmax / vmin)) < 1.3:
            lo, hi = sorted((vmin, vmax))
            ticks = [
                m * 10.0**e
                for e in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
                for m in (1, 2, 5)
            ]
            inside = [t for t in ticks if lo <= t <= hi]
            if len(inside) < 2:
                ticks = [
                    m * 10.0**e
                    for e in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
                    for m in range(1, 10)
                ]
            return np.array(ticks)
        return super().tick_values(vmin, vmax)


def plain_log_axis(axis, numticks: int = 7, fmt: str | Callable[[float], str] = "{:g}"):
    """Decade ticks with plain-text labels on a log ``axis`` (``ax.xaxis``/``ax.yaxis``).

    ``fmt`` is a format string or a function of the tick value. Matplotlib's default labels are mathtext (10⁻³), whose layout can triple the time a
    widget takes to redraw; plain labels look alike and cost almost nothing.
    """
    axis.set_major_locator(_DecadesOr125(numticks=numticks))
    label = fmt if callable(fmt) else fmt.format
    axis.set_major_formatter(FuncFormatter(lambda v, _: label(v)))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())
    return axis


# ---------------------------------------------------------------- figures
class _SharedMathText(mathtext.MathTextParser):
    """One parser for every figure, with room for 512 formulas. Matplotlib caches a parsed
    formula ($10^{-8}$ tick labels, $J - J^*$) per parser and makes a parser per figure,
    so every redraw of an explorer parsed each formula again: a fifth of its drawing."""

    _parse = getattr(mathtext.MathTextParser._parse_cached, "__wrapped__", None)
    if _parse is not None:  # else matplotlib's own cache of 50 serves
        _parse_cached = functools.lru_cache(512)(_parse)


_MATHTEXT = _SharedMathText("path")  # what the Agg renderer parses with


class _CourseCanvas(FigureCanvasAgg):
    def get_renderer(self):
        renderer = super().get_renderer()
        renderer.mathtext_parser = _MATHTEXT
        return renderer


# Matplotlib is not thread-safe (mathtext's parser, for one, is global), and a live
# explorer draws on a worker thread while the notebook may draw too: one PNG at a time.
_DRAWING = threading.RLock()


class CourseFigure(Figure):
    """A matplotlib ``Figure`` that shows itself as a PNG when a notebook cell ends with it,
    whether or not pyplot's inline backend has been loaded.

    Its panels put their titles at the top of the axes (``axes.titley = 1``) instead of
    measuring, at every draw, every tick label that might reach above it: no panel of the
    course has ticks on top, so the figure is the same to the pixel, and drawing one takes
    up to a third less time."""

    def _repr_png_(self):
        return figure_to_png(self)

    def add_subplot(self, *args, **kwargs):  # fig.subplots() comes here too
        with matplotlib.rc_context({"axes.titley": 1.0}):
            return super().add_subplot(*args, **kwargs)


FIXED_MARGINS = dict(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.3, hspace=0.45)


def new_figure(
    ncols: int = 1,
    nrows: int = 1,
    width: float = 9.0,
    height: float = 3.4,
    *,
    fixed: bool = False,
    subplot_kw: dict | None = None,
    **margins,
):
    """A pyplot-free figure (no global state, nothing to close) and its flat axes array.

    By default the constrained layout places the panels (best for chapter figures). Widgets
    pass ``fixed=True``: fixed margins (``FIXED_MARGINS``, overridden by ``margins``) skip the
    layout solver, which otherwise costs 50-150 ms of every redraw.
    """
    ncols, nrows = check_int("ncols", ncols, high=50), check_int("nrows", nrows, high=50)
    width, height = (
        check_range("width", width, 0, 100, low_open=True),
        check_range("height", height, 0, 100, low_open=True),
    )
    fig = CourseFigure(
        figsize=(width, height), dpi=90, layout=None if fixed or margins else "constrained"
    )
    _CourseCanvas(fig)
    gridspec_kw = {**FIXED_MARGINS, **margins} if fixed or margins else None
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw, gridspec_kw=gridspec_kw)
    return fig, axes.ravel()


def figure_notes(fig: Figure) -> list[str]:
    """The warnings written on ``fig`` by :func:`note_on_axes` and :func:`message_figure`, in
    order: what the widget tests read to tell a figure that shows a diverged run or an
    error message from one that shows results."""
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    return list(getattr(fig, "nnlab_notes", ()))


def _record_note(fig: Figure, text: str):
    if not hasattr(fig, "nnlab_notes"):
        fig.nnlab_notes = []
    fig.nnlab_notes.append(text)


def message_figure(text: str, title: str = "") -> Figure:
    """A figure that only says ``text``: what a widget shows instead of a traceback.
    ``fig.nnlab_message`` holds ``text`` (see :func:`figure_notes`)."""
    for name, v in (("text", text), ("title", title)):
        if not isinstance(v, str):
            raise ValueError(f"{name} must be a string, got {v!r}")
    fig, (ax,) = new_figure(width=9.0, height=2.0)
    fig.nnlab_message = text
    _record_note(fig, text)
    ax.axis("off")
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        wrap=True,
        fontsize=12,
        color="#a40000",
        transform=ax.transAxes,
    )
    if title:
        ax.set_title(title)
    return fig


def note_on_axes(ax, text: str):
    """Write a warning (e.g. 'diverged at step 12') over a plot, so the partial curve stays.
    The text is also recorded on the figure (see :func:`figure_notes`)."""
    _record_note(ax.figure, text)
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=11,
        color="#a40000",
        bbox=dict(boxstyle="round", fc="white", ec="#a40000", alpha=0.9),
    )


# zlib level 1 instead of Pillow's 6: plots are flat colours, so the PNG is a few per
# cent larger and the encoding several times faster (it is part of every slider move).
PNG_OPTIONS = {"compress_level": 1}


class _Checkpoint(Artist):
    """Drawn last in its panel, draws nothing: a :func:`~nnlab.cancellation.checkpoint`
    between two panels of a figure being drawn."""

    zorder = float("inf")

    def __init__(self):
        super().__init__()
        self.set_in_layout(False)

    def draw(self, renderer):
        checkpoint()


def figure_to_png(fig: Figure) -> bytes:
    """The PNG bytes of ``fig``."""
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    for ax in fig.axes:
        if not any(isinstance(a, _Checkpoint) for a in ax.artists):
            ax.add_artist(_Checkpoint())
    buf = io.BytesIO()
    with _DRAWING:
        fig.savefig(buf, format="png", pil_kwargs=dict(PNG_OPTIONS))
    return buf.getvalue()
