"""A small Sphinx extension for the book (loaded through `local_extensions` in _config.yml).

sphinx-thebe 0.3.1 registers its inline configuration script (``const THEBE_JS_URL = …``)
twice under Jupyter Book 1.0.4; the second copy throws "Identifier 'THEBE_JS_URL' has
already been declared" in every page's console. Identical script entries are dropped here.
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


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=200)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
