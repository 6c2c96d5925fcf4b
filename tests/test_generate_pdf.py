"""PDFs of `trace-net generate`: one pdflatex pass is enough, batched-and-split sheets are the
very pages each sheet gives alone, the same seed gives the same bytes, and a failing pdflatex
gets one line with its log kept.

The reference for "the same pages" is pdflatex run by this file on each sheet's own LaTeX
(as a user would), compared page by page as pdftoppm renders them."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main
from tracer.generate import generate, load_template
from tracer.generate.folder import Run, write_run
from tracer.generate.pdfs import compile_batch
from tracer.render.pdf import PdfError, document_id, reproducible, to_pdf

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "examples" / "templates"

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftoppm") is None,
                                reason="pdflatex and pdftoppm are not installed (apt-get install "
                                       "texlive-latex-base texlive-latex-recommended texlive-latex-extra poppler-utils)")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def pdflatex(tex: str, folder: Path, passes: int = 1) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "w.tex").write_text(tex, encoding="utf-8")
    for _ in range(passes):
        subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "w.tex"],
                       cwd=folder, capture_output=True, check=True, timeout=300)
    return (folder / "w.pdf").read_bytes()


def pages(pdf: bytes, folder: Path) -> list[bytes]:
    """Every page as pdftoppm renders it (greyscale, 40 dpi)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "d.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "d.pdf", "p"], cwd=folder, check=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.pgm"))]


def sources(template, count, seed):
    vs = generate(load_template(str(TEMPLATES / template)), count, seed)
    return [(f"{kind}-{v.k}.pdf", v.trace.render("latex", blank=(kind == "sheet")))
            for v in vs for kind in ("sheet", "solution")]


def test_one_pass_gives_the_same_bytes_as_two(tmp_path):
    # the worksheets have no cross-references: a second pdflatex pass changes nothing
    for name, tex in sources("softmax_classes.yaml", 1, 3):
        tex = reproducible(tex)
        assert pdflatex(tex, tmp_path / name / "1") == pdflatex(tex, tmp_path / name / "2", passes=2)


@pytest.mark.parametrize("template,count,seed", [("or_gate.yaml", 3, 1), ("softmax_classes.yaml", 2, 4)])
def test_batched_sheets_are_the_pages_each_gives_alone(template, count, seed, tmp_path):
    docs = sources(template, count, seed)
    for group in ("sheet", "solution"):
        mine = [(k, d) for k, d in docs if k.startswith(group + "-")]
        batch = compile_batch(group, 0, [k for k, _ in mine], [d for _, d in mine])
        assert batch.whole is not None            # compiled as one document, not one by one
        for (key, tex), part in zip(mine, batch.parts):
            alone = pages(pdflatex(tex, tmp_path / key), tmp_path / key / "alone")
            split = pages(part, tmp_path / key / "split")
            assert len(split) == len(alone) > 1, key
            assert split == alone, key


def test_same_seed_same_bytes(tmp_path):
    args = ["generate", TEMPLATES / "or_gate.yaml", "-n", 2, "--seed", 5, "--format", "pdf", "--combined"]
    assert invoke(*args, "-o", tmp_path / "a").exit_code == 0
    assert invoke(*args, "-o", tmp_path / "b").exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").glob("*.pdf"))
    assert names == ["sheet-1.pdf", "sheet-2.pdf", "sheets.pdf", "solution-1.pdf", "solution-2.pdf", "solutions.pdf"]
    for n in names:
        a = (tmp_path / "a" / n).read_bytes()
        assert a == (tmp_path / "b" / n).read_bytes(), n
        assert b"/CreationDate" not in a and b"/ModDate" not in a
    other = tmp_path / "c"
    assert invoke(*args[:-3], "--seed", 6, "--format", "pdf", "-o", other).exit_code == 0
    assert (other / "sheet-1.pdf").read_bytes() != (tmp_path / "a" / "sheet-1.pdf").read_bytes()


