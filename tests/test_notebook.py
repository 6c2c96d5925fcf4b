"""The library in a notebook (issue 19.4): repr, float arrays, render's formats and errors,
parts of the worksheet, the compact HTML view, tracer.check(...), and MLP.fit refusing bad
data with a message that names what is wrong."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import tracer
from tracer import ProblemError
from tracer.cli import main
from tracer.train import MLP

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
MINIBATCH = ROOT / "worked_examples" / "minibatch_step" / "problem.yaml"
Z1 = [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]      # seed 002's Z1
J = 0.0903436303627                                    # seed 002's loss (test_cli)
README_ANSWERS = {"Z1": Z1, "dZ2": [0.140, -0.041, -0.043, -0.038], "db1": [0.0008, 0.0014]}


@pytest.fixture(scope="module")
def t():
    return tracer.trace_file(str(OR_GATE))


def test_repr_names_problem_network_steps_numbers(t):
    r = repr(t)
    assert r.startswith("<Trace 'OR gate, one hidden layer (seed 002)': network 2-2-1 (sigmoid, sigmoid), ")
    assert "mse loss, sgd; 1 step of 4 samples; exact numbers; J ≈ 0.09034>" in r
    r2 = repr(tracer.trace_file(str(MINIBATCH)))
    assert "2 steps in mini-batches of 2 samples" in r2 and " → " in r2
    assert "rounded to 3 decimals" in repr(tracer.trace_file(str(OR_GATE), round=3))


def test_float_arrays(t):
    z = t.array("Z1")
    assert z.dtype == np.float64 and z.tolist() == Z1
    a1 = t.array("A1")
    assert np.abs(a1 - 1 / (1 + np.exp(-np.array(Z1)))).max() < 1e-15
    assert t.array("J").shape == () and abs(float(t.array("J")) - J) < 1e-12
    assert list(t.arrays()) == t.names() and t.names()[:2] == ["A0", "Y"]
    assert t.array("b1").shape == (2,)                  # bias vectors stay 1-D, as in the JSON
    with pytest.raises(KeyError, match="Z9: no such quantity in step 0 .there are: A0, Y, W1"):
        t.array("Z9")
    with pytest.raises(IndexError, match="step 3: the trace has steps 0..0"):
        t.array("Z1", 3)
    sym = tracer.trace_file(str(ROOT / "worked_examples" / "relu_three_iterations" / "problem.yaml"),
                            numbers="symbolic", steps=1)
    with pytest.raises(ValueError, match="symbolic trace holds formulas"):
        sym.array("Z1")


def test_render_formats_and_errors(t):
    assert t.render("md") == t.render("markdown") and t.render("tex") == t.render("latex")
    assert json.loads(t.render("json"))["format"] == "trace-net/1"
    assert t.render("text").startswith("OR gate")
    for fmt in ("text", "markdown", "latex", "json", "detail", "blank", "max_entries"):
        assert fmt in tracer.Trace.render.__doc__
    with pytest.raises(ValueError, match=r"render\('html'\): unknown format; give one of text, markdown, latex, json"):
        t.render("html")
    with pytest.raises(ValueError, match=r"to_pdf\(\)"):
        t.render("pdf")


def test_part_shows_one_step_or_section():
    tm = tracer.trace_file(str(MINIBATCH))
    fwd = str(tm.part(0, "forward"))
    assert "### Forward pass" in fwd and r"Z^{[1]}" in fwd
    assert "### Backward pass" not in fwd and "## Step 1" not in fwd and "## The problem" not in fwd
    loss = str(tm.part(section="loss"))
    assert loss.count("## Step") == 2 and loss.count("### Loss") == 2 and "### Update" not in loss
    step1 = str(tm.part(1))
    assert "## Step 1" in step1 and "## Step 0" not in step1 and "### Update" in step1
    assert str(tm.part()) == tm.render("markdown") and tm.part(-1).step == 1
    latex = tm.part(0, "loss")._repr_latex_()
    assert latex.startswith(r"$$\begin{aligned}J &=") and latex.endswith(r"\end{aligned}$$")
    with pytest.raises(ValueError, match="section 'fwd': give one of forward, loss, backward, update"):
        tm.part(0, "fwd")
    with pytest.raises(ValueError, match="step 2: the trace has steps 0..1"):
        tm.part(2)
    assert repr(tm.part(0, "backward")).endswith(": step 0, Backward pass>")


def test_jupyter_shows_a_compact_view(t):
    """HTML (what Jupyter picks first) is a summary, much shorter than the worksheet, with the
    updated parameters' values; Markdown and LaTeX reprs are there too."""
    h = t._repr_html_()
    assert len(h) < len(t._repr_markdown_()) / 3
    w1_next = (np.array([[0.2, 0.4], [0.3, 0.5]]) - 0.5 * t.array("dW1")).round(4)
    assert "".join(f"<td>{v:.4f}</td>" for v in w1_next[0]) in h
    assert "W[1] new ≈" in h and "<td>0.0903</td>" in h
    assert t._repr_latex_().startswith("$$")


