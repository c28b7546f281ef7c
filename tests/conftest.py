"""Shared helpers for the nnlab model tests, and the session's book build under xdist.

``fd_grad`` is a deliberately plain centered-difference gradient, written here apart
from ``nnlab.gradcheck`` so tests of the library do not lean on the library itself.

``make test`` runs on two xdist workers. Their controller collects nothing, so the
conftest of ``tests/book`` never runs there: this one (loaded before the session starts)
has the controller start the book build and tell the workers that it did.
"""

import os

import bookbuild
import numpy as np
import pytest


def _controller(config) -> bool:
    """Whether this process hands the tests to xdist workers."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_configure(config):
    if _controller(config) and not config.option.collectonly and bookbuild.wanted_by(config.args):
        bookbuild.start()
    if hasattr(config, "workerinput") and config.workerinput.get("book_build"):
        # The build is the session's longest task and the site tests wait for it: the
        # workers (and the kernels, servers and browsers they start) yield the CPU to it.
        os.nice(5)


def pytest_configure_node(node):
    """The controller's word to a worker: whether the build it waits for was started."""
    node.workerinput["book_build"] = bookbuild.started()


def pytest_unconfigure(config):
    if _controller(config):
        bookbuild.stop()


def _fd_grad(f, x, eps=1e-6):
    """∂f/∂x by centered differences ``(f(x+ε) - f(x-ε)) / 2ε``, entry by entry; x restored."""
    g = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f()
        x[idx] = old - eps
        fm = f()
        x[idx] = old
        g[idx] = (fp - fm) / (2 * eps)
    return g


def _rel(a, b):
    a, b = np.ravel(a), np.ravel(b)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else np.linalg.norm(a - b) / den


@pytest.fixture
def fd_grad():
    return _fd_grad


@pytest.fixture
def rel_diff():
    return _rel
