"""Start-up (issue 19.6): each command imports only what it needs — `trace-net --help` and
`import tracer` no numpy, JSON and text output no jinja2, nothing sympy, torch, matplotlib or
the web stack unless asked for.  Which modules load, not how long they take: the timings are
in benchmarks/startup.py (tests assert no times)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = "worked_examples/or_gate/problem.yaml"
GRAPH = "worked_examples/graph_cs231n/problem.yaml"
WATCH = ("numpy", "yaml", "jinja2", "sympy", "torch", "matplotlib", "flask", "werkzeug", "pypdf", "tqdm")
HEAVY = {"sympy", "torch", "matplotlib", "flask", "werkzeug", "pypdf", "tqdm"}

# the command as its console script runs it (argv[0] 'trace-net'), in a fresh interpreter
RUN = """
import json, sys
sys.argv = ["trace-net", *json.loads(sys.argv[1])]
from tracer.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
else:
    code = 0
sys.stderr.write(json.dumps({"code": code, "loaded": sorted(m for m in %r if m in sys.modules)}))
""" % (WATCH,)


def loaded(*args: str, codes=(0, None)) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", RUN, json.dumps(list(args))], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    out = json.loads(r.stderr.strip().splitlines()[-1])
    assert out["code"] in codes, r.stderr
    return set(out["loaded"])


def test_import_tracer_loads_no_numpy():
    r = subprocess.run([sys.executable, "-c", "import sys, tracer; print(sorted(m for m in %r if m in sys.modules))"
                        % (WATCH,)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


@pytest.mark.parametrize("args", [["--help"], [], ["trace", "--help"], ["check", "--help"],
                                  ["generate", "--help"], ["schema", "--trace"]], ids=" ".join)
def test_help_loads_nothing_heavy(args):
    assert loaded(*args) == set()


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize("problem", [OR_GATE, GRAPH], ids=["network", "graph"])
def test_json_and_text_need_no_jinja2(problem, fmt):
    got = loaded(problem, "--format", fmt)
    assert {"numpy", "yaml"} <= got                      # the test sees imports at all
    assert not got & (HEAVY | {"jinja2"}), got


def test_markdown_loads_jinja2_and_nothing_heavy():
    got = loaded(OR_GATE, "--format", "markdown")
    assert "jinja2" in got and not got & HEAVY, got


def test_the_checker_loads_nothing_heavy():
    got = loaded("check", OR_GATE, "worked_examples/or_gate/seed_answers.yaml", "--format", "json",
                 codes=(1,))                              # the seed's answers have slips: exit 1
    assert not got & HEAVY, got
