"""Reading a `graph:` problem (docs/problem-format.md §6): names, expressions, order, output.

The result is a `GraphProblem`: plain data (Fractions, parsed expression trees), no number
mode applied yet.  Every refusal names its place: `graph.nodes.c: unknown name 'w3'`, a
cycle, a name used twice, an unknown function.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import (Enum, Field, Integer, ListOf, Mapping, Num, Number, ProblemError, Spec, Text, _show,
                      join, near_miss, parse_number)
from .expr import FUNCTIONS, MAX_LENGTH, GraphSyntaxError, parse

MAX_NAMES = 200            # inputs and nodes together: a worksheet, not a network
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAME = 32


@dataclass
class GraphNode:
    name: str
    text: str               # the expression as the file writes it
    expr: object = field(compare=False)     # its tree (tracer.graph.expr), read from `text`

    def refs(self) -> list[str]:
        return self.expr.refs()


@dataclass
class GraphProblem:
    title: str
    numbers: str
    decimals: int
    round: int | None
    symbols: list | None
    inputs: dict            # name -> Num, in file order
    nodes: list             # GraphNode, in file order
    output: str
    steps: int = 1          # one forward and one backward pass
    kind = "graph"          # what tracer.engine.trace dispatches on
    layout = "columns"      # read by the worksheet Printer (a graph has no samples, no bias)
    bias = "separate"
    notation: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.inputs) + [n.name for n in self.nodes]

    def node(self, name) -> GraphNode:
        return next(n for n in self.nodes if n.name == name)


def is_graph(raw) -> bool:
    """Whether a problem file's tree is a graph problem (it has a `graph:` key)."""
    return isinstance(raw, dict) and "graph" in raw


# -- the schema --------------------------------------------------------------------------------
class Names(Spec):
    """A mapping of names to items (inputs to numbers, nodes to expressions), in file order."""

    def __init__(self, item, item_schema, doc, what):
        self.item, self.item_schema, self.doc, self.what = item, item_schema, doc, what

    def check(self, v, place):
        if not isinstance(v, dict) or not v:
            raise ProblemError(place, f"expected a mapping of {self.what} (name: value), got "
                               f"{'an empty mapping' if v == {} else _show(v)}")
        out = {}
        for k, x in v.items():
            _check_name(k, place)
            out[k] = self.item(x, join(place, k))
        return out

    def schema(self):
        return self._with_doc({"type": "object", "minProperties": 1, "additionalProperties": self.item_schema,
                               "propertyNames": {"pattern": NAME.pattern, "maxLength": MAX_NAME}})


def _check_name(k, place):
    if isinstance(k, bool) or k is None:
        raise ProblemError(place, "a name that YAML reads as true, false or null (yes, no, on, off, "
                           "null, ...): quote it ('on': 1) or choose another")
    if not isinstance(k, str):
        raise ProblemError(join(place, _printable(str(k))), "a name is a letter followed by letters, "
                           "digits or _")
    if not NAME.match(k) or len(k) > MAX_NAME:
        raise ProblemError(join(place, _printable(k)), "a name is a letter followed by letters, digits or _ "
                           f"(at most {MAX_NAME} characters)")
    if k in FUNCTIONS and FUNCTIONS[k].user:
        raise ProblemError(join(place, k), f"'{k}' is a function, not a name")


def _printable(s: str) -> str:
    return s if s.isprintable() and len(s) <= 40 else ascii(s[:40])


def _expression(v, place):
    if isinstance(v, Num):
        return v.text
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise ProblemError(place, f"expected an expression such as 'a * b + c', got {_show(v)}")
    return str(v)


GRAPH = Mapping({
    "inputs": Field(Names(parse_number, Number().schema(), "the inputs and their values", "inputs"),
                    required=True),
    "nodes": Field(Names(_expression, {"anyOf": [{"type": "string", "maxLength": MAX_LENGTH}, {"type": "number"}]},
                         "each node an expression of inputs and earlier nodes, in order", "nodes"),
                   required=True),
    "output": Field(Text("the node whose derivatives are taken (default: the last node)")),
}, "a scalar computational graph")

GRAPH_PROBLEM = Mapping({
    "title": Field(Text("free text, escaped in every output"), ""),
    "numbers": Field(Enum(["exact", "float", "symbolic"], "number mode"), "exact"),
    "decimals": Field(Integer("digits shown for values that are not exact", 0, 30), 4),
    "round": Field(Integer("hand-calculation mode: round every quantity to this many decimals", 0, 30,
                           nullable=True)),
    "steps": Field(Integer("a graph is traced once", 1, 1), 1),
    "symbols": Field(ListOf(Text(), "with numbers: symbolic, the inputs kept symbolic (default: all)")),
    "graph": Field(GRAPH, required=True),
}, "a trace-net problem file with a scalar computational graph")

