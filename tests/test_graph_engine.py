"""Scalar computational graphs (problem-format §6): the classics' published numbers, every
number mode, the quantity names, and every bad graph refused with one line naming its place."""
import json
import math
from fractions import Fraction

import pytest
import sympy as sp
from click.testing import CliRunner

from tracer import parse_problem, trace
from tracer.cli import main
from tracer.schema import ProblemError

CS231N = {"graph": {"inputs": {"x": -2, "y": 5, "z": -4}, "nodes": {"q": "x + y", "f": "q * z"}}}
NEURON = {"graph": {"inputs": {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3},
                    "nodes": {"a": "w0 * x0", "b": "w1 * x1", "c": "a + b + w2", "f": "sigmoid(c)"},
                    "output": "f"}}
# q feeds r and s: its gradient is the sum of two branches
TWICE = {"graph": {"inputs": {"x": 3, "y": -1, "z": 2},
                   "nodes": {"q": "x + y", "r": "q * z", "s": "q + r", "f": "s * s"}}}


def run(d, **over):
    return trace(parse_problem({**d, **over}))


def exact(t, name):
    q = t.entry(t[name])[0]
    assert q is not None, f"{name} is not exact"
    return q


def flt(t, name):
    return t.entry(t[name])[1]


def test_cs231n_published_values():
    t = run(CS231N)
    assert [exact(t, n) for n in ("q", "f", "dx", "dy", "dz", "dq", "df")] == [3, -12, -4, -4, 3, -4, 1]
    assert exact(t, "df_dq") == -4 and exact(t, "df_dz") == 3          # ∂f/∂q = z, ∂f/∂z = q
    assert exact(t, "dq_dx") == 1 and exact(t, "dq_dy") == 1


def test_sigmoid_neuron_published_values():
    t = run(NEURON)
    s = 1 / (1 + math.exp(-1))                   # c = 1, σ′(1) = σ(1)(1 − σ(1))
    ds = s * (1 - s)
    assert exact(t, "c") == 1
    assert flt(t, "f") == pytest.approx(s, rel=1e-15)
    # CS231n: dx = [0.39, -0.59], dw = [-0.20, -0.39, 0.20]
    assert [round(flt(t, n), 2) for n in ("dx0", "dx1")] == [0.39, -0.59]
    assert [round(flt(t, n), 2) for n in ("dw0", "dw1", "dw2")] == [-0.20, -0.39, 0.20]
    for name, factor in (("dw0", -1), ("dx0", 2), ("dw1", -2), ("dx1", -3), ("dw2", 1), ("dc", 1)):
        assert flt(t, name) == pytest.approx(factor * ds, rel=1e-14)
    assert t.exacts(t["f"]) == "1/(1 + exp(-1))"


def test_branches_are_summed_and_written_as_a_sum():
    t = run(TWICE)
    # q = 2, r = 4, s = 6, f = 36; df/ds = 2s = 12; ds/dq = 1, ds/dr = 1, dr/dq = z = 2
    assert [exact(t, n) for n in ("q", "r", "s", "f")] == [2, 4, 6, 36]
    assert exact(t, "df_ds") == 12 and exact(t, "ds") == 12 and exact(t, "dr") == 12
    assert exact(t, "dq") == 12 * 1 + 12 * 2                   # both branches of q
    assert exact(t, "dx") == 36 and exact(t, "dz") == 12 * 2   # dr/dz = q = 2
    q = t.quantities["dq"]
    assert [r for r in q.expr.refs()] == ["dr", "dr_dq", "ds", "ds_dq"]
    assert t.branches("q") == [("dr", "dr_dq"), ("ds", "ds_dq")]
    d = t.to_dict()
    assert d["graph"]["branches"]["dq"] == [["dr", "dr_dq"], ["ds", "ds_dq"]]


def test_every_quantity_is_named_and_ordered_for_the_backward_pass():
    t = run(CS231N)
    names = list(t.quantities)
    assert names[:5] == ["x", "y", "z", "q", "f"]
    # the visit order: f, then q; each gradient after the locals it rests on
    assert names[5:] == ["df", "df_dq", "df_dz", "dq", "dz", "dq_dx", "dq_dy", "dx", "dy"]
    for n, q in t.quantities.items():
        for r in (q.expr.refs() if q.expr is not None else []):
            assert names.index(r) < names.index(n)
    assert t.to_dict()["graph"]["visit"] == ["f", "q"]


def test_names_off_the_path_to_the_output_get_zero():
    t = run({"graph": {"inputs": {"x": 2, "y": 3, "unused": 7},
                       "nodes": {"dead": "y * 5", "f": "x * x"}}})
    assert exact(t, "df_dx") == 4 and exact(t, "dx") == 4          # x·x: product rule, x + x
    assert exact(t, "dy") == 0 and exact(t, "ddead") == 0 and exact(t, "dunused") == 0
    assert "ddead_dy" not in t.quantities


