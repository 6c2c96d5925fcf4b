"""Behaviours that hand-made mutations of the engine and the printers once survived (issue 15.8):
each test here fails when its behaviour is broken.  The references are hand-checked exact
fractions and PyTorch's autograd in float64."""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from conftest import ex, fl, make
from tracer import trace
from tracer.numtext import latex_exact, plain, rounded

ROWS_1_1 = {"layout": "rows", "loss": "mse", "optimizer": {"sgd": {"lr": "1/2"}}}


def test_exact_relu_derivative_at_zero_is_zero():
    # Z1 = 0·x + 0 = 0 exactly: ReLU′(0) = 0 (as torch), so dZ1 = dW1 = db1 = 0 although
    # dA1 = W2ᵀ·dZ2 is not (a derivative of 1 at 0 gives dZ1 = dA1 = 2·(0·1 + 1 − 3) = −4)
    p = make({**ROWS_1_1, "data": {"x": [[1]], "y": [[3]]},
              "network": [{"linear": {"W": [[0]], "b": [0]}}, "relu", {"linear": {"W": [[1]], "b": [1]}}]})
    t = trace(p)
    assert ex(t, "Z1") == [[0]]
    assert ex(t, "dA1") == [[-4]]
    assert ex(t, "dZ1") == [[0]] and ex(t, "dW1") == [[0]] and ex(t, "db1") == [0]
    assert ex(t, "W1_next") == [[0]]


def torch_steps(*args, **kw):
    from torch_reference import torch_steps
    return torch_steps(*args, **kw)


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); .ci/run installs it")


def assert_as_torch(t, ref, names):
    for name in names:
        np.testing.assert_allclose(fl(t, name), ref[name], rtol=1e-12, atol=1e-14, err_msg=name)


SOFT = [["0.2", "0.5", "0.3"], ["0.6", "0.1", "0.3"], ["1/3", "1/3", "1/3"]]


@pytest.mark.parametrize("numbers", ["exact", "float"])
def test_cross_entropy_with_soft_targets_matches_torch(torch, numbers):
    W1 = [["0.5", "-0.2"], ["0.1", "0.4"], ["-0.3", "0.2"]]
    x = [["1", "2"], ["-1", "0.5"], ["0.5", "-1.5"]]
    t = trace(make({"layout": "rows", "numbers": numbers, "data": {"x": x, "y": SOFT},
                    "network": [{"linear": {"W": W1, "b": ["0.1", "0", "-0.1"]}}, "softmax"],
                    "loss": "cross_entropy", "optimizer": {"sgd": {"lr": "0.5"}}}))
    f = lambda rows: torch.tensor([[float(Fraction(v)) for v in r] for r in rows], dtype=torch.float64)  # noqa: E731
    model = torch.nn.Sequential(torch.nn.Linear(2, 3)).double()
    with torch.no_grad():
        model[0].weight.copy_(f(W1))
        model[0].bias.copy_(torch.tensor([0.1, 0, -0.1], dtype=torch.float64))
    # torch's CrossEntropyLoss takes logits and, since 1.10, class probabilities as targets
    ref = torch_steps(model, f(x), f(SOFT), torch.nn.CrossEntropyLoss(),
                      torch.optim.SGD(model.parameters(), lr=0.5), 1, probs="softmax")[0]
    assert_as_torch(t, ref, ["Z1", "A1", "J", "dZ1", "dW1", "db1", "W1_next", "b1_next"])
    # and the gradient is Δ = (Ŷ − Y)/m although no row of Y is one-hot
    np.testing.assert_allclose(fl(t, "dZ1"), (fl(t, "A1") - f(SOFT).numpy()) / 3, rtol=1e-12)


W = [["0.5", "-0.2"], ["0.1", "0.4"]]
B = ["0.3", "-0.6"]
X = [["1", "2"], ["-1", "0.5"], ["0.5", "1.5"]]
Yt = [["1", "0"], ["0", "1"], ["0.5", "0.5"]]


def augmented(freeze=None, decay="0.1", layout="columns"):
    lin = {"W": W, "b": B, **({"freeze": freeze} if freeze else {})}
    return make({"layout": layout, "bias": "augmented", "data": {"x": X, "y": Yt},
                 "network": [{"linear": lin}, "sigmoid"], "loss": "mse",
                 "optimizer": {"sgd": {"lr": "0.5", "weight_decay": decay}}})


def torch_reference(torch, freeze=None, decay=0.1):
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid()).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[float(Fraction(v)) for v in r] for r in W], dtype=torch.float64))
        model[0].bias.copy_(torch.tensor([float(Fraction(v)) for v in B], dtype=torch.float64))
    params = [p for n, p in model.named_parameters() if not (freeze and n.endswith(freeze))]
    x = torch.tensor([[float(Fraction(v)) for v in r] for r in X], dtype=torch.float64)
    y = torch.tensor([[float(Fraction(v)) for v in r] for r in Yt], dtype=torch.float64)
    return torch_steps(model, x, y, _mse_mean_samples,
                       torch.optim.SGD(params, lr=0.5, weight_decay=decay), 1)[0]


