"""Course conventions (`convention:`, `weights: in_out`, `one_over_m: dW`, notation.gradient and
notation.loss) against PyTorch's autograd in float64: W stored (in, out) is torch's weight
transposed, and with the 1/m written in dW and db, Δ and ∂/∂A are m times torch's while dW, db
and the update are torch's own.  Exact-mode relations between the conventions are checked on
Fractions; the documented table of presets against the code's."""
from __future__ import annotations

import math
import re
from pathlib import Path

from fractions import Fraction

import numpy as np
import pytest

from tracer import parse_problem, trace
from tracer.conventions import CONVENTIONS

ROOT = Path(__file__).resolve().parents[1]

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-1.0, 0.75, 1.0], [0.0, 1.25, -1.5]]
W1 = [[0.2, -0.4, 0.1], [0.3, 0.5, -0.2]]           # (out, in) = (2, 3)
B1 = [0.1, -0.3]
W2 = [[0.4, -0.6], [0.7, 0.2]]                       # (2, 2)
B2 = [0.05, 0.5]


def problem(**keys):
    """A 3-2-2 tanh/softmax cross-entropy network; W given (in, out) where the keys store it so."""
    preset = CONVENTIONS.get(keys.get("convention"), {})
    in_out = keys.get("weights", preset.get("weights")) == "in_out"
    t = (lambda W: [list(r) for r in zip(*W)]) if in_out else (lambda W: W)
    return {"numbers": "float", **keys,
            "data": {"x": X, "y": [0, 1, 1, 0]},
            "network": [{"linear": {"W": t(W1), "b": B1}}, "tanh", {"linear": {"W": t(W2), "b": B2}}, "softmax"],
            "loss": "cross_entropy", "optimizer": {"sgd": {"lr": 0.5}}}


def torch_reference():
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]')")
    from torch_reference import torch_steps
    nn = torch.nn
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 2)).double()
    with torch.no_grad():
        for lin, W, b in ((model[0], W1, B1), (model[2], W2, B2)):
            lin.weight.copy_(torch.tensor(W, dtype=torch.float64))
            lin.bias.copy_(torch.tensor(b, dtype=torch.float64))
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor([0, 1, 1, 0])
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    return torch_steps(model, x, y, nn.CrossEntropyLoss(), opt, 1, probs="softmax")[0]


def as_torch(p, name, value):
    """A trace value in torch's orientation: samples as rows, W (and its gradient) as (out, in)."""
    v = np.asarray(value, dtype=float)
    if name.startswith(("W", "dW")):
        return v.T if p.weights == "in_out" else v
    return v.T if v.ndim == 2 and p.layout == "columns" else v


CASES = [{}, {"layout": "rows"}, {"weights": "in_out"}, {"layout": "rows", "weights": "in_out"},
         {"one_over_m": "dW"}, {"layout": "rows", "weights": "in_out", "one_over_m": "dW"}] + \
        [{"convention": c} for c in CONVENTIONS]


@pytest.mark.parametrize("keys", CASES, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()) or "default")
def test_every_convention_computes_what_torch_computes(keys):
    ref = torch_reference()
    t = trace(parse_problem(problem(**keys)))
    p, st = t.problem, t.steps[0]
    m = len(X)

    def rows(name):
        return as_torch(p, name, st[name])
    for name in ("Z1", "A1", "Z2", "A2", "dW1", "db1", "dW2", "db2", "W1_next", "b1_next", "W2_next", "b2_next"):
        np.testing.assert_allclose(rows(name), ref[name], rtol=1e-12, atol=1e-14, err_msg=name)
    # with the 1/m in dW and db, Δ and ∂/∂A are those of mJ: m times torch's
    scale = m if p.one_over_m == "dW" else 1
    for name in ("dZ2", "dA1", "dZ1"):
        np.testing.assert_allclose(rows(name), scale * ref[name], rtol=1e-12, atol=1e-14, err_msg=name)
    np.testing.assert_allclose(float(st["J"]), ref["J"], rtol=1e-12)
    # the shapes are as the file gives them
    assert np.shape(st["W1"]) == ((3, 2) if p.weights == "in_out" else (2, 3))
    assert np.shape(st["dW1"]) == np.shape(st["W1"])


