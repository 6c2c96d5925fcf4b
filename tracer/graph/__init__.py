"""Scalar computational graphs (`graph:` problems, docs/problem-format.md §6): the first
backpropagation exercise of most courses, traced like a network.

    >>> from tracer.graph import parse_graph_problem, trace_graph

expr.py parses node expressions (no eval) into expression nodes; derive.py takes local
derivatives; problem.py reads and checks the file; names.py holds the quantity names;
engine.py runs the forward and backward pass through the project's Recorder; trace.py
exports the JSON.
"""
from __future__ import annotations

from .engine import trace_graph  # noqa: F401
from .problem import GraphProblem, is_graph, parse_graph_problem  # noqa: F401
