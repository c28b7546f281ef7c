"""The explorers' players on the built site (scripts/nnlab_player).

Build checks read the HTML: every explorer of ``all_explorers()`` has a player, the old
"saved snapshot" note is gone, frames stay within budget and each frame on disk is the
figure ``explorer.png(**setting)`` draws (after the same palette quantization). Browser
checks (headless chromium, nothing off localhost): every control of every player moved
by keyboard (dropdowns by selection) shows the frame of the new setting, ``data-setting``
and the URL fragment follow, a fresh page at that URL restores every player and scrolls
to the one moved last; players fit a 390 px screen; a page opened from file:// plays.
"""

from __future__ import annotations

import html as htmllib
import json
import random
import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from nnlab_player import frames as F
from nnlab_player.grid import MAX_FRAMES
from nnlab_player.sphinx_ext import FRAMES_DIR, SITE_BUDGET
from sitetools import html_pages, is_local, open_page

PLAYER_RE = re.compile(
    r'<div class="nnlab-player" id="([^"]+)" data-explorer="([^"]+)"'
    r' data-slot="([^"]+)" data-setting="([^"]+)"'
)
MANIFEST_RE = re.compile(
    r'<script type="application/json" class="nnlab-player-manifest">'
    r"(.*?)</script>",
    re.S,
)
READY = (
    "() => Array.from(document.querySelectorAll('div.nnlab-player'))"
    ".every(p => p.classList.contains('nnlab-player-ready'))"
)


def players_of(page: Path) -> list[dict]:
    """The players of one built page: id, key, slot, default setting and manifest."""
    text = page.read_text()
    heads, manifests = PLAYER_RE.findall(text), MANIFEST_RE.findall(text)
    assert len(heads) == len(manifests), page
    out = []
    for (pid, key, slot, setting), m in zip(heads, manifests):
        manifest = json.loads(m.replace("<\\/", "</"))
        out.append(
            {
                "id": pid,
                "key": key,
                "slot": slot,
                "manifest": manifest,
                "setting": json.loads(htmllib.unescape(setting)),
            }
        )
    return out


@pytest.fixture(scope="session")
def player_pages(site) -> dict[str, list[dict]]:
    pages = {}
    for page in html_pages(site):
        found = players_of(page)
        if found:
            pages[str(page.relative_to(site))] = found
    return pages


def frame_index(manifest: dict, setting: dict) -> int:
    k = 0
    for c in manifest["controls"]:
        k = k * len(c["values"]) + c["values"].index(setting[c["name"]])
    return k


def frame_src(manifest: dict, setting: dict) -> str:
    return manifest["base"] + manifest["frames"][frame_index(manifest, setting)]


# ---------------------------------------------------------------- the built pages
def test_every_explorer_plays_on_some_page(site, player_pages):
    on_site = {p["key"] for players in player_pages.values() for p in players}
    assert on_site == set(F.all_explorers()), (
        f"without a player: {sorted(set(F.all_explorers()) - on_site)}; "
        f"unknown: {sorted(on_site - set(F.all_explorers()))}"
    )
    for page in html_pages(site):
        text = page.read_text()
        assert "saved snapshot" not in text, page
        # every placeholder became a player (a player has its setting and manifest)
        assert text.count('class="nnlab-player"') == text.count("nnlab-player-manifest"), page


def test_frames_are_within_budget(site, player_pages):
    total = 0
    for rel, players in player_pages.items():
        for p in players:
            m = p["manifest"]
            size = 1
            for c in m["controls"]:
                size *= len(c["values"])
            assert len(m["frames"]) == size <= MAX_FRAMES, (rel, p["key"])
            folder = (site / rel).parent / m["base"]
            assert all((folder / f).is_file() for f in set(m["frames"])), (rel, p["key"])
    for f in (site / FRAMES_DIR).rglob("*.png"):
        total += f.stat().st_size
    assert 0 < total <= SITE_BUDGET, f"{total / 1e6:.1f} MB of frames"


# The share of a frame's width, from the left, that must repeat: the minibatch explorer's
# right panel (from 65 % of the width) shows wall times measured while it draws.
REPEATABLE_WIDTH = {"optimization.minibatch.minibatch_explorer": 0.635}


