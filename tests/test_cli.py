"""The command through click's CliRunner: every format, every kind of bad input."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main

OR_YAML = """\
title: OR gate
data:
  x: [[0, 0], [0, 1], [1, 0], [1, 1]]
  y: [[0], [1], [1], [1]]
network:
  - linear:
      W: [[0.2, 0.4], [0.3, 0.5]]
      b: [0.3, 0.5]
  - sigmoid
  - linear: {W: [[0.4, 0.6]], b: [0.5]}
  - sigmoid
loss: {mse: {scale: 1/2}}
optimizer: {sgd: {lr: 0.5}}
"""


@pytest.fixture
def problem(tmp_path):
    p = tmp_path / "or.yaml"
    p.write_text(OR_YAML)
    return p


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_default_is_markdown(problem):
    r = invoke(problem)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("# OR gate")
    assert r"\begin{bmatrix} 0.3 & 0.7 & 0.5 & 0.9 \\ 0.5 & 1 & 0.8 & 1.3 \end{bmatrix}" in r.output


def test_json_follows_the_contract(problem):
    r = invoke(problem, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["format"] == "trace-net/1" and d["layout"] == "columns" and d["numbers"] == "exact"
    z1 = d["steps"][0]["values"]["Z1"]
    assert z1["shape"] == [2, 4]
    assert z1["exact"][1] == ["1/2", "1", "4/5", "13/10"]
    assert z1["float"][1] == [0.5, 1.0, 0.8, 1.3]
    J = d["steps"][0]["values"]["J"]
    assert J["shape"] == [] and J["exact"] is None and abs(J["float"] - 0.0903436303627) < 1e-12
    assert d["steps"][0]["values"]["b1"]["shape"] == [2]


def test_latex_and_options(problem, tmp_path):
    out = tmp_path / "sheet.tex"
    r = invoke(problem, "--format", "latex", "-o", out, "--numbers", "float", "--decimals", "3", "--steps", "2")
    assert r.exit_code == 0, r.output
    tex = out.read_text()
    assert tex.startswith(r"\documentclass") and r"\end{document}" in tex
    assert "Step 1" in tex and "0.574" in tex


def test_stdin_and_round(problem):
    r = invoke("-", "--round", "3", "--format", "json", input=OR_YAML)
    assert r.exit_code == 0, r.output
    a1 = json.loads(r.output)["steps"][0]["values"]["A1"]
    assert a1["float"][0][0] == 0.574 and a1["exact"][0][0] == "287/500"


def test_version_and_help():
    r = invoke("--version")
    assert r.exit_code == 0 and "trace-net" in r.output
    r = invoke("--help")
    assert r.exit_code == 0 and "trace-net worked_examples/" in r.output


BAD = [
    ("title: [unclosed\n", "invalid YAML at line"),
    ("", "empty"),
    ("just text\n", "mapping"),
    (OR_YAML.replace("optimizer:", "optimiser:"), "did you mean 'optimizer'"),
    (OR_YAML.replace("W: [[0.4, 0.6]]", "W: [[0.4, 0.6, 0.1]]"), "network[2].linear.W: 1×3, but the previous layer gives 2 outputs"),
    (OR_YAML.replace("  - sigmoid\n  - linear: {W", "  - sigmoid\n  - relu\n  - linear: {W"), "network[2]: two activations in a row"),
    (OR_YAML.replace("y: [[0], [1], [1], [1]]", "y: [[0], [1], [1]]"), "data.y: 3 sample(s), but data.x has 4"),
    (OR_YAML.replace("b: [0.3, 0.5]", "b: [0.3, abc]"), "network[0].linear.b[1]: expected a number"),
    (OR_YAML.replace("{mse: {scale: 1/2}}", "{cross_entropy: {}}").replace("y: [[0], [1], [1], [1]]", "y: [0, 1, 3, 1]"),
     "data.y[1]: class 1 out of range"),
    (OR_YAML.replace("sgd: {lr: 0.5}", "sgd: {lr: 0.5, momentun: 0.9}"), "did you mean 'momentum'"),
    (OR_YAML.replace("b: [0.3, 0.5]", "b: [0.3, .nan]"), "no infinities or NaN"),
    (OR_YAML.replace("- sigmoid\nloss", "- sigmoid\nloss").replace("{mse: {scale: 1/2}}", "{mse: {scale: 1/2}}\nbatch_size: 9"),
     "batch_size: 9, but there are only 4 samples"),
    ("!!python/object/apply:os.system ['echo hacked']\n", "invalid YAML"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_bad_input_is_one_clear_message(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    r = invoke(p)
    assert r.exit_code == 2, r.output
    assert message in r.output, r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert len(r.output.strip().splitlines()) == 1


def test_missing_file():
    r = invoke("no/such/file.yaml")
    assert r.exit_code == 2 and "no/such/file.yaml: no such file" in r.output


def test_failed_output_leaves_no_file(tmp_path, problem):
    out = tmp_path / "out.json"
    bad = tmp_path / "bad.yaml"
    bad.write_text(OR_YAML.replace("0.4, 0.6]]", "0.4]]"))
    r = invoke(bad, "-f", "json", "-o", out)
    assert r.exit_code == 2 and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]


def test_output_file_gets_a_new_files_usual_mode(tmp_path, problem):
    """Written through a private temporary file, the result is still readable by others
    (0666 less the umask), as any file the user's shell would make."""
    import os
    out = tmp_path / "out.md"
    old = os.umask(0o022)
    try:
        r = invoke(problem, "-o", out)
    finally:
        os.umask(old)
    assert r.exit_code == 0 and (out.stat().st_mode & 0o777) == 0o644


def test_title_is_escaped_in_latex(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text(OR_YAML.replace("title: OR gate", "title: '\\input{/etc/passwd} 100% $x$ #1 a_b ^ ~'"))
    r = invoke(p, "-f", "latex")
    assert r.exit_code == 0, r.output
    assert r"\title{\textbackslash{}input\{/etc/passwd\} 100\% \$x\$ \#1 a\_b \textasciicircum{} \textasciitilde{}}" in r.output
    assert r"\input{/etc" not in r.output


def test_unknown_subcommand_like_word_is_a_file():
    r = invoke("checkk.yaml")
    assert r.exit_code == 2 and "checkk.yaml: no such file" in r.output
