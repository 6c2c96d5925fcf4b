"""The worksheet as a printed page (issue 14.4), measured on the PDF with `pdftotext -bbox`:
page budgets on A4 at matrix detail (Mazur's 2-2-2 and Hagan's 1-2-1 in 3 pages, the mfnet
example in 4), no page but the last under 60 % full, long entry lists breaking across pages,
the final table never on a page of its own, and the lines of a list never touching."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import tracer
from tracer.render.pdf import to_pdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "worked_examples"
needs_pdf = pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")),
                               reason="needs pdflatex and pdftotext: apt-get install texlive-latex-extra poppler-utils")

MM = 72 / 25.4
TOP, TEXT_HEIGHT = 20 * MM, 257 * MM          # geometry: A4, 2 cm margins
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def pages(pdf: Path):
    """Every page's words as (x0, y0, x1, y1, text), the page number in the foot left out."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in WORD.findall(page)]
        out.append([w for w in words if w[1] < TOP + TEXT_HEIGHT])       # the foot is below the text
    return out


def fill(words) -> float:
    """How far down the text area a page's content reaches (0 to 1)."""
    return (max(w[3] for w in words) - TOP) / TEXT_HEIGHT if words else 0.0


def pdf_of(tmp_path, name, **options) -> Path:
    t = tracer.trace_file(str(EXAMPLES / name / "problem.yaml"))
    path = tmp_path / f"{name}-{'-'.join(f'{k}{v}' for k, v in options.items())}.pdf"
    path.write_bytes(to_pdf(t.render("latex", **options)))
    return path


BUDGETS = {"mazur_2_2_2": 3, "hagan_1_2_1": 3, "mfnet_report_000": 4}     # 5, 5 and 6 pages before


@needs_pdf
@pytest.mark.parametrize("name,budget", BUDGETS.items())
def test_published_examples_fit_their_page_budget(name, budget):
    """The committed PDFs (test_worked_examples checks they are fresh), matrix detail, A4."""
    ps = pages(EXAMPLES / name / "worksheet.pdf")
    assert len(ps) <= budget, f"{name}: {len(ps)} pages, budget {budget}"


@needs_pdf
@pytest.mark.parametrize("name", sorted(p.parent.name for p in EXAMPLES.glob("*/problem.yaml")))
def test_no_page_but_the_last_is_under_60_percent_full(name):
    ps = pages(EXAMPLES / name / "worksheet.pdf")
    for i, words in enumerate(ps[:-1], 1):
        assert fill(words) >= 0.6, f"{name}: page {i} of {len(ps)} is {fill(words):.0%} full"


@needs_pdf
@pytest.mark.parametrize("name,options", [("or_gate", {"detail": "entries"}), ("mfnet_report_000", {"detail": "entries"}),
                                          ("mazur_2_2_2", {"detail": "chain"}), ("mfnet_report_000", {"blank": True})])
def test_other_details_fill_their_pages_too(tmp_path, name, options):
    ps = pages(pdf_of(tmp_path, name, **options))
    for i, words in enumerate(ps[:-1], 1):
        assert fill(words) >= 0.6, f"{name} {options}: page {i} of {len(ps)} is {fill(words):.0%} full"


@needs_pdf
def test_the_final_table_never_stands_alone_on_its_last_page(tmp_path):
    """'Updated parameters' shares its page with the end of the last step, in every example and
    detail measured here (the break goes between earlier lines instead)."""
    cases = [EXAMPLES / n / "worksheet.pdf" for n in BUDGETS] + [pdf_of(tmp_path, "or_gate", detail="chain")]
    for pdf in cases:
        last = pages(pdf)[-1]
        heading = [w for w in last if w[4] == "Updated"]
        assert heading, f"{pdf.name}: the final table is not on the last page"
        assert any(w[1] < heading[0][1] - 5 for w in last), f"{pdf.name}: the final table has a page of its own"


def _lines(words):
    """Words grouped into printed lines: runs whose vertical extents overlap."""
    lines = []
    for w in sorted(words, key=lambda w: w[1]):
        if lines and w[1] < lines[-1][1]:
            lines[-1][1] = max(lines[-1][1], w[3])
            lines[-1][2].append(w)
        else:
            lines.append([w[1], w[3], [w]])
    return lines


@needs_pdf
def test_a_long_entry_list_breaks_across_pages_and_its_lines_never_touch(tmp_path):
    """mfnet at entries detail: ∂J/∂Z^[1] etc. are 16-entry lists, cut into blocks of 10 lines
    for the Markdown; on paper each line of a list is a line of its own (never merged with the
    next one by touching), and some list runs from one page onto the next."""
    ps = pages(pdf_of(tmp_path, "mfnet_report_000", detail="entries"))
    starts = 0
    for words in ps:
        for top, bottom, ws in _lines(words):
            assert bottom - top < 60, f"lines run together: {' '.join(w[4] for w in ws)[:120]}"
        starts += 1
    # a page that starts with a list line, not a heading: the list broke across the page
    first_words = [min(ws, key=lambda w: (w[1], w[0]))[4] for ws in ps[1:]]
    assert any(not re.match(r"^(Step|Forward|Backward|Update|Loss|Given|Data|Updated)", f) for f in first_words)
