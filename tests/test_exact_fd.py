"""Exact gradients equal exact central differences, on networks Hypothesis draws.

With identity, ReLU and leaky-ReLU layers and an MSE loss, J is, as long as no ReLU input
changes sign, a quadratic function of any single weight (the output is affine in it).  The
central difference of a quadratic is its derivative exactly, for any step h, so in Fractions
(J(w + h) − J(w − h)) / 2h must equal the traced ∂J/∂w to the last digit: no tolerance.  A
weight whose ±h moves some ReLU input across (or onto) 0 is left out, and counted."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ex, run

H = Fraction(1, 1000)
KINKED = ("relu", "leaky_relu")

tenths = st.integers(-12, 12).map(lambda k: Fraction(k, 10))


@st.composite
def problems(draw, layout, bias):
    sizes = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(2, 4)))]
    m = draw(st.integers(1, 3))
    net, acts = [], []
    for n_in, n_out in zip(sizes, sizes[1:]):
        W = [[str(draw(tenths)) for _ in range(n_in)] for _ in range(n_out)]
        layer = {"W": W}
        if bias == "augmented" or draw(st.booleans()):
            layer["b"] = [str(draw(tenths)) for _ in range(n_out)]
        net.append({"linear": layer})
        act = draw(st.sampled_from(["identity", "relu", "leaky_relu", None]))
        acts.append(act)
        if act == "leaky_relu":
            net.append({"leaky_relu": {"slope": "1/5"}})
        elif act:
            net.append(act)
    rows = lambda n: [[str(draw(tenths)) for _ in range(n)] for _ in range(m)]  # noqa: E731
    loss = {"mse": {"scale": draw(st.sampled_from(["1", "1/2"])),
                    "samples": draw(st.sampled_from(["mean", "sum"])),
                    "outputs": draw(st.sampled_from(["mean", "sum"]))}}
    return {"layout": layout, "bias": bias,
            "numbers": "exact", "data": {"x": rows(sizes[0]), "y": rows(sizes[-1])},
            "network": net, "loss": loss, "optimizer": {"sgd": {"lr": "1/10"}}}, acts


def signs(t, acts):
    """The sign of every input of a ReLU-like layer; None when one of them is 0 (a kink)."""
    out = []
    for l, act in enumerate(acts, 1):
        if act in KINKED:
            for row in ex(t, f"Z{l}"):
                for z in row:
                    if z == 0:
                        return None
                    out.append(z > 0)
    return out


def nudged(d, l, key, idx, by):
    """The problem `d` with parameter `key` of linear layer l (1-based), entry idx, moved by `by`."""
    layer = dict(d["network"][[i for i, e in enumerate(d["network"]) if "linear" in e][l - 1]]["linear"])
    value = [list(r) for r in layer[key]] if key == "W" else list(layer[key])
    if key == "W":
        value[idx[0]][idx[1]] = str(Fraction(value[idx[0]][idx[1]]) + by)
    else:
        value[idx[0]] = str(Fraction(value[idx[0]]) + by)
    layer[key] = value
    net = list(d["network"])
    net[[i for i, e in enumerate(net) if "linear" in e][l - 1]] = {"linear": layer}
    return {**d, "network": net}


def traced_gradient(t, d, l, key, idx):
    """∂J/∂(parameter) as the trace records it, reading W̃'s entries in augmented mode."""
    if d["bias"] == "augmented":          # W̃ = [[1, 0…], [b | W]]: b is column 0, W shifted by one
        dW = ex(t, f"dW{l}")
        return dW[idx[0] + 1][0] if key == "b" else dW[idx[0] + 1][idx[1] + 1]
    grad = ex(t, f"d{key}{l}")
    return grad[idx[0]] if key == "b" else grad[idx[0]][idx[1]]


@pytest.mark.parametrize("layout", ["columns", "rows"])
@pytest.mark.parametrize("bias", ["separate", "augmented"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_exact_gradient_is_the_exact_central_difference(layout, bias, data):
    d, acts = data.draw(problems(layout, bias))
    t = run(d)
    base = signs(t, acts)
    checked = kinked = 0
    for l, entry in enumerate((e["linear"] for e in d["network"] if "linear" in e), 1):
        for key in ("W", "b"):
            if key not in entry:
                continue
            shape = [(i, j) for i in range(len(entry["W"])) for j in range(len(entry["W"][0]))] \
                if key == "W" else [(i,) for i in range(len(entry["b"]))]
            for idx in shape:
                plus, minus = run(nudged(d, l, key, idx, H)), run(nudged(d, l, key, idx, -H))
                if base is None or signs(plus, acts) != base or signs(minus, acts) != base:
                    kinked += 1
                    event("kinked")
                    continue
                fd = (ex(plus, "J") - ex(minus, "J")) / (2 * H)
                assert traced_gradient(t, d, l, key, idx) == fd, (l, key, idx)
                checked += 1
                event(f"checked {d['bias']} {d['layout']}")
    assert checked + kinked > 0
    if base is not None and not any(a in KINKED for a in acts):
        assert kinked == 0           # no ReLU: every weight is checked
