"""Clear the outputs of notebooks in place (``make strip``): they are committed without.

Removes every code cell's outputs, execution count and timings, and the saved widget
state; leaves sources, cell tags and the kernelspec alone. Rewrites only changed files.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def strip(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    changed = nb.metadata.pop("widgets", None) is not None
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
