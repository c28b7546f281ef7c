"""The explorers' players on the built site, driven in headless chromium
(scripts/nnlab_player; ``test_player_frames.py`` checks the frames and the layout).

Every control of every player moved by keyboard (dropdowns by selection) shows the frame
of the new setting, ``data-setting`` and the URL fragment follow, and a fresh page at
that URL restores every player and scrolls to the one moved last. Nothing is requested
off localhost.
"""

from __future__ import annotations

from urllib.parse import unquote

from playertools import READY, frame_src
from playertools import player_state as _state
from sitetools import open_page


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
