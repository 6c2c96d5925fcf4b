"""worked_examples/: the committed worksheets are what trace-net renders now, and each
example reproduces its seed's correct numbers.

The expected numbers come from outside the engine: exact fractions worked out by hand from
the seeds (after their slips are corrected, see each folder's README.md), the seeds' own
correct digits at the precision they were written, and PyTorch autograd/SGD in float64.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import ex, fl
import tracer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "worked_examples"

spec = importlib.util.spec_from_file_location("regen_examples", ROOT / "scripts" / "regen_examples.py")
regen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regen)

FOLDERS = [d.name for d in regen.example_dirs()]
SEED_FOLDERS = ["mfnet_report_000", "mfnet_report_001", "or_gate", "relu_sigmoid_332", "relu_three_iterations"]


def trace(name, **over):
    return tracer.trace_file(EXAMPLES / name / "problem.yaml", **over)


def q(rows, d=1):
    return [[F(v) / d for v in r] for r in rows]


# --- the folders are complete and the worksheets fresh -------------------------------------

def test_every_required_folder_exists():
    assert set(SEED_FOLDERS + ["softmax_classifier", "tanh_rows"]) <= set(FOLDERS)


@pytest.mark.parametrize("name", FOLDERS)
def test_folder_is_complete(name):
    d = EXAMPLES / name
    for f in ("problem.yaml", "README.md", "worksheet.md", regen.FIGURE, "worksheet.tex", "worksheet.pdf"):
        assert (d / f).is_file(), f"worked_examples/{name}/{f} is missing"
    index = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert f"({name}/" in index, f"worked_examples/README.md does not link {name}/"


@pytest.mark.parametrize("name", SEED_FOLDERS)
def test_seed_folder_names_its_seed_and_errata(name):
    readme = (EXAMPLES / name / "README.md").read_text(encoding="utf-8")
    prob = (EXAMPLES / name / "problem.yaml").read_text(encoding="utf-8")
    seed = next(s for s in ("000_", "001_", "002_", "003_", "004_") if s in prob)
    assert seed in readme and "Errata" in readme
    answers = yaml.safe_load((EXAMPLES / name / "seed_answers.yaml").read_text(encoding="utf-8"))
    assert answers


@pytest.fixture(scope="module")
def fresh():
    """Every folder's Markdown and LaTeX worksheet, rendered now by the trace-net command."""
    return regen.render_all([EXAMPLES / n for n in FOLDERS], ("worksheet.md", "worksheet.tex"))


@pytest.mark.parametrize("name", FOLDERS)
@pytest.mark.parametrize("file", ["worksheet.md", regen.FIGURE, "worksheet.tex"])
def test_committed_worksheet_is_fresh(fresh, name, file):
    committed = (EXAMPLES / name / file).read_bytes()
    assert committed == fresh[EXAMPLES / name][file], \
        f"worked_examples/{name}/{file} is stale: run python3 scripts/regen_examples.py"


def _pdf_text(data: bytes, tmp: Path) -> tuple[str, str]:
    p = tmp / "w.pdf"
    p.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout
    pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
    text = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
                    reason="needs pdflatex and poppler-utils")
def test_committed_pdfs_are_fresh(tmp_path):
    """PDF bytes depend on the TeX Live version, so compare what a reader sees: page count and
    text.  (With SOURCE_DATE_EPOCH=0 the bytes also match on the machine that rendered them.)"""
    new = regen.render_all([EXAMPLES / n for n in FOLDERS], ("worksheet.pdf",))
    for folder, files in new.items():
        committed = (folder / "worksheet.pdf").read_bytes()
        if committed == files["worksheet.pdf"]:
            continue
        assert _pdf_text(committed, tmp_path) == _pdf_text(files["worksheet.pdf"], tmp_path), \
            f"worked_examples/{folder.name}/worksheet.pdf is stale: run python3 scripts/regen_examples.py"


