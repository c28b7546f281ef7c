"""Fixtures for the book tests: one strict build per session, a local server, a browser.

The build (``jupyter-book build -W -n --keep-going .``, the same command as ``make book``,
so a cached build executes nothing) is started in the background as soon as collection
is over, and the tests that need the site are moved to the end of the session. On a
fresh checkout the build executes the notebooks while nbval executes them too, in
parallel, instead of one after the other.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sitetools import CHROMIUM, CHROMIUM_ARGS, ROOT, SITE

BIN = Path(sys.executable).parent
BUILD_CMD = [str(BIN / "jupyter-book"), "build", "-W", "-n", "--keep-going", str(ROOT)]
BUILD_TIMEOUT = 3000  # s; 20 notebooks and the players' frames, beside nbval and JupyterLab

_BOOK_TESTS = ("test_build.py", "test_site.py", "test_links.py", "test_players.py")
_build: dict = {}


def _needs_site(item) -> bool:
    path = Path(str(item.path))
    return path.name in _BOOK_TESTS and path.parent == Path(__file__).parent


def pytest_collection_modifyitems(session, config, items):
    """Run the site tests last and start the build now, in the background."""
    site_items = [i for i in items if _needs_site(i)]
    if not site_items:
        return
    items[:] = [i for i in items if not _needs_site(i)] + site_items
    if os.environ.get("BOOK_SITE"):  # test a site built elsewhere; no build here
        return
    if not config.option.collectonly and "proc" not in _build:
        (ROOT / "_build").mkdir(exist_ok=True)
        log = open(ROOT / "_build" / "book-build.log", "w")
        _build["log_path"] = log.name
        _build["start"] = time.perf_counter()
        _build["proc"] = subprocess.Popen(
            BUILD_CMD, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def pytest_sessionfinish(session, exitstatus):
    """Do not leave the background build running after an interrupted or -x session."""
    proc = _build.get("proc")
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def book_build():
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
    if "proc" not in _build:  # e.g. a single test run by node id
        pytest.fail("the book build was not started (collection hook did not run)")
    proc = _build["proc"]
    try:
        proc.wait(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"book build took more than {BUILD_TIMEOUT} s")
    text = Path(_build["log_path"]).read_text(errors="replace")
    return {
        "returncode": proc.returncode,
        "log": text,
        "seconds": time.perf_counter() - _build["start"],
    }


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    """The built site, only if the strict build succeeded."""
    if book_build["returncode"] != 0:
        pytest.fail("book build failed, see _build/book-build.log:\n" + book_build["log"][-3000:])
    return Path(os.environ["BOOK_SITE"]) if os.environ.get("BOOK_SITE") else SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """``http://127.0.0.1:<port>/`` serving the built site from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