def test_frames_on_disk_are_the_explorers_figures(site, player_pages):
    """For the default and two random settings of every explorer, the frame the manifest
    names is ``explorer.png(**setting)`` after the player's quantization, pixel for pixel
    (up to 3 % of pixels), except a panel that shows measured wall times."""
    explorers = F.all_explorers()
    rng = random.Random(0)
    checked = set()
    for rel, players in player_pages.items():
        for p in players:
            if p["key"] in checked:
                continue
            checked.add(p["key"])
            m = p["manifest"]
            settings = [p["setting"]] + [
                {c["name"]: rng.choice(c["values"]) for c in m["controls"]} for _ in range(2)
            ]
            for s in settings:
                frame = F.pixels(((site / rel).parent / frame_src(m, s)).read_bytes())
                drawn = explorers[p["key"]].png(**s)
                now = F.pixels(F.quantize_png(drawn))
                assert frame.shape == now.shape, (p["key"], s, frame.shape, now.shape)
                cols = round(frame.shape[1] * REPEATABLE_WIDTH.get(p["key"], 1.0))
                frame, now = frame[:, :cols], now[:, :cols]
                differ = (frame != now).any(-1)
                assert differ.mean() < 0.03, (p["key"], s, f"{differ.mean():.1%} of pixels differ")
                # the quantization error, where the two drawings agree
                unquantized = F.pixels(drawn)[:, :cols]
                err = np.abs(frame.astype(int) - unquantized.astype(int))[~differ]
                assert err.mean() < 3.0, (p["key"], s, err.mean())
    assert checked


# ---------------------------------------------------------------- in the browser
def _fragment_entries(url: str) -> list[tuple[str, dict]]:
    frag = url.partition("#")[2]
    out = []
    for entry in filter(None, frag.split("&")):
        slot, _, rest = entry.partition(":")
        values = dict(
            tuple(unquote(x) for x in part.split("=", 1)) for part in rest.split(";") if "=" in part
        )
        out.append((unquote(slot), values))
    return out


def _same(text: str, value) -> bool:
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, (int, float)):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return text == str(value)


def _state(page, pid):
    return page.evaluate(
        """(pid) => {
      const p = document.getElementById(pid);
      const img = p.querySelector('img');
      return {setting: JSON.parse(p.getAttribute('data-setting')), src: img.getAttribute('src'),
              ok: img.complete && img.naturalWidth > 0, imgs: p.querySelectorAll('img').length};
    }""",
        pid,
    )


def _move(page, pid, control, index):
    """Move one control by keyboard (a dropdown by selection); return the new index."""
    name = control["name"]
    loc = page.locator(f'[id="{pid}"] [name="{name}"]')
    n = len(control["values"])
    if control["kind"] == "Dropdown":
        new = (index + 1) % n
        loc.select_option(index=new)  # by position: a value may equal another label
    elif control["kind"] == "Checkbox":
        loc.focus()
        page.keyboard.press("Space")
        new = 1 - index
    else:
        loc.focus()
        if index < n - 1:
            page.keyboard.press("ArrowRight")
            new = index + 1
        else:
            page.keyboard.press("ArrowLeft")
            new = index - 1
    return new


