"""The circuit as inline SVG for the Markdown worksheet (the LaTeX one draws it with TikZ
from the same structure): nodes at their layout places, each wire with the value it carries
above it (green) and the gradient flowing back along it below (red), as CS231n draws them.

Every text is XML-escaped; the labels are plain text made by the document (numtext).
"""
from __future__ import annotations

import math
from html import escape

DX, DY = 150, 66          # pixels per column, per row
LEFT, TOP = 46, 34        # room for the input names, the first row's labels
R = 17                    # node radius
OUT = 90                  # length of the output's wire
GREEN, RED, GREY = "#1a7f37", "#b3261e", "#8c959f"


def _xy(n):
    return LEFT + n["col"] * DX, TOP + n["row"] * DY


def _num(s: str) -> str:
    """A label with a typographic minus."""
    return escape(s.replace("-", "\u2212"))


def _label(x, y, text, colour, anchor="middle", size=12, style=""):
    halo = "paint-order:stroke;stroke:#ffffff;stroke-width:4px;stroke-linejoin:round"
    return (f'<text x="{x:.1f}" y="{y:.1f}" fill="{colour}" font-size="{size}" text-anchor="{anchor}" '
            f'style="{halo}{";" + style if style else ""}">{text}</text>')


def _wire(parts, a, b, value, grad, colour, pos=0.5):
    (x1, y1), (x2, y2) = a, b
    parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                 'stroke-width="1.3" marker-end="url(#arrow)"/>')
    mx, my = x1 + pos * (x2 - x1), y1 + pos * (y2 - y1)
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = (y2 - y1) / length, (x1 - x2) / length       # the normal on the upper side
    if value:       # baselines: above the wire, and below it by a line's height
        parts.append(_label(mx + 6 * nx, my + 6 * ny - 1, _num(value), GREEN))
    if grad:
        parts.append(_label(mx - 6 * nx, my - 6 * ny + 11, _num(grad), RED))


def svg(c: dict) -> str:
    """The circuit `c` (document.circuit) as one <svg> element, without blank lines (so that
    Markdown keeps it as one HTML block)."""
    width = LEFT + (c["cols"] - 1) * DX + R + OUT + 20
    height = TOP + (c["rows"] - 1) * DY + 40
    nodes = {n["id"]: n for n in c["nodes"]}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" role="img">',
             f"<title>The circuit of {escape(c['output'])}: values above the wires, gradients below</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>']
    for w in c["wires"]:
        src, dst = nodes[w["src"]], nodes[w["dst"]]
        (sx, sy), (tx, ty) = _xy(src), _xy(dst)
        start = (sx + 6, sy) if src["input"] else (sx + R, sy)
        ang = math.atan2(start[1] - ty, start[0] - tx)
        end = (tx + R * math.cos(ang), ty + R * math.sin(ang))
        _wire(parts, start, end, w["value"]["text"], w["grad"]["text"], "#57606a" if dst["live"] else GREY,
              w["pos"])
    out = nodes[c["output"]]
    ox, oy = _xy(out)
    _wire(parts, (ox + R, oy), (ox + R + OUT, oy), c["out_value"]["text"], c["out_grad"]["text"], "#57606a")
    for n in c["nodes"]:
        x, y = _xy(n)
        if n["input"]:
            parts.append(_label(x, y + 4, escape(n["text"]), "#24292f", anchor="end", size=14,
                                style="font-style:italic"))
            continue
        stroke = "#24292f" if n["live"] else GREY
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R}" fill="#ffffff" stroke="{stroke}" stroke-width="1.5"/>')
        inner = escape(n["gate_text"])
        parts.append(_label(x, y + 5, inner, stroke, size=14 if len(inner) < 3 else 11,
                            style="" if n["named"] else "font-style:italic"))
        if n["named"]:
            parts.append(_label(x, y - R - 5, escape(n["text"]), "#57606a", size=12, style="font-style:italic"))
    parts.append("</svg>")
    return "\n".join(parts)
