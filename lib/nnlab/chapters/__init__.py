"""One companion module per chapter, laid out like ``chapters/``.

``nnlab.chapters.<part>.<name>`` holds the experiments, runs and explorers of
``chapters/<part>/NN_<name>.ipynb``; the course's equations live in the modules
directly under ``nnlab``. A chapter imports the equations it teaches and its own
companion.
"""
