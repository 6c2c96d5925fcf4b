"""Layers and the network: one training step written as expressions for the recorder.

`Linear` knows the layout (columns: Z = W A + b; rows: Z = A Wᵀ + b), how W is stored
((out, in), or (in, out) as CS231n: then rows Z = A W + b, columns Z = Wᵀ A + b), and the bias
mode (separate, or augmented: W̃ = [[1, 0…0], [b, W]] and a constant-1 row carried in every A).
With the 1/m written in dW and db (`one_over_m: dW`, DLS), ∂J/∂Ŷ leaves out the loss's 1/m, so
Δ and ∂/∂A are those of the per-sample sum, and dW, db are (1/m) times theirs.
Nothing here knows which number field it runs in, or that worksheets exist.
"""
from __future__ import annotations

import numpy as np

from fractions import Fraction

from .ops import (Act, ActGrad, Add, Bias, Const, FusedDelta, Loss, LossGrad, MatMul, Mul, Node, Ref,
                  SoftmaxBack, SumSamples, T)


class Linear:
    def __init__(self, index, W, b, activation=None, act_opts=None, freeze=(), feat=0, aug=False,
                 in_out=False):
        self.l, self.W, self.b = index, W, b
        self.activation, self.act_opts = activation, act_opts or {}
        self.freeze, self.feat, self.aug = frozenset(freeze), feat, aug
        self.in_out = in_out

    @property
    def params(self):
        """The parameters by letter, as the trace names them (augmented: W̃ only)."""
        return {"W": self.W} if self.b is None else {"W": self.W, "b": self.b}

    # expressions --------------------------------------------------------------------------
    def z(self):
        W, A = Ref(f"W{self.l}"), Ref(f"A{self.l - 1}")
        if self.feat == 0:
            z = MatMul(T(W), A) if self.in_out else MatMul(W, A)
        else:
            z = MatMul(A, W) if self.in_out else MatMul(A, T(W))
        if self.b is not None:
            z = Add(z, Bias(Ref(f"b{self.l}"), self.feat))
        return z

    def a(self):
        if self.activation is None:
            return Ref(f"Z{self.l}")
        return Act(self.activation, self.act_opts, Ref(f"Z{self.l}"), self.feat, self.aug)

    def delta(self, fused: Node | None = None):
        l = self.l
        if fused is not None:
            return fused
        if self.activation is None and not self.aug:
            return Ref(f"dA{l}")
        if self.activation == "softmax":
            return SoftmaxBack(Ref(f"dA{l}"), Ref(f"A{l}"), self.feat, self.aug)
        # augmented with no activation: still ⊙ [0; 1…], which zeroes the constant row of Δ
        kind = self.activation or "identity"
        return Mul(Ref(f"dA{l}"), ActGrad(kind, self.act_opts, Ref(f"Z{l}"), Ref(f"A{l}"), self.feat, self.aug))

    def dW(self, m=None):
        """∂J/∂W in W's own shape; `m`: the 1/m is written here (one_over_m: dW)."""
        D, A = Ref(f"dZ{self.l}"), Ref(f"A{self.l - 1}")
        if self.feat == 0:
            g = MatMul(A, T(D)) if self.in_out else MatMul(D, T(A))
        else:
            g = MatMul(T(A), D) if self.in_out else MatMul(T(D), A)
        return _mean(g, m)

    def db(self, m=None):
        return _mean(SumSamples(Ref(f"dZ{self.l}"), self.feat), m)

    def dA_prev(self):
        W, D = Ref(f"W{self.l}"), Ref(f"dZ{self.l}")
        if self.feat == 0:
            return MatMul(W, D) if self.in_out else MatMul(T(W), D)
        return MatMul(D, T(W)) if self.in_out else MatMul(D, W)

    def fixed_mask(self):
        """1 where W̃ holds a trainable entry, 0 where it is fixed (augmented mode only):
        the first row [1, 0…0] that carries the constant, and the bias column when frozen."""
        M = np.ones_like(self.W)   # same dtype as W: float64, or objects in exact mode
        M[0, :] = 0
        if "b" in self.freeze:
            M[:, 0] = 0
        if "W" in self.freeze:
            M[:, 1:] = 0
        return M


def _mean(g, m):
    return g if m is None else Mul(Const(Fraction(1, m), param="1/m"), g)


