"""Local derivatives: ∂node/∂operand as an expression tree, by the rules of the calculus.

`local(expr, operand, node)` differentiates a node's expression with respect to one of the
names it reads.  The outermost function is written in its own output where courses do so
(∂f/∂c = f(1 − f) for f = σ(c), e^c as f for f = exp(c)), so that the backward pass reuses the
value the forward pass computed.  `simplify` folds the 0s and 1s the rules leave (d(a + b)/da
is 1, not 1 + 0).  `wrong_points` lists the same derivative taken at a wrong point, the
slips the checker names.
"""
from __future__ import annotations

import copy
from fractions import Fraction

from .expr import Add, Call, Const, Div, Mul, Neg, Pow, Ref, Sub

ZERO, ONE = Const(0), Const(1)


def _c(node):
    return node.q if isinstance(node, Const) else None


def add(a, b):
    if _c(a) == 0:
        return b
    if _c(b) == 0:
        return a
    if _c(a) is not None and _c(b) is not None:
        return Const(_c(a) + _c(b))
    if isinstance(b, Neg):
        return sub(a, b.args[0])
    return Add(a, b)


def sub(a, b):
    if _c(b) == 0:
        return a
    if _c(a) == 0:
        return neg(b)
    if _c(a) is not None and _c(b) is not None:
        return Const(_c(a) - _c(b))
    return Sub(a, b)


def neg(a):
    if _c(a) is not None:
        return Const(-_c(a))
    if isinstance(a, Neg):
        return a.args[0]
    return Neg(a)


def mul(a, b):
    if _c(a) == 0 or _c(b) == 0:
        return ZERO
    if _c(a) == 1:
        return b
    if _c(b) == 1:
        return a
    if _c(a) == -1:
        return neg(b)
    if _c(b) == -1:
        return neg(a)
    if _c(a) is not None and _c(b) is not None:
        return Const(_c(a) * _c(b))
    if _c(b) is not None:              # constants in front: 2·x, not x·2
        return mul(b, a)
    if isinstance(a, Neg):
        return neg(mul(a.args[0], b))
    if isinstance(b, Neg):
        return neg(mul(a, b.args[0]))
    return Mul(a, b)


def div(a, b):
    if _c(a) == 0:
        return ZERO
    if _c(b) == 1:
        return a
    if _c(a) is not None and _c(b) not in (None, 0):
        return Const(_c(a) / _c(b))
    if isinstance(a, Neg):
        return neg(div(a.args[0], b))
    return Div(a, b)


def power(a, k):
    if k == 1:
        return a
    if k == 0:
        return ONE
    if _c(a) is not None and (k > 0 or _c(a) != 0):
        return Const(Fraction(_c(a)) ** k)
    return Pow(a, k)


def _output_form(call, out):
    """f′ written in the node's own value `out`, for a function at the top of the node."""
    name = call.name
    if name == "sigmoid":
        return mul(out, sub(ONE, out))
    if name == "tanh":
        return sub(ONE, power(out, 2))
    if name == "exp":
        return out
    if name == "sqrt":
        return div(ONE, mul(Const(2), out))
    return None


def _call_derivatives(call, out):
    """[(f′ with respect to argument i)] for a call f(u1, ...), in terms of its arguments
    (or of `out`, the call's own value, when given)."""
    name, args = call.name, call.args
    if out is not None:
        form = _output_form(call, out)
        if form is not None:
            return [form]
    u = args[0]
    if name == "sigmoid":
        s = Call("sigmoid", u)
        return [mul(s, sub(ONE, s))]
    if name == "tanh":
        return [sub(ONE, power(Call("tanh", u), 2))]
    if name == "exp":
        return [Call("exp", u)]
    if name == "sqrt":
        return [div(ONE, mul(Const(2), Call("sqrt", u)))]
    if name == "log":
        return [div(ONE, u)]
    if name == "relu":
        return [Call("step", u)]
    if name == "abs":
        return [Call("sign", u)]
    if name == "max":
        return [Call("share", args[0], args[1]), Call("share", args[1], args[0])]
    if name == "min":
        return [Call("share", args[1], args[0]), Call("share", args[0], args[1])]
    raise ValueError(f"no derivative for {name}")    # step, sign, share: piecewise constant


def derivative(e, name, out=None):
    """∂e/∂name, simplified.  `out`: a Ref to e's own value (the node), used by the function
    at the top of e."""
    if isinstance(e, Ref):
        return ONE if e.name == name else ZERO
    if isinstance(e, Const):
        return ZERO
    if name not in e.refs():
        return ZERO
    if isinstance(e, Add):
        return add(derivative(e.args[0], name), derivative(e.args[1], name))
    if isinstance(e, Sub):
        return sub(derivative(e.args[0], name), derivative(e.args[1], name))
    if isinstance(e, Neg):
        return neg(derivative(e.args[0], name))
    if isinstance(e, Mul):
        a, b = e.args
        return add(mul(derivative(a, name), b), mul(a, derivative(b, name)))
    if isinstance(e, Div):
        a, b = e.args
        da, db = derivative(a, name), derivative(b, name)
        return sub(div(da, b), div(mul(a, db), power(b, 2)))
    if isinstance(e, Pow):
        a, k = e.args[0], e.k
        return mul(mul(Const(k), power(a, k - 1)), derivative(a, name))
    if isinstance(e, Call):
        total = ZERO
        for u, du in zip(e.args, _call_derivatives(e, out)):
            total = add(total, mul(du, derivative(u, name)))
        return total
    raise TypeError(f"cannot differentiate {e!r}")


def local(expr, operand: str, node: str):
    """∂node/∂operand for node = expr."""
    return derivative(expr, operand, Ref(node))


def wrong_points(expr, operand: str, node: str):
    """[(what, expression)]: ∂node/∂operand taken at a wrong point, for the checker:
    the derivative of the top function evaluated at the node's output instead of its input
    (σ′(f) for σ′(c)), a formula in the output evaluated at the input (c(1 − c) for f(1 − f)),
    and in a product the factor's own value in place of its partner (∂(x·y)/∂x taken as x)."""
    out = []
    if isinstance(expr, Call) and expr.fn.arity == 1:
        at_output = derivative(Call(expr.name, Ref(node)), node)    # σ(f)(1 − σ(f)), 1/f, ...
        inner = derivative(expr.args[0], operand)
        out.append((f"{expr.name}′ evaluated at the output {node} instead of at its input",
                    mul(at_output, inner)))
        form = _output_form(expr, Ref(node))
        if form is not None:
            arg = expr.args[0]
            out.append((f"the formula in the output ({node}) evaluated at the input",
                        mul(_subst(form, node, arg), inner)))
    if isinstance(expr, Mul):
        a, b = expr.args
        for this, partner in ((a, b), (b, a)):
            if isinstance(this, Ref) and this.name == operand and operand not in partner.refs():
                out.append((f"the factor {operand} itself taken in place of its partner", Ref(operand)))
    return out


def _subst(e, name, by):
    """e with every Ref(name) replaced by the expression `by`."""
    if isinstance(e, Ref):
        return by if e.name == name else e
    if not e.args:
        return e
    new = copy.copy(e)
    new.args = tuple(_subst(a, name, by) for a in e.args)
    return new
