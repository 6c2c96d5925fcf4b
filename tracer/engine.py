"""Tracing a problem: build the network in the chosen field, run the steps, keep the trace."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .network import build_network
from .numbers import make_field
from .optim import make_optimizer
from .recorder import Recorder
from .trace import Trace

if TYPE_CHECKING:
    from .graph.problem import GraphProblem
    from .problem import Problem


def trace(problem: Problem | GraphProblem) -> Trace:
    """Every quantity of every step of `problem` (a tracer.problem.Problem, or a graph's)."""
    if getattr(problem, "kind", None) == "graph":
        from .graph.engine import trace_graph
        return trace_graph(problem)
    F = make_field(problem.numbers, problem.round)
    if problem.numbers == "symbolic":
        from .symbolic import symbolize
        problem, F = symbolize(problem, F)
    from .budget import check_trace_size, check_work
    check_work(problem)
    net = build_network(problem, F)
    opt = make_optimizer(problem.optimizer, problem.opt_opts)
    rec = Recorder(F)
    batches = problem.batches()
    for s in range(problem.steps):
        batch = batches[s % len(batches)]
        X = net.orient(F, [problem.x[i] for i in batch])
        Y = net.orient(F, [problem.y[i] for i in batch])
        rec.begin_step(s, batch)
        net.step(rec, X, Y, opt, s + 1)
        if s == 0:
            check_trace_size(rec.steps[0], problem.steps, problem.numbers)
    return Trace(problem, F, rec.steps)
