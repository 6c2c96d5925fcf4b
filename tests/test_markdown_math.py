"""Every formula of the Markdown the tool writes parses in MathJax 3, which GitHub and
JupyterLab render Markdown math with: worksheets at every detail level, blank sheets, check
reports, symbolic worksheets, and the project's own README and docs.

MathJax runs in Node (tests/mathjax: `npm ci` there; .ci/run does it).  An unknown macro or an
unbalanced brace fails here instead of showing as red text on the reader's page.  The
layout rules GitHub adds to MathJax are checked in Python: `$$` on lines of its own, and no
space just inside an inline `$…$` (GitHub would print it as text)."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import tracer
from tracer.check import check_files
from tracer.check.report import render as render_report

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "tests" / "mathjax"
EXAMPLES = sorted((ROOT / "worked_examples").glob("*/problem.yaml"))

DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


def documents():
    """(name, Markdown) of everything checked."""
    for path in EXAMPLES:
        name = path.parent.name
        t = tracer.trace_file(str(path))
        for detail in ("matrix", "entries", "chain"):
            yield f"{name} --detail {detail}", t.render("markdown", detail=detail)
        yield f"{name} --blank", t.render("markdown", blank=True)
        answers = path.parent / "seed_answers.yaml"
        if answers.exists():
            yield f"check {name}", render_report(check_files(str(path), str(answers)), "markdown")
    # ReLU, sigmoid, tanh and Adam's square roots (the other examples repeat these more slowly;
    # or_gate and softmax_classifier are past the symbolic size limit and refused)
    for name in ("adam_step", "relu_sigmoid_332", "relu_three_iterations", "tanh_rows"):
        t = tracer.trace_file(str(ROOT / "worked_examples" / name / "problem.yaml"),
                              numbers="symbolic", steps=1)
        yield f"{name} --numbers symbolic", t.render("markdown")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
                 *sorted((ROOT / "worked_examples").glob("*/README.md"))]:
        yield str(path.relative_to(ROOT)), path.read_text()


def formulas(name, text):
    """Every formula of a Markdown text, outside code, with where it is."""
    text = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    line = lambda pos: f"{name}:{text.count(chr(10), 0, pos) + 1}"  # noqa: E731
    out = [{"tex": m.group(1), "display": True, "where": line(m.start())} for m in DISPLAY.finditer(text)]
    rest = DISPLAY.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    rest = re.sub(r"`[^`\n]*`", "", rest)
    out += [{"tex": m.group(1), "display": False, "where": line(m.start())} for m in INLINE.finditer(rest)]
    return out


@pytest.fixture(scope="module")
def docs():
    return list(documents())


def test_display_math_sits_on_lines_of_its_own(docs):
    for name, text in docs:
        if name.endswith(".md"):
            continue          # the project's docs quote `$$` in prose and code
        for k, row in enumerate(text.splitlines(), 1):
            assert "$$" not in row or row.strip() == "$$", f"{name}:{k}: {row[:80]}"


def test_inline_math_has_no_space_inside_its_dollars(docs):
    for name, text in docs:
        for f in formulas(name, text):
            if not f["display"]:
                assert f["tex"] == f["tex"].strip(), f["where"]


def test_every_formula_parses_in_mathjax(docs):
    node = shutil.which("node")
    if node is None or not (MATHJAX / "node_modules" / "mathjax-full").is_dir():
        pytest.skip("MathJax is not installed: run `npm ci` in tests/mathjax (.ci/run does)")
    items = [f for name, text in docs for f in formulas(name, text)]
    assert len(items) > 2000          # the worksheets' formulas are all here, not a few
    r = subprocess.run([node, str(MATHJAX / "check.js")], input=json.dumps(items), text=True,
                       capture_output=True, cwd=MATHJAX, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(f"{len(items)} formulas, 0 failed"), r.stdout[-3000:]
