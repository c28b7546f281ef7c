"""The one strict book build of a test session, run in the background.

``make test`` runs pytest on two workers (pytest-xdist, ``-n 2 --dist loadfile``). The
build must run once, starting as early as possible so that it overlaps the unit tests,
nbval and JupyterLab; so the process that starts it is the one that runs the session:
the xdist controller, or pytest itself when it runs without workers. A thread of that
process waits for the build and writes its exit code to ``EXIT_FILE``; a worker's
``book_build`` fixture waits for that file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sitetools import ROOT

BIN = Path(sys.executable).parent
BUILD_CMD = [str(BIN / "jupyter-book"), "build", "-W", "-n", "--keep-going", str(ROOT)]
BUILD_TIMEOUT = 3000  # s; 20 notebooks and the players' frames, beside nbval and JupyterLab
LOG_FILE = ROOT / "_build" / "book-build.log"
EXIT_FILE = ROOT / "_build" / "book-build.exit"

_build: dict = {}


def start() -> None:
    """Start the build (once per process) and a thread that records its exit code."""
    if "proc" in _build or os.environ.get("BOOK_SITE"):  # BOOK_SITE: a site built elsewhere
        return
    LOG_FILE.parent.mkdir(exist_ok=True)
    EXIT_FILE.unlink(missing_ok=True)
    log = open(LOG_FILE, "w")
    _build["start"] = time.perf_counter()
    proc = subprocess.Popen(
        BUILD_CMD, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    _build["proc"] = proc

    def record():
        code = proc.wait()
        log.close()
        partial = EXIT_FILE.with_suffix(".part")  # written whole, then renamed: never half-read
        partial.write_text(f"{code} {time.perf_counter() - _build['start']:.1f}\n")
        partial.replace(EXIT_FILE)

    threading.Thread(target=record, daemon=True).start()


def started() -> bool:
    return "proc" in _build


def stop() -> None:
    """Do not leave the build running after the session (interrupted, -x, or done)."""
    proc = _build.get("proc")
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait() -> dict:
    """Wait for the build started by this session (here or in the controller); its exit
    code, log text and wall time. Raises TimeoutError after ``BUILD_TIMEOUT``."""
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not EXIT_FILE.exists():
        if time.monotonic() > deadline:
            stop()
            raise TimeoutError(f"book build took more than {BUILD_TIMEOUT} s")
        time.sleep(0.5)
    code, seconds = EXIT_FILE.read_text().split()
    return {
        "returncode": int(code),
        "log": LOG_FILE.read_text(errors="replace"),
        "seconds": float(seconds),
    }


def wanted_by(args: list[str]) -> bool:
    """Whether pytest's arguments reach a test of the built site (``tests``, ``tests/book``
    or one of its site test files): the xdist controller collects nothing, so it starts
    the build on the arguments alone."""
    book = (ROOT / "tests" / "book").resolve()
    for arg in args or [str(ROOT / "tests")]:
        path = Path(arg.split("::")[0]).resolve()
        if path == book or book.is_relative_to(path) or path.name in SITE_TESTS:
            return True
    return False


SITE_TESTS = (
    "test_build.py",
    "test_site.py",
    "test_links.py",
    "test_players.py",
    "test_player_frames.py",
)
"""The test files that need the built site (run at the end of a session)."""
