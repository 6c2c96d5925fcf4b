"""Shared helpers: problems built from Python dicts, traced in a chosen field."""
from __future__ import annotations

import contextlib
import os
import random
import signal
import tempfile
from fractions import Fraction

import numpy as np
import pytest

from tracer import parse_problem, trace

# compiled templates go to a directory of the test run's own, not the user's ~/.cache
os.environ.setdefault("TRACE_NET_CACHE_DIR", tempfile.mkdtemp(prefix="trace-net-cache-"))


@contextlib.contextmanager
def cpu_bound(seconds=60):
    """For a guard that must refuse before the work starts: if the work starts anyway (the
    guard broken), the test fails after `seconds` of CPU instead of hanging the suite.  Not a
    timing assertion: a refusal takes well under a second, the bound is far above it."""
    def stop(signum, frame):
        raise TimeoutError(f"still working after {seconds} CPU-seconds: the guard did not refuse before the work")
    old = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def make(d, **over):
    return parse_problem({**d, **over})


def refused(r, *words):
    """A CliRunner result: exit status 2, one line starting 'Error: ', no traceback, holding
    every word; returns that line."""
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def run(d, **over):
    return trace(make(d, **over))


def fl(t, name, step=0):
    """A recorded value as a float numpy array."""
    return np.array(t.floats(t.steps[step].quantities[name].value), dtype=float)


def ex(t, name, step=0):
    """A recorded value as nested Fractions (exact entries only)."""
    v = t.steps[step].quantities[name].value
    def conv(x):
        if np.ndim(x) == 0:
            q = t.entry(x)[0]
            assert q is not None, f"{name}: entry {x!r} is not exact"
            return q
        return [conv(y) for y in x]
    return conv(v)


def dec(x, digits=2):
    """A random decimal with `digits` decimals, as text (exact in the problem file)."""
    return f"{x:.{digits}f}"


def random_problem(rng: random.Random, *, loss=None, layout=None, bias=None, steps=1, momentum=0,
                   acts=None):
    loss = loss or rng.choice(["mse", "cross_entropy", "bce"])
    layout = layout or rng.choice(["columns", "rows"])
    bias = bias or rng.choice(["separate", "augmented"])
    n_in = rng.randint(1, 3)
    sizes = [n_in] + [rng.randint(1, 3) for _ in range(rng.randint(1, 2))] + [rng.randint(2, 3)]
    m = rng.randint(1, 4)
    hidden = ["identity", "relu", {"leaky_relu": {"slope": "0.1"}}, "sigmoid", "tanh", "softmax"]
    net = []
    for i in range(len(sizes) - 1):
        W = [[dec(rng.uniform(-1, 1)) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
        layer = {"W": W}
        if rng.random() < 0.85:
            layer["b"] = [dec(rng.uniform(-1, 1)) for _ in range(sizes[i + 1])]
        net.append({"linear": layer})
        last = i == len(sizes) - 2
        if last:
            act = {"mse": rng.choice(["identity", "sigmoid", "tanh", "softmax", None]),
                   "cross_entropy": "softmax", "bce": "sigmoid"}[loss]
        else:
            act = rng.choice((acts or hidden) + [None])
        if act is not None:
            net.append(act)
    x = [[dec(rng.uniform(-2, 2)) for _ in range(n_in)] for _ in range(m)]
    n_out = sizes[-1]
    if loss == "mse":
        y = [[dec(rng.uniform(-1, 1)) for _ in range(n_out)] for _ in range(m)]
        lo = {"mse": {"scale": rng.choice(["1", "1/2"]), "samples": rng.choice(["mean", "sum"]),
                      "outputs": rng.choice(["mean", "sum"])}}
    elif loss == "cross_entropy":
        y = [rng.randrange(n_out) for _ in range(m)]
        lo = {"cross_entropy": {"samples": rng.choice(["mean", "sum"])}}
    else:
        y = [[rng.choice([0, 1]) for _ in range(n_out)] for _ in range(m)]
        lo = {"bce": {"samples": rng.choice(["mean", "sum"]), "outputs": rng.choice(["mean", "sum"])}}
    opt = {"sgd": {"lr": "0.1", "momentum": str(momentum)}}
    return {"layout": layout, "bias": bias, "steps": steps, "data": {"x": x, "y": y},
            "network": net, "loss": lo, "optimizer": opt}


@pytest.fixture
def rng():
    return random.Random(1234)


F = Fraction
