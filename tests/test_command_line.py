"""The command line as a newcomer meets it (issue 19.2): a bare `trace-net` is help, a mistyped
command is named, -o FILE implies the format, md/tex are format names, I/O failures and
errors in a from-torch script are one line, the examples come with it (in the wheel too:
test_packaging.py), completion and exit codes are documented."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex is not installed (apt-get install texlive-latex-base "
                                           "texlive-latex-recommended texlive-latex-extra)")


def invoke(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="trace-net", **kw)


def one_line_error(r, code=2):
    assert r.exit_code == code, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output
    return r.output.strip()


# -- help, mistyped commands ---------------------------------------------------------------

def test_bare_command_prints_help_and_exits_0():
    r = invoke()
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Usage: trace-net PROBLEM.yaml")
    for command in ("check", "generate", "schema", "from-torch", "examples"):
        assert f"  {command} " in r.output


def test_help_lists_exit_codes_and_completion():
    r = invoke("--help")
    text = " ".join(r.output.split())
    assert "Exit status:" in text
    assert "0 done" in text and "1 check: some answer not correct" in text and "2 bad input or usage" in text
    assert "_TRACE_NET_COMPLETE=bash_source trace-net" in text
    assert "Exit status:" in invoke("trace", "--help").output


@pytest.mark.parametrize("typed,meant", [("chek", "check"), ("generat", "generate"), ("shema", "schema"),
                                         ("exmples", "examples"), ("from-trch", "from-torch")])
def test_mistyped_command_gets_did_you_mean(tmp_path, monkeypatch, typed, meant):
    monkeypatch.chdir(tmp_path)
    msg = one_line_error(invoke(typed, "P.yaml", "A.yaml"))
    assert f"did you mean '{meant}'?" in msg and f"'{typed}'" in msg


def test_a_problem_file_is_still_a_problem_file(tmp_path, monkeypatch):
    """A word with a dot, or one that names an existing file, is a problem file, whatever it
    resembles."""
    monkeypatch.chdir(tmp_path)
    assert "checkk.yaml: no such file" in one_line_error(invoke("checkk.yaml"))
    Path("chek").write_text(OR_GATE.read_text())
    r = invoke("chek", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.output)["format"] == "trace-net/1"


def test_an_unrelated_word_is_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert one_line_error(invoke("zebra")) == "Error: zebra: no such file"


# -- formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,start", [("sheet.md", "# OR gate"), ("sheet.markdown", "# OR gate"),
                                        ("sheet.tex", r"\documentclass"), ("sheet.json", "{"),
                                        ("sheet.txt", "OR gate, one hidden layer (seed 002)\n═══")])
def test_output_extension_sets_the_format(tmp_path, name, start):
    out = tmp_path / name
    r = invoke(OR_GATE, "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(start), text[:80]
    if name.endswith(".json"):
        assert json.loads(text)["steps"][0]["values"]["Z1"]["exact"][0] == ["3/10", "7/10", "1/2", "9/10"]


@needs_pdflatex
def test_output_pdf_writes_a_pdf(tmp_path):
    out = tmp_path / "sheet.pdf"
    r = invoke(OR_GATE, "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_format_option_wins_over_the_extension(tmp_path):
    out = tmp_path / "sheet.md"
    r = invoke(OR_GATE, "--format", "json", "-o", out)
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["format"] == "trace-net/1"


@pytest.mark.parametrize("short,full", [("md", "markdown"), ("tex", "latex"), ("MD", "markdown")])
def test_short_format_names(short, full):
    a, b = invoke(OR_GATE, "-f", short), invoke(OR_GATE, "-f", full)
    assert a.exit_code == 0 and a.output == b.output


def test_short_format_names_in_check_and_generate(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("Z1: [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]\n")
    r = invoke("check", OR_GATE, answers, "-f", "tex")
    assert r.exit_code == 0 and r.output.startswith(r"\documentclass"), r.output[:200]
    report = tmp_path / "report.json"
    r = invoke("check", OR_GATE, answers, "-o", report)
    assert r.exit_code == 0 and json.loads(report.read_text())["summary"]["correct"] == 1
    template = ROOT / "examples" / "templates" / "or_gate.yaml"
    r = invoke("generate", template, "-n", "1", "-o", tmp_path / "hw", "-f", "md")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "hw" / "solution-1.md").read_text().startswith("# OR gate")


def test_unknown_format_is_refused():
    r = invoke(OR_GATE, "-f", "docx")
    assert r.exit_code == 2 and "'docx' is not one of" in r.output


# -- I/O failures ----------------------------------------------------------------------------

def test_a_failed_write_is_one_line(tmp_path):
    """A real I/O failure (a file size limit: EFBIG, as a full disk gives ENOSPC) in a real
    process: one line, exit 2, and no half-written file."""
    code = ("import resource, signal, sys\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))\n"
            "from tracer.cli import main\n"
            "main(sys.argv[1:], prog_name='trace-net')\n")
    out = tmp_path / "sheet.md"
    r = subprocess.run([sys.executable, "-c", code, str(OR_GATE), "-o", str(out)], cwd=tmp_path,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("Error: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "file too large" in r.stderr.lower()
    assert not out.exists() and not list(tmp_path.iterdir())


# -- from-torch --------------------------------------------------------------------------------

def test_from_torch_help_has_an_example_that_runs(tmp_path):
    r = invoke("from-torch", "--help")
    assert r.exit_code == 0 and "def make():" in r.output
    pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]' in trace-net's folder)")
    lines = r.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "import torch")
    indent = len(lines[start]) - len(lines[start].lstrip())
    script = []
    for line in lines[start:]:
        if line.strip() and len(line) - len(line.lstrip()) < indent or line.strip().startswith("trace-net"):
            break
        script.append(line[indent:])
    setup = tmp_path / "setup.py"
    setup.write_text("\n".join(script) + "\n")
    out = tmp_path / "problem.yaml"
    r = invoke("from-torch", setup, "-o", out)
    assert r.exit_code == 0, r.output
    r = invoke(out, "-f", "json")
    values = json.loads(r.output)["steps"][0]["values"]
    assert values["A0"]["shape"] == [4, 2] and values["W2"]["shape"] == [1, 2]


@pytest.mark.parametrize("body,where,what", [
    ("import torch\n\ndef make():\n    return 1 / 0\n", "line 4", "make() raised ZeroDivisionError: division by zero"),
    ("import torch\nimport no_such_module_xyz\n", "line 2", "the script raised ModuleNotFoundError"),
    ("def make(:\n    pass\n", "line 1", "the script raised SyntaxError"),
    ("import sys\ndef make():\n    sys.exit(3)\n", "", "make() called exit(3)"),
    ("def helper():\n    raise ValueError('bad\\nshape')\n\ndef make():\n    return helper()\n",
     "line 2", "make() raised ValueError: bad shape"),
])
def test_an_error_in_a_setup_script_is_one_line_naming_its_line(tmp_path, body, where, what):
    pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]' in trace-net's folder)")
    setup = tmp_path / "setup.py"
    setup.write_text(body)
    msg = one_line_error(invoke("from-torch", setup))
    assert msg.startswith(f"Error: {setup}" + (f", {where}:" if where else ":")), msg
    assert what in msg, msg


# -- examples ------------------------------------------------------------------------------------

def test_examples_lists_every_worked_example_and_template():
    r = invoke("examples")
    assert r.exit_code == 0, r.output
    names = [line.split()[0] for line in r.output.splitlines()]
    worked = sorted(f"worked_examples/{p.parent.name}" for p in (ROOT / "worked_examples").glob("*/problem.yaml"))
    templates = sorted(f"examples/templates/{p.stem}" for p in (ROOT / "examples" / "templates").glob("*.yaml"))
    assert names == worked + templates
    assert "OR gate, one hidden layer (seed 002)" in r.output


@pytest.mark.parametrize("name", ["or_gate", "worked_examples/or_gate", "worked_examples/or_gate/problem.yaml"])
def test_examples_name_prints_its_problem_file(name):
    r = invoke("examples", name)
    assert r.exit_code == 0 and r.output == OR_GATE.read_text(encoding="utf-8")


def test_examples_template_by_short_name():
    r = invoke("examples", "templates/relu_regression")
    assert r.output == (ROOT / "examples" / "templates" / "relu_regression.yaml").read_text(encoding="utf-8")


def test_examples_unknown_name():
    msg = one_line_error(invoke("examples", "xor"))
    assert "xor: no such example" in msg and "worked_examples/or_gate" in msg


def test_examples_copied_into_a_folder_run_the_readme_commands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke("examples", "-o", ".")
    assert r.exit_code == 0, r.output
    assert Path("worked_examples/or_gate/problem.yaml").read_bytes() == OR_GATE.read_bytes()
    assert Path("worked_examples/or_gate/seed_answers.yaml").is_file()
    r = invoke("worked_examples/or_gate/problem.yaml", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.output)["steps"][0]["values"]["A1"]["shape"] == [2, 4]
    r = invoke("generate", "examples/templates/or_gate.yaml", "--count", "2", "--seed", "1", "-o", "hw")
    assert r.exit_code == 0 and len(list(Path("hw").glob("answers-*.yaml"))) == 2
    # again: identical files are fine; a changed one is not overwritten without --force
    assert invoke("examples", "-o", ".").exit_code == 0
    Path("worked_examples/or_gate/problem.yaml").write_text("mine\n")
    msg = one_line_error(invoke("examples", "or_gate", "-o", "."))
    assert "problem.yaml: exists and differs" in msg and "--force" in msg
    assert Path("worked_examples/or_gate/problem.yaml").read_text() == "mine\n"
    assert invoke("examples", "or_gate", "-o", ".", "--force").exit_code == 0
    assert Path("worked_examples/or_gate/problem.yaml").read_bytes() == OR_GATE.read_bytes()


# -- completion ------------------------------------------------------------------------------------

def complete(words, cword):
    env = {"_TRACE_NET_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    r = CliRunner().invoke(main, [], prog_name="trace-net", env=env)
    assert r.exit_code == 0, r.output
    return r.output.splitlines()


def test_completion_offers_commands_and_files():
    got = complete("trace-net ch", 1)
    assert "plain,check" in got and "file,ch" in got
    assert "plain,--format" in complete("trace-net check P A --for", 4)


def test_completion_script_is_what_the_help_says():
    r = CliRunner().invoke(main, [], prog_name="trace-net", env={"_TRACE_NET_COMPLETE": "bash_source"})
    assert r.exit_code == 0 and "_trace_net_completion" in r.output
    assert "_TRACE_NET_COMPLETE=bash_source trace-net" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, words", [
    (["worked_examples/or_gate/problem.yaml", "-o", "."], ["'-o' / '--output'", "is a directory"]),
    (["worked_examples/or_gate/problem.yaml", "--detail", "foo"], ["'--detail'", "'foo'"]),
    (["worked_examples/or_gate/problem.yaml", "--bogus"], ["--bogus"]),
    (["generate", "examples/templates/or_gate.yaml", "--count", "10000"], ["'--count'", "1000"]),
    (["check", "worked_examples/or_gate/problem.yaml"], ["Missing argument"]),
])
def test_click_usage_errors_are_one_line(args, words, monkeypatch):
    """click's own usage errors, as every refusal: one 'Error:' line naming the option, exit 2
    (no Usage and Try lines above it)."""
    from conftest import refused
    monkeypatch.chdir(ROOT)
    refused(CliRunner().invoke(main, args), *words)