def test_regen_check_mode_reports_a_stale_file(tmp_path, monkeypatch):
    """--check exits 1 and names the file when a worksheet differs from a fresh render."""
    folder = tmp_path / "worked_examples" / "tiny"
    folder.mkdir(parents=True)
    (folder / "problem.yaml").write_text(
        "data: {x: [[1]], y: [[0]]}\nnetwork: [{linear: {W: [[2]], b: [0]}}]\nloss: mse\n"
        "optimizer: {sgd: {lr: 0.5}}\n", encoding="utf-8")
    (folder / "worksheet.md").write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(regen, "EXAMPLES", tmp_path / "worked_examples")
    monkeypatch.setattr(regen, "ROOT", tmp_path)
    monkeypatch.setattr(regen, "pdf_available", lambda: False)
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    assert regen.main(["--check"]) == 1
    assert (folder / "worksheet.md").read_text(encoding="utf-8") == "old\n"
    assert regen.main([]) == 0
    assert regen.main(["--check"]) == 0
    assert "J" in (folder / "worksheet.md").read_text(encoding="utf-8")


# --- the errata each README lists are what `trace-net check` finds in the seed's numbers ----

ERRATA = [   # (folder, flags, {(step, name): verdict} for every answer that is not "correct")
    ("mfnet_report_000", [], {(0, "A0"): "wrong", (0, "W1"): "wrong", (0, "W1_next"): "carried"}),
    ("mfnet_report_001", [], {(0, "A0"): "wrong", (0, "W1"): "wrong", (0, "dA3"): "wrong",
                              **{(0, n): "carried" for n in ("dZ3", "dW3", "dA2", "dZ2", "dW2", "dA1", "dZ1", "dW1",
                                                             "W1_next", "W2_next", "W3_next")}}),
    ("or_gate", [], {(0, n): "wrong" for n in ("dZ2", "dW2", "dA1", "dZ1")}),
    ("or_gate", ["--sigfigs", "2"], {(0, n): "wrong" for n in ("dZ2", "dW2", "dA1", "dZ1", "db1")}),
    # the seed's updates use "average" gradients of data it does not show: measured on the
    # update θ_new − θ (not on θ_new), three of them are not this sample's
    ("relu_sigmoid_332", [], {(0, n): "wrong" for n in ("W1_next", "b1_next", "W2_next")}),
    ("relu_sigmoid_332", ["--sigfigs", "6"],
     {(0, n): "wrong" for n in ("db1", "W1_next", "b1_next", "W2_next", "b2_next")}),
    ("relu_three_iterations", [], {(1, "b2"): "wrong"}),
    ("relu_three_iterations", ["--sigfigs", "4"], {(1, "b2"): "wrong", (1, "db1"): "wrong", (2, "b3"): "wrong"}),
]


@pytest.mark.parametrize("name,flags,expected", ERRATA, ids=[f"{n}{''.join(f)}" for n, f, _ in ERRATA])
def test_check_finds_the_documented_errata(name, flags, expected):
    import json
    d = EXAMPLES / name
    r = subprocess.run([sys.executable, "-m", "tracer.cli", "check", str(d / "problem.yaml"),
                        str(d / "seed_answers.yaml"), "--format", "json", *flags],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == (1 if expected else 0), r.stderr
    found = {(x["step"], x["name"]): x["status"] for x in json.loads(r.stdout)["results"] if x["status"] != "correct"}
    assert found == expected


# --- seeds 000 and 001: the mfnet report, exact fractions worked by hand --------------------

def test_mfnet_000_half_mse():
    t = trace("mfnet_report_000")
    assert ex(t, "A0") == q([[1, 1, 1, 1], [1, 1, 2, 2], [2, 3, 2, 3]])
    assert ex(t, "W1") == q([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 0]])
    assert ex(t, "Z1") == q([[1, 1, 1, 1], [2, 3, 2, 3], [3, 4, 4, 5], [2, 2, 3, 3]])
    assert ex(t, "A3") == q([[1, 1, 1, 1], [2, 0, 3, 1]])
    assert ex(t, "J") == F(1, 2)
    assert ex(t, "dA3") == q([[0, 0, 0, 0], [1, -1, 1, -1]], 4)
    assert ex(t, "dW3") == q([[0, 0, 0], [0, -2, -6]], 4)
    assert ex(t, "dA1") == q([[2, -2, 2, -2], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]], 4)
    assert ex(t, "dW1") == q([[0, 0, 0], [0, 0, 0], [0, 0, 4], [0, 0, -6]], 4)
    assert ex(t, "W3_next") == q([[1, 0, 0], [0, 3, 5]])
    assert ex(t, "W2_next") == q([[1, 0, 0, 0], [1, 3, 2, 1], [-1, -1, 0, -2]])
    assert ex(t, "W1_next") == q([[1, 0, 0], [0, 0, 1], [0, 1, -3], [1, 1, 6]])   # report: [1, 0, 6]


