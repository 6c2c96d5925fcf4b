"""Entry by entry (`--detail entries`, seed 002): every entry of a quantity written out from
the recorded operand values, `0.2 \\cdot 0 + 0.4 \\cdot 1 + 0.3 = 0.7`, and the loss as its
sum of terms.

The number after '=' is always the recorded entry; the operands are the recorded values of
the sub-expressions (Quantity.parts).  Nothing is recomputed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import ops
from ..losses import LOSSES
from . import shown
from .printer import Printer, const as _const
from .tex import ONE, constant, ATOM, POWER, PRODUCT, Math, Row, frac, neg, op, paren, power, scaled, sum_terms, wrap

MAX_TERMS = 12     # longer sums show their first and last terms around \cdots


@dataclass
class Cell:
    """One entry written out: its index, the expansion, the relation before the recorded
    result, and the result."""
    idx: tuple
    body: Math
    rel: str
    result: Math

    def right(self) -> Math:
        """'expansion ≈ result', or the result alone when the expansion is that number."""
        if self.body.text == self.result.text:
            return self.result
        return Math(f"{self.body.text} {self.rel} {self.result.text}", ATOM,
                    self.body.rounded or self.result.rounded)

    def first_rel(self) -> str:
        """The relation after the entry's symbol: '=' before an expansion (the symbol is that
        expression), the result's own before the result alone."""
        return self.rel if self.body.text == self.result.text else "="


