"""A graph's worksheet: the circuit (SVG in Markdown, TikZ in LaTeX) labelled with the traced
values and gradients, the forward table, the backward table in visit order with the branch
sums written out, the three detail levels, the blank sheet; and the worked examples' numbers
against their published values."""
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tracer
from tracer import parse_problem, trace

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "worked_examples"
SVG_NS = "{http://www.w3.org/2000/svg}"


def example(name, **over):
    return tracer.trace_file(EXAMPLES / name / "problem.yaml", **over)


def svg_of(md: str):
    m = re.search(r"<svg.*?</svg>", md, re.S)
    assert m, "no SVG in the Markdown"
    assert "\n\n" not in m.group(0), "a blank line would end Markdown's HTML block"
    return ET.fromstring(m.group(0))


def texts(svg, colour):
    return [t.text for t in svg.iter(SVG_NS + "text") if t.get("fill") == colour]


def test_published_values_of_the_worked_examples():
    t = example("graph_cs231n")
    assert [t.entry(t[n])[0] for n in ("q", "f", "dx", "dy", "dz")] == [3, -12, -4, -4, 3]
    t = example("graph_sigmoid_neuron")
    assert [round(t.entry(t[n])[1], 2) for n in ("dx0", "dx1")] == [0.39, -0.59]
    assert [round(t.entry(t[n])[1], 2) for n in ("dw0", "dw1", "dw2")] == [-0.20, -0.39, 0.20]
    t = example("graph_residual")          # worked by hand in its README
    assert [t.entry(t[n])[0] for n in ("f", "dh", "du", "dw1", "dx", "dw2", "dt")] == [
        2.25, 1.5, 1.5, 3, 0.75, -3, 3]


def test_the_circuit_carries_values_above_and_gradients_below():
    md = example("graph_cs231n").render("markdown")
    svg = svg_of(md)
    # wires x→q, y→q, q→f, z→f and the output's: values −2, 5, 3, −4, −12 (green) and the
    # gradients flowing back −4, −4, −4, 3, 1 (red), with typographic minus signs
    assert sorted(texts(svg, "#1a7f37")) == sorted(["−2", "5", "3", "−4", "−12"])
    assert sorted(texts(svg, "#b3261e")) == sorted(["−4", "−4", "−4", "3", "1"])
    gates = [t.text for t in svg.iter(SVG_NS + "text") if t.text in ("+", "×")]
    assert sorted(gates) == ["+", "×"]


def test_a_fanout_wire_shows_its_branch_and_the_table_its_sum():
    md = example("graph_residual").render("markdown")
    red = texts(svg_of(md), "#b3261e")
    assert "4.5" in red and "−3" in red            # h's two branches, each on its own wire
    assert r"= 4.5 + \left(-3\right) = 1.5" in md   # and their sum, written out
    assert r"\text{ (branch via } g\text{)}" in md and r"\text{ (branch via } y\text{)}" in md


def test_forward_and_backward_tables_in_visit_order():
    md = example("graph_sigmoid_neuron").render("markdown")
    forward = md[md.index("## Forward pass"):md.index("## Backward pass")]
    assert r"| $c$ | $a + b + w_{2}$ | $1$ |" in forward
    assert r"| $f$ | $\sigma\left(c\right)$ | $\approx 0.7311$ |" in forward
    backward = md[md.index("## Backward pass"):md.index("## Gradients")]
    rows = [r for r in backward.splitlines() if r.startswith("| ") and r[2:3].isdigit()]
    assert [r.split("|")[1].strip() for r in rows] == ["1", "2", "3", "4"]     # f, c, b, a
    assert r"$\frac{\partial f}{\partial c} = f \cdot \left(1 - f\right) \approx 0.1966$" in backward
    assert r"$0.1966 \cdot \left(-3\right) \approx -0.5898$ | $\frac{\partial f}{\partial x_{1}}$" in backward


def test_entries_detail_substitutes_and_chain_detail_sums_paths():
    t = example("graph_residual")
    matrix, entries, chain = (t.render("markdown", detail=d) for d in ("matrix", "entries", "chain"))
    assert r"1 + \left(-1.5\right) = -0.5" in entries and r"1 + \left(-1.5\right)" not in matrix
    assert r"2 \cdot e = 2 \cdot \left(-1.5\right) = -3" in entries
    assert "path by path" in chain and "path by path" not in entries
    assert (r"= \left(-3\right) \cdot 1 \cdot 1 \cdot \left(-1.5\right) \cdot 1 \cdot 2 + "
            r"\left(-3\right) \cdot 1 \cdot 1 \cdot 1 \cdot 2 = 3") in chain


def test_blank_sheet_gives_the_inputs_and_hides_every_result():
    t = example("graph_sigmoid_neuron")
    md = t.render("markdown", blank=True)
    assert "problem sheet" in md
    for hidden in ("0.7311", "0.1966", "0.3932", "0.5898"):
        assert hidden not in md
    svg = svg_of(md)
    assert sorted(texts(svg, "#1a7f37")) == sorted(["2", "−1", "−3", "−2", "−3"])   # the inputs only
    assert texts(svg, "#b3261e") == []
    assert r"\boxed" in md and r"\Bigg|" not in md          # no '|' inside a table cell