def test_mfnet_001_mean_mse_doubles_the_gradients():
    """J = (1/m) Σ‖ŷ − y‖² = 4/4 = 1; ∂J/∂Ŷ = (2/m)(Ŷ − Ỹ) = ½[…], not the report's ¼[…]."""
    t = trace("mfnet_report_001")
    assert ex(t, "J") == 1
    assert ex(t, "dA3") == q([[0, 0, 0, 0], [1, -1, 1, -1]], 2)
    assert ex(t, "dW3") == q([[0, 0, 0], [0, -1, -3]])
    assert ex(t, "dW2") == q([[0, 0, 0, 0], [0, -1, -1, 0], [0, 1, 1, 0]])
    assert ex(t, "dW1") == q([[0, 0, 0], [0, 0, 0], [0, 0, 2], [0, 0, -3]])
    assert ex(t, "W3_next") == q([[1, 0, 0], [0, 5, 11]])
    assert ex(t, "W2_next") == q([[1, 0, 0, 0], [1, 5, 4, 1], [-1, -3, -2, -2]])
    assert ex(t, "W1_next") == q([[1, 0, 0], [0, 0, 1], [0, 1, -7], [1, 1, 12]])


# --- seed 002: the OR gate, the seed's correct digits -----------------------------------------

def test_or_gate_matches_the_seeds_correct_digits():
    t = trace("or_gate")
    assert ex(t, "Z1") == q([["0.3", "0.7", "0.5", "0.9"], ["0.5", "1", "0.8", "1.3"]])
    close = lambda name, want, tol: np.testing.assert_allclose(fl(t, name), want, atol=tol, rtol=0)
    close("A1", [[0.574, 0.668, 0.622, 0.711], [0.622, 0.731, 0.690, 0.786]], 5e-4)
    close("Z2", [[1.103, 1.206, 1.163, 1.256]], 5e-4)
    close("A2", [[0.751, 0.770, 0.762, 0.778]], 5e-4)          # seed: 0.752 for the first
    close("J", 0.090, 5e-4)
    close("dZ2", np.array([[0.140, -0.041, -0.043, -0.038]]) / 4, 5e-4 / 4)   # seed's δ is 4·Δ
    close("dA1", np.array([[0.056, -0.016, -0.017, -0.015], [0.084, -0.025, -0.026, -0.023]]) / 4, 5e-4 / 4)
    close("dZ1", np.array([[0.0137, -0.0036, -0.0041, -0.0031], [0.0198, -0.0048, -0.0055, -0.0039]]) / 4,
          5e-5 / 4)
    close("dW2", [[-0.0002, -0.0006]], 5e-5)
    close("db2", [0.0045], 5e-5)
    close("dW1", [[-0.0018, -0.0017], [-0.0024, -0.0022]], 5e-5)
    close("db1", [0.0007, 0.0014], 5e-5)
    close("W2_next", [[0.4001, 0.6003]], 5e-5)
    close("b2_next", [0.4977], 5e-5)                            # seed: 0.4978
    close("W1_next", [[0.2009, 0.4008], [0.3012, 0.5011]], 5e-5)
    close("b1_next", [0.2996, 0.4993], 5e-5)


# --- seed 003: 3-3-2 ReLU → sigmoid, one sample ---------------------------------------------

