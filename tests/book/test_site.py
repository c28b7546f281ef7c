"""Browser tests: every page of the built site, served from 127.0.0.1, in headless chromium.

One visit per page (a session fixture) records requests, failures and console errors
and reads the DOM once MathJax and the widget manager are done; the tests assert on it.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from sitetools import BRANCH, MATH_RE, REPO, WIDGET_RE, html_pages, notebook_pages, open_page

DOM_FACTS = """async () => {
  const out = {};
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  out.mjx = document.querySelectorAll('mjx-container').length;
  const imgs = Array.from(document.querySelectorAll('img'));
  out.broken_images = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
  out.images = imgs.length;
  out.widgets = document.querySelectorAll('.jupyter-widgets').length;
  out.sliders = document.querySelectorAll('.widget-slider, .jupyter-widgets .slider').length;
  const wimgs = Array.from(document.querySelectorAll('.jupyter-widgets img'));
  out.widget_images = wimgs.length;
  out.widget_images_ok = wimgs.filter(i => i.complete && i.naturalWidth > 0).length;
  const players = Array.from(document.querySelectorAll('div.nnlab-player'));
  out.players = players.length;
  out.players_ready = players.filter(p => p.classList.contains('nnlab-player-ready')).length;
  out.player_images_ok = players.filter(p => { const i = p.querySelector('img');
    return i && i.complete && i.naturalWidth > 0; }).length;
  out.text = document.body.innerText;
  return out;
}"""


@pytest.fixture(scope="session")
def visits(site, server, browser):
    """Load every HTML page; wait for math and widgets where the page has them."""
    result = {}
    for path in html_pages(site):
        rel = str(path.relative_to(site))
        html = path.read_text()
        ctx, page, visit = open_page(browser, server + rel)
        try:
            if re.search(r'http-equiv="refresh"', html, re.I):  # index.html -> root page
                page.wait_for_url(lambda u: not u.endswith(rel), timeout=60_000)
                page.wait_for_load_state("load")
            if WIDGET_RE.search(html):
                page.wait_for_selector(".jupyter-widgets img", timeout=30_000)
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('.jupyter-widgets img'))"
                    ".every(i => i.complete && i.naturalWidth > 0)",
                    timeout=30_000,
                )
            if 'class="nnlab-player"' in html:
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('div.nnlab-player')).every("
                    "p => p.classList.contains('nnlab-player-ready')"
                    " && p.querySelector('img').complete)",
                    timeout=30_000,
                )
            visit.facts = page.evaluate(DOM_FACTS)
            visit.facts["has_players"] = 'class="nnlab-player"' in html
            visit.facts["has_math"] = bool(MATH_RE.search(html))
            visit.facts["has_widgets"] = bool(WIDGET_RE.search(html))
            # not "networkidle": players keep fetching neighbouring frames ahead of the reader
            page.wait_for_load_state("load")
            page.wait_for_timeout(1_500)
        finally:
            ctx.close()
        result[rel] = visit
    return result


def test_every_page_visited(site, visits):
    assert set(visits) == {str(p.relative_to(site)) for p in html_pages(site)}
    assert "chapters/how_to_use.html" in visits


def test_nothing_is_requested_off_localhost(visits):
    off = {rel: v.off_host for rel, v in visits.items() if v.off_host}
    assert not off, off


def test_no_failed_requests(visits):
    failed = {rel: v.failed for rel, v in visits.items() if v.failed}
    assert not failed, failed


def test_no_console_errors(visits):
    errors = {rel: v.console_errors for rel, v in visits.items() if v.console_errors}
    assert not errors, errors


def test_mathjax_typeset_the_math(visits):
    pages = {rel: v.facts["mjx"] for rel, v in visits.items() if v.facts["has_math"]}
    assert pages, "no page with math"
    untypeset = [rel for rel, n in pages.items() if n == 0]
    assert not untypeset


def test_images_loaded(visits):
    broken = {
        rel: v.facts["broken_images"] for rel, v in visits.items() if v.facts["broken_images"]
    }
    assert not broken, broken


def test_widgets_render_from_saved_state(visits):
    """Any widget view left on a page (explorers are players, see test_players.py) renders."""
    for rel, v in visits.items():
        f = v.facts
        if f["has_widgets"]:
            assert f["widgets"] > 0 and f["widget_images_ok"] == f["widget_images"], rel


def test_explorers_are_players_on_the_static_page(visits):
    pages = {rel: v.facts for rel, v in visits.items() if v.facts["has_players"]}
    assert "chapters/how_to_use.html" in pages
    for rel, f in pages.items():
        assert f["players"] > 0 and f["players_ready"] == f["players"], rel
        assert f["player_images_ok"] == f["players"], rel
        assert "saved snapshot" not in f["text"], rel
        assert "settings of this explorer" in f["text"] and "Live Code" in f["text"], rel


def test_launch_buttons_and_download_on_every_notebook_page(site, server):
    pages = notebook_pages(site)
    assert "chapters/how_to_use" in pages
    for rel in pages:
        html = (site / f"{rel}.html").read_text()
        hrefs = set(re.findall(r'href="([^"]+)"', html))
        colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{rel}.ipynb"
        binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{rel}.ipynb"
        assert colab in hrefs, rel
        assert binder in hrefs, rel
        assert any("/hub/user-redirect/git-pull?" in h and f"{rel}.ipynb" in h for h in hrefs), rel
        assert "initThebeSBT()" in html, f"{rel}: no Live Code button"
        assert f'repo: "{REPO}"' in html and f'ref: "{BRANCH}"' in html, f"{rel}: thebe config"
        download = "../" * rel.count("/") + f"_sources/{rel}.ipynb"
        assert download in hrefs, rel
        with urllib.request.urlopen(server + f"_sources/{rel}.ipynb") as res:
            assert res.status == 200
            assert json.loads(res.read())["nbformat"] == 4


def test_search_finds_a_term(server, browser):
    ctx, page, visit = open_page(browser, server + "search.html?q=dropout")
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        hits = page.locator("#search-results ul.search li").count()
    finally:
        ctx.close()
    assert hits >= 1
    assert not visit.off_host and not visit.console_errors


def test_live_code_loads_thebe_only_when_pressed(server, browser):
    """Page load fetched nothing external (above); pressing Live Code asks for thebe."""
    ctx, page, visit = open_page(browser, server + "chapters/how_to_use.html")
    try:
        assert not visit.off_host
        page.evaluate("() => initThebeSBT()")
        page.wait_for_timeout(2_000)
    finally:
        ctx.close()
    assert any("thebe" in u for u in visit.off_host), visit.off_host
