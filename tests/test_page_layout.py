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
                                          ("mazur_2_2_2", {"detail": "chain"}), ("mfnet_report_000", {"blank": True}),
                                          ("tanh_rows", {"blank": True}), ("hagan_1_2_1", {"detail": "entries"})])
def test_other_details_fill_their_pages_too(tmp_path, name, options):
    ps = pages(pdf_of(tmp_path, name, **options))
    for i, words in enumerate(ps[:-1], 1):
        assert fill(words) >= 0.6, f"{name} {options}: page {i} of {len(ps)} is {fill(words):.0%} full"


@needs_pdf
def test_the_final_table_never_stands_alone_on_its_last_page(tmp_path):
    """'Updated parameters' shares its page with the end of the last step, in every example and
    detail measured here (the break goes between earlier lines instead)."""
    cases = [EXAMPLES / n / "worksheet.pdf" for n in BUDGETS] + [pdf_of(tmp_path, "or_gate", detail="chain"),
                                                           pdf_of(tmp_path, "tanh_rows", detail="entries")]
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


def _key(line):
    """What the lines of one list share: their first two words, where they start, their height."""
    top, bottom, ws = line
    ws = sorted(ws, key=lambda w: w[0])
    return tuple(w[4] for w in ws[:2]), round(ws[0][0]), round(bottom - top)


def list_gaps(words):
    """The lines of each list on a page (runs of consecutive printed lines with the same _key):
    the white space between each line and the next, one list of gaps per list."""
    runs, prev = [], None
    for line in _lines(words):
        if prev and _key(line) == _key(prev):
            runs[-1].append(line[0] - prev[1])
        else:
            runs.append([])
        prev = line
    return [r for r in runs if r]


def test_list_gaps_sees_a_squeezed_block_boundary():
    """The measure itself: three lines 5 pt apart, then one 2.4 pt (the old \\moreblock)."""
    words = [(70, y, 80, y + 20, t) for y, t in ((100, "a"), (125, "a"), (150, "a"), (172.4, "a"))]
    words += [(85, w[1] + 5, 95, w[1] + 12, "=") for w in words]
    assert [[round(g, 1) for g in r] for r in list_gaps(words)] == [[5.0, 5.0, 2.4]]


@needs_pdf
@pytest.mark.parametrize("name,options", [("mfnet_report_000", {"detail": "entries"}), ("or_gate", {"detail": "entries"}),
                                          ("mazur_2_2_2", {"detail": "chain"}), ("hagan_1_2_1", {"blank": True})])
def test_the_lines_of_a_list_are_evenly_spaced_and_never_touch(tmp_path, name, options):
    """A list cut into blocks for the Markdown (∂J/∂Z^[1]'s 16 entries: 10 + 6) is one list on
    paper: the same white space between every two lines, the cut included, never under 2 pt."""
    for i, words in enumerate(pages(pdf_of(tmp_path, name, **options)), 1):
        for gaps in list_gaps(words):
            assert min(gaps) >= 2, f"{name} {options} page {i}: lines of a list touch: {gaps}"
            assert max(gaps) - min(gaps) <= 0.5, f"{name} {options} page {i}: uneven list: {gaps}"


@needs_pdf
def test_a_long_entry_list_breaks_across_pages(tmp_path):
    """mfnet at entries detail: a list runs from the foot of a full page onto the next one
    (the same kind of line ends one page and starts the next) instead of moving whole."""
    ps = pages(pdf_of(tmp_path, "mfnet_report_000", detail="entries"))
    broken = [i for i in range(len(ps) - 1)
              if _key(_lines(ps[i])[-1]) == _key(_lines(ps[i + 1])[0]) and fill(ps[i]) > 0.9]
    assert broken, "no list breaks across a page"


@needs_pdf
@pytest.mark.parametrize("name", sorted(p.parent.name for p in EXAMPLES.glob("*/problem.yaml")))
def test_no_page_opens_with_the_tail_of_an_equation(name):
    """A page breaks between equations, not inside one: no page starts with a line that
    continues the equation before ('= …' or '≈ …' under its first line)."""
    ps = pages(EXAMPLES / name / "worksheet.pdf")
    for i, words in enumerate(ps[1:], 2):
        first = min(_lines(words)[0][2], key=lambda w: w[0])[4]
        assert first not in ("=", "≈"), f"{name}: page {i} opens with '{first} …'"


BRACKET_PIECES = {chr(c) for c in range(0xF8EE, 0xF8FC)} | {"[", "⎡", "⎢", "⎣"}


@needs_pdf
@pytest.mark.parametrize("name", ["or_gate", "adam_step", "mfnet_report_000"])
def test_a_blank_formula_never_leaves_its_boxes_for_the_next_page(tmp_path, name):
    """On a problem sheet no page opens with a matrix of answer boxes whose formula ended the
    page before (or_gate's Δ^[1] did): the topmost glyph of a page is never a bracket."""
    for k, words in enumerate(pages(pdf_of(tmp_path, name, blank=True))[1:], 2):
        top = min(words, key=lambda w: (w[1], w[0]))
        if top[4] not in BRACKET_PIECES:
            continue
        # a matrix opens the page: its own formula must stand left of it on that line, not only "="
        # the bracket's pieces, one below the other, give the matrix's height; the formula
        # stands by its middle
        column = sorted((w for w in words if w[4] in BRACKET_PIECES and abs(w[0] - top[0]) < 0.5),
                        key=lambda w: w[1])
        bottom = top[3]
        for w in column:                    # contiguous pieces only: this one bracket
            if w[1] <= bottom + 12:         # (the top piece and the first extender lie 11 pt apart)
                bottom = max(bottom, w[3])
        beside = [w[4] for w in words if w[2] <= top[0] and w[1] < bottom]
        assert set(beside) - {"=", "≈"}, (name, k, beside)
