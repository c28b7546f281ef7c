"""Frames of the static players: drawn by each explorer's own ``png``, palette-quantized,
cached by a key that changes with the explorer's code, the library it uses or the setting.

    python scripts/nnlab_player/frames.py [--jobs 2] [--only ewa]   # fill the cache by hand

A frame's *render key* is the SHA-256 of :data:`FRAME_FORMAT`, the versions of NumPy,
matplotlib and Pillow, the source of every ``nnlab`` module the explorer's module imports
(followed transitively, read from the source with :mod:`ast`), the explorer's key and the
setting. An explorer whose code and dependencies did not change keeps its keys, so its
frames come from ``<cache>/<key[:2]>/<key>.png`` and are not drawn again. Missing frames
are drawn in worker processes (one per core) that import ``nnlab`` once each.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import io
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "nnlab_player"

from .grid import Grid, setting_json, static_grid  # noqa: E402

FRAME_FORMAT = "nnlab-player-frame/1 quantize=fastoctree-128"
COLORS = 128


def all_explorers() -> dict:
    """``nnlab``'s registry of explorers, wherever the library keeps it."""
    for name in ("nnlab.explorer", "nnlab.widgets"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "all_explorers"):
            return module.all_explorers()
    raise ImportError("no nnlab.explorer.all_explorers / nnlab.widgets.all_explorers")


# ---------------------------------------------------------------- pixels
def quantize_png(png: bytes) -> bytes:
    """A palette PNG of ``png``: at most :data:`COLORS` colours, no dithering (flat areas stay
    flat), deterministic, so the same figure always gives the same bytes."""
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB")
    q = im.quantize(colors=COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    q.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def pixels(png: bytes):
    """The RGB pixels of a PNG as a NumPy array (H, W, 3)."""
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


# ---------------------------------------------------------------- keys
def _module_source(name: str) -> tuple[str, str] | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return spec.origin, Path(spec.origin).read_text()


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError, ValueError):
        return False


def nnlab_dependencies(module_name: str) -> list[str]:
    """Every ``nnlab`` module ``module_name`` imports, directly or not (itself and the
    packages above each module included), from the import statements in the sources."""
    seen: set[str] = set()
    stack = [module_name]
    while stack:
        name = stack.pop()
        if name in seen or not (name == "nnlab" or name.startswith("nnlab.")):
            continue
        found = _module_source(name)
        if found is None:
            continue
        seen.add(name)
        origin, src = found
        parts = name.split(".")
        stack.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        package = name if origin.endswith("__init__.py") else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                stack.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = (
                    importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                    if node.level
                    else node.module
                )
                if not base:
                    continue
                stack.append(base)
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    if base.startswith("nnlab") and _is_module(sub):
                        stack.append(sub)
    return sorted(seen)


def _versions() -> str:
    import matplotlib
    import numpy
    import PIL

    return f"numpy {numpy.__version__} matplotlib {matplotlib.__version__} pillow {PIL.__version__}"


def explorer_fingerprint(key: str, explorer) -> str:
    """Hash of what an explorer's frames depend on, except the setting."""
    h = hashlib.sha256()
    h.update(f"{FRAME_FORMAT}\n{_versions()}\n{key}\n".encode())
    # the module that defines the explorer (its key's module) and the one of its update
    modules = {getattr(explorer.update, "__module__", None) or "nnlab"}
    for prefix in ("nnlab.chapters.", "nnlab.widgets."):
        if _is_module(prefix + key.rpartition(".")[0]):
            modules.add(prefix + key.rpartition(".")[0])
    for name in sorted({d for m in modules for d in nnlab_dependencies(m)}):
        _, src = _module_source(name)
        h.update(f"\n# {name}\n".encode())
        h.update(src.encode())
    return h.hexdigest()


def render_key(fingerprint: str, setting: dict) -> str:
    return hashlib.sha256(f"{fingerprint}\n{setting_json(setting)}".encode()).hexdigest()


# ---------------------------------------------------------------- cache
@dataclass
class Plan:
    """What one explorer's player needs: its grid and the render key of every setting."""

    key: str
    title: str
    grid: Grid
    render_keys: list[str]


def plan(key: str, explorer) -> Plan:
    grid = static_grid(explorer)
    fp = explorer_fingerprint(key, explorer)
    return Plan(
        key, getattr(explorer, "title", ""), grid, [render_key(fp, s) for s in grid.settings()]
    )


def cache_path(cache: Path, rkey: str) -> Path:
    return cache / rkey[:2] / f"{rkey}.png"


_WORKER: dict = {}


def _render_chunk(key: str, items: list[tuple[dict, str]], cache: str) -> list[tuple[str, float]]:
    """In a worker: draw each setting with ``explorer.png`` and store it quantized."""
    if "explorers" not in _WORKER:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        _WORKER["explorers"] = all_explorers()
    explorer = _WORKER["explorers"][key]
    done = []
    for setting, rkey in items:
        t0 = time.process_time()  # CPU seconds: what a frame costs, whatever the machine's load
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the widget sweep tests police warnings
            png = explorer.png(**setting)
        data = quantize_png(png)
        path = cache_path(Path(cache), rkey)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        done.append((rkey, time.process_time() - t0))
    return done