def exact(**keys):
    """The same network with ReLU, no output activation and squared error: every entry a Fraction."""
    d = {**problem(**keys), "numbers": "exact", "loss": {"mse": {"scale": "1/2"}},
         "data": {"x": X, "y": [[1, 0], [0, 1], [0, 1], [1, 0]]}}
    d["network"] = [d["network"][0], "relu", d["network"][2]]
    t = trace(parse_problem(d))
    st = t.steps[0]
    assert all(isinstance(t.entry(v)[0], Fraction) for v in np.asarray(st["W1_next"], dtype=object).ravel())
    return st


def test_one_over_m_moves_the_factor_m_exactly():
    """In exact arithmetic: Δ and ∂/∂A are exactly m times, dW, db and the update exactly equal."""
    a, b = exact(), exact(one_over_m="dW")
    for name in ("dW1", "db1", "dW2", "db2", "W1_next", "b1_next", "W2_next", "b2_next", "J", "Z2"):
        assert np.array_equal(np.asarray(a[name], dtype=object), np.asarray(b[name], dtype=object)), name
    for name in ("dZ2", "dA1", "dZ1"):
        assert np.array_equal(4 * np.asarray(a[name], dtype=object), np.asarray(b[name], dtype=object)), name


def test_weights_in_out_are_the_transposes_exactly():
    a, b = exact(), exact(weights="in_out")
    for name in ("W1", "dW1", "W1_next", "W2", "dW2", "W2_next"):
        assert np.array_equal(np.asarray(a[name], dtype=object).T, np.asarray(b[name], dtype=object)), name
    for name in ("Z1", "A2", "dZ1", "db1"):
        assert np.array_equal(np.asarray(a[name], dtype=object), np.asarray(b[name], dtype=object)), name


def test_a_file_key_wins_over_its_preset():
    p = parse_problem({**problem(convention="cs231n"), "layout": "columns", "notation": {"loss": "J"}})
    assert (p.layout, p.weights, p.one_over_m) == ("columns", "in_out", "dA")
    assert p.notation["loss"] == "J" and p.notation["gradient"] == "d"     # the rest of the preset's notation


def test_presets_set_what_the_docs_say():
    """docs/problem-file.md's table of presets, row by row, against tracer/conventions.py."""
    text = (ROOT / "docs" / "problem-file.md").read_text()
    table = text[text.index("| `convention` | layout |"):].split("\n\n")[0].splitlines()
    head = [c.strip(" `") for c in table[0].strip("|").split("|")]
    rows = {}
    for line in table[2:]:
        cells = [c.strip(" `") for c in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(head[1:], cells[1:]))
    assert set(rows) == set(CONVENTIONS)
    for name, preset in CONVENTIONS.items():
        flat = {k: v for k, v in preset.items() if k not in ("notation", "figure")}
        flat.update({f"notation.{k}": v for k, v in preset["notation"].items()})
        for key, value in flat.items():
            assert rows[name][key] == value, (name, key)


def latex(keys, detail="matrix"):
    return trace(parse_problem({**problem(**keys), "numbers": "exact"})).render("latex", detail=detail)


def test_notation_d_writes_dW_and_the_loss_letter():
    tex = latex({"convention": "dls"})
    assert r"\eqstart{dW^{[1]}}\eqpiece{=}{\frac{1}{m} \, dZ^{[1]} \, A^{[0]\mathsf{T}}" in tex   # DLS
    assert r"\eqstart{dZ^{[2]}}" in tex and r"\partial J" not in tex
    assert r"\eqstart{L}" in latex({"convention": "cs231n"})
    assert r"E_{\mathrm{total}}" in latex({"convention": "mazur"})
    assert r"\delta^{[2]}" in latex({"convention": "mazur"})
    d2l = latex({"convention": "d2l"})
    assert r"\frac{\partial J}{\partial W^{(1)}}" in d2l and r"W^{(1)}" in d2l


