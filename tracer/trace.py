"""The trace: a problem's recorded steps, and their export as the contract's JSON.

    >>> t = tracer.trace_file("worked_examples/or_gate/problem.yaml")
    >>> t                    # <Trace 'OR gate, ...': network 2-2-1 (sigmoid, sigmoid), ...>
    >>> t["Z1"]              # step 0's Z^[1], entries in the trace's number field (exact)
    >>> t.array("Z1")        # the same as a float64 numpy array
    >>> t.render("latex")    # the worksheet (text, markdown, latex, json)
"""
from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from .schema import ProblemError

RENDER_FORMATS = ("text", "markdown", "latex", "json")


class Trace:
    """Every quantity of every step of a problem, by canonical name (docs/problem-format.md,
    section 2), in the problem's number field."""

    def __init__(self, problem, field, steps):
        self.problem, self.field, self.steps = problem, field, steps
        self._check_finite()

    def __getitem__(self, key):
        """trace["Z1"] (step 0) or trace[2, "W1_next"]: the recorded value, entries exact
        (Real, Fractions' field) or floats, as the number mode has them; see array()."""
        step, name = (0, key) if isinstance(key, str) else (key if isinstance(key, tuple) and len(key) == 2
                                                            else (None, None))
        if not isinstance(name, str):
            raise TypeError(f"trace[{key!r}]: give a quantity's name (trace['Z1']) or a step and "
                            "a name (trace[2, 'W1_next'])")
        return self._value(name, step)

    def _value(self, name, step):
        """One step's recorded value; IndexError or KeyError saying what there is."""
        given = step
        try:
            step = None if isinstance(step, bool) else operator.index(step)   # numpy integers too
        except TypeError:
            step = None
        if step is None or not -len(self.steps) <= step < len(self.steps):
            raise IndexError(f"step {given!r}: the trace has steps 0..{len(self.steps) - 1}")
        if name not in self.steps[step]:
            raise KeyError(f"{name}: no such quantity in step {step} (there are: {', '.join(self.names(step))})")
        return self.steps[step][name]

    def names(self, step: int = 0) -> list[str]:
        """The quantities of a step, in the order they are computed."""
        return [q.name for q in self.steps[step].shown()]

    def array(self, name: str, step: int = 0) -> np.ndarray:
        """A quantity as a float64 numpy array (a 0-d array for J): the engine's full-precision
        values, the rounded ones in hand mode.  Symbolic traces have formulas, not floats."""
        if self.field.symbolic:
            raise ValueError(f"{name}: a symbolic trace holds formulas, not floats "
                             "(trace it with numbers='exact' or 'float')")
        return np.array(self.floats(self._value(name, step)), dtype=np.float64)

    def arrays(self, step: int = 0) -> dict[str, np.ndarray]:
        """Every quantity of a step as a float64 array, by name."""
        return {name: self.array(name, step) for name in self.names(step)}

    def __repr__(self) -> str:
        from .notebook import summary
        return f"<Trace {summary(self)}>"

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
        """The trace JSON as a dict (docs/problem-format.md section 3; tracer/trace_schema.py)."""
        p = self.problem
        out = {"format": "trace-net/1", **self._about(), "layout": p.layout, "bias": p.bias}
        if p.weights != "out_in":      # extensions: said only when not the default
            out["weights"] = p.weights
        if p.one_over_m != "dA":
            out["one_over_m"] = p.one_over_m
        out["numbers"] = p.numbers
        if p.round is not None:
            out["round"] = p.round
        out.update(_as_read(p))
        steps = []
        for st in self.steps:
            values = {q.name: self.value_dict(q) for q in st.shown()}
            steps.append({"step": st.index, "batch": st.batch, "values": values})
        out["steps"] = steps
        return out

    def _about(self) -> dict:
        """The JSON's title and the trace-net that wrote it."""
        from . import __version__
        return {"title": self.problem.title, "version": __version__}

    def value_dict(self, q) -> dict:
        """One quantity's JSON: shape, float, exact; exact is one null for the whole quantity
        when no entry is exact (always in float mode), not an array of nulls."""
        exact = self.exacts(q.value)
        if exact is not None and all(e is None for e in np.ravel(np.array(exact, dtype=object))):
            exact = None
        return {"shape": q.shape, "float": self.floats(q.value), "exact": exact}

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
    def render(self, fmt: str = "markdown", *, detail: str = "matrix", max_entries: int | None = None,
               decimals: int | None = None, blank: bool = False, **options: Any) -> str:
        """The worksheet as text, what `trace-net PROBLEM --format FMT` writes.

        fmt: "markdown" (GitHub, Jupyter), "latex" (a standalone document; to_pdf() compiles
        it), "text" (plain Unicode for a terminal), "json" (the contract's trace JSON, never
        elided; the options below do not apply).  detail: "matrix" (each formula, its matrices
        and result), "entries" (also every entry written out) or "chain" (the chain rule for
        every weight); Markdown and LaTeX only.  max_entries: matrices with more entries are
        elided (default 64, 0 never).  decimals: digits shown for inexact values (default: the
        problem's).  blank: the problem sheet, an empty box for every computed entry.  Other
        options go to the renderer (tracer.render.render: figure=NAME, the Markdown links the
        network figure)."""
        fmt = {"md": "markdown", "tex": "latex"}.get(fmt, fmt)
        if fmt == "pdf":
            raise ValueError("render('pdf'): a PDF is bytes, not text; use trace.to_pdf() "
                             "(or trace-net PROBLEM -o sheet.pdf)")
        if fmt not in RENDER_FORMATS:
            raise ValueError(f"render({fmt!r}): unknown format; give one of {', '.join(RENDER_FORMATS)} "
                             "(or to_pdf() for a PDF)")
        from .render import render
        return render(self, fmt, detail=detail, max_entries=max_entries, decimals=decimals, blank=blank,
                      **options)

    def to_pdf(self, **options: Any) -> bytes:
        """The LaTeX worksheet compiled by pdflatex (render's options); PdfError says how to
        install pdflatex when it is missing."""
        from .render.pdf import to_pdf
        return to_pdf(self.render("latex", **options))

    def part(self, step: int | None = None, section: str | None = None):
        """One part of the worksheet, for a notebook cell: a step (0, 1, ...), a section of
        every step or of one ("forward", "loss", "backward", "update"), or, with neither,
        the whole worksheet.  Displays itself in Jupyter (Markdown, LaTeX)."""
        from .notebook import Part
        return Part(self, step, section)

    # Jupyter shows the richest of these: the compact HTML summary, not the whole worksheet
    # (part() shows the worksheet, or a piece of it).
    def _repr_html_(self) -> str:
        from .notebook import summary_html
        return summary_html(self)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        from .notebook import Part
        return Part(self, None, None)._repr_latex_()


def _as_read(problem) -> dict:
    """The network, loss and optimizer as the problem file gives them (defaults filled in),
    numbers as exact text ("0.1", "1/3"), each activation as {name: options}."""
    from .torch_io import problem_to_dict
    d = problem_to_dict(problem)
    net = [{item: {}} if isinstance(item, str) else item for item in d["network"]]
    return {k: _plain(v) for k, v in (("network", net), ("loss", d["loss"]), ("optimizer", d["optimizer"]))}


def _plain(v):
    """JSON values: a number read from the file as its text, a Fraction as 0.25 or p/q."""
    from fractions import Fraction
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, Fraction):
        from .numtext import plain
        return getattr(v, "text", None) or plain(v)
    return v