def _work(plans: list[Plan], cache: Path, chunk: int) -> list[tuple[str, list]]:
    """The frames still missing from ``cache``, in chunks of consecutive settings of one
    explorer (consecutive settings keep the explorer's lru_caches warm in a worker)."""
    work = []
    for p in plans:
        todo = [
            (s, k)
            for s, k in zip(p.grid.settings(), p.render_keys)
            if not cache_path(cache, k).exists()
        ]
        work += [(p.key, todo[i : i + chunk]) for i in range(0, len(todo), chunk)]
    return work


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def render_missing(
    plans: list[Plan],
    cache: Path,
    jobs: int | None = None,
    log=print,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, float]:
    """Draw every frame of ``plans`` not in ``cache`` yet (on ``pool`` if given, else on
    ``jobs`` new processes, default one per core); returns the CPU seconds spent on each
    explorer (0 for one whose frames were all cached)."""
    cache = Path(cache)
    jobs = jobs or os.cpu_count() or 1
    seconds = {p.key: 0.0 for p in plans}
    work = _work(plans, cache, chunk=8)
    if not work:
        return seconds
    total = sum(len(items) for _, items in work)
    log(
        f"nnlab player: drawing {total} frames of {len({k for k, _ in work})} explorers "
        f"on {jobs} processes"
    )
    t0 = time.perf_counter()
    own = pool is None
    pool = pool or _pool(jobs)
    try:
        futures = [(key, pool.submit(_render_chunk, key, items, str(cache))) for key, items in work]
        for key, fut in futures:
            seconds[key] += sum(t for _, t in fut.result())
    finally:
        if own:
            pool.shutdown()
    log(f"nnlab player: {total} frames in {time.perf_counter() - t0:.1f} s")
    return seconds


class EarlyRenderer:
    """Draws frames on one core while the book build executes notebooks on the other.

    Started when the build starts: every explorer of ``all_explorers()``, a few frames at
    a time with one chunk in flight, so the pool runs a single worker. :meth:`finish`
    stops feeding it and draws what is left on every core with the same pool (the second
    worker starts then); the cache makes the two passes agree.
    """

    def __init__(self, cache: Path, jobs: int | None = None):
        import threading

        self.cache = Path(cache)
        self.jobs = jobs or os.cpu_count() or 1
        self.pool = _pool(self.jobs)
        self.seconds: dict[str, float] = {}
        self.plans: dict[str, Plan] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True, name="nnlab-player")
        self.thread.start()

    def _feed(self):
        try:
            for k, e in sorted(all_explorers().items()):
                self.plans[k] = plan(k, e)
            for key, items in _work(list(self.plans.values()), self.cache, chunk=4):
                if self.stopped.is_set():
                    return
                done = self.pool.submit(_render_chunk, key, items, str(self.cache)).result()
                self.seconds[key] = self.seconds.get(key, 0.0) + sum(t for _, t in done)
        except Exception:  # noqa: BLE001 - the main pass draws whatever is missing
            return

    def stop(self) -> dict[str, Plan]:
        """Stop feeding the pool; return the plans made so far (reuse saves re-hashing)."""
        self.stopped.set()
        self.thread.join()
        return dict(self.plans)

    def finish(self, plans: list[Plan], log=print) -> dict[str, float]:
        """Stop the early pass, draw the rest of ``plans`` on every core; CPU s per key."""
        self.stop()
        try:
            seconds = render_missing(plans, self.cache, self.jobs, log=log, pool=self.pool)
        finally:
            self.pool.shutdown(cancel_futures=True)
        if self.seconds:
            log(
                f"nnlab player: {sum(self.seconds.values()):.0f} CPU s of frames drawn "
                "while the notebooks ran"
            )
        for k, v in self.seconds.items():
            seconds[k] = seconds.get(k, 0.0) + v
        return seconds

    def close(self):
        self.stopped.set()
        self.thread.join()
        self.pool.shutdown(cancel_futures=True)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="fill the player frame cache")
    parser.add_argument(
        "--cache", default=str(Path(__file__).resolve().parents[2] / "_build" / ".player_cache")
    )
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--only")
    args = parser.parse_args(argv)
    plans = [
        plan(k, e) for k, e in sorted(all_explorers().items()) if not args.only or args.only in k
    ]
    secs = render_missing(plans, Path(args.cache), args.jobs)
    for p in plans:
        size = sum(cache_path(Path(args.cache), k).stat().st_size for k in p.render_keys)
        print(f"{p.key:45s} {p.grid.size:4d} frames {size / 1e6:6.2f} MB {secs[p.key]:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
