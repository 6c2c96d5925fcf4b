"""Precedence as a property of the printer (issue 14.1): every node kind, in every operand
position of every other, is parenthesised so that the printed formula means what the engine
computes.

The independent reading is sympy's LaTeX parser: the printed formula, with the worksheet's
elementwise operators read as scalar ones (1×1 matrices), must parse to the expression the
node tree stands for, built here directly in sympy.  What scalars cannot tell apart (a
matrix product beside an elementwise one, the transpose mark) is checked against
hand-written strings.
"""
from fractions import Fraction

import pytest
import sympy as sp

from tracer import ops
from tracer.engine import trace
from tracer.problem import parse_problem
from tracer.render.notation import Notation, Sym
from tracer.render.printer import Printer

pytest.importorskip("antlr4", reason="sympy's LaTeX parser needs it: pip install 'antlr4-python3-runtime==4.11'")
from sympy.parsing.latex import parse_latex  # noqa: E402

OR = {"data": {"x": [[0, 0], [1, 1]], "y": [[0], [1]]},
      "network": [{"linear": {"W": [[0.2, 0.4]], "b": [0.3]}}, "sigmoid"],
      "loss": {"mse": {}}, "optimizer": {"sgd": {"lr": 0.5}}}


class Letters(Notation):
    """Every quantity a plain letter, so that sympy reads each symbol as one variable."""

    def parts(self, name):
        return Sym(name.lower())


@pytest.fixture(scope="module")
def printer():
    return Printer(trace(parse_problem(OR)), notation=Letters())


# (not d: sympy's parser reads "d x" as a differential)
A, B, C, D = (ops.Ref(x) for x in "uvwx")
S = {x: sp.Symbol(x) for x in "uvwxm"}
FUNCS = {"sigmoid": sp.Function("s"), "relu": sp.Function("r"), "leaky_relu": sp.Function("l"),
         "softmax": sp.Function("q")}
SYMBOLS = {"lr": sp.Symbol("eta"), "1-beta1": 1 - sp.Symbol("beta_{1}")}
GRADS = {"relu": sp.Function("g"), "leaky_relu": sp.Function("h"), "identity": sp.Function("k")}


def _loss(kind, opts):
    return ops.Loss(kind, {"samples": "mean", "outputs": "sum", "scale": 1, **opts}, C, D, A, None, 0, False)


# -- the meaning of a node, built without the printer ------------------------------------------
def meaning(node):
    t = type(node).__name__
    if t == "Ref":
        return S[node.name]
    if t == "Const":      # a hyperparameter stands for its symbol in the general formula
        return SYMBOLS[node.param] if node.param else sp.Rational(node.q.numerator, node.q.denominator)
    x = [meaning(a) for a in node.args]
    if t in ("Add",):
        return x[0] + x[1]
    if t == "Sub":
        return x[0] - x[1]
    if t in ("Mul", "MatMul"):
        return x[0] * x[1]
    if t == "Div":
        return x[0] / x[1]
    if t == "Square":
        return x[0] ** 2
    if t == "Power":
        return x[0] ** node.k
    if t == "Sqrt":
        return sp.sqrt(x[0])
    if t in ("T", "Bias", "SumSamples"):       # of a 1×1 matrix: the entry itself
        return x[0]
    if t == "Act":
        if node.kind == "identity":
            return x[0]
        return sp.tanh(x[0]) if node.kind == "tanh" else FUNCS[node.kind](x[0])
    if t == "ActGrad":
        z, a = x
        if node.kind == "sigmoid":
            return a * (1 - a)
        if node.kind == "tanh":
            return 1 - a ** 2
        return GRADS[node.kind](z)
    if t == "SoftmaxBack":                      # one output: Σ_k (dA ⊙ A)_k is dA·A
        da, a = x
        return a * (da - da * a)
    if t in ("LossGrad", "FusedDelta"):
        loss = node.loss if t == "LossGrad" else node.grad.loss
        yh, y = x
        m = S["m"]
        if t == "FusedDelta":
            return (yh - y) / m
        if loss.kind == "mse":
            return 2 * (yh - y) / m
        if loss.kind == "cross_entropy":
            return -(y / yh) / m
        return (yh - y) / m / (yh * (1 - yh))
    raise AssertionError(t)


