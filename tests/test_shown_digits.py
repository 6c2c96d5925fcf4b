"""Every line checkable by hand from the digits it shows (issue 14.5).

The worksheets carry full precision but show values rounded.  A result that the digits shown
on the line before it do not give (Hagan: −0.2269 × 0.2179 = −0.04944, shown −0.0495) is
marked †, and the header says why.  This test reads the rendered Markdown back, as a student
would read the page: it evaluates each substituted line (numbers, matrices, +, −, ⊙, ⊘, ·,
juxtaposition, powers, fractions) from the digits it shows, with Python fractions, and
checks the result shown after it, entry by entry: an entry without the mark agrees to its last
shown digit (rounded half away from zero, with Decimal), and an entry with the mark does not.
Lines with anything else (σ, Σ, log, dots) are left alone; enough lines are checked.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import tracer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "worked_examples"
MARK = r"^{\dagger}"


class Unsupported(Exception):
    """A piece of LaTeX this reader does not evaluate: the line is left alone."""


# -- a reader of the numbers and operators the sheets write ---------------------------------------
TOKEN = re.compile(r"\s*(\\begin\{bmatrix\}|\\end\{bmatrix\}|\\left\(|\\right\)|\\left\[|\\right\]|\\frac"
                   r"|\\odot|\\oslash|\\cdot|\\,|\\\\|\\color\{gray\}|\\dagger|\d+(?:\.\d+)?|[-+&{}^]|\\[A-Za-z]+|.)")


def tokens(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        tok = m.group(1)
        pos = m.end()
        if tok.strip():
            out.append(tok)
    return out


class Cell:
    """A number as shown: its value, decimal places (None: a fraction, exact) and mark."""

    def __init__(self, value, places, mark=False):
        self.value, self.places, self.mark = value, places, mark


class Reader:
    def __init__(self, text):
        self.t, self.i = tokens(text), 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, want=None):
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise Unsupported(f"expected {want}, got {tok}")
        self.i += 1
        return tok

    def done(self):
        return self.i == len(self.t)

    # expr := term (± term)*
    def expr(self):
        v = self.term()
        while self.peek() in ("+", "-"):
            sign = self.take()
            w = self.term()
            v = v + w if sign == "+" else v - w
        return v

    STARTS = ("\\begin{bmatrix}", "\\left(", "\\left[", "\\frac", "{")

    def term(self):
        v = self.factor()
        while True:
            tok = self.peek()
            if tok in ("\\odot", "\\cdot", "\\,"):
                self.take()
                v = _times(v, self.factor(), matrix=False)
            elif tok == "\\oslash":
                self.take()
                v = v / self.factor()
            elif tok is not None and (tok in self.STARTS or re.fullmatch(r"\d+(\.\d+)?", tok)):
                v = _times(v, self.factor(), matrix=True)      # juxtaposition
            else:
                return v

    def factor(self):
        if self.peek() == "-":
            self.take()
            return -self.factor()
        v = self.primary()
        while self.peek() == "^":
            self.take()
            self.take("{")
            if self.peek() == "\\odot":
                self.take()
            neg = self.peek() == "-" and self.take()
            k = int(self.take())
            self.take("}")
            v = _power(v, -k if neg else k)
        return v

    def primary(self):
        tok = self.take()
        if re.fullmatch(r"\d+(\.\d+)?", tok):
            return Fraction(tok)
        if tok == "\\left(":
            v = self.expr()
            self.take("\\right)")
            return v
        if tok == "\\left[":
            v = self.expr()
            self.take("\\right]")
            return v
        if tok == "\\frac":
            self.take("{")
            a = self.expr()
            self.take("}")
            self.take("{")
            b = self.expr()
            self.take("}")
            return a / b
        if tok == "{":
            if self.peek() == "\\color{gray}":
                self.take()
            v = self.expr()
            self.take("}")
            return v
        if tok == "\\begin{bmatrix}":
            rows, row = [], [self.expr()]
            while self.peek() != "\\end{bmatrix}":
                sep = self.take()
                if sep == "&":
                    row.append(self.expr())
                elif sep == "\\\\":
                    rows.append(row)
                    row = [self.expr()]
                else:
                    raise Unsupported(sep)
            self.take()
            rows.append(row)
            return np.array(rows, dtype=object)
        raise Unsupported(tok)


def _times(a, b, matrix):
    if matrix and isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a @ b
    return a * b


def _power(v, k):
    if isinstance(v, np.ndarray):
        return np.vectorize(lambda x: x ** k, otypes=[object])(v)
    return v ** k


NUMBER = re.compile(r"^\{?(?:\\color\{gray\})?(-?\d+(?:\.\d+)?)(?: \\cdot 10\^\{(-?\d+)\})?\}?$")


def shown_cell(text):
    """One number as a result shows it: value, places, mark."""
    text = text.strip()
    mark = text.endswith(MARK)
    if mark:
        text = text[:-len(MARK)].strip()
    m = NUMBER.match(text)
    if m:
        digits, e = m.group(1), m.group(2)
        places = len(digits.partition(".")[2])
        if e is None:
            return Cell(Fraction(digits), places, mark)
        return Cell(Fraction(digits) * Fraction(10) ** int(e), places - int(e), mark)
    fm = re.fullmatch(r"\{?(-?)\\frac\{(\d+)\}\{(\d+)\}\}?", text)
    if fm:
        return Cell(Fraction(int(fm.group(2)), int(fm.group(3))) * (-1 if fm.group(1) else 1), None, mark)
    raise Unsupported(text)


def shown_result(text):
    """A result as shown: one number, or a matrix of them (maybe with a factor ¼ in front)."""
    text = text.strip()
    m = re.fullmatch(r"(?:\\frac\{1\}\{(\d+)\})?\\begin\{bmatrix\} (.*) \\end\{bmatrix\}", text)
    if not m:
        return np.array([[shown_cell(text)]], dtype=object)
    factor = Fraction(1, int(m.group(1))) if m.group(1) else Fraction(1)
    rows = [[shown_cell(c) for c in r.split(" & ")] for r in m.group(2).split(r" \\ ")]
    for row in rows:
        for c in row:
            c.value *= factor
            if factor != 1:
                c.places = None     # ¼[…] holds exact numerators
    return np.array(rows, dtype=object)


def agrees(value: Fraction, cell: Cell) -> bool:
    if value == cell.value:
        return True
    if cell.places is None:
        return False
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(1).scaleb(-cell.places), rounding=ROUND_HALF_UP) == Decimal(cell.value.numerator) \
        / Decimal(cell.value.denominator)


# -- the sheets, read row by row ------------------------------------------------------------------------
def split_top(text):
    """A row's right side cut at its relations (= and ≈) outside braces: [segment, …]."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += (ch == "{") - (ch == "}")
        rel = next((r for r in (" = ", r" \approx ") if text.startswith(r, i)), None)
        if depth == 0 and rel:
            out.append(text[start:i])
            i = start = i + len(rel)
            continue
        i += 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def rows_of(md):
    """The right sides of the rows of each aligned display: [[row, …], …]."""
    blocks = re.findall(r"\\begin\{aligned\}\n(.*?)\n\\end\{aligned\}", md, re.S)
    out = []
    for b in blocks:
        rows = []
        for line in b.split("\n"):
            line = line.strip().removesuffix(r"\\").strip()
            if "&" not in line:
                continue
            right = line.split("&", 1)[1].strip()
            rel = re.match(r"(=|\\approx)\s*", right)
            rows.append(right[rel.end():] if rel else right)
        out.append(rows)
    return out