def test_relu_sigmoid_332_matches_the_seeds_correct_digits():
    t = trace("relu_sigmoid_332")
    assert ex(t, "Z1") == [[F("0.1")], [F("-0.3")], [F("0.9")]]
    assert ex(t, "A1") == [[F("0.1")], [0], [F("0.9")]]
    assert ex(t, "Z2") == [[F("-0.27")], [F("0.44")]]
    close = lambda name, want, tol=5e-7: np.testing.assert_allclose(fl(t, name), want, atol=tol, rtol=0)
    close("A2", [[0.432907], [0.608259]])
    close("J", 0.345787)
    close("dA2", [[-0.567093], [0.608259]])
    close("db2", [-0.1392205, 0.1449360])
    close("dW2", [[-0.01392205, 0, -0.12529845], [0.01449359, 0, 0.13044235]], 5e-8)
    close("dW1", [[-0.0574028, -0.1148057, -0.1722085], [0, 0, 0], [0.0713249, 0.1426498, 0.2139746]])
    close("db1", [-0.0574028, 0, 0.0713249])               # seed: 0.0713224885 for the last
    # one SGD step on this sample alone (the seed's update used other, undisclosed gradients)
    close("W1_next", [[0.10057403, 0.20114806, -0.09827791], [-0.3, 0.4, -0.2],
                      [0.49928675, 0.59857350, -0.30213975]], 5e-9)
    close("b2_next", [-0.09860780, 0.19855064], 5e-9)


# --- seed 004: three iterations, exact fractions worked by hand ----------------------------

def test_relu_three_iterations_by_hand():
    t = trace("relu_three_iterations")
    assert ex(t, "A3", 0) == [[F(9, 2)]]
    assert ex(t, "dW1", 0) == [[14], [14]] and ex(t, "db1", 0) == [7, 7]
    assert ex(t, "dW2", 0) == q([["5.25", "5.25"]] * 2) and ex(t, "dW3", 0) == q([["8.75", "8.75"]])
    assert ex(t, "b3_next", 0) == [F("-0.535")]
    # iteration 1 starts from the update: b2 = −0.535 (the seed writes −0.335)
    assert ex(t, "b2", 1) == [F("-0.535")] * 2
    assert ex(t, "Z2", 1) == q([["1.64425"] * 2])               # 2·1.15·0.9475 − 0.535
    assert ex(t, "A3", 1) == [[F("2.46575625")]]                # 2·1.64425·0.9125 − 0.535
    assert ex(t, "db3", 1) == [F("1.46575625")]
    assert ex(t, "db2", 1) == [F("1.46575625") * F("0.9125")] * 2
    assert ex(t, "db1", 1) == [F("1.46575625") * F("0.9125") * 2 * F("0.9475")] * 2   # 2.5346 (seed: 2.5436)
    assert ex(t, "dW1", 1) == [[2 * F("1.46575625") * F("0.9125") * 2 * F("0.9475")]] * 2   # 5.0691
    assert ex(t, "b3_next", 1) == [F("-0.535") - F("0.01") * F("1.46575625")]   # −0.5497 (seed later: −0.5499)
    np.testing.assert_allclose(fl(t, "A3", 2), [[1.8654]], atol=5e-5, rtol=0)


# --- published examples: the numbers as the source prints them ------------------------------

def published(t, name, want, step=0):
    """`want` as printed (a string per entry): equal to within half a unit of its last digit."""
    got = fl(t, name, step).ravel()
    want = np.array(want, dtype=object).ravel()
    assert len(got) == len(want), name
    for g, w in zip(got, want):
        digits = len(w.split(".")[1]) if "." in w else 0
        assert abs(g - float(w)) <= 0.5 * 10 ** -digits + 1e-12, f"{name}: {g!r} is not {w} as printed"


