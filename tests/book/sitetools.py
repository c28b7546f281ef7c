"""Helpers shared by the book tests (paths, page lists, one browser page visit)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = "nnlab-course/improving-deep-nets"
BRANCH = "main"


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of the built site (not a list: new chapters are picked up)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


def notebook_pages(site: Path) -> list[str]:
    """Relative paths (no suffix) of pages built from a notebook: their source is .ipynb."""
    src = site / "_sources"
    return sorted(str(p.relative_to(src).with_suffix("")) for p in src.rglob("*.ipynb"))


def is_local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in ("data", "blob", "about") or u.hostname in ("127.0.0.1", "localhost")


class PageVisit:
    """What one page load did: requests, failures, console errors and DOM facts."""

    def __init__(self):
        self.requests: list[str] = []
        self.off_host: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.facts: dict = {}


def open_page(browser, url: str, wait_for=None) -> tuple:
    """Open ``url`` in a fresh context; block (and record) every request off localhost."""
    ctx = browser.new_context()
    page = ctx.new_page()
    visit = PageVisit()

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            visit.off_host.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: visit.requests.append(req.url))
    page.on(
        "requestfailed",
        lambda req: visit.failed.append(f"{req.url} ({req.failure})")
        if is_local(req.url)
        else None,
    )
    page.on(
        "response",
        lambda res: visit.failed.append(f"{res.url} (HTTP {res.status})")
        if res.status >= 400
        else None,
    )
    page.on(
        "console",
        lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda err: visit.console_errors.append(f"page error: {err}"))
    page.goto(url, wait_until="load")
    return ctx, page, visit


MATH_RE = re.compile(r'class="math[ "]')
WIDGET_RE = re.compile(r"application/vnd\.jupyter\.widget-view\+json")