def evaluate(text):
    r = Reader(text)
    v = r.expr()
    if not r.done():
        raise Unsupported(text)
    return v


def checks(md):
    """(expression, result, [(value, cell)]) for every expression of shown numbers followed by
    its result."""
    out = []
    for rows in rows_of(md):
        segments = []
        for row in rows:
            segments.append(split_top(row))
        flat = [(k, s) for k, segs in enumerate(segments) for s in segs]
        for (_, e), (_, r) in zip(flat, flat[1:]):
            if not re.search(r"\\odot|\\oslash|\\cdot|\\,| [-+] |\\end\{bmatrix\} \\begin|\^\{", e):
                continue          # no operation: nothing to recompute
            try:
                value = evaluate(e.replace(MARK, ""))
                result = shown_result(r)
            except (Unsupported, ValueError, ZeroDivisionError, TypeError):
                continue
            value = np.asarray(value, dtype=object)
            if value.ndim == 0:
                value = value.reshape(1, 1)
            if value.shape != result.shape:
                continue
            out.append((e, r, [(value[idx], result[idx]) for idx in np.ndindex(*value.shape)]))
    return out


def assert_honest(md, where):
    found = checks(md)
    for e, r, pairs in found:
        for value, cell in pairs:
            if cell.mark:
                assert not agrees(value, cell), f"{where}: marked but the digits give it: {e} → {r}"
            else:
                assert agrees(value, cell), f"{where}: the digits shown give {float(value)!r}: {e} → {r}"
    return found


