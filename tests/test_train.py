"""The training API (tracer.train) against PyTorch in float64, and against the tracer itself."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import fl
from tracer import load_problem, trace
from tracer.network import Network
from tracer.optim import Optimizer
from tracer.train import MLP, Model, torch_init, torch_twin

ROOT = Path(__file__).resolve().parent.parent


def _torch_train(torch, model, opt, loss_fn, X, Y, orders, batch):
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    losses = []
    for order in orders:
        total = 0.0
        for i in range(0, len(order), batch):
            idx = torch.from_numpy(order[i:i + batch])
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), Yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / len(order))
    return losses


def _assert_same_weights(engine, model, tol=1e-10):
    lins = [m for m in model if hasattr(m, "weight")]
    for (W, b), lin in zip(engine.weights(), lins):
        assert np.abs(W - lin.weight.detach().numpy()).max() <= tol
        assert np.abs(b - lin.bias.detach().numpy()).max() <= tol


CASES = [
    # sizes, activations, loss, optimizer (problem-file form), the torch optimizer
    ([5, 7, 6, 3], ["relu", "tanh", "softmax"], "cross_entropy", {"sgd": {"lr": 0.3}},
     lambda t, p: t.optim.SGD(p, lr=0.3)),
    ([4, 8, 2], ["sigmoid", None], "mse", {"sgd": {"lr": 0.1, "momentum": 0.9, "nesterov": True}},
     lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ([4, 6, 6, 1], ["relu", "relu", None], "mse", {"adam": {"lr": 0.01}},
     lambda t, p: t.optim.Adam(p, lr=0.01)),
]


@pytest.mark.parametrize("sizes, acts, loss, opt, torch_opt", CASES)
@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_same_steps_as_torch(sizes, acts, loss, opt, torch_opt, layout):
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    rng = np.random.default_rng(7)
    X = rng.normal(size=(22, sizes[0]))
    labels = rng.integers(0, sizes[-1], 22)
    Y = np.eye(sizes[-1])[labels] if loss == "cross_entropy" else rng.normal(size=(22, sizes[-1]))
    weights = torch_init(sizes, seed=3)
    engine = MLP(sizes, acts, loss, opt, weights=weights, layout=layout)
    model = torch_twin(weights, acts)
    orders = [rng.permutation(22) for _ in range(3)]
    loss_fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    ref = _torch_train(torch, model, torch_opt(torch, model.parameters()), loss_fn, X,
                       labels if loss == "cross_entropy" else Y, orders, 5)
    got = engine.fit(X, labels if loss == "cross_entropy" else Y, epochs=3, batch_size=5,
                     order=lambda e: orders[e], progress=False)
    _assert_same_weights(engine, model)
    assert np.allclose(got, ref, rtol=0, atol=1e-12)
    with torch.no_grad():
        out = model(torch.from_numpy(X)).numpy()
    if loss == "cross_entropy":
        out = torch.softmax(torch.from_numpy(out), dim=1).numpy()
    assert np.abs(engine.predict(X) - out).max() <= 1e-12


def test_augmented_bias_trains_like_torch():
    """mfnet's W̃ = [[1, 0…0], [b, W]]: the same training as separate W and b."""
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    sizes, acts = [3, 5, 2], ["relu", "softmax"]
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(12, 3)), rng.integers(0, 2, 12)
    weights = torch_init(sizes, seed=5)
    engine = MLP(sizes, acts, "cross_entropy", {"sgd": {"lr": 0.5}}, weights=weights, bias="augmented",
                 layout="columns")
    model = torch_twin(weights, acts)
    orders = [np.arange(12)] * 2
    _torch_train(torch, model, torch.optim.SGD(model.parameters(), lr=0.5), torch.nn.functional.cross_entropy,
                 X, labels, orders, 4)
    engine.fit(X, labels, epochs=2, batch_size=4, order="file", progress=False)
    _assert_same_weights(engine, model)


def test_loss_per_epoch_decreases():
    # y = 2x₁ − x₂ + 1/2, full-batch gradient descent with a small step on a linear model
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    Y = (2 * X[:, 0] - X[:, 1] + 0.5)[:, None]
    model = MLP([2, 1], [None], "mse", {"sgd": {"lr": 0.1}}, seed=1)
    losses = model.fit(X, Y, epochs=30, batch_size=40, progress=False)
    assert len(losses) == 30
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert losses[-1] < 1e-2 * losses[0]
    assert model.evaluate(X, Y)["mse"] == pytest.approx(np.mean((model.predict(X) - Y) ** 2))


def test_shuffled_minibatches_learn_a_classifier():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = MLP([2, 8, 2], ["tanh", "softmax"], "cross_entropy", {"sgd": {"lr": 0.5}}, seed=0)
    losses = model.fit(X, labels, epochs=15, batch_size=16, progress=False)
    assert losses[-1] < losses[0] / 3
    ev = model.evaluate(X, labels)
    assert ev["accuracy"] >= 0.95
    assert ev["accuracy"] == np.mean(model.predict(X).argmax(axis=1) == labels)


def test_uses_the_tracers_classes():
    """One step of the training API is one step of the trace: the same Network and optimizer
    objects, so W1_next of a float trace comes out bit for bit, and matches the exact trace."""
    path = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
    prob_float = load_problem(str(path), {"numbers": "float"})
    model = Model.from_problem(prob_float)
    assert isinstance(model.net, Network) and isinstance(model.opt, Optimizer)
    X = np.array([[float(v) for v in row] for row in prob_float.x])
    Y = np.array([[float(v) for v in row] for row in prob_float.y])
    model.step(X, Y)
    t_float = trace(prob_float)
    t_exact = trace(load_problem(str(path), {"numbers": "exact"}))
    for l, lay in enumerate(model.net.layers, 1):
        assert np.array_equal(lay.W, fl(t_float, f"W{l}_next"))
        assert np.array_equal(lay.b, fl(t_float, f"b{l}_next"))
        assert np.abs(lay.W - fl(t_exact, f"W{l}_next")).max() <= 1e-15


def test_bad_arguments():
    with pytest.raises(ValueError, match="2 activations"):
        MLP([2, 3, 1], ["relu"], "mse")
    with pytest.raises(ValueError, match="expected"):
        MLP([2, 1], [None], "mse", weights=[(np.zeros((2, 2)), np.zeros(1))])
    model = MLP([2, 1], [None], "mse")
    with pytest.raises(ValueError, match="cross_entropy"):
        model.fit(np.zeros((3, 2)), np.array([0, 1, 0]), progress=False)