def test_every_control_of_every_player_plays_and_the_url_restores_it(server, browser, player_pages):
    problems = []
    for rel, players in sorted(player_pages.items()):
        ctx, page, visit = open_page(browser, server + rel)
        try:
            page.wait_for_function(READY, timeout=20_000)
            final = {}
            last = None
            for p in players:
                m, pid = p["manifest"], p["id"]
                setting = dict(p["setting"])
                assert _state(page, pid)["imgs"] == 1
                for c in m["controls"]:
                    loc = page.locator(f'[id="{pid}"] [name="{c["name"]}"]')
                    if c["pinned"]:
                        if not loc.is_disabled():
                            problems.append(f"{rel} {pid} {c['name']}: pinned but enabled")
                        continue
                    k = c["values"].index(setting[c["name"]])
                    new = _move(page, pid, c, k)
                    setting[c["name"]] = c["values"][new]
                    want = frame_src(m, setting)
                    try:
                        page.wait_for_function(
                            """([pid, want]) => { const i = document.getElementById(pid)
                                 .querySelector('img');
                               return i.getAttribute('src') === want && i.complete
                                 && i.naturalWidth > 0; }""",
                            arg=[pid, want],
                            timeout=10_000,
                        )
                    except Exception:
                        problems.append(
                            f"{rel} {pid} {c['name']}: image {_state(page, pid)['src']}"
                            f" is not {want}"
                        )
                        continue
                    got = _state(page, pid)["setting"]
                    if got != setting:
                        problems.append(f"{rel} {pid} {c['name']}: data-setting {got} != {setting}")
                    entries = _fragment_entries(page.url)
                    if (
                        not entries
                        or entries[-1][0] != p["slot"]
                        or not all(
                            _same(entries[-1][1].get(k2, "?"), v) for k2, v in setting.items()
                        )
                    ):
                        problems.append(f"{rel} {pid} {c['name']}: fragment {page.url!r}")
                final[pid] = dict(setting)
                last = pid
            url = page.url
        finally:
            ctx.close()
        problems += [f"{rel}: {e}" for e in visit.console_errors + visit.off_host + visit.failed]
        if last is None:
            continue
        # a fresh page at the shared URL: every player restored, the last one in view
        ctx, page, visit = open_page(browser, url)
        try:
            page.wait_for_function(READY, timeout=20_000)
            page.wait_for_timeout(300)
            for pid, setting in final.items():
                st = _state(page, pid)
                if st["setting"] != setting:
                    problems.append(f"{rel} {pid}: restored {st['setting']} != {setting}")
            top = page.evaluate(
                "(pid) => { const r = document.getElementById(pid)"
                ".getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }",
                last,
            )
            if not (top[0] < top[2] and top[1] > 0):
                problems.append(f"{rel}: last moved player {last} not in view after restore {top}")
        finally:
            ctx.close()
        problems += [
            f"{rel} (restored): {e}" for e in visit.console_errors + visit.off_host + visit.failed
        ]
    assert not problems, "\n".join(problems)


def test_players_fit_a_phone_screen(server, browser, player_pages):
    bad = []
    for rel in sorted(player_pages):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = ctx.new_page()
        page.route("**/*", lambda r: r.continue_() if is_local(r.request.url) else r.abort())
        try:
            page.goto(server + rel, wait_until="load")
            page.wait_for_function(READY, timeout=20_000)
            over = page.evaluate("""() => Array.from(document.querySelectorAll('div.nnlab-player'))
              .map(p => { const r = p.getBoundingClientRect();
                          const i = p.querySelector('img').getBoundingClientRect();
                          return [p.id, r.left, r.right, i.right, p.scrollWidth - p.clientWidth]; })
              .filter(([id, l, r, ir, sw]) => l < 0 || r > 390.5 || ir > r + 0.5 || sw > 1)""")
            bad += [f"{rel}: {o}" for o in over]
        finally:
            ctx.close()
    assert not bad, "\n".join(bad)


def test_a_page_opened_from_disk_plays(site, browser, player_pages):
    rel = (
        "chapters/how_to_use.html"
        if "chapters/how_to_use.html" in player_pages
        else sorted(player_pages)[0]
    )
    url = (site / rel).resolve().as_uri()
    ctx = browser.new_context()
    page = ctx.new_page()
    errors, off = [], []
    page.route(
        "**/*",
        lambda r: r.continue_()
        if r.request.url.startswith(("file:", "data:"))
        else (off.append(r.request.url), r.abort()),
    )
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(READY, timeout=20_000)
        p = player_pages[rel][0]
        slider = next(
            c
            for c in p["manifest"]["controls"]
            if c["kind"] not in ("Dropdown", "Checkbox") and not c["pinned"]
        )
        before = _state(page, p["id"])
        page.locator(f'[id="{p["id"]}"] [name="{slider["name"]}"]').focus()
        page.keyboard.press(
            "ArrowLeft"
            if before["setting"][slider["name"]] == slider["values"][-1]
            else "ArrowRight"
        )
        page.wait_for_function(
            """(pid) => { const i = document.getElementById(pid)
            .querySelector('img'); return i.complete && i.naturalWidth > 0; }""",
            arg=p["id"],
        )
        after = _state(page, p["id"])
        assert after["src"] != before["src"] and after["ok"]
        assert page.url.startswith("file:") and "#" in page.url
    finally:
        ctx.close()
    assert not errors and not off, (errors, off)
