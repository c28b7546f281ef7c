"""A real JupyterLab, as Binder gives it, driven by Playwright (tests and benchmarks/bench.py).

* ``lab_env()`` is ``.venv-lab``: a virtual environment built only from ``requirements.txt``
  plus the pinned JupyterLab of ``requirements-lab.txt`` (``make lab-venv``; cached, rebuilt
  when one of those files changes).
* ``LabServer`` starts ``jupyter lab`` on 127.0.0.1 over a *copy* of ``chapters/`` (autosave
  can never write outputs into the repository), with its own settings, workspace and
  runtime folders, and stops it again.
* ``LabPage`` opens one notebook, runs all its cells and reads what a reader sees: error
  outputs, rendered Markdown, the explorers (image, sliders, labels), and times a key press
  on a slider until the new image has loaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from sitetools import CHROMIUM, CHROMIUM_ARGS, ROOT

LAB_VENV = ROOT / ".venv-lab"
LAB_BIN = LAB_VENV / "bin"
VIEWPORT = {"width": 1280, "height": 900}
MIN_TRACK_PX = 150
# MyST source that must not survive rendering (what JupyterLab showed without jupyterlab-myst).
RAW_MYST = [
    r"```\{",
    r":::\{",
    r"\{(cite|eq|ref|numref|doc|fa|term|math)(:\w+)?\}`",
    r"^\([\w-]+\)=\s*$",
    r"^:(class|label|nonumber):",
]


def raw_myst(text: str) -> list[str]:
    """The lines of ``text`` that are MyST source a reader should never see."""
    return [
        line.strip()
        for line in text.splitlines()
        if any(re.search(p, line.strip()) for p in RAW_MYST)
    ]


def lab_env() -> Path:
    """``.venv-lab`` up to date (built by ``make lab-venv``); the path of its bin/."""
    subprocess.run(["make", "-s", "lab-venv"], cwd=ROOT, check=True, stdin=subprocess.DEVNULL)
    return LAB_BIN


def chapter_notebooks() -> list[str]:
    return sorted(
        str(p.relative_to(ROOT / "chapters"))
        for p in (ROOT / "chapters").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` from ``.venv-lab`` on 127.0.0.1, serving a copy of ``chapters/``."""

    def __init__(self, bin_dir: Path = LAB_BIN, live_cache: bool = True):
        self.bin = bin_dir
        # A reader is here: explorers keep their images and draw ahead (as on Binder), unless
        # the benchmark measures the way without (bench.py --no-cache).
        self.live_cache = live_cache
        self.tmp = Path(tempfile.mkdtemp(prefix="nnlab-lab-"))
        self.root = self.tmp / "chapters"
        shutil.copytree(
            ROOT / "chapters", self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
        self.port = _free_port()
        self.token = "nnlab-test"
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout: float = 120.0):
        home = self.tmp / "home"
        settings = home / "settings"
        # No news, no update checks: nothing off this machine, no toast over the notebook.
        (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
        (
            settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = {
            **os.environ,
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "NNLAB_LIVE_CACHE": "1" if self.live_cache else "0",
            "PATH": f"{self.bin}:{os.environ.get('PATH', '')}",
        }
        env.pop("VIRTUAL_ENV", None)
        self.log = open(self.tmp / "lab.log", "w")
        self.proc = subprocess.Popen(
            [
                str(self.bin / "jupyter"),
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                "--ServerApp.open_browser=False",
                "--LabApp.expose_app_in_browser=True",
                "--LabApp.news_url=",
                "--allow-root",
            ],
            cwd=self.root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("jupyter lab exited:\n" + self.log_text()[-3000:])
            try:
                with urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(
            f"jupyter lab did not answer in {timeout} s:\n" + self.log_text()[-3000:]
        )

    def log_text(self) -> str:
        p = self.tmp / "lab.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def notebook_url(self, rel: str) -> str:
        return f"{self.url}/lab/tree/{rel}?token={self.token}&reset"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def launch_browser(pw):
    exe = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not exe:
        return None
    return pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)


# --------------------------------------------------------------------------- in the page
_NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.context || !w.sessionContext) return null;
  const s = w.sessionContext;
  return {path: w.context.path, ready: w.context.isReady, dirty: w.context.model.dirty,
          kernel: s.session && s.session.kernel ? s.session.kernel.status : null,
          tabDirty: !!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')};
}"""

_RUN_STATE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = Array.from(w.content.widgets);
  const code = cells.filter(c => c.model.type === 'code');
  const prompts = code.map(c => c.node.querySelector('.jp-InputPrompt')?.textContent || '');
  return {busy: prompts.filter(p => p.includes('*')).length,
          run: code.filter(c => c.model.executionCount !== null).length,
          code: code.length,
          kernel: w.sessionContext.session?.kernel?.status};
}"""

_ERRORS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const out = [];
  Array.from(w.content.widgets).forEach((c, i) => {
    if (c.model.type !== 'code') return;
    const outputs = c.model.outputs;
    for (let k = 0; k < outputs.length; k++) {
      const o = outputs.get(k).toJSON();
      if (o.output_type === 'error') out.push({cell: i, ename: o.ename, evalue: o.evalue});
    }
  });
  return out;
}"""

_MARKDOWN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return Array.from(w.content.widgets).filter(c => c.model.type === 'markdown').map((c, i) => ({
    index: w.content.widgets.indexOf(c),
    rendered: c.rendered,
    text: (c.node.querySelector('.jp-Cell-inputWrapper') || c.node).innerText}));
}"""