def test_layout_line_follows_how_W_is_stored():
    cs = latex({"convention": "cs231n"})
    assert r"Z^{[l]} = A^{[l-1]} W^{[l]} + b^{[l]}" in cs        # X·W, no transpose
    assert r"\eqstart{Z^{[1]}}\eqpiece{=}{A^{[0]} \, W^{[1]} + b^{[1]}" in cs
    assert r"\eqstart{\frac{\partial L}{\partial W^{[1]}}}" not in cs and r"\eqstart{dW^{[1]}}\eqpiece{=}{A^{[0]\mathsf{T}} \, dZ^{[1]}" in cs
    cols = latex({"weights": "in_out"})
    assert r"Z^{[l]} = W^{[l]\mathsf{T}} A^{[l-1]} + b^{[l]}" in cols


def test_chain_detail_with_the_1_over_m_in_dW_adds_up():
    """Chain detail, one_over_m: dW: dW_jk = (1/m)·[Σ of the per-sample products]; the products
    of the shown numbers, summed, times 1/4 give the shown dW entry (to the shown digits)."""
    tex = latex({"convention": "dls"}, detail="chain")
    assert r"\frac{\partial \mathcal{L}}{\partial Z^{[2]}_{1i}}" in tex      # per sample: ℒ = mJ
    lines = re.findall(r"\\eqstart\{dW\^\{\[(\d)\]\}_\{(\d\d)\}\}\\eqpiece\{=\}\{\\frac\{1\}\{m\} \\sum_\{i\}.*?%\n"
                       r"\\eqpiece\{=\}\{\\frac\{1\}\{4\} \\cdot \\bigl\[(.*?)\\bigr\] (?:=|\\approx) (\S+?)\}%", tex, re.S)
    assert len(lines) == 6 + 4          # every weight of both layers
    for layer, idx, body, shown in lines:
        body = re.sub(r"\}%\n\\eqpiece\{\}\{\\quad", "", body).replace(r"\left(", "").replace(r"\right)", "")
        products = [t.split(r" \cdot ") for t in body.split(" + ")]
        total = sum(math.prod(float(f) for f in fs) for fs in products)
        assert len(products) == 4
        shown = shown.removesuffix(r"^{\dagger}").strip("{}")    # † : the unrounded values give it
        assert abs(total / 4 - float(shown)) < 2e-4, (layer, idx, total / 4, shown)


@pytest.mark.parametrize("bad, place", [
    ({"convention": "stanford"}, "convention"),
    ({"weights": "in_out", "bias": "augmented"}, "weights"),
    ({"one_over_m": "db"}, "one_over_m"),
    ({"notation": {"gradient": "nabla"}}, "notation.gradient"),
    ({"convention": "cs231n", "bias": "augmented"}, "convention: cs231n stores W as (in, out)"),
])
def test_bad_convention_keys_are_refused_naming_the_place(bad, place, tmp_path):
    import yaml
    from click.testing import CliRunner
    from conftest import refused
    from tracer.cli import main
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({**problem(), **bad}))
    refused(CliRunner().invoke(main, [str(f)]), place)


def test_wrong_shape_in_out_says_in_out():
    from tracer import ProblemError
    with pytest.raises(ProblemError, match=r"network\[0\]\.linear\.W: 2×3 \(in, out: weights: in_out\), but the data has 3"):
        parse_problem({**problem(), "weights": "in_out"})   # W given (out, in) by mistake


def test_to_yaml_round_trips_a_convention():
    from tracer import to_yaml
    import yaml
    p = parse_problem({**problem(convention="dls", weights="in_out"), "numbers": "exact"})
    again = parse_problem(yaml.safe_load(to_yaml(p)))
    assert (again.weights, again.one_over_m, again.layout) == ("in_out", "dW", "columns")
    a, b = trace(p).steps[0], trace(again).steps[0]
    assert np.array_equal(np.asarray(a["W1_next"], dtype=object), np.asarray(b["W1_next"], dtype=object))


