"""Problem sheets for print: the variant's label and a name/ID line on every page, a QR code a
scanner reads back (zxing-cpp on the rendered page, not segno), answer boxes as wide as the
answer written by hand, room to work, and the updated parameters asked once."""
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main
from tracer.render.answer_box import answer_box
from conftest import run

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "examples" / "templates" / "or_gate.yaml"
needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                               reason="pdflatex and poppler-utils are not installed")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@needs_tex
def test_every_page_of_a_sheet_has_its_label_and_a_name_line(tmp_path):
    assert invoke("generate", OR_GATE, "-n", 2, "--seed", 1, "-o", tmp_path, "--format", "pdf").exit_code == 0
    for k in (1, 2):
        pages = page_texts(tmp_path / f"sheet-{k}.pdf")
        assert len(pages) >= 3
        for p in pages:
            head = p.strip().splitlines()[0]
            assert re.search(r"Name:.*ID:.*or_gate\.yaml, seed 1, variant %d$" % k, head), head
    # the solution is what `trace-net problem-K.yaml` writes: no stamp
    assert "Name:" not in "".join(page_texts(tmp_path / "solution-1.pdf"))


@needs_tex
def test_a_graph_templates_sheet_is_stamped_too(tmp_path):
    graph = ROOT / "examples" / "templates" / "graph_neuron.yaml"
    r = invoke("generate", graph, "-n", 2, "--seed", 3, "-o", tmp_path, "--format", "pdf")
    assert r.exit_code == 0, r.output
    for k in (1, 2):
        for p in page_texts(tmp_path / f"sheet-{k}.pdf"):
            head = p.strip().splitlines()[0]
            assert re.search(r"Name:.*ID:.*graph_neuron\.yaml, seed 3, variant %d$" % k, head), head
    assert "Name:" not in "".join(page_texts(tmp_path / "solution-1.pdf"))
    r = invoke("generate", graph, "-n", 1, "--seed", 3, "-o", tmp_path / "md")
    assert r.exit_code == 0, r.output
    head = (tmp_path / "md" / "sheet-1.md").read_text().splitlines()[1]
    assert head.startswith("Name:") and head.endswith(r"graph\_neuron.yaml, seed 3, variant 1"), head


@needs_tex
def test_the_qr_code_reads_back_as_the_command_that_regenerates_the_key(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp", reason="the QR decoder is not installed: pip install zxing-cpp pillow")
    from PIL import Image
    out = tmp_path / "hw"
    assert invoke("generate", OR_GATE, "-n", 3, "--seed", 4, "-o", out, "--format", "pdf", "--qr").exit_code == 0
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(out / "sheet-3.pdf"), str(tmp_path / "p")],
                   check=True)
    (png,) = tmp_path.glob("p*.png")
    codes = zxingcpp.read_barcodes(Image.open(png))
    assert [c.format.name for c in codes] == ["QRCode"]
    digest = hashlib.sha256(OR_GATE.read_bytes()).hexdigest()[:12]
    assert codes[0].text == f"trace-net generate or_gate.yaml --seed 4 --count 3 # variant 3, template sha256 {digest}"
    # and the command it names does give this variant's key
    again = tmp_path / "again"
    assert invoke("generate", OR_GATE, "--seed", "4", "--count", "3", "-o", again).exit_code == 0
    assert (again / "answers-3.yaml").read_text() == (out / "answers-3.yaml").read_text()


def test_box_width_follows_the_handwritten_answer():
    """The printer says how many characters a hand writes for each number (Math.ink: from the
    value, never read back from LaTeX); the box is sized on the widest."""
    from fractions import Fraction
    from tracer.render.printer import Printer
    pr = Printer(run({"data": {"x": [[1]], "y": [[1]]}, "network": [{"linear": {"W": [[1]]}}],
                      "loss": "mse", "optimizer": {"sgd": {"lr": 1}}}))
    assert pr.decimal(Fraction(-123, 10**7)).ink == len("-1.23·10-6")     # −1.23·10⁻⁶
    assert pr.fraction(Fraction(3, 70)).ink == len("3/70")
    assert pr.fraction(Fraction(-3, 70)).ink == len("-3/70")
    assert pr.fraction(Fraction(1, 2)).ink == 3                           # 0.5
    width = lambda ks: float(re.search(r"\\hspace\{([\d.]+)mm\}", answer_box(ks)).group(1))  # noqa: E731
    # 3 significant figures of a 1e-6 value: ten characters, more than 30 mm at 3 mm a character
    assert width([3, 10]) >= 30
    # a short answer still gets room for five characters, so the box says little of the value
    assert width([1]) == width([4]) == width([5]) == width([None]) >= 15
    assert width([1]) < width([10])


TINY = (Path(__file__).resolve().parent / "data" / "tiny_values.yaml").read_text()


def test_a_sheet_sizes_each_matrix_for_its_own_answers(tmp_path):
    src = tmp_path / "tiny.yaml"
    src.write_text(TINY)
    assert invoke("generate", src, "-o", tmp_path / "o", "--format", "latex").exit_code == 0
    sheet = (tmp_path / "o" / "sheet-1.tex").read_text()
    solution = (tmp_path / "o" / "solution-1.tex").read_text()
    # dW1 holds −8.13·10⁻⁷ (solution); its boxes are wider than those of J
    assert r"-8.13 \cdot 10^{-7}" in solution

    def widths(name):
        line = sheet[sheet.index(name):].split("\\eqend")[0]      # the equation's own lines
        return {float(w) for w in re.findall(r"\\hspace\{([\d.]+)mm\}", line)}
    dW1 = widths(r"\frac{\partial J}{\partial W^{[1]}}")
    assert min(dW1) >= 30
    assert max(widths("\\eqstart{J}")) < min(dW1)              # J ≈ 0.4: six characters


def test_room_to_work_and_the_updated_parameters_asked_once(tmp_path):
    assert invoke("generate", OR_GATE, "-o", tmp_path, "--format", "latex").exit_code == 0
    sheet = (tmp_path / "sheet-1.tex").read_text()
    solution = (tmp_path / "solution-1.tex").read_text()
    assert "Updated parameters" in solution and "Updated parameters" not in sheet
    # W1_new is asked in the update, once
    assert sheet.count(r"\eqstart{W_{\mathrm{new}}^{[1]}}") == 1
    assert sheet.count("\\workspace\n") >= 10              # below every computed block
    assert invoke("generate", OR_GATE, "-o", tmp_path / "md").exit_code == 0
    assert "Updated parameters" not in (tmp_path / "md" / "sheet-1.md").read_text()
