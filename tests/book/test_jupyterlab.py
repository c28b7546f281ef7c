"""A launched chapter is as good as the page: every chapter in a real JupyterLab.

What Binder gives a reader: ``.venv-lab`` holds only ``requirements.txt`` plus JupyterLab
(``make lab-venv``). A JupyterLab server on 127.0.0.1 (started here, stopped after) opens
each chapter in headless chromium at 1280 px, as a laptop shows it, and the tests check:

* the notebook is not marked modified before anything is touched;
* "Run all" gives no error output;
* no MyST source shows in the rendered Markdown (directives, roles, ``(label)=`` targets);
* every explorer: the note meant for the static page is not shown, it fits the notebook
  without horizontal scrolling, no label is cut off, every slider's track is at least
  150 px, and one key press on each slider (each one not greyed out because it does
  nothing at the current setting) brings a new image that visibly differs.

Latency is not asserted here (the machine is shared with the rest of ``make test``);
``benchmarks/bench.py --lab`` measures it.
"""

from __future__ import annotations

import pytest
from labtools import MIN_TRACK_PX, LabServer, LabSession, chapter_notebooks, lab_env, raw_myst

NOTEBOOKS = chapter_notebooks()
STATIC_NOTE = "On the static page"
MIN_CHANGED_SHARE = 0.001  # of the figure's pixels: a change a reader sees


@pytest.fixture(scope="module")
def lab_session(browser):
    bin_dir = lab_env()
    server = LabServer(bin_dir).start()
    session = LabSession(browser, server)
    try:
        yield session
    finally:
        session.close()
        server.stop()


_visits: dict = {}


@pytest.fixture(params=NOTEBOOKS)
def visit(request, lab_session):
    """Open, run and inspect one chapter once; every test below reads the record."""
    rel = request.param
    if rel not in _visits:
        s = lab_session
        v = {"opened": s.open(rel)}
        try:
            v["run_seconds"] = s.run_all()
            v["errors"] = s.errors()
            v["markdown"] = s.markdown()
            v["explorers"] = s.explorers()
            v["presses"] = []
            for e in v["explorers"]:
                for k, slider in enumerate(e["sliders"]):
                    if slider["disabled"]:  # greyed out: does nothing at this setting
                        continue
                    r = s.press(e["index"], k, "ArrowRight")
                    if r["valueAfter"] == r["valueBefore"]:  # at the end of its range
                        r = s.press(e["index"], k, "ArrowLeft")
                    v["presses"].append(
                        {"explorer": e["title"] or e["index"], "slider": slider["label"], **r}
                    )
        finally:
            s.close_current()
        _visits[rel] = v
    return _visits[rel]


def test_opens_unmodified(visit):
    state = visit["opened"]
    assert not state["dirty"] and not state["tabDirty"], (
        "JupyterLab marked the notebook modified on opening (kernelspec/language_info "
        "differ from what this kernel reports? run `make strip`)"
    )


def test_runs_without_errors(visit):
    assert not visit["errors"], visit["errors"]


def test_no_raw_myst(visit):
    raw = []
    for cell in visit["markdown"]:
        assert cell["rendered"], f"markdown cell {cell['index']} not rendered"
        raw += [(cell["index"], line[:100]) for line in raw_myst(cell["text"])]
    assert not raw, raw


def test_explorers_are_usable(visit):
    for e in visit["explorers"]:
        name = e["title"] or f"explorer {e['index']}"
        assert STATIC_NOTE not in e["text"], f"{name}: the static-page note shows"
        assert e["overflow"] <= 0 and e["boxOverflow"] <= 0, f"{name}: scrolls sideways"
        cut = [lab["text"] for lab in e["labels"] if lab["cut"]]
        assert not cut, f"{name}: labels cut off: {cut}"
        narrow = [
            (sl["label"], round(sl["track"])) for sl in e["sliders"] if sl["track"] < MIN_TRACK_PX
        ]
        assert not narrow, f"{name}: slider tracks under {MIN_TRACK_PX} px: {narrow}"


def test_every_slider_changes_the_figure_visibly(visit):
    bad = [
        (
            p["explorer"],
            p["slider"],
            p["valueBefore"],
            p["valueAfter"],
            p["ms"],
            round(p["share"], 4),
        )
        for p in visit["presses"]
        if p["ms"] is None or p["share"] < MIN_CHANGED_SHARE
    ]
    assert not bad, f"(explorer, slider, before, after, ms, share of pixels changed): {bad}"
