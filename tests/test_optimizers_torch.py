"""Every optimizer against torch.optim in float64, step by step: SGD (momentum, Nesterov,
weight decay), Adam, AdamW, over several steps, with and without mini-batches and frozen
parameters.  The reference is PyTorch's own autograd and optimizer code (tests/torch_reference)."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
nn = torch.nn

from tracer import trace  # noqa: E402
from tracer.torch_io import from_torch  # noqa: E402

from torch_reference import torch_steps  # noqa: E402

OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_nesterov_decay": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    "sgd_decay": lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.1),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adam_decay": lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01),
    "adamw_decay": lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.5, 0.9), weight_decay=0.2),
}


def model_and_data(seed, freeze=False):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3), nn.LeakyReLU(0.1),
                          nn.Linear(3, 2)).double()
    x = torch.randn(5, 3, dtype=torch.float64)
    y = torch.randn(5, 2, dtype=torch.float64)
    if freeze:
        model[0].bias.requires_grad_(False)     # frozen: no gradient, no decay, no state
        model[4].weight.requires_grad_(False)
    return model, x, y


def compare(t, ref, steps):
    checked = 0
    for s in range(steps):
        st = t.steps[s]
        assert st.batch == ref[s]["batch"]
        for name, want in ref[s].items():
            if name == "batch":
                continue
            assert name in st, f"step {s}: trace has no {name}"
            got = np.array(t.floats(st[name]), dtype=float)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"step {s}, {name}")
            checked += 1
    return checked


@pytest.mark.parametrize("batch_size", [None, 2])
@pytest.mark.parametrize("freeze", [False, True])
@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
def test_optimizer_matches_torch(opt_name, freeze, batch_size):
    steps = 4
    model, x, y = model_and_data(7, freeze)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = OPTIMIZERS[opt_name](params)
    problem = from_torch(model, x, y, nn.MSELoss(), opt, steps=steps, batch_size=batch_size)
    t = trace(problem)
    ref = torch_steps(model, x, y, nn.MSELoss(), opt, steps, batch_size)
    n = compare(t, ref, steps)
    assert n > steps * 20
    if freeze:
        for s in range(steps):
            assert np.array_equal(np.array(t.floats(t.steps[s]["b1_next"])), np.array(t.floats(t.steps[0]["b1"])))
            assert "mb1" not in t.steps[s] and "vb1" not in t.steps[s]


def test_parameter_left_out_of_the_optimizer_is_frozen():
    model, x, y = model_and_data(3)
    opt = torch.optim.Adam([p for name, p in model.named_parameters() if name != "2.bias"], lr=0.05)
    problem = from_torch(model, x, y, nn.MSELoss(reduction="sum"), opt, steps=3)
    assert problem.layers[1].freeze == {"b"}
    ref = torch_steps(model, x, y, nn.MSELoss(reduction="sum"), opt, 3)
    compare(trace(problem), ref, 3)


def test_adam_exact_mode_stays_exact_until_the_square_root():
    """Exact mode (ReLU: rational gradients): moments and bias-corrected moments are
    fractions at every step; at step 1 v̂ = g² so √v̂ = |g| and the step is rational too; at
    step 2 √v̂ is irrational (carried to 60 digits).  Agrees with PyTorch on the
    same decimal numbers."""
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.round(p * 100) / 100)     # two decimals: the same number in both
    x = torch.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=torch.float64)
    y = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    problem = from_torch(model, x, y, nn.MSELoss(), opt, steps=2, numbers="exact")
    t = trace(problem)

    def exact(s, name):
        return [t.entry(v)[0] is not None for v in np.ravel(t.steps[s].quantities[name].value)]

    for s in (0, 1):
        for name in ("mW2", "vW2", "mW2_hat", "vW2_hat", "mb2", "vb2_hat"):
            assert all(exact(s, name)), (s, name)
    assert all(exact(0, "uW2")) and all(exact(0, "W2_next"))
    nonzero = [v != 0 for v in np.ravel(t.floats(t.steps[1]["dW2"]))]
    assert not any(e for e, nz in zip(exact(1, "uW2"), nonzero) if nz)
    ref = torch_steps(model, x, y, nn.MSELoss(), opt, 2)
    compare(t, ref, 2)


def test_quantities_in_the_order_a_person_computes_them():
    model, x, y = model_and_data(5)
    opt = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.1)
    t = trace(from_torch(model, x, y, nn.MSELoss(), opt))
    names = [q.name for q in t.steps[0].shown() if q.kind in ("update", "state") and q.name.endswith("W1")
             or q.name.startswith(("W1_", "mW1", "vW1"))]
    assert names == ["W1_decayed", "mW1", "vW1", "mW1_hat", "vW1_hat", "uW1", "W1_next"]
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.1)
    t = trace(from_torch(model, x, y, nn.MSELoss(), opt))
    names = [q.name for q in t.steps[0].shown() if q.layer == 1 and q.kind in ("update", "state")]
    assert names[:7] == ["gW1", "mW1", "vW1", "mW1_hat", "vW1_hat", "uW1", "W1_next"]