def test_mazur_blog_numbers():
    """Mazur, "A Step by Step Backpropagation Example": every number the blog gives."""
    t = trace("mazur_2_2_2")
    published(t, "Z1", ["0.3775", "0.3925"])
    published(t, "A1", ["0.593269992", "0.596884378"])
    assert abs(fl(t, "Z2")[0, 0] - 1.105905967) <= 5e-10                     # net_o1
    published(t, "A2", ["0.75136507", "0.772928465"])
    published(t, "J", ["0.298371109"])
    assert abs(fl(t, "dA2")[0, 0] - 0.74136507) <= 5e-9                      # ∂E/∂out_o1
    assert abs(fl(t, "dZ2")[0, 0] - 0.74136507 * 0.186815602) <= 1e-9        # ∂E/∂net_o1
    assert abs(fl(t, "dW2")[0, 0] - 0.082167041) <= 5e-10                    # ∂E/∂w5
    published(t, "W2_next", [["0.35891648", "0.408666186"], ["0.511301270", "0.561370121"]])
    assert abs(fl(t, "dA1")[0, 0] - 0.036350306) <= 5e-10                    # ∂E_total/∂out_h1
    assert abs(fl(t, "dW1")[0, 0] - 0.000438568) <= 5e-10                    # ∂E_total/∂w1
    published(t, "W1_next", [["0.149780716", "0.19956143"], ["0.24975114", "0.29950229"]])
    assert ex(t, "b1_next") == [F("0.35")] * 2 and ex(t, "b2_next") == [F("0.6")] * 2   # not updated
    md = (EXAMPLES / "mazur_2_2_2" / "worksheet.md").read_text(encoding="utf-8")
    for shown in ("0.298371109", "0.593269992", "0.358916480", "0.149780716"):   # 9 decimals, as the blog
        assert shown in md


def test_hagan_chapter_11_numbers():
    """Hagan, Neural Network Design ch. 11: the book's values to its 3 significant digits."""
    t = trace("hagan_1_2_1")
    published(t, "A1", ["0.321", "0.368"])
    published(t, "A2", ["0.446"])
    e = float(F("1.707106781")) - fl(t, "A2").item()
    assert abs(e - 1.261) <= 5e-4
    np.testing.assert_allclose(fl(t, "dA2"), -2 * e, rtol=1e-12)        # ∂(e²)/∂a = −2e
    published(t, "dZ2", ["-2.522"])
    published(t, "dZ1", ["-0.0495", "0.0997"])
    published(t, "W2_next", ["0.171", "-0.0772"])
    published(t, "b2_next", ["0.732"])
    published(t, "W1_next", ["-0.265", "-0.420"])
    published(t, "b1_next", ["-0.475", "-0.140"])


def test_linear_221_by_hand_and_as_published():
    """HMKCODE's linear 2-2-1 without biases: exact decimals by hand, and the post's roundings."""
    t = trace("linear_2_2_1")
    assert ex(t, "Z1") == q([["0.85", "0.48"]])
    assert ex(t, "A2") == q([["0.191"]])
    assert ex(t, "J") == F("0.809") ** 2 / 2
    assert ex(t, "dZ2") == q([["-0.809"]])
    g = F("0.05") * F("0.809")
    assert ex(t, "W2_next") == [[F("0.14") + g * F("0.85"), F("0.15") + g * F("0.48")]]
    assert ex(t, "W1_next") == [[F("0.11") + g * F("0.14") * 2, F("0.21") + g * F("0.14") * 3],
                                [F("0.12") + g * F("0.15") * 2, F("0.08") + g * F("0.15") * 3]]
    assert ex(t, "W1", 1) == ex(t, "W1_next", 0)
    published(t, "J", ["0.327"])
    published(t, "W2_next", ["0.17", "0.17"])
    published(t, "W1_next", [["0.12", "0.23"], ["0.13", "0.10"]])
    published(t, "A2", ["0.26"], step=1)                       # the prediction after the update
    assert not any(n.startswith("b") for n in t.steps[0].quantities)


# --- every example against PyTorch in float64 ----------------------------------------------

LOSSES = {
    "or_gate": lambda yh, y: ((yh - y) ** 2).sum(1).mean() / 2,
    "relu_sigmoid_332": lambda yh, y: ((yh - y) ** 2).sum() / 2,
    "relu_three_iterations": lambda yh, y: ((yh - y) ** 2).sum(1).mean() / 2,
    "tanh_rows": lambda yh, y: ((yh - y) ** 2).mean(),
}


