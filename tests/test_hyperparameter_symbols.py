"""Hyperparameters as symbols (issue 14.3): the update formulas write η, μ, λ, β₁, β₂, ε
(and Adam's step t), the line below substitutes their values, and the header names them.

The independent reading: each printed general formula is parsed back by sympy's LaTeX
parser; with the header's values put in for the symbols and the recorded operands for the
quantities, it must give the recorded result (one sample, 1×1 matrices: every product is a
scalar one).  Mazur's sheet is checked against the published η = 0.5.
"""
from pathlib import Path

import pytest
import sympy as sp

from tracer import ops
from tracer.engine import trace
from tracer.problem import load_problem, parse_problem
from tracer.render.document import build
from tracer.render.notation import Notation, Sym
from tracer.render.printer import Printer
from test_precedence import read  # the worksheet's operators as sympy's grammar spells them

ROOT = Path(__file__).resolve().parents[1]


def problem(optimizer):
    return {"data": {"x": [[2]], "y": [[1]]}, "numbers": "float", "steps": 2,
            "network": [{"linear": {"W": [[0.5]], "b": [0.25]}}], "loss": {"mse": {"scale": "1/2"}},
            "optimizer": optimizer}


OPTIMIZERS = {
    "sgd": {"sgd": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}},
    "nesterov": {"sgd": {"lr": 0.1, "momentum": 0.9, "nesterov": True}},
    "adam": {"adam": {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-3, "weight_decay": 0.01}},
    "adamw": {"adamw": {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-3, "weight_decay": 0.25}},
}


class Indexed(Notation):
    """Every quantity one indexed letter q_{k}, so that sympy reads it as one variable."""

    def __init__(self):
        super().__init__()
        self.index = {}

    def parts(self, name):
        return Sym("q_{%d}" % self.index.setdefault(name, len(self.index)))


def symbol_values(opts, t):
    b1, b2 = opts.get("betas", (0, 0))
    vals = {"eta": opts["lr"], "mu": opts.get("momentum", 0), "lambda": opts.get("weight_decay", 0),
            "beta_{1}": b1, "beta_{2}": b2, "varepsilon": opts.get("eps", 0), "t": t}
    return {sp.Symbol(k): sp.nsimplify(float(v), rational=True) for k, v in vals.items()}


def refs(node):
    if isinstance(node, ops.Ref):
        yield node
    for a in getattr(node, "args", ()):
        yield from refs(a)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_update_formulas_read_back_with_the_values_give_the_recorded_result(name):
    tr = trace(parse_problem(problem(OPTIMIZERS[name])))
    n = Indexed()
    pr = Printer(tr, notation=n)
    opts = {k: float(v) if not isinstance(v, (list, tuple, bool)) else v for k, v in tr.problem.opt_opts.items()}
    opts["betas"] = [float(b) for b in opts.get("betas", (0, 0))]
    checked = 0
    for st in tr.steps:
        for q in st.quantities.values():
            if q.kind not in ("update", "state") or q.expr is None or isinstance(q.expr, ops.Ref):
                continue
            text = pr.formula(q.expr).text
            values = symbol_values(opts, st.index + 1)
            for r in refs(q.expr):
                values[sp.Symbol(n.parts(r.name).tex())] = sp.Float(float(tr.entry(q.parts[id(r)].ravel()[0])[1]), 30)
            expr = read(text)
            assert expr.free_symbols <= set(values), (q.name, text)
            got = float(expr.subs(values))
            want = float(tr.entry(q.value.ravel()[0])[1])
            assert got == pytest.approx(want, rel=1e-12, abs=1e-15), (q.name, text)
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_formulas_name_the_hyperparameters_and_never_their_values(name):
    tr = trace(parse_problem(problem(OPTIMIZERS[name])))
    pr = Printer(tr)
    text = " ".join(pr.formula(q.expr).text for st in tr.steps for q in st.quantities.values()
                    if q.kind in ("update", "state") and q.expr is not None)
    assert r"\eta" in text
    for value in ("0.1", "0.9", "0.8", "0.99", "0.01", "0.25", "10^{-3}", "0.001"):
        assert value not in text, (value, text)
    expected = {"sgd": [r"\mu", r"\lambda"], "nesterov": [r"\mu"],
                "adam": [r"\beta_1", r"\beta_2", r"\varepsilon", r"\lambda", r"1 - \beta_1", r"\beta_1^{t}"],
                "adamw": [r"1 - \eta\lambda", r"\beta_2^{t}"]}[name]
    for sym in expected:
        assert sym in text, (sym, text)


def _rows_after(doc, symbol):
    """The rows of the derivation that starts with `symbol`."""
    for st in doc["steps"]:
        for sec in st["sections"]:
            for b in sec.blocks:
                rows = [r for line in b.lines for r in (line if isinstance(line, list) else [line])]
                for i, r in enumerate(rows):
                    if r.left == symbol:
                        return rows[i:]
    raise AssertionError(symbol)


def test_mazur_writes_eta_then_its_published_value_on_the_next_line():
    """Mazur's 2-2-2 example: η = 0.5, and the update once read 'W − ½ ∂J/∂W' (the loss's ½?)."""
    tr = trace(load_problem(ROOT / "worked_examples/mazur_2_2_2/problem.yaml"))
    doc = build(tr, fmt="latex")
    rows = _rows_after(doc, Printer(tr).n.symbol("W1_next"))
    assert r"W^{[1]} - \eta \, \frac{\partial J}{\partial W^{[1]}}" in rows[0].right.text
    assert r"\frac{1}{2}" not in rows[0].right.text
    assert r"- 0.5 \, \begin{bmatrix}" in rows[1].right.text
    facts = " ".join(s["math"] for _, segs in doc["facts"] for s in segs)
    assert r"\eta = 0.5" in facts


def test_header_names_every_symbol_the_formulas_use():
    tr = trace(parse_problem(problem(OPTIMIZERS["adam"])))
    facts = " ".join(s["math"] for _, segs in build(tr)["facts"] for s in segs)
    for sym in (r"\eta = 0.1", r"\beta_1 = 0.8", r"\beta_2 = 0.99", r"\varepsilon = 0.001", r"\lambda = 0.01"):
        assert sym in facts, (sym, facts)


def test_entry_lines_write_a_hyperparameter_as_the_file_does():
    """Entry by entry, η stands as its value as the file and the matrix line write it (0.5,
    1.2), never as a fraction (½ looked like the loss's ½; 6/5 beside the header's η = 1.2)."""
    from pathlib import Path
    import tracer
    root = Path(__file__).resolve().parents[1] / "worked_examples"
    tex = tracer.trace_file(root / "or_gate" / "problem.yaml").render("latex", detail="entries")
    assert r"{0.2 - 0.5 \cdot \left(-0.00180\right)" in tex and r"\frac{1}{2} \cdot" not in tex
    dls = tracer.trace_file(root / "dls_planar" / "problem.yaml").render("latex", detail="chain")
    assert r"0.1 - 1.2 \cdot" in dls and r"\frac{6}{5}" not in dls
