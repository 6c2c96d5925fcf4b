"""`trace-net generate` and its output folder: a rerun never leaves an earlier run's variants
beside the new ones, files it did not write are never touched, and the counts a template
cannot give are refused at once (a template without random specs is one problem)."""
from pathlib import Path

from click.testing import CliRunner

from tracer.cli import main
from tracer.generate import generate
from tracer.generate.folder import MANIFEST
from tracer.generate.template import Template
from tracer.problem import load_yaml

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "examples" / "templates" / "or_gate.yaml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_rerun_replaces_the_earlier_run_whole(tmp_path):
    out = tmp_path / "hw"
    assert invoke("generate", OR_GATE, "-n", 5, "--seed", 1, "-o", out, "--combined").exit_code == 0
    (out / "notes.txt").write_text("mine")
    (out / "problem-99.yaml.bak").write_text("mine too")
    r = invoke("generate", OR_GATE, "-n", 2, "--seed", 2, "-o", out, "--format", "latex")
    assert r.exit_code == 0, r.output
    ours = [f"{k}-{i}.{e}" for i in (1, 2) for k, e in
            [("problem", "yaml"), ("answers", "yaml"), ("sheet", "tex"), ("solution", "tex")]]
    assert names(out) == sorted(ours + [MANIFEST, "notes.txt", "problem-99.yaml.bak"])
    assert "--seed 2: variant 2" in (out / "problem-2.yaml").read_text()
    assert (out / MANIFEST).read_text().splitlines()[2:] == ours


def test_a_folder_with_files_of_unknown_origin_is_refused(tmp_path):
    out = tmp_path / "hw"
    out.mkdir()
    (out / "sheet-1.md").write_text("somebody's own sheet")
    r = invoke("generate", OR_GATE, "-n", 1, "-o", out)
    assert r.exit_code == 2
    assert r.output.strip() == (f"Error: {out}: holds sheet-1.md, not written by a run it has a record of "
                                f"({MANIFEST}); remove them or choose another folder")
    assert names(out) == ["sheet-1.md"] and (out / "sheet-1.md").read_text() == "somebody's own sheet"


def test_the_output_must_be_a_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = invoke("generate", OR_GATE, "-n", 1, "-o", f)
    assert r.exit_code == 2 and "is a file" in r.output
    assert f.read_text() == "x"


FIXED = """\
data: {x: [[0, 1], [1, 0]], y: [[1], [0]]}
network: [{linear: {W: [[0.5, -0.5]], b: [0.1]}}, sigmoid]
loss: mse
optimizer: {sgd: {lr: 0.1}}
"""


def test_a_template_without_random_specs_is_one_variant(tmp_path):
    tpl = Template(load_yaml(FIXED), "fixed.yaml")
    (v,) = generate(tpl, 1, seed=0)
    assert v.draws == 1
    src = tmp_path / "fixed.yaml"
    src.write_text(FIXED)
    for distinct in ("", "generate: {distinct: false}\n"):
        src.write_text(FIXED + distinct)
        r = invoke("generate", src, "-n", 3, "-o", tmp_path / "o")
        assert r.exit_code == 2, r.output
        assert "asks for 3 variants, but the template has no random spec: it is one problem" in r.output
    assert not (tmp_path / "o").exists()


def test_a_fixed_problem_that_breaks_a_rule_is_judged_once(tmp_path):
    # z = 10 into the sigmoid: saturated; without a spec, retrying the same draw is pointless
    src = tmp_path / "fixed.yaml"
    src.write_text(FIXED.replace("b: [0.1]", "b: [10]"))
    r = invoke("generate", src, "-n", 1, "-o", tmp_path / "o")
    assert r.exit_code == 2
    assert r.output.strip().startswith("Error: ")
    assert ("the template has no random spec, so its one problem is the only draw, and the saturated rule "
            "rejects it (step 0, Z1[0][0]: |z| = 9.5 > 3 goes into sigmoid)") in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_counts_beyond_the_limit_are_refused_at_once(tmp_path):
    r = invoke("generate", OR_GATE, "-n", 10000, "-o", tmp_path / "o")
    assert r.exit_code == 2
    assert "10000 is not in the range 1<=x<=1000" in r.output
    assert not (tmp_path / "o").exists()
