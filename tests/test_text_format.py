"""`--format text` (issue 19.3): the terminal's plain Unicode worksheet.  Every number it
prints is the trace's value (checked against the JSON floats and exact fractions, and the
seed's own numbers), matrices line up, user text cannot steer the terminal, and it is the
default on a terminal only."""
from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import tracer
from tracer.cli import main
from tracer.graph.problem import is_graph
from tracer.problem import load_yaml
from tracer.render.text import Symbols, width

ROOT = Path(__file__).resolve().parent.parent
# networks only: a scalar graph's text (no steps, no matrices) is tested in test_graph_worksheet
EXAMPLES = sorted(p.parent.name for p in (ROOT / "worked_examples").glob("*/problem.yaml")
                  if not is_graph(load_yaml(p.read_text(), str(p))))
OR_GATE = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def text_of(path, **over):
    return tracer.trace_file(str(path), **over).render("text")


def block(text: str, symbol: str, step: int = 0) -> tuple[str, list[list[str]]]:
    """(the factor in front, the cells) of the quantity written `symbol` in step `step`."""
    part = text.split(f"\nStep {step}")[1].split("\nStep ")[0]
    lines = part.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if re.match(rf"\s*{re.escape(symbol)} [=≈]", line) or line.startswith(f"  {symbol} = ")
                 or line.strip() == symbol)
    while "⎡" not in lines[start] and ("⎢" in lines[start] or "⎣" in lines[start]):
        start -= 1                     # the name stands on the middle row: the matrix began above
    rows, factor = [], ""
    for line in lines[start:start + 40]:
        line = re.sub(r"\s+\((\d+×\d+|scalar)\)$", "", line)
        m = re.search(r"(?:^\s*|[=≈] )(1/\d+ · )?([⎡⎢⎣\[])(.*)[⎤⎥⎦\]]$", line)
        if m:
            factor = m.group(1) or factor
            rows.append(m.group(3).split())
            if m.group(2) in "⎣[":
                return factor.strip(), rows
        elif rows:
            break
        elif re.fullmatch(r"\s+[=≈] \S+", line):      # a scalar, below its formula
            return "", [[line.split()[-1]]]
    raise AssertionError(f"{symbol}: no matrix found")


def value(cell: str) -> tuple[float, float]:
    """A printed cell as (value, the half unit of its last digit)."""
    cell = cell.replace("−", "-")
    if "/" in cell or not re.search(r"[.·]", cell):       # a fraction, an integer: exact
        return float(Fraction(cell)), 0.0
    mant, _, exp = cell.partition("·10")
    e = int(exp.translate(SUP)) if exp else 0
    decimals = len(mant.partition(".")[2])
    return float(mant) * 10.0 ** e, 0.5 * 10.0 ** (e - decimals)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_number_is_the_traces_value(name):
    """Every entry of every quantity, parsed back from the text, equals the trace's float
    within the last digit shown (an exact fraction exactly)."""
    t = tracer.trace_file(str(ROOT / "worked_examples" / name / "problem.yaml"))
    text, sym, d = t.render("text", max_entries=0), Symbols(t.problem), json.loads(t.to_json())
    for st, st_json in zip(t.steps, d["steps"]):
        for q in st.shown():
            if st.index > 0 and q.kind in ("data", "param"):
                continue
            factor, rows = block(text, sym(q.name), st.index)
            scale = float(Fraction(factor.split()[0])) if factor else 1.0
            want = np.asarray(st_json["values"][q.name]["float"], dtype=float)
            if want.ndim == 1:
                want = want[:, None] if t.problem.layout == "columns" else want[None, :]
            want = want.reshape(len(rows), -1)
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    v, half = value(cell)
                    assert abs(v * scale - want[i, j]) <= half * scale + 1e-12 * abs(want[i, j]), \
                        (name, st.index, q.name, i, j, cell, want[i, j])


