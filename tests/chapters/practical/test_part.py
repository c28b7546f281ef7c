"""What the Part I companions share (``nnlab.chapters.practical``)."""

import numpy as np


def test_football_with_grid_is_the_default_split_and_a_grid_over_it():
    from nnlab.chapters.practical import football_with_grid
    from nnlab.data import football_split

    s, (pts, xx, yy) = football_with_grid()
    assert np.array_equal(s.X_train, football_split().X_train)
    assert pts.shape == (2, 70 * 70)
    assert xx.min() <= s.X_train[0].min() and xx.max() >= s.X_train[0].max()
    assert yy.min() <= s.X_train[1].min() and yy.max() >= s.X_train[1].max()
    assert football_with_grid()[0] is s  # made once, shared by the widgets
