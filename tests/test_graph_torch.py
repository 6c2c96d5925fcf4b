"""Random graphs (Hypothesis) against torch autograd in float64: every node's value, every
gradient d<name> and every local derivative d<node>_d<operand>, in float and exact mode.

The expressions are built here as trees, written out as text for trace-net and evaluated
with torch's own functions: trace-net's parser and derivative rules are not used on the
torch side."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tracer import parse_problem, trace
from tracer.schema import ProblemError

torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install '.[torch]'); "
                            ".ci/run installs it")

UNARY = ["neg", "exp", "sigmoid", "tanh", "relu", "abs", "log", "sqrt", "sq", "cube", "inv"]
BINARY = ["add", "sub", "mul", "div", "max", "min"]
KINKS = ("relu", "abs", "max", "min")


def text(e) -> str:
    k = e[0]
    if k == "ref":
        return e[1]
    if k == "const":
        return f"({e[1]})"
    if k in BINARY[:4]:
        op = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[k]
        if k == "div":     # a denominator that is never 0: 1 + b²
            return f"({text(e[1])}) / (1 + ({text(e[2])})**2)"
        return f"({text(e[1])}) {op} ({text(e[2])})"
    if k in ("max", "min"):
        return f"{k}({text(e[1])}, {text(e[2])})"
    a = text(e[1])
    return {"neg": f"-({a})", "log": f"log(1 + ({a})**2)", "sqrt": f"sqrt(2 + ({a})**3 * 0 + ({a})**2)",
            "sq": f"({a})**2", "cube": f"({a})**3", "inv": f"(2 + tanh({a}))**-1"}.get(k, f"{k}({a})")


def evaluate(e, env, kinks):
    k = e[0]
    if k == "ref":
        return env[e[1]]
    if k == "const":
        return torch.tensor(float(Fraction(e[1])), dtype=torch.float64)
    if k in BINARY:
        a, b = evaluate(e[1], env, kinks), evaluate(e[2], env, kinks)
        if k in ("max", "min"):
            kinks.append(float(a - b))
            return torch.maximum(a, b) if k == "max" else torch.minimum(a, b)
        return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                "div": lambda: a / (1 + b ** 2)}[k]()
    a = evaluate(e[1], env, kinks)
    if k in KINKS:
        kinks.append(float(a))
    return {"neg": lambda: -a, "exp": lambda: torch.exp(a), "sigmoid": lambda: torch.sigmoid(a),
            "tanh": lambda: torch.tanh(a), "relu": lambda: torch.relu(a), "abs": lambda: torch.abs(a),
            "log": lambda: torch.log(1 + a ** 2), "sqrt": lambda: torch.sqrt(2 + a ** 3 * 0 + a ** 2),
            "sq": lambda: a ** 2, "cube": lambda: a ** 3, "inv": lambda: (2 + torch.tanh(a)) ** -1}[k]()


def refs(e) -> list:
    if e[0] == "ref":
        return [e[1]]
    out = []
    for a in e[1:]:
        if isinstance(a, tuple):
            out += [r for r in refs(a) if r not in out]
    return out


numbers = st.integers(-200, 200).map(lambda n: str(Fraction(n, 100)) if n % 100 else str(n // 100))


def expressions(names, depth):
    leaf = st.one_of(st.sampled_from(names).map(lambda n: ("ref", n)), numbers.map(lambda q: ("const", q)))
    if depth == 0:
        return leaf
    sub = expressions(names, depth - 1)
    return st.one_of(leaf,
                     st.tuples(st.sampled_from(UNARY), sub),
                     st.tuples(st.sampled_from(BINARY), sub, sub))


@st.composite
def graphs(draw):
    n_in = draw(st.integers(1, 3))
    inputs = {f"x{i}": draw(numbers) for i in range(n_in)}
    names, nodes = list(inputs), {}
    for j in range(draw(st.integers(1, 5))):
        e = draw(expressions(names, 2))
        if not refs(e):                      # every node reads something
            e = ("mul", e, ("ref", draw(st.sampled_from(names))))
        nodes[f"n{j}"] = e
        names.append(f"n{j}")
    return inputs, nodes


def _reaches_output(name, nodes):
    last = list(nodes)[-1]
    reach, todo = set(), [last]
    while todo:
        n = todo.pop()
        if n not in reach:
            reach.add(n)
            todo += [r for r in refs(nodes[n])] if n in nodes else []
    return name in reach


def torch_side(inputs, nodes):
    """(values, gradients of the last node, local derivatives, kink distances)."""
    env, kinks = {}, []
    for n, v in inputs.items():
        env[n] = torch.tensor(float(Fraction(v)), dtype=torch.float64, requires_grad=True)
    for n, e in nodes.items():
        env[n] = evaluate(e, env, kinks).clone()     # its own tensor, even for `n1: x0`
        env[n].retain_grad()
    out = env[list(nodes)[-1]]
    out.backward()
    grads = {n: (0.0 if t.grad is None else float(t.grad)) for n, t in env.items()}
    grads[list(nodes)[-1]] = 1.0
    locals_ = {}
    for n, e in nodes.items():
        if grads[n] == 0 and not _reaches_output(n, nodes):
            continue                           # off the output's path: no local derivatives
        leaves = {r: torch.tensor(float(env[r].detach()), dtype=torch.float64, requires_grad=True) for r in refs(e)}
        value = evaluate(e, leaves, [])
        gs = torch.autograd.grad(value, list(leaves.values()), allow_unused=True)
        for r, g in zip(leaves, gs):
            locals_[f"d{n}_d{r}"] = 0.0 if g is None else float(g)
    return {n: float(t) for n, t in env.items()}, grads, locals_, kinks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                 HealthCheck.too_slow])
@given(graphs(), st.sampled_from(["float", "exact"]))
def test_random_graphs_match_torch_autograd(g, numbers):
    inputs, nodes = g
    values, grads, locals_, kinks = torch_side(inputs, nodes)
    assume(all(abs(k) > 1e-9 for k in kinks))       # no kink: both sides take the same branch
    assume(all(abs(v) < 1e12 for v in list(values.values()) + list(grads.values())))
    problem = {"numbers": numbers, "graph": {"inputs": inputs, "nodes": {n: text(e) for n, e in nodes.items()}}}
    try:
        t = trace(parse_problem(problem))
    except ProblemError as e:      # exact fractions too long: only exact mode may refuse
        assert numbers == "exact" and "digits" in str(e), str(e)
        return
    got = lambda name: t.entry(t[name])[1]  # noqa: E731
    for n, v in values.items():
        assert got(n) == pytest.approx(v, rel=1e-9, abs=1e-12), n
    for n, v in grads.items():
        assert got(f"d{n}") == pytest.approx(v, rel=1e-9, abs=1e-12), f"d{n}"
    for n, v in locals_.items():
        assert got(n) == pytest.approx(v, rel=1e-9, abs=1e-12), n


def test_the_classic_circuit_matches_torch():
    # CS231n's (x + y) z and its sigmoid neuron, through torch by hand
    x, y, z = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    ((x + y) * z).backward()
    t = trace(parse_problem({"numbers": "float", "graph": {"inputs": {"x": -2, "y": 5, "z": -4},
                                                            "nodes": {"q": "x + y", "f": "q * z"}}}))
    assert [t.entry(t[n])[1] for n in ("dx", "dy", "dz")] == [float(x.grad), float(y.grad), float(z.grad)]


@pytest.mark.parametrize("numbers", ["float", "exact", "symbolic"])
@pytest.mark.parametrize("fn", UNARY + BINARY)
def test_every_function_matches_torch_at_the_top_and_inside(fn, numbers):
    # a node that is the function itself (its derivative written in its own output where courses
    # do, σ′ = f(1 − f)), one where it sits inside a product, and one reading a node twice
    x0, x1 = ("ref", "x0"), ("ref", "x1")
    arg = ("sub", ("mul", x0, x1), x0)
    top = (fn, arg) if fn in UNARY else (fn, arg, x1)
    nodes = {"a": top, "b": ("mul", top, x1), "c": ("add", ("mul", ("ref", "a"), ("ref", "b")), ("ref", "a"))}
    for inputs in ({"x0": "0.7", "x1": "-1.3"}, {"x0": "-0.4", "x1": "0.9"}):
        values, grads, locals_, kinks = torch_side(inputs, nodes)
        assert all(abs(k) > 1e-9 for k in kinks)
        problem = {"numbers": numbers,
                   "graph": {"inputs": inputs, "nodes": {n: text(e) for n, e in nodes.items()}}}
        t = trace(parse_problem(problem))
        for name, v in {**values, **{f"d{n}": g for n, g in grads.items()}, **locals_}.items():
            assert _float(t, name) == pytest.approx(v, rel=1e-12, abs=1e-15), (name, inputs)


def _float(t, name):
    """A quantity's value; symbolic: its formula with the file's numbers substituted."""
    if t.field.symbolic:
        return float(t.field.value(t[name]).evalf(30))
    return t.entry(t[name])[1]