# Every explorer: its box, image, sliders (track width, focusable handle), labels.
_EXPLORERS = """() => {
  const boxes = Array.from(document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output .widget-vbox')).filter(
      b => b.querySelector(':scope > .widget-image, :scope > img') &&
           !b.parentElement.closest('.widget-vbox'));
  return boxes.map((b, i) => {
    b.dataset.nnlabExplorer = String(i);
    const img = b.querySelector('img');
    const area = b.closest('.jp-OutputArea-output');
    const sliders = Array.from(b.querySelectorAll('.widget-slider, .widget-hslider')).map(s => {
      const track = s.querySelector('.slider-container, .noUi-target') || s;
      const label = s.querySelector('.widget-label');
      return {track: track.getBoundingClientRect().width,
              disabled: !!s.querySelector('.noUi-target[disabled]'),
              label: label ? label.textContent : '',
              labelCut: label ? label.scrollWidth > label.clientWidth + 1 : false,
              handle: !!s.querySelector('.noUi-handle')};
    });
    const labels = Array.from(b.querySelectorAll('.widget-label')).filter(
        l => l.offsetParent !== null).map(l => ({text: l.textContent,
        cut: l.scrollWidth > l.clientWidth + 1}));
    const text = b.innerText;
    return {index: i, src: img ? img.src : null, width: b.getBoundingClientRect().width,
            overflow: area ? area.scrollWidth - area.clientWidth : 0,
            boxOverflow: b.scrollWidth - b.clientWidth,
            sliders, labels, text,
            title: (b.querySelector('.widget-html') || {}).textContent || ''};
  });
}"""

# Arm a watch on explorer `e`'s image and focus slider `s`'s handle; the key press itself is a
# real one (Playwright's keyboard). The time runs from the keydown to the new image decoded.
_ARM = """([e, s, timeout]) => {
  const box = document.querySelector(`[data-nnlab-explorer="${e}"]`);
  const img = box.querySelector('img');
  const slider = box.querySelectorAll('.widget-slider, .widget-hslider')[s];
  const handle = slider.querySelector('.noUi-handle');
  const readout = slider.querySelector('.widget-readout');
  const before = img.src;
  const watch = {t0: null, valueBefore: readout ? readout.textContent : null};
  const pixels = (im) => {
    const c = document.createElement('canvas');
    c.width = im.naturalWidth; c.height = im.naturalHeight;
    const g = c.getContext('2d', {willReadFrequently: true});
    g.drawImage(im, 0, 0);
    return g.getImageData(0, 0, c.width, c.height);
  };
  const old = pixels(img);
  // share of pixels that differ by more than a faint anti-aliasing shade
  const changedShare = (im) => {
    const now = pixels(im);
    if (now.width !== old.width || now.height !== old.height) return 1;
    let n = 0;
    for (let i = 0; i < now.data.length; i += 4) {
      const d = Math.abs(now.data[i] - old.data[i]) + Math.abs(now.data[i + 1] - old.data[i + 1])
              + Math.abs(now.data[i + 2] - old.data[i + 2]);
      if (d > 48) n++;
    }
    return n / (now.width * now.height);
  };
  document.addEventListener('keydown', () => { watch.t0 = performance.now(); },
                            {capture: true, once: true});
  window.__nnlabPress = new Promise((resolve) => {
    const finish = (ms) => resolve({ms, valueBefore: watch.valueBefore,
        valueAfter: readout ? readout.textContent : null, changed: img.src !== before,
        share: ms === null ? 0 : changedShare(img)});
    const obs = new MutationObserver(() => {
      if (img.src === before) return;
      obs.disconnect();
      const done = () => finish(performance.now() - watch.t0);
      if (img.complete && img.naturalWidth > 0) img.decode().then(done, done);
      else img.addEventListener('load', () => img.decode().then(done, done), {once: true});
    });
    obs.observe(img, {attributes: true, attributeFilter: ['src']});
    setTimeout(() => { obs.disconnect(); finish(null); }, timeout);
  });
  handle.scrollIntoView({block: 'center'});
  handle.focus();
  return document.activeElement === handle;
}"""


