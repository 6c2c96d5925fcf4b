"""A graph's trace: the recorded quantities and the graph's structure, exported as the
contract's JSON (docs/problem-format.md §6)."""
from __future__ import annotations

import json

from ..trace import Trace
from .names import grad, local


class GraphTrace(Trace):
    def __init__(self, problem, field, steps, structure):
        self.structure = structure
        super().__init__(problem, field, steps)

    @property
    def quantities(self) -> dict:
        return self.steps[0].quantities

    @property
    def notation(self):
        """How a report writes this trace's quantity names (∂f/∂x for dx)."""
        from .latex import notation
        return notation(self.problem)

    def branches(self, name) -> list[tuple[str, str]]:
        """[(upstream gradient, local derivative)] whose products sum to d<name>."""
        return [(grad(c), local(c, name)) for c in self.structure.branches(name)]

    def to_dict(self) -> dict:
        p = self.problem
        out = {"format": "trace-net/1", **self._about(), "kind": "graph", "numbers": p.numbers}
        if p.round is not None:
            out["round"] = p.round
        out["graph"] = {
            "inputs": list(p.inputs),
            "nodes": [{"name": n.name, "expression": n.text, "reads": n.refs()} for n in p.nodes],
            "output": p.output,
            "visit": list(self.structure.visit),
            "branches": {grad(n): [list(b) for b in self.branches(n)] for n in p.names
                         if n != p.output and n in self.structure.live},
        }
        values = {q.name: self.value_dict(q) for q in self.steps[0].shown()}
        out["steps"] = [{"step": 0, "values": values}]
        return out

    def to_json(self) -> str:
        """The JSON, one line per quantity (and one for the graph) so that a person can read it."""
        d = self.to_dict()
        one = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
        head = [f" {one(k)}: {one(v)}," for k, v in d.items() if k != "steps"]
        values = d["steps"][0]["values"]
        body = [f"   {one(k)}: {one(v)}" for k, v in values.items()]
        return "\n".join(["{", *head, ' "steps": [', '  {"step": 0, "values": {', ",\n".join(body),
                          "  }}", " ]", "}"]) + "\n"

    def render(self, fmt="markdown", **options) -> str:
        from .render import render
        fmt = {"md": "markdown", "tex": "latex"}.get(fmt, fmt)
        if fmt not in ("markdown", "latex", "text", "json"):
            raise ValueError(f"render({fmt!r}): give markdown, latex, text or json (to_pdf() for a PDF)")
        return render(self, fmt, **options)

    def part(self, step=None, section=None):
        raise ValueError("a graph's worksheet is one piece (no steps or sections): display the trace, "
                         "or render('markdown')")

    def _repr_latex_(self):
        return None          # Jupyter shows the Markdown (the whole worksheet) or the HTML summary
