"""Chapter notebooks follow CONTRIBUTING.md: no outputs committed, set-up cell first,
check cells tagged and headed, metadata that JupyterLab leaves alone, citations that read
as author-year in JupyterLab too. nbval itself runs them (``pytest --nbval-lax chapters``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRIP_ARGS = ["--keep-id"]  # as in the Makefile and .pre-commit-config.yaml
sys.path.insert(0, str(ROOT / "scripts"))
from book_ext import CITE_LINK, cite_links_to_roles  # noqa: E402
from notebook_metadata import KERNELSPEC, LANGUAGE_INFO  # noqa: E402

NOTEBOOKS = sorted(
    p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def notebook(request):
    return request.param


def test_there_are_chapters():
    assert (ROOT / "chapters" / "how_to_use.ipynb") in NOTEBOOKS


@pytest.fixture(scope="module")
def would_strip() -> set[Path]:
    """The notebooks ``nbstripout --verify`` would change (one run for all: it starts slowly)."""
    strip = Path(sys.executable).parent / "nbstripout"
    run = subprocess.run(
        [str(strip), *STRIP_ARGS, "--verify", *map(str, NOTEBOOKS)], capture_output=True, text=True
    )
    found = {Path(m) for m in re.findall(r"would have stripped (.+)", run.stdout)}
    assert run.returncode == (1 if found else 0), run.stdout + run.stderr
    return found


def test_committed_without_outputs(notebook, would_strip):
    dirty = [
        i
        for i, c in enumerate(cells(notebook))
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"cells {dirty} have outputs: run `make strip`"
    # and nothing else nbstripout (what `make strip` and pre-commit run) would remove
    assert notebook not in would_strip, "nbstripout would change it: run `make strip`"


def test_first_code_cell_is_the_setup_cell(notebook):
    first = next(c for c in cells(notebook) if c["cell_type"] == "code")
    src = "".join(first["source"])
    assert src.startswith("# Set-up") and "import nnlab" in src and "%pip install" in src


def test_check_cells_are_tagged_and_headed(notebook):
    checks = [
        c
        for c in cells(notebook)
        if c["cell_type"] == "code" and "check" in c.get("metadata", {}).get("tags", [])
    ]
    assert checks, "no cell tagged `check`"
    for c in checks:
        src = "".join(c["source"])
        assert src.startswith("# Check:") and "assert" in src


def test_opens_unmodified_in_jupyterlab(notebook):
    """JupyterLab marks a notebook modified on opening when the kernel's kernelspec or
    language_info differ from the saved ones in any field, or when it has to upgrade the
    format (cell ids arrived with nbformat 4.5). `make strip` writes the right ones."""
    nb = json.loads(notebook.read_text())
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"].get("kernelspec") == KERNELSPEC, "run `make strip`"
    assert nb["metadata"].get("language_info") == LANGUAGE_INFO, "run `make strip`"
    ids = [c.get("id") for c in nb["cells"]]
    assert all(ids) and len(set(ids)) == len(ids), "every cell needs a unique id"


def test_citations_read_as_author_year_in_jupyterlab(notebook):
    """jupyterlab-myst shows a {cite} role as its raw key: chapters cite with
    [[Kingma and Ba, 2015]](cite:kingma2015adam) instead (scripts/book_ext.py turns it
    back into the role for the site), and the label must be the one the site renders."""
    problems = []
    for c in cells(notebook):
        if c["cell_type"] != "markdown":
            continue
        src = "".join(c["source"])
        assert not re.search(r"\{cite(:\w+)?\}`", src), "cite with [[Author, year]](cite:key)"
        assert "{fa}" not in src, "{fa} is not MyST that JupyterLab knows: use an emoji"
        cite_links_to_roles(src, problems)
        # a citation link broken over two lines is not recognised: keep it on one line
        assert src.count("](cite:") == len(CITE_LINK.findall(src))
    assert not problems, problems
