"""nnlab.exercises: the library passes every exercise, the chapters' worked solutions pass,
every catalogued mistake fails with its own hint, and nothing a learner's function does
makes ``check`` raise."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from nnlab import exercises
from nnlab.exercises import EXERCISES, check, grade_function, optimizer_from
from nnlab.exercises._grader import TimeUp, call_with_time_limit

ROOT = Path(__file__).resolve().parents[1]
NAMES = list(EXERCISES)
SIGNATURE = re.compile(r"^(\w+)\((.*)\)$")  # the part before " -> "


def ex(name):
    return exercises.exercise(name)


# ---------------------------------------------------------------- the catalogue
def test_at_least_twenty_exercises_across_the_three_parts():
    assert len(EXERCISES) >= 20
    parts = {info["chapter"].split("/")[0] for info in EXERCISES.values()}
    assert parts == set(PARTS)


@pytest.mark.parametrize("name", NAMES)
def test_exercise_describes_itself(name):
    info = EXERCISES[name]
    assert SIGNATURE.match(info["signature"].split(" -> ")[0]).group(1) == name
    assert info["description"] and (ROOT / "chapters" / f"{info['chapter']}.ipynb").exists()


LIBRARY_NAMES = [
    "dropout_forward",
    "dropout_backward",
    "l2_cost",
    "batchnorm_forward",
    "batchnorm_backward",
    "ewa",
    "softmax",
    "relative_difference",
    "random_mini_batches",
    "log_uniform",
    "initialize_parameters",
    "numerical_gradient",
    "inverse_time_decay",
    "exponential_decay",
    "cross_entropy_from_logits",
    "momentum_update",
    "rmsprop_update",
    "adam_update",
]


def test_the_course_functions_are_exercises():
    assert set(LIBRARY_NAMES) <= set(EXERCISES)
    assert EXERCISES["adam_update"]["signature"].startswith(
        "adam_update(W, dW, v, s, t, lr, beta1, beta2, epsilon)"
    )
    assert EXERCISES["momentum_update"]["signature"].startswith(
        "momentum_update(W, dW, v, lr, beta)"
    )
    assert EXERCISES["rmsprop_update"]["signature"].startswith(
        "rmsprop_update(W, dW, s, lr, beta, epsilon)"
    )


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_the_references(name):
    """The signature shown (and the skeleton's) has the reference's parameters, defaults
    included: the library's own function where the library has one."""
    import inspect

    reference = ex(name).reference
    shown = SIGNATURE.match(EXERCISES[name]["signature"].split(" -> ")[0]).group(2)
    namespace = {}
    exec(f"def shown({shown}): pass", namespace)

    def params(f):
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values()]

    assert params(namespace["shown"]) == params(reference)
    assert ex(name).skeleton.startswith(f"def my_{name}({shown}):")
    if name in LIBRARY_NAMES:
        assert reference.__name__ == name and reference.__module__.startswith("nnlab.")


def test_list_exercises(capsys):
    exercises.list_exercises("practical/03_dropout")
    out = capsys.readouterr().out
    assert "dropout_forward(A, keep_prob, rng)" in out and "ewa" not in out


# ---------------------------------------------------------------- references and mistakes
@pytest.mark.parametrize("name", NAMES)
def test_reference_passes(name):
    report = grade_function(name, ex(name).reference)
    assert report.passed, str(report)


MISTAKES = [(name, m.name) for name in NAMES for m in ex(name).mistakes]


def test_every_catalogue_has_mistakes():
    assert all(len(ex(name).mistakes) >= 2 for name in NAMES)


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}:{m}" for n, m in MISTAKES])
def test_mistake_fails_with_its_hint(name, mistake):
    m = next(m for m in ex(name).mistakes if m.name == mistake)
    report = grade_function(name, m.fn)
    assert not report.passed
    assert report.mistake == mistake, str(report)
    assert m.hint in str(report)


