"""Probe the whole public API with illegal values (issue 13); run by hand.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/probe_bad_input.py [--details]
        [--only nnlab.chapters] [--lib path/to/another/lib]

Uses the discovery, baselines and illegal values of ``tests/test_bad_input.py`` and
runs *every* case (the test draws a sample). Per module it counts the answers:
``named`` a ValueError naming the parameter, ``misnamed`` a ValueError that does not,
``other`` another exception, ``silent`` accepted, ``hang`` no answer within 10 s; and
``changed`` how many refusals modified the other inputs first. Memory is capped at
3 GB so a huge size fails instead of swapping.
"""

from __future__ import annotations

import collections
import importlib.util
import os
import resource
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else os.path.join(ROOT, "lib")
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
sys.path.insert(0, LIB)
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

spec = importlib.util.spec_from_file_location(
    "test_bad_input", os.path.join(ROOT, "tests", "test_bad_input.py")
)
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)

KINDS = ("named", "misnamed", "other", "silent", "hang")


def module_of(qualname: str) -> str:
    parts = qualname.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in sys.modules:
            return ".".join(parts[:i])
    return qualname


def main(details: bool = False) -> int:
    import matplotlib

    matplotlib.use("Agg")
    start = time.perf_counter()
    counts = collections.defaultdict(collections.Counter)
    bad_lines = []
    cases = [c for c in probe.all_cases() if c[0].startswith(ONLY)]
    n_callables = len({c[0] for c in cases})
    for i, (q, param, label, bad) in enumerate(cases):
        if i % 200 == 0:
            print(f"[{i}/{len(cases)}] {time.perf_counter() - start:.0f} s", file=sys.stderr)
        outcome, message, unchanged = probe.run_case(q, param, bad)
        mod = module_of(q)
        counts[mod][outcome] += 1
        if not unchanged and outcome != "silent":
            counts[mod]["changed"] += 1
        if outcome != "named" or not unchanged:
            bad_lines.append(
                f"{outcome:9s} {q}({param}={label}): {message}"
                + ("" if unchanged else "  [inputs changed]")
            )
    total = collections.Counter()
    width = max(len(m) for m in counts)
    head = (
        f"{'module':<{width}}  "
        + "  ".join(f"{k:>8s}" for k in KINDS + ("changed",))
        + "   named %"
    )
    print(head)
    for mod in sorted(counts):
        c = counts[mod]
        total.update(c)
        n = sum(c[k] for k in KINDS)
        print(
            f"{mod:<{width}}  "
            + "  ".join(f"{c[k]:8d}" for k in KINDS + ("changed",))
            + f"   {100 * c['named'] / n:6.1f}"
        )
    n = sum(total[k] for k in KINDS)
    print(
        f"{'TOTAL':<{width}}  "
        + "  ".join(f"{total[k]:8d}" for k in KINDS + ("changed",))
        + f"   {100 * total['named'] / n:6.1f}"
    )
    print(
        f"\n{n} illegal inputs to {n_callables} public callables in "
        f"{time.perf_counter() - start:.0f} s"
    )
    if details:
        print(
            "\n".join(
                ["", "Not answered by a ValueError naming the parameter:"] + sorted(bad_lines)
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main("--details" in sys.argv))