def test_no_pipe_inside_a_markdown_table_cell():
    t = trace(parse_problem({"graph": {"inputs": {"x": -1, "y": 2},
                                       "nodes": {"a": "abs(x)", "f": "max(a, y) * a"}}}))
    for blank in (False, True):
        for row in t.render("markdown", detail="entries", blank=blank).splitlines():
            if row.startswith("| $"):
                cells = row.strip("|").split("|")
                assert all(c.count("$") % 2 == 0 for c in cells), row


def test_user_text_is_escaped():
    d = {"title": "<script>alert(1)</script> $x$ & 50% #1", "graph": {"inputs": {"x": 1}, "nodes": {"f": "x"}}}
    t = trace(parse_problem(d))
    md, tex = t.render("markdown"), t.render("latex")
    assert "<script>" not in md and r"\<script\>" in md
    assert r"\$x\$ \& 50\% \#1" in tex


@pytest.mark.parametrize("over", [{"numbers": "float"}, {"numbers": "symbolic"}, {"round": 2}])
def test_every_number_mode_renders(over):
    t = example("graph_sigmoid_neuron", **over)
    md = t.render("markdown", detail="entries")
    svg_of(md)
    if over.get("numbers") == "symbolic":
        assert r"\frac{1}{e^{- w_{0} x_{0} - w_{1} x_{1} - w_{2}} + 1}" in md
    if "round" in over:
        assert r"\approx 0.73" in md and "Hand rounding" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (.ci/run installs TeX Live)")
@pytest.mark.parametrize("opts", [{}, {"detail": "chain"}, {"blank": True}])
def test_latex_compiles_with_the_tikz_circuit(opts, tmp_path):
    from tracer.render.pdf import to_pdf
    t = example("graph_residual")
    tex = t.render("latex", **opts)
    assert r"\begin{tikzpicture}" in tex and r"\node[gate, minimum size=" in tex
    assert tex.count(r"\draw[wire") == 11           # 10 operands' wires and the output's
    assert to_pdf(tex)[:5] == b"%PDF-"


def test_text_for_a_terminal():
    t = example("graph_residual")
    out = t.render("text")
    assert "  h = ReLU(u) = 1" in out and "  f = e² = 2.25" in out
    assert "∂g/∂h = w2 = −1.5;   ∂f/∂h (branch via g): (−3) · (−1.5) = 4.5" in out
    assert "Σ ∂f/∂h = 4.5 + (−3) = 1.5" in out and "  ∂f/∂x = 0.75" in out
    blank = t.render("text", blank=True)
    assert "4.5" not in blank and "____" in blank and "x = 2, w1 = 0.5" in blank
    neuron = example("graph_sigmoid_neuron").render("text")
    assert "∂f/∂c = f·(1 − f) ≈ 0.1966;   ∂f/∂c: 1 · 0.1966 ≈ 0.1966" in neuron
    evil = trace(parse_problem({"title": "a\x1b[2Jb", "graph": {"inputs": {"x": 1}, "nodes": {"f": "x"}}}))
    assert "\x1b" not in evil.render("text")


def test_the_command_writes_text_to_a_terminal_file(tmp_path):
    from click.testing import CliRunner
    from tracer.cli import main
    out = tmp_path / "sheet.txt"
    r = CliRunner().invoke(main, [str(EXAMPLES / "graph_cs231n" / "problem.yaml"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "∂f/∂x = −4" in out.read_text()


def test_a_markdown_file_links_its_circuit_and_a_blank_one_gives_nothing_away(tmp_path):
    from click.testing import CliRunner
    from tracer.cli import main
    problem = str(EXAMPLES / "graph_sigmoid_neuron" / "problem.yaml")
    for blank in (False, True):
        out = tmp_path / ("blank.md" if blank else "sheet.md")
        r = CliRunner().invoke(main, [problem, "-o", str(out)] + (["--blank"] if blank else []))
        assert r.exit_code == 0, r.output
        md = out.read_text()
        figure = out.with_name(out.stem + "-network.svg")
        assert f"]({figure.name})" in md and "<svg" not in md
        svg = ET.fromstring(figure.read_text())
        assert ("−0.5898" in texts(svg, "#b3261e")) is not blank
        assert ("0.7311" in texts(svg, "#1a7f37")) is not blank


def test_the_python_api_and_notebook_reprs():
    t = example("graph_residual")
    assert t.render("md") == t.render("markdown") and t._repr_markdown_() == t.render("markdown")
    assert "a graph of 30 quantities" in t._repr_html_() and t._repr_latex_() is None
    with pytest.raises(ValueError):
        t.render("pdf")
    with pytest.raises(ValueError):
        t.part(0)