# ---------------------------------------------------------------- the chapters' solutions
# A "Your turn" solution: a dropdown `{solution} <chapter>-yt-<name>` holding one python block.
SOLUTION = re.compile(r"^(`{3,})\{solution\}\s+(\S+)-yt-(\w+)\s*\n(.*?)^\1\s*$", re.S | re.M)
CODE = re.compile(r"^```python\n(.*?)^```\s*$", re.S | re.M)


def chapter_solutions():
    """(chapter, name, code) of every "Your turn" solution block in the chapters."""
    out = []
    for path in sorted((ROOT / "chapters").rglob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for _, label, name, body in SOLUTION.findall("".join(cell["source"])):
                code = CODE.search(body)
                out.append(
                    (
                        str(path.relative_to(ROOT / "chapters").with_suffix("")),
                        name,
                        code.group(1) if code else "",
                    )
                )
    return out


SOLUTIONS = chapter_solutions()


def test_every_exercise_has_one_solution_in_its_chapter():
    found = {}
    for chapter, name, _ in SOLUTIONS:
        found.setdefault(name, []).append(chapter)
    assert {n: c for n, c in found.items()} == {n: [i["chapter"]] for n, i in EXERCISES.items()}


PARTS = ("practical", "optimization", "tuning")


def test_every_chapter_has_a_your_turn():
    chapters = {
        str(p.relative_to(ROOT / "chapters").with_suffix(""))
        for part in PARTS
        for p in (ROOT / "chapters" / part).glob("*.ipynb")
    }
    assert chapters == {c for c, _, _ in SOLUTIONS}


@pytest.mark.parametrize("chapter, name, code", SOLUTIONS, ids=[s[1] for s in SOLUTIONS])
def test_chapter_solution_passes(chapter, name, code):
    namespace = {"np": np}
    exec(compile(code, f"<solution {name}>", "exec"), namespace)
    report = grade_function(name, namespace[f"my_{name}"])
    assert report.passed, str(report)


def your_turn_cells(path):
    """The skeleton and check cells of each "Your turn" in a notebook."""
    cells = json.loads(path.read_text())["cells"]
    src = ["".join(c["source"]) for c in cells]
    return [
        (src[i], src[i + 1])
        for i in range(len(cells) - 1)
        if cells[i]["cell_type"] == "code" and "raise NotImplementedError" in src[i]
    ]


@pytest.mark.parametrize("name", NAMES)
def test_skeleton_in_the_chapter_reports_not_done(name, capsys):
    path = ROOT / "chapters" / f"{EXERCISES[name]['chapter']}.ipynb"
    ((skeleton, check_cell),) = [
        pair for pair in your_turn_cells(path) if f"def my_{name}(" in pair[0]
    ]
    assert "# your code here" in skeleton
    assert f'check("{name}", my_{name})' in check_cell
    namespace = {"np": np}
    exec(skeleton, namespace)
    exec(check_cell, namespace)
    assert "not done yet" in capsys.readouterr().out


# ---------------------------------------------------------------- nothing escapes
def _first_array(args):
    for a in args:
        if isinstance(a, np.ndarray) and a.size:
            return a
        if isinstance(a, dict):
            found = _first_array(list(a.values()))
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("name", NAMES)
def test_bad_submissions_are_reported_not_raised(name):
    """For every exercise: a crash, a None, a changed input and an endless call all come
    back as a failed report with the right kind."""
    reference = ex(name).reference

    def crashes(*args, **kwargs):
        raise ValueError("my bug")

    report = grade_function(name, crashes)
    assert report.kind == "raised" and "ValueError: my bug" in str(report)

    report = grade_function(name, lambda *args, **kwargs: None)
    assert not report.passed and "None" in report.message

    def sleeps(*args, **kwargs):
        time.sleep(30)

    report = grade_function(name, sleeps, time_limit=0.1)
    assert report.kind == "timeout"

    if _first_array(ex(name).cases()[0].args) is None:
        return  # only numbers go in: nothing to change

    def mutates(*args, **kwargs):
        out = reference(*args, **kwargs)
        target = _first_array(args)
        target[...] = target + 1
        return out

    report = grade_function(name, mutates)
    assert report.kind == "mutated" and "changed its input" in str(report)


def test_crash_is_reported(capsys):
    def my_softmax(Z):
        return Z / undefined_name  # noqa: F821

    assert check("softmax", my_softmax) is False
    out = capsys.readouterr().out
    assert "NameError" in out and "undefined_name" in out and "case 1" in out


def test_wrong_parameters_are_named():
    report = grade_function("l2_grad", lambda W, lambd: W)
    assert report.kind == "raised" and "my_l2_grad(W, lambd, m)" in report.hint


def test_exit_is_reported():
    import sys

    report = grade_function("softmax", lambda Z: sys.exit(3))
    assert report.kind == "raised" and "SystemExit" in str(report)


def test_none_is_reported():
    report = grade_function("l2_grad", lambda W, lambd, m: None)
    assert not report.passed and "forget `return`" in str(report)


def test_mutating_input_is_reported():
    def my_momentum_update(W, dW, v, lr, beta):
        v *= beta
        v += (1 - beta) * dW
        W -= lr * v
        return W, v

    report = grade_function("momentum_update", my_momentum_update)
    assert report.kind == "mutated" and "changed its input" in str(report)


def test_wrong_shape_and_nan_are_reported():
    shape = grade_function("softmax", lambda Z: np.exp(Z).sum(axis=0))
    assert "shape" in str(shape)
    nan = grade_function("relative_difference", lambda a, b: float("nan"))
    assert "NaN" in str(nan)


def test_too_slow_is_stopped():
    def my_ewa(x, beta, bias_correction=False):
        time.sleep(30)

    start = time.monotonic()
    report = grade_function("ewa", my_ewa, time_limit=0.2)
    assert time.monotonic() - start < 5
    assert report.kind == "timeout" and "stopped after 0.2 s" in str(report)


def test_endless_loop_swallowing_exceptions_is_stopped():
    def my_softmax(Z):
        while True:
            try:
                Z = Z + 0
            except Exception:
                pass

    report = grade_function("softmax", my_softmax, time_limit=0.2)
    assert report.kind == "timeout"


def test_time_limit_without_alarm(monkeypatch):
    """Off the main thread (or without SIGALRM) a trace function stops Python loops."""
    monkeypatch.setattr("nnlab.exercises._grader._can_use_alarm", lambda: False)

    def spin():
        while True:
            pass

    with pytest.raises(TimeUp):
        call_with_time_limit(spin, seconds=0.2)
    assert call_with_time_limit(lambda x: x + 1, (1,), seconds=1) == 2


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers")
def test_an_outer_alarm_is_put_back():
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        call_with_time_limit(lambda: None, seconds=1)
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining <= 0.5
        time.sleep(0.7)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_not_a_function_and_unknown_name():
    assert "needs your function" in str(grade_function("ewa", 3))
    with pytest.raises(ValueError, match="name must be one of"):
        check("no_such_exercise", print)


# ---------------------------------------------------------------- your rule trains
def test_optimizer_from_a_rule_matches_the_library():
    from nnlab.data import make_moons
    from nnlab.model import Network
    from nnlab.optimizers import Adam
    from nnlab.train import train

    X, Y = make_moons(m=64, noise=0.2, seed=0)
    runs = []
    for opt in (Adam(lr=0.01), optimizer_from(ex("adam_update").reference, "adam", lr=0.01)):
        net = Network([2, 4, 1], seed=0)
        runs.append(train(net, X, Y, opt, epochs=3, mini_batch_size=32).costs)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-10)
    with pytest.raises(ValueError, match="kind"):
        optimizer_from(lambda *a: a, "adagrad")


