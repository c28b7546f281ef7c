"""Every internal link, image and script of the built site points at something that
exists, and every ``#anchor`` at an element with that id (a small offline link checker)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from sitetools import html_pages

URL_ATTRS = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        attr = URL_ATTRS.get(tag)
        if attr and a.get(attr):
            self.urls.append(a[attr])


def _parse(path: Path, cache: dict) -> _Collector:
    if path not in cache:
        c = _Collector()
        c.feed(path.read_text(errors="replace"))
        cache[path] = c
    return cache[path]


def broken_links(site: Path) -> list[str]:
    cache: dict = {}
    broken = []
    for page in html_pages(site):
        for url in _parse(page, cache).urls:
            u = urlparse(url)
            if u.scheme or url.startswith("//") or url.startswith("javascript:"):
                continue  # external (mailto:, https:, data:): checked by the browser tests' rules
            target = page if not u.path else (page.parent / unquote(u.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)} -> {url}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif u.fragment and target.suffix == ".html":
                if unquote(u.fragment) not in _parse(target, cache).ids:
                    broken.append(f"{where}: no element with id {u.fragment!r}")
    return broken


def test_internal_links_and_anchors_resolve(site):
    assert len(html_pages(site)) >= 3
    broken = broken_links(site)
    assert not broken, "\n".join(broken)


def test_checker_finds_a_broken_anchor(tmp_path):
    """The checker itself can fail: a missing file and a missing id are both reported."""
    (tmp_path / "a.html").write_text(
        '<a href="b.html#here">x</a><a href="c.html">y</a><a href="#top">z</a><p id="top"></p>'
    )
    (tmp_path / "b.html").write_text('<p id="elsewhere"></p>')
    found = broken_links(tmp_path)
    assert len(found) == 2 and "'here'" in found[0] and "no such file" in found[1]
