"""`trace-net schema --template` (issue 19.5): a valid JSON Schema that every shipped template
meets (the problem schema flags them), that every problem file meets too (a problem file is a
template without specs), and that refuses what the template reader refuses."""
from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from tracer.cli import main
from tracer import parse_problem
from tracer.generate.template import Template
from tracer.schema import ProblemError

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(ROOT.glob("examples/templates/*.yaml"))
EXAMPLES = sorted(ROOT.glob("worked_examples/*/problem.yaml"))
V = jsonschema.Draft202012Validator


def _schema(*args):
    r = CliRunner().invoke(main, ["schema", *args])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)
    V.check_schema(s)
    return s


@pytest.fixture(scope="module")
def template():
    return _schema("--template")


@pytest.fixture(scope="module")
def problem():
    return _schema()


def test_templates_are_shipped():
    assert len(TEMPLATES) >= 5


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_every_template_meets_the_template_schema(template, problem, path):
    raw = yaml.safe_load(path.read_text())
    jsonschema.validate(raw, template, cls=V)
    Template(raw)                                    # and the reader takes it
    assert not V(problem).is_valid(raw)              # the problem schema flags it: why this one exists


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_a_problem_file_is_a_template(template, path):
    jsonschema.validate(yaml.safe_load(path.read_text()), template, cls=V)


GOOD = {"data": {"x": {"random_int": [0, 3], "shape": [4, 2]}, "y": {"random_int": [-2, 2]}},
        "network": {"sizes": [2, 2, 1], "activations": ["relu", None], "W": {"random": [-1, 1], "step": 0.5}},
        "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": {"choice": [0.1, 0.5]}}},
        "generate": {"grid": 0.1, "max_denominator": 1000}}
LAYERS = {"network": [{"linear": {"W": [[{"random": [0, 1]}, 0.5]], "b": {"random_int": [-1, 1]}}}, "sigmoid"]}


@pytest.mark.parametrize("ok", [GOOD, {**GOOD, **LAYERS}], ids=["shorthand", "layers, one entry a spec"])
def test_specs_where_the_spec_allows_them(template, ok):
    jsonschema.validate(ok, template, cls=V)
    Template(ok)


@pytest.mark.parametrize("change", [
    {"generate": {"gird": 0.1}},                                            # an unknown key
    {"generate": {"grid": 0}},                                              # grid > 0
    {"optimizer": {"sgd": {"lr": {"random": [0, 1], "stp": 0.1}}}},         # a spec's unknown key
    {"optimizer": {"sgd": {"lr": {"random": [0]}}}},                        # [low, high]
    {"optimizer": {"sgd": {"lr": {"random_int": [0.5, 2]}}}},               # whole numbers
    {"network": {"sizes": [2]}},                                            # inputs and a layer at least
    {"network": {"sizes": [2, 1], "depth": 3}},
    {"loss": {"hinge": {}}},
])
def test_the_schema_refuses_what_the_reader_refuses(template, change):
    bad = {**GOOD, **change}
    assert not V(template).is_valid(bad)
    with pytest.raises(ProblemError):
        parse_problem(Template(bad).draw(random.Random(0)))
