"""A graph's worksheet content, ready for templates/graph.{md,tex}.j2: the circuit, the
forward table, the backward table in visit order, the gradients, and (detail chain) every
input's gradient path by path.  Everything here is read from the trace; numbers become text
through the worksheet Printer (LaTeX) or numtext (the drawing's plain labels).

Detail levels, for a graph:
  matrix  — each node's expression and value; each local derivative's formula and value;
            each product upstream × local = gradient (the default);
  entries — also every expression with the numbers substituted (q = x + y = −2 + 5 = 3,
            ∂f/∂c = f(1 − f) = 0.7311 · (1 − 0.7311));
  chain   — also each input's gradient as the multivariate chain rule writes it: the sum,
            over every path from the input to the output, of the product of the local
            derivatives along it.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..numtext import decimals_of, plain, rounded, short_decimal, unicode_power
from ..render import Tex
from ..render.printer import Printer
from ..render.tex import POWER, paren, relation
from .expr import Add, Call, Const, Mul, Ref, _scalar
from .latex import DEFINITIONS, formula, gate, partial, substituted
from .layout import draw, gate_font, place
from .names import grad, local, tex_name

MAX_PATHS = 16        # chain detail: more paths than this are summarised, not listed
# a box to write in (no '|': it would end a Markdown table's cell)
BLANK = r"\boxed{\vphantom{\Big(}\hphantom{-0.0000}}"


def build(trace, fmt="markdown", detail="matrix", decimals=None, blank=False) -> dict:
    p = trace.problem
    pr = Printer(trace, decimals=decimals, blank=blank)
    w = _Writer(trace, pr, detail, blank)
    out = p.output
    return {
        "title": p.title or "A computational graph",
        "blank": blank, "detail": detail, "symbolic": trace.field.symbolic,
        "facts": _facts(trace, pr.decimals),
        "output": Tex(tex_name(out)), "output_name": out,
        "inputs": [{"symbol": Tex(tex_name(n)), "value": Tex(pr.number(trace[n]).text)} for n in p.inputs],
        "circuit": circuit(trace, pr, blank),
        "forward": [w.forward(nd) for nd in p.nodes],
        "backward": w.backward(),
        "fanout": any(len(trace.structure.branches(n)) > 1 for n in p.names),
        "chains": w.chains() if detail == "chain" and not blank else [],
        "results": [{"symbol": Tex(partial(out, n)), "value": Tex(w.value(grad(n)))} for n in p.inputs],
        "definitions": [(Tex(a), Tex(b)) for a, b in _definitions(p)],
    }


def _facts(trace, decimals):
    p = trace.problem
    words = {"exact": "exact (fractions; σ, exp, log, square roots and tanh carried to 60 digits)",
             "float": "float64", "symbolic": "symbolic (formulas in the inputs)"}[p.numbers]
    facts = [("Numbers", words + (f", shown to {decimals} decimals where not exact"
                                  if p.numbers != "symbolic" else ""))]
    if p.round is not None:
        facts.append(("Hand rounding", f"every value is rounded to {p.round} decimals (halves away from "
                      "zero) and the rounded value is used from then on"))
    facts.append(("Output", f"{p.output}; the backward pass starts from ∂{p.output}/∂{p.output} = 1"))
    return facts


def _definitions(p):
    used = []
    for nd in p.nodes:
        for c in _calls(nd.expr):
            if c.name in DEFINITIONS and c.name not in used:
                used.append(c.name)
    return [DEFINITIONS[n] for n in used]


def _calls(e):
    if isinstance(e, Call):
        yield e
    for a in e.args:
        yield from _calls(a)


def branch_values(trace, name) -> dict:
    """{node: ∂out/∂node · ∂node/∂name}: the gradient flowing back to `name` along each wire."""
    q = trace.quantities[grad(name)]
    branches = trace.structure.branches(name)
    if len(branches) == 1:
        return {branches[0]: q.value}
    out = {}
    for m in _products(q.expr):
        up, loc = (a.name for a in m.args)
        out[up[1:]] = _scalar(q.parts[id(m)])
    return out


def _products(e):
    if isinstance(e, Mul) and all(isinstance(a, Ref) for a in e.args):
        yield e
    elif isinstance(e, Add):
        for a in e.args:
            yield from _products(a)


class _Writer:
    def __init__(self, trace, pr, detail, blank):
        self.t, self.pr, self.detail, self.blank = trace, pr, detail, blank
        self.p = trace.problem
        self.subst = detail in ("entries", "chain") and not blank and not trace.field.symbolic
        self.seen = []          # the numbers written on the current line (≈ if one is rounded)

    def mark(self):
        """A new line: forget the numbers written so far."""
        self.seen = []

    def shown(self, v) -> str:
        """A value's text (the Printer's), remembered for the line's '=' or '≈'."""
        m = self.pr.number(v)
        self.seen.append(m)
        return m.text

    def rounded(self) -> bool:
        return any(m.rounded for m in self.seen)

    def operand(self, v) -> str:
        """A number inside an expanded sum or product: negatives and 1.5 · 10^{-7} bracketed."""
        text = self.shown(v)
        return paren(self.seen[-1]).text if self.seen[-1].prec < POWER else text

    def value(self, name) -> str:
        return BLANK if self.blank else self.shown(self.t[name])

    def number(self, name) -> str:
        return self.shown(self.t[name])

    def _result(self, name, parts) -> str:
        """'= value' or '≈ value' after the parts of a line (written since mark())."""
        q = self.t.quantities[name]
        text = self.value(name)
        if self.blank:
            return "= " + text
        return f"{self.pr.result_rel(q, None, *self.seen)} {text}"

    def forward(self, nd) -> dict:
        """node | expression | value (entries: the numbers substituted first)."""
        self.mark()
        f = formula(nd.expr)
        value = ""
        if self.subst and not isinstance(nd.expr, Ref):
            value = substituted(nd.expr, self.number) + " "
        rel = self._result(nd.name, None)
        value += rel if value or rel.startswith(r"\approx") else rel[2:]
        return {"symbol": Tex(tex_name(nd.name)), "formula": Tex(f), "value": Tex(value)}

    def local_line(self, node, operand, expr) -> str:
        pr = self.pr
        self.mark()
        head = partial(node, operand)
        if self.blank:
            return f"{head} = {self.value(local(node, operand))}"
        f = formula(expr)
        line = f"{head} = {f}"
        value = self.value(local(node, operand))
        if self.subst and not isinstance(expr, (Ref, Const)):
            line += " = " + substituted(expr, self.number)
        if f != value or self.rounded():
            line += " " + self._result(local(node, operand), None)
        return line

    def backward(self) -> list:
        t, s, pr = self.t, self.t.structure, self.pr
        rows, visited = [], set()
        for k, name in enumerate(s.visit, 1):
            up = self.value(grad(name))
            nd = self.p.node(name)
            for i, (o, e) in enumerate(s.locals[name]):
                branches = s.branches(o)
                self.mark()
                if self.blank:
                    product = BLANK
                else:
                    prod_value = branch_values(t, o)[name]
                    product = f"{self.operand(t[grad(name)])} \\cdot {self.operand(t[local(name, o)])}"
                    product += f" {pr.result_rel(t.quantities[grad(o)], None, *self.seen) if len(branches) == 1 else relation(self.rounded())} "
                    product += self.shown(prod_value)
                target = partial(self.p.output, o)
                if len(branches) > 1:
                    target += r" \text{ (branch via } %s\text{)}" % tex_name(name)
                rows.append({"visit": k if i == 0 else "", "node": Tex(tex_name(name)) if i == 0 else "",
                             "expression": Tex(formula(nd.expr)) if i == 0 else "",
                             "upstream": Tex(up), "local": Tex(self.local_line(name, o, e)),
                             "target": Tex(target), "product": Tex(product), "sum": None})
            visited.add(name)
            for o, _ in s.locals[name]:
                branches = s.branches(o)
                if len(branches) > 1 and all(c in visited for c in branches):
                    rows.append({"visit": "", "node": "", "expression": "", "upstream": "", "local": "",
                                 "target": Tex(partial(self.p.output, o)), "product": Tex(self.sum_line(o)),
                                 "sum": Tex(", ".join(tex_name(c) for c in branches))})
        return rows

    def sum_line(self, o) -> str:
        """∂f/∂o = Σ of its branches, written out: 24 + 12 = 36."""
        pr = self.pr
        self.mark()
        terms = " + ".join(
            (r"\frac{\partial %s}{\partial %s} \frac{\partial %s}{\partial %s}"
             % (tex_name(self.p.output), tex_name(c), tex_name(c), tex_name(o))) for c in self.t.structure.branches(o))
        if self.blank:
            return f"{terms} = {self.value(grad(o))}"
        vals = branch_values(self.t, o)
        numbers = " + ".join(self.operand(vals[c]) if i else self.shown(vals[c])
                             for i, c in enumerate(self.t.structure.branches(o)))
        return f"{terms} = {numbers} {self._result(grad(o), None)}"

    def chains(self) -> list:
        """Every input's gradient as the sum over its paths of the product of local derivatives."""
        out = []
        for x in self.p.inputs:
            paths = _paths(self.t.structure, x, self.p.output)
            head = partial(self.p.output, x)
            if not paths:
                out.append(Tex(f"{head} = 0"))      # no path to the output
                continue
            if len(paths) > MAX_PATHS:
                out.append(Tex(f"{head} = {self.value(grad(x))} \\quad \\text{{({len(paths)} paths)}}"))
                continue
            pr = self.pr
            self.mark()
            steps = [list(zip(path, path[1:]))[::-1] for path in paths]     # output end first
            if len(steps) == 1 and len(steps[0]) == 1:        # the output reads x itself
                out.append(Tex(f"{head} = {self.value(grad(x))}"))
                continue
            symbols = " + ".join(" ".join(partial(b, a) for a, b in st) for st in steps)
            numbers = " + ".join(r" \cdot ".join(self.operand(self.t[local(b, a)]) for a, b in st) for st in steps)
            out.append(Tex(f"{head} = {symbols} = {numbers} {self._result(grad(x), None)}"))
        return out


