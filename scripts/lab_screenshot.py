"""Take docs/jupyterlab-exercise.png: an exercise as JupyterLab shows a launched chapter.

Starts the JupyterLab of ``.venv-lab`` (what Binder installs: ``make lab-venv``) on
127.0.0.1 over a copy of chapters/, opens chapter II.4 (Adam) in headless Debian chromium
at 1280 px, unfolds the first solution and captures the window scrolled to the exercises.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "book"))
from labtools import LabServer, LabSession, lab_env, launch_browser  # noqa: E402


def main(
    rel: str = "optimization/04_adam.ipynb", out: Path = ROOT / "docs" / "jupyterlab-exercise.png"
) -> None:
    with LabServer(lab_env()) as server, sync_playwright() as pw:
        browser = launch_browser(pw)
        session = LabSession(browser, server)
        session.open(rel)
        page = session.page
        heading = page.locator(".jp-MarkdownCell h2", has_text="Exercises").first
        heading.scroll_into_view_if_needed()
        # unfold the first solution: the reader clicks its title bar
        page.locator(
            ".jp-MarkdownCell details summary, .jp-MarkdownCell [aria-expanded]",
            has_text="Solution",
        ).first.click()
        page.wait_for_timeout(800)
        page.evaluate("(h) => h.scrollIntoView({block: 'start'})", heading.element_handle())
        page.wait_for_timeout(500)
        page.screenshot(path=str(out))
        session.close_current()
        session.close()
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
