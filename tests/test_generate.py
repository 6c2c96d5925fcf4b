"""trace-net generate: templates, seeded draws, the niceness rules, the files written.

The niceness rules are re-checked here on every accepted variant by code of this file alone,
reading the trace of the variant's own written problem file (not the generator's judgement),
over 300 variants; the answer keys are graded by the checker.
"""
import functools
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tracer import parse_problem, trace
from tracer.cli import SUBCOMMANDS, main
from tracer.generate import Template, TemplateError, generate, load_template
from tracer.generate.output import answers, dump, problem_yaml
from tracer.problem import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "templates").glob("*.yaml"))

# A template built to be rejected often: wide weights into sigmoid (saturation), a narrow
# grid of ReLU weights (dead units, z = 0, twin units), exact numbers with small denominators.
STRESS = """\
title: stress
numbers: exact
generate: {max_abs_z: 2, max_denominator: 400}
data:
  x: {random_int: [0, 2], shape: [3, 2]}
  y: {random_int: [0, 1]}
network:
  sizes: [2, 2, 2, 1]
  activations: [relu, sigmoid, null]
  W: {random: [-2, 2], step: 0.5}
  b: {random_int: [-1, 1]}
loss: {mse: {scale: 1/2}}
optimizer: {sgd: {lr: 0.5}}
"""


def template(text) -> Template:
    return Template(load_yaml(text), "t.yaml")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- the rules, checked independently on a trace ----------------------------------------------
def floats(t, name, step):
    return np.array(t.to_dict()["steps"][step]["values"][name]["float"], dtype=float)


def unit_rows(t, name, step):
    """A traced matrix with one row per unit (the constant unit of augmented mode dropped)."""
    a = floats(t, name, step)
    a = a.T if t.problem.layout == "rows" else a
    return a[1:] if t.problem.bias == "augmented" else a


def check_rules(t, grid_of_W, max_z, max_den):
    p = t.problem
    d = t.to_dict()
    assert len({tuple(r) for r in p.x}) == p.m, "two samples alike"
    if p.loss == "cross_entropy":
        assert len({tuple(r) for r in p.y}) > 1, "every sample in one class"
    for L in p.layers:                       # the drawn numbers are on their grids
        assert all((Fraction(w) / grid_of_W).denominator == 1 for row in L.W for w in row)
    assert all(Fraction(v).denominator in (1, 2, 10) for row in p.x for v in row)
    for st in d["steps"]:
        s, vals = st["step"], st["values"]
        for l, L in enumerate(p.layers, 1):
            Wb = floats(t, f"W{l}", s)
            if p.bias == "augmented":
                Wb = Wb[1:]
            elif f"b{l}" in vals:
                Wb = np.column_stack([Wb, floats(t, f"b{l}", s)])
            assert len({tuple(r) for r in Wb}) == len(Wb), f"twin units in W{l}"
            Z = unit_rows(t, f"Z{l}", s)
            if L.activation in ("sigmoid", "tanh", "softmax"):
                assert np.abs(Z).max() <= max_z, f"saturated Z{l}"
            if L.activation in ("relu", "leaky_relu"):
                assert (Z != 0).all(), f"z = 0 in Z{l}"
                assert (Z > 0).any(axis=1).all(), f"dead unit in Z{l}"
            assert np.abs(floats(t, f"dW{l}", s)).max() > 0
            if f"db{l}" in vals:
                assert np.abs(floats(t, f"db{l}", s)).max() > 0
            G = floats(t, f"dW{l}", s)
            G = G[1:, 1:] if p.bias == "augmented" else G           # W is (out, in) in every layout
            assert G.any(axis=0).all(), f"a zero column in dW{l}"
            for g in np.ravel(G).tolist() + (np.ravel(floats(t, f"db{l}", s)).tolist() if f"db{l}" in vals else []):
                assert g == 0 or abs(g) >= 0.5 * 10.0 ** -p.decimals, f"dW{l} or db{l}: {g} shows as 0"
        if p.numbers == "exact":
            for q in vals.values():
                for e in np.ravel(np.array(q["exact"], dtype=object)):
                    if e is not None and all(c in "-0123456789/" for c in e):
                        assert Fraction(e).denominator <= max_den, e


