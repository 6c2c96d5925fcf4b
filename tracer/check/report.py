"""The check report: every given answer with the expected value, verdict and diagnosis.

Markdown and LaTeX come from templates/check.{md,tex}.j2; numbers go through the worksheets'
Printer (the student's own numbers keep their own text).  JSON is the issue's shape:
{"results": [{step, name, status, given, expected, diagnosis, ...}], "summary": {...}}.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from ..numtext import rounded
from ..render import Tex, environment
from ..render.printer import Printer

STATUS_MARK = {"markdown": {"correct": "✓", "carried": "→", "wrong": "✗"},
               "latex": {"correct": Tex(r"$\checkmark$"), "carried": Tex(r"$\rightarrow$"),
                         "wrong": Tex(r"$\times$")}}
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")



def render(grading, fmt="markdown") -> str | bytes:
    """The report as text (markdown, latex, json), or as PDF bytes (pdf: the LaTeX report
    through pdflatex, as the worksheets; render.pdf.PdfError when it fails)."""
    if fmt == "json":
        return to_json(grading)
    if fmt == "pdf":
        from ..render.pdf import to_pdf
        return to_pdf(render(grading, "latex"))
    doc = build(grading, STATUS_MARK[fmt])
    name = {"markdown": "check.md.j2", "latex": "check.tex.j2"}[fmt]
    return environment(fmt).get_template(name).render(doc=doc)


# -- numbers ---------------------------------------------------------------------------------
def _cell(pr, num) -> str:
    """One of the student's numbers, as they wrote it (0.50 stays 0.50)."""
    text = getattr(num, "text", str(num)).replace(" ", "")
    if _DECIMAL.match(text):
        mant, _, exp = text.lower().partition("e")
        mant = mant.lstrip("+")
        return mant if not exp else r"%s \cdot 10^{%d}" % (mant, int(exp))
    return pr.fraction(Fraction(num)).text


def given_tex(pr, nums) -> str:
    return _cells_tex(pr, nums, lambda v: _cell(pr, v))


def value_tex(pr, value) -> str:
    """A true value (or what the student's answers give) as the worksheets write it; in a
    matrix where some entries are rounded to `decimals`, its exact short decimals are written
    to as many (0.2000 beside 0.4009, not 0.2) and its fractions as decimals: one kind of
    number per matrix."""
    a = np.asarray(value, dtype=object)
    shown = [pr.number(v) for v in a.ravel()]
    if a.ndim == 0 or not any(t.rounded for t in shown):
        return pr.matrix(value).text
    return _cells_tex(pr, a, lambda v: _padded(pr, v))


def _padded(pr, v) -> str:
    """One entry of a matrix that has rounded ones: an exact decimal padded, a fraction
    rounded (no ⅓ beside 0.1650, as the Printer does), integers and rounded ones as they are."""
    t = pr.number(v)
    if t.rounded or ("." not in t.text and "\\frac" not in t.text):
        return t.text
    q, f, _ = pr.trace.entry(v)
    return rounded(q if q is not None else f, pr.decimals)


def _cells_tex(pr, value, cell) -> str:
    a = np.asarray(value, dtype=object)
    if a.ndim == 0:
        return cell(a[()])
    if a.ndim == 1:   # bias vectors stand along the feature axis, as in the worksheets
        a = a[:, None] if pr.feat == 0 else a[None, :]
    cells = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(a.shape):
        cells[idx] = str(cell(a[idx]))
    return pr.grid(cells).text


def _floats(trace, value):
    if np.ndim(value) == 0:
        return trace.entry(value)[1]
    return [_floats(trace, v) for v in value]


def _given_floats(nums):
    a = np.asarray(nums, dtype=object)
    return float(a[()]) if a.ndim == 0 else np.vectorize(float, otypes=[float])(a).tolist()


# -- content -----------------------------------------------------------------------------------
def build(grading, marks) -> dict:
    t = grading.trace
    pr = Printer(t, notation=getattr(t, "notation", None))     # a graph writes its own names
    summ = grading.summary
    steps = {}
    for r in grading.results:
        steps.setdefault(r.step, []).append({
            "name": r.name,
            "symbol": Tex(pr.n.symbol(r.name)),
            "given": Tex(given_tex(pr, r.nums)),
            "expected": Tex(value_tex(pr, r.expected)),
            "yours": Tex(value_tex(pr, r.reference)) if r.reference is not None and r.status != "correct" else None,
            "status": r.status,
            "mark": marks[r.status],
            "diagnosis": r.diagnosis or ("" if r.status != "wrong" else "no common slip explains it"),
            "note": r.note or "",
            "first": r.first,
        })
    first = grading.first_error
    return {
        "title": t.problem.title or "Hand calculation",
        "rule": grading.rule.describe(),
        "given": summ["given"], "correct": summ["correct"], "carried": summ["carried"], "wrong": summ["wrong"],
        "right": summ["correct"] + summ["carried"],
        "percent": f"{100 * summ['score']:.0f}",
        "first_error": None if first is None else (first.name if len(t.steps) == 1 and first.step == 0
                                                   else f"{first.name} (step {first.step})"),
        "steps": [{"index": s, "results": rs} for s, rs in sorted(steps.items())],
    }


def to_json(grading) -> str:
    import json
    t = grading.trace
    results = []
    for r in grading.results:
        results.append({
            "step": r.step, "name": r.name, "status": r.status,
            "given": _given_floats(r.nums), "expected": _floats(t, r.expected),
            "diagnosis": r.diagnosis,
            "from_your_answers": None if r.reference is None else _floats(t, r.reference),
            "first_error": r.first, "note": r.note,
        })
    return json.dumps({"results": results, "summary": grading.summary}, ensure_ascii=False, indent=1) + "\n"