class Entries:
    """Expansions of one entry of a recorded quantity."""

    def __init__(self, pr: Printer):
        self.pr = pr
        self.feat = pr.feat

    def at(self, node, parts, idx, shape):
        v = np.asarray(parts[id(node)], dtype=object)
        if v.ndim == 0:
            return v[()]
        if v.shape != tuple(shape):
            v = np.broadcast_to(v, shape)
        return v[idx]

    def leaf(self, node, parts, idx, shape) -> Math:
        return self.pr.number(self.at(node, parts, idx, shape))

    # -- one entry of an expression, one level of values deep -------------------------------------
    def expand(self, node, parts, idx, shape) -> Math:
        name = "_x_" + type(node).__name__
        if hasattr(self, name):
            return getattr(self, name)(node, parts, idx, shape)
        return self.leaf(node, parts, idx, shape)

    def _x_Const(self, node, parts, idx, shape):
        # a hyperparameter as the file and the matrix line write it (η = 0.5, not ½); 1/m exact
        return _const(node.q, param=node.param not in (None, "1/m"))

    def _x_Bias(self, node, parts, idx, shape):
        return self.leaf(node, parts, idx, shape)

    def _x_MatMul(self, node, parts, idx, shape):
        a, b = (np.asarray(parts[id(x)], dtype=object) for x in node.args)
        i, j = idx
        num = self.pr.number
        return sum_terms([op("cdot", num(a[i, k]), num(b[k, j])) for k in range(a.shape[1])], MAX_TERMS)

    def _x_Add(self, node, parts, idx, shape):
        return op("+", *(self.expand(x, parts, idx, shape) for x in node.args))

    def _x_Sub(self, node, parts, idx, shape):
        return op("-", *(self.expand(x, parts, idx, shape) for x in node.args))

    def _x_Mul(self, node, parts, idx, shape):
        return op("cdot", *(self.expand(x, parts, idx, shape) for x in node.args))

    def _x_Div(self, node, parts, idx, shape):
        return frac(*(self.expand(x, parts, idx, shape) for x in node.args))

    def _x_Square(self, node, parts, idx, shape):
        return power(self.expand(node.args[0], parts, idx, shape), "2")

    def _x_Power(self, node, parts, idx, shape):
        return power(self.expand(node.args[0], parts, idx, shape), str(node.k))

    def _x_Sqrt(self, node, parts, idx, shape):
        inner = self.expand(node.args[0], parts, idx, shape)
        return wrap(r"\sqrt{%s}", inner, value=shown.sqrt(inner.value))

    def _x_SumSamples(self, node, parts, idx, shape):
        a = np.asarray(parts[id(node.args[0])], dtype=object)
        row = a[idx[0], :] if self.feat == 0 else a[:, idx[0]]
        return sum_terms([self.pr.number(v) for v in row], MAX_TERMS)

    def _x_ActGrad(self, node, parts, idx, shape):
        z, a = node.args
        if node.kind == "sigmoid" and not self._constant(idx):
            av = self.leaf(a, parts, idx, shape)
            return scaled(av, op("-", ONE, av), sep=" ")
        if node.kind == "tanh" and not self._constant(idx):
            return op("-", ONE, power(self.leaf(a, parts, idx, shape), "2"))
        return self.leaf(node, parts, idx, shape)

    def _grad_coef(self, grad, parts):
        c = grad.factor(parts[id(grad.args[1])])
        return None if c == 1 else _const(c)

    def _x_LossGrad(self, node, parts, idx, shape):
        if self._constant(idx):
            return self.leaf(node, parts, idx, shape)
        yh, y = (self.leaf(x, parts, idx, shape) for x in node.args)
        c = self._grad_coef(node, parts)
        if node.loss.kind == "mse":
            return scaled(c, op("-", yh, y))
        if node.loss.kind == "cross_entropy":
            return neg(scaled(c, frac(y, yh)))
        return scaled(c, frac(op("-", yh, y), op("cdot", yh, op("-", ONE, yh))))

    def _x_FusedDelta(self, node, parts, idx, shape):
        if self._constant(idx):
            return self.leaf(node, parts, idx, shape)
        yh, y = (self.leaf(x, parts, idx, shape) for x in node.args)
        return scaled(self._grad_coef(node.grad, parts), op("-", yh, y))

    def _constant(self, idx):
        """The augmented constant row/column of a matrix of samples (A, Z, Δ): carried, not
        computed."""
        return self.pr.aug and len(idx) == 2 and idx[self.feat] == 0

    def _not_computed(self, q, idx) -> bool:
        """Entries not written out: W̃'s first row [1, 0…0] (no parameter: its gradient,
        update and moments are no computation, problem-format §4), in either layout; the
        constant row/column of a matrix of samples."""
        if self.pr.fixed_row(q.name):
            return idx[0] == 0
        return self._constant(idx) and q.kind in ("forward", "backward")

    # -- activations, applied entry by entry ----------------------------------------------------
    def activation(self, node, parts, idx, shape) -> Math | None:
        """σ(0.3) = 1/(1+e^{-0.3}): the activation of one entry, or None (identity, constant row)."""
        if node.kind == "identity" or self._constant(idx):
            return None
        v = self.at(node.args[0], parts, idx, shape)
        z, minus = self.pr.number(v), self.pr.number(v, negate=True)
        g = shown.activation(node.kind, node.opts, z.value)      # of the digits shown
        if node.kind == "sigmoid":
            return wrap(r"\sigma(%s) = \frac{1}{1 + e^{%s}}", z, minus, value=g)
        if node.kind == "relu":
            return wrap(r"\max(0, %s)", z, value=g)
        if node.kind == "leaky_relu":
            return wrap(r"\max(%s, %s)", op("cdot", _const(Fraction(node.opts["slope"])), z), z, value=g)
        if node.kind == "tanh":
            return wrap(r"\tanh(%s) = \frac{e^{%s} - e^{%s}}{e^{%s} + e^{%s}}", z, z, minus, z, minus, value=g)
        if node.kind == "softmax":
            Z = np.asarray(parts[id(node.args[0])], dtype=object)
            i, j = idx
            col = [Z[k, j] for k in range(Z.shape[0])] if self.feat == 0 else [Z[i, k] for k in range(Z.shape[1])]
            if self.pr.aug:
                col = col[1:]
            den = sum_terms([wrap("e^{%s}", self.pr.number(v)) for v in col], MAX_TERMS)
            return wrap(r"\frac{e^{%s}}{%s}", z, den)
        return None

    # -- whole quantities ---------------------------------------------------------------------------
    def cells(self, q) -> list[Cell]:
        """Every shown entry of quantity q written out (none for givens, transposes, scalars)."""
        expr = q.expr
        value = np.asarray(q.value, dtype=object)
        if expr is None or value.ndim == 0 or isinstance(expr, (ops.Ref, ops.T, ops.SoftmaxBack)):
            return []
        if _times_identity(expr):     # Δ = ∂J/∂A ⊙ id′(Z): every entry would read x · 1 ≈ x
            return []
        out = []
        for idx in self.shown_cells(value.shape):
            if isinstance(expr, ops.Act):
                body = self.activation(expr, q.parts, idx, value.shape)
                if body is None:
                    continue
            else:
                if self._not_computed(q, idx):
                    continue
                body = self.expand(expr, q.parts, idx, value.shape)
            res = self.pr.checked(body.value, self.pr.number(value[idx]))
            out.append(Cell(idx, body, self.pr.result_rel(q, idx, body, res), res))
        return out

    def shown_cells(self, shape):
        if len(shape) == 2:
            r_idx, c_idx = self.pr.shown_indices(*shape)
            return [(i, j) for i in r_idx if i is not None for j in c_idx if j is not None]
        r_idx, _ = self.pr.shown_indices(shape[0], 1)
        return [(i,) for i in r_idx if i is not None]

    def lines(self, q) -> list[Row]:
        """The entry lines of quantity q: 'X_{ij} &= expansion = value'."""
        cells = self.cells(q)
        if all(c.body.text == c.result.text for c in cells):
            return []     # nothing worked out (a sum over one sample): the matrix line said it all
        out = [Row(self.pr.n.entry(q.name, c.idx), c.first_rel(), c.right()) for c in cells]
        if out and len(self.shown_cells(np.shape(q.value))) < np.size(q.value):
            out.append(elided_row())
        return out


