"""Canvas: a QTI 1.2 package (a zip of imsmanifest.xml and one assessment per variant).

Each variant is a quiz: the problem as a text-only question, then one numerical question per
asked entry, right within the checker's absolute tolerance (Canvas's "exact answer with
margin", written as QTI's varequal or vargte/varlte).  Canvas keeps answers to 4 decimal
places, so a quantity whose entries or tolerances fall below 1e-4 is asked in a stated scale
("enter 10³ · entry (1, 2) of ∂J/∂W^[1]"), the range scaled with it; what Canvas cannot do
(error carried forward, a diagnosis) is said in the question text.
"""
from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction

from .asked import asked
from .statement import statement_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
FLOOR = Fraction(1, 10**4)        # the smallest magnitude Canvas keeps
LIMITS = ("Canvas grades each entry on its own against the true value: a slip early on costs every "
          "entry computed from it too, and no answer says which slip it was (trace-net check, or the "
          "PrairieLearn export, carries errors forward and names the slip).")


def scale_exponent(a) -> int:
    """The smallest k ≥ 0 for which every non-zero entry and every tolerance times 10^k is at
    least 1e-4 (at most 12)."""
    small = [abs(Fraction(x)) for x in [v for _, _, v, _ in a.entries()] if x != 0]
    small += [abs(Fraction(e)) for _, _, _, e in a.entries()]
    k = 0
    while k < 12 and any(x * 10**k < FLOOR for x in small):
        k += 1
    return k


def _num(x) -> str:
    return repr(float(x))


def _meta(parent, fields):
    md = ET.SubElement(ET.SubElement(parent, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = label
        ET.SubElement(f, "fieldentry").text = entry


def _material(parent, html_text):
    m = ET.SubElement(parent, "material")
    ET.SubElement(m, "mattext", texttype="text/html").text = html_text


def text_item(ident, title, html_text):
    item = ET.Element("item", ident=ident, title=title)
    _meta(item, [("question_type", "text_only_question"), ("points_possible", "0")])
    _material(ET.SubElement(item, "presentation"), html_text)
    return item


def numerical_item(ident, title, html_text, value, tol):
    item = ET.Element("item", ident=ident, title=title)
    _meta(item, [("question_type", "numerical_question"), ("points_possible", "1.0")])
    pres = ET.SubElement(item, "presentation")
    _material(pres, html_text)
    resp = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
    ET.SubElement(ET.SubElement(resp, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    proc = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
                  vartype="Decimal")
    cond = ET.SubElement(proc, "respcondition", attrib={"continue": "No"})
    either = ET.SubElement(ET.SubElement(cond, "conditionvar"), "or")
    ET.SubElement(either, "varequal", respident="response1").text = _num(value)
    within = ET.SubElement(either, "and")
    ET.SubElement(within, "vargte", respident="response1").text = _num(Fraction(value) - Fraction(tol))
    ET.SubElement(within, "varlte", respident="response1").text = _num(Fraction(value) + Fraction(tol))
    ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
    return item


def _symbol(trace, name):
    from .prairielearn import _symbol as symbol
    return symbol(trace, name)


def assessment(trace, rule, ask, ident: str, title: str) -> ET.Element:
    p = trace.problem
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    test = ET.SubElement(root, "assessment", ident=ident, title=title)
    section = ET.SubElement(test, "section", ident="root_section")
    intro = (statement_html(trace) + f"<p>Work step 0 by hand. Values that are not exact: {p.decimals} decimals "
             f"(small ones to 3 significant figures). {LIMITS}</p>")
    section.append(text_item(f"{ident}_problem", "The problem", intro))
    for name in ask:
        a = asked(trace, rule, name)
        k = scale_exponent(a)
        sym = html.escape(_symbol(trace, name), quote=False)
        r, c = a.grid
        for i, j, v, e in a.entries():
            where = f"entry ({i + 1}, {j + 1}) of " if (r, c) != (1, 1) else ""
            scaled = f"10<sup>{k}</sup> × " if k else ""
            note = " (Canvas keeps 4 decimals: the value is asked in that scale)" if k else ""
            text = (f"<p>Enter {scaled}{where}\\({sym}\\) ({r}×{c}){note}; "
                    f"right within ±{_num(Fraction(e) * 10**k)}.</p>")
            section.append(numerical_item(f"{ident}_{name}_{i + 1}_{j + 1}", f"{name}[{i + 1},{j + 1}]", text,
                                          Fraction(v) * 10**k, Fraction(e) * 10**k))
    return root


def manifest(idents) -> ET.Element:
    m = ET.Element("manifest", identifier="trace-net-export", xmlns=CP_NS)
    ET.SubElement(m, "organizations")
    res = ET.SubElement(m, "resources")
    for ident in idents:
        r = ET.SubElement(res, "resource", identifier=ident, type="imsqti_xmlv1p2", href=f"{ident}.xml")
        ET.SubElement(r, "file", href=f"{ident}.xml")
    return m


def _xml(elem) -> bytes:
    ET.indent(elem)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(elem, encoding="utf-8") + b"\n"


def export(template, template_name: str, count: int, seed: int, ask, progress=lambda: None) -> bytes:
    from ..check import Rule
    from ..generate.variants import iter_variants
    from .asked import asked_names
    stem = "".join(ch if ch.isalnum() else "_" for ch in template_name.rsplit(".", 1)[0])
    buf = io.BytesIO()
    idents, names = [], None
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for v in iter_variants(template, count, seed):
            t = v.trace
            names = names or asked_names(t, ask)
            ident = f"{stem}_s{seed}_v{v.k}"
            title = f"{template.raw.get('title') or stem} (variant {v.k})"
            info = zipfile.ZipInfo(f"{ident}.xml", date_time=(1980, 1, 1, 0, 0, 0))  # same bytes every run
            z.writestr(info, _xml(assessment(t, Rule.make(t.problem.decimals), names, ident, title)),
                       zipfile.ZIP_DEFLATED)
            idents.append(ident)
            progress()
        z.writestr(zipfile.ZipInfo("imsmanifest.xml", date_time=(1980, 1, 1, 0, 0, 0)), _xml(manifest(idents)),
                   zipfile.ZIP_DEFLATED)
    return buf.getvalue()
