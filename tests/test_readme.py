"""The README stays true: every `trace-net` command in its shell blocks runs (placeholders in
[brackets] left out), its problem-file block is a valid problem, its answers block grades as
it says, its Adam/mini-batch/symbolic block traces, and its Python example runs."""
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import tracer
from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, re.S | re.M)


def commands():
    """Every trace-net command of the README's sh blocks, continuation lines joined."""
    out = []
    for lang, body in BLOCKS:
        if lang != "sh":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.split("&&")[-1].strip()
            # trace-net practice serves until stopped: tests/test_practice_server.py starts it
            if line.startswith("trace-net ") and "PROBLEM.yaml" not in line and not line.startswith("trace-net practice"):
                out.append(re.sub(r"\s*\[[^\]]*\]", "", line))
    return out


def yaml_blocks():
    return [yaml.safe_load(body) for lang, body in BLOCKS if lang == "yaml"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder like the project's root (its examples linked in), so that files the README's
    commands write land here."""
    for name in ("worked_examples", "examples"):
        (tmp_path / name).symlink_to(ROOT / name)
    answers = yaml_blocks()[1]
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_has_the_commands_it_should():
    cmds = commands()
    assert "trace-net worked_examples/or_gate/problem.yaml" in cmds       # the quick start
    assert any(c.startswith("trace-net check ") for c in cmds)
    assert any(c.startswith("trace-net generate ") for c in cmds)
    assert len(cmds) >= 7


@pytest.mark.parametrize("command", commands())
def test_every_readme_command_runs(workdir, command):
    args = shlex.split(command)[1:]
    r = CliRunner().invoke(main, args)
    if args[0] == "check":
        # what the README says of its answers: Z1 and db1 correct (0.0008 for 0.000726 is
        # within 1e-4), dZ2 seed 002's Δ without the 1/m: wrong, by the factor m = 4
        assert r.exit_code == 1, r.output
        rows = {line.split("|")[2].split()[0]: line for line in r.output.splitlines()
                if line.startswith("| ✓") or line.startswith("| ✗")}
        assert "| correct |" in rows["Z1"] and "| correct |" in rows["db1"]
        assert "off by a constant factor m = 4 (the number of samples)" in rows["dZ2"]
        assert "off by a constant factor m = 4 (the number of samples)" in README
    else:
        assert r.exit_code == 0, (command, r.output)
    if "-o" in args:
        target = workdir / args[args.index("-o") + 1]
        assert target.exists() and (target.is_dir() or target.stat().st_size > 0), target
        if target.is_dir():
            assert len(list(target.glob("answers-*.yaml"))) == int(args[args.index("--count") + 1])


def test_the_readme_problem_file_is_valid_and_traces():
    problem = tracer.parse_problem(yaml_blocks()[0])
    t = tracer.trace(problem)
    assert problem.title.startswith("OR gate") and "W1_next" in t.steps[0]


def test_the_readme_adam_minibatch_symbolic_block_traces():
    base, extra = yaml_blocks()[0], yaml_blocks()[2]
    t = tracer.trace(tracer.parse_problem({**base, **extra}))
    assert [s.batch for s in t.steps] == [[0, 1]]          # the first mini-batch of two
    sheet = t.render("markdown")
    assert r"\hat{m}" in sheet and "W^{[1]}_{11}" in sheet


def test_the_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    block = next(body for lang, body in BLOCKS if lang == "python" and "trace_file" in body)
    scope = {}
    exec(compile(block, "README.md", "exec"), scope)
    t = scope["t"]
    assert t["Z1"].shape == (2, 4) and t.to_json().startswith("{")


def test_the_readme_example_output_is_real_output():
    section = README[README.index("## Example output"):]
    excerpt = re.search(r"```\n(\$\$.*?\$\$)\n```", section, re.S).group(1)
    sheet = tracer.trace_file(str(ROOT / "worked_examples" / "or_gate" / "problem.yaml")).render("markdown")
    assert excerpt in sheet
