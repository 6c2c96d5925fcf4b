"""A graph's worksheet as text: Markdown (the circuit inline as SVG) or LaTeX (TikZ), from
templates/graph.{md,tex}.j2 and the content tracer/graph/document.py prepares."""
from __future__ import annotations

from ..render import Tex, environment
from .document import build

WIDTH = 16.0         # cm the circuit may take before LaTeX scales it down
TABLE_ROWS = 24      # LaTeX tables are cut into parts of this many rows (a page each at most)


def render(trace, fmt="markdown", detail="matrix", max_entries=None, decimals=None, blank=False,
           figure=None, stamp=None) -> str:
    """max_entries is accepted for the command's sake: a graph has no matrices to elide.
    figure: the Markdown links the circuit as this file (render_figure writes it), else the
    SVG stands inline.  stamp: a printed sheet's marks (tracer.render.render's)."""
    if fmt == "json":
        return trace.to_json()
    if fmt == "text":
        from .text import render_text
        return render_text(trace, decimals=decimals, blank=blank)
    doc = build(trace, fmt=fmt, detail=detail, decimals=decimals, blank=blank)
    if fmt == "markdown":
        from .svg import svg
        doc["svg"] = Tex(svg(doc["circuit"]))
        doc["figure_file"] = figure
    cols = doc["circuit"]["cols"]
    # cm per column (less for a long graph, so that its labels stay legible), per row
    doc["tikz"] = {"dx": round(max(2.2, min(3.2, WIDTH / (cols - 1 + 0.5))), 2), "dy": 1.5, "out": 0.5}
    doc["forward_parts"] = _parts(doc["forward"])
    doc["backward_parts"] = _parts(doc["backward"])
    name = {"markdown": "graph.md.j2", "latex": "graph.tex.j2"}[fmt]
    return environment(fmt).get_template(name).render(doc=doc, stamp=stamp)


def _parts(rows):
    return [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)]


def render_figure(trace, blank=False) -> str:
    """The circuit alone, as an SVG file (beside a Markdown worksheet written to a file)."""
    from ..render.printer import Printer
    from .document import circuit
    from .svg import svg
    return svg(circuit(trace, Printer(trace, blank=blank), blank)) + "\n"
