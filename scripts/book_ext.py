"""A small Sphinx extension for the book (loaded through `local_extensions` in _config.yml).

**Citations that read the same in JupyterLab.** jupyterlab-myst has no bibliography: a
`` {cite}`kingma2015adam` `` shows there as the raw key. Chapters therefore cite with a
Markdown link whose text is the author-year label and whose target names the key::

    [[Kingma and Ba, 2015]](cite:kingma2015adam)      ->  {cite}`kingma2015adam`
    [Kingma and Ba [2015]](cite:t:kingma2015adam)     ->  {cite:t}`kingma2015adam`

JupyterLab shows the link text ("[Kingma and Ba, 2015]"); for the site ``source-read``
turns each link back into the sphinxcontrib-bibtex role before parsing, so the page gets
the real citation, linked to the bibliography. A link text that is not the label
sphinxcontrib-bibtex renders for that key (author_year style, ``author_year_label``) is a
warning, so the strict build fails on it.

sphinx-thebe 0.3.1 registers its inline configuration script (``const THEBE_JS_URL = …``)
twice under Jupyter Book 1.0.4; the second copy throws "Identifier 'THEBE_JS_URL' has
already been declared" in every page's console. Identical script entries are dropped here.

myst-nb adds the ipywidgets HTML manager (require.js, embed-amd.js, ~1 MB) and the saved
widget state to every page whose notebook saved widget state. The book shows explorers as
players (``nnlab_player``), not as widget views, so on a page without a widget view those
scripts would load for nothing; they are dropped there.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# [text](cite:key) or [text](cite:t:key); the text may hold one level of brackets.
CITE_LINK = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\(cite:(?:(t):)?([A-Za-z0-9_.,-]+)\)")


@lru_cache(maxsize=1)
def _bib_entries(bib: str = str(ROOT / "references.bib")):
    from pybtex.database import parse_file

    return parse_file(bib).entries


def author_year_label(key: str, narrative: bool = False) -> str:
    """The label sphinxcontrib-bibtex's author_year style renders for ``key`` (or several
    keys joined by commas): ``[Kingma and Ba, 2015]`` (``{cite}``) or ``Kingma and Ba
    [2015]`` (``{cite:t}``); three or more authors give ``Goyal et al.``. KeyError for an
    unknown key."""
    parts = []
    for k in key.split(","):
        entry = _bib_entries()[k.strip()]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_accents(" ".join(p.last_names)) for p in people]
        who = f"{last[0]} et al." if len(last) >= 3 else " and ".join(last)
        year = entry.fields.get("year", "")
        parts.append(f"{who} [{year}]" if narrative else f"{who}, {year}")
    return ", ".join(parts) if narrative else f"[{', '.join(parts)}]"


_ACCENTS = {"\\'a": "á", "\\'e": "é", '\\"u': "ü", '\\"o': "ö", "\\`e": "è"}


def _accents(name: str) -> str:
    """``Doll{\\'a}r`` -> ``Dollár``: the few accent commands references.bib uses."""
    for tex, char in _ACCENTS.items():
        name = name.replace(tex, char)
    return name.replace("{", "").replace("}", "")


def cite_links_to_roles(markdown: str, problems: list | None = None) -> str:
    """Replace every ``[label](cite:key)`` by the sphinxcontrib-bibtex role; record a
    label that does not match the key's author-year label in ``problems``."""

    def repl(m):
        text, kind, key = m.group(1), m.group(2), m.group(3)
        if problems is not None:
            try:
                want = author_year_label(key, narrative=kind == "t")
            except KeyError:
                want = None  # sphinxcontrib-bibtex reports the unknown key itself
            if want is not None and text != want:
                problems.append(f"citation of {key} reads {text!r}; write {want!r}")
        return f"{{cite:{kind}}}`{key}`" if kind else f"{{cite}}`{key}`"

    return CITE_LINK.sub(repl, markdown)


def _cite_links(app, docname, source):
    """``source-read``: citation links back to roles, in a notebook's Markdown cells or a
    Markdown page."""
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    text = source[0]
    if "](cite:" not in text:
        return
    problems: list[str] = []
    path = str(app.env.doc2path(docname))
    if path.endswith(".ipynb"):
        nb = json.loads(text)
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                src = cell["source"]
                joined = "".join(src) if isinstance(src, list) else src
                cell["source"] = cite_links_to_roles(joined, problems)
        source[0] = json.dumps(nb, ensure_ascii=False, indent=1)
    else:
        source[0] = cite_links_to_roles(text, problems)
    for p in problems:
        logger.warning(p, location=docname)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        # One copy has filename None, the other "" (an inline script either way).
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept  # in place: later handlers and Sphinx keep using this list


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_unused_widget_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts or WIDGET_VIEW in (context.get("body") or ""):
        return
    # The builder stores a local script under _static/ ("_static/require/require.js").
    widget_js = {posixpath.join("_static", f) for f in app.config.nb_ipywidgets_js or {}}

    def unused(js):
        attrs = getattr(js, "attributes", {}) or {}
        return attrs.get("type") == WIDGET_STATE or (getattr(js, "filename", "") or "") in widget_js

    scripts[:] = [js for js in scripts if not unused(js)]


def setup(app):
    app.connect("source-read", _cite_links)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=200)
    # after myst-nb's per-page resources (default priority 500)
    app.connect("html-page-context", _drop_unused_widget_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
