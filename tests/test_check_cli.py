"""`trace-net check` through click's CliRunner: formats, exit status, bad input, escaping."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main

DATA = Path(__file__).parent / "data" / "check"
OR = DATA / "seed002_problem.yaml"
SEED = DATA / "seed002_answers.yaml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(tmp_path, text, name="answers.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_markdown_report_on_seed_002():
    r = invoke("check", OR, SEED)
    assert r.exit_code == 1, r.output
    out = r.output
    assert out.startswith("# Check: OR gate")
    assert "**Score: 14 of 17** (82 %): 13 correct, 1 carried forward, 3 wrong." in out
    assert "**First error: dA2**" in out
    assert "**wrong (first error)**" in out and out.count("first error)") == 1
    assert "max(0.01·\\|true\\|, 0.0001)" in out                  # the rule, escaped for Markdown
    # the student's numbers keep their own text; the expected ones come from the Printer
    assert r"\begin{bmatrix} 0.574 & 0.668 & 0.622 & 0.711 \\ 0.622 & 0.731 & 0.690 & 0.786 \end{bmatrix}" in out
    assert r"\begin{bmatrix} 0.1877 & -0.0576 & -0.0595 & -0.0554 \end{bmatrix}" in out


def test_json_report():
    r = invoke("check", OR, SEED, "--format", "json")
    assert r.exit_code == 1
    d = json.loads(r.output)
    first = [x for x in d["results"] if x["first_error"]]
    assert [x["name"] for x in first] == ["dA2"]
    dz2 = next(x for x in d["results"] if x["name"] == "dZ2")
    assert dz2["status"] == "carried" and dz2["diagnosis"] is None
    assert dz2["given"] == [[0.14, -0.041, -0.043, -0.038]]
    assert abs(dz2["expected"][0][0] - 0.035115) < 1e-5
    assert abs(dz2["from_your_answers"][0][0] - 0.752 * 0.752 * 0.248) < 1e-12
    assert set(d["results"][0]) >= {"step", "name", "status", "given", "expected", "diagnosis"}
    s = d["summary"]
    assert (s["given"], s["correct"], s["carried"], s["wrong"]) == (17, 13, 1, 3)
    assert s["first_error"] == {"step": 0, "name": "dA2"}
    assert s["tolerance"] == {"rtol": 0.01, "atol": 0.0001}


def test_exit_zero_when_all_correct(tmp_path):
    a = write(tmp_path, "Z1: [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]\nJ: 0.0903\n")
    r = invoke("check", OR, a)
    assert r.exit_code == 0, r.output
    assert "No errors." in r.output


@pytest.mark.parametrize("text, message", [
    ("Z7: [1]\n", "Z7: no quantity of that name"),
    ("dw1: [[0, 0], [0, 0]]\n", "dw1: no quantity of that name (did you mean 'dW1'?)"),
    ("Z1: [[1, 2], [3, 4]]\n", "Z1: 2×2, but Z1 is 2×4"),
    ("b1: [1, 2, 3]\n", "b1: 3, but b1 is 2"),
    ("Z1: [[1, 2], [3]]\n", "Z1: rows of different lengths"),
    ("J: abc\n", "J: expected a number"),
    ("J: [\n", "invalid YAML"),
    ("- 1\n", "an answers file is a mapping"),
    ("steps: [{J: 1}]\nZ1: 1\n", "with 'steps:' every answer goes inside"),
    ("tolerance: {rtl: 0.1}\nJ: 1\n", "tolerance.rtl: unknown setting (did you mean 'rtol'?)"),
    ("tolerance: {sigfigs: 0}\nJ: 1\n", "tolerance.sigfigs"),
    ("tolerance: {atol: -1}\nJ: 1\n", "tolerance.atol"),
])
def test_bad_answers(tmp_path, text, message):
    r = invoke("check", OR, write(tmp_path, text))
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_every_unknown_name_is_named(tmp_path):
    r = invoke("check", OR, write(tmp_path, "Z7: 1\nQ: 2\nZ1: 1\n"))
    assert r.exit_code == 2
    assert "Z7" in r.output and "Q:" in r.output and "Z1: a single number, but Z1 is 2×4" in r.output


def test_bad_flags_and_files(tmp_path):
    assert invoke("check", OR, tmp_path / "none.yaml").exit_code == 2
    r = invoke("check", OR, SEED, "--rtol", "abc")
    assert r.exit_code == 2 and "--rtol" in r.output
    assert invoke("check", OR, SEED, "--sigfigs", "0").exit_code == 2


def test_steps_beyond_the_problem_are_traced(tmp_path):
    """The OR-gate problem has one step; answers for two are graded on a two-step trace."""
    a = write(tmp_path, "steps:\n  - {J: 0.0903}\n  - {W1: [[0.2009, 0.4008], [0.3012, 0.5011]]}\n")
    r = invoke("check", OR, a, "--format", "json")
    assert r.exit_code == 0, r.output
    assert [x["step"] for x in json.loads(r.output)["results"]] == [0, 1]


def test_output_file(tmp_path):
    out = tmp_path / "report.md"
    r = invoke("check", OR, SEED, "-o", out)
    assert r.exit_code == 1 and r.output == ""
    assert out.read_text().startswith("# Check:")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_latex_report_compiles_with_hostile_title(tmp_path):
    prob = tmp_path / "p.yaml"
    prob.write_text(OR.read_text().replace("title: OR gate, one hidden layer (seed 002)",
                                           "title: 'OR_gate & 100% $x^2$ #1 {x} \\\\end'"))
    r = invoke("check", prob, SEED, "--format", "latex", "-o", tmp_path / "r.tex")
    assert r.exit_code == 1, r.output
    tex = (tmp_path / "r.tex").read_text()
    assert r"OR\_gate \& 100\% \$x\textasciicircum{}2\$ \#1 \{x\} \textbackslash{}\textbackslash{}end" in tex
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def test_every_offending_place_in_one_message(tmp_path):
    """An unknown name, a wrong shape, a non-number (two entries), a ragged matrix and an unknown
    tolerance setting: all named in the one line, in the file's order."""
    a = write(tmp_path, "tolerance: {rtl: 0.1}\nZ7: 1\nZ1: [[1, 2], [3, 4]]\n"
                        "A1: [[0.5, abc, 0.6, 0.7], [0.6, 0.7, xyz, 0.8]]\nA2: [[1, 2], [3]]\nJ: 0.09\n")
    r = invoke("check", OR, a)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    for part in ("tolerance.rtl: unknown setting", "Z7: no quantity of that name", "Z1: 2×2, but Z1 is 2×4",
                 "A1[0][1]: expected a number", "A1[1][2]: expected a number", "A2: rows of different lengths"):
        assert part in r.output, part
    assert r.output.index("Z7") < r.output.index("Z1:") < r.output.index("A1[0][1]") < r.output.index("A2:")


