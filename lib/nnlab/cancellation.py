"""Giving up a figure nobody waits for any more.

A live explorer draws ahead the settings a reader may ask for next
(:class:`nnlab.explorer.Refresher`). When the reader asks for another one, the drawing
in progress is wasted time that the new request waits behind, a few hundred
milliseconds for an explorer that trains four networks. So the long loops of the
library call :func:`checkpoint` (``train`` once an epoch, ``run_optimizer`` every 25
steps, a figure being drawn after each panel), and inside :func:`cancellable` a
checkpoint whose ``cancelled()`` has become true raises :class:`Cancelled`. Outside
it, a checkpoint does nothing: a chapter, a test or the static site never stops early.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

_local = threading.local()  # each drawing thread has its own question


class Cancelled(Exception):
    """Raised by :func:`checkpoint` when the drawing in progress is no longer wanted."""


@contextlib.contextmanager
def cancellable(cancelled: Callable[[], bool]):
    """Within the block, :func:`checkpoint` (on this thread) raises :class:`Cancelled`
    once ``cancelled()`` is true."""
    outer = getattr(_local, "cancelled", None)
    _local.cancelled = cancelled
    try:
        yield
    finally:
        _local.cancelled = outer


def checkpoint() -> None:
    """A point where the work in progress may be given up (see :func:`cancellable`)."""
    cancelled = getattr(_local, "cancelled", None)
    if cancelled is not None and cancelled():
        raise Cancelled