def follow_up_cells(path):
    """Cells that use a learner's function after its check (they read ``<name>_ok``)."""
    cells = json.loads(path.read_text())["cells"]
    return [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and re.search(r"^if \w+_ok:", "".join(c["source"]), re.M)
    ]


def test_adam_chapter_trains_with_the_learners_rule(capsys):
    """Chapter II.4's follow-up cell: skeleton -> a note; solved -> the learner's Adam trains
    the network to the library's numbers."""
    from nnlab.data import make_moons
    from nnlab.model import Network
    from nnlab.optimizers import Adam
    from nnlab.train import train

    path = ROOT / "chapters" / "optimization" / "04_adam.ipynb"
    (cell,) = follow_up_cells(path)
    X, Y = make_moons(m=300, noise=0.2, seed=2)
    net = Network([2, 16, 8, 1], seed=0)
    history = train(net, X, Y, Adam(lr=0.01), epochs=100, mini_batch_size=64, seed=0)
    base = {
        "np": np,
        "Network": Network,
        "train": train,
        "X": X,
        "Y": Y,
        "runs": {"Adam": (net, history)},
    }
    exec(cell, {**base, "adam_update_ok": False, "my_adam_update": None})
    assert "When your adam_update passes" in capsys.readouterr().out
    code = next(c for _, n, c in SOLUTIONS if n == "adam_update")
    namespace = {**base, "adam_update_ok": True}
    exec(code, namespace)
    exec(cell, namespace)
    out = capsys.readouterr().out
    mine = re.search(r"your Adam: +final cost (\S+)", out).group(1)
    assert mine == f"{history.epoch_costs[-1]:.3f}"
    np.testing.assert_allclose(namespace["my_history"].epoch_costs, history.epoch_costs, rtol=1e-9)