class Network:
    """Linear layers (each with at most one activation), a loss, and the layout."""

    def __init__(self, layers, loss, loss_opts, layout="columns", bias="separate", fuse=True,
                 per_sample=False):
        self.layers, self.loss, self.loss_opts = layers, loss, loss_opts
        self.layout, self.bias = layout, bias
        self.feat = 0 if layout == "columns" else 1
        self.aug = bias == "augmented"
        self.fuse = fuse
        self.per_sample = per_sample      # the 1/m written in dW and db (Problem.per_sample)

    @property
    def L(self):
        return len(self.layers)

    def orient(self, F, rows):
        """Samples-as-rows data (as the file gives it) into the layout, with the constant."""
        X = F.array(rows)
        if self.aug:
            ones = F.array([[1]] * X.shape[0])
            X = np.concatenate([ones, X], axis=1)
        return X if self.feat == 1 else X.T.copy()

    def forward(self, rec):
        for lay in self.layers:
            rec.compute(f"Z{lay.l}", lay.z(), "forward", lay.l)
            rec.compute(f"A{lay.l}", lay.a(), "forward", lay.l)

    def loss_node(self):
        last = self.layers[-1]
        L = last.l
        return Loss(self.loss, self.loss_opts, Ref(f"A{L}"), Ref("Y"), Ref(f"Z{L}"), last.activation,
                    self.feat, self.aug, per_sample=self.per_sample)

    def backward(self, rec, loss):
        grad = LossGrad(loss)
        L = self.L
        last = self.layers[-1].activation
        fused = None
        # sigmoid + BCE: ∂J/∂Z = c(Ŷ − Y) for any targets; softmax + cross-entropy: when every
        # sample's targets sum to 1 (self.fuse).  Fused, no ŷ(1 − ŷ) is divided by: right at
        # saturation (z = 40, y = 0 gives ∂J/∂z = 1, as torch's BCEWithLogitsLoss)
        if (last == "sigmoid" and self.loss == "bce") or (
                self.fuse and last == "softmax" and self.loss == "cross_entropy"):
            fused = FusedDelta(grad)
        if fused is None or rec.keep:   # fused, ∂J/∂Â is only read by the worksheet
            rec.compute(f"dA{L}", grad, "backward", L)
        m = loss.counts(rec.env["Y"])[0] if self.per_sample else None     # this batch's m
        for lay in reversed(self.layers):
            l = lay.l
            rec.compute(f"dZ{l}", lay.delta(fused if l == L else None), "backward", l)
            rec.compute(f"dW{l}", lay.dW(m), "backward", l)
            if lay.b is not None:
                rec.compute(f"db{l}", lay.db(m), "backward", l)
            if l > 1:
                rec.compute(f"dA{l - 1}", lay.dA_prev(), "backward", l - 1)

    def forward_loss(self, rec, X, Y):
        """Forward pass and loss on the batch (X, Y), both already oriented; returns J."""
        rec.put("A0", X, "data", 0)
        rec.put("Y", Y, "data", self.L)
        for lay in self.layers:
            for P, v in lay.params.items():
                rec.put(f"{P}{lay.l}", v, "param", lay.l)
        self.forward(rec)
        return rec.compute("J", self.loss_node(), "loss")

    def step(self, rec, X, Y, optimizer, t):
        """One training step: forward, loss, backward, update.  Returns J."""
        J = self.forward_loss(rec, X, Y)
        self.backward(rec, self.loss_node())
        optimizer.update(rec, self.layers, t)
        return J


def build_network(problem, F) -> Network:
    """The problem's layers as arrays of the field (augmented: W̃ built from W and b)."""
    feat = 0 if problem.layout == "columns" else 1
    aug = problem.bias == "augmented"
    layers = []
    for i, spec in enumerate(problem.layers, 1):
        W = F.array(spec.W)
        b = F.array(spec.b) if spec.b is not None else None
        freeze = set(spec.freeze)
        if aug:
            out, inp = W.shape
            top = [[1] + [0] * inp]
            bcol = [[v] for v in (spec.b if spec.b is not None else [0] * out)]
            W = np.concatenate([F.array(top), np.concatenate([F.array(bcol), W], axis=1)], axis=0)
            b = None
            if spec.b is None:
                freeze.add("b")   # no bias: the folded column stays 0
        layers.append(Linear(i, W, b, spec.activation, spec.act_opts, freeze, feat, aug,
                             in_out=problem.weights == "in_out"))
    fuse = all(sum(row) == 1 for row in problem.y)     # softmax + cross-entropy only
    return Network(layers, problem.loss, problem.loss_opts, problem.layout, problem.bias, fuse,
                   problem.per_sample)
