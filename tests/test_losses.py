"""One loss definition (issue 15.6): tracer/losses.py's coefficient serves the engine's J and
∂J/∂Ŷ, the printed formula, the header's words and from_torch's mapping.

Independent values: J and ∂J/∂Ŷ computed here with numpy from the formulas a textbook writes
(and torch's modules in float64), hand-checked constants, hand-written formula strings.
"""
from fractions import Fraction
from itertools import product

import numpy as np
import pytest

from tracer import parse_problem, trace
from tracer.losses import LOSSES, torch_options
from tracer.render.document import build

X = [[1, 2], [0, 1], [2, -1]]          # three samples as rows
Y = [[1, 0], [0, 1], [0.5, 0.5]]       # two outputs; each row sums to 1
W = [[0.5, -0.25], [0.25, 0.75]]


def problem(kind, opts):
    act = {"mse": "identity", "cross_entropy": "softmax", "bce": "sigmoid"}[kind]
    return {"layout": "rows", "numbers": "float", "data": {"x": X, "y": Y},
            "network": [{"linear": {"W": W, "b": [0.1, -0.2]}}, act],
            "loss": {kind: opts}, "optimizer": {"sgd": {"lr": 0.1}}}


def by_hand(kind, opts):
    """J and ∂J/∂Ŷ from the textbook formulas."""
    z = np.array(X, float) @ np.array(W, float).T + [0.1, -0.2]
    y = np.array(Y, float)
    m, n = y.shape
    c = Fraction(opts.get("scale", 1))
    if opts.get("samples", "mean") == "mean":
        c /= m
    if opts.get("outputs") == "mean":
        c /= n
    c = float(c)
    if kind == "mse":
        return c * ((z - y) ** 2).sum(), 2 * c * (z - y)
    if kind == "cross_entropy":
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -c * (y * np.log(p)).sum(), -c * y / p
    p = 1 / (1 + np.exp(-z))
    return -c * (y * np.log(p) + (1 - y) * np.log(1 - p)).sum(), c * (p - y) / (p * (1 - p))


CASES = ([("mse", {"scale": s, "samples": a, "outputs": b})
          for s, a, b in product(["1", "1/2", "3"], ["mean", "sum"], ["mean", "sum"])]
         + [("cross_entropy", {"samples": a}) for a in ("mean", "sum")]
         + [("bce", {"samples": a, "outputs": b}) for a, b in product(["mean", "sum"], ["mean", "sum"])])


@pytest.mark.parametrize("kind, opts", CASES)
def test_engine_loss_and_its_gradient_are_the_textbook_ones(kind, opts):
    tr = trace(parse_problem(problem(kind, opts)))
    J, dYhat = by_hand(kind, opts)
    assert float(tr.array("J", 0)) == pytest.approx(J, rel=1e-12)
    if "dA1" in tr.steps[0].quantities:
        assert tr.array("dA1", 0) == pytest.approx(dYhat, rel=1e-12)


@pytest.mark.parametrize("kind, opts, m, n, c, grad", [
    ("mse", {"scale": Fraction(1, 2), "samples": "mean", "outputs": "sum"}, 4, 1, Fraction(1, 8), Fraction(1, 4)),
    ("mse", {"scale": Fraction(1), "samples": "mean", "outputs": "mean"}, 3, 2, Fraction(1, 6), Fraction(1, 3)),
    ("mse", {"scale": Fraction(1, 2), "samples": "sum", "outputs": "sum"}, 1, 2, Fraction(1, 2), Fraction(1)),
    ("cross_entropy", {"samples": "mean"}, 5, 3, Fraction(1, 5), Fraction(1, 5)),
    ("bce", {"samples": "mean", "outputs": "mean"}, 2, 3, Fraction(1, 6), Fraction(1, 6)),
    ("bce", {"samples": "sum", "outputs": "sum"}, 2, 3, Fraction(1), Fraction(1)),
])
def test_coefficients_by_hand(kind, opts, m, n, c, grad):
    assert LOSSES[kind].coefficient(opts, m, n) == c
    assert LOSSES[kind].grad_coefficient(opts, m, n) == grad


@pytest.mark.parametrize("kind, opts, formula, words", [
    ("mse", {"scale": "1/2"}, r"J = \frac{1}{2m}\sum", "squared error, summed over outputs, averaged over samples"),
    ("mse", {"samples": "mean", "outputs": "mean"}, r"J = \frac{1}{mn}\sum",
     "squared error, averaged over outputs, averaged over samples"),
    ("mse", {"scale": 3, "samples": "sum"}, r"J = 3\sum", "squared error, summed over outputs, summed over samples"),
    ("cross_entropy", {}, r"J = -\frac{1}{m}\sum", "cross-entropy (log: the natural logarithm), averaged over samples"),
    ("bce", {"outputs": "mean", "samples": "sum"}, r"J = -\frac{1}{n}\sum",
     "binary cross-entropy (log: the natural logarithm), averaged over outputs, summed over samples"),
])
def test_the_sheet_writes_the_same_loss(kind, opts, formula, words):
    tr = trace(parse_problem(problem(kind, opts)))
    doc = build(tr)
    rows = [r for st in doc["steps"] for s in st["sections"] for b in s.blocks
            for line in b.lines for r in (line if isinstance(line, list) else [line])]
    first = next(r for r in rows if r.left == "J")
    assert f"J = {first.right.text}".startswith(formula)
    facts = {label: "".join(s["text"] for s in segs) for label, segs in doc["facts"]}
    assert facts["Loss"].startswith(words)


@pytest.mark.parametrize("kind, reduction", [(k, r) for k in ("mse", "cross_entropy", "bce") for r in ("mean", "sum")])
def test_torch_options_give_torchs_value(kind, reduction):
    torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")
    tr = trace(parse_problem(problem(kind, torch_options(kind, reduction, 2))))
    z = torch.tensor(np.array(X, float) @ np.array(W, float).T + [0.1, -0.2])
    y = torch.tensor(Y, dtype=torch.float64)
    module = {"mse": torch.nn.MSELoss, "cross_entropy": torch.nn.CrossEntropyLoss,
              "bce": torch.nn.BCEWithLogitsLoss}[kind](reduction=reduction)
    assert float(tr.array("J", 0)) == pytest.approx(float(module(z, y)), rel=1e-12)
