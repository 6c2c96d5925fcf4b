"""The trace: a problem's recorded steps, and their export as the contract's JSON."""
from __future__ import annotations

import math

import numpy as np

from .schema import ProblemError


class Trace:
    def __init__(self, problem, field, steps):
        self.problem, self.field, self.steps = problem, field, steps
        self._check_finite()

    def __getitem__(self, key):
        """trace["Z1"] (step 0) or trace[2, "W1_next"]."""
        step, name = (0, key) if isinstance(key, str) else key
        return self.steps[step][name]

    # entries -------------------------------------------------------------------------------
    def entry(self, x):
        """(Fraction or None, float or None, exact text or None) for one entry."""
        return self.field.describe(x)

    def floats(self, value):
        if np.ndim(value) == 0:
            return self.entry(value)[1]
        return [self.floats(v) for v in value]

    def exacts(self, value):
        if np.ndim(value) == 0:
            return self.entry(value)[2]
        return [self.exacts(v) for v in value]

    def _check_finite(self):
        if self.field.symbolic:
            return
        for st in self.steps:
            for q in st.shown():
                for v in np.asarray(q.value, dtype=object).ravel():
                    f = self.entry(v)[1]
                    if f is not None and not math.isfinite(f):
                        raise ProblemError(f"step {st.index}, {q.name}",
                                           "a value beyond float64's range (|x| > 1.8e308): the numbers "
                                           "of this problem grow too large to print")

    # export --------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        p = self.problem
        out = {"format": "trace-net/1", "layout": p.layout, "bias": p.bias, "numbers": p.numbers}
        if p.round is not None:
            out["round"] = p.round
        steps = []
        for st in self.steps:
            values = {}
            for q in st.shown():
                values[q.name] = {"shape": q.shape, "float": self.floats(q.value),
                                  "exact": self.exacts(q.value)}
            steps.append({"step": st.index, "batch": st.batch, "values": values})
        out["steps"] = steps
        return out

    def to_json(self) -> str:
        """The contract's JSON, one line per quantity so that a person can read it too."""
        import json
        d = self.to_dict()
        head = {k: v for k, v in d.items() if k != "steps"}
        one = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
        lines = ["{"] + [f" {one(k)}: {one(v)}," for k, v in head.items()] + [' "steps": [']
        for i, st in enumerate(d["steps"]):
            lines.append(f'  {{"step": {st["step"]}, "batch": {one(st["batch"])}, "values": {{')
            names = list(st["values"])
            for j, name in enumerate(names):
                comma = "," if j < len(names) - 1 else ""
                lines.append(f"   {one(name)}: {one(st['values'][name])}{comma}")
            lines.append("  }}" + ("," if i < len(d["steps"]) - 1 else ""))
        lines += [" ]", "}"]
        return "\n".join(lines) + "\n"

    # display -------------------------------------------------------------------------------
    def render(self, fmt="markdown", **options) -> str:
        from .render import render
        return render(self, fmt, **options)

    def _repr_markdown_(self):
        return self.render("markdown")