def _mse_mean_samples(a, y):
    # trace-net's bare mse: sum over outputs, mean over samples
    return ((a - y) ** 2).sum(dim=1).mean()


@pytest.mark.parametrize("decay", ["0.1", "0"])
@pytest.mark.parametrize("layout", ["columns", "rows"])
@pytest.mark.parametrize("freeze", [None, "weight", "bias"])
def test_augmented_bias_with_weight_decay_as_torch(torch, layout, freeze, decay):
    t = trace(augmented({"weight": ["W"], "bias": ["b"]}.get(freeze), decay=decay, layout=layout))
    ref = torch_reference(torch, freeze, decay=float(decay))
    Wn = fl(t, "W1_next")          # (out+1)×(in+1) in both layouts
    # W̃ = [[1, 0, 0], [b, W]]: its constant row never decays and never moves
    assert Wn[0].tolist() == [1, 0, 0]
    np.testing.assert_allclose(Wn[1:, 0], ref["b1_next"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(Wn[1:, 1:], ref["W1_next"], rtol=1e-12, atol=1e-14)
    if freeze == "bias":        # a frozen b neither moves nor decays
        assert Wn[1:, 0].tolist() == [0.3, -0.6]


def test_float_round_ties_are_decided_on_the_decimal_value():
    # 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary: rounding the
    # binary value gives 2.67, the decimal one (what a student rounds) 2.68
    assert round(2.675, 2) == 2.67
    for numbers in ("float", "exact"):
        t = trace(make({**ROWS_1_1, "numbers": numbers, "round": 2, "data": {"x": [["2.675"]], "y": [[0]]},
                        "network": [{"linear": {"W": [[1]], "b": [0]}}]}))
        assert fl(t, "Z1").tolist() == [[2.68]], numbers
    assert rounded(2.675, 2) == "2.68" and rounded(-2.675, 2) == "-2.68"


@pytest.mark.parametrize("q, text, latex", [(Fraction(-1, 3), "-1/3", r"-\frac{1}{3}"),
                                             (Fraction(-2, 7), "-2/7", r"-\frac{2}{7}"),
                                             (Fraction(-5), "-5", "-5")])
def test_negative_fractions_keep_their_sign(q, text, latex):
    assert plain(q) == text
    assert latex_exact(q).replace(r"\dfrac", r"\frac") == latex
    t = trace(make({**ROWS_1_1, "data": {"x": [[1]], "y": [[0]]},
                    "network": [{"linear": {"W": [[str(q)]], "b": [0]}}]}))
    assert t.to_dict()["steps"][0]["values"]["Z1"]["exact"] == [[text]]
    for fmt in ("latex", "markdown"):
        sheet = t.render(fmt)
        forward = sheet[sheet.index("Forward pass"):]
        block = forward[forward.index("Z^{[1]}"):forward.index("A^{[1]}")]
        result = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", block)[-1]   # Z1's value, last
        assert result.strip().replace(r"\dfrac", r"\frac") == latex, block


NAMES = ["h\u0007\x1b[2J\u0085", "o'"]


@pytest.mark.parametrize("fmt", ["markdown", "latex", "text"])
def test_control_characters_and_apostrophes_in_names(fmt):
    p = make({**ROWS_1_1, "notation": {"names": NAMES}, "data": {"x": [[1]], "y": [[0]]},
              "network": [{"linear": {"W": [[1]], "b": [0]}}, "relu", {"linear": {"W": [[1]], "b": [0]}}]})
    out = trace(p).render(fmt)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), "a control character reached the output"
    # the apostrophe is the name's own letter, not LaTeX's prime (which would read o′)
    shown = {"markdown": r"\mathrm{o{'}}", "latex": r"\text{o'}", "text": "W(o')"}[fmt]
    assert shown in out
    # worksheets drop the controls; the terminal's text shows them as escapes
    assert (r"h\x07\x1b[2J\x85" if fmt == "text" else "h[2J") in out


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_bidi_overrides_and_separators_in_a_title_never_reach_the_sheet(fmt):
    """U+202E (right-to-left override) would show 'txt.exe' as 'exe.txt'; U+2028 breaks lines."""
    p = make({**ROWS_1_1, "title": "Quiz \u202eevil\u2066\u2028 1", "data": {"x": [[1]], "y": [[0]]},
              "network": [{"linear": {"W": [[1]], "b": [0]}}]})
    out = trace(p).render(fmt)
    assert not re.search("[\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]", out)
    assert "Quiz evil 1" in out
