"""Clear the outputs of notebooks in place (``make strip``): they are committed without.

Removes every code cell's outputs, execution count and timings, and the saved widget
state, and sets the notebook's ``kernelspec`` and ``language_info`` to exactly what the
course's kernel (ipykernel on Python 3.11) reports. JupyterLab writes the kernel's values
into the notebook when the kernel connects and marks the notebook modified if they differ
in any field, so a notebook committed with other values shows as modified the moment it
is opened. Leaves sources and cell tags alone. Rewrites only changed files.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

# What ipykernel reports on the project's Python (python3.11, see the Makefile). A kernel
# on another Python version reports another "version"; JupyterLab then updates it and the
# notebook shows as modified (tests/book/test_jupyterlab.py says so if that happens).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11.7",
}


def strip(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    changed = nb.metadata.pop("widgets", None) is not None
    for key, want in (("kernelspec", KERNELSPEC), ("language_info", LANGUAGE_INFO)):
        if nb.metadata.get(key) != want:
            nb.metadata[key] = dict(want)
            changed = True
    for cell in nb.cells:
        if cell.cell_type == "code":
            changed |= bool(cell.outputs) or cell.execution_count is not None
            changed |= cell.metadata.pop("execution", None) is not None  # nbclient timings
            cell.outputs = []
            cell.execution_count = None
    if changed:
        nbformat.write(nb, path)
    return changed


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(
        p for p in Path("chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for f in files:
        if strip(f):
            print(f"stripped {f}")


if __name__ == "__main__":
    main(sys.argv[1:])
