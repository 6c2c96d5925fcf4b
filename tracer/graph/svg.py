"""The circuit as inline SVG for the Markdown worksheet (the LaTeX one draws it with TikZ
from the same structure): nodes at their layout places, each wire with the value it carries
above it (green) and the gradient flowing back along it below (red), as CS231n draws them.

Every text is XML-escaped; the labels are plain text made by the document (numtext).
"""
from __future__ import annotations

from html import escape

from .layout import INPUT, LABEL, NAME
from .names import text_name

GREEN, RED, GREY, INK = "#1a7f37", "#b3261e", "#8c959f", "#57606a"
BASELINE = 0.35           # a text's baseline below its box's middle, in ems (digits' centre)


def _num(s: str) -> str:
    """A label with a typographic minus."""
    return escape(s.replace("-", "\u2212"))


def _text(x, y, text, colour, size, anchor="middle", style=""):
    """A text whose box (layout's) has its middle at height y; x as the anchor says."""
    halo = "paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round"
    return (f'<text x="{x:.1f}" y="{y + BASELINE * size:.1f}" fill="{colour}" font-size="{size}" '
            f'text-anchor="{anchor}" style="{halo}{";" + style if style else ""}">{text}</text>')


def _name(name: str, size) -> str:
    """A name as the worksheet writes it: w0 as w with a subscript 0, alpha as α."""
    base, sub = text_name(name)
    if not sub:
        return escape(base)
    return f'{escape(base)}<tspan dy="{0.25 * size:.1f}" font-size="{0.75 * size:.1f}">{escape(sub)}</tspan>'


def _wire(parts, w, colour):
    parts.append(f'<line x1="{w["x1"]:.1f}" y1="{w["y1"]:.1f}" x2="{w["x2"]:.1f}" y2="{w["y2"]:.1f}" '
                 f'stroke="{colour}" stroke-width="1.3" marker-end="url(#arrow)"/>')
    for key, hue in (("value", GREEN), ("grad", RED)):
        if w[key]["text"]:
            parts.append(_text(w[key]["x"], w[key]["y"], _num(w[key]["text"]), hue, LABEL))


def svg(c: dict) -> str:
    """The circuit `c` (document.circuit) as one <svg> element, without blank lines (so that
    Markdown keeps it as one HTML block)."""
    width, height = c["width"], c["height"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" role="img">',
             f"<title>The circuit of {escape(c['output'])}: values above the wires, gradients below</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{INK}"/></marker></defs>']
    for w in c["wires"]:
        _wire(parts, w, INK if w["live"] else GREY)
    _wire(parts, c["out_wire"], INK)
    for n in c["nodes"]:
        if n["input"]:
            parts.append(_text(n["text_right"], n["y"], _name(n["text"], INPUT), "#24292f", INPUT, anchor="end",
                               style="font-style:italic"))
            continue
        stroke = "#24292f" if n["live"] else GREY
        parts.append(f'<circle cx="{n["x"]:.1f}" cy="{n["y"]:.1f}" r="{n["r"]:.1f}" fill="#ffffff" '
                     f'stroke="{stroke}" stroke-width="1.5"/>')
        symbol = escape(n["gate_text"]) if n["named"] else _name(n["text"], n["gate_font"])
        parts.append(_text(n["x"], n["y"], symbol, stroke, n["gate_font"],
                           style="" if n["named"] else "font-style:italic"))
        if n["named"]:
            parts.append(_text(n["name_x"], n["name_y"], _name(n["text"], NAME), INK, NAME, style="font-style:italic"))
    parts.append("</svg>")
    return "\n".join(parts)