def test_html_view_escapes_user_text(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR_GATE.read_text().replace("title: OR gate, one hidden layer (seed 002)",
                                             "title: '<script>alert(1)</script> & co'"))
    h = tracer.trace_file(str(p))._repr_html_()
    assert "<script>" not in h and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in h


# -- tracer.check -------------------------------------------------------------------------------

def test_check_from_python_agrees_with_the_command(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(README_ANSWERS))
    r = CliRunner().invoke(main, ["check", str(OR_GATE), str(answers), "-f", "json"])
    cli = json.loads(r.output)
    for problem in (str(OR_GATE), OR_GATE, tracer.load_problem(str(OR_GATE)),
                    yaml.safe_load(OR_GATE.read_text())):
        for given in (README_ANSWERS, answers, {k: np.array(v) for k, v in README_ANSWERS.items()}):
            res = tracer.check(problem, given)
            assert {(v["name"], v["status"]) for v in res.verdicts} == {("Z1", "correct"), ("dZ2", "wrong"),
                                                                      ("db1", "correct")}
            assert json.loads(res.render("json")) == cli
    res = tracer.check(OR_GATE, README_ANSWERS)
    assert not res.ok and res.exit_code == 1 and res.summary["wrong"] == 1
    assert next(v for v in res.verdicts if v["name"] == "dZ2")["diagnosis"] == \
        "off by a constant factor m = 4 (the number of samples)"
    assert repr(res) == "<CheckResult 3 answer(s): 2 correct, 0 carried, 1 wrong; first error: step 0, dZ2>"
    assert res._repr_markdown_().startswith("# Check: OR gate")


def test_check_traces_the_steps_the_answers_need():
    """Step 1's Z1 is not step 0's (the weights moved by about 0.001): wrong at a tight
    tolerance; step 1's own floats are right."""
    res = tracer.check(OR_GATE, {"steps": [{}, {"Z1": Z1}]}, rtol="1e-6", atol=1e-9)
    assert [(v["step"], v["name"], v["status"]) for v in res.verdicts] == [(1, "Z1", "wrong")]
    assert tracer.check(OR_GATE, {"steps": [{}, {"Z1": Z1}]}).ok      # within the default 1 %
    w = tracer.trace_file(str(OR_GATE), steps=2)
    assert tracer.check(OR_GATE, {"steps": [{}, {"Z1": w.array("Z1", 1)}]}, rtol="1e-6", atol=1e-9).ok


def test_check_refuses_bad_input():
    with pytest.raises(ProblemError, match="no infinities or NaN"):
        tracer.check(OR_GATE, {"Z1": [[float("nan")] * 4] * 2})
    with pytest.raises(TypeError, match="answers: an answers file's path or a mapping"):
        tracer.check(OR_GATE, [1, 2])