def _paths(s, start, end, limit=MAX_PATHS + 1):
    """Paths start → … → end through the nodes that read each name (at most `limit`)."""
    out, stack = [], [[start]]
    while stack and len(out) < limit:
        path = stack.pop()
        if path[-1] == end:
            out.append(path)
            continue
        for c in reversed(s.branches(path[-1]) if path[-1] in s.consumers else []):
            stack.append(path + [c])
    return out


# -- the circuit ---------------------------------------------------------------------------------
def drawn_number(trace, pr, v, decimals) -> dict:
    """A value as a drawing's label, as plain text (SVG) and LaTeX (TikZ) from one decision:
    exact when the worksheet writes it exactly (2, 0.75, 1/3), else rounded to `decimals`.
    A symbolic trace's drawing shows the numbers at the given inputs (its tables, the
    formulas); a fraction stays on one line (1/3), so that the label fits beside its wire."""
    F = trace.field
    x = None
    if F.symbolic:
        v = F.value(v)
        if v.is_Rational:
            x = Fraction(int(v.p), int(v.q))
            s = plain(x) if x.denominator < 1000 and len(plain(x)) <= 12 else None
        else:
            s, x = None, float(v.evalf(30))
    else:
        q, f, _ = trace.entry(v)
        if q is not None:
            s = plain(q) if not pr.number(v).rounded and len(plain(q)) <= 12 else None
            x = q
        elif f == 0:
            s = "0"
        elif F.name == "float" and short_decimal(f, decimals) is not None:
            s = short_decimal(f, decimals)
        else:
            s, x = None, (v.decimal() if hasattr(v, "decimal") else f)
    if s is not None:
        return {"text": s, "tex": Tex(s)}
    return {"text": rounded(x, decimals, power=unicode_power), "tex": Tex(rounded(x, decimals))}