def test_checker_grades_a_dls_student_by_dls_numbers():
    """A DLS student writes dZ2 = A2 − Y (no 1/m): correct under convention: dls, and the
    same numbers are 'off by m' under the default."""
    from tracer.check import check_data
    dls = trace(parse_problem(problem(convention="dls"))).steps[0]
    A2 = np.asarray(dls["A2"], dtype=float)
    Y = np.asarray(dls["Y"], dtype=float)
    student = {"dZ2": [[f"{v:.6f}" for v in row] for row in (A2 - Y)]}

    def status(**keys):
        g = check_data({**problem(**keys), "numbers": "exact"}, student)
        return next(r for r in g.results if r.name == "dZ2")
    assert status(convention="dls").status == "correct"
    wrong = status()
    assert wrong.status == "wrong" and "factor" in (wrong.diagnosis or "") and "m = 4" in wrong.diagnosis


@pytest.mark.parametrize("keys, shape", [({"convention": "cs231n"}, [3, 2]), ({}, [2, 3]),
                                        ({"weights": "in_out"}, [3, 2])])
def test_generate_sizes_follow_how_W_is_stored(keys, shape):
    from tracer.generate.template import Template
    t = Template({**keys, "data": {"x": X, "y": [0, 1, 1, 0]},
                  "network": {"sizes": [3, 2, 2], "activations": ["tanh", "softmax"]},
                  "loss": "cross_entropy", "optimizer": {"sgd": {"lr": 0.5}}})
    assert t.raw["network"][0]["linear"]["W"]["shape"] == shape
    # a W spec without shape in a full network is given the stored shape too
    full = {**keys, "data": {"x": X, "y": [0, 1, 1, 0]},
            "network": [{"linear": {"W": {"random": [-1, 1]}, "b": B1}}, "tanh",
                        {"linear": {"W": {"random": [-1, 1]}, "b": B2}}, "softmax"],
            "loss": "cross_entropy", "optimizer": {"sgd": {"lr": 0.5}}}
    spec = next(s for s in Template(full).specs if s.path == ("network", 0, "linear", "W"))
    assert spec.shape == shape


@pytest.mark.parametrize("example", ["cs231n_two_layer", "dls_planar"])
def test_convention_worked_examples_match_torch(example):
    """The two convention worked examples, traced in float64, against torch's own step."""
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]')")
    from torch_reference import torch_steps
    from tracer import load_problem
    nn = torch.nn
    p = load_problem(ROOT / "worked_examples" / example / "problem.yaml", {"numbers": "float"})
    mods = []
    for L in p.layers:
        W = np.array([[float(v) for v in r] for r in L.W])
        lin = nn.Linear(L.shape[1], L.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T if L.in_out else W))
            lin.bias.copy_(torch.tensor([float(v) for v in L.b]))
        mods.append(lin)
        if L.activation in ("relu", "tanh"):
            mods.append(nn.ReLU() if L.activation == "relu" else nn.Tanh())
    model = nn.Sequential(*mods)
    x = torch.tensor([[float(v) for v in r] for r in p.x], dtype=torch.float64)
    if p.loss == "cross_entropy":
        y, loss, probs = torch.tensor(p.y_indices), nn.CrossEntropyLoss(), "softmax"
    else:
        y, loss, probs = torch.tensor([[float(v) for v in r] for r in p.y], dtype=torch.float64), nn.BCEWithLogitsLoss(), "sigmoid"
    ref = torch_steps(model, x, y, loss, torch.optim.SGD(model.parameters(), lr=float(p.opt_opts["lr"])), 1, probs=probs)[0]
    st = trace(p).steps[0]
    scale = p.m if p.per_sample else 1
    for name in ("Z1", "A1", "Z2", "A2", "dZ2", "dA1", "dZ1", "dW1", "db1", "dW2", "db2", "W1_next", "W2_next", "b2_next"):
        expected = ref[name] * (scale if name[:2] in ("dZ", "dA") else 1)
        np.testing.assert_allclose(as_torch(p, name, st[name]), expected, rtol=1e-12, atol=1e-14, err_msg=f"{example} {name}")


