"""The explorers' players on the built site (scripts/nnlab_player): their frames and layout.

Build checks read the HTML: every explorer of ``all_explorers()`` has a player, the old
"saved snapshot" note is gone, frames stay within budget and each frame on disk is the
figure ``explorer.png(**setting)`` draws (after the same palette quantization). In
headless chromium: players fit a 390 px screen, and a page opened from file:// plays.
(Split from ``test_players.py`` so that the two files run on the two test workers.)
"""

from __future__ import annotations

import random

import numpy as np
from nnlab_player import frames as F
from nnlab_player.grid import MAX_FRAMES
from nnlab_player.sphinx_ext import FRAMES_DIR, SITE_BUDGET
from playertools import READY, frame_src
from playertools import player_state as _state
from sitetools import html_pages, is_local


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
