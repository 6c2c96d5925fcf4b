"""Expression nodes: how each quantity is computed, evaluated in any number field.

The engine never computes a matrix directly: it builds an expression (`Z1 = W1 @ A0 + b1`)
and the recorder evaluates it.  The same tree is what the worksheets print (general formula,
then the matrices substituted) and what the checker re-evaluates on a student's own earlier
answers.  One implementation of every operation, three uses.

Layout: `feat` is the axis that indexes features/neurons (0 for columns layout, 1 for rows);
in augmented bias mode index 0 along `feat` is the constant-1 row/column.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .losses import LOSSES


class Ctx:
    """What evaluation needs: the values by name, the field, and (optionally) a place to keep
    the value of every sub-expression for the worksheets."""

    def __init__(self, env, field, parts=None):
        self.env, self.F, self.parts = env, field, parts

    def keep(self, node, value):
        if self.parts is not None:
            self.parts[id(node)] = value
        return value


class Node:
    args: tuple = ()

    def eval(self, ctx: Ctx):
        return ctx.keep(self, self.compute(ctx, *[a.eval(ctx) for a in self.args]))

    def compute(self, ctx, *vals):
        raise NotImplementedError

    def refs(self):
        """Names this expression reads, in order of appearance."""
        out = []
        for a in self.args:
            for r in a.refs():
                if r not in out:
                    out.append(r)
        return out

    def __repr__(self):
        inner = ", ".join(repr(a) for a in self.args)
        return f"{type(self).__name__}({inner})"


class Ref(Node):
    def __init__(self, name):
        self.name = name

    def eval(self, ctx):
        return ctx.keep(self, ctx.env[self.name])

    def refs(self):
        return [self.name]

    def __repr__(self):
        return self.name


# the hyperparameters a formula may name (see Const): the optimizer's, and what it builds of them
PARAMS = ("lr", "momentum", "weight_decay", "beta1", "beta2", "1-beta1", "1-beta2", "eps",
          "lr*weight_decay", "1-lr*weight_decay", "1/m")


class Const(Node):
    """A scalar known exactly (a learning rate, 1/m, 2).  A hyperparameter names itself:
    `param` is one of PARAMS ("lr", "1-beta1", ...), whose symbol (η, 1 − β₁) the general
    formula writes in place of the value (the renderers' one table: render/notation.PARAMS)."""

    def __init__(self, q, param=None):
        self.q = Fraction(q)
        if param is not None and param not in PARAMS:
            raise ValueError(param)
        self.param = param

    def eval(self, ctx):
        return ctx.keep(self, ctx.F.const(self.q))

    def __repr__(self):
        return str(self.q)


class MatMul(Node):
    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        return a @ b


class T(Node):
    def __init__(self, a):
        self.args = (a,)

    def compute(self, ctx, a):
        return a.T


def _temporary(ctx, node, a, b):
    """An operand that may take the result of the elementwise `a ∘ b`, or None.  Only with
    tracing off (no sub-expression values kept) and only a float64 matrix that an arithmetic
    node just below made for this evaluation alone: in training this saves a new matrix per
    `W − η g` and `A Wᵀ + b`, which is most of the cost of an update on a large layer."""
    if ctx.parts is not None:
        return None
    for arg, v, other in ((node.args[0], a, b), (node.args[1], b, a)):
        if isinstance(arg, _ARITH) and type(v) is np.ndarray and v.dtype == np.float64:
            if isinstance(other, float):
                return v
            s = getattr(other, "shape", None)
            if (s is not None and other.dtype == np.float64 and len(s) <= v.ndim
                    and all(k in (1, n) for k, n in zip(s[::-1], v.shape[::-1]))):
                return v   # `other` broadcasts to v's shape: the result fits in v
    return None


class Add(Node):
    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        out = _temporary(ctx, self, a, b)
        return a + b if out is None else np.add(a, b, out=out)


class Sub(Node):
    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        out = _temporary(ctx, self, a, b)
        return a - b if out is None else np.subtract(a, b, out=out)


class Mul(Node):
    """Elementwise (Hadamard) product, or a scalar times a matrix."""

    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        out = _temporary(ctx, self, a, b)
        return a * b if out is None else np.multiply(a, b, out=out)


class Div(Node):
    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        return a / b


# nodes whose value is a new array, owned by the node above (see _temporary)
_ARITH = (MatMul, Add, Sub, Mul, Div)


class Square(Node):
    def __init__(self, a):
        self.args = (a,)

    def compute(self, ctx, a):
        return a * a


class Power(Node):
    """a^k for a whole k ≥ 1 (Adam's β^t), by repeated multiplication: exact where a is.
    `exponent`: the name the general formula writes for k (Adam's step count t)."""

    def __init__(self, a, k: int, exponent=None):
        self.args, self.k, self.exponent = (a,), k, exponent

    def compute(self, ctx, a):
        out = a
        for _ in range(self.k - 1):
            out = out * a
        return out


class Sqrt(Node):
    def __init__(self, a):
        self.args = (a,)

    def compute(self, ctx, a):
        return ctx.F.sqrt(a)


class Bias(Node):
    """A bias vector (shape [out]) stood up along the feature axis, to broadcast over samples."""

    def __init__(self, b, feat):
        self.args, self.feat = (b,), feat

    def compute(self, ctx, b):
        return b[:, None] if self.feat == 0 else b[None, :]


class SumSamples(Node):
    """Sum over the samples: ∂J/∂b = Σ_i Δ_i (a 1-D vector)."""

    def __init__(self, a, feat):
        self.args, self.feat = (a,), feat

    def compute(self, ctx, a):
        return a.sum(axis=1 - self.feat)


# -- activations ---------------------------------------------------------------------------
def _real_part(feat, aug):
    """Index of the entries an activation acts on (all, or all but the constant row)."""
    if not aug:
        return (slice(None), slice(None))
    return (slice(1, None), slice(None)) if feat == 0 else (slice(None), slice(1, None))


def _placed(like, fill, idx, aug, value):
    """`value` on the real part of an array shaped like `like`; augmented, the constant row
    is `fill` (0, or the input carried through).  Not augmented, `value` is the whole answer:
    no copy (training calls this thousands of times on large batches)."""
    if not aug:
        return value
    out = like * 0 if fill == 0 else like.copy()
    out[idx] = value
    return out


def activate(F, kind, opts, Z, feat):
    if kind == "identity":
        return Z
    if kind == "relu":
        return F.relu(Z)
    if kind == "leaky_relu":
        return F.where_positive(Z, Z, Z * F.const(opts["slope"]))
    if kind == "sigmoid":
        return F.sigmoid(Z)
    if kind == "tanh":
        return F.tanh(Z)
    if kind == "softmax":
        return F.softmax(Z, feat)
    raise ValueError(kind)


def derivative(F, kind, opts, Z, A):
    """g'(Z) elementwise, written the way a hand derivation writes it (σ' = a(1−a))."""
    one = F.const(1)
    if kind == "identity":
        return Z * 0 + one
    if kind == "relu":
        return F.positive(Z)
    if kind == "leaky_relu":
        return F.where_positive(Z, Z * 0 + one, Z * 0 + F.const(opts["slope"]))
    if kind == "sigmoid":
        return A * (one - A)
    if kind == "tanh":
        return one - A * A
    raise ValueError(kind)


class Act(Node):
    """A = g(Z) (augmented: the constant row is carried through unchanged)."""

    def __init__(self, kind, opts, z, feat, aug):
        self.kind, self.opts, self.args, self.feat, self.aug = kind, opts, (z,), feat, aug

    def compute(self, ctx, z):
        idx = _real_part(self.feat, self.aug)
        zi = z[idx]
        a = activate(ctx.F, self.kind, self.opts, zi, self.feat)
        return _placed(z, "z", idx, self.aug, a.copy() if a is zi else a)   # A never aliases Z


class ActGrad(Node):
    """g'(Z), elementwise activations only (augmented: 0 on the constant row)."""

    def __init__(self, kind, opts, z, a, feat, aug):
        self.kind, self.opts, self.args, self.feat, self.aug = kind, opts, (z, a), feat, aug

    def compute(self, ctx, z, a):
        idx = _real_part(self.feat, self.aug)
        return _placed(z, 0, idx, self.aug, derivative(ctx.F, self.kind, self.opts, z[idx], a[idx]))


class SoftmaxBack(Node):
    """Δ = Â ⊙ (∂J/∂A − Σ_k (∂J/∂A)_k Â_k), per sample: the softmax Jacobian applied."""

    def __init__(self, da, a, feat, aug):
        self.args, self.feat, self.aug = (da, a), feat, aug

    def compute(self, ctx, da, a):
        idx = _real_part(self.feat, self.aug)
        d, s = da[idx], a[idx]
        return _placed(da, 0, idx, self.aug, s * (d - (d * s).sum(axis=self.feat, keepdims=True)))


# -- losses --------------------------------------------------------------------------------
def _strip(X, feat, aug):
    return X[_real_part(feat, aug)]


class Loss(Node):
    """The scalar loss J(Ŷ, Y).  `out_act` names the last activation, so that log-softmax and
    log-sigmoid are taken from Z in their numerically stable forms."""

    def __init__(self, kind, opts, yhat, y, z, out_act, feat, aug, per_sample=False):
        self.kind, self.opts, self.out_act = kind, opts, out_act
        self.args, self.feat, self.aug = (yhat, y, z), feat, aug
        self.per_sample = per_sample    # one_over_m: dW: ∂J/∂Ŷ without the 1/m (see network.py)

    def counts(self, y):
        m = y.shape[1 - self.feat]
        n = y.shape[self.feat] - (1 if self.aug else 0)
        return m, n

    def compute(self, ctx, yhat, y, z):
        F, feat = ctx.F, self.feat
        m, n = self.counts(y)
        yh, yy, zz = (_strip(v, feat, self.aug) for v in (yhat, y, z))
        c = F.const(LOSSES[self.kind].coefficient(self.opts, m, n))
        if self.kind == "mse":
            d = yh - yy
            total = (d * d).sum()
        elif self.kind == "cross_entropy":
            logp = F.log_softmax(zz, feat) if self.out_act == "softmax" else F.log(yh)
            total = -(yy * logp).sum()
        elif self.kind == "bce":
            if self.out_act == "sigmoid":
                lp, lq = F.log_sigmoid(zz), F.log_sigmoid(-zz)
            else:
                lp, lq = F.log(yh), F.log(F.const(1) - yh)
            total = -(yy * lp + (F.const(1) - yy) * lq).sum()
        else:
            raise ValueError(self.kind)
        return total * c


class LossGrad(Node):
    """∂J/∂Ŷ (augmented: 0 on the constant row)."""

    def __init__(self, loss: Loss):
        self.loss, self.args = loss, loss.args[:2]

    def factor(self, y):
        """The constant in front (losses.LossKind.grad_coefficient): 2·scale for mse, 1 for
        the others; divided by m when averaged over samples (unless the 1/m is written in
        dW and db) and by n over outputs."""
        m, n = self.loss.counts(y)
        return LOSSES[self.loss.kind].grad_coefficient(self.loss.opts, 1 if self.loss.per_sample else m, n)

    def compute(self, ctx, yhat, y):
        F, feat, aug = ctx.F, self.loss.feat, self.loss.aug
        c = F.const(self.factor(y))
        idx = _real_part(feat, aug)
        yh, yy = yhat[idx], y[idx]
        if self.loss.kind == "mse":
            g = (yh - yy) * c
        elif self.loss.kind == "cross_entropy":
            g = -F.safe_div(yy, yh) * c
        else:  # bce: (ŷ − y) / (ŷ(1 − ŷ))
            g = F.safe_div(yh - yy, yh * (F.const(1) - yh)) * c
        return _placed(yhat, 0, idx, self.loss.aug, g)


class FusedDelta(Node):
    """Δ^[L] = c (Ŷ − Y) for softmax + cross-entropy and sigmoid + BCE: the softmax/sigmoid
    derivative cancels the 1/ŷ of the loss, as every course writes it."""

    def __init__(self, grad: LossGrad):
        self.grad, self.args = grad, grad.args

    def compute(self, ctx, yhat, y):
        idx = _real_part(self.grad.loss.feat, self.grad.loss.aug)
        return _placed(yhat, 0, idx, self.grad.loss.aug, (yhat[idx] - y[idx]) * ctx.F.const(self.grad.factor(y)))
