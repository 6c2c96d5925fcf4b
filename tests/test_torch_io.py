"""tracer.from_torch: the trace of a PyTorch setup equals what PyTorch computes for the same
step, every quantity (Z, A, ∂J/∂A, Δ via retain_grad, J, ∂J/∂W, ∂J/∂b, W_next), float64;
unsupported modules named; to_yaml writes problem files that read back to the same problem."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
nn = torch.nn

from click.testing import CliRunner  # noqa: E402
from torch_reference import torch_steps  # noqa: E402

from tracer import ProblemError, load_problem, parse_problem, trace  # noqa: E402
from tracer.problem import load_yaml  # noqa: E402
from tracer.torch_io import from_torch, to_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def setup(case):
    torch.manual_seed(11)
    x = torch.randn(4, 3, dtype=torch.float64)
    if case == "mse_mean":
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.Identity())
        return model, x, torch.randn(4, 2, dtype=torch.float64), nn.MSELoss(), None
    if case == "mse_sum_softmax":
        model = nn.Sequential(nn.Linear(3, 3), nn.LeakyReLU(0.2), nn.Linear(3, 3), nn.Softmax(dim=-1))
        return model, x, torch.rand(4, 3, dtype=torch.float64), nn.MSELoss(reduction="sum"), None
    if case == "ce_indices":
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3))
        return model, x, torch.tensor([0, 2, 1, 2]), nn.CrossEntropyLoss(), "softmax"
    if case == "ce_sum_probs":
        model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 3))
        y = torch.softmax(torch.randn(4, 3, dtype=torch.float64), dim=-1)
        return model, x, y, nn.CrossEntropyLoss(reduction="sum"), "softmax"
    if case == "bce":
        model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 2), nn.Sigmoid())
        return model, x, torch.tensor([[1.0, 0], [0, 1], [1, 1], [0, 0]], dtype=torch.float64), nn.BCELoss(reduction="sum"), None
    if case == "bce_logits":
        model = nn.Sequential(nn.Linear(3, 2, bias=False), nn.ReLU(), nn.Linear(2, 1))
        return model, x, torch.tensor([[1.0], [0], [1], [0]], dtype=torch.float64), nn.BCEWithLogitsLoss(), "sigmoid"
    if case == "bce_mean_2_outputs":       # torch's 'mean' over samples and outputs: bce outputs: mean
        model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2), nn.Sigmoid())
        return model, x, torch.tensor([[1.0, 0], [0, 1], [1, 1], [0, 0]], dtype=torch.float64), nn.BCELoss(), None
    if case == "bce_logits_mean_2_outputs":
        model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 2))
        return model, x, torch.tensor([[0.0, 1], [1, 1], [0, 0], [1, 0]], dtype=torch.float64), \
            nn.BCEWithLogitsLoss(), "sigmoid"
    raise ValueError(case)


@pytest.mark.parametrize("case", ["mse_mean", "mse_sum_softmax", "ce_indices", "ce_sum_probs", "bce", "bce_logits",
                                  "bce_mean_2_outputs", "bce_logits_mean_2_outputs"])
def test_trace_equals_pytorch_every_quantity(case):
    model, x, y, loss, probs = setup(case)
    model = model.double()
    opt = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.5)
    problem = from_torch(model, x, y, loss, opt, steps=2)
    t = trace(problem)
    ref = torch_steps(model, x, y, loss, opt, 2, probs=probs)
    L = len(problem.layers)
    for s in range(2):
        names = set(ref[s]) - {"batch"}
        assert {f"Z{l}" for l in range(1, L + 1)} | {f"dZ{l}" for l in range(1, L + 1)} <= names
        assert {"J", f"A{L}", "dW1", "W1_next", "dA1"} <= names
        for name in names:
            got = np.array(t.floats(t.steps[s][name]), dtype=float)
            np.testing.assert_allclose(got, ref[s][name], rtol=1e-10, atol=1e-12, err_msg=f"{case}, step {s}, {name}")


def test_problem_of_pytorch_is_rows_layout_and_names_its_loss():
    model, x, y, loss, _ = setup("ce_indices")
    p = from_torch(model, x, y, loss, torch.optim.AdamW(model.parameters(), lr=0.01, betas=(0.8, 0.9)))
    assert p.layout == "rows" and p.loss == "cross_entropy" and p.layers[-1].activation == "softmax"
    assert p.optimizer == "adamw" and [float(b) for b in p.opt_opts["betas"]] == [0.8, 0.9]
    assert p.y_indices == [0, 2, 1, 2]


@pytest.mark.parametrize("build, place, words", [
    (lambda: (nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5)), nn.MSELoss(), "SGD"), "model[1]", "Dropout is not supported"),
    (lambda: (nn.Sequential(nn.Linear(3, 2), nn.Softmax(dim=0)), nn.MSELoss(), "SGD"), "model[1]", "dim=-1"),
    (lambda: (nn.Sequential(nn.Linear(3, 2)), nn.L1Loss(), "SGD"), "loss", "L1Loss is not supported"),
    (lambda: (nn.Sequential(nn.Linear(3, 2), nn.Softmax(dim=-1)), nn.CrossEntropyLoss(), "SGD"), "loss", "takes logits"),
    (lambda: (nn.Sequential(nn.Linear(3, 1)), nn.BCELoss(), "SGD"), "loss", "Sigmoid"),
    (lambda: (nn.Sequential(nn.Linear(3, 2)), nn.MSELoss(reduction="none"), "SGD"), "loss", "reduction='none'"),
    (lambda: (nn.Sequential(nn.Linear(3, 2)), nn.MSELoss(), "RMSprop"), "optimizer", "RMSprop is not supported"),
    (lambda: (nn.Sequential(nn.Linear(3, 2)), nn.MSELoss(), "amsgrad"), "optimizer", "amsgrad"),
    (lambda: (nn.Linear(3, 2), nn.MSELoss(), "SGD"), "model", "nn.Sequential"),
])
def test_unsupported_named(build, place, words):
    model, loss, kind = build()
    model = model.double()
    if kind == "amsgrad":
        opt = torch.optim.Adam(model.parameters(), amsgrad=True)
    else:
        opt = getattr(torch.optim, kind)(model.parameters(), lr=0.1)
    x, y = torch.zeros(2, 3, dtype=torch.float64), torch.zeros(2, 2, dtype=torch.float64)
    with pytest.raises(ProblemError) as e:
        from_torch(model, x, y, loss, opt)
    assert str(e.value).startswith(place + ":") and words in str(e.value), str(e.value)


@pytest.mark.parametrize("path", sorted(ROOT.glob("worked_examples/*/problem.yaml")), ids=lambda p: p.parent.name)
def test_to_yaml_reads_back_to_the_same_problem_and_trace(path):
    p = load_problem(str(path))
    text = to_yaml(p, "round trip")
    assert text.startswith("# round trip\n")
    q = parse_problem(load_yaml(text))
    assert q == p
    assert trace(q).to_json() == trace(p).to_json()


def test_from_torch_command(tmp_path):
    script = tmp_path / "setup.py"
    script.write_text(
        "import torch\n"
        "def make():\n"
        "    torch.manual_seed(0)\n"
        "    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1)).double()\n"
        "    x = torch.tensor([[0.5, 1.0], [1.0, -1.0]], dtype=torch.float64)\n"
        "    y = torch.tensor([[1.0], [0.0]], dtype=torch.float64)\n"
        "    return m, x, y, torch.nn.MSELoss(), torch.optim.Adam(m.parameters(), lr=0.01)\n")
    from tracer.cli import main
    out = tmp_path / "p.yaml"
    r = CliRunner().invoke(main, ["from-torch", str(script), "--steps", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    p = load_problem(str(out))
    assert p.optimizer == "adam" and p.steps == 2 and p.numbers == "float"
    r = CliRunner().invoke(main, ["from-torch", str(script), "--function", "nope"])
    assert r.exit_code == 2 and "no function 'nope'" in r.output
