"""Tracing a graph: the forward pass node by node, then the backward pass in visit order.

Every quantity is an expression (tracer.graph.expr) that the project's one Recorder
evaluates in the problem's number field: node values, each local derivative ∂node/∂operand
(tracer.graph.derive), and each gradient d<name> = Σ over the nodes that read name of
d<node> · ∂node/∂name, the sum written out when name feeds several nodes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..numbers import OutOfRange, TooManyDigits, make_field
from ..recorder import Recorder
from ..schema import ProblemError
from .derive import local as local_derivative
from .expr import Add, Const, GraphMathError, Mul, Ref
from .names import grad, local, place_of, symbolic_inputs, tex_name


@dataclass
class Structure:
    """Who reads whom, which names reach the output, the backward visit order."""
    consumers: dict                  # name -> [nodes that read it], in node order
    live: set                        # names whose value reaches the output
    visit: list                      # live nodes, output first
    locals: dict = field(default_factory=dict)   # node -> [(operand, local-derivative expression)]

    def branches(self, name) -> list[str]:
        """The nodes through which name's gradient flows (one branch each)."""
        return [c for c in self.consumers[name] if c in self.live]


def structure(p) -> Structure:
    consumers = {n: [] for n in p.names}
    for nd in p.nodes:
        for r in nd.refs():
            consumers[r].append(nd.name)
    live, todo = set(), [p.output]
    while todo:
        n = todo.pop()
        if n in live:
            continue
        live.add(n)
        if n not in p.inputs:
            todo.extend(p.node(n).refs())
    visit = [nd.name for nd in reversed(p.nodes) if nd.name in live]
    s = Structure(consumers, live, visit)
    for name in visit:
        nd = p.node(name)
        s.locals[name] = [(o, local_derivative(nd.expr, o, name)) for o in nd.refs()]
    return s


def gradient_expr(s: Structure, p, name):
    """d<name>: 1 for the output, Σ_branches d<node> · d<node>_d<name>, 0 off the output's path."""
    if name == p.output:
        return Const(1)
    total = None
    for c in s.branches(name):
        term = Mul(Ref(grad(c)), Ref(local(c, name)))
        total = term if total is None else Add(total, term)
    return Const(0) if total is None else total


class GraphRecorder(Recorder):
    """The Recorder, refusing a value the graph cannot have at the node that makes it."""

    def __init__(self, F, problem):
        super().__init__(F)
        self.p = problem

    def too_large(self, name, e: TooManyDigits) -> ProblemError:
        if isinstance(e, OutOfRange):
            return ProblemError(self.where(name), f"{self.what(name)} is beyond float64's range "
                                "(|x| > 1.7e308): too large to print")
        advice = getattr(e, "advice", "use --numbers float or --round K")
        return ProblemError(self.where(name), f"{self.what(name)}: {e}" + (f"; {advice}" if advice else ""))

    def where(self, name) -> str:
        owner = self.owner(name)
        return place_of(self.p, owner)

    def owner(self, name) -> str:
        """The input or node a quantity belongs to (dc_da -> c, dx -> x, c -> c)."""
        if name in self.p.inputs or name in {n.name for n in self.p.nodes}:
            return name
        for nd in self.p.nodes:
            for o in nd.refs():
                if local(nd.name, o) == name:
                    return nd.name
        return name[1:]

    def what(self, name) -> str:
        owner = self.owner(name)
        if name == owner:
            return "its value"
        if name == grad(owner):
            return f"∂{self.p.output}/∂{owner}"
        operand = name[len(local(owner, "")):]
        return f"the local derivative ∂{owner}/∂{operand}"

    def compute(self, name, expr, kind, layer=None):
        try:
            with np.errstate(all="ignore"):          # an overflow is refused below, not warned of
                value = super().compute(name, expr, kind, layer)
        except (GraphMathError, ZeroDivisionError) as e:
            msg = str(e) if isinstance(e, GraphMathError) else "division by 0"
            if name != self.owner(name):
                msg = f"{self.what(name)} is undefined here: {msg}"
            raise ProblemError(self.where(name), msg) from None
        except OverflowError:                        # a Python float's power
            raise self._too_big(name) from None
        if not self.F.symbolic:
            # float exp saturates at float64's largest value: there every part must be in range
            parts = self.steps[-1].quantities[name].parts.values() if self.F.name == "float" else []
            for v in [value, *parts]:
                if not _in_range(self.F, v):
                    raise self._too_big(name)
        return value

    def _too_big(self, name) -> ProblemError:
        return ProblemError(self.where(name), f"{self.what(name)} is beyond float64's range "
                            "(|x| > 1.7e308), or a step on the way to it is: too large to print")


def _in_range(F, v) -> bool:
    try:
        f = F.describe(v)[1]
    except OverflowError:                # an exact fraction past float64's range
        return False
    return math.isfinite(f) and abs(f) < 1.7e308


def _field(p):
    F = make_field(p.numbers, p.round)
    values = {name: F.const(v) for name, v in p.inputs.items()}
    if p.numbers == "symbolic":
        import sympy as sp
        trace_graph(replace(p, numbers="exact", symbols=None))   # the numbers must make sense too
        for name in symbolic_inputs(p):
            sym = sp.Symbol(name, real=True)
            q = p.inputs[name]
            F.values[sym] = sp.Rational(q.numerator, q.denominator)
            F.names[sym] = tex_name(name)
            values[name] = sym
        F.partial = p.symbols is not None
        F.decimals = p.decimals
    return F, values


def trace_graph(p):
    """Every quantity of the graph problem `p` (a tracer.graph.problem.GraphProblem)."""
    from .trace import GraphTrace
    F, values = _field(p)
    s = structure(p)
    rec = GraphRecorder(F, p)
    rec.begin_step(0, [0])      # one evaluation (the checker reads the batch size as m = 1)
    for name, v in values.items():
        rec.put(name, v, "data")
    for nd in p.nodes:
        rec.compute(nd.name, nd.expr, "forward")
    rec.compute(grad(p.output), Const(1), "backward")
    visited = set()
    for name in s.visit:
        for o, e in s.locals[name]:
            rec.compute(local(name, o), e, "local")
        visited.add(name)
        for o, _ in s.locals[name]:
            if all(c in visited for c in s.branches(o)):
                rec.compute(grad(o), gradient_expr(s, p, o), "backward")
    for name in p.names:
        if name not in s.live:
            rec.compute(grad(name), Const(0), "backward")
    return GraphTrace(p, F, rec.steps, s)
