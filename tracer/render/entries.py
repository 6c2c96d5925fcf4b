"""Entry by entry (`--detail entries`, seed 002): every entry of a quantity written out from
the recorded operand values, `0.2 \\cdot 0 + 0.4 \\cdot 1 + 0.3 = 0.7`, and the loss as its
sum of terms.

The number after '=' is always the recorded entry; the operands are the recorded values of
the sub-expressions (Quantity.parts).  Nothing is recomputed here.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import ops
from ..numtext import latex_exact as const_text
from .printer import Printer, needs_paren

MAX_TERMS = 12     # longer sums show their first and last terms around \cdots

ATOM, PRODUCT, SUM = 3, 2, 1


def _wrap(t, need):
    text, prec = t
    return text if prec >= need else r"\left(" + text + r"\right)"


def _neg(text: str) -> str:
    """-x as text (a sign flipped in print, not a computation)."""
    if text.startswith(r"\left(-") and text.endswith(r"\right)"):
        return text[7:-7]
    if text.startswith("-"):
        return text[1:]
    if text == "0":
        return text
    return "-" + text


def _sum(terms):
    if len(terms) > MAX_TERMS:
        terms = terms[:4] + [r"\cdots"] + terms[-2:]
    return " + ".join(terms)


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

    def leaf(self, node, parts, idx, shape):
        return self.pr.operand(self.at(node, parts, idx, shape)), ATOM

    # -- one entry of an expression, one level of values deep -------------------------------------
    def expand(self, node, parts, idx, shape):
        name = "_x_" + type(node).__name__
        if hasattr(self, name):
            return getattr(self, name)(node, parts, idx, shape)
        return self.leaf(node, parts, idx, shape)

    def _x_Const(self, node, parts, idx, shape):
        t = const_text(node.q)
        return (r"\left(" + t + r"\right)", ATOM) if node.q < 0 else (t, ATOM)

    def _x_Bias(self, node, parts, idx, shape):
        return self.leaf(node, parts, idx, shape)

    def _x_MatMul(self, node, parts, idx, shape):
        a, b = (np.asarray(parts[id(x)], dtype=object) for x in node.args)
        i, j = idx
        op = self.pr.operand
        terms = [f"{op(a[i, k])} \\cdot {op(b[k, j])}" for k in range(a.shape[1])]
        return _sum(terms), SUM if len(terms) > 1 else PRODUCT

    def _x_Add(self, node, parts, idx, shape):
        a, b = (self.expand(x, parts, idx, shape) for x in node.args)
        return f"{a[0]} + {_wrap(b, PRODUCT)}", SUM

    def _x_Sub(self, node, parts, idx, shape):
        a, b = (self.expand(x, parts, idx, shape) for x in node.args)
        return f"{a[0]} - {_wrap(b, PRODUCT)}", SUM

    def _x_Mul(self, node, parts, idx, shape):
        a, b = (self.expand(x, parts, idx, shape) for x in node.args)
        return f"{_wrap(a, PRODUCT)} \\cdot {_wrap(b, PRODUCT)}", PRODUCT

    def _x_Div(self, node, parts, idx, shape):
        a, b = (self.expand(x, parts, idx, shape) for x in node.args)
        return r"\frac{%s}{%s}" % (a[0], b[0]), ATOM

    def _x_Square(self, node, parts, idx, shape):
        text, prec = self.expand(node.args[0], parts, idx, shape)
        if prec < ATOM or needs_paren(text):
            text = r"\left(" + text + r"\right)"
        return text + "^{2}", ATOM

    def _x_Power(self, node, parts, idx, shape):
        text, prec = self.expand(node.args[0], parts, idx, shape)
        if prec < ATOM or needs_paren(text):
            text = r"\left(" + text + r"\right)"
        return text + "^{%d}" % node.k, ATOM

    def _x_Sqrt(self, node, parts, idx, shape):
        return r"\sqrt{%s}" % self.expand(node.args[0], parts, idx, shape)[0], ATOM

    def _x_SumSamples(self, node, parts, idx, shape):
        a = np.asarray(parts[id(node.args[0])], dtype=object)
        row = a[idx[0], :] if self.feat == 0 else a[:, idx[0]]
        return _sum([self.pr.operand(v) for v in row]), SUM

    def _x_ActGrad(self, node, parts, idx, shape):
        z, a = node.args
        if node.kind == "sigmoid" and not self._constant(idx):
            av = self.pr.operand(self.at(a, parts, idx, shape))
            return f"{av} \\left(1 - {av}\\right)", PRODUCT
        if node.kind == "tanh" and not self._constant(idx):
            return f"1 - {self.pr.operand(self.at(a, parts, idx, shape))}^{{2}}", SUM
        return self.leaf(node, parts, idx, shape)

    def _grad_coef(self, grad, parts):
        c = grad.factor(parts[id(grad.args[1])])
        return "" if c == 1 else const_text(c) + " "

    def _x_LossGrad(self, node, parts, idx, shape):
        if self._constant(idx):
            return self.leaf(node, parts, idx, shape)
        yh, y = (self.pr.operand(self.at(x, parts, idx, shape)) for x in node.args)
        c = self._grad_coef(node, parts)
        if node.loss.kind == "mse":
            first = self.pr.number(self.at(node.args[0], parts, idx, shape))
            return f"{c}\\left({first} - {y}\\right)", PRODUCT
        if node.loss.kind == "cross_entropy":
            return f"-{c}\\frac{{{y}}}{{{yh}}}", SUM
        return r"%s\frac{%s - %s}{%s\left(1 - %s\right)}" % (c, yh, y, yh, yh), PRODUCT

    def _x_FusedDelta(self, node, parts, idx, shape):
        if self._constant(idx):
            return self.leaf(node, parts, idx, shape)
        yh, y = (self.pr.operand(self.at(x, parts, idx, shape)) for x in node.args)
        return f"{self._grad_coef(node.grad, parts)}\\left({yh} - {y}\\right)", PRODUCT

    def _constant(self, idx):
        """The augmented constant row/column: carried, not computed."""
        return self.pr.aug and len(idx) == 2 and idx[self.feat] == 0

    # -- activations, applied entry by entry ----------------------------------------------------
    def activation(self, node, parts, idx, shape):
        """σ(0.3) = 1/(1+e^{-0.3}): the activation of one entry, or None (identity, constant row)."""
        if node.kind == "identity" or self._constant(idx):
            return None
        z = self.pr.number(self.at(node.args[0], parts, idx, shape))
        zp = r"\left(" + z + r"\right)" if z.startswith("-") else z
        if node.kind == "sigmoid":
            return r"\sigma(%s) = \frac{1}{1 + e^{%s}}" % (z, _neg(z))
        if node.kind == "relu":
            return r"\max(0, %s)" % z
        if node.kind == "leaky_relu":
            return r"\max(%s \cdot %s, %s)" % (const_text(Fraction(node.opts["slope"])), zp, z)
        if node.kind == "tanh":
            return r"\tanh(%s) = \frac{e^{%s} - e^{%s}}{e^{%s} + e^{%s}}" % (z, z, _neg(z), z, _neg(z))
        if node.kind == "softmax":
            Z = np.asarray(parts[id(node.args[0])], dtype=object)
            i, j = idx
            col = [Z[k, j] for k in range(Z.shape[0])] if self.feat == 0 else [Z[i, k] for k in range(Z.shape[1])]
            if self.pr.aug:
                col = col[1:]
            den = _sum(["e^{%s}" % self.pr.number(v) for v in col])
            return r"\frac{e^{%s}}{%s}" % (z, den)
        return None

    # -- whole quantities ---------------------------------------------------------------------------
    def lines(self, q, max_lines=None):
        """The entry lines of quantity q: 'X_{ij} &= expansion = value'."""
        expr = q.expr
        value = np.asarray(q.value, dtype=object)
        if expr is None or value.ndim == 0 or isinstance(expr, (ops.Ref, ops.T, ops.SoftmaxBack)):
            return []
        shape = value.shape
        if value.ndim == 2:
            r_idx, c_idx = self.pr.shown_indices(*shape)
            cells = [(i, j) for i in r_idx if i is not None for j in c_idx if j is not None]
        else:
            r_idx, _ = self.pr.shown_indices(shape[0], 1)
            cells = [(i,) for i in r_idx if i is not None]
        out = []
        for idx in cells:
            self.pr.mark()
            if isinstance(expr, ops.Act):
                body = self.activation(expr, q.parts, idx, shape)
                if body is None:
                    continue
            else:
                if self._constant(idx) and q.kind in ("forward", "backward"):
                    continue
                body = self.expand(expr, q.parts, idx, shape)[0]
            res = self.pr.number(value[idx])
            out.append(f"{self.pr.n.entry(q.name, idx)} &= {body} {self.pr.result_rel(q, idx)} {res}")
        if out and len(cells) < value.size:
            out.append(r"&\;\vdots \quad \text{(the entries the matrix shows; the others alike)}")
        return out


def loss_terms(pr: Printer, q):
    """J written as its sum of terms: c[(ŷ₁ − y₁)² + …] (mse) or −c[y log ŷ + …]."""
    node = q.expr
    yh, y = (np.asarray(q.parts[id(a)], dtype=object) for a in node.args[:2])
    if pr.aug:
        yh, y = (a[1:, :] if pr.feat == 0 else a[:, 1:] for a in (yh, y))
    m = yh.shape[1 - pr.feat]
    n = yh.shape[pr.feat]
    o = node.opts
    c = Fraction(1)
    if node.kind == "mse":
        c = Fraction(o["scale"])
    if o.get("outputs") == "mean":
        c /= n
    if o["samples"] == "mean":
        c /= m
    op = pr.operand
    terms = []
    for a, b in zip(yh.ravel(), y.ravel()):
        if node.kind == "mse":
            terms.append(f"\\left({pr.number(a)} - {op(b)}\\right)^2")
        else:
            qb = pr.trace.entry(b)[0]
            if qb != 0:
                terms.append(("" if qb == 1 else op(b) + r" \, ") + r"\log " + op(a))
            if node.kind == "bce" and qb != 1:
                w = "" if qb == 0 else r"\left(1 - %s\right) \, " % op(b)
                terms.append(w + r"\log\left(1 - %s\right)" % op(a))
    body = _sum(terms) if terms else "0"
    coef = "" if c == 1 else const_text(c)
    sign = "" if node.kind == "mse" else "-"
    return f"{sign}{coef}\\left[{body}\\right]"