# -- reading the printed LaTeX ------------------------------------------------------------------
READ = [  # the worksheet's operators and names, as sympy's grammar spells them
    (r"^{\odot 2}", "^{2}"), (r"\odot", r"\cdot"), (r"\oslash", "/"),
    (r"\, \left(", r"\cdot \left("),    # a letter before a bracket is no function call here
    (r"\,", " "),
    (r"^{\mathsf{T}}", ""), (r"\sum_{i}", r"\sum_{i=1}^{1}"), (r"\textstyle\sum_k", r"\sum_{k=1}^{1}"),
    (r"_{i}", ""), (r"\right)_k", r"\right)"),
    (r"\mathrm{ReLU}'", "g"), (r"\mathrm{LReLU}'", "h"), (r"\mathrm{id}'", "k"),
    (r"\mathrm{ReLU}", "r"), (r"\mathrm{LReLU}", "l"), (r"\mathrm{softmax}", "q"), (r"\sigma", "s"),
]


def read(latex: str):
    for a, b in READ:
        latex = latex.replace(a, b)
    expr = parse_latex(latex)
    return expr.doit() if isinstance(expr, sp.Basic) else expr


# -- every node kind, as operand of every other ------------------------------------------------
def inner_nodes():
    mse, ce, bce = _loss("mse", {}), _loss("cross_entropy", {}), _loss("bce", {})
    out = {
        "ref": C, "const": ops.Const(3), "negative const": ops.Const(-3), "fraction": ops.Const(Fraction(1, 3)),
        "eta": ops.Const(Fraction(1, 2), "lr"), "1-beta": ops.Const(Fraction(1, 10), "1-beta1"),
        "add": ops.Add(C, D), "sub": ops.Sub(C, D), "hadamard": ops.Mul(C, D),
        "scalar mul": ops.Mul(ops.Const(2), C), "matmul": ops.MatMul(C, D), "div": ops.Div(C, D),
        "square": ops.Square(C), "power": ops.Power(C, 3), "sqrt": ops.Sqrt(C), "T": ops.T(C),
        "bias": ops.Bias(C, 0), "sum": ops.SumSamples(C, 0), "softmax back": ops.SoftmaxBack(C, D, 0, False),
        "mse grad": ops.LossGrad(mse), "ce grad": ops.LossGrad(ce), "bce grad": ops.LossGrad(bce),
        "fused": ops.FusedDelta(ops.LossGrad(ce)),
    }
    for kind in ("identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"):
        out[kind] = ops.Act(kind, {"slope": Fraction(1, 10)}, C, 0, False)
    for kind in ("identity", "relu", "leaky_relu", "sigmoid", "tanh"):
        out[kind + "'"] = ops.ActGrad(kind, {"slope": Fraction(1, 10)}, C, C, 0, False)
    return out


def outer_positions():
    """Every operand position of every node kind, as a function of the operand."""
    out = {
        "_ + a": lambda x: ops.Add(x, A), "a + _": lambda x: ops.Add(A, x),
        "_ - a": lambda x: ops.Sub(x, A), "a - _": lambda x: ops.Sub(A, x),
        "_ ⊙ a": lambda x: ops.Mul(x, A), "a ⊙ _": lambda x: ops.Mul(A, x),
        "2 _": lambda x: ops.Mul(ops.Const(2), x), "_ 2": lambda x: ops.Mul(x, ops.Const(2)),
        "η _": lambda x: ops.Mul(ops.Const(Fraction(1, 2), "lr"), x),
        "_ a (matmul)": lambda x: ops.MatMul(x, A), "a _ (matmul)": lambda x: ops.MatMul(A, x),
        "_ / a": lambda x: ops.Div(x, A), "a / _": lambda x: ops.Div(A, x),
        "_²": ops.Square, "_³": lambda x: ops.Power(x, 3), "√_": ops.Sqrt, "_ᵀ": ops.T,
        "Σ_i _": lambda x: ops.SumSamples(x, 0), "bias _": lambda x: ops.Bias(x, 0),
        "softmax back(_, a)": lambda x: ops.SoftmaxBack(x, A, 0, False),
        "softmax back(a, _)": lambda x: ops.SoftmaxBack(A, x, 0, False),
    }
    for kind in ("identity", "sigmoid", "tanh", "relu"):
        out[f"{kind}(_)"] = lambda x, k=kind: ops.Act(k, {}, x, 0, False)
    for kind in ("sigmoid", "tanh"):
        out[f"{kind}'(·, _)"] = lambda x, k=kind: ops.ActGrad(k, {}, A, x, 0, False)
    out["relu'(_)"] = lambda x: ops.ActGrad("relu", {}, x, A, 0, False)
    for kind in ("mse", "cross_entropy", "bce"):
        loss = lambda yh, y, k=kind: ops.Loss(k, {"samples": "mean", "outputs": "sum", "scale": 1}, yh, y, A, None, 0, False)
        out[f"{kind} grad(_, a)"] = lambda x, f=loss: ops.LossGrad(f(x, A))
        out[f"{kind} grad(a, _)"] = lambda x, f=loss: ops.LossGrad(f(A, x))
    return out


