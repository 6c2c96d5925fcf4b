"""The niceness rules of a drawn graph (trace-net generate on a graph template): no kink
where the derivative is a convention (relu or abs at 0, a tie of max or min), no saturated
sigmoid, tanh or exp, every input on the output's path with a gradient that is not 0, small
denominators in exact mode.  Each rule reads only the trace: the recorded values of the
nodes and of their sub-expressions (what the worksheet prints)."""
from __future__ import annotations

from ..generate.nice import Violation
from .expr import Call, _scalar
from .names import grad

KINKS = ("relu", "abs", "max", "min")
SQUASHING = ("sigmoid", "tanh", "exp")


def _calls(e):
    if isinstance(e, Call):
        yield e
    for a in e.args:
        yield from _calls(a)


def first_violation(trace, settings) -> Violation | None:
    p = trace.problem
    max_z = float(settings["max_abs_z"])
    for nd in p.nodes:
        q = trace.quantities[nd.name]
        for c in _calls(nd.expr):
            args = [trace.entry(_scalar(q.parts[id(a)]))[1] for a in c.args]
            where = f"graph.nodes.{nd.name}"
            if c.name in ("relu", "abs") and args[0] == 0:
                return Violation("kink", where, f"{c.name} of exactly 0, where its derivative is a convention")
            if c.name in ("max", "min") and args[0] == args[1]:
                return Violation("kink", where, f"{c.name} of a tie ({args[0]:g} and {args[1]:g}): "
                                 "its derivative is split by convention")
            if c.name in SQUASHING and abs(args[0]) > max_z:
                return Violation("saturated", where, f"|z| = {abs(args[0]):.3g} > {max_z:g} goes into {c.name}")
    for name in p.inputs:
        if name in trace.structure.live and trace.entry(trace[grad(name)])[1] == 0:
            return Violation("zero_gradient", f"graph.inputs.{name}",
                             f"∂{p.output}/∂{name} is 0 (a dead relu, a max that ignores it, ...)")
    if p.numbers == "exact" and p.round is None:
        limit = settings["max_denominator"]
        for q in trace.quantities.values():
            frac = trace.entry(q.value)[0]
            if frac is not None and frac.denominator > limit:
                return Violation("denominator", q.name, f"{frac} has denominator {frac.denominator} > {limit}")
    return None
