"""Fixtures for the book tests: one strict build per session, a local server, a browser.

The build (``jupyter-book build -W -n --keep-going .``, the same command as ``make book``,
so a cached build executes nothing) runs in the background from the start of the session
(``bookbuild``), and the tests that need the site are moved to the end of the session. On
a fresh checkout the build executes the notebooks while nbval and JupyterLab execute them
too, in parallel, instead of one after the other.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import bookbuild
import pytest
from playertools import players_of
from sitetools import CHROMIUM, CHROMIUM_ARGS, SITE, html_pages


def _needs_site(item) -> bool:
    path = Path(str(item.path))
    return path.name in bookbuild.SITE_TESTS and path.parent == Path(__file__).parent


def pytest_collection_modifyitems(session, config, items):
    """Run the site tests last; without xdist workers, start the build now, in the
    background (with them, the controller started it: see ``tests/conftest.py``)."""
    site_items = [i for i in items if _needs_site(i)]
    if not site_items:
        return
    items[:] = [i for i in items if not _needs_site(i)] + site_items
    if not config.option.collectonly and not hasattr(config, "workerinput"):
        bookbuild.start()


def pytest_sessionfinish(session, exitstatus):
    bookbuild.stop()


@pytest.fixture(scope="session")
def book_build(request):
    """Wait for the background build; return its exit code, log text and wall time.

    With ``BOOK_SITE=<path to an html folder>`` nothing is built and that site is tested
    (e.g. one built with a full trial TOC: ``jupyter-book build --toc … --path-output …``).
    """
    if os.environ.get("BOOK_SITE"):
        log = Path(os.environ["BOOK_SITE"]).parent.parent / "book-build.log"
        return {
            "returncode": 0,
            "seconds": 0.0,
            "log": log.read_text(errors="replace") if log.exists() else "",
        }
    worker = getattr(request.config, "workerinput", None)  # an xdist worker's
    started = bookbuild.started() if worker is None else worker.get("book_build", False)
    if not started:  # e.g. a single test run by node id
        pytest.fail("the book build was not started (the collection hook did not run)")
    try:
        return bookbuild.wait()
    except TimeoutError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    """The built site, only if the strict build succeeded."""
    if book_build["returncode"] != 0:
        pytest.fail("book build failed, see _build/book-build.log:\n" + book_build["log"][-3000:])
    return Path(os.environ["BOOK_SITE"]) if os.environ.get("BOOK_SITE") else SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # a page closed while its players were still fetching frames: not an error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def server(site):
    """``http://127.0.0.1:<port>/`` serving the built site from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through Playwright. Under CI=true a missing one fails."""
    exe = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not exe:
        msg = f"no chromium at {CHROMIUM} (make test installs Debian's chromium package)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def player_pages(site) -> dict[str, list[dict]]:
    pages = {}
    for page in html_pages(site):
        found = players_of(page)
        if found:
            pages[str(page.relative_to(site))] = found
    return pages
