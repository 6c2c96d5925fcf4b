"""The check report: every given answer with the expected value, verdict and diagnosis.

Markdown and LaTeX come from templates/check.{md,tex}.j2; numbers go through the worksheets'
Printer (the student's own numbers keep their own text).  JSON is the issue's shape:
{"results": [{step, name, status, given, expected, diagnosis, ...}], "summary": {...}}.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from ..render import Tex, environment
from ..render.printer import Printer

STATUS_MARK = {"markdown": {"correct": "✓", "carried": "→", "wrong": "✗"},
               "latex": {"correct": Tex(r"$\checkmark$"), "carried": Tex(r"$\rightarrow$"),
                         "wrong": Tex(r"$\times$")}}
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def render(grading, fmt="markdown") -> str:
    if fmt == "json":
        return to_json(grading)
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
    return pr.fraction(Fraction(num))


def given_tex(pr, nums) -> str:
    a = np.asarray(nums, dtype=object)
    if a.ndim == 0:
        return _cell(pr, a[()])
    if a.ndim == 1:
        a = a[:, None] if pr.feat == 0 else a[None, :]
    cells = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(a.shape):
        cells[idx] = _cell(pr, a[idx])
    return pr._bmatrix(cells, raw=True)


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
            "expected": Tex(pr.matrix(r.expected)),
            "yours": Tex(pr.matrix(r.reference)) if r.reference is not None and r.status != "correct" else None,
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
