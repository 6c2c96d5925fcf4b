"""The chain rule weight by weight (`--detail chain`, seed 003).

For every weight ∂J/∂W_jk = Σ_i ∂J/∂A_ji · ∂A_ji/∂Z_ji · ∂Z_ji/∂W_jk with its numbers, for
every bias the same with ∂Z/∂b = 1, and for a hidden layer ∂J/∂A_j written as the sum over
the paths through the next layer, Σ_r Δ_r W_rj.  Every factor is a recorded value (the step's
quantities and the parts of their expressions); every result is the recorded entry.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from .entries import MAX_TERMS, Entries
from .printer import Printer, const
from .tex import ONE, PRODUCT, Math, Row, op, sum_terms

PER_ROW = 3     # products per line of a sum over samples


def _rows(left, lead, terms, rel, res, scale=None) -> list[Row]:
    """'left = lead', then the sum of products over samples, PER_ROW to a line, then
    'rel res': aligned rows kept together (a sum over one sample is one product).  `scale`
    (the 1/m of one_over_m: dW): the sum in brackets after it."""
    if len(terms) > 12:
        terms = terms[:6] + [Math(r"\cdots")] + terms[-3:]
    chunks = [sum_terms(terms[i:i + PER_ROW], MAX_TERMS) for i in range(0, len(terms), PER_ROW)]
    if scale is not None:     # \bigl[ … \bigr]: brackets that may stand on different lines
        chunks[0] = Math(scale.text + r" \cdot \bigl[" + chunks[0].text, rounded=chunks[0].rounded)
        chunks[-1] = Math(chunks[-1].text + r"\bigr]", rounded=chunks[-1].rounded)
    out = [Row(left, "=", lead)]
    for k, chunk in enumerate(chunks):
        text = chunk.text + (f" {rel} {res.text}" if k == len(chunks) - 1 else "")
        right = Math(text if k == 0 else r"\quad + " + text, rounded=chunk.rounded or res.rounded)
        out.append(Row("", "=" if k == 0 else "", right))
    return out


def _total(terms, scale=None):
    """What the products a line shows add up to (times the 1/m before them), or None when
    some are not shown (a long sum, cut as `_rows` cuts it) or unknown."""
    if len(terms) > 12 or any(t.value is None for t in terms):
        return None
    total = sum(t.value for t in terms)
    if scale is not None:
        return None if scale[1].value is None else scale[1].value * total
    return total


class Chain:
    def __init__(self, pr: Printer, step):
        self.pr, self.step = pr, step
        self.n = pr.n
        self.feat = pr.feat
        self.in_out = pr.trace.problem.weights == "in_out"
        self.entries = Entries(pr)

    def _frac(self, top, bottom):
        """∂top/∂bottom; top None: what the backward pass differentiates (J, L or E_total:
        notation.loss; ℒ = mJ when the 1/m is written in dW, Notation.per_sample)."""
        return self.n.partial(bottom, top if top is not None else self.n.gradient_of("dA"))

    def _scale(self, name):
        """The 1/m in front of dW or db (one_over_m: dW) as the line writes it, or None."""
        e = self.q(name).expr
        if isinstance(e, ops.Mul) and isinstance(e.args[0], ops.Const) and e.args[0].param == "1/m":
            return self.pr.formula(e.args[0]), const(e.args[0].q)
        return None

    def q(self, name):
        return self.step.quantities.get(name)

    def v(self, name):
        return np.asarray(self.step.quantities[name].value, dtype=object)

    def w_at(self, r, j):
        """W's entry for neuron r from input j: (r, j), or (j, r) when W is (in, out)."""
        return (j, r) if self.in_out else (r, j)

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

    # -- blocks: each a list of lines, each line a list of aligned rows ----------------------------
    def upstream(self, l):
        """∂J/∂A^{[l]} for a hidden layer: the sum over the paths through layer l+1."""
        dA, dZ, W = self.v(f"dA{l}"), self.v(f"dZ{l + 1}"), self.v(f"W{l + 1}")
        num = self.pr.number
        lines = []
        js, is_ = self._cut(self.neurons(dA)), self._cut(list(self.samples(dA)))
        # in the order the matrix reads, row by row, as the Δs below are listed
        pairs = [(j, i) for j in js for i in is_] if self.feat == 0 else [(j, i) for i in is_ for j in js]
        for j, i in pairs:
            idx = self.ji(j, i)
            rs = self.neurons(dZ)
            syms = sum_terms([Math(self.sym(f"dZ{l + 1}", self.ji(r, i)) + " " + self.sym(f"W{l + 1}", self.w_at(r, j)),
                                   PRODUCT) for r in rs], MAX_TERMS)
            nums = sum_terms([op("cdot", num(dZ[self.ji(r, i)]), num(W[self.w_at(r, j)])) for r in rs], MAX_TERMS)
            res = self.pr.checked(nums.value, num(dA[idx]))
            rel = self.pr.result_rel(self.q(f"dA{l}"), idx, nums, res)
            left = self.sym(f"dA{l}", idx)
            if len(rs) > 2:
                lines.append([Row(left, "=", syms), Row("", "=", Math(f"{nums.text} {rel} {res.text}"))])
            else:
                lines.append([Row(left, "=", Math(f"{syms.text} = {nums.text} {rel} {res.text}"))])
        return lines

    def deltas(self, l):
        """Δ_ji = ∂J/∂A_ji · ∂A_ji/∂Z_ji, neuron by neuron, from the recorded Δ's expression."""
        q = self.q(f"dZ{l}")
        A, Z = f"A{l}", f"Z{l}"
        out = []
        for cell in self.entries.cells(q):
            idx = cell.idx
            if isinstance(q.expr, ops.Mul):
                why = self._frac(None, self.sym(A, idx)) + " " + self._frac(self.sym(A, idx), self.sym(Z, idx))
            elif isinstance(q.expr, ops.FusedDelta):
                why = self._frac(None, self.sym(Z, idx))
            else:
                why = self._frac(None, self.sym(A, idx))
            right = cell.right()
            out.append(Row(self.sym(q.name, idx), "=", Math(f"{why} {cell.first_rel()} {right.text}")))
        return out

    def factors(self, l, j, i, symbols=False):
        """∂J/∂Z_ji's chain factors for sample i ('i': the general sample), as symbols or as
        recorded numbers (Math); and the symbol of Z_ji."""
        dz = self.q(f"dZ{l}")
        A, Z = f"A{l}", f"Z{l}"
        if i == "i":
            sub = f"{j + 1}i" if self.feat == 0 else f"i{j + 1}"
            a, z = self.n.entry(A, None, sub), self.n.entry(Z, None, sub)
        else:
            a, z = self.sym(A, self.ji(j, i)), self.sym(Z, self.ji(j, i))
        through_act = isinstance(dz.expr, ops.Mul) and isinstance(dz.expr.args[1], ops.ActGrad)
        if symbols:
            return ([self._frac(None, a), self._frac(a, z)] if through_act else [self._frac(None, z)]), z
        idx = self.ji(j, i)
        if through_act:
            g = np.asarray(dz.parts[id(dz.expr.args[1])], dtype=object)
            return [self.pr.number(self.v(f"dA{l}")[idx]), self.pr.number(g[idx])], z
        return [self.pr.number(self.v(f"dZ{l}")[idx])], z

    def _products(self, l, j, samples, last_factor, wrt, scale=None):
        """'Σ_i ∂J/∂A ∂A/∂Z ∂Z/∂w' and the products over the samples (`scale`: 1/m in front)."""
        syms, z = self.factors(l, j, "i" if len(samples) > 1 else samples[0], symbols=True)
        lead = Math((scale.text + " " if scale is not None else "") + (r"\sum_{i} " if len(samples) > 1 else "")
                    + " ".join(syms + [self._frac(z, wrt)]))
        nums = [op("cdot", *self.factors(l, j, i)[0], last_factor(i)) for i in samples]
        return lead, nums

    def weights(self, l):
        """∂J/∂W_jk = Σ_i (∂J/∂A_ji)(∂A_ji/∂Z_ji)(∂Z_ji/∂W_jk) = ... for every trainable weight."""
        dW, Aprev = self.v(f"dW{l}"), self.v(f"A{l - 1}")
        out, inp = dW.shape[::-1] if self.in_out else dW.shape    # (out, in) in both layouts, or (in, out)
        rows = list(range(1 if self.pr.aug else 0, out))
        samples = list(self.samples(Aprev))
        scale = self._scale(f"dW{l}")
        lines = []
        for j in self._cut(rows):
            for k in self._cut(list(range(inp))):
                at = self.w_at(j, k)
                w = self.sym(f"W{l}", at)
                lead, nums = self._products(
                    l, j, samples, lambda i: self.pr.number(Aprev[(k, i) if self.feat == 0 else (i, k)]), w,
                    scale and scale[0])
                res = self.pr.checked(_total(nums, scale), self.pr.number(dW[at]))
                rel = self.pr.result_rel(self.q(f"dW{l}"), at, *nums, res)
                lines.append(_rows(self.n.entry(f"dW{l}", at), lead, nums, rel, res, scale and scale[1]))
        return lines

    def biases(self, l):
        if self.q(f"db{l}") is None:
            return []
        db = self.v(f"db{l}")
        samples = list(self.samples(self.v(f"dZ{l}")))
        scale = self._scale(f"db{l}")
        lines = []
        for j in self._cut(list(range(db.shape[0]))):
            b = self.sym(f"b{l}", (j,))
            lead, nums = self._products(l, j, samples, lambda i: ONE, b, scale and scale[0])
            res = self.pr.checked(_total(nums, scale), self.pr.number(db[j]))
            rel = self.pr.result_rel(self.q(f"db{l}"), (j,), *nums, res)
            lines.append(_rows(self.n.entry(f"db{l}", (j,)), lead, nums, rel, res, scale and scale[1]))
        return lines

    def _cut(self, idx):
        """The neurons/weights shown (elided like the matrices)."""
        if not self.pr.max_entries or len(idx) <= max(3, int(self.pr.max_entries ** 0.5)):
            return idx
        shown, _ = self.pr.shown_indices(len(idx), 1)
        return [idx[s] for s in shown if s is not None]