def test_many_offending_places_are_all_named(tmp_path):
    a = write(tmp_path, "".join(f"Q{i}: 1\n" for i in range(30)))
    r = invoke("check", OR, a)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert all(f"Q{i}" in r.output for i in range(30)) and "and 18 more at Q12, Q13" in r.output


@pytest.mark.parametrize("text", ["b1: [[0.29964], [0.49930]]\n", "b1: [[0.29964, 0.49930]]\n"])
def test_a_bias_vector_as_a_column_or_a_row(tmp_path, text):
    """b1_next is a vector (shape [2], numpy: b1 − 0.5·db1 = [0.299637, 0.499303]); a student writes
    it as a 2×1 column or a 1×2 row."""
    g = json.loads(invoke("check", OR, write(tmp_path, text.replace("b1", "b1_next")), "--format", "json").output)
    assert g["results"][0]["status"] == "correct"
    assert g["results"][0]["given"] == [0.29964, 0.4993]
    r = invoke("check", OR, write(tmp_path, "b1: [[0.3, 0.5], [0.1, 0.2]]\n"))
    assert r.exit_code == 2 and "b1: 2×2, but b1 is 2" in r.output


@pytest.mark.parametrize("args", [["--atol", "1e999"], ["--rtol", "1e400"]])
def test_tolerance_beyond_float_range_is_refused(tmp_path, args):
    r = invoke("check", OR, write(tmp_path, "J: 0.09\n"), *args, "--format", "json")
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert f"{args[0]}: '{args[1]}' is out of range" in r.output and "Traceback" not in r.output