def test_tracer_check_is_callable_in_any_import_order():
    code = ("import tracer.check.report\nfrom tracer.check import check_files\nimport tracer\n"
            f"print(tracer.check({str(OR_GATE)!r}, {{'Z1': {Z1!r}}}).ok, callable(check_files))\n"
            "from tracer import check\nprint(check.__call__.__doc__.split(chr(10))[0])\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.splitlines() == ["True True", "Grade hand-calculated answers against the trace of `problem`, "
                                                  "as `trace-net check`."], r.stderr


# -- MLP.fit ---------------------------------------------------------------------------------------

def model(loss="mse"):
    if loss == "cross_entropy":
        return MLP([2, 3], ["softmax"], "cross_entropy")
    if loss == "bce":
        return MLP([2, 1], ["sigmoid"], "bce")
    return MLP([2, 2, 1], ["relu", None], "mse")


X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


@pytest.mark.parametrize("loss,x,y,kw,message", [
    ("mse", X[:, 0], [[1], [0], [1]], {}, r"X: one row per sample \(a 2-D array\), got shape \(3,\)"),
    ("mse", np.zeros((3, 5)), [[1], [0], [1]], {}, "X: 5 feature.s. per sample, but the network's first layer takes 2"),
    ("mse", np.zeros((0, 2)), np.zeros((0, 1)), {}, "X: no samples"),
    ("mse", [[0, 1], [1, float("nan")], [1, 1]], [[1], [0], [1]], {}, r"X\[1\]\[1\] = nan: NaN and infinities"),
    ("mse", [["a", "b"]] * 3, [[1], [0], [1]], {}, "X: not an array of numbers"),
    ("mse", X, [[1, 0], [0, 1], [1, 1]], {}, r"Y: 2 column\(s\), but the network has 1 output\(s\)"),
    ("mse", X, [[1], [0]], {}, "X has 3 samples, Y has 2"),
    ("mse", X, [[1], [np.inf], [0]], {}, r"Y\[1\]\[0\] = inf"),
    ("cross_entropy", X, [0, 3, 1], {}, r"Y\[1\] = 3: not a class index 0..2 \(the network has 3 outputs\)"),
    ("cross_entropy", X, [0, 1.5, 1], {}, r"Y\[1\] = 1.5: not a class index"),
    ("bce", X, [[1], [2], [0]], {}, r"Y\[1\]\[0\] = 2: bce targets are probabilities in \[0, 1\]"),
    ("mse", X, [[1], [0], [1]], {"epochs": 0}, "epochs: a whole number ≥ 1, got 0"),
    ("mse", X, [[1], [0], [1]], {"batch_size": 0}, "batch_size: a whole number ≥ 1, got 0"),
    ("mse", X, [[1], [0], [1]], {"epochs": 2.5}, "epochs: a whole number ≥ 1, got 2.5"),
])
def test_fit_refuses_bad_data(loss, x, y, kw, message):
    m = model(loss)
    before = [w.copy() for w, _ in m.weights()]
    with pytest.raises(ValueError, match=message):
        m.fit(x, y, progress=False, **kw)
    assert all(np.array_equal(a, w) for a, (w, _) in zip(before, m.weights()))   # nothing trained


def test_fit_accepts_good_data_and_predict_checks_too():
    m = model("cross_entropy")
    losses = m.fit(X, [0, 2, 1], epochs=2, batch_size=2, progress=False)
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    with pytest.raises(ValueError, match="X: 3 feature"):
        m.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"Y\[0\] = 7"):
        m.evaluate(X, [7, 0, 1])


def test_repr_counts_the_neurons_of_an_augmented_network():
    """The mfnet report's network is 2-3-2-1 (its W̃ add a constant row the repr does not count)."""
    from pathlib import Path
    import tracer
    root = Path(__file__).resolve().parents[1]
    t = tracer.trace_file(root / "worked_examples" / "mfnet_report_000" / "problem.yaml")
    assert "network 2-3-2-1 (identity, identity, identity)" in repr(t)