RULES = [  # template, W grid, max |z|, max denominator, variants
    (ROOT / "examples/templates/or_gate.yaml", Fraction(1, 10), 3, 10000, 60),
    (ROOT / "examples/templates/relu_regression.yaml", Fraction(1, 2), 3, 1000, 100),
    (ROOT / "examples/templates/softmax_classes.yaml", Fraction(1, 10), 2.5, 10000, 60),
    (STRESS, Fraction(1, 2), 2, 400, 80),
]   # 300 variants in all


@functools.lru_cache(maxsize=None)
def variants_of(src, count):
    tpl = load_template(str(src)) if isinstance(src, Path) else template(src)
    return generate(tpl, count, seed=11)


@pytest.mark.parametrize("src,grid,max_z,max_den,count", RULES, ids=["or_gate", "relu", "softmax", "stress"])
def test_every_rule_holds_on_every_variant(src, grid, max_z, max_den, count):
    vs = variants_of(src, count)
    keys = set()
    for v in vs:
        # judge the written file, traced afresh
        t = trace(parse_problem(load_yaml(problem_yaml(v.raw))))
        assert t.to_dict() == v.trace.to_dict()
        check_rules(t, grid, max_z, max_den)
        keys.add(v.key)
    assert len(keys) == count                 # all different


def test_the_rules_do_reject():
    vs = variants_of(STRESS, 80)
    assert sum(v.draws for v in vs) > 2 * len(vs)
    # and drawing without them gives what they reject, so the check above can fail
    tpl = template(STRESS)
    rng, bad = random.Random(0), 0
    for _ in range(200):
        t = trace(parse_problem(tpl.draw(rng)))
        try:
            check_rules(t, Fraction(1, 2), 2, 400)
        except AssertionError:
            bad += 1
    assert bad > 50


# -- determinism --------------------------------------------------------------------------------
def test_same_seed_same_files_different_seed_different(tmp_path):
    tpl = lambda: load_template(str(ROOT / "examples/templates/relu_regression.yaml"))  # noqa: E731
    a = [problem_yaml(v.raw) for v in generate(tpl(), 6, seed=42)]
    b = [problem_yaml(v.raw) for v in generate(tpl(), 6, seed=42)]
    c = [problem_yaml(v.raw) for v in generate(tpl(), 6, seed=43)]
    assert a == b
    assert all(x != y for x, y in zip(a, c))
    # variant k does not depend on how many are asked for
    assert [problem_yaml(v.raw) for v in generate(tpl(), 3, seed=42)] == a[:3]


def test_the_documented_derivation():
    """Variant K of seed S is random.Random("trace-net generate S K"), specs in file order,
    entries row by row, each the randrange(count)-th value of its grid."""
    tpl = template("""\
data: {x: [[1, 0], [0, 1]], y: [[1], [0]]}
network:
  - linear: {W: {random: [-1, 1], step: 0.1, shape: [2, 2]}, b: {random_int: [-3, 3]}}
  - linear: {W: {choice: [0.5, 1, 2]}}
loss: mse
optimizer: {sgd: {lr: 0.1}}
generate: {max_denominator: 100000}
""")
    v = generate(tpl, 2, seed=7)[1]
    assert v.draws == 1
    rng = random.Random("trace-net generate 7 2")
    W1 = [[Fraction(-1) + rng.randrange(21) * Fraction(1, 10) for _ in range(2)] for _ in range(2)]
    b1 = [-3 + rng.randrange(7) for _ in range(2)]
    W2 = [[[Fraction(1, 2), 1, 2][rng.randrange(3)] for _ in range(2)]]
    L1, L2 = v.problem.layers
    assert (L1.W, L1.b, L2.W) == (W1, b1, W2)