def test_output_may_be_an_earlier_node():
    t = run(CS231N, graph={**CS231N["graph"], "output": "q"})
    assert exact(t, "dx") == 1 and exact(t, "dz") == 0 and exact(t, "df") == 0


@pytest.mark.parametrize("numbers", ["float", "exact"])
def test_float_and_exact_agree(numbers):
    t, e = run(NEURON, numbers="float"), run(NEURON, numbers=numbers)
    for n in t.quantities:
        assert flt(t, n) == pytest.approx(flt(e, n), rel=1e-15, abs=1e-300)


def test_hand_rounding_rounds_every_quantity_and_carries_it():
    t = run(NEURON, round=2)
    assert exact(t, "f") == Fraction(73, 100)                 # σ(1) = 0.7311 → 0.73
    assert exact(t, "df_dc") == Fraction(20, 100)             # 0.73 · 0.27 = 0.1971 → 0.20
    assert exact(t, "dx0") == Fraction(40, 100)               # 0.20 · 2, from the rounded 0.20
    assert t.to_dict()["round"] == 2


def test_symbolic_trace_substitutes_back_to_the_numeric_one():
    s, e = run(NEURON, numbers="symbolic"), run(NEURON)
    d = s.to_dict()
    assert d["steps"][0]["values"]["a"]["exact"] == "w0*x0"
    subs = {sp.Symbol(n, real=True): v for n, v in NEURON["graph"]["inputs"].items()}
    for name, v in d["steps"][0]["values"].items():
        assert v["float"] is None
        expr = sp.sympify(v["exact"]).subs({sp.Symbol(k): val for k, val in
                                            ((str(k), v) for k, v in subs.items())})
        assert float(expr) == pytest.approx(flt(e, name), rel=1e-12, abs=1e-300), name


def test_symbolic_keeps_only_the_named_symbols():
    s = run(CS231N, numbers="symbolic", symbols=["z"])
    v = s.to_dict()["steps"][0]["values"]
    assert v["f"]["exact"] == "3*z" and v["dx"]["exact"] == "z" and v["dz"]["exact"] == "3"


def test_functions_and_their_derivatives_at_a_point():
    # each against its derivative computed by hand at x = 1/2 (exact where rational)
    cases = {"x**3": (Fraction(1, 8), Fraction(3, 4)), "1/x": (2, -4), "x**-2": (4, -16),
             "abs(x - 1)": (Fraction(1, 2), -1), "relu(x)": (Fraction(1, 2), 1), "relu(-x)": (0, 0),
             "max(2*x, 1 - x)": (1, 2), "max(x, 1 - x)": (Fraction(1, 2), 0), "min(x, 2*x)": (Fraction(1, 2), 1),
             "-x**2": (Fraction(-1, 4), -1), "(x + 1)/(x - 1)": (-3, -8)}
    for text, (value, slope) in cases.items():
        t = run({"graph": {"inputs": {"x": "1/2"}, "nodes": {"f": text}}})
        assert (exact(t, "f"), exact(t, "dx")) == (value, slope), text
    for text, value, slope in (("exp(x)", math.exp(.5), math.exp(.5)), ("log(x)", math.log(.5), 2),
                               ("sqrt(x)", math.sqrt(.5), 1 / (2 * math.sqrt(.5))),
                               ("tanh(x)", math.tanh(.5), 1 - math.tanh(.5) ** 2)):
        t = run({"graph": {"inputs": {"x": "1/2"}, "nodes": {"f": text}}})
        assert (flt(t, "f"), flt(t, "dx")) == (pytest.approx(value, rel=1e-15), pytest.approx(slope, rel=1e-14))


def test_kinks_follow_torch():
    # relu′(0) = 0, abs′(0) = 0, max and min split a tie half and half (torch 2.x)
    t = run({"graph": {"inputs": {"x": 0, "y": 0}, "nodes": {"a": "relu(x)", "b": "abs(y)", "f": "a + b"}}})
    assert exact(t, "dx") == 0 and exact(t, "dy") == 0
    t = run({"graph": {"inputs": {"x": 2, "y": 2}, "nodes": {"f": "max(x, y)"}}})
    assert exact(t, "dx") == Fraction(1, 2) and exact(t, "dy") == Fraction(1, 2)


def test_decimals_are_exact_and_unicode_operators_read():
    t = run({"graph": {"inputs": {"x": 0.1, "y": "1/3"}, "nodes": {"f": "x − 0.2 · y × 3 ^ 2"}}})
    assert exact(t, "f") == Fraction(1, 10) - Fraction(2, 10) * Fraction(1, 3) * 9


