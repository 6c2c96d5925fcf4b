"""The trace JSON (issue 19.5): title and version, the network, loss and optimizer as read,
float mode's all-null `exact` compacted to one null; and `trace-net schema --trace`, a valid
JSON Schema that every worked example's trace JSON meets, in every number mode, and that
refuses a trace JSON with a wrong field."""
from __future__ import annotations

import copy
import json
import re
from fractions import Fraction
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import tracer
from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("worked_examples/*/problem.yaml"))
IDS = [p.parent.name for p in EXAMPLES]
NETWORKS = [p for p in EXAMPLES if "graph" not in yaml.safe_load(p.read_text())]
SMALL = ["linear_2_2_1", "graph_cs231n", "graph_sigmoid_neuron"]     # symbolic in well under a second


@pytest.fixture(scope="module")
def schema():
    r = CliRunner().invoke(main, ["schema", "--trace"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)
    jsonschema.Draft202012Validator.check_schema(s)
    return s


def trace_json(path, **overrides) -> dict:
    """What `trace-net PATH --format json` prints (the command, not to_dict)."""
    args = [str(path), "--format", "json"]
    for k, v in overrides.items():
        args += [f"--{k}", str(v)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


MODES = [{}, {"numbers": "float"}, {"numbers": "exact"}, {"round": 3}]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
@pytest.mark.parametrize("mode", MODES, ids=["as-given", "float", "exact", "round3"])
def test_every_worked_example_meets_the_schema(schema, path, mode):
    jsonschema.validate(trace_json(path, **mode), schema)


@pytest.mark.parametrize("name", SMALL)
def test_symbolic_traces_meet_the_schema(schema, name):
    d = trace_json(ROOT / "worked_examples" / name / "problem.yaml", numbers="symbolic")
    jsonschema.validate(d, schema)
    for st in d["steps"]:
        for name, v in st["values"].items():
            assert all(f is None for f in np.ravel(np.array(v["float"], dtype=object))), name
            assert all(isinstance(e, str) for e in np.ravel(np.array(v["exact"], dtype=object))), name


@pytest.mark.parametrize("break_it", [
    lambda d: d.pop("format"),
    lambda d: d.update(format="trace-net/2"),
    lambda d: d["steps"][0]["values"]["Z1"].pop("shape"),
    lambda d: d["steps"][0]["values"]["Z1"].update(exact=[[0.3]]),          # a number, not its text
    lambda d: d["steps"][0]["values"]["Z1"].update(float=[["0.3"]]),
    lambda d: d["steps"][0]["values"]["Z1"].update(grad=1),
    lambda d: d["network"].append({"gelu": {}}),
    lambda d: d["network"][0]["linear"]["W"][0].__setitem__(0, 0.2),        # a float, not the text
    lambda d: d.update(loss={"hinge": {}}),
    lambda d: d.update(numbers="decimal"),
])
def test_the_schema_refuses_a_wrong_field(schema, break_it):
    d = trace_json(ROOT / "worked_examples/or_gate/problem.yaml")
    jsonschema.validate(d, schema)
    bad = copy.deepcopy(d)
    break_it(bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_title_and_version(path):
    d = trace_json(path)
    assert d["title"] == (yaml.safe_load(path.read_text()).get("title") or "")
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert d["version"] == version == tracer.__version__
    assert list(d)[:3] == ["format", "title", "version"]


@pytest.mark.parametrize("path", NETWORKS, ids=[p.parent.name for p in NETWORKS])
def test_the_network_as_the_file_gives_it(path):
    raw = yaml.safe_load(path.read_text())
    d = trace_json(path)
    layers = [{item: {}} if isinstance(item, str) else item for item in raw["network"]]
    assert [next(iter(L)) for L in d["network"]] == [next(iter(L)) for L in layers]
    for got, want in zip(d["network"], layers):
        if "linear" in want:
            g, w = got["linear"], want["linear"]
            assert all(isinstance(e, str) for row in g["W"] for e in row)
            assert [[Fraction(e) for e in row] for row in g["W"]] == \
                   [[Fraction(str(e)) for e in row] for row in w["W"]]
            assert [Fraction(e) for e in g.get("b", [])] == [Fraction(str(e)) for e in w.get("b", [])]
            assert sorted(g.get("freeze", [])) == sorted(w.get("freeze", []))
    loss = raw["loss"] if isinstance(raw["loss"], str) else next(iter(raw["loss"]))
    assert list(d["loss"]) == [loss] and list(d["optimizer"]) == list(raw["optimizer"])


@pytest.mark.parametrize("path", NETWORKS, ids=[p.parent.name for p in NETWORKS])
def test_the_settings_as_read_trace_the_same(path):
    """The JSON's network, loss and optimizer in place of the file's give the same trace:
    nothing is lost or changed on the way (defaults filled in, numbers exact)."""
    raw = yaml.safe_load(path.read_text())
    d = trace_json(path)
    again = tracer.trace(tracer.parse_problem({**raw, **{k: d[k] for k in ("network", "loss", "optimizer")}}))
    assert json.loads(again.to_json())["steps"] == d["steps"]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_float_mode_exact_is_one_null(path):
    d = trace_json(path, numbers="float")
    for st in d["steps"]:
        for name, v in st["values"].items():
            assert v["exact"] is None, name
            assert list(np.shape(v["float"])) == v["shape"], name


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_exact_mode_keeps_every_entry(path):
    """Only a quantity with no exact entry is compacted; the others keep one text per entry."""
    d = trace_json(path, numbers="exact")
    kept = 0
    for st in d["steps"]:
        for name, v in st["values"].items():
            if v["exact"] is not None:
                kept += 1
                assert list(np.shape(np.array(v["exact"], dtype=object))) == v["shape"], name
                entries = np.ravel(np.array(v["exact"], dtype=object))
                assert any(e is not None for e in entries), name
                for e, f in zip(entries, np.ravel(v["float"])):
                    if e is not None and re.fullmatch(r"-?\d+(/\d+)?", e):
                        assert abs(float(Fraction(e)) - f) <= 1e-12 * max(1, abs(f)), name
    assert kept > 0


def test_schema_to_a_file(tmp_path):
    out = tmp_path / "trace.schema.json"
    r = CliRunner().invoke(main, ["schema", "--trace", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["properties"]["format"] == {"const": "trace-net/1"}