def test_the_seeds_numbers():
    """Seed 002's forward pass: Z1 as the seed has it, A1 = σ(Z1) to four decimals (from
    math.exp), J ≈ 0.0903."""
    text = text_of(OR_GATE)
    assert block(text, "Z[1]")[1] == [["0.3", "0.7", "0.5", "0.9"], ["0.5", "1", "0.8", "1.3"]]
    z = [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]
    assert block(text, "A[1]")[1] == [[f"{1 / (1 + math.exp(-v)):.4f}" for v in row] for row in z]
    assert "    ≈ 0.0903" in text
    assert "       = ⎡0.3  0.7  0.5  0.9⎤" in text and "       ≈ ⎡0.5744  0.6682  0.6225  0.7109⎤" in text
    assert "  Z[1] = W[1] A[0] + b[1]" in text and "  Δ[2] = ∂J/∂A[2] ⊙ A[2] ⊙ (1 − A[2])" in text


def test_a_shared_denominator_is_factored_out():
    """Adam's ∂J/∂W[1] = 1/32 · [26 −78; −13 39] (0.8125 = 26/32), as the worksheet writes it."""
    text = text_of(ROOT / "worked_examples" / "adam_step" / "problem.yaml")
    assert block(text, "∂J/∂W[1]") == ("1/32 ·", [["26", "−78"], ["−13", "39"]])


def test_matrix_rows_line_up():
    for name in EXAMPLES:
        text = text_of(ROOT / "worked_examples" / name / "problem.yaml")
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if "⎡" in line:
                j = i
                while "⎦" not in lines[j]:
                    j += 1
                ends = {width(lines[k][:lines[k].index(c)]) for k in range(i, j + 1)
                        for c in "⎤⎥⎦" if c in lines[k]}
                assert len(ends) == 1, (name, lines[i:j + 1])


def test_terminal_escapes_in_user_text_are_shown_not_obeyed(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR_GATE.read_text().replace("title: OR gate, one hidden layer (seed 002)",
                                             'title: "clear \\e[2J\\u202eevil"')
                 + "notation: {names: [\"h\\e[31m\", out]}\n")
    text = text_of(p)
    assert "\x1b" not in text and "\u202e" not in text
    assert text.startswith("clear \\x1b[2J\\u202eevil")
    assert "Z(h\\x1b[31m)" in text


def test_blank_sheet_shows_givens_and_boxes():
    text = tracer.trace_file(str(OR_GATE)).render("text", blank=True)
    assert block(text, "W[1]")[1] == [["0.2", "0.4"], ["0.3", "0.5"]]
    assert block(text, "Z[1]")[1] == [["____"] * 4] * 2
    assert "0.5744" not in text and "≈" not in text.split("Given")[1]


def test_hand_rounding_and_elision():
    text = text_of(OR_GATE, round=3)
    assert block(text, "A[1]")[1][0] == ["0.574", "0.668", "0.622", "0.711"]
    assert "hand mode, every quantity rounded to 3 decimals" in text
    t = tracer.trace_file(str(OR_GATE))
    cut = t.render("text", max_entries=4)
    assert "⋯" in cut


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="trace-net")


def test_text_is_the_default_on_a_terminal_only(monkeypatch, tmp_path):
    monkeypatch.setattr("tracer.cli._stdout_is_terminal", lambda: True)
    r = invoke(OR_GATE)
    assert r.exit_code == 0 and r.output == text_of(OR_GATE)
    r = invoke(OR_GATE, "--detail", "entries")              # a worksheet detail: Markdown
    assert r.exit_code == 0 and r.output.startswith("# OR gate")
    out = tmp_path / "sheet.md"
    assert invoke(OR_GATE, "-o", out).exit_code == 0 and out.read_text().startswith("# OR gate")
    monkeypatch.setattr("tracer.cli._stdout_is_terminal", lambda: False)
    assert invoke(OR_GATE).output.startswith("# OR gate")    # a pipe gets the contract's Markdown
    assert invoke(OR_GATE, "-f", "text").output == text_of(OR_GATE)


def test_text_with_a_worksheet_detail_is_refused():
    r = invoke(OR_GATE, "-f", "text", "--detail", "chain")
    assert r.exit_code == 2 and "--detail chain is for the worksheets" in r.output


def test_the_readme_shows_real_text_output():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = re.search(r"```text\n(.*?)\n```", readme, re.S).group(1)
    text = text_of(OR_GATE)
    for part in excerpt.split("\n…\n"):
        assert part.strip("…\n") in text, part
