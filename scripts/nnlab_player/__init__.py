"""Players for the static site: every nnlab explorer plays without a kernel.

``grid`` picks the values each control takes on the static page, ``frames`` draws and
caches the frames (with the explorer's own ``png``), ``sphinx_ext`` turns each explorer
output into a player, ``static/`` holds the player's script and stylesheet. Loaded by the
book through ``sphinx.local_extensions`` in ``_config.yml``.
"""


def setup(app):
    from .sphinx_ext import setup as _setup

    return _setup(app)
