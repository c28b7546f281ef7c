"""Set every chapter's kernel metadata to what JupyterLab expects (``make strip`` runs it
after nbstripout; pre-commit too).

When a kernel connects, JupyterLab writes the kernel's ``kernelspec`` and ``language_info``
into the notebook and marks it modified if they differ from the saved ones in any field.
A chapter saved without ``language_info`` (or with another display name) therefore showed
as modified the moment a reader opened it. These are the values ipykernel reports on the
project's Python (python3.11, see the Makefile). A kernel on another Python version
reports another ``version``; JupyterLab then still updates it (tests/book/test_jupyterlab.py
fails on such a machine with a message saying so).

    python scripts/notebook_metadata.py [NOTEBOOK ...]   # default: every chapter
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def normalize(path: Path) -> bool:
    """Write the two entries into ``path`` if they differ; True if the file changed."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    changed = False
    for key, want in (("kernelspec", KERNELSPEC), ("language_info", LANGUAGE_INFO)):
        if nb.metadata.get(key) != want:
            nb.metadata[key] = json.loads(json.dumps(want))
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(paths: list[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    files = [Path(p) for p in paths] or sorted(
        p for p in (root / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    for f in files:
        if normalize(f):
            print(f"kernel metadata set in {f}")


if __name__ == "__main__":
    main(sys.argv[1:])
