"""Augmented bias (the mfnet report): W̃'s first row [1, 0…0] carries the constant and is no
parameter (problem-format §4).  Entry by entry, neither its gradient nor its update is
written out, in either layout; it is shown in grey and never boxed on a blank sheet; W̃ keeps
its tilde in every detail, format and the text header."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import tracer
from tracer.problem import load_yaml

ROOT = Path(__file__).resolve().parent.parent
MFNET = ROOT / "worked_examples" / "mfnet_report_000" / "problem.yaml"


def traced(layout):
    d = load_yaml(MFNET.read_text(), "problem.yaml")
    return tracer.trace(tracer.parse_problem({**d, "layout": layout}))


def entry_indices(md, symbol_re):
    """The (row, column) of every entry line of the symbol (1-based, as written)."""
    return {(int(m[1]), int(m[2])) for m in re.finditer(symbol_re + r"_\{(\d)(\d)\}", md)}


@pytest.mark.parametrize("layout", ["columns", "rows"])
def test_constant_row_is_never_updated_entry_by_entry(layout):
    t = traced(layout)
    md = t.render("markdown", detail="entries")
    for l in (1, 2, 3):
        W = np.asarray(t.steps[0].quantities[f"W{l}"].value, dtype=object)
        rows, cols = W.shape
        every = {(i, j) for i in range(1, rows + 1) for j in range(1, cols + 1)}
        trainable = {(i, j) for (i, j) in every if i > 1}
        updated = entry_indices(md, re.escape(r"\left(\tilde{W}_{\mathrm{new}}^{[%d]}\right)" % l))
        grads = entry_indices(md, re.escape(r"\frac{\partial J}{\partial \tilde{W}^{[%d]}" % l))
        assert updated == trainable, (layout, l, sorted(updated))
        assert grads == trainable, (layout, l, sorted(grads))      # the bias column included


def test_blank_sheet_shows_the_constant_row_in_grey_never_boxed():
    t = tracer.trace_file(str(MFNET))
    md = t.render("markdown", blank=True)
    for l, cols in ((1, 3), (2, 4), (3, 3)):
        line = next(x for x in md.splitlines() if x.startswith(r"&= \begin{bmatrix}")
                    and md.splitlines()[md.splitlines().index(x) - 1].startswith(r"\tilde{W}_{\mathrm{new}}^{[%d]}" % l))
        first_row = line[len(r"&= \begin{bmatrix} "):].split(r" \\ ")[0]
        assert first_row == " & ".join([r"{\color{gray}1}"] + [r"{\color{gray}0}"] * (cols - 1)), first_row
        assert r"\boxed" in line.split(r" \\ ", 1)[1]            # the parameters are asked for
    assert r"{\color{gray}1}" in t.render("markdown")                 # the solution greys it too


@pytest.mark.parametrize("detail", ["matrix", "entries", "chain"])
@pytest.mark.parametrize("blank", [False, True])
def test_w_keeps_its_tilde_everywhere(detail, blank):
    t = tracer.trace_file(str(MFNET))
    for fmt in ("markdown", "latex"):
        text = t.render(fmt, detail=detail, blank=blank)
        assert r"\tilde{W}" in text
        assert not re.search(r"(?<![{\\\w])W[\^_]", text), (fmt, detail, blank)
    plain = t.render("text")
    assert "W̃[1]" in plain and not re.search(r"(?<!\w)W\[", plain.replace("W̃[", ""))