def test_momentum_chapter_walks_the_valley_with_the_learners_rule(capsys):
    from nnlab.chapters.optimization.momentum_rmsprop import outcome, trajectories
    from nnlab.surfaces import SURFACES

    path = ROOT / "chapters" / "optimization" / "03_momentum_rmsprop.ipynb"
    (cell,) = follow_up_cells(path)
    valley = {0.099: trajectories("elongated quadratic", 0.099, 0.9, 1e-8)}
    base = {"np": np, "SURFACES": SURFACES, "outcome": outcome, "valley": valley}
    exec(cell, {**base, "momentum_update_ok": False, "my_momentum_update": None})
    assert "When your momentum_update passes" in capsys.readouterr().out
    namespace = {**base, "momentum_update_ok": True}
    exec(next(c for _, n, c in SOLUTIONS if n == "momentum_update"), namespace)
    exec(cell, namespace)
    out = capsys.readouterr().out
    library = outcome(valley[0.099]["Momentum"])
    assert f"your momentum: {library};" in out
    np.testing.assert_allclose(
        namespace["yours"].points, valley[0.099]["Momentum"].points, rtol=1e-12, atol=1e-15
    )


def test_dropout_chapter_measures_the_learners_masks(capsys):
    path = ROOT / "chapters" / "practical" / "03_dropout.ipynb"
    (cell,) = follow_up_cells(path)
    A = np.random.default_rng(0).uniform(0, 2, size=(50, 400))
    base = {"np": np, "A": A, "keep_prob": 0.8}
    exec(cell, {**base, "dropout_forward_ok": False, "my_dropout_forward": None})
    assert "When your dropout_forward passes" in capsys.readouterr().out
    namespace = {**base, "dropout_forward_ok": True}
    exec(next(c for _, n, c in SOLUTIONS if n == "dropout_forward"), namespace)
    exec(cell, namespace)
    share, mean = re.search(r"kept (\S+), mean activation (\S+)", capsys.readouterr().out).groups()
    assert abs(float(share) - 0.8) < 0.005 and abs(float(mean) / A.mean() - 1) < 0.005
