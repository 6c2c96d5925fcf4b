"""The Python API under hostile arguments (issue 15.1): numpy scalars and arrays are numbers
and matrices like any other; NaN, inf and wrong types are one clear exception naming the
place (ProblemError for a problem's content, TypeError or ValueError for a call's own
arguments), never a failure deep inside."""
from __future__ import annotations

import copy
import decimal
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml

import tracer
from tracer import ProblemError, parse_problem, trace

ROOT = Path(__file__).resolve().parent.parent
OR_FILE = ROOT / "worked_examples/or_gate/problem.yaml"
OR = yaml.safe_load(OR_FILE.read_text())


def with_value(path, v):
    d = copy.deepcopy(OR)
    node = d
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = v
    return d


LR = ("optimizer", "sgd", "lr")
W00 = ("network", 0, "linear", "W", 0, 0)


@pytest.mark.parametrize("v, same", [(np.float64(0.5), 0.5), (np.float32(0.5), 0.5), (np.float16(0.5), 0.5),
                                     (np.int64(1), 1), (np.longdouble(0.5), 0.5), (Fraction(1, 2), 0.5),
                                     (decimal.Decimal("0.5"), 0.5)])
def test_numpy_scalars_are_the_numbers_they_hold(v, same):
    got = trace(parse_problem(with_value(LR, v))).to_dict()["steps"]
    want = trace(parse_problem(with_value(LR, same))).to_dict()["steps"]
    assert got == want


@pytest.mark.parametrize("v", [float("nan"), math.inf, -math.inf, np.nan, np.float64("inf"), np.float32("nan"),
                               decimal.Decimal("nan"), decimal.Decimal("-inf")])
@pytest.mark.parametrize("path, place", [(LR, "optimizer.sgd.lr"), (W00, "network[0].linear.W[0][0]")])
def test_nan_and_inf_are_refused_naming_the_place(v, path, place):
    with pytest.raises(ProblemError) as e:
        parse_problem(with_value(path, v))
    assert str(e.value).startswith(place + ": ") and "no infinities or NaN" in str(e.value)


@pytest.mark.parametrize("v, shown", [(True, "got true"), (np.bool_(False), "got false"), (None, "nothing (null)"),
                                      (1j, "type complex"), ([], "an empty list"), ({"a": 1}, "a mapping"),
                                      ({1, 2}, "a set"), (object(), "type object"), (b"0.5", "type bytes")])
def test_wrong_types_are_refused_naming_the_place(v, shown):
    with pytest.raises(ProblemError, match=r"^optimizer\.sgd\.lr: .*" + re.escape(shown)):
        parse_problem(with_value(LR, v))


def test_numpy_arrays_are_matrices():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    d = with_value(("data", "x"), x)
    d["network"][0]["linear"]["W"] = np.array([[0.2, 0.4], [0.3, 0.5]])
    d["network"][0]["linear"]["b"] = np.array([0.3, 0.5])
    assert trace(parse_problem(d)).to_dict()["steps"] == trace(parse_problem(OR)).to_dict()["steps"]
    x = np.array([[np.nan, 0], [0, 1], [1, 0], [1, 1]])
    with pytest.raises(ProblemError, match=r"^data\.x\[0\]\[0\]: nan is not a number"):
        parse_problem(with_value(("data", "x"), x))


@pytest.mark.parametrize("over, message", [({"steps": float("nan")}, "steps: expected a whole number, got nan"),
                                           ({"decimals": np.float64("inf")}, "decimals: expected a whole number"),
                                           ({"round": -1}, "round: must be at least 0"),
                                           ({"numbers": 5}, "numbers: expected one of exact, float, symbolic")])
def test_trace_file_overrides_are_checked(over, message):
    with pytest.raises(ProblemError, match="^" + message):
        tracer.trace_file(OR_FILE, **over)


def test_numpy_integer_overrides_work():
    assert len(tracer.trace_file(OR_FILE, steps=np.int64(2)).steps) == 2


@pytest.fixture(scope="module")
def t():
    return tracer.trace_file(OR_FILE)


