"""nnlab: the NumPy library behind *Improving Deep Neural Networks*.

Everything the course's chapters run lives here, in small modules named for what they
hold (see CONTRIBUTING.md for the list). ``X`` has shape ``(n_x, m)``: one column per
example.
"""

__version__ = "0.1.0"
