"""Take docs/screenshot.png and docs/player.png of the built site (run after `make book`).

Serves _build/html on 127.0.0.1, opens "How to use this book" in headless Debian
chromium, waits until MathJax and the EWA player are ready, captures the window scrolled
to the player (docs/screenshot.png) and the player itself at desktop width
(docs/player.png) and at 390 px (docs/player-phone.png, not committed).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


READY = (
    "() => Array.from(document.querySelectorAll('div.nnlab-player')).every("
    "p => p.classList.contains('nnlab-player-ready') && p.querySelector('img').naturalWidth > 0)"
)


def main(out: Path = ROOT / "docs" / "screenshot.png") -> None:
    handler = functools.partial(_Quiet, directory=str(ROOT / "_build" / "html"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/chapters/how_to_use.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url, wait_until="load")
        page.wait_for_function(READY)
        page.evaluate("() => MathJax.startup.promise")
        page.locator("#moving-the-sliders").scroll_into_view_if_needed()
        page.evaluate("() => document.querySelector('#moving-the-sliders').scrollIntoView()")
        page.wait_for_timeout(500)
        out.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(out))
        player = page.locator("div.nnlab-player").first
        # one step of beta, so the picture shows a moved control and its link
        player.locator('[name="beta"]').focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(READY)
        page.wait_for_timeout(300)
        player.screenshot(path=str(out.parent / "player.png"))
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(page.url, wait_until="load")
        phone.wait_for_function(READY)
        phone.wait_for_timeout(500)
        phone.screenshot(path=str(out.parent / "player-phone.png"))
        browser.close()
    httpd.shutdown()
    print(f"wrote {out}, {out.parent / 'player.png'}, {out.parent / 'player-phone.png'}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:]))
