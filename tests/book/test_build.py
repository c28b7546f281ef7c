"""The strict book build: no warnings, every TOC page built, widget state saved, no CDN."""

from __future__ import annotations

import json
import re

import yaml
from sitetools import ROOT, html_pages, notebook_pages

ASSET_RE = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"')


def toc_files() -> list[str]:
    """Every file the TOC names (root, part chapters and their sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                found.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return found


def test_build_has_no_warnings(book_build):
    assert book_build["returncode"] == 0, book_build["log"][-3000:]
    warnings = [
        ln
        for ln in book_build["log"].splitlines()
        if "WARNING" in ln and "Kernel is running over TCP" not in ln
    ]
    assert not warnings, "\n".join(warnings)


def test_every_toc_entry_became_a_page(site):
    missing = [f for f in toc_files() if not (site / f"{f}.html").exists()]
    assert not missing


def test_every_chapter_notebook_is_in_the_toc(site):
    """A notebook under chapters/ that the TOC does not list would silently miss the site
    (``only_build_toc_files``) while nbval still runs it: fail and say which."""
    listed = set(toc_files())
    stray = sorted(
        str(p.relative_to(ROOT).with_suffix(""))
        for p in (ROOT / "chapters").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    stray = [s for s in stray if s not in listed]
    assert not stray, f"chapters not in _toc.yml: {', '.join(stray)}"


def test_widget_state_is_saved_in_pages_with_widgets(site):
    """A page that shows a widget view carries its saved state; a page that shows none
    (explorers are players on the static site) loads no widget manager at all."""
    for page in html_pages(site):
        html = page.read_text()
        if "application/vnd.jupyter.widget-view+json" not in html:
            assert "html-manager/embed-amd.js" not in html, page.name
            assert "application/vnd.jupyter.widget-state+json" not in html, page.name
            continue
        m = re.search(
            r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>',
            html,
            re.S,
        )
        assert m, f"{page.name}: widget views but no saved widget state"
        state = json.loads(m.group(1))["state"]
        views = re.findall(r'"model_id": "([0-9a-f]+)"', html)
        assert views and all(v in state for v in views), page.name


def test_no_asset_is_loaded_from_the_network(site):
    """Every <script src>, <link href> (stylesheets, icons) and <img src> is local."""
    bad = {}
    for page in html_pages(site):
        for tag in re.finditer(r"<(script|link|img)\b[^>]*>", page.read_text()):
            text = tag.group(0)
            if tag.group(1) == "link" and not re.search(
                r'rel="(stylesheet|icon|preload|modulepreload)"', text
            ):
                continue
            url = re.search(r'\b(?:src|href)="([^"]+)"', text)
            if url and re.match(r"(https?:)?//", url.group(1)):
                bad.setdefault(page.name, []).append(url.group(1))
    assert not bad, bad


def test_notebook_download_and_vendored_js_exist(site):
    assert notebook_pages(site), "no page was built from a notebook"
    for rel in notebook_pages(site):
        nb = json.loads((site / "_sources" / f"{rel}.ipynb").read_text())
        assert nb["cells"], rel
    for asset in (
        "mathjax/es5/tex-chtml.js",
        "require/require.js",
        "html-manager/embed-amd.js",
        "html-manager/widgets-cdn.js",
    ):
        assert (site / "_static" / asset).stat().st_size > 0, asset