def test_same_files_whatever_the_hash_seed(tmp_path):
    code = ("from tracer.generate import load_template, generate\n"
            "from tracer.generate.output import problem_yaml\n"
            f"t = load_template({str(ROOT / 'examples/templates/softmax_classes.yaml')!r})\n"
            "print(''.join(problem_yaml(v.raw) for v in generate(t, 3, seed=5)))")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": h}, cwd=ROOT).stdout for h in ("1", "2")]
    assert outs[0] == outs[1] and "variant 3" in outs[0]


# -- templates ------------------------------------------------------------------------------------
def test_shapes_implied_and_shorthand():
    tpl = template("""\
data: {x: {random_int: [0, 3]}, y: [[1], [0], [1]]}
network: {sizes: [2, 3, 1], activations: sigmoid, b: false}
loss: mse
optimizer: {sgd: {lr: {choice: [0.1, 0.2]}}}
""")
    v = generate(tpl, 1, seed=1)[0]
    p = v.problem
    assert [len(r) for r in p.x] == [2, 2, 2]
    assert [L.shape for L in p.layers] == [(3, 2), (1, 3)]
    assert all(L.b is None and L.activation == "sigmoid" for L in p.layers)
    assert all(w != 0 for L in p.layers for r in L.W for w in r)     # the default spec is nonzero
    assert p.opt_opts["lr"] in (Fraction(1, 10), Fraction(1, 5))


def test_drawn_numbers_keep_their_text():
    tpl = template("""\
data: {x: [[1]], y: [[1]]}
network: [{linear: {W: {random: [0.25, 0.75], step: 0.25, shape: [1, 1]}, b: {random: [0, 1], step: 1/3}}}]
loss: mse
optimizer: {sgd: {lr: 0.1}}
generate: {max_denominator: 100000}
""")
    texts = set()
    for v in generate(tpl, 6, seed=3):
        text = problem_yaml(v.raw)
        texts |= {line.strip() for line in text.splitlines() if "W:" in line or "b:" in line}
        assert parse_problem(load_yaml(text)) == v.problem
    assert texts <= {"W: [[0.25]]", "W: [[0.5]]", "W: [[0.75]]", 'b: [0]', 'b: ["1/3"]', 'b: ["2/3"]', "b: [1]"}


# -- the command ------------------------------------------------------------------------------------
def test_files_of_every_variant(tmp_path):
    out = tmp_path / "hw"
    r = invoke("generate", ROOT / "examples/templates/or_gate.yaml", "-n", 3, "--seed", 1, "-o", out, "--combined")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{k}-{i}.{e}" for i in (1, 2, 3) for k, e in
                            [("problem", "yaml"), ("answers", "yaml"), ("sheet", "md"), ("solution", "md")]]
                           + ["sheets.md", "solutions.md", ".trace-net-generate"])
    for i in (1, 2, 3):
        sol = invoke(out / f"problem-{i}.yaml")
        assert sol.output == (out / f"solution-{i}.md").read_text()
        assert f"(variant {i})" in sol.output
        assert (out / f"sheet-{i}.md").read_text() != sol.output
        key = load_yaml((out / f"answers-{i}.yaml").read_text())
        t = trace(parse_problem(load_yaml((out / f"problem-{i}.yaml").read_text())))
        assert set(key) == {q.name for q in t.steps[0].shown()}
        assert np.allclose(np.array(key["W1_next"], dtype=float), floats(t, "W1_next", 0), rtol=1e-15, atol=0)
    assert (out / "solutions.md").read_text().count("(variant") >= 3
    again = tmp_path / "again"
    assert invoke("generate", ROOT / "examples/templates/or_gate.yaml", "-n", 3, "--seed", 1, "-o", again).exit_code == 0
    for p in again.iterdir():
        if p.name != ".trace-net-generate":     # the list of files: this run has no combined ones
            assert p.read_bytes() == (out / p.name).read_bytes()