def _torch_steps(name, steps):
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    p = yaml.safe_load((EXAMPLES / name / "problem.yaml").read_text(encoding="utf-8"))
    num = lambda v: torch.tensor(np.array(v, dtype=float), dtype=torch.float64)
    x, layers, acts = num(p["data"]["x"]), [], {}
    for item in p["network"]:
        if isinstance(item, dict) and "linear" in item:
            lin = item["linear"]
            layers.append([num(lin["W"]).requires_grad_(), num(lin["b"]).requires_grad_()])
        else:
            acts[len(layers)] = item
    fns = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
           "softmax": lambda z: torch.softmax(z, 1)}
    lr = float(F(str(p["optimizer"]["sgd"]["lr"])))
    if name == "softmax_classifier":
        target = torch.tensor(p["data"]["y"])
        loss_fn = lambda a, _: torch.nn.functional.nll_loss(torch.log(a), target)
    else:
        target, loss_fn = num(p["data"]["y"]), LOSSES[name]
    history = []
    for _ in range(steps):
        a = x
        for i, (W, b) in enumerate(layers, 1):
            a = a @ W.T + b
            if i in acts:
                a = fns[acts[i]](a)
        loss = loss_fn(a, target)
        for W, b in layers:
            W.grad = b.grad = None
        loss.backward()
        history.append({"J": loss.item(), **{f"dW{i}": W.grad.numpy().copy() for i, (W, _) in enumerate(layers, 1)},
                        **{f"db{i}": b.grad.numpy().copy() for i, (_, b) in enumerate(layers, 1)}})
        with torch.no_grad():
            for W, b in layers:
                W -= lr * W.grad
                b -= lr * b.grad
        history[-1].update({f"W{i}_next": W.detach().numpy().copy() for i, (W, _) in enumerate(layers, 1)})
        history[-1].update({f"b{i}_next": b.detach().numpy().copy() for i, (_, b) in enumerate(layers, 1)})
    return history


@pytest.mark.parametrize("name", ["or_gate", "relu_sigmoid_332", "relu_three_iterations", "softmax_classifier",
                                  "tanh_rows"])
def test_example_matches_pytorch(name):
    t = trace(name)
    for s, want in enumerate(_torch_steps(name, len(t.steps))):
        for key, value in want.items():
            np.testing.assert_allclose(fl(t, key, s), value, rtol=1e-12, atol=1e-14, err_msg=f"{name} step {s} {key}")


def test_softmax_classifier_by_hand():
    """Logits and the ReLU pattern are exact; Δ^[2] = (softmax − onehot)/m."""
    t = trace("softmax_classifier")
    assert ex(t, "Z1") == q([["-0.5", "1.5"], ["0.75", "-0.5"]])
    assert ex(t, "A1") == q([[0, "1.5"], ["0.75", 0]])
    z = np.array([[-0.75, 1.5], [0.75, 0], [0.375, -1.5]])
    assert ex(t, "Z2") == q(z.tolist())
    p = np.exp(z) / np.exp(z).sum(0)
    np.testing.assert_allclose(fl(t, "A2"), p, rtol=1e-14)
    np.testing.assert_allclose(fl(t, "J"), -(np.log(p[0, 0]) + np.log(p[2, 1])) / 2, rtol=1e-14)
    np.testing.assert_allclose(fl(t, "dZ2"), (p - [[1, 0], [0, 0], [0, 1]]) / 2, rtol=1e-14)
    dz1 = fl(t, "dZ1")
    assert dz1[0, 0] == 0 and dz1[1, 1] == 0                    # the switched-off units


def test_tanh_rows_by_hand():
    t = trace("tanh_rows")
    assert ex(t, "Z1") == q([["-0.5", 0], ["0.5", 0], [0, 1]])
    th = np.tanh
    yhat = np.array([[th(-0.5) + 0.5], [th(0.5) + 0.5], [0.5 - th(1)]])
    np.testing.assert_allclose(fl(t, "A2"), yhat, rtol=1e-14)
    np.testing.assert_allclose(fl(t, "J"), ((yhat - [[1], [1], [0]]) ** 2).mean(), rtol=1e-14)
    np.testing.assert_allclose(fl(t, "dZ2"), 2 * (yhat - [[1], [1], [0]]) / 3, rtol=1e-14)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
