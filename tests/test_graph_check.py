"""`trace-net check` on a graph: answers by the graph's own names, error carried forward
through the graph, and backpropagation's slips named (a sign, branches not summed, a forward
value for a local derivative, a local derivative at the wrong point)."""
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tracer.check import check_files
from tracer.check.report import render
from tracer.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "worked_examples"
RESIDUAL = EXAMPLES / "graph_residual" / "problem.yaml"
NEURON = EXAMPLES / "graph_sigmoid_neuron" / "problem.yaml"
CS231N = EXAMPLES / "graph_cs231n" / "problem.yaml"


def check(tmp_path, problem, answers, **kw):
    f = tmp_path / "answers.yaml"
    f.write_text(yaml.safe_dump(answers))
    return check_files(str(problem), str(f), **kw)


def verdicts(grading):
    return {r.name: (r.status, r.diagnosis) for r in grading.results}


def test_right_answers_are_correct(tmp_path):
    g = check(tmp_path, RESIDUAL, {"u": 1, "h": 1, "f": 2.25, "df_de": -3, "dh": 1.5, "dw1": 3, "dx": 0.75,
                                   "dw2": -3, "dt": 3, "dg_dh": -1.5, "dh_du": 1})
    assert all(r.status == "correct" for r in g.results) and g.exit_code == 0


def test_branches_not_summed_is_named_and_carried_forward(tmp_path):
    # h feeds g and y: only the branch through g (4.5) instead of 4.5 + (−3)
    g = check(tmp_path, RESIDUAL, {"dh": 4.5, "du": 4.5, "dw1": 9, "dx": 2.25, "dw2": -3})
    v = verdicts(g)
    assert v["dh"][0] == "wrong"
    assert v["dh"][1].startswith("branches not summed (the multivariate chain rule): this is only the "
                                 "branch through g, but h feeds g, y")
    for name in ("du", "dw1", "dx"):
        assert v[name][0] == "carried", (name, v[name])
    assert v["dw2"][0] == "correct"
    assert g.first_error.name == "dh"


def test_a_sign_slip(tmp_path):
    v = verdicts(check(tmp_path, RESIDUAL, {"dt": -3, "dh": -1.5}))
    assert v["dt"] == ("wrong", "sign slip (the sign is flipped)")
    assert v["dh"][1] == "sign slip (the sign is flipped)"


def test_a_sign_slip_in_one_branch(tmp_path):
    v = verdicts(check(tmp_path, RESIDUAL, {"dh": -7.5}))      # −4.5 + (−3)
    assert v["dh"] == ("wrong", "sign slip in the branch through g")


def test_forward_value_in_place_of_the_local_derivative(tmp_path):
    # σ gate: ∂f/∂c = f(1 − f) ≈ 0.1966, taken as f ≈ 0.7311
    v = verdicts(check(tmp_path, NEURON, {"df_dc": 0.7311, "dc": 0.7311, "dw2": 0.7311}))
    assert v["df_dc"][0] == "wrong"
    assert v["df_dc"][1].startswith("the forward value f used in place of the local derivative "
                                    "(∂f/∂c = f*(1 - f))")
    assert v["dc"][0] == "carried" and v["dw2"][0] == "carried"
    # without their ∂f/∂c, the gradient itself is diagnosed
    v = verdicts(check(tmp_path, NEURON, {"dc": 0.7311}))
    assert v["dc"][1].startswith("the forward value f used in place of the local derivative")


def test_local_derivative_at_the_wrong_point(tmp_path):
    # σ′ evaluated at the output: σ(f)(1 − σ(f)) with f = σ(1)
    import math
    f = 1 / (1 + math.exp(-1))
    s = 1 / (1 + math.exp(-f))
    v = verdicts(check(tmp_path, NEURON, {"df_dc": round(s * (1 - s), 4)}))
    assert v["df_dc"][1].startswith("the local derivative taken at the wrong point: sigmoid′ evaluated "
                                    "at the output f instead of at its input")
    # × gate: ∂f/∂q = z = −4 taken as q = 3
    v = verdicts(check(tmp_path, CS231N, {"df_dq": 3, "dq": 3}))
    assert v["df_dq"][1].startswith("the local derivative taken at the wrong point: the factor q itself")
    assert v["dq"][0] == "carried"


def test_upstream_gradient_left_out(tmp_path):
    # ∂f/∂w1 = ∂f/∂u · ∂u/∂w1 = 1.5 · 2, written as ∂u/∂w1 = 2 alone
    v = verdicts(check(tmp_path, RESIDUAL, {"dw1": 2}))
    assert v["dw1"][1].startswith("the upstream gradient ∂f/∂u left out")


def test_the_command_grades_a_graph_and_writes_its_names(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("dh: 4.5\ndx: 2.25\n")
    r = CliRunner().invoke(main, ["check", str(RESIDUAL), str(f), "--format", "json"])
    assert r.exit_code == 1, r.output
    out = json.loads(r.output)
    assert [(x["name"], x["status"]) for x in out["results"]] == [("dh", "wrong"), ("dx", "carried")]
    assert out["results"][0]["expected"] == 1.5 and out["summary"]["first_error"] == {"step": 0, "name": "dh"}
    md = render(check_files(str(RESIDUAL), str(f)), "markdown")
    assert r"\frac{\partial f}{\partial h}" in md
    r = CliRunner().invoke(main, ["check", str(RESIDUAL), str(f), "--format", "latex"])
    assert r.exit_code == 1 and r"\frac{\partial f}{\partial x}" in r.output


def test_unknown_names_are_refused(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("dH: 1\nd_x: 2\n")
    r = CliRunner().invoke(main, ["check", str(RESIDUAL), str(f)])
    assert r.exit_code == 2
    assert "dH: no quantity of that name (did you mean 'dh'?)" in r.output
