"""Shared helpers for the nnlab model tests.

``fd_grad`` is a deliberately plain centered-difference gradient, written here apart
from ``nnlab.gradcheck`` so tests of the library do not lean on the library itself.
"""

import numpy as np
import pytest


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
