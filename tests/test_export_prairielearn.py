"""`trace-net export prairielearn`: the question folder, and its server.py run as PrairieLearn
runs it (tests/pl_sandbox.py: the question's folder, serverFilesCourse on the path, only the
packages of PrairieLearn's image importable) with PrairieLearn-shaped data dicts.

The true values the submissions are made of come from trace-net's answer key of the same
variant (`generate` drawing the same problem), not from server.py."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer import parse_problem, trace
from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "examples" / "templates" / "or_gate.yaml"
ASK = ["Z1", "A1", "Z2", "A2", "J", "dZ2", "dW2", "db2", "dZ1", "dW1", "W1_next", "b1_next"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    d = tmp_path_factory.mktemp("course")
    r = invoke("export", "prairielearn", OR_GATE, "--course", d, "--ask", ",".join(ASK))
    assert r.exit_code == 0, r.output
    return d


def run(course, seed, submissions):
    calls = json.dumps({"variant_seed": seed, "submissions": submissions})
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "pl_sandbox.py"), str(course), "or_gate"],
                       input=calls, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def entries(name, value):
    """PrairieLearn's raw_submitted_answers for one quantity: name1, name2, ... row by row."""
    if not isinstance(value, list):
        return {name: value}
    rows = value if isinstance(value[0], list) else [[v] for v in value]   # a bias vector: a column
    c = len(rows[0])
    return {f"{name}{c * i + j + 1}": rows[i][j] for i in range(len(rows)) for j in range(c)}


def key_of(problem):
    """The variant's values from trace-net's own trace of the problem server.py stored."""
    t = trace(parse_problem(problem))
    st = t.steps[0]
    return {name: t.floats(st[name]) for name in ASK}


def submission(values):
    raw = {}
    for name, v in values.items():
        fmt = (lambda x: f"{x:.6g}")
        raw.update(entries(name, [[fmt(x) for x in r] for r in v] if isinstance(v, list) and isinstance(v[0], list)
                           else [fmt(x) for x in v] if isinstance(v, list) else fmt(v)))
    return raw


def test_the_question_folder(course):
    q = course / "questions" / "or_gate"
    info = json.loads((q / "info.json").read_text())
    assert info["type"] == "v3" and info["title"] == "OR gate, one hidden layer" and len(info["uuid"]) == 36
    html = (q / "question.html").read_text()
    assert html.count("<pl-matrix-component-input") == len(ASK) - 1      # J is a scalar
    assert html.count('<pl-number-input answers-name="J"') == 1
    assert "<pl-answer-panel>" in html and "{{{params.solution}}}" in html
    assert (course / "serverFilesCourse" / "tracer" / "check" / "grade.py").is_file()
    assert (course / "serverFilesCourse" / "tracer" / "templates" / "worksheet.md.j2").is_file()
    assert not (course / "serverFilesCourse" / "tracer" / "cli.py").exists()
    # a second export keeps the question's uuid (PrairieLearn keys its records by it)
    assert invoke("export", "prairielearn", OR_GATE, "--course", course, "--ask", ",".join(ASK)).exit_code == 0
    assert json.loads((q / "info.json").read_text())["uuid"] == info["uuid"]


def test_generate_and_grade_inside_prairielearns_packages(course):
    first = run(course, 7, {})
    assert first["tracer"].startswith(str(course / "serverFilesCourse" / "tracer"))
    assert first["refused"] == []
    gen = first["generate"]
    truth = key_of(gen["params"]["problem"])
    assert gen["correct_answers"]["J"] == pytest.approx(truth["J"], rel=1e-12)
    assert gen["correct_answers"]["Z1"] == truth["Z1"]
    assert "Given matrices" in gen["params"]["statement"] and "## Step 0" in gen["params"]["solution"]

    right = submission(truth)
    zeros = {k: "0" for k in right}
    # one early slip (Z1's first entry 0.5 too big), everything after it right from there
    res = run(course, 7, {"right": right, "zeros": zeros, "slip": slipped_once(gen["params"]["problem"])})
    g = res["grade"]
    assert g["right"]["score"] == 1
    assert all(p["score"] == 1 and p["feedback"] == "correct" for p in g["right"]["partial_scores"].values())
    assert g["zeros"]["score"] <= 0.1
    s = g["slip"]
    assert s["partial_scores"]["Z1"]["score"] == 0 and "first error" in s["partial_scores"]["Z1"]["feedback"]
    assert s["partial_scores"]["A1"]["score"] == 1 and s["partial_scores"]["A1"]["feedback"].startswith("carried")
    assert 0 < s["score"] < 1 and s["score"] == pytest.approx((len(ASK) - 1) / len(ASK))
    assert s["feedback"]["Z1"] == s["partial_scores"]["Z1"]["feedback"]


def slipped_once(problem):
    """A student who slips once (Z1's first entry) and works on correctly from their own
    numbers: everything after Z1 computed here with numpy from the slipped Z1."""
    import numpy as np
    from tracer.engine import trace as run_trace
    p = parse_problem(problem)
    t = run_trace(p)
    st = t.steps[0]
    Z1 = np.array(t.floats(st["Z1"]), dtype=float)
    Z1[0, 0] += 0.5
    A1 = 1 / (1 + np.exp(-Z1))
    W2 = np.array(t.floats(st["W2"]), dtype=float)
    b2 = np.array(t.floats(st["b2"]), dtype=float)[:, None]
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    Y = np.array(t.floats(st["Y"]), dtype=float)
    m = Y.shape[1]
    J = float(((A2 - Y) ** 2).sum() / (2 * m))
    dA2 = (A2 - Y) / m
    dZ2 = dA2 * A2 * (1 - A2)
    dW2 = dZ2 @ A1.T
    db2 = dZ2.sum(axis=1)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * A1 * (1 - A1)
    dW1 = dZ1 @ np.array(t.floats(st["A0"]), dtype=float).T
    db1 = dZ1.sum(axis=1)
    lr = float(p.opt_opts["lr"])
    W1n = np.array(t.floats(st["W1"]), dtype=float) - lr * dW1
    b1n = np.array(t.floats(st["b1"]), dtype=float) - lr * db1
    own = dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2, J=J, dZ2=dZ2, dW2=dW2, db2=db2, dZ1=dZ1, dW1=dW1, W1_next=W1n, b1_next=b1n)
    return submission({k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in own.items()})


def test_a_bad_ask_is_one_line(tmp_path):
    r = invoke("export", "prairielearn", OR_GATE, "--course", tmp_path, "--ask", "Z1,W1")
    assert r.exit_code == 2 and r.output.strip() == "Error: --ask: W1 is given in the problem, not asked"
    r = invoke("export", "prairielearn", OR_GATE, "--course", tmp_path, "--ask", "Z9")
    assert r.exit_code == 2 and "Z9: no computed quantity of that name" in r.output
    assert not (tmp_path / "questions").exists()
