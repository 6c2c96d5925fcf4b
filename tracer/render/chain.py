"""The chain rule weight by weight (`--detail chain`, seed 003).

For every weight ∂J/∂W_jk = Σ_i ∂J/∂A_ji · ∂A_ji/∂Z_ji · ∂Z_ji/∂W_jk with its numbers, for
every bias the same with ∂Z/∂b = 1, and for a hidden layer ∂J/∂A_j written as the sum over
the paths through the next layer, Σ_r Δ_r W_rj.  Every factor is a recorded value (the step's
quantities and the parts of their expressions); every result is the recorded entry.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from .entries import Entries, _sum
from .printer import Printer


PER_ROW = 3     # products per line of a sum over samples


def _rows(terms):
    """A long sum over samples, broken into aligned lines of PER_ROW products."""
    if len(terms) > 12:
        terms = terms[:6] + [r"\cdots"] + terms[-3:]
    rows = [" + ".join(terms[i:i + PER_ROW]) for i in range(0, len(terms), PER_ROW)]
    return r" \\ &\quad + ".join(rows)


def _frac(top, bottom):
    return r"\frac{\partial %s}{\partial %s}" % (top, bottom)


class Chain:
    def __init__(self, pr: Printer, step):
        self.pr, self.step = pr, step
        self.n = pr.n
        self.feat = pr.feat
        self.entries = Entries(pr)

    def q(self, name):
        return self.step.quantities.get(name)

    def v(self, name):
        return np.asarray(self.step.quantities[name].value, dtype=object)

    def ji(self, j, i):
        """(neuron j, sample i) as an index of a matrix in the layout."""
        return (j, i) if self.feat == 0 else (i, j)

    def sym(self, name, idx):
        return self.n.entry(name, idx)

    def neurons(self, value):
        n = value.shape[self.feat]
        return list(range(1, n)) if self.pr.aug else list(range(n))

    def samples(self, value):
        return range(value.shape[1 - self.feat])

    # -- blocks ----------------------------------------------------------------------------------
    def upstream(self, l):
        """∂J/∂A^{[l]} for a hidden layer: the sum over the paths through layer l+1."""
        dA, dZ, W = self.v(f"dA{l}"), self.v(f"dZ{l + 1}"), self.v(f"W{l + 1}")
        op = self.pr.operand
        lines = []
        js, is_ = self._cut(self.neurons(dA)), self._cut(list(self.samples(dA)))
        # in the order the matrix reads, row by row, as the Δs below are listed
        pairs = [(j, i) for j in js for i in is_] if self.feat == 0 else [(j, i) for i in is_ for j in js]
        for j, i in pairs:
            idx = self.ji(j, i)
            rs = self.neurons(dZ)
            syms = [self.sym(f"dZ{l + 1}", self.ji(r, i)) + " " + self.sym(f"W{l + 1}", (r, j)) for r in rs]
            self.pr.mark()
            nums = [f"{op(dZ[self.ji(r, i)])} \\cdot {op(W[r, j])}" for r in rs]
            res = self.pr.number(dA[idx])
            brk = r" \\ &" if len(rs) > 2 else " "
            rel = self.pr.result_rel(self.q(f"dA{l}"), idx)
            lines.append(f"{self.sym(f'dA{l}', idx)} &= {_sum(syms)}{brk}= {_sum(nums)} {rel} {res}")
        return lines

    def deltas(self, l):
        """Δ_ji = ∂J/∂A_ji · ∂A_ji/∂Z_ji, neuron by neuron, from the recorded Δ's expression."""
        q = self.q(f"dZ{l}")
        expr = q.expr
        A, Z = f"A{l}", f"Z{l}"
        out = []
        for line in self.entries.lines(q):
            lhs, _, rest = line.partition(" &= ")
            idx = self._idx_of(q, lhs)
            if isinstance(expr, ops.Mul):
                why = _frac("J", self.sym(A, idx)) + " " + _frac(self.sym(A, idx), self.sym(Z, idx))
            elif isinstance(expr, ops.FusedDelta):
                why = _frac("J", self.sym(Z, idx))
            else:
                why = _frac("J", self.sym(A, idx))
            out.append(f"{lhs} &= {why} = {rest}")
        return out

    def _idx_of(self, q, lhs):
        # the entries come in the order Entries.lines visits them; recover the index from it
        for idx in np.ndindex(np.shape(q.value)):
            if self.sym(q.name, idx) == lhs:
                return idx
        raise KeyError(lhs)

    def factors(self, l, j, i, symbols=False):
        """∂J/∂Z_ji's chain factors for sample i ('i': the general sample), as symbols or as
        recorded numbers; and the symbol of Z_ji."""
        dz = self.q(f"dZ{l}")
        A, Z = f"A{l}", f"Z{l}"
        if i == "i":
            sub = f"{j + 1}i" if self.feat == 0 else f"i{j + 1}"
            a, z = self.n.entry(A, None, sub), self.n.entry(Z, None, sub)
        else:
            a, z = self.sym(A, self.ji(j, i)), self.sym(Z, self.ji(j, i))
        op = self.pr.operand
        through_act = isinstance(dz.expr, ops.Mul) and isinstance(dz.expr.args[1], ops.ActGrad)
        if symbols:
            return ([_frac("J", a), _frac(a, z)] if through_act else [_frac("J", z)]), z
        idx = self.ji(j, i)
        if through_act:
            g = np.asarray(dz.parts[id(dz.expr.args[1])], dtype=object)
            return [op(self.v(f"dA{l}")[idx]), op(g[idx])], z
        return [op(self.v(f"dZ{l}")[idx])], z

    def _products(self, l, j, samples, last_factor, wrt):
        """'Σ_i ∂J/∂A ∂A/∂Z ∂Z/∂w' and '(..)(..)(..) + …' over the samples."""
        syms, z = self.factors(l, j, "i" if len(samples) > 1 else samples[0], symbols=True)
        lead = (r"\sum_{i} " if len(samples) > 1 else "") + " ".join(syms + [_frac(z, wrt)])
        nums = [" \\cdot ".join(self.factors(l, j, i)[0] + [last_factor(i)]) for i in samples]
        return lead, nums

    def weights(self, l):
        """∂J/∂W_jk = Σ_i (∂J/∂A_ji)(∂A_ji/∂Z_ji)(∂Z_ji/∂W_jk) = ... for every trainable weight."""
        dW, Aprev = self.v(f"dW{l}"), self.v(f"A{l - 1}")
        rows = list(range(1 if self.pr.aug else 0, dW.shape[0]))    # W is (out, in) in both layouts
        samples = list(self.samples(Aprev))
        lines = []
        for j in self._cut(rows):
            for k in self._cut(list(range(dW.shape[1]))):
                w = self.sym(f"W{l}", (j, k))
                self.pr.mark()
                lead, nums = self._products(
                    l, j, samples, lambda i: self.pr.operand(Aprev[(k, i) if self.feat == 0 else (i, k)]), w)
                res = self.pr.number(dW[j, k])
                rel = self.pr.result_rel(self.q(f"dW{l}"), (j, k))
                lines.append(f"{_frac('J', w)} &= {lead} \\\\ &= {_rows(nums)} {rel} {res}")
        return lines

    def biases(self, l):
        if self.q(f"db{l}") is None:
            return []
        db = self.v(f"db{l}")
        samples = list(self.samples(self.v(f"dZ{l}")))
        lines = []
        for j in self._cut(list(range(db.shape[0]))):
            b = self.sym(f"b{l}", (j,))
            self.pr.mark()
            lead, nums = self._products(l, j, samples, lambda i: "1", b)
            res = self.pr.number(db[j])
            rel = self.pr.result_rel(self.q(f"db{l}"), (j,))
            lines.append(f"{_frac('J', b)} &= {lead} \\\\ &= {_rows(nums)} {rel} {res}")
        return lines

    def _cut(self, idx):
        """The neurons/weights shown (elided like the matrices)."""
        if not self.pr.max_entries or len(idx) <= max(3, int(self.pr.max_entries ** 0.5)):
            return idx
        shown, _ = self.pr.shown_indices(len(idx), 1)
        return [idx[s] for s in shown if s is not None]