def test_a_split_sheet_has_the_id_it_has_alone():
    from pypdf import PdfReader
    import io
    (key, tex), (key2, tex2) = sources("or_gate.yaml", 1, 2)
    batch = compile_batch("x", 0, [key, key2], [tex, tex2])
    alone = PdfReader(io.BytesIO(to_pdf(tex)))
    split = PdfReader(io.BytesIO(batch.parts[0]))
    ids = [r.trailer["/ID"][0].original_bytes for r in (alone, split)]
    assert ids[0] == ids[1] == document_id(tex)
    assert document_id(tex) != document_id(tex2)


BROKEN = "\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro\n\\end{document}\n"


def test_pdflatex_failure_is_one_line_with_the_log_kept():
    with pytest.raises(PdfError) as e:
        to_pdf(BROKEN)
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 300
    m = re.fullmatch(r"pdflatex failed: Undefined control sequence\. \(line 4\); its log is in (\S+\.log)", msg)
    assert m, msg
    log = Path(m.group(1))
    assert "\\undefinedmacro" in log.read_text()
    log.unlink()


def test_a_failing_sheet_in_a_batch_is_the_one_named():
    (key, tex), _ = sources("or_gate.yaml", 1, 2)
    with pytest.raises(PdfError) as e:
        compile_batch("x", 0, [key, "sheet-9.pdf"], [tex, BROKEN])
    assert str(e.value).startswith("sheet-9.pdf: pdflatex failed: Undefined control sequence")
    Path(str(e.value).rsplit(" ", 1)[1]).unlink()


def test_a_sheet_that_fails_names_its_variant_and_the_line_of_its_latex(tmp_path, monkeypatch):
    import tracer.generate.folder as folder
    real = folder._texts

    def broken_second(run, v):
        problem, key, sheet, solution = real(run, v)
        if v.k == 2:
            sheet = sheet.replace("\\sectionstart{The problem}", "\\undefinedmacro\n\\sectionstart{The problem}", 1)
        return problem, key, sheet, solution

    monkeypatch.setattr(folder, "_texts", broken_second)
    r = invoke("generate", TEMPLATES / "or_gate.yaml", "-n", 3, "--seed", 1, "-o", tmp_path / "o", "--format", "pdf")
    assert r.exit_code == 1 and "Traceback" not in r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    m = re.fullmatch(r"Error: or_gate\.yaml, seed 1, variant 2, sheet-2\.pdf: pdflatex failed: "
                     r"Undefined control sequence\. \(line (\d+)\); its log is in (\S+\.log)", lines[0])
    assert m, lines[0]
    # the line is the one of the sheet's own LaTeX (what --format latex writes), not of the batch
    tex = broken_second(Run(load_template(str(TEMPLATES / "or_gate.yaml")), "or_gate.yaml", 3, 1, "pdf"),
                        generate(load_template(str(TEMPLATES / "or_gate.yaml")), 2, 1)[1])[2]
    assert tex.splitlines()[int(m.group(1)) - 1] == "\\undefinedmacro"
    Path(m.group(2)).unlink()


def test_files_are_written_as_they_are_done(tmp_path, monkeypatch):
    # variant 1's PDFs are on disk before variant 5 is drawn: the run streams, batch by batch
    events = []
    tpl = load_template(str(TEMPLATES / "or_gate.yaml"))

    def write(content, path):
        events.append(("write", Path(path).name))
        Path(path).write_bytes(content if isinstance(content, bytes) else content.encode())

    monkeypatch.setattr("tracer.generate.pdfs.BATCH", 2)
    files, draws = write_run(Run(tpl, "or_gate.yaml", 6, 1, "pdf"), str(tmp_path / "o"), write,
                             progress=lambda: events.append(("done", None)))
    names = [e[1] for e in events if e[0] == "write" and e[1] != ".trace-net-generate"]
    assert files == 24 and draws == 6 and sorted(set(names)) == sorted(names)
    assert names.index("sheet-1.pdf") < names.index("problem-6.yaml")
    assert sum(1 for e in events if e[0] == "done") == 6
