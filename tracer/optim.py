"""Optimizers (PyTorch semantics): each update written as expressions for the recorder.

Names, for parameter P (W or b) of layer l: `gP{l}` the gradient after weight decay (only
when there is decay), `vP{l}` the momentum buffer (sgd) or second moment (adam), `mP{l}` the
first moment, `mP{l}_hat`/`vP{l}_hat` the bias-corrected moments, `uP{l}` Adam's step
η m̂/(√v̂ + ε), `P{l}_decayed` AdamW's θ(1 − ηλ), `P{l}_next` the result, recorded in this
order (the order a person computes them).
The state of the previous step is read as `vP{l}_prev`/`mP{l}_prev`.
"""
from __future__ import annotations

from fractions import Fraction

from .ops import Add, Const, Div, Mul, Power, Ref, Sqrt, Square, Sub


class Optimizer:
    def __init__(self, opts):
        self.opts = opts
        self.state: dict = {}   # (name, key) -> value after the last step

    def update(self, rec, layers, t):
        for lay in layers:
            for P, value in list(lay.params.items()):
                name = f"{P}{lay.l}"
                if P in lay.freeze and (not lay.aug or lay.freeze >= {"W", "b"}):
                    new = rec.compute(f"{name}_next", Ref(name), "update", lay.l)
                else:
                    mask = None
                    if lay.aug and (lay.freeze or self.decays()):
                        mask = f"M{lay.l}"
                        rec.put(mask, lay.fixed_mask(), "mask", lay.l)
                    new = self.update_one(rec, name, lay.l, t, mask)
                setattr(lay, P, new)

    def decays(self):
        return self.opts.get("weight_decay", 0) != 0

    def grad(self, rec, name, l, mask, decay=True):
        """The gradient the optimizer uses: g = ∂J/∂θ (+ λθ), fixed entries masked out."""
        g = Ref(f"d{name}")
        lam = self.opts.get("weight_decay", 0)
        if decay and lam:
            g = Add(g, Mul(Const(lam, "weight_decay"), Ref(name)))
        if mask is not None:
            g = Mul(Ref(mask), g)
        if isinstance(g, Ref):
            return g
        rec.compute(f"g{name}", g, "update", l)
        return Ref(f"g{name}")

    def _prev(self, rec, key, name, l, like):
        v = self.state.get((name, key))
        if v is None:
            v = like * 0
        rec.put(f"{key}{name}_prev", v, "prev", l)
        return Ref(f"{key}{name}_prev")

    def _keep(self, rec, key, name, node, l):
        self.state[(name, key)] = rec.compute(f"{key}{name}", node, "state", l)
        return Ref(f"{key}{name}")


class SGD(Optimizer):
    def update_one(self, rec, name, l, t, mask):
        lr, mu = self.opts["lr"], self.opts["momentum"]
        g = self.grad(rec, name, l, mask)
        if mu:
            if (name, "v") not in self.state:
                v = self._keep(rec, "v", name, g, l)             # torch: the buffer starts as g
            else:
                prev = self._prev(rec, "v", name, l, None)
                v = self._keep(rec, "v", name, Add(Mul(Const(mu, "momentum"), prev), g), l)
            g = Add(g, Mul(Const(mu, "momentum"), v)) if self.opts["nesterov"] else v
        return rec.compute(f"{name}_next", Sub(Ref(name), Mul(Const(lr, "lr"), g)), "update", l)


class Adam(Optimizer):
    decoupled = False

    def update_one(self, rec, name, l, t, mask):
        lr, eps = self.opts["lr"], self.opts["eps"]
        b1, b2 = (Fraction(b) for b in self.opts["betas"])
        theta = Ref(name)
        if self.decoupled and self.opts["weight_decay"]:
            eta_lambda = Fraction(lr) * Fraction(self.opts["weight_decay"])
            node = Mul(Const(1 - eta_lambda, "1-lr*weight_decay"), theta) if mask is None else \
                Sub(theta, Mul(Const(eta_lambda, "lr*weight_decay"), Mul(Ref(mask), theta)))
            rec.compute(f"{name}_decayed", node, "update", l)
            theta = Ref(f"{name}_decayed")
        g = self.grad(rec, name, l, mask, decay=not self.decoupled)
        like = rec.env[name]
        m_prev = self._prev(rec, "m", name, l, like)
        v_prev = self._prev(rec, "v", name, l, like)
        m = self._keep(rec, "m", name, Add(Mul(Const(b1, "beta1"), m_prev), Mul(Const(1 - b1, "1-beta1"), g)), l)
        v = self._keep(rec, "v", name, Add(Mul(Const(b2, "beta2"), v_prev), Mul(Const(1 - b2, "1-beta2"), Square(g))), l)
        # the bias corrections written as a person computes them, 1 − β^t
        rec.compute(f"m{name}_hat", Div(m, Sub(Const(1), Power(Const(b1, "beta1"), t, "t"))), "state", l)
        rec.compute(f"v{name}_hat", Div(v, Sub(Const(1), Power(Const(b2, "beta2"), t, "t"))), "state", l)
        step = Div(Ref(f"m{name}_hat"), Add(Sqrt(Ref(f"v{name}_hat")), Const(eps, "eps")))
        rec.compute(f"u{name}", Mul(Const(lr, "lr"), step), "update", l)
        return rec.compute(f"{name}_next", Sub(theta, Ref(f"u{name}")), "update", l)


class AdamW(Adam):
    decoupled = True


def make_optimizer(name, opts) -> Optimizer:
    return {"sgd": SGD, "adam": Adam, "adamw": AdamW}[name](opts)
