"""Every gradient against central finite differences of the engine's own loss, on random small
networks: every activation, loss, layout, bias mode, momentum, several steps, float and exact."""
import random

import numpy as np
import pytest

from conftest import fl, make, random_problem
from tracer import trace
from tracer.network import build_network
from tracer.numbers import FloatField
from tracer.recorder import Recorder

H = 1e-6


def loss_at(prob, params, batch):
    F = FloatField()
    net = build_network(prob, F)
    for lay, (W, b) in zip(net.layers, params):
        lay.W, lay.b = W, b
    rec = Recorder(F, keep=False)
    rec.begin_step(0, batch)
    X = net.orient(F, [prob.x[i] for i in batch])
    Y = net.orient(F, [prob.y[i] for i in batch])
    return float(net.forward_loss(rec, X, Y))


def near_kink(t, s):
    for q in t.steps[s].quantities.values():
        if q.name.startswith("Z"):
            z = np.abs(np.array(t.floats(q.value), dtype=float))
            if (z < 1e-4).any():
                return True
    return False


def check_gradients(d, numbers, rtol=2e-5, atol=2e-7):
    prob = make(d, numbers=numbers)
    t = trace(prob)
    aug = prob.bias == "augmented"
    checked = 0
    for s, st in enumerate(t.steps):
        if near_kink(t, s):
            continue
        L = len(prob.layers)
        params = []
        for l in range(1, L + 1):
            W = fl(t, f"W{l}", s)
            b = fl(t, f"b{l}", s) if f"b{l}" in st else None
            params.append((W, b))
        for l in range(1, L + 1):
            for P, grad in (("W", f"dW{l}"), ("b", f"db{l}")):
                if grad not in st:
                    continue
                g = fl(t, grad, s)
                base = params[l - 1][0 if P == "W" else 1]
                for idx in np.ndindex(base.shape):
                    if aug and P == "W" and idx[0] == 0:
                        assert g[idx] == 0       # the constant row of W̃ is not a parameter
                        continue
                    plus = [(W.copy(), None if b is None else b.copy()) for W, b in params]
                    minus = [(W.copy(), None if b is None else b.copy()) for W, b in params]
                    k = 0 if P == "W" else 1
                    plus[l - 1][k][idx] += H
                    minus[l - 1][k][idx] -= H
                    fd = (loss_at(prob, plus, st.batch) - loss_at(prob, minus, st.batch)) / (2 * H)
                    assert abs(fd - g[idx]) <= atol + rtol * abs(fd), (s, grad, idx, fd, g[idx])
                    checked += 1
    return checked


@pytest.mark.parametrize("seed", range(40))
def test_random_networks_float(seed):
    rng = random.Random(seed)
    for _ in range(5):    # a problem with a ReLU input near 0 at every step checks nothing: redraw
        d = random_problem(rng, steps=rng.choice([1, 2, 3]), momentum=rng.choice([0, "0.9"]))
        checked = check_gradients(d, "float")
        if checked:
            break
    assert checked > 0


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_exact(seed):
    rng = random.Random(1000 + seed)
    d = random_problem(rng, steps=rng.choice([1, 2]), momentum=rng.choice([0, "0.5"]))
    assert check_gradients(d, "exact") > 0


@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "bce"])
@pytest.mark.parametrize("layout", ["columns", "rows"])
@pytest.mark.parametrize("bias", ["separate", "augmented"])
def test_every_combination(loss, layout, bias):
    rng = random.Random(f"{loss} {layout} {bias}")   # str seeds are stable across runs
    d = random_problem(rng, loss=loss, layout=layout, bias=bias, steps=2, momentum="0.9")
    assert check_gradients(d, "float") > 0


@pytest.mark.parametrize("act", ["identity", "relu", {"leaky_relu": {"slope": "0.2"}}, "sigmoid", "tanh",
                                 "softmax"])
def test_every_hidden_activation(act):
    rng = random.Random(7)
    d = random_problem(rng, loss="mse", acts=[act], steps=2)
    assert check_gradients(d, "float") > 0


def test_momentum_buffer_follows_torch_semantics():
    """v = g at the first step, then v = μv + g; θ ← θ − ηv (hand-checked on a 1-1 network)."""
    d = {"data": {"x": [[1]], "y": [[0]]}, "network": [{"linear": {"W": [[1]], "b": [0]}}],
         "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": "0.1", "momentum": "0.5"}},
         "steps": 2}
    t = trace(make(d))
    from conftest import ex
    from fractions import Fraction as F
    # step 0: ŷ = 1, g = ŷ − y = 1 (times x = 1); v = 1; w = 1 − 0.1 = 0.9
    assert ex(t, "vW1", 0) == [[1]] and ex(t, "W1_next", 0) == [[F(9, 10)]]
    # step 1: ŷ = 0.9 − 0.1 = 0.8 (b also moved to −0.1); g = 0.8; v = 0.5 + 0.8 = 1.3; w = 0.9 − 0.13
    assert ex(t, "Z1", 1) == [[F(8, 10)]]
    assert ex(t, "vW1", 1) == [[F(13, 10)]]
    assert ex(t, "W1_next", 1) == [[F(77, 100)]]
