"""A graph's worksheet as text: Markdown (the circuit inline as SVG) or LaTeX (TikZ), from
templates/graph.{md,tex}.j2 and the content tracer/graph/document.py prepares."""
from __future__ import annotations

from ..render import Tex, environment
from .document import build
from .layout import UNIT_PT

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
    doc["tikz"] = _tikz(doc["circuit"])
    doc["forward_parts"] = _parts(doc["forward"])
    doc["backward_parts"] = _parts(doc["backward"])
    name = {"markdown": "graph.md.j2", "latex": "graph.tex.j2"}[fmt]
    return environment(fmt).get_template(name).render(doc=doc, stamp=stamp)


def _tikz(c) -> dict:
    """The circuit's numbers as the TikZ picture writes them: drawing units (x=, y= UNIT_PT),
    to a tenth; a node's size in points."""
    def f(v):
        return f"{v:.1f}"

    def wire(w):
        out = {**w, **{k: f(w[k]) for k in ("x1", "y1", "x2", "y2")}}
        for key in ("value", "grad"):
            if w[key]["text"]:
                out[key] = {**w[key], "x": f(w[key]["x"]), "y": f(w[key]["y"])}
        return out
    nodes = [{**n, "x": f(n["x"]), "y": f(n["y"]), "text_right": f(n["text_right"]),
              "size": f"{2 * n['r'] * UNIT_PT:.2f}",
              **({"name_x": f(n["name_x"]), "name_y": f(n["name_y"])} if "name_x" in n else {})}
             for n in c["nodes"]]
    return {"unit": f"{UNIT_PT:.4f}", "width": f(c["width"]), "height": f(c["height"]), "nodes": nodes,
            "wires": [wire(w) for w in c["wires"] + [c["out_wire"]]]}


def _parts(rows):
    return [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)]


def render_figure(trace, blank=False) -> str:
    """The circuit alone, as an SVG file (beside a Markdown worksheet written to a file)."""
    from ..render.printer import Printer
    from .document import circuit
    from .svg import svg
    return svg(circuit(trace, Printer(trace, blank=blank), blank)) + "\n"
