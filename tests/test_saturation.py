"""Right numbers at saturation (issue 15.6): sigmoid + BCE gives ∂J/∂Z = c(Ŷ − Y) for any
targets, so the trace never divides by ŷ(1 − ŷ).  At z = 40 and y = 0 the true gradient
(torch's BCEWithLogitsLoss in float64) is σ(40) ≈ 1; dividing by a clamped ŷ(1 − ŷ) gave 0
(float) or 4.2·10⁻⁶ (exact).
"""
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")

from tracer import ops, parse_problem, trace  # noqa: E402


def problem(numbers, y, W):
    return {"numbers": numbers, "layout": "rows",
            "data": {"x": [[1, 2]], "y": [y]},
            "network": [{"linear": {"W": W, "b": [0] * len(W)}}, "sigmoid"],
            "loss": {"bce": {"outputs": "sum"}}, "optimizer": {"sgd": {"lr": 0.1}}}


def torch_grads(y, W):
    x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(len(W), dtype=torch.float64, requires_grad=True)
    loss = torch.nn.BCEWithLogitsLoss(reduction="sum")(x @ w.T + b, torch.tensor([y], dtype=torch.float64))
    loss.backward()
    return w.grad.numpy(), b.grad.numpy(), float(loss.detach())


CASES = [
    ([0], [[20, 10]]),                 # z = 40, y = 0: the gradient is σ(40) ≈ 1
    ([1], [[-20, -10]]),               # z = −40, y = 1: −σ(40)
    ([0, 0], [[20, 10], [-20, -10]]),  # two outputs whose targets do not sum to 1
    ([0.25, 1], [[20, 10], [1, 0.5]]),  # soft targets
]


@pytest.mark.parametrize("numbers", ["float", "exact"])
@pytest.mark.parametrize("y, W", CASES)
def test_sigmoid_bce_at_saturation_matches_torch(numbers, y, W):
    tr = trace(parse_problem(problem(numbers, y, W)))
    dW, db, J = torch_grads(y, W)
    assert tr.array("dW1", 0) == pytest.approx(dW, rel=1e-9, abs=1e-12)
    assert tr.array("db1", 0).ravel() == pytest.approx(db, rel=1e-9, abs=1e-12)
    assert float(tr.array("J", 0)) == pytest.approx(J, rel=1e-9)
    assert isinstance(tr.steps[0].quantities["dZ1"].expr, ops.FusedDelta)


def test_the_worksheet_says_why_the_delta_is_fused():
    tr = trace(parse_problem(problem("float", [0, 0], [[20, 10], [-20, -10]])))
    md = tr.render("markdown")
    assert "Sigmoid and binary cross-entropy together" in md
    assert "any targets" in md