NETWORK_KEYS = ("data", "network", "loss", "optimizer", "layout", "bias", "batch_size", "notation")


# -- reading -------------------------------------------------------------------------------------
def parse_graph_problem(raw: dict, overrides: dict | None = None) -> GraphProblem:
    for k in NETWORK_KEYS:
        if k in raw:
            raise ProblemError(k, "not in a graph problem: graph: takes the place of data, network, loss "
                               "and optimizer")
    for k, v in (overrides or {}).items():
        if v is not None:
            raw = {**raw, k: v}
    if raw.get("steps") not in (None, 1):
        raise ProblemError("steps", f"{raw['steps']}: a graph is traced once (one forward and one backward "
                           "pass), so steps is 1")
    if (overrides or {}).get("numbers") not in (None, "symbolic"):
        raw = {k: v for k, v in raw.items() if k != "symbols"}
    d = GRAPH_PROBLEM.check(raw, "")
    g = d["graph"]
    inputs = g["inputs"]
    nodes = _nodes(g["nodes"], inputs)
    if len(inputs) + len(nodes) > MAX_NAMES:
        raise ProblemError("graph", f"{len(inputs) + len(nodes)} inputs and nodes, past the limit of "
                           f"{MAX_NAMES}")
    output = g["output"] or nodes[-1].name
    if output not in {n.name for n in nodes}:
        hint = "it is an input; the output is a node" if output in inputs else \
            "unknown node" + near_miss(output, [n.name for n in nodes])
        raise ProblemError("graph.output", f"'{_printable(output)}': {hint}")
    p = GraphProblem(title=d["title"], numbers=d["numbers"], decimals=d["decimals"], round=d["round"],
                     symbols=d["symbols"], inputs=inputs, nodes=nodes, output=output)
    if p.round is not None and p.numbers == "symbolic":
        raise ProblemError("round", "hand rounding and numbers: symbolic do not mix")
    if p.symbols is not None and p.numbers != "symbolic":
        raise ProblemError("symbols", "only with numbers: symbolic")
    from .names import check_names
    check_names(p)
    return p


def _nodes(texts: dict, inputs: dict) -> list[GraphNode]:
    order = list(texts)
    parsed = {}
    for name, text in texts.items():
        place = f"graph.nodes.{name}"
        if name in inputs:
            raise ProblemError(place, f"the name '{name}' is used twice (it is an input too)")
        try:
            parsed[name] = parse(text)
        except GraphSyntaxError as e:
            raise ProblemError(place, str(e)) from None
    for i, name in enumerate(order):
        for r in parsed[name].refs():
            if r in inputs or r in order[:i]:
                continue
            place = f"graph.nodes.{name}"
            if r in parsed:
                loop = _cycle(name, r, parsed)
                if loop:
                    raise ProblemError(place, "a cycle: " + " → ".join(loop))
                raise ProblemError(place, f"'{r}' is a later node: nodes come in order, each an "
                                   f"expression of inputs and earlier nodes (move {r} above {name})")
            known = list(inputs) + order[:i]
            raise ProblemError(place, f"unknown name '{r}'{near_miss(r, known)}; "
                               f"it can use {', '.join(known)}")
    return [GraphNode(n, texts[n], parsed[n]) for n in order]


def _cycle(start, first, parsed):
    """[start, first, ..., start] when following references from `first` comes back to
    `start`, else None."""
    path, seen = [start, first], set()

    def walk(name):
        if name == start:
            return True
        if name in seen or name not in parsed:
            return False
        seen.add(name)
        for r in parsed[name].refs():
            path.append(r)
            if walk(r):
                return True
            path.pop()
        return False
    return path if walk(first) else None


def to_dict(p: GraphProblem) -> dict:
    """A graph problem back as the mapping of its problem file (defaults included)."""
    d = {"title": p.title, "numbers": p.numbers, "decimals": p.decimals}
    if p.round is not None:
        d["round"] = p.round
    if p.symbols is not None:
        d["symbols"] = list(p.symbols)
    d["graph"] = {"inputs": dict(p.inputs), "nodes": {n.name: n.text for n in p.nodes}, "output": p.output}
    return d