def test_json_shape():
    out = json.loads(run(CS231N).to_json())
    assert out["format"] == "trace-net/1" and out["kind"] == "graph" and out["numbers"] == "exact"
    assert out["graph"]["output"] == "f"
    assert out["graph"]["nodes"][0] == {"name": "q", "expression": "x + y", "reads": ["x", "y"]}
    assert out["steps"][0]["values"]["dx"] == {"shape": [], "float": -4.0, "exact": "-4"}


# -- refused ---------------------------------------------------------------------------------------
def refused(graph, **top):
    with pytest.raises(ProblemError) as e:
        run({"graph": graph, **top})
    return str(e.value)


@pytest.mark.parametrize("nodes, message", [
    ({"c": "x + w3"}, "graph.nodes.c: unknown name 'w3'"),
    ({"a": "b + 1", "b": "a * 2"}, "graph.nodes.a: a cycle: a → b → a"),
    ({"a": "a + 1"}, "graph.nodes.a: a cycle: a → a"),
    ({"a": "b + 1", "b": "x * 2"}, "graph.nodes.a: 'b' is a later node"),
    ({"x": "x + 1"}, "graph.nodes.x: the name 'x' is used twice"),
    ({"dx": "x + 1"}, "graph.nodes.dx: the name 'dx' is used twice"),
    ({"a": "sin(x)"}, "graph.nodes.a: unknown function 'sin'"),
    ({"a": "x / (x - 1)"}, "graph.nodes.a: division by 0 (x - 1 = 0)"),
    ({"a": "x / 0"}, "graph.nodes.a: division by 0"),
    ({"a": "(x - 1)**-1"}, "graph.nodes.a: division by 0"),
    ({"a": "log(x - 1)"}, "graph.nodes.a: log of a number that is not positive"),
    ({"a": "sqrt(-x)"}, "graph.nodes.a: square root of a negative number"),
    ({"a": "sqrt(x - 1)"}, "graph.nodes.a: the local derivative ∂a/∂x is undefined here: division by 0"),
    ({"a": "x ** 0.5"}, "graph.nodes.a: powers take a whole-number exponent"),
    ({"a": "x ** 65"}, "graph.nodes.a: exponent 65 is past the limit"),
    ({"a": "2x"}, "graph.nodes.a: an operator is missing between '2' and 'x'"),
    ({"a": "x +"}, "graph.nodes.a: the expression ends too early"),
    ({"a": "(x + 1"}, "graph.nodes.a: expected ')'"),
    ({"a": "max(x)"}, "graph.nodes.a: max takes 2 arguments, got 1"),
    ({"a": "x & 1"}, "graph.nodes.a: unexpected character '&' at column 3"),
    ({"a": "x\x1b[2J"}, r"graph.nodes.a: unexpected character '\x1b' at column 2"),
    ({"a": "exp"}, "graph.nodes.a: 'exp' is a function"),
    ({"a": ""}, "graph.nodes.a: an empty expression"),
    ({"a": [1]}, "graph.nodes.a: expected an expression"),
    ({"a": "(" * 100 + "x" + ")" * 100}, "graph.nodes.a: nested more than 60 deep"),
    ({"a": "-" * 100 + "x"}, "graph.nodes.a: nested more than 60 deep"),
    ({"a": "x + " * 400 + "x"}, "graph.nodes.a: 1601 characters, past the limit"),
    ({"a": "exp(1000) * x"}, "graph.nodes.a: its value is beyond float64's range"),
])
def test_bad_nodes_are_refused_naming_the_place(nodes, message):
    assert refused({"inputs": {"x": 1}, "nodes": nodes}).startswith(message)


def test_exact_fractions_that_grow_too_long_are_refused_at_their_node():
    msg = refused({"inputs": {"x": "2/3"}, "nodes": {"a": "x**64", "b": "a**64"}})
    assert msg.startswith("graph.nodes.b: its value: exact fractions reached") and "--numbers float" in msg