def test_tolerance_beyond_float_range_in_the_file(tmp_path):
    r = invoke("check", OR, write(tmp_path, "tolerance: {atol: 1e999}\nJ: 0.09\n"))
    assert r.exit_code == 2 and "out of range" in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["json", "markdown", "latex"])
def test_an_answer_beyond_float_range(tmp_path, fmt):
    r = invoke("check", OR, write(tmp_path, 'J: "1e400"\nZ1: [["1e400", 1, 1, 1], [1, 1, 1, 1]]\n'), "--format", fmt)
    assert r.exit_code == 2, r.output
    assert "J: '1e400' is out of range" in r.output and "Z1[0][0]: '1e400' is out of range" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_negative_second_moment_in_float_adam(tmp_path):
    """Float-mode Adam: a student's v̂ < 0 makes √v̂ a NaN in their world; the answers that rest
    on it are graded (no NaN compared, none printed), the report is valid JSON."""
    prob = tmp_path / "adam.yaml"
    src = (Path(__file__).resolve().parent.parent / "worked_examples" / "adam_step" / "problem.yaml").read_text()
    prob.write_text(src.replace("layout: rows", "layout: rows\nnumbers: float"))
    a = write(tmp_path, "vW1_hat: [[-0.5, 0.1], [0.1, 0.1]]\nuW1: [[0.1, 0.1], [0.1, 0.1]]\n"
                        "W1_next: [[0.4, -0.35], [0.15, 0.65]]\nvb2_hat: [-0.5]\nub2: [0.1]\n")
    for fmt in ("json", "markdown"):
        r = invoke("check", prob, a, "--format", fmt)
        assert r.exit_code == 1, r.output
        assert "nan" not in r.output.lower() and "inf" not in r.output.lower().replace("info", "")
    d = json.loads(invoke("check", prob, a, "--format", "json").output)
    s = {x["name"]: x for x in d["results"]}
    assert s["vW1_hat"]["status"] == "wrong" and s["uW1"]["status"] == "wrong"
    assert s["ub2"]["diagnosis"].startswith("your earlier answers give no value here")


# -- the report --------------------------------------------------------------------------------------
EXAMPLES = Path(__file__).resolve().parent.parent / "worked_examples"
needs_pdf = pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")),
                               reason="needs pdflatex and poppler-utils")


@needs_pdf
@pytest.mark.parametrize("example", ["or_gate", "mfnet_report_001"])
def test_latex_report_stays_within_the_margin(tmp_path, example):
    """Seed 002's dZ1 (given and expected side by side) ran 23 pt past the margin."""
    d = EXAMPLES / example
    r = invoke("check", d / "problem.yaml", d / "seed_answers.yaml", "--format", "latex", "-o", tmp_path / "r.tex")
    assert r.exit_code == 1, r.output
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Overfull \\hbox" not in (tmp_path / "r.log").read_text(errors="replace")


@needs_pdf
def test_pdf_report(tmp_path):
    out = tmp_path / "report.pdf"
    r = invoke("check", OR, SEED, "--format", "pdf", "-o", out)
    assert r.exit_code == 1 and r.output == "", r.output
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "Check: OR gate" in text and "Score: 14 of 17" in text and "first error" in text


def test_pdf_report_needs_an_output_file():
    r = invoke("check", OR, SEED, "--format", "pdf")
    assert r.exit_code == 2 and "--format pdf needs -o FILE.pdf" in r.output


def test_exact_short_decimals_beside_rounded_ones_keep_the_decimals(tmp_path):
    """The mini-batch example's step 0 leaves W1's first column at 0.2, 0.3 (its samples have
    x₁ = 0) while the second moves to 0.40090…: the report writes 0.2000 beside 0.4009."""
    a = write(tmp_path, "W1_next: [[0.2, 0.400906], [0.3, 0.501205]]\n")
    r = invoke("check", EXAMPLES / "minibatch_step" / "problem.yaml", a)
    assert r.exit_code == 0, r.output
    assert r"\begin{bmatrix} 0.2000 & 0.4009 \\ 0.3000 & 0.5012 \end{bmatrix}" in r.output
    assert r"\begin{bmatrix} 0.2 & 0.400906 \\ 0.3 & 0.501205 \end{bmatrix}" in r.output   # as written


