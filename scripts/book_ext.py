"""A small Sphinx extension for the book (loaded through `local_extensions` in _config.yml).

sphinx-thebe 0.3.1 registers its inline configuration script (``const THEBE_JS_URL = …``)
twice under Jupyter Book 1.0.4; the second copy throws "Identifier 'THEBE_JS_URL' has
already been declared" in every page's console. Identical script entries are dropped here.

myst-nb adds the ipywidgets HTML manager (require.js, embed-amd.js, ~1 MB) and the saved
widget state to every page whose notebook saved widget state. The book shows explorers as
players (``nnlab_player``), not as widget views, so on a page without a widget view those
scripts would load for nothing; they are dropped there.
"""
from __future__ import annotations


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
    widget_js = set(app.config.nb_ipywidgets_js or {})

    def unused(js):
        attrs = getattr(js, "attributes", {}) or {}
        return (attrs.get("type") == WIDGET_STATE
                or (getattr(js, "filename", "") or "") in widget_js)

    scripts[:] = [js for js in scripts if not unused(js)]


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=200)
    # after myst-nb's per-page resources (default priority 500)
    app.connect("html-page-context", _drop_unused_widget_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
