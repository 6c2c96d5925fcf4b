"""The worksheet's content, prepared for the templates: sections of equations, all LaTeX math.

The templates (templates/*.j2) only lay this out; every equation is made here by the printer
from recorded values.  Markdown and LaTeX share this content.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .printer import ACT_SYMBOL, Notation, Printer, loss_formula

SECTION_OF = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
              "update": "Update", "state": "Update"}


@dataclass
class Equation:
    name: str
    lines: list                    # LaTeX math, one per aligned line: "Z^{[1]} &= ..."
    note: str = ""                 # plain text (escaped by the template)


@dataclass
class Section:
    title: str
    equations: list = field(default_factory=list)


def _layer_rows(problem):
    rows = []
    n_in = len(problem.x[0])
    rows.append({"layer": "input", "size": n_in, "activation": ""})
    for i, L in enumerate(problem.layers, 1):
        rows.append({"layer": f"linear {i}", "size": L.shape[0], "activation": L.activation or "none",
                     "bias": "no" if L.b is None else "yes",
                     "frozen": ", ".join(sorted(L.freeze)) or ""})
    return rows


def loss_words(problem) -> str:
    o = problem.loss_opts
    if problem.loss == "mse":
        s = f"squared error, summed over outputs" if o["outputs"] == "sum" else "squared error, averaged over outputs"
        s += ", " + ("averaged over samples" if o["samples"] == "mean" else "summed over samples")
        if o["scale"] != 1:
            s = f"{o['scale']} × " + s
        return s
    what = "cross-entropy" if problem.loss == "cross_entropy" else "binary cross-entropy"
    return what + ", " + ("averaged over samples" if o["samples"] == "mean" else "summed over samples")


def optimizer_words(problem) -> str:
    o = problem.opt_opts
    parts = [f"{problem.optimizer}", f"learning rate η = {_num(o['lr'])}"]
    for k in ("momentum", "weight_decay"):
        if o.get(k):
            parts.append(f"{k.replace('_', ' ')} {_num(o[k])}")
    if o.get("nesterov"):
        parts.append("Nesterov")
    if "betas" in o:
        parts.append(f"β = ({_num(o['betas'][0])}, {_num(o['betas'][1])}), ε = {_num(o['eps'])}")
    return ", ".join(parts)


def _num(q):
    return getattr(q, "text", None) or str(q)


def build(trace, detail="matrix", max_entries=None, decimals=None):
    p = trace.problem
    pr = Printer(trace, decimals=decimals, max_entries=max_entries)
    n = pr.n
    doc = {
        "title": p.title or "Training step",
        "layout": ("samples as columns: Z = W A + b" if p.layout == "columns"
                   else "samples as rows: Z = A Wᵀ + b"),
        "bias": ("separate W and b" if p.bias == "separate"
                 else "augmented: b folded into W as its first column, a constant 1 carried as the first "
                 + ("row" if p.layout == "columns" else "column") + " of every A"),
        "numbers": p.numbers + (f", every quantity rounded to {p.round} decimals (hand mode)" if p.round is not None else ""),
        "layers": _layer_rows(p),
        "loss_words": loss_words(p),
        "optimizer_words": optimizer_words(p),
        "steps": [],
        "final": [],
    }
    first = trace.steps[0]
    doc["givens"] = [_given(pr, n, q) for q in first.quantities.values() if q.kind in ("data", "param")]
    last_layer = p.layers[-1]
    doc["loss_formula"] = "J = " + loss_formula(_loss_node(first), n)
    doc["activations"] = ", ".join(sorted({L.activation for L in p.layers if L.activation}))
    del last_layer
    for st in trace.steps:
        sections = {}
        for q in st.shown():
            if q.kind in ("data", "param"):
                continue
            title = SECTION_OF[q.kind]
            sec = sections.setdefault(title, Section(title))
            sec.equations.append(_equation(pr, n, q))
        batch = None
        if p.batch_size is not None and p.batch_size < p.m:
            batch = ", ".join(str(i + 1) for i in st.batch)
        doc["steps"].append({"index": st.index, "batch": batch, "sections": list(sections.values())})
    last = trace.steps[-1]
    for q in last.quantities.values():
        if q.kind == "update" and q.name.endswith("_next"):
            doc["final"].append(Equation(q.name, [f"{n.symbol(q.name)} = {pr.matrix(q.value)}"]))
    return doc


def _loss_node(step):
    return step.quantities["J"].expr


def _given(pr, n, q):
    shape = pr.shape(q.value)
    return Equation(q.name, [f"{n.symbol(q.name)} = {pr.matrix(q.value)}"], f"{shape}")


def _equation(pr: Printer, n: Notation, q):
    sym = n.symbol(q.name)
    lines = []
    expr = q.expr
    general = pr.formula(expr)
    lines.append(f"{sym} &= {general}")
    result = pr.matrix(q.value)
    rel = r"\approx" if pr.approx(q.value) else "="
    if q.name == "J":
        lines.append(f"&{rel} {result}")
        return Equation(q.name, lines)
    sub = pr.substituted(expr, q.parts)
    if sub != result and sub != general:
        lines.append(f"&= {sub}")
    lines.append(f"&{rel} {result}")
    shapes = _shapes(pr, expr, q)
    return Equation(q.name, lines, shapes)


def _shapes(pr, expr, q):
    from .. import ops
    if isinstance(expr, ops.Add) and isinstance(expr.args[0], ops.MatMul):
        expr = expr.args[0]
    if isinstance(expr, ops.MatMul):
        a, b = expr.args
        return f"({pr.shape(q.parts[id(a)])})·({pr.shape(q.parts[id(b)])}) → {pr.shape(q.value)}"
    return pr.shape(q.value)


def act_symbol(kind):
    return ACT_SYMBOL.get(kind, kind)


def values_flat(value):
    return np.asarray(value, dtype=object).ravel()
