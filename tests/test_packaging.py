"""Packaging (issue 19.1, 19.2): the wheel holds the examples, templates and py.typed, its
metadata names the license, authors, classifiers and unpinned extras; `.[torch]` on top of
.ci/run's torch installs nothing more; skipped tests say what to install; the README's test
command is the one .ci/run runs."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
SOURCES = ("tracer", "templates", "worked_examples", "examples", "pyproject.toml", "README.md", "LICENSE")


def copy_sources(dest: Path) -> Path:
    """The files a build reads, copied (a build in place would leave build/ and *.egg-info)."""
    dest.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """trace-net built as a wheel (pip wheel, from a copy of the sources) and unpacked."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = copy_sources(tmp / "src")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(src)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"pip wheel could not build (no setuptools>=77 to build with?): {r.stderr[-500:]}")
    whl = next((tmp / "dist").glob("trace_net-*.whl"))
    site = tmp / "site"
    with zipfile.ZipFile(whl) as z:
        z.extractall(site)
        names = z.namelist()
    meta = Parser().parsestr(next((site).glob("trace_net-*.dist-info/METADATA")).read_text(encoding="utf-8"))
    return site, names, meta


def test_the_wheel_ships_examples_templates_and_py_typed(wheel):
    site, names, _ = wheel
    for p in (ROOT / "worked_examples").glob("*/problem.yaml"):
        assert f"tracer/worked_examples/{p.parent.name}/problem.yaml" in names
    for p in (ROOT / "examples" / "templates").glob("*.yaml"):
        assert f"tracer/example_templates/{p.name}" in names
    for p in (ROOT / "templates").glob("*.j2"):
        assert f"tracer/templates/{p.name}" in names
    assert "tracer/py.typed" in names
    assert not [n for n in names if n.endswith(".pdf")]          # trace-net writes those


def test_the_wheel_metadata(wheel):
    _, names, meta = wheel
    assert meta["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert meta["Author"] or meta["Author-email"]
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Intended Audience :: Education" in classifiers
    requires = meta.get_all("Requires-Dist")
    assert not [r for r in requires if "==" in r.split(";")[0]], requires    # no exact pins, extras too
    assert any(re.match(r"torch>=2\.0; extra == \"torch\"", r) for r in requires), requires
    assert any(r.startswith("tqdm>=4.29") for r in requires), requires   # 4.29 has tqdm.auto
    assert "python3 -m venv .venv" in meta.get_payload()               # the README is the description


def test_the_license_is_mit():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_examples_from_the_installed_wheel(wheel, tmp_path):
    """From the unpacked wheel, far from the repository: `trace-net examples -o DIR` writes the
    files, and the quick start's problem traces."""
    site = wheel[0]
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "tracer.cli", *args], cwd=tmp_path,
                              capture_output=True, text=True, env=env)

    where = subprocess.run([sys.executable, "-c", "import tracer; print(tracer.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=env).stdout
    assert where.startswith(str(site)), where
    r = run("examples", "-o", "course")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "course/worked_examples/or_gate/problem.yaml").read_bytes() == OR_GATE.read_bytes()
    assert (tmp_path / "course/examples/templates/or_gate.yaml").is_file()
    r = run("course/worked_examples/or_gate/problem.yaml", "-f", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["steps"][0]["values"]["Z1"]["shape"] == [2, 4]


def test_the_torch_extra_keeps_the_installed_torch(tmp_path):
    """.ci/run installs torch==2.13.0 first; `pip install '.[torch]'` then installs trace-net
    and nothing else (pip's own dry run, offline)."""
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    src = copy_sources(tmp_path / "src")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--no-build-isolation",
                        "--quiet", "--report", "-", f"{src}[torch]"], capture_output=True, text=True)
    if r.returncode != 0 and "No matching distribution" in r.stderr:
        pytest.fail(f"'.[torch]' wants more than the installed torch {torch.__version__}: {r.stderr[-800:]}")
    assert r.returncode == 0, r.stderr[-800:]
    report = json.loads(r.stdout)
    assert [item["metadata"]["name"] for item in report["install"]] == ["trace-net"]


def test_the_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python3 -m pytest"
    assert f"\n{command}\n" in readme
    last = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert last == "python3 -m pip install -q -e '.[test]' && python3 -m pytest"


def test_every_skip_says_what_to_install():
    """Each optional dependency a test skips without names its install line (pytest -rs
    prints it)."""
    for path in (ROOT / "tests").glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"importorskip\((.*?)\)\n", text, re.S):
            if call.startswith(('"tracer', "'tracer")):
                continue                    # a part of trace-net itself, not something to install
            # what to install, or the Python it takes (tomllib is Python 3.11's own)
            assert "reason=" in call and ("install" in call or "Python 3." in call), (path.name, call)