def circuit(trace, pr, blank) -> dict:
    """Nodes and wires with their labels, where layout.draw puts them: the value above each
    wire, the gradient flowing back along it below (CS231n's green and red), as LaTeX (TikZ)
    and plain text (SVG)."""
    p, s = trace.problem, trace.structure
    places = place(p)
    d = pr.decimals
    none = {"tex": Tex(""), "text": ""}
    # a blank sheet's hidden label keeps the same room for every number (room to write in,
    # and no hint of how long the answer is)
    hidden = {**none, "room": "-0.0000"}

    def label(v, given=False):
        return hidden if blank and not given else drawn_number(trace, pr, v, d)

    gates = {name: None if pl.is_input else gate(p.node(name).expr) for name, pl in places.items()}
    symbols = {name: (g[1] if g else name, g is not None) for name, g in gates.items()}
    wires = []
    for nd in p.nodes:
        for o in nd.refs():
            back = branch_values(trace, o).get(nd.name) if nd.name in s.live else None
            wires.append({"src": o, "dst": nd.name, "value": label(trace[o], given=o in p.inputs),
                          "grad": label(back) if back is not None else none,
                          "live": nd.name in s.live})
    wires.append({"src": p.output, "dst": None, "value": label(trace[p.output]),
                  "grad": label(trace[grad(p.output)]), "live": True})
    drawing = draw(places, symbols, [(w["src"], w["dst"], w["value"].get("room", w["value"]["text"]),
                                      w["grad"].get("room", w["grad"]["text"])) for w in wires])
    for w, g in zip(wires, drawing.wires):
        w.update(x1=g.x1, y1=g.y1, x2=g.x2, y2=g.y2)
        for key, box in (("value", g.value), ("grad", g.grad)):
            if box is not None:
                w[key] = {**w[key], "x": box.cx, "y": box.cy}
    nodes = []
    for name, pl in places.items():
        g, n = gates[name], drawing.nodes[name]
        node = {"id": name, "input": pl.is_input, "x": n.x, "y": n.y, "r": n.r,
                "name": Tex(tex_name(name)), "text": name, "live": name in s.live,
                "gate": Tex(g[0]) if g else Tex(tex_name(name)), "gate_text": symbols[name][0],
                "gate_font": gate_font(symbols[name][0]), "named": g is not None,
                "text_right": n.text.x1}
        if n.name_box is not None:
            node["name_x"], node["name_y"] = n.name_box.cx, n.name_box.cy
        nodes.append(node)
    return {"nodes": nodes, "wires": wires[:-1], "out_wire": wires[-1], "output": p.output,
            "width": drawing.width, "height": drawing.height, "drawing": drawing}