class LabSession:
    """One JupyterLab page (1280 px wide, as a laptop shows it) in which notebooks are opened,
    run and closed one after the other: the app loads once, each notebook gets its kernel."""

    def __init__(self, browser, server: LabServer, timeout: float = 120.0):
        self.ctx = browser.new_context(viewport=VIEWPORT)
        self.page = self.ctx.new_page()
        self.page_errors: list[str] = []
        self.page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        self.server = server
        self.rel = None
        self.page.goto(f"{server.url}/lab?token={server.token}&reset", wait_until="load")
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell && "
            "document.querySelector('#jp-main-dock-panel')",
            timeout=timeout * 1000,
        )
        self.page.evaluate("() => window.jupyterapp.restored")

    def open(self, rel: str, timeout: float = 90.0) -> dict:
        """Open ``rel`` (relative to chapters/); wait until its kernel is idle and the
        cells are rendered. Returns the state then, before anything is touched."""
        self.rel = rel
        self.page.evaluate(
            "(path) => { window.jupyterapp.commands.execute("
            "'docmanager:open', {path, factory: 'Notebook'}); }",
            rel,
        )
        self.page.wait_for_function(
            f"() => {{ const s = ({_NOTEBOOK_STATE})(); return s && s.ready && "
            f"s.kernel === 'idle' && s.path === {json.dumps(rel)}; }}",
            timeout=timeout * 1000,
        )
        self.page.wait_for_timeout(1500)  # late metadata updates (language_info) land here
        return self.state()

    def close_current(self):
        """Shut the notebook's kernel down and close it without saving."""
        self.page.evaluate("""async () => {
          const w = window.jupyterapp.shell.currentWidget;
          if (!w || !w.sessionContext) return;
          try { await w.sessionContext.shutdown(); } catch (e) {}
          w.dispose();
        }""")
        self.rel = None

    def state(self) -> dict:
        return self.page.evaluate(_NOTEBOOK_STATE)

    def run_all(self, timeout: float = 300.0) -> float:
        t0 = time.perf_counter()
        self.page.evaluate(
            "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.page.evaluate(_RUN_STATE)
            if s["busy"] == 0 and s["run"] == s["code"] and s["kernel"] == "idle":
                break
            self.page.wait_for_timeout(250)
        else:
            raise TimeoutError(f"{self.rel}: cells still running after {timeout} s: {s}")
        self.page.wait_for_timeout(500)
        return time.perf_counter() - t0

    def errors(self) -> list[dict]:
        return self.page.evaluate(_ERRORS)

    def markdown(self, settle: float = 10.0) -> list[dict]:
        """Every Markdown cell: rendered or not, and its text as shown. jupyterlab-myst
        renders a cell some time after JupyterLab has put it on the page (later still far
        below the view): a cell that shows MyST source is scrolled into view and read again,
        for up to ``settle`` seconds, before its text is returned as it stands."""
        deadline = time.monotonic() + settle
        while True:
            cells = self.page.evaluate(_MARKDOWN)
            raw = [c["index"] for c in cells if raw_myst(c["text"])]
            if not raw or time.monotonic() > deadline:
                return cells
            self.page.evaluate(
                "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                ".node.scrollIntoView({block: 'center'})",
                raw[0],
            )
            self.page.wait_for_timeout(500)

    def explorers(self) -> list[dict]:
        return self.page.evaluate(_EXPLORERS)

    def press(self, e: int, s: int, key: str = "ArrowRight", timeout_ms: int = 15000) -> dict:
        """One real key press on slider ``s`` of explorer ``e``: ``ms`` from the keydown to
        the new image decoded (None if none came), the readout before and after, and the
        share of the image's pixels that changed."""
        focused = self.page.evaluate(_ARM, [e, s, timeout_ms])
        if not focused:
            raise RuntimeError(f"{self.rel}: could not focus slider {s} of explorer {e}")
        self.page.keyboard.press(key)
        return self.page.evaluate("() => window.__nnlabPress")

    def close(self):
        self.ctx.close()
