"""A trace in a notebook: its one-line summary (repr), the compact HTML view Jupyter shows
for it, and `Part`, one piece of the worksheet (a step, a section) that displays itself.

Everything here reads the trace and the worksheet's own document structure; the numbers are
the text renderer's (render/text.py), the equations the worksheet's (render/document.py).
"""
from __future__ import annotations

import html

SECTIONS = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass", "update": "Update"}
COMPACT_ENTRIES = 16     # the summary's matrices: a 4×4 shows whole, bigger ones elided


def _is_graph(trace) -> bool:
    return getattr(trace.problem, "kind", None) == "graph"


def network_text(p) -> str:
    """2-2-1 (sigmoid, sigmoid)."""
    sizes = [len(p.x[0])] + [L.shape[0] for L in p.layers]
    acts = ", ".join(L.activation or "linear" for L in p.layers)
    return "-".join(map(str, sizes)) + f" ({acts})"


def summary(trace) -> str:
    """'title': network 2-2-1 (sigmoid, sigmoid), mse loss, sgd; 1 step of 4 samples; exact
    numbers; J ≈ 0.0903."""
    p = trace.problem
    head = repr(p.title) if p.title else "(untitled)"
    steps = len(trace.steps)
    if _is_graph(trace):
        return f"{head}: a graph of {len(trace.steps[0].shown())} quantities; {p.numbers} numbers"
    batch = len(trace.steps[0].batch)
    per = "of" if len(p.batches()) == 1 else "in mini-batches of"
    out = (f"{head}: network {network_text(p)}, {p.loss} loss, {p.optimizer}; "
           f"{steps} step{'s' * (steps != 1)} {per} {batch} sample{'s' * (batch != 1)}; {p.numbers} numbers")
    if p.round is not None:
        out += f" rounded to {p.round} decimals"
    if not trace.field.symbolic:
        out += f"; J ≈ {trace.array('J', 0):.4g}" + (f" → {trace.array('J', -1):.4g}" if steps > 1 else "")
    return out


# -- the compact HTML view ------------------------------------------------------------------------
def _matrix_html(pr, value) -> str:
    """'= ' or '≈ ', then the matrix as a small bracketed table."""
    factor, rows, rounded = pr.cells(value)
    rel = "≈ " if rounded else "= "
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    table = f'<table style="display:inline-table;border-left:1px solid;border-right:1px solid">{cells}</table>'
    return rel + (html.escape(factor) + " " if factor else "") + table


def summary_html(trace) -> str:
    """The trace at a glance: what it is, each step's loss and quantities, the parameters
    after the last step, and how to show more."""
    from .render.text import Symbols, TextPrinter
    esc = html.escape
    p = trace.problem
    out = [f"<div><p><b>{esc(p.title or 'trace-net trace')}</b><br>{esc(summary(trace).split(': ', 1)[-1])}</p>"]
    if _is_graph(trace):
        return "".join(out) + "<p><code>t.to_json()</code> holds every value.</p></div>"
    pr = TextPrinter(trace, max_entries=COMPACT_ENTRIES)
    sym = Symbols(p)
    out.append("<table><tr><th>step</th><th>J</th>" + "".join(f"<th>{k}</th>" for k in SECTIONS if k != "loss")
               + "</tr>")
    kinds = {"forward": ("forward",), "backward": ("backward",), "update": ("update", "state")}
    for st in trace.steps:
        J = pr.cells(st["J"])[1][0][0]
        row = [f"<td>{st.index}</td><td>{esc(J)}</td>"]
        for key in ("forward", "backward", "update"):
            names = [sym(q.name) for q in st.shown() if q.kind in kinds[key]]
            row.append(f"<td>{esc(', '.join(names))}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</table>")
    last = trace.steps[-1]
    news = [q for q in last.shown() if q.kind == "update" and q.name.endswith("_next")]
    out.append(f"<p>After step {last.index}:</p><p>" + " &nbsp; ".join(
        f"{esc(sym(q.name))} {_matrix_html(pr, q.value)}" for q in news) + "</p>")
    out.append("<p><code>t.part(0)</code> shows step 0 of the worksheet, <code>t.part(section=\"forward\")</code> "
               "one section, <code>t.part()</code> all of it; <code>t.array(\"Z1\")</code> gives floats.</p></div>")
    return "\n".join(out)


# -- a part of the worksheet ---------------------------------------------------------------------
class Part:
    """A step or a section of the worksheet (or all of it), shown by Jupyter as Markdown or
    LaTeX; str() is its Markdown."""

    def __init__(self, trace, step=None, section=None):
        if section is not None and section not in SECTIONS:
            raise ValueError(f"section {section!r}: give one of {', '.join(SECTIONS)}")
        n = len(trace.steps)
        if step is not None and not -n <= step < n:
            raise ValueError(f"step {step}: the trace has steps 0..{n - 1}")
        self.trace, self.section = trace, section
        self.step = None if step is None else trace.steps[step].index

    def _doc(self):
        from .render.document import build
        doc = build(self.trace, fmt="markdown", max_entries=64)
        if self.step is None and self.section is None:
            return doc
        wanted = SECTIONS.get(self.section)
        doc["steps"] = [dict(st, sections=[s for s in st["sections"] if wanted in (None, s.title)])
                        for st in doc["steps"] if self.step in (None, st["index"])]
        doc["part"] = True          # the template leaves out the problem and the final parameters
        return doc

    def _repr_markdown_(self) -> str:
        if self.step is None and self.section is None:
            return self.trace.render("markdown")
        from .render import environment
        return environment("markdown").get_template("worksheet.md.j2").render(doc=self._doc())

    def _repr_latex_(self) -> str:
        """The part's equations, each block a display of aligned lines (MathJax reads them)."""
        out = []
        for st in self._doc()["steps"]:
            for sec in st["sections"]:
                for b in sec.blocks:
                    out.append(r"$$\begin{aligned}" + r" \\ ".join(b.texts) + r"\end{aligned}$$")
        return "\n".join(out)

    def __str__(self) -> str:
        return self._repr_markdown_()

    def __repr__(self) -> str:
        what = ("the whole worksheet" if self.step is None and self.section is None else
                ", ".join(x for x in (f"step {self.step}" if self.step is not None else "",
                                      SECTIONS.get(self.section, "")) if x))
        return f"<Part of {summary(self.trace).split(':', 1)[0]}: {what}>"
