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