def test_answers_hold_exact_fractions_and_steps():
    v = generate(load_template(str(ROOT / "examples/templates/relu_regression.yaml")), 1, seed=2)[0]
    a = answers(v.trace)
    t = trace(parse_problem(load_yaml(problem_yaml(v.raw)) | {"numbers": "float"}))
    for name, val in a.items():
        exact = np.vectorize(lambda e: float(Fraction(e)))(np.array(val, dtype=object))
        assert np.allclose(exact, floats(t, name, 0), rtol=1e-12, atol=1e-15), name
    two = generate(load_template(str(ROOT / "examples/templates/softmax_classes.yaml")), 1, seed=2)[0]
    assert len(answers(two.trace)["steps"]) == 2


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_answer_key_grades_all_correct(path, tmp_path):
    pytest.importorskip("tracer.check")
    if "check" not in SUBCOMMANDS:
        pytest.skip("trace-net check is not registered yet")
    r = invoke("generate", path, "-n", 4, "--seed", 9, "-o", tmp_path)
    assert r.exit_code == 0, r.output
    for k in range(1, 5):
        c = invoke("check", tmp_path / f"problem-{k}.yaml", tmp_path / f"answers-{k}.yaml")
        assert c.exit_code == 0, c.output


@pytest.mark.parametrize("mode", ["round: 3", "numbers: float", "bias: augmented\nlayout: rows"])
def test_answer_keys_in_every_number_mode(mode, tmp_path):
    pytest.importorskip("tracer.check")
    if "check" not in SUBCOMMANDS:
        pytest.skip("trace-net check is not registered yet")
    src = tmp_path / "t.yaml"
    # the mode's keys replace the template's own (a key given twice is refused)
    keys = {line.split(":")[0] for line in mode.splitlines()}
    own = [line for line in (ROOT / "examples/templates/or_gate.yaml").read_text().splitlines()
           if line.split(":")[0] not in keys]
    src.write_text(mode + "\n" + "\n".join(own) + "\n")
    assert invoke("generate", src, "-n", 2, "--seed", 3, "-o", tmp_path / "o").exit_code == 0
    for k in (1, 2):
        problem, key = tmp_path / "o" / f"problem-{k}.yaml", tmp_path / "o" / f"answers-{k}.yaml"
        assert invoke("check", problem, key).exit_code == 0
        # and the checker does read the key: one entry off by 0.1 is graded wrong
        a = load_yaml(key.read_text())
        a["Z1"][0][0] = float(Fraction(a["Z1"][0][0])) + 0.1
        bad = tmp_path / "bad.yaml"
        bad.write_text(dump(a))
        assert invoke("check", problem, bad).exit_code == 1


def test_latex_sheets_compile(tmp_path):
    import shutil
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    r = invoke("generate", ROOT / "examples/templates/softmax_classes.yaml", "-n", 2, "--seed", 4,
               "-o", tmp_path, "--format", "pdf", "--combined")
    assert r.exit_code == 0, r.output
    for name in ("sheet-1.pdf", "solution-2.pdf", "sheets.pdf", "solutions.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        # each sheet of the combined document keeps its own title (article's \maketitle works once)
        for name in ("sheets.pdf", "solutions.pdf"):
            text = subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True,
                                  text=True, check=True).stdout
            assert "(variant 1)" in text and "(variant 2)" in text


