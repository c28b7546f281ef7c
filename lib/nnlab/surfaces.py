"""Two-dimensional cost surfaces, and a runner that moves a point over them with the
library's own optimizers.

A surface is a cost ``J(x, y)`` of two parameters, small enough to draw as contours,
shaped to show one difficulty of training: a narrow valley (``elongated_quadratic``),
a curved valley (``rosenbrock``), a saddle point (``saddle``), a flat plateau
(``plateau``), a plateau that leads to a saddle (``saddle_plateau``).
:func:`run_optimizer` holds the point as ``params = {"w": (2, 1) array}``
and calls ``optimizer.step(params, {"dw": ∇J})``: the paths in the chapters come from
exactly the update rules of :mod:`nnlab.optimizers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnlab.cancellation import checkpoint
from nnlab.checks import check_array, check_int, check_number, check_positive, check_range

LIMIT = 1e6
"""A coordinate beyond ±LIMIT counts as diverged: no surface here is drawn beyond ±10."""


@dataclass(frozen=True)
class Surface:
    """A cost ``J(x, y)`` with its gradient, a plotting box and a known minimum.

    ``f(x, y)`` and ``grad(x, y) -> (∂J/∂x, ∂J/∂y)`` work on scalars or arrays of the same
    shape (a whole contour grid at once). ``bounds = ((xmin, xmax), (ymin, ymax))``
    frames the plot; ``start`` is the default starting point; ``minimum = (x*, y*)`` is
    the (or, when there are two, the nearest-to-start) global minimum and ``f_min`` its
    value.
    """

    name: str
    func: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    bounds: tuple
    start: tuple
    minimum: tuple
    f_min: float
    description: str = ""

    def f(self, x, y):
        """The cost ``J(x, y)``."""
        return self.func(x, y)

    def grad(self, x, y):
        """The gradient ``(∂J/∂x, ∂J/∂y)``."""
        return self.gradient(x, y)


# ---------------------------------------------------------------- the surfaces
def elongated_quadratic(ratio: float = 20.0, scale: float = 1.0) -> Surface:
    """A narrow valley: ``J = scale · (x² + ratio · y²) / 2``, minimum 0 at (0, 0).

    The curvature across the valley (``scale · ratio``) is ``ratio`` times the one along
    it (``scale``), like the cost of unnormalized features. Gradient descent is stable
    only for ``lr < 2 / (scale · ratio)``, and with such a rate it crawls along x: the
    case momentum, RMSprop and Adam are made for. ``scale`` multiplies the whole cost
    (and its gradient): the Adam chapter's valley is ``ratio=100, scale=0.1``, with
    curvatures 0.1 along and 10 across.
    """
    ratio = float(check_range("ratio", ratio, 1, None))
    scale = float(check_positive("scale", scale))
    a, c = scale, scale * ratio
    if scale == 1.0:
        formula = f"J = (x² + {ratio:g} y²)/2"
    else:
        formula = f"J = ({a:g} x² + {c:g} y²)/2"
    return Surface(
        name="elongated quadratic",
        func=lambda x, y: 0.5 * (a * x * x + c * y * y),
        gradient=lambda x, y: (a * np.asarray(x), c * np.asarray(y)),
        bounds=((-10.0, 10.0), (-3.0, 3.0)),
        start=(-9.0, 2.0),
        minimum=(0.0, 0.0),
        f_min=0.0,
        description=f"{formula}: curvature {ratio:g}× larger across the valley than along it",
    )


def rosenbrock(a: float = 1.0, b: float = 10.0) -> Surface:
    """Rosenbrock's banana valley: ``J = (a − x)² + b (y − x²)²``, minimum 0 at (a, a²).

    Easy to find the valley, slow to follow its curved floor. The classic benchmark
    uses ``b = 100``; the default ``b = 10`` keeps the valley wide enough to see on a
    contour plot and lets gradient descent from the default start run with
    ``lr`` up to about 0.01 (with ``b = 100`` it needs ``lr < 0.001``).
    ``∂J/∂x = −2(a − x) − 4 b x (y − x²)``, ``∂J/∂y = 2 b (y − x²)``.
    """
    a = check_number("a", a)
    b = float(check_positive("b", b))

    def func(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x, y):
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    return Surface(
        name="Rosenbrock",
        func=func,
        gradient=gradient,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.5, 2.0),
        minimum=(a, a * a),
        f_min=0.0,
        description=f"J = ({a:g} − x)² + {b:g}(y − x²)²: a curved valley, "
        f"minimum at ({a:g}, {a * a:g})",
    )


def saddle() -> Surface:
    """A saddle point at the origin: ``J = x² − y²/2 + y⁴/4``.

    Near (0, 0) it is ``x² − y²/2``: a minimum along x, a maximum along y, gradient 0.
    The ``y⁴/4`` term bends the surface back up so the view stays bounded: the minima
    are at (0, ±1) with ``J = −1/4``. Started almost on the ridge (y = 0.001), gradient
    descent first slides into the saddle and only slowly leaves it (``y`` grows by a
    factor ``1 + lr`` per step).
    ``∂J/∂x = 2x``, ``∂J/∂y = y³ − y``.
    """
    return Surface(
        name="saddle",
        func=lambda x, y: x * x - 0.5 * y * y + 0.25 * y**4,
        gradient=lambda x, y: (2.0 * np.asarray(x), y**3 - y),
        bounds=((-2.0, 2.0), (-1.6, 1.6)),
        start=(1.8, 1e-3),
        minimum=(0.0, 1.0),
        f_min=-0.25,
        description="J = x² − y²/2 + y⁴/4: a saddle at (0, 0), minima at (0, ±1)",
    )


def plateau(a: float = 1.5) -> Surface:
    """A plateau, a saddle and two wells: ``J = 1 − exp(−((x−a)² + y²)) − exp(−((x+a)² + y²))``.

    Far from the origin ``J ≈ 1`` and the gradient is almost 0: the plateau, where
    plain gradient descent crawls. Between the wells, (0, 0) is a saddle (for
    ``a > 1/√2``): a maximum along x, a minimum along y. The default start (0.05, 2.5)
    lies on the plateau just off the symmetry axis, so a run first descends to the
    saddle, then has to leave it sideways for the well at (≈a, 0).
    ``∂J/∂x = 2(x−a) e₁ + 2(x+a) e₂``, ``∂J/∂y = 2y (e₁ + e₂)`` with ``e₁, e₂`` the
    two exponentials.
    """
    a = float(check_range("a", a, 0.75, 5.0))

    def parts(x, y):
        return np.exp(-((x - a) ** 2 + y * y)), np.exp(-((x + a) ** 2 + y * y))

    def func(x, y):
        e1, e2 = parts(x, y)
        return 1.0 - e1 - e2

    def gradient(x, y):
        e1, e2 = parts(x, y)
        return 2.0 * (x - a) * e1 + 2.0 * (x + a) * e2, 2.0 * y * (e1 + e2)

    # The well sits a hair inside x = a (the other well pulls on it): solve ∂J/∂x = 0
    # on y = 0 by Newton's method from x = a.
    x = a
    for _ in range(20):
        e1, e2 = np.exp(-((x - a) ** 2)), np.exp(-((x + a) ** 2))
        g = 2.0 * (x - a) * e1 + 2.0 * (x + a) * e2
        h = (2.0 - 4.0 * (x - a) ** 2) * e1 + (2.0 - 4.0 * (x + a) ** 2) * e2
        x -= g / h
    x = float(x)
    return Surface(
        name="plateau",
        func=func,
        gradient=gradient,
        bounds=((-3.0, 3.0), (-1.5, 3.0)),
        start=(0.05, 2.5),
        minimum=(x, 0.0),
        f_min=float(func(x, 0.0)),
        description="J = 1 − two Gaussian wells: a flat plateau far out, "
        f"a saddle at (0, 0), minima at (±{x:.3f}, 0)",
    )


def saddle_plateau() -> Surface:
    """A plateau that leads to a saddle: ``J = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4``.

    For ``|x| > 3`` it is a plateau (``J ≈ 1``, ``∂J/∂x = x e^{−x²/2} (1 + y²/2)`` is
    0.008 at x = 3.5); at the origin a saddle with ``J = 0`` (uphill along x, downhill
    along y); at ``(0, ±1)`` the two minima, ``J = −1/4``. The default start (3.5, 0.01)
    lies on the plateau, just off the ridge y = 0: a run has to cross the plateau, then
    leave the saddle (the chapter on plateaus).
    ``∂J/∂x = x e^{−x²/2} (1 + y²/2)``, ``∂J/∂y = y³ − y e^{−x²/2}``.
    """

    def func(x, y):
        return 1.0 - np.exp(-0.5 * x * x) * (1.0 + 0.5 * y * y) + 0.25 * y**4

    def gradient(x, y):
        e = np.exp(-0.5 * x * x)
        return x * e * (1.0 + 0.5 * y * y), y**3 - y * e

    return Surface(
        name="saddle + plateau",
        func=func,
        gradient=gradient,
        bounds=((-5.0, 5.0), (-1.6, 1.6)),
        start=(3.5, 0.01),
        minimum=(0.0, 1.0),
        f_min=-0.25,
        description="J = 1 − exp(−x²/2)(1 + y²/2) + y⁴/4: a plateau (J ≈ 1) for "
        "|x| > 3, a saddle at (0, 0) with J = 0, minima at (0, ±1) "
        "with J = −1/4",
    )


SURFACES = {
    "elongated_quadratic": elongated_quadratic(),
    "rosenbrock": rosenbrock(),
    "saddle": saddle(),
    "plateau": plateau(),
    "saddle_plateau": saddle_plateau(),
}
"""Every surface with its default settings, keyed by the name of its builder."""


# ---------------------------------------------------------------- running an optimizer
@dataclass
class Path:
    """The trajectory of one run of an optimizer on a cost.

    ``points`` is ``(n + 1, d)`` (``d = 2`` on a surface): the start, then one row per
    step taken (fewer than ``steps`` rows if the run diverged); ``values`` is ``J`` at
    each point; ``steps_to_tol`` is the first step ``k`` with ``J − f_min < tol``
    (``None`` if never, or no ``tol``); ``diverged`` says the run blew up (on a surface:
    left the box ``|x|, |y| <= LIMIT`` or produced NaN/inf), and ``diverged_at`` is
    that step. The least-squares runs of the chapter on normalizing inputs are ``Path``
    records too.
    """

    points: np.ndarray
    values: np.ndarray
    steps_to_tol: int | None = None
    diverged: bool = False
    diverged_at: int | None = None

    @property
    def message(self) -> str:
        """A one-line summary for a widget: 'diverged at step 12' or where it ended."""
        if self.diverged:
            return f"diverged at step {self.diverged_at}"
        where = ", ".join(f"{c:.3g}" for c in self.points[-1])
        return f"ended at ({where}), J = {self.values[-1]:.3g}"


def run_optimizer(
    surface: Surface, optimizer, start=None, steps: int = 200, tol: float | None = None
) -> Path:
    """Run ``optimizer`` for ``steps`` steps on ``surface`` from ``start``.

    The point is ``params = {"w": [[x], [y]]}``; each step computes
    ``dw = [[∂J/∂x], [∂J/∂y]]`` and calls ``optimizer.step(params, {"dw": dw})``, so
    ``w`` moves by the optimizer's own rule. The optimizer is ``reset()`` first, so the
    same object gives the same path every call.

    A run that leaves ``|x|, |y| <= LIMIT`` or produces NaN/inf stops there with
    ``diverged=True`` (no exception, no NumPy warning): too large a learning rate is
    something the widgets show, not an error.
    """
    if not isinstance(surface, Surface):
        raise ValueError(f"surface must be a Surface (e.g. SURFACES['saddle']), got {surface!r}")
    from nnlab.optimizers import MAX_SQUARED_GRAD, Optimizer

    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an nnlab.optimizers optimizer, got {optimizer!r}")
    steps = check_int("steps", steps, low=0)
    if tol is not None:
        check_positive("tol", tol)
    point = check_array("start", surface.start if start is None else start, shape=(2,))
    w = point.reshape(2, 1).copy()
    params = {"w": w}
    optimizer.reset()
    points = [w[:, 0].copy()]
    values = [float(surface.f(w[0, 0], w[1, 0]))]
    diverged_at = None
    # Overflow on the way out of the box is expected and handled below, not warned about.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for k in range(1, steps + 1):
            if k % 25 == 0:
                checkpoint()  # an explorer's drawing ahead stops here once superseded
            gx, gy = surface.grad(w[0, 0], w[1, 0])
            # NaN, infinite or too large to square: the checks step would make, made here
            if not (abs(gx) <= MAX_SQUARED_GRAD and abs(gy) <= MAX_SQUARED_GRAD):
                diverged_at = k
                break
            optimizer.step(params, {"dw": np.array([[float(gx)], [float(gy)]])}, check=False)
            if not np.all(np.isfinite(w)) or np.any(np.abs(w) > LIMIT):
                diverged_at = k
                if np.all(np.isfinite(w)):
                    points.append(w[:, 0].copy())  # show the jump that left the box
                    values.append(float(surface.f(w[0, 0], w[1, 0])))
                break
            points.append(w[:, 0].copy())
            values.append(float(surface.f(w[0, 0], w[1, 0])))
    values = np.array(values)
    steps_to_tol = None
    if tol is not None:
        hits = np.flatnonzero(values - surface.f_min < tol)
        steps_to_tol = int(hits[0]) if hits.size else None
    return Path(
        points=np.array(points),
        values=values,
        steps_to_tol=steps_to_tol,
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
    )