SHEETS = [(d.name, "matrix", {}) for d in sorted(EXAMPLES.glob("*/")) if (d / "problem.yaml").exists()
          and "graph:" not in (d / "problem.yaml").read_text()]
SHEETS += [(name, detail, over) for name in ("hagan_1_2_1", "mazur_2_2_2", "or_gate", "tanh_rows", "adam_step",
                                              "relu_sigmoid_332", "mfnet_report_000")
           for detail in ("entries", "chain") for over in ({},)]
SHEETS += [(name, detail, over) for name in ("hagan_1_2_1", "or_gate", "mazur_2_2_2")
           for detail in ("matrix", "entries") for over in ({"numbers": "float"}, {"round": 2})]


@pytest.mark.parametrize("name,detail,over", SHEETS, ids=[f"{n}-{d}-{'-'.join(map(str, o.values())) or 'file'}"
                                                           for n, d, o in SHEETS])
def test_every_result_agrees_with_the_digits_shown_or_is_marked(name, detail, over):
    t = tracer.trace_file(str(EXAMPLES / name / "problem.yaml"), **over)
    md = t.render("markdown", detail=detail)
    found = assert_honest(md, f"{name} {detail} {over}")
    assert found, "no line read back"
    if any(c.mark for _, _, pairs in found for _, c in pairs):
        assert "its result is marked ${}^{\\dagger}$" in md       # the header says what † means


def test_hagans_line_is_marked_and_the_committed_sheets_hold():
    md = (EXAMPLES / "hagan_1_2_1" / "worksheet.md").read_text()
    found = assert_honest(md, "hagan worksheet.md")
    line = next((pairs for e, r, pairs in found if "-0.2269" in e and "0.2179" in e), None)
    assert line is not None, "Hagan's Δ¹ line not read back"
    (v1, c1), (v2, c2) = line
    assert c1.value == Fraction("-0.0495") and c1.mark            # −0.2269 · 0.2179 = −0.04944
    assert v1 == Fraction("-0.2269") * Fraction("0.2179")
    assert c2.value == Fraction("0.0997") and not c2.mark         # 0.4287 · 0.2326 = 0.09972
    total = sum(len(p) for d in sorted(EXAMPLES.glob("*/worksheet.md")) for _, _, p in checks(d.read_text()))
    assert total > 300, total                                     # the reader reads most lines


def test_reader_reads_what_the_sheets_write():
    """The reader itself, on lines of known value (so that a bug in it cannot pass silently)."""
    assert evaluate(r"\begin{bmatrix} -0.2269 \\ 0.4287 \end{bmatrix} \odot \begin{bmatrix} 0.2179 \\ 0.2326 \end{bmatrix}"
                    ).tolist() == [[Fraction("-0.04944151")], [Fraction("0.09971562")]]
    assert evaluate(r"\begin{bmatrix} 0.09 & -0.17 \end{bmatrix} \begin{bmatrix} 0.3208 \\ 0.3682 \end{bmatrix} + "
                    r"\begin{bmatrix} 0.48 \end{bmatrix}").tolist() == [[Fraction("0.446278")]]
    assert evaluate(r"\begin{bmatrix} -0.27 \end{bmatrix} - 0.1 \, \begin{bmatrix} -0.0495 \end{bmatrix}"
                    ).tolist() == [[Fraction("-0.26505")]]
    assert evaluate(r"\frac{1}{8}\left[\left(2 - 1\right)^{2} + \left(0 - 1\right)^{2}\right]") == Fraction(1, 4)
    assert evaluate(r"2\left(0.4463 - 1.7071\right)") == Fraction("-2.5216")
    assert evaluate(r"0.3208 \left(1 - 0.3208\right)") == Fraction("0.3208") * Fraction("0.6792")
    c = shown_cell(r"{-0.0495}^{\dagger}")
    assert c.mark and c.value == Fraction("-0.0495") and c.places == 4
    assert agrees(Fraction("-0.26505"), shown_cell("-0.2651"))           # half away from zero
    assert not agrees(Fraction("-0.04944151"), shown_cell("-0.0495"))
    assert split_top(r"a = b \approx {c}^{\dagger}") == ["a", "b", r"{c}^{\dagger}"]