# -- bad templates ----------------------------------------------------------------------------------
BASE = """\
data: {x: [[0, 1], [1, 0]], y: [[1], [0]]}
network:
  - linear: {W: %s, b: [0]}
  - sigmoid
loss: mse
optimizer: {sgd: {lr: 0.1}}
"""
BAD = [
    (BASE % "{random: [-1, 1], stp: 0.1}", "network[0].linear.W.stp: unknown key (did you mean 'step'?)"),
    (BASE % "{randon: [-1, 1]}", "network[0].linear.W.randon: unknown key (did you mean 'random'?)"),
    (BASE % "{random: [1, -1]}", "network[0].linear.W.random: empty range"),
    (BASE % "{random_int: [0, 0], nonzero: true}", "network[0].linear.W: no value to draw"),
    (BASE % "{random: [0, 1], random_int: [0, 1]}", "exactly one of random, random_int, choice"),
    (BASE % "{random_int: [0, 1], step: 0.5}", "network[0].linear.W.step: step is for random"),
    (BASE % "{choice: []}", "network[0].linear.W.choice: needs at least 1"),
    (BASE % "{random: [4, 5]}", "t.yaml: no nice draw for variant 1 in 30 attempts; rejected by: saturated 30×"),
    (BASE.replace("b: [0]}", "b: {random: [0, 1]}}\n  - linear: {W: {random: [0, 1]}}") % "{random: [0, 1]}",
     "network[0].linear.W: its shape cannot be implied (the width of linear layer 1 is given nowhere"),
    (BASE % "{choice: [1]}", "asks for 2 different variants, but the template's random specs allow only 1"),
    (BASE.replace("network:\n  - linear: {W: %s, b: [0]}\n  - sigmoid", "network: {sizes: [3, 1], activations: [sigmoid]}"),
     "network.sizes: [3, 1] makes linear layer 1's W 1×3, but the data has 2 features"),
    # the shorthand's own keys, not the layers it expands to
    (BASE.replace("network:\n  - linear: {W: %s, b: [0]}\n  - sigmoid", "network: {sizes: [2, 1], activations: sigmoid, "
                  "b: {random: [1, -1]}}"), "network.b.random: empty range: low 1 is above high -1"),
    (BASE.replace("network:\n  - linear: {W: %s, b: [0]}\n  - sigmoid", "network: {sizes: [2, 1], activations: sigmoid, "
                  "b: [1, 2]}"), "network.b: length 2, but W has 1 rows (linear layer 1)"),
    (BASE.replace("network:\n  - linear: {W: %s, b: [0]}\n  - sigmoid", "network: {sizes: [2, 2], activations: softmax}")
     .replace("y: [[1], [0]]", "y: {random_int: [0, 1]}").replace("loss: mse", "loss: cross_entropy"),
     "data.y: without shape, a spec fills a samples × outputs matrix entry by entry, which makes no one-hot "
     "rows; for class indices, one per sample, add shape: [2]"),
    ("numbers: symbolic\n" + BASE % "[[1, 2]]", "numbers: generate draws numeric variants"),
    (BASE % "{random: [-1, 1]}" + "generate: {attempts: 0}", "generate.attempts: must be at least 1"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_bad_templates_one_message_exit_2_nothing_written(text, message, tmp_path):
    src = tmp_path / "t.yaml"
    src.write_text(text + ("generate: {attempts: 30}\n" if "[4, 5]" in text else ""))
    out = tmp_path / "out"
    r = invoke("generate", src, "-n", 2, "-o", out)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_template_error_is_a_problem_error():
    with pytest.raises(TemplateError) as e:
        template(BASE % "{random: [1, 0]}")
    assert e.value.place == "network[0].linear.W.random"


def test_momentum_that_never_shows_is_warned_of(tmp_path):
    src = tmp_path / "t.yaml"
    src.write_text(BASE.replace("lr: 0.1", "lr: 0.1, momentum: {choice: [0.5, 0.9]}") % "{random: [-1, 1]}")
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path / "o")])
    assert r.exit_code == 0
    assert r.stderr.startswith("Warning: optimizer.sgd.momentum: with steps: 1 the momentum never shows")
    src.write_text("steps: 2\n" + src.read_text())
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path / "o2")])
    assert r.exit_code == 0 and "Warning" not in r.stderr