@pytest.mark.parametrize("graph, top, message", [
    ({"inputs": {}, "nodes": {"a": "1"}}, {}, "graph.inputs: expected a mapping of inputs"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}, "output": "x"}, {}, "graph.output: 'x': it is an input"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}, "output": "b"}, {}, "graph.output: 'b': unknown node"),
    ({"inputs": {"x": "one"}, "nodes": {"a": "x"}}, {}, "graph.inputs.x: expected a number"),
    ({"inputs": {"2x": 1}, "nodes": {"a": "1"}}, {}, "graph.inputs.2x: a name is a letter"),
    ({"inputs": {True: 1}, "nodes": {"a": "1"}}, {}, "graph.inputs: a name that YAML reads as true"),
    ({"inputs": {"x": 1}, "nodes": {"exp": "x"}}, {}, "graph.nodes.exp: 'exp' is a function"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}}, {"data": {}}, "data: not in a graph problem"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}}, {"steps": 2}, "steps: 2: a graph is traced once"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}, "extra": 1}, {}, "graph.extra: unknown key"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}}, {"symbols": ["x"]}, "symbols: only with numbers: symbolic"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}}, {"numbers": "symbolic", "symbols": ["y"]},
     "symbols[0]: 'y' is not an input"),
    ({"inputs": {"E": 1}, "nodes": {"a": "E * 2"}}, {"numbers": "symbolic"}, "graph.inputs.E: with numbers: symbolic"),
    ({"inputs": {"x": 0}, "nodes": {"a": "1 / x"}}, {"numbers": "symbolic"}, "graph.nodes.a: division by 0"),
    ({"inputs": {"x": 0}, "nodes": {"a": "1 / x"}}, {"numbers": "float"}, "graph.nodes.a: division by 0"),
    ({"inputs": {"x": 1}, "nodes": {"a": "x"}}, {"numbers": "symbolic", "round": 2}, "round: hand rounding"),
])
def test_bad_graph_files_are_refused_naming_the_place(graph, top, message):
    assert refused(graph, **top).startswith(message)


def test_derived_names_that_collide_are_refused():
    msg = refused({"inputs": {"a_db": 1, "b": 2}, "nodes": {"a": "b * 2", "f": "a + a_db"}})
    assert msg.startswith("graph.nodes.a: the name 'da_db' is used twice")


def test_the_command_refuses_in_one_line_with_status_2(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("graph:\n  inputs: {w0: 2, x0: -1}\n  nodes:\n    a: w0 * x0\n    c: a + w3\n")
    r = CliRunner().invoke(main, [str(p), "--format", "json"])
    assert r.exit_code == 2
    assert r.output.strip() == "Error: graph.nodes.c: unknown name 'w3'; it can use w0, x0, a"
    r = CliRunner().invoke(main, [str(p.with_name("x.yaml"))])
    assert r.exit_code == 2


def test_the_command_writes_the_json(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text("graph:\n  inputs: {x: -2, y: 5, z: -4}\n  nodes: {q: x + y, f: q * z}\n")
    r = CliRunner().invoke(main, [str(p), "--format", "json", "--numbers", "float"])
    assert r.exit_code == 0, r.output
    v = json.loads(r.output)["steps"][0]["values"]
    assert v["dx"]["float"] == -4.0 and v["dx"]["exact"] is None


@pytest.mark.parametrize("text, message", [
    ("graph:\n  inputs: {x: 1, y: 2}\n  nodes:\n    a: x + y\n    a: x * y\n",
     "the key 'a' is given twice, at lines 4 and 5"),
    ("graph:\n  inputs: {x: 1, x: 2}\n  nodes: {a: x + 1}\n", "the key 'x' is given twice"),
])
def test_a_name_given_twice_in_the_file_is_refused(tmp_path, text, message):
    p = tmp_path / "dup.yaml"
    p.write_text(text)
    r = CliRunner().invoke(main, [str(p), "--format", "json"])
    assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1


def test_every_refusal_is_quick_and_bounded(tmp_path):
    # a long chain of nodes, each squaring the last: refused at the node where the exact
    # fractions pass 1,000 digits, not after building a million-digit number
    nodes = {"a0": "x"} | {f"a{i}": f"a{i - 1}**2" for i in range(1, 40)}
    with pytest.raises(ProblemError) as e:
        run({"graph": {"inputs": {"x": "1/3"}, "nodes": nodes}})
    assert str(e.value).startswith("graph.nodes.a12: its value: exact fractions reached")
    # (3/2)^2048 has 977 digits but is past float64's range: refused there, not a traceback
    with pytest.raises(ProblemError) as e:
        run({"graph": {"inputs": {"x": "3/2"}, "nodes": nodes}})
    assert str(e.value).startswith("graph.nodes.a11: its value is beyond float64's range")


@pytest.mark.parametrize("numbers, inputs, expr", [
    ("float", {"x": "1e10"}, "x**64"),             # a Python float's power overflows
    ("float", {"x": "1e200"}, "x * x / x"),          # inf on the way
    ("float", {"x": 800}, "exp(x) / exp(x - 1)"),    # float exp saturates at 1.8e308: not e
    ("exact", {"x": 1000}, "exp(x)"),
])
def test_values_past_float64_are_refused_not_printed(numbers, inputs, expr):
    msg = refused({"inputs": inputs, "nodes": {"a": expr}}, numbers=numbers)
    assert msg.startswith("graph.nodes.a: its value is beyond float64's range")


def test_exact_mode_keeps_a_large_intermediate_exact():
    t = run({"graph": {"inputs": {"x": 800}, "nodes": {"a": "exp(x) / exp(x - 1)"}}})
    assert flt(t, "a") == pytest.approx(math.e, rel=1e-15)
