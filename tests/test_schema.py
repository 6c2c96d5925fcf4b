"""`trace-net schema`: a valid JSON Schema, generated from the specs that validate, that
accepts every worked example and refuses what the reader refuses; bad input for the keys of
issue 9 (optimizers, betas, batch size, symbols): one message naming the place, exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("worked_examples/*/problem.yaml"))
GOOD = {"data": {"x": [[1, 2], [3, 4], [5, 6]], "y": [[1], [0], [1]]},
        "network": [{"linear": {"W": [[0.5, -0.5]], "b": [0]}}, "sigmoid"],
        "loss": "bce", "optimizer": {"adam": {"lr": 0.1}}}


@pytest.fixture(scope="module")
def schema():
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)
    jsonschema.Draft202012Validator.check_schema(s)
    return s


def test_every_key_is_in_the_schema(schema):
    from tracer.schema import PROBLEM
    assert set(schema["properties"]) == set(PROBLEM.fields) | {"graph"}     # graph: problem-format §6
    for key in ("batch_size", "symbols", "steps", "numbers"):
        assert key in schema["properties"]
    assert "symbolic" in schema["properties"]["numbers"]["enum"]
    opts = {next(iter(a["properties"])): a["properties"][next(iter(a["properties"]))]
            for a in schema["properties"]["optimizer"]["anyOf"] if a.get("type") == "object"}
    assert set(opts) == {"sgd", "adam", "adamw"}
    assert set(opts["sgd"]["properties"]) == {"lr", "momentum", "nesterov", "weight_decay"}
    assert set(opts["adam"]["properties"]) == {"lr", "betas", "eps", "weight_decay"}
    assert opts["adamw"]["properties"]["weight_decay"]["default"] == 0.01
    assert opts["adam"]["properties"]["betas"]["default"] == [0.9, 0.999]
    beta = opts["adam"]["properties"]["betas"]["items"]["anyOf"][0]
    assert beta == {"type": "number", "minimum": 0, "exclusiveMaximum": 1}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_worked_examples_valid(schema, path):
    jsonschema.validate(yaml.safe_load(path.read_text()), schema)


@pytest.mark.parametrize("change", [
    {"optimizer": {"rmsprop": {"lr": 0.1}}},
    {"optimizer": {"adam": {"lr": 0.1, "momentum": 0.9}}},
    {"optimizer": {"adam": {"lr": 0.1, "betas": [0.9, 1]}}},
    {"optimizer": {"adam": {"lr": 0.1, "betas": [0.9]}}},
    {"optimizer": "sgd"},
    {"batch_size": 0},
    {"numbers": "symbol"},
    {"symbols": "W1"},
])
def test_schema_refuses_what_the_reader_refuses(schema, change):
    from tracer import ProblemError, parse_problem
    bad = {**GOOD, **change}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    with pytest.raises(ProblemError):
        parse_problem(bad)


def test_schema_accepts_what_the_reader_accepts(schema):
    from tracer import parse_problem
    ok = {**GOOD, "batch_size": 2, "numbers": "symbolic", "symbols": ["W1", "x_1_2"],
          "optimizer": {"adamw": {"lr": "1/10", "betas": [0, 0.5], "eps": "1e-6"}}}
    jsonschema.validate(ok, schema)
    parse_problem(ok)


def test_schema_to_a_file(tmp_path):
    out = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text())["title"] == "trace-net problem"


@pytest.mark.parametrize("change, place, words", [
    ({"optimizer": {"rmsprop": {"lr": 0.1}}}, "optimizer", "unknown optimizer 'rmsprop'"),
    ({"optimizer": {"adam": {"lr": 0.1, "momentum": 0.9}}}, "optimizer.adam.momentum", "unknown key"),
    ({"optimizer": {"sgd": {"lr": 0.1, "nesterov": True}}}, "optimizer.sgd.nesterov", "momentum > 0"),
    ({"optimizer": {"adam": {"lr": 0.1, "betas": [0.9, 1]}}}, "optimizer.adam.betas[1]", "must be < 1"),
    ({"optimizer": {"adamw": {"lr": 0.1, "betas": [-0.1, 0.9]}}}, "optimizer.adamw.betas[0]", "must be ≥ 0"),
    ({"batch_size": 0}, "batch_size", "at least 1"),
    ({"batch_size": 4}, "batch_size", "only 3 samples"),
    ({"numbers": "symbolic", "symbols": ["W1", "W2"]}, "symbols[1]", "'W2' names nothing"),
    ({"numbers": "symbolic", "symbols": ["x_4_1"]}, "symbols[0]", "'x_4_1' names nothing"),
    ({"numbers": "symbolic", "symbols": ["b1_2"]}, "symbols[0]", "'b1_2' names nothing"),
])
def test_bad_input_one_message_exit_2(tmp_path, change, place, words):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({**GOOD, **change}))
    r = CliRunner().invoke(main, [str(f)])
    assert r.exit_code == 2, r.output
    line = r.output.strip()
    assert "Traceback" not in line and len(line.splitlines()) == 1
    assert line.startswith(f"Error: {place}:"), line
    assert words in line, line


def test_numbers_override_drops_symbols(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({**GOOD, "numbers": "symbolic", "symbols": ["W1"]}))
    r = CliRunner().invoke(main, [str(f), "--numbers", "exact", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["numbers"] == "exact"