@pytest.mark.parametrize("example", ["mfnet_report_000", "mfnet_report_001"])
def test_a_carried_answer_shows_what_the_earlier_answers_give(example):
    d = EXAMPLES / example
    out = json.loads(invoke("check", d / "problem.yaml", d / "seed_answers.yaml", "--format", "json").output)
    carried = [x for x in out["results"] if x["status"] == "carried"]
    assert carried and all(x["from_your_answers"] is not None for x in carried)
    md = invoke("check", d / "problem.yaml", d / "seed_answers.yaml").output
    row = next(line for line in md.splitlines() if line.startswith("| →") and "W1\\_next" in line)
    assert "Your earlier answers give" in row


def test_nan_and_inf_are_named_by_quantity(tmp_path):
    """Before: 'line 1, column 4: .nan is not a number …', the file's only message.  Now the
    quantity and entry, where in the file (line and column, counted by hand), and the file."""
    a = write(tmp_path, "J: .nan\nZ1: [[.inf, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, -.inf]]\nA1: 3\n")
    r = invoke("check", OR, a)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert r.output.startswith(f"Error: {a}: "), r.output
    for part in ("J (line 1, column 4): '.nan' is not a number",
                 "Z1[0][0] (line 2, column 7): '.inf' is not a number",
                 "Z1[1][3] (line 2, column 45): '-.inf'",
                 "A1: a single number, but A1 is 2×4"):
        assert part in r.output, part


@pytest.mark.parametrize("text", ["J: 1.0e+400\n", "steps:\n  - {J: .NaN}\n"])
def test_one_bad_number_alone_is_named_by_quantity_line_and_file(tmp_path, text):
    r = invoke("check", OR, write(tmp_path, text))
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert f"{tmp_path / 'answers.yaml'}: " in r.output and "J (line " in r.output, r.output
    assert "Traceback" not in r.output


def test_each_file_is_named_in_its_own_messages(tmp_path):
    """Two files: a message names the one it is about (the problem's, the answers')."""
    bad_problem = write(tmp_path, OR.read_text().replace("lr: 0.5", "lr: abc"), "problem.yaml")
    assert "lr: 0.5" in OR.read_text()
    r = invoke("check", bad_problem, SEED)
    assert r.exit_code == 2 and f"{bad_problem}: " in r.output and "lr" in r.output, r.output
    r = invoke("check", OR, write(tmp_path, "tolerance: {atol: -1}\nJ: 1\n"))
    assert r.exit_code == 2 and f"{tmp_path / 'answers.yaml'}: tolerance.atol" in r.output, r.output
    r = invoke("check", OR, SEED, "--atol", "-1")
    assert r.exit_code == 2 and "--atol" in r.output and str(SEED) not in r.output, r.output


@pytest.mark.parametrize("text, where", [
    ("J: 0.09\nZ1: [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]\nJ: 0.1\n", "the key 'J' is given twice, at lines 1 and 3"),
    ("steps:\n  - {J: 0.09, J: 0.1}\n", "the key 'J' is given twice"),
])
def test_a_duplicate_key_is_refused(tmp_path, text, where):
    r = invoke("check", OR, write(tmp_path, text))
    assert r.exit_code == 2 and where in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_no_fraction_beside_rounded_decimals(tmp_path):
    """ŷ := [0.00005, 0.995, 0.999, 0.991]: what it gives for ∂J/∂ŷ = (ŷ − y)/4 is
    [1/80000, −1/800, −1/4000, −9/4000], shown beside rounded entries as decimals."""
    a = write(tmp_path, "A2: [[0.00005, 0.995, 0.999, 0.991]]\ndA2: [[0.0000125, -0.00125, -0.00025, -0.00225]]\n")
    row = next(line for line in invoke("check", OR, a).output.splitlines() if line.startswith("| ✗ | dA2"))
    yours = row.split("Your earlier answers give")[1]
    assert r"\frac" not in yours and "-0.00125" in yours and "0.0000125" in yours
