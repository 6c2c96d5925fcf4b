"""A frozen parameter (`freeze`) on the worksheets: the blank sheet asks for no gradient and
no "θ_new = θ" of it, and one sentence says it is frozen; the solution says so too; a later
step's blank "parameters at the start" show a frozen one's (unchanged) values."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import tracer
from conftest import run
from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
MAZUR = ROOT / "worked_examples" / "mazur_2_2_2" / "problem.yaml"
SENTENCE = "The biases of layers 1 and 2 are frozen"

TWO_STEPS = {
    "data": {"x": [[1, 2]], "y": [[1]]},
    "network": [{"linear": {"W": [[0.5, -1], [1, 0.25]], "b": [0.5, 0], "freeze": ["W"]}}, "relu",
                {"linear": {"W": [[1, -1]], "b": [0]}}],
    "loss": "mse", "optimizer": {"sgd": {"lr": 0.1}}, "steps": 2,
}


def test_blank_sheet_asks_nothing_of_a_frozen_bias():
    md = tracer.trace_file(str(MAZUR)).render("markdown", blank=True)
    assert r"W_{\mathrm{new}}^{[1]}" in md and r"W_{\mathrm{new}}^{[2]}" in md      # asked for
    assert r"b_{\mathrm{new}}" not in md                                             # not asked for
    assert r"\partial b^{[" not in md                                                # no gradient box
    assert md.count(SENTENCE) == 1
    assert "no gradient to compute and no update" in md


def test_solution_sheet_says_it_is_frozen_in_one_sentence():
    md = tracer.trace_file(str(MAZUR)).render("markdown")
    assert md.count(SENTENCE) == 1
    assert "their gradient above is not used and there is no update" in md
    # the solution still shows that b stays: b_new = b = [0.35; 0.35]
    assert re.search(r"b_\{\\mathrm\{new\}\}\^\{\[1\]\} &= b\^\{\[1\]\}", md)
    tex = tracer.trace_file(str(MAZUR)).render("latex", blank=True)
    assert tex.count(SENTENCE) == 1 and r"b_{\mathrm{new}}" not in tex


def test_generated_problem_sheet_has_no_box_for_a_frozen_bias(tmp_path):
    r = CliRunner().invoke(main, ["generate", str(MAZUR), "-o", str(tmp_path / "hw")])
    assert r.exit_code == 0, r.output
    sheet = (tmp_path / "hw" / "sheet-1.md").read_text()
    assert r"b_{\mathrm{new}}" not in sheet and r"\partial b^{[" not in sheet
    assert sheet.count(SENTENCE) == 1


def test_frozen_weights_of_a_later_step_are_given_not_boxed():
    t = run(TWO_STEPS)
    md = t.render("markdown", blank=True)
    step1 = md[md.index("## Step 1"):]
    start = step1[:step1.index("### Forward pass")]
    # W^{[1]} is frozen: the same numbers as the file; b^{[1]}, W^{[2]} are to be worked out
    assert re.search(r"W\^\{\[1\]\} &= \\begin\{bmatrix\} 0\.5 & -1 \\\\ 1 & 0\.25 \\end\{bmatrix\}", start)
    assert re.search(r"b\^\{\[1\]\} &= \\begin\{bmatrix\} \\vphantom", start)
    assert "The weights of layer 1 are frozen" in md
    assert r"W_{\mathrm{new}}^{[1]}" not in md and r"\partial W^{[1]}" not in md
