"""Renderers: JSON, Markdown and LaTeX worksheets, PDF.  They read a Trace, nothing else."""
from __future__ import annotations

from pathlib import Path

FORMATS = ("markdown", "latex", "json", "pdf", "text")


class Tex(str):
    """LaTeX that the printer made: passed through untouched (user text is escaped)."""


def template_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "templates", here.parent / "templates"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("trace-net's templates are missing from the installation")


_ENVS = {}


def environment(kind: str):
    """The Jinja environment for 'latex' (\\VAR{..}, \\BLOCK{..}), 'markdown' or 'svg', escaping by default."""
    if kind in _ENVS:
        return _ENVS[kind]
    import jinja2
    if kind == "svg":         # XML: Jinja's own escaping
        _ENVS[kind] = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir())), autoescape=True,
                                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                         keep_trailing_newline=True)
        return _ENVS[kind]
    from .escape import latex_escape, markdown_escape
    esc = latex_escape if kind == "latex" else markdown_escape

    def finalize(v):
        if isinstance(v, Tex):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        return esc("" if v is None else v)

    opts = dict(loader=jinja2.FileSystemLoader(str(template_dir())), finalize=finalize,
                undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                trim_blocks=True, lstrip_blocks=True, autoescape=False)
    if kind == "latex":
        opts.update(block_start_string=r"\BLOCK{", block_end_string="}",
                    variable_start_string=r"\VAR{", variable_end_string="}",
                    comment_start_string=r"\#{", comment_end_string="}",
                    line_comment_prefix="%#")
    from .cache import bytecode_cache
    env = jinja2.Environment(**opts, bytecode_cache=bytecode_cache(opts))
    env.filters["tex"] = Tex
    _ENVS[kind] = env
    return env


DEFAULT_MAX_ENTRIES = 64   # an 8×8 matrix still fits a printed line; bigger ones are elided


def render_figure(trace, blank=False) -> str:
    """The network figure as SVG (the Markdown worksheet links it: render(..., figure=NAME));
    a graph's circuit, with its values unless `blank`."""
    if getattr(trace.problem, "kind", None) == "graph":
        from ..graph.render import render_figure as circuit
        return circuit(trace, blank=blank)
    from .document import diagram_text, figure
    from .figure import svg_layout
    from .printer import Notation
    p = trace.problem
    fig = figure(p, Notation.of(p, text=str))
    return environment("svg").get_template("network.svg.j2").render(g=svg_layout(fig), title=diagram_text(p))


def render(trace, fmt="markdown", detail="matrix", max_entries=None, decimals=None, blank=False,
           figure=None, stamp=None) -> str:
    """The worksheet of `trace` as text: 'markdown', 'latex' (standalone) or 'json' (never
    elided).  detail: matrix | entries | chain.  max_entries: elide bigger matrices (None:
    the default, 0: never).  blank: the problem sheet, every computed matrix an empty box.
    figure: the Markdown links the network figure as this file (render_figure writes it).
    stamp: a printed sheet's marks (tracer.generate.stamp.Stamp: a label on every page, a
    name line, a QR code), or None."""
    from ..schema import option_value          # a caller's max_entries=nan: one clear error
    max_entries = option_value("max_entries", max_entries, 0)
    decimals = option_value("decimals", decimals, 0, 30)
    if not isinstance(blank, bool):
        raise TypeError(f"blank={blank!r}: give True or False")
    if fmt == "json":
        return trace.to_json()
    if fmt == "text":               # the terminal's plain Unicode view (render/text.py)
        from .text import render_text
        return render_text(trace, max_entries=DEFAULT_MAX_ENTRIES if max_entries is None else max_entries,
                           decimals=decimals, blank=blank)
    from .document import build
    if max_entries is None:
        max_entries = DEFAULT_MAX_ENTRIES
    from ..budget import check_sheet
    check_sheet(trace, fmt, detail, max_entries)
    doc = build(trace, fmt=fmt, detail=detail, max_entries=max_entries, decimals=decimals, blank=blank)
    from urllib.parse import quote        # the link holds only URL-safe characters
    doc["figure_file"] = quote(figure) if figure and fmt == "markdown" else None
    name = {"markdown": "worksheet.md.j2", "latex": "worksheet.tex.j2"}[fmt]
    return environment(fmt).get_template(name).render(doc=doc, stamp=stamp)
