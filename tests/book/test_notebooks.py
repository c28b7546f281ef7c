"""Chapter notebooks follow CONTRIBUTING.md: no outputs committed, set-up cell first,
check cells tagged and headed. nbval itself runs them (``pytest --nbval-lax chapters``)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRIP_ARGS = ["--keep-id"]  # as in the Makefile and .pre-commit-config.yaml
NOTEBOOKS = sorted(p for p in (ROOT / "chapters").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


def cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def notebook(request):
    return request.param


def test_there_are_chapters():
    assert (ROOT / "chapters" / "how_to_use.ipynb") in NOTEBOOKS


def test_committed_without_outputs(notebook):
    dirty = [i for i, c in enumerate(cells(notebook)) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"cells {dirty} have outputs: run `make strip`"
    # and nothing else nbstripout (what `make strip` and pre-commit run) would remove
    strip = Path(sys.executable).parent / "nbstripout"
    run = subprocess.run([str(strip), *STRIP_ARGS, "--verify", str(notebook)],
                         capture_output=True, text=True)
    assert run.returncode == 0, f"nbstripout would change it: run `make strip`\n{run.stdout}"


def test_first_code_cell_is_the_setup_cell(notebook):
    first = next(c for c in cells(notebook) if c["cell_type"] == "code")
    src = "".join(first["source"])
    assert src.startswith("# Set-up") and "import nnlab" in src and "%pip install" in src


def test_check_cells_are_tagged_and_headed(notebook):
    checks = [c for c in cells(notebook) if c["cell_type"] == "code"
              and "check" in c.get("metadata", {}).get("tags", [])]
    assert checks, "no cell tagged `check`"
    for c in checks:
        src = "".join(c["source"])
        assert src.startswith("# Check:") and "assert" in src