INNER, OUTER = inner_nodes(), outer_positions()


@pytest.mark.parametrize("position", list(OUTER))
@pytest.mark.parametrize("operand", list(INNER))
def test_every_node_in_every_operand_position_reads_as_it_computes(printer, operand, position):
    node = OUTER[position](INNER[operand])
    latex = printer.formula(node).text
    assert sp.simplify(read(latex) - meaning(node)) == 0, latex


def test_the_reading_is_not_trivially_satisfied(printer):
    # the same check catches the missing parentheses of the old tanh line
    wrong = r"x \odot 1 - \left(u\right)^{\odot 2}"
    node = ops.Mul(D, ops.ActGrad("tanh", {}, A, A, 0, False))
    assert sp.simplify(read(wrong) - meaning(node)) != 0
    assert sp.simplify(read(printer.formula(node).text) - meaning(node)) == 0


# -- what scalars cannot tell: matrix products beside elementwise ones, the transpose ------------
@pytest.mark.parametrize("node, expected", [
    (ops.MatMul(A, ops.Mul(B, C)), r"u \, \left(v \odot w\right)"),
    (ops.Mul(ops.MatMul(A, B), C), r"\left(u \, v\right) \odot w"),
    (ops.Mul(A, ops.MatMul(B, C)), r"u \odot \left(v \, w\right)"),
    (ops.MatMul(ops.Mul(A, B), C), r"\left(u \odot v\right) \, w"),
    (ops.MatMul(ops.MatMul(A, B), C), r"u \, v \, w"),
    (ops.Mul(ops.Const(2), ops.MatMul(A, B)), r"2 \, u \, v"),
    (ops.MatMul(A, ops.Div(B, C)), r"u \, \frac{v}{w}"),
    (ops.T(ops.MatMul(A, B)), r"\left(u \, v\right)^{\mathsf{T}}"),
    (ops.MatMul(ops.T(A), B), r"u^{\mathsf{T}} \, v"),
    (ops.Mul(ops.Const(2), ops.Const(3)), r"2 \cdot 3"),
])
def test_matrix_and_elementwise_products_keep_their_parentheses(printer, node, expected):
    assert printer.formula(node).text == expected


def test_the_transpose_joins_the_layer_superscript():
    pr = Printer(trace(parse_problem(OR)))
    assert pr.formula(ops.T(ops.Ref("A0"))).text == r"A^{[0]\mathsf{T}}"
    assert pr.formula(ops.T(ops.Ref("dZ2"))).text == r"\Delta^{[2]\mathsf{T}}"
    # a symbol with a subscript, or a fraction, is bracketed instead
    assert pr.formula(ops.T(ops.Ref("W1_next"))).text == r"\left(W_{\mathrm{new}}^{[1]}\right)^{\mathsf{T}}"
    assert pr.formula(ops.T(ops.Ref("dW1"))).text == \
        r"\left(\frac{\partial J}{\partial W^{[1]}}\right)^{\mathsf{T}}"


def test_tanh_backward_line_of_the_worked_example_is_bracketed():
    from pathlib import Path
    md = (Path(__file__).resolve().parent.parent / "worked_examples" / "tanh_rows" / "worksheet.md").read_text()
    assert r"\frac{\partial J}{\partial A^{[1]}} \odot \left(1 - \left(A^{[1]}\right)^{\odot 2}\right)" in md
