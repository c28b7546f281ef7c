"""Sphinx side of the players: every explorer output becomes a player on the static page.

In a notebook, ``Explorer.build()`` displays an ipywidgets box whose mime bundle also has
a ``text/html`` placeholder, ``<div class="nnlab-player" data-explorer="KEY">``; the book
prefers ``text/html`` for the html builder (``nb_mime_priority_overrides`` in
``_config.yml``), so the page gets the placeholder while JupyterLab, Colab and thebe keep
the live widget. Here:

0. ``builder-inited`` starts drawing frames of every explorer on one core, while the
   notebooks execute on the other (``frames.EarlyRenderer``);
1. ``doctree-read`` records which explorers each page shows;
2. ``env-updated`` plans the static grid of every explorer in use, draws the frames that
   are not cached (``frames.render_missing``: both cores), copies them to
   ``_static/player/<key>/<content hash>.png`` and marks pages whose player changed;
3. ``doctree-resolved`` replaces each placeholder with the player: controls, the figure
   as one ``<img>``, the note, a copy-link button and the inlined manifest (no fetch: the
   site also works from ``file://``);
4. ``html-page-context`` adds ``nnlab-player.js``/``.css`` to pages with a player;
5. ``build-finished`` deletes frames no manifest names any more.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import time
from pathlib import Path

from docutils import nodes

from . import frames as F
from .grid import MAX_FRAMES

STATIC_DIR = Path(__file__).parent / "static"
PLACEHOLDER_RE = re.compile(
    r'<div class="nnlab-player" data-explorer="([^"]+)"[^>]*>.*?</div>', re.S
)
FRAMES_DIR = "_static/player"
SITE_BUDGET = 60_000_000


def _cache_dir(app) -> Path:
    return Path(app.outdir).parent / ".player_cache"


# ---------------------------------------------------------------- reading
def _placeholders(doctree):
    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "").split() and 'class="nnlab-player"' in node.astext():
            yield node


def doctree_read(app, doctree):
    env = app.env
    if not hasattr(env, "nnlab_players"):
        env.nnlab_players = {}
    keys = [
        m.group(1)
        for node in _placeholders(doctree)
        for m in PLACEHOLDER_RE.finditer(node.astext())
    ]
    if keys:
        env.nnlab_players[env.docname] = keys
    else:
        env.nnlab_players.pop(env.docname, None)


def env_purge_doc(app, env, docname):
    getattr(env, "nnlab_players", {}).pop(docname, None)


def env_merge_info(app, env, docnames, other):
    if not hasattr(env, "nnlab_players"):
        env.nnlab_players = {}
    env.nnlab_players.update(getattr(other, "nnlab_players", {}))


# ---------------------------------------------------------------- frames
def _load_index(cache: Path) -> dict:
    try:
        return json.loads((cache / "index.json").read_text())
    except (OSError, ValueError):
        return {}


def env_updated(app, env):
    used = getattr(env, "nnlab_players", {})
    keys = sorted({k for ks in used.values() for k in ks})
    app.nnlab_manifests = {}
    if not keys:
        return []
    t0 = time.perf_counter()
    explorers = F.all_explorers()
    unknown = [k for k in keys if k not in explorers]
    if unknown:
        raise RuntimeError(f"pages show explorers all_explorers() does not know: {unknown}")
    early = getattr(app, "nnlab_early", None)
    made = early.stop() if early is not None else {}
    plans = [made.get(k) or F.plan(k, explorers[k]) for k in keys]
    for p in plans:
        if p.grid.size > MAX_FRAMES:
            raise RuntimeError(
                f"{p.key}: {p.grid.size} frames on the static page "
                f"(at most {MAX_FRAMES}); pin a control or give fewer values"
            )
    cache = _cache_dir(app)
    cache.mkdir(parents=True, exist_ok=True)
    app.nnlab_early = None
    log = lambda m: _log(app, m)  # noqa: E731
    seconds = (
        early.finish(plans, log=log)
        if early is not None
        else F.render_missing(plans, cache, log=log)
    )
    index = _load_index(cache)
    out = Path(app.outdir) / FRAMES_DIR
    digests = {}
    for p in plans:
        names = []
        dest = out / p.key
        dest.mkdir(parents=True, exist_ok=True)
        for rkey in p.render_keys:
            if rkey not in index:
                data = F.cache_path(cache, rkey).read_bytes()
                w, h = F.png_size(data)
                index[rkey] = [hashlib.sha256(data).hexdigest()[:16], len(data), w, h]
            name = index[rkey][0] + ".png"
            if not (dest / name).exists():
                shutil.copyfile(F.cache_path(cache, rkey), dest / name)
            names.append(name)
        w, h = index[p.render_keys[p.grid.index(p.grid.default_setting())]][2:4]
        manifest = {
            "key": p.key,
            "title": p.title,
            "controls": p.grid.to_json(),
            "frames": names,
            "width": w,
            "height": h,
            "bytes": sum(index[r][1] for r in set(p.render_keys)),
            "render_seconds": round(seconds.get(p.key, 0.0), 2),
        }
        app.nnlab_manifests[p.key] = manifest
        digests[p.key] = hashlib.sha256(
            json.dumps(
                {k: v for k, v in manifest.items() if k not in ("render_seconds", "bytes")},
                sort_keys=True,
            ).encode()
        ).hexdigest()
    tmp = cache / "index.json.tmp"
    tmp.write_text(json.dumps(index))
    os.replace(tmp, cache / "index.json")
    old = getattr(env, "nnlab_digests", {})
    env.nnlab_digests = digests
    changed = {k for k in keys if old.get(k) != digests[k]}
    total = sum(len(m["frames"]) for m in app.nnlab_manifests.values())
    _log(
        app,
        f"nnlab player: {len(keys)} explorers, {total} frames ready in "
        f"{time.perf_counter() - t0:.1f} s",
    )
    return [doc for doc, ks in used.items() if changed & set(ks)]


def _log(app, msg):
    from sphinx.util import logging

    logging.getLogger(__name__).info(msg, color="darkgreen")


def build_finished(app, exception):
    """Drop frames no current manifest names (the site keeps only what it shows)."""
    manifests = getattr(app, "nnlab_manifests", None)
    if exception is not None or manifests is None:
        return
    out = Path(app.outdir) / FRAMES_DIR
    if not out.exists():
        return
    keep = {(k, n) for k, m in manifests.items() for n in m["frames"]}
    total = 0
    for d in out.iterdir():
        if not d.is_dir():
            continue
        for f in d.iterdir():
            if (d.name, f.name) not in keep:
                f.unlink()
            else:
                total += f.stat().st_size
        if not any(d.iterdir()):
            d.rmdir()
    if total > SITE_BUDGET:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            f"player frames take {total / 1e6:.1f} MB (budget {SITE_BUDGET / 1e6:.0f} MB)"
        )


# ---------------------------------------------------------------- writing
def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def player_html(manifest: dict, base: str, pid: str, slot: str) -> str:
    """The markup of one player (controls, figure, note, manifest); the script wires it."""
    controls = manifest["controls"]
    setting = {c["name"]: c["values"][c["default"]] for c in controls}
    n = len(manifest["frames"])
    out = [
        f'<div class="nnlab-player" id="{_attr(pid)}" data-explorer="{_attr(manifest["key"])}"'
        f' data-slot="{_attr(slot)}" data-setting="{_attr(json.dumps(setting, separators=(",", ":")))}"'
        f' role="group" aria-labelledby="{_attr(pid)}-title">'
    ]
    title = manifest["title"] or manifest["key"]
    out.append(f'<p class="nnlab-player-title" id="{_attr(pid)}-title">{html.escape(title)}</p>')
    out.append('<div class="nnlab-player-controls">')
    for i, c in enumerate(controls):
        cid = f"{pid}-c{i}"
        label = html.escape(c["label"])
        pinned = c["pinned"]
        hint = f' aria-describedby="{cid}-hint"' if pinned else ""
        dis = " disabled"  # enabled by the script (pinned ones stay greyed)
        cls = f"nnlab-control nnlab-{c['kind'].lower()}" + (" nnlab-pinned" if pinned else "")
        out.append(f'<div class="{cls}">')
        readout = c["readouts"][c["default"]]
        if c["kind"] == "Checkbox":
            checked = " checked" if c["values"][c["default"]] else ""
            out.append(
                f'<input type="checkbox" id="{cid}" name="{_attr(c["name"])}"'
                f'{checked}{hint}{dis}><label for="{cid}">{label}</label>'
            )
        elif c["kind"] == "Dropdown":
            opts = "".join(
                f'<option value="{j}"{" selected" if j == c["default"] else ""}>'
                f"{html.escape(r)}</option>"
                for j, r in enumerate(c["readouts"])
            )
            out.append(
                f'<label for="{cid}">{label}</label>'
                f'<select id="{cid}" name="{_attr(c["name"])}"{hint}{dis}>{opts}</select>'
            )
        else:
            out.append(
                f'<label for="{cid}">{label}</label>'
                f'<input type="range" id="{cid}" name="{_attr(c["name"])}" min="0"'
                f' max="{len(c["values"]) - 1}" step="1" value="{c["default"]}"'
                f' aria-valuetext="{_attr(readout)}"{hint}{dis}>'
                f'<output for="{cid}">{html.escape(readout)}</output>'
            )
        if pinned:
            out.append(
                f'<span class="nnlab-pinned-hint" id="{cid}-hint">launch to change this</span>'
            )
        out.append("</div>")
    out.append("</div>")
    default_index = sum(c["default"] * s for c, s in zip(controls, _strides(controls)))
    alt = f"{title}: " + ", ".join(f"{c['label']} {c['readouts'][c['default']]}" for c in controls)
    out.append(
        f'<img class="nnlab-player-figure" src="{_attr(base + manifest["frames"][default_index])}"'
        f' width="{manifest["width"]}" height="{manifest["height"]}" alt="{_attr(alt)}">'
    )
    out.append(
        '<div class="nnlab-player-bar"><p class="nnlab-player-note">'
        f"This static page holds {n} setting{'s' if n != 1 else ''} of this explorer; the controls "
        "step through them. For every value, run it live: the "
        '<i class="fas fa-rocket" aria-hidden="true"></i> rocket icon at the top '
        "(Binder, Colab) or <b>Live Code</b>.</p>"
        '<button type="button" class="nnlab-copy-link" disabled>Copy link</button>'
        '<span class="nnlab-copy-status" role="status" aria-live="polite"></span></div>'
    )
    data = dict(manifest, base=base)
    data.pop("render_seconds", None)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    out.append(f'<script type="application/json" class="nnlab-player-manifest">{text}</script>')
    out.append("</div>")
    return "".join(out)


def _strides(controls):
    strides, s = [], 1
    for c in reversed(controls):
        strides.insert(0, s)
        s *= len(c["values"])
    return strides


def doctree_resolved(app, doctree, docname):
    manifests = getattr(app, "nnlab_manifests", {})
    seen: dict[str, int] = {}
    folder = posixpath.dirname(docname) or "."
    for node in list(_placeholders(doctree)):

        def replace(m):
            key = m.group(1)
            if key not in manifests:
                raise RuntimeError(f"{docname}: no frames for explorer {key!r}")
            seen[key] = seen.get(key, 0) + 1
            slot = key if seen[key] == 1 else f"{key}~{seen[key]}"
            base = posixpath.relpath(f"{FRAMES_DIR}/{key}", folder) + "/"
            pid = "player-" + re.sub(r"[^A-Za-z0-9_-]+", "-", slot)
            return player_html(manifests[key], base, pid, slot)

        text = PLACEHOLDER_RE.sub(replace, node.astext())
        node.replace_self(nodes.raw("", text, format="html", classes=node.get("classes", [])))


def html_page_context(app, pagename, templatename, context, doctree):
    if pagename in getattr(app.env, "nnlab_players", {}):
        app.add_css_file("nnlab-player.css")
        app.add_js_file("nnlab-player.js", loading_method="defer")


def builder_inited(app):
    """Start drawing frames on one core while the other executes the notebooks
    (``NNLAB_PLAYER_EARLY=0`` turns this off)."""
    app.nnlab_early = None
    if app.builder.format == "html" and os.environ.get("NNLAB_PLAYER_EARLY", "1") != "0":
        cache = _cache_dir(app)
        cache.mkdir(parents=True, exist_ok=True)
        app.nnlab_early = F.EarlyRenderer(cache)


def build_finished_early(app, exception):
    early = getattr(app, "nnlab_early", None)
    if early is not None:  # e.g. the build failed before env-updated
        early.close()
        app.nnlab_early = None


def config_inited(app, config):
    config.html_static_path = list(config.html_static_path) + [str(STATIC_DIR)]


def setup(app):
    app.connect("config-inited", config_inited)
    app.connect("builder-inited", builder_inited)
    app.connect("build-finished", build_finished_early, priority=100)
    app.connect("doctree-read", doctree_read)
    app.connect("env-purge-doc", env_purge_doc)
    app.connect("env-merge-info", env_merge_info)
    app.connect("env-updated", env_updated)
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("html-page-context", html_page_context)
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": False, "env_version": 1}