def test_quantity_names_do_not_change_with_the_convention():
    names = {c: list(trace(parse_problem(problem(convention=c))).to_dict()["steps"][0]["values"])
             for c in CONVENTIONS}
    default = list(trace(parse_problem(problem())).to_dict()["steps"][0]["values"])
    assert all(v == default for v in names.values()), names
    d = trace(parse_problem(problem(convention="dls", weights="in_out"))).to_dict()
    assert (d["weights"], d["one_over_m"]) == ("in_out", "dW")
    assert "weights" not in trace(parse_problem(problem())).to_dict()


def test_chain_detail_with_W_stored_in_out_reads_the_right_entries():
    """cs231n (W (in, out)): in chain detail every dA and dW entry, summed from the products of
    its shown numbers, is its shown result, and ∂Z_{ij}/∂W_{kj} names the same neuron j."""
    from tracer import load_problem
    p = load_problem(ROOT / "worked_examples" / "cs231n_two_layer" / "problem.yaml")
    tex = trace(p).render("latex", detail="chain")
    lines = re.findall(r"\\eqstart\{(d[AW])\^\{\[(\d)\]\}_\{(\d)(\d)\}\}\\eqpiece\{=\}\{(.*?)\}%\n"
                       r"\\eqpiece\{=\}\{([^%]*?) (?:=|\\approx) (\S+?)\}%\n\\eqend", tex)
    assert len([x for x in lines if x[0] == "dW"]) == 6 + 9 and len([x for x in lines if x[0] == "dA"]) == 9
    for kind, layer, a, b, lead, body, shown in lines:
        body = body.replace(r"\left(", "").replace(r"\right)", "")
        total = sum(math.prod(float(f) for f in t.split(r" \cdot ")) for t in body.split(" + "))
        shown = shown.removesuffix(r"^{\dagger}").strip("{}")    # † : the unrounded values give it
        assert abs(total - float(shown)) < 2e-4, (kind, layer, a, b, total, shown)
        if kind == "dW":        # W_{ab}: input a, neuron b; the Z it moves is column b
            assert rf"\partial W^{{[{layer}]}}_{{{a}{b}}}" in lead and rf"\partial Z^{{[{layer}]}}_{{i{b}}}" in lead


def test_text_format_speaks_the_convention():
    cs = trace(parse_problem(problem(convention="cs231n"))).render("text")
    assert "Layout: samples as rows, Z[l] = A[l−1] W[l] + b[l]" in cs
    assert "Weights: W stored (in, out)" in cs and "Loss: cross-entropy, L = " in cs
    assert "dW[1] = A[0]ᵀ dZ[1]" in cs
    dls = trace(parse_problem(problem(convention="dls"))).render("text")
    assert "Layout: samples as columns, Z[l] = W[l] A[l−1] + b[l]" in dls
    assert "The 1/m: written in dW and db" in dls and "dW[1] = 1/m dZ[1] A[0]ᵀ" in dls
    d2l = trace(parse_problem(problem(convention="d2l"))).render("text")
    assert "Z[l] = A[l−1] W[l] + b[l]" in d2l and "∂J/∂W(1) = A(0)ᵀ Δ(1)" in d2l


def test_the_header_names_the_convention():
    from tracer.conventions import SOURCES
    for c in CONVENTIONS:
        t = trace(parse_problem(problem(convention=c)))
        assert f"{SOURCES[c]} (convention: {c})" in t.render("markdown")
        assert f"Convention: the layout and notation of {SOURCES[c]}" in t.render("text")
    assert "Convention" not in trace(parse_problem(problem())).render("markdown")
