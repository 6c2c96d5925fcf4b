"""The public API is typed (issue 19.1: py.typed and type hints): mypy reads a user's script
through tracer's annotations — `import tracer` is lazy, its names typed for checkers — and
finds the one deliberate mistake in it, and nothing else."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

USER = '''\
import numpy as np
import tracer

t: tracer.Trace = tracer.trace_file("worked_examples/or_gate/problem.yaml", numbers="float")
z: np.ndarray = t.array("Z1")
names: list[str] = t.names()
md: str = t.render("markdown", detail="entries")
pdf: bytes = t.to_pdf()
p = tracer.load_problem("worked_examples/or_gate/problem.yaml")
again: tracer.Trace = tracer.trace(p)
text: str = tracer.to_yaml(p)
r = tracer.check("worked_examples/or_gate/problem.yaml", {"J": 0.09})
ok: bool = r.ok
wrong: int = t.render("json")
'''


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="needs mypy: pip install -e '.[test]' (or pip install mypy)")
def test_mypy_reads_the_public_api(tmp_path):
    script = tmp_path / "use.py"
    script.write_text(USER)
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull,
                        "--follow-imports=silent", "--no-error-summary", str(script)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, r.stdout + r.stderr
    assert errors[0].startswith(f"{script}:{USER.count(chr(10))}:") and '"str"' in errors[0] \
        and '"int"' in errors[0], errors
