"""Companions of Part I: Practical aspects of deep learning.

:func:`football_with_grid` is the goalkeeper split and plotting grid that the
Part I explorers share.
"""

from __future__ import annotations

from functools import lru_cache

from nnlab.data import football_split
from nnlab.plots import grid_over


@lru_cache(maxsize=1)
def football_with_grid():
    """The default :func:`football_split` and a 70×70 plotting grid over its training set
    (:func:`nnlab.plots.grid_over`), made once and shared by the Part I widgets."""
    s = football_split()
    return s, grid_over(s.X_train, resolution=70, margin=0.05)
