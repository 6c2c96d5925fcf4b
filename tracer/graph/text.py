"""A graph's worksheet as plain Unicode text for a terminal (`--format text`): the inputs,
the forward pass node by node, the backward pass in visit order (upstream × local =
gradient, each sum of branches written out), the inputs' gradients.  Numbers through the
terminal Printer of tracer/render/text.py (p/q, 1.5·10⁻⁷, ≈ where rounded)."""
from __future__ import annotations

from ..messages import terminal_safe
from ..render.text import BLANK, TextPrinter
from .document import branch_values
from .expr import text
from .names import grad, local


def _d(top, bottom) -> str:
    return f"∂{top}/∂{bottom}"


def render_text(trace, decimals=None, blank=False) -> str:
    p, s = trace.problem, trace.structure
    pr = TextPrinter(trace, decimals=decimals)
    seen = []           # the numbers written on the current line (≈ if one is rounded)

    def mark():
        seen.clear()

    def shown(value, given=False):
        if blank and not given:
            return BLANK
        seen.append(pr.number(value))
        return seen[-1].text

    def operand(value):
        v = shown(value)
        return f"({v})" if v.startswith("−") else v

    def result(value):
        """'= v' or '≈ v': ≈ when it, or a number before it on the line, was rounded."""
        v = shown(value)
        return ("≈ " if any(m.rounded for m in seen) else "= ") + v

    title = terminal_safe(p.title or "A computational graph")
    out = [title, "═" * min(len(title), 100), ""]
    out.append("Inputs: " + ", ".join(f"{n} = {shown(trace[n], given=True)}" for n in p.inputs))
    out.append(f"Output: {p.output}; numbers: {p.numbers}"
               + (f", every value rounded to {p.round} decimals and carried (hand mode)" if p.round is not None else ""))
    out += ["", "Forward pass", "────────────"]
    width = max(len(n.name) for n in p.nodes)
    for nd in p.nodes:
        mark()
        out.append(f"  {nd.name.ljust(width)} = {text(nd.expr, display=True)} {result(trace[nd.name])}")
    out += ["", "Backward pass, in visit order (upstream × local = gradient)", "─" * 59]
    out.append(f"  {_d(p.output, p.output)} = 1")
    visited = set()
    for k, name in enumerate(s.visit, 1):
        mark()
        up = "= 1" if name == p.output else result(trace[grad(name)])
        out.append(f"  {k}. {name} = {text(p.node(name).expr, display=True)}, upstream {_d(p.output, name)} {up}")
        for o, e in s.locals[name]:
            mark()
            formula = "" if blank else text(e, display=True)
            value = result(trace[local(name, o)])
            loc = f"{_d(name, o)} = " + (formula if formula and value == "= " + formula
                                         else f"{formula} {value}" if formula else value[2:])
            mark()
            factors = ("1" if name == p.output else operand(trace[grad(name)])) + " · " + operand(trace[local(name, o)])
            prod = "= " + BLANK if blank else result(branch_values(trace, o)[name])
            target = _d(p.output, o) + (f" (branch via {name})" if len(s.branches(o)) > 1 else "")
            out.append(f"       {loc};   {target}: {factors} {prod}")
        visited.add(name)
        for o, _ in s.locals[name]:
            branches = s.branches(o)
            if len(branches) > 1 and all(c in visited for c in branches):
                mark()
                vals = branch_values(trace, o)
                terms = " + ".join(operand(vals[c]) if i else shown(vals[c]) for i, c in enumerate(branches))
                out.append(f"     Σ {_d(p.output, o)} = {terms} {result(trace[grad(o)])}   "
                           f"(the sum over {', '.join(branches)}, which read {o})")
    out += ["", "Gradients", "─────────"]
    for n in p.inputs:
        mark()
        out.append(f"  {_d(p.output, n)} {result(trace[grad(n)])}")
    return "\n".join(out) + "\n"
