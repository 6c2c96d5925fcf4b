"""`trace-net generate` on graph templates: random inputs on a grid of nice numbers, no kink
at relu or abs (an argument of exactly 0) and no tie at max or min, answer keys that the
checker grades all correct, the same variants for the same seed."""
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tracer import parse_problem, trace
from tracer.check import check_files
from tracer.cli import main
from tracer.generate import generate, load_template
from tracer.generate.template import Template, TemplateError
from tracer.graph.nice import first_violation

TEMPLATES = Path(__file__).resolve().parents[1] / "examples" / "templates"
KINKS = TEMPLATES / "graph_relu_max.yaml"
SETTINGS = {"max_abs_z": 3, "max_denominator": 10000}


def test_variants_have_no_kink_and_nice_inputs():
    variants = generate(load_template(str(KINKS)), count=12, seed=7)
    assert len({v.key for v in variants}) == 12
    for v in variants:
        x, y, w, t = (Fraction(v.raw["graph"]["inputs"][k]) for k in ("x", "y", "w", "t"))
        assert all((q * 2).denominator == 1 and abs(q) <= 2 for q in (x, y, w))     # the 0.5 grid
        assert x != 0 and w != 0
        assert w * x + y != 0            # relu's argument
        assert x != y                    # max's tie
        assert max(x, y) != 0            # abs's argument
        assert v.trace.entry(v.trace["dx"])[1] != 0


def test_the_same_seed_gives_the_same_variants():
    a = [v.key for v in generate(load_template(str(KINKS)), count=3, seed=11)]
    b = [v.key for v in generate(load_template(str(KINKS)), count=3, seed=11)]
    assert a == b


def test_a_template_that_only_draws_kinks_is_refused_naming_the_rule():
    raw = {"graph": {"inputs": {"x": {"choice": [-1, 1]}, "y": {"choice": [-1, 1]}},
                     "nodes": {"f": "max(x, y) * abs(x)"}}, "generate": {"distinct": False}}
    # x = y ties (half the draws); x ≠ y never does: some draws pass
    variants = generate(Template(raw), count=2, seed=1)
    assert all(v.raw["graph"]["inputs"]["x"] != v.raw["graph"]["inputs"]["y"] for v in variants)
    raw["graph"]["inputs"]["y"] = {"choice": [0]}
    raw["graph"]["nodes"] = {"f": "relu(y) + x"}
    with pytest.raises(TemplateError) as e:
        generate(Template(raw), count=1, seed=1)
    assert "rejected by: kink" in str(e.value) and "relu of exactly 0" in str(e.value)


@pytest.mark.parametrize("nodes, rule", [
    ({"f": "relu(x - 1)"}, "kink"),
    ({"f": "abs(x - 1) + x"}, "kink"),
    ({"f": "min(x, 1) * x"}, "kink"),
    ({"f": "sigmoid(5 * x)"}, "saturated"),
    ({"f": "relu(-x) + y"}, "zero_gradient"),
    ({"f": "x / 7 / 11 / 13 / 17"}, "denominator"),
])
def test_each_rule(nodes, rule):
    t = trace(parse_problem({"graph": {"inputs": {"x": 1, "y": 2}, "nodes": nodes}}))
    assert first_violation(t, SETTINGS).rule == rule


def test_a_nice_graph_passes():
    t = trace(parse_problem({"graph": {"inputs": {"x": 1, "y": 2}, "nodes": {"f": "relu(x) * max(x, y)"}}}))
    assert first_violation(t, SETTINGS) is None


def test_the_command_writes_sheets_solutions_and_keys_that_check(tmp_path):
    out = tmp_path / "hw"
    r = CliRunner().invoke(main, ["generate", str(TEMPLATES / "graph_neuron.yaml"), "--count", "3",
                                  "--seed", "5", "-o", str(out)])
    assert r.exit_code == 0, r.output
    for k in (1, 2, 3):
        sheet = (out / f"sheet-{k}.md").read_text()
        assert "problem sheet" in sheet and "<svg" in sheet
        problem = yaml.safe_load((out / f"problem-{k}.yaml").read_text())
        assert set(problem["graph"]["inputs"]) == {"w0", "x0", "w1", "x1", "w2"}
        g = check_files(str(out / f"problem-{k}.yaml"), str(out / f"answers-{k}.yaml"))
        assert g.exit_code == 0 and len(g.results) == 26