RENDER_CASES = [
    ({"max_entries": float("nan")}, TypeError, "max_entries=nan: give a whole number"),
    ({"max_entries": -1}, ValueError, "max_entries=-1: give a whole number of at least 0"),
    ({"max_entries": True}, TypeError, "max_entries=true"),
    ({"decimals": -1}, ValueError, "decimals=-1: give a whole number from 0 to 30"),
    ({"decimals": 2.5}, TypeError, "decimals=2.5"),
    ({"blank": "yes"}, TypeError, "blank='yes': give True or False"),
    ({"detail": "all"}, ValueError, "detail must be one of matrix, entries, chain"),
]


@pytest.mark.parametrize("fmt, options, error, message",
                         [("markdown", *c) for c in RENDER_CASES]
                         + [("text", *c) for c in RENDER_CASES if "detail" not in c[0]])   # text: one detail
def test_render_options_are_checked(t, fmt, options, error, message):
    with pytest.raises(error) as e:
        t.render(fmt, **options)
    assert str(e.value).startswith(message)


def test_numpy_integers_are_render_options(t):
    assert t.render("markdown", decimals=np.int64(2), max_entries=np.int32(8)) == \
        t.render("markdown", decimals=2, max_entries=8)


def test_indexing_a_trace(t):
    assert t["J"] == t[0, "J"] == t[np.int64(0), "J"]
    with pytest.raises(KeyError, match="nope: no such quantity in step 0"):
        t["nope"]
    with pytest.raises(IndexError, match="step 3: the trace has steps 0..0"):
        t[3, "J"]
    with pytest.raises(IndexError, match=r"step 0\.0"):
        t[0.0, "J"]
    with pytest.raises(TypeError, match=r"trace\[5\]: give a quantity's name"):
        t[5]


@pytest.mark.parametrize("answer", [float("nan"), math.inf, np.float64("nan"), np.array([[np.inf, 0, 0, 0], [0, 0, 0, 0]])])
def test_check_refuses_nan_answers(answer):
    name = "J" if np.ndim(answer) == 0 else "Z1"
    with pytest.raises(ProblemError, match="no infinities or NaN"):
        tracer.check(str(OR_FILE), {name: answer})


@pytest.mark.parametrize("kw", [{"rtol": float("nan")}, {"atol": math.inf}, {"atol": "1e999"}])
def test_check_refuses_nan_tolerances(kw):
    with pytest.raises(ProblemError, match="^--[ar]tol: "):
        tracer.check(str(OR_FILE), {"J": 0.09}, **kw)


def test_check_takes_numpy_answers():
    r = tracer.check(str(OR_FILE), {"Z1": np.array([[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]),
                                    "J": np.float64(0.0903)})
    assert r.summary["correct"] == 2


@pytest.mark.parametrize("where, place", [("weight", "network[0].linear.W[0][0]: nan"), ("x", "data.x[0][1]: inf"),
                                          ("lr", "optimizer.sgd.lr: nan"), ("class", "data.y[1]: expected a whole number, got nan")])
def test_from_torch_refuses_nan_and_inf_naming_the_place(where, place):
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    model = torch.nn.Sequential(torch.nn.Linear(2, 3 if where == "class" else 1)).double()
    x, y = torch.zeros(2, 2, dtype=torch.float64), torch.zeros(2, 1, dtype=torch.float64)
    loss = torch.nn.MSELoss()
    with torch.no_grad():
        if where == "weight":
            model[0].weight[0, 0] = float("nan")
    if where == "x":
        x[0, 1] = float("inf")
    if where == "class":
        y, loss = torch.tensor([0.0, float("nan")]), torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=float("nan") if where == "lr" else 0.1)
    with pytest.raises(ProblemError) as e:
        tracer.from_torch(model, x, y, loss, opt)
    assert str(e.value).startswith(place)


@pytest.mark.parametrize("v", [10 ** 400, -(10 ** 308), "1/1" + "0" * 400, "1" + "0" * 400 + "/3", Fraction(1, 10 ** 301)])
def test_whole_numbers_and_fractions_beyond_float_range_are_refused(v):
    with pytest.raises(ProblemError, match=r"^optimizer\.sgd\.lr: .* is out of range: nonzero numbers lie between"):
        parse_problem(with_value(LR, v))