def _times_identity(expr) -> bool:
    return isinstance(expr, ops.Mul) and any(isinstance(a, ops.ActGrad) and a.kind == "identity" for a in expr.args)


def elided_row() -> Row:
    return Row("", "", Math(r"\;\vdots \quad \text{(the entries the matrix shows; the others alike)}"))


def loss_terms(pr: Printer, q):
    """J written as its sum of terms: c[(ŷ₁ − y₁)² + …] (mse) or −c[y log ŷ + …]."""
    node = q.expr
    yh, y = (np.asarray(q.parts[id(a)], dtype=object) for a in node.args[:2])
    if pr.aug:
        yh, y = (a[1:, :] if pr.feat == 0 else a[:, 1:] for a in (yh, y))
    m = yh.shape[1 - pr.feat]
    n = yh.shape[pr.feat]
    c = LOSSES[node.kind].coefficient(node.opts, m, n)
    num = pr.number
    terms = []
    for a, b in zip(yh.ravel(), y.ravel()):
        if node.kind == "mse":
            terms.append(power(op("-", num(a), num(b)), "2"))
        else:
            qb = pr.trace.entry(b)[0]
            if qb != 0:
                log = _log(num(a))
                terms.append(log if qb == 1 else op("scalar", num(b), log))
            if node.kind == "bce" and qb != 1:
                log = _log(op("-", ONE, num(a)))
                terms.append(log if qb == 0 else op("scalar", op("-", ONE, num(b)), log))
    total = sum_terms(terms, MAX_TERMS) if terms else constant("0", 0)
    body = wrap(r"\left[%s\right]", total, value=total.value)
    if c != 1:
        body = Math(_const(c).text + body.text, PRODUCT, body.rounded,
                    value=None if body.value is None else c * body.value)
    return body if node.kind == "mse" else neg(body)


def _log(x: Math) -> Math:
    return wrap(r"\log %s", x if x.prec >= POWER else paren(x), value=shown.log(x.value))
