"""Moodle XML: one Cloze (multianswer) question per variant, in a category named after the template.

Every asked entry is a NUMERICAL blank, `{1:NUMERICAL:=v:tol#…~%50%s:tol#…}`: the true value
with the checker's absolute tolerance, then, for half the credit, the values the common slips
give (slips.py), each with the checker's diagnosis as its feedback.  Moodle grades each blank
on its own: what it cannot do (error carried forward) the question text says.
"""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from .asked import asked
from .slips import slip_values
from .statement import markdown_to_html, statement_html

SLIP_CREDIT = 50          # percent of a blank's mark for a value a named slip gives
LIMITS = ("Moodle grades every entry on its own against the true value: a slip early on costs "
          "every entry computed from it too (trace-net check, or the PrairieLearn export, carries "
          "errors forward). Values the common slips give earn half credit and name the slip.")


def number(x) -> str:
    """A number as Moodle's Cloze parser reads it: -?digits[.digits][e±digits]."""
    return repr(float(x))


def _feedback(text: str) -> str:
    # inside a blank, an unescaped } or ~ ends the feedback (Moodle's Cloze syntax)
    t = html.escape(text, quote=False)
    return t.replace("\\", "&#92;").replace("}", "\\}").replace("~", "\\~")


def blank(value, tol, slips) -> str:
    alts = [f"={number(value)}:{number(tol)}#{_feedback('correct')}"]
    seen = [float(value)]
    for v, why in slips:
        if all(abs(float(v) - s) > 2 * float(tol) for s in seen):
            alts.append(f"%{SLIP_CREDIT}%{number(v)}:{number(tol)}#{_feedback(why)}")
            seen.append(float(v))
    return "{1:NUMERICAL:" + "~".join(alts) + "}"


def _symbol(trace, name):
    from .prairielearn import _symbol as symbol
    return symbol(trace, name)


def quantity_html(trace, rule, name) -> str:
    a = asked(trace, rule, name)
    slips = slip_values(trace, rule, name)
    rows = []
    for i, row in enumerate(a.rows):
        cells = []
        for j in range(len(row)):
            alternatives = []
            for vals, why in slips:
                v = vals.reshape(len(a.rows), len(row))[i, j] if vals.size == len(a.rows) * len(row) else None
                if v is not None:
                    alternatives.append((v, why))
            cells.append(f"<td>{blank(row[j], a.tol[i][j], alternatives)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    shape = "×".join(str(d) for d in a.grid)
    return (f"<p>\\({html.escape(_symbol(trace, name), quote=False)}\\) ({shape}):</p>"
            f"<table class=\"trace-net-matrix\">{''.join(rows)}</table>")


def question(trace, rule, ask, name: str, idnumber: str) -> ET.Element:
    p = trace.problem
    text = (statement_html(trace) + "<h3>Step 0</h3>"
            f"<p>Work step 0 by hand. Values that are not exact: {p.decimals} decimals (small ones to 3 "
            f"significant figures). {LIMITS}</p>"
            + "".join(quantity_html(trace, rule, n) for n in ask))
    q = ET.Element("question", type="cloze")
    ET.SubElement(ET.SubElement(q, "name"), "text").text = name
    qt = ET.SubElement(q, "questiontext", format="html")
    ET.SubElement(qt, "text").text = text
    gf = ET.SubElement(q, "generalfeedback", format="html")
    ET.SubElement(gf, "text").text = markdown_to_html(trace.render("markdown"))
    ET.SubElement(q, "penalty").text = "0.3333333"
    ET.SubElement(q, "hidden").text = "0"
    ET.SubElement(q, "idnumber").text = idnumber
    return q


def export(template, template_name: str, count: int, seed: int, ask, progress=lambda: None) -> bytes:
    from ..check import Rule
    from ..generate.variants import iter_variants
    from .asked import asked_names
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", type="category")
    stem = template_name.rsplit(".", 1)[0]
    ET.SubElement(ET.SubElement(cat, "category"), "text").text = f"$course$/top/trace-net/{stem}"
    names = None
    for v in iter_variants(template, count, seed):
        t = v.trace
        names = names or asked_names(t, ask)
        title = f"{template.raw.get('title') or stem} (variant {v.k})"
        quiz.append(question(t, Rule.make(t.problem.decimals), names, title, f"{stem}-s{seed}-v{v.k}"))
        progress()
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"
