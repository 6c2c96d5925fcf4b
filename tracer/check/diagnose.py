"""Diagnosis of a wrong answer: which common slip, if any, explains the student's numbers.

Every candidate is a value made from the trace itself: the reference (true value, or what the
student's own earlier answers give) transposed, negated, scaled, or the quantity's recorded
expression evaluated with one operand swapped (g′ left out, g for g′, Z for A, the updated W
in the backward pass).  No slip is simulated by a second implementation of the network.
"""
from __future__ import annotations

import copy
from fractions import Fraction

import numpy as np

from .. import ops
from .rule import text_decimals
from .student import updated_from
from .values import evaluate, fracs, same

OURS = " (compared with what your own earlier answers give)"


def substitute(node, fn):
    """A copy of an expression tree with nodes replaced where fn(node) returns a node."""
    new = fn(node)
    if new is not None:
        return new
    if not node.args:
        return node
    args = tuple(substitute(a, fn) for a in node.args)
    if all(a is b for a, b in zip(args, node.args)):
        return node
    out = copy.copy(node)
    out.args = args
    return out


def _find(node, kind):
    if isinstance(node, kind):
        yield node
    for a in node.args:
        yield from _find(a, kind)


def _pos(idx) -> str:
    return "(" + ", ".join(str(i + 1) for i in idx) + ")" if len(idx) > 1 else str(idx[0] + 1)


def _plural(word, items):
    many = {"entry": "entries"}.get(word, word + "s")
    return f"{many if len(items) > 1 else word} " + ", ".join(str(i) for i in items)


class Diagnoser:
    def __init__(self, trace, student, rule):
        self.trace, self.student, self.rule = trace, student, rule
        self.problem = trace.problem

    # -- entry point ---------------------------------------------------------------------------
    def explain(self, key, G, answer) -> str | None:
        s, name = key
        q = self.trace.steps[s].quantities[name]
        G = np.asarray(G, dtype=object)
        if answer.transposed:
            if any(self.rule.matches(G.T, R) for _, R, _ in self._references(key, q)):
                return "transposed"
            inner = self._explain(key, q, G.T.copy(), answer.nums.T)
            if inner is None:
                return f"written transposed (as a {'×'.join(map(str, G.shape))} matrix); the values are off too"
            if inner.startswith("rounded too early"):
                return "transposed; " + inner
            return f"transposed; and {inner}"
        return self._explain(key, q, G, answer.nums)

    def _explain(self, key, q, G, nums):
        refs = self._references(key, q)
        if key[0] == 0 and q.expr is None and q.kind in ("data", "param"):
            return self._miscopied(key[1], G, refs[0][1], nums)
        prior = self.student.prior(key[0], q)
        if q.kind == "param" and prior in self.student.given:
            return (f"not the {prior[1]} you wrote in step {prior[0]}: miscopied when carried over "
                    "to the next step")
        before = updated_from(key[1], self.trace.steps[key[0]].quantities)
        for rule, extra in ((self.rule, ""), (None, None)):
            for label, R, env in refs:
                ru = rule or self.rule.coarser(nums, R)
                if ru is None:
                    continue
                suffix = extra if rule is not None else f"; rounded too early (matches at {ru.coarse})"
                base = None if before is None else fracs(self.trace, env[before])
                if rule is None and ru.matches(G, R, base):   # before any slip that also matches coarsely
                    return f"rounded too early: matches at {ru.coarse}, not at the precision asked" + label
                if before is not None:
                    # θ_new: the slips are in the update θ_new − θ, whose size is η·g, not θ's
                    found = self._update(before, G, R, base, ru, len(self.trace.steps[key[0]].batch))
                    if found:
                        return found + suffix + label
                    continue
                found = self._structural(key, q, G, R, env, ru)
                if found:
                    return found + suffix + label
        m = len(self.trace.steps[key[0]].batch)
        for label, R, env in refs:
            base = None if before is None else fracs(self.trace, env[before])
            found = self._entries(G, R, nums, m, base)
            if found:
                return found + label
        if q.expr is not None and self.student.ref.get(key) is None:
            return ("your earlier answers give no value here to compare with (a square root or "
                    "logarithm of a negative number, or a division by 0, on the way)")
        return None

    def _miscopied(self, name, G, T, nums):
        """A value the problem gives (data, a first parameter), written otherwise: the entries
        that differ, and how when a digit slip explains them; or the problem's value rounded."""
        ru = self.rule.coarser(nums, T)
        if ru is not None and ru.matches(G, T):
            return f"the problem's {name} rounded too early: matches at {ru.coarse}, not at the precision asked"
        where = self._off(G, T)
        slips = [_digit_slip(nums[i], T[i]) for i in where]
        how = f" ({' and '.join(sorted(set(slips)))})" if where and all(slips) else ""
        if G.size == 1 or not where or 2 * len(where) > G.size:
            return f"not the problem's {name}: miscopied from the problem{how}"
        return (f"not the problem's {name}: {_plural('entry', [_pos(i) for i in where])} "
                f"miscopied from the problem{how}")

    def _update(self, name, G, R, B, ru, m):
        """What went wrong in an update θ_new = θ − (step), judged on the change G − θ."""
        D, Rd = G - B, R - B
        if all(d == 0 for d in D.ravel()):
            return f"equals {name}: the update was not applied"
        if ru.matches(D, -Rd):
            return "the update went the wrong way (θ + step instead of θ − step)"
        for c, words in self._factors(m):
            if ru.matches(D, Rd * c) and not ru.is_zero(Rd * c):
                return f"the update θ_new − θ is off by a constant factor {words}"
        return None

    def _references(self, key, q):
        """[(label, reference as Fractions, environment)]: the truth, and what the student's
        own earlier answers give when they differ from the truth in any way; theirs first
        when it is off the truth (a σ′ left out after a carried slip is their dA, not the
        true one, even when their Δ would be within the tolerance of the true Δ)."""
        s, name = key
        T = fracs(self.trace, q.value)
        true_env = {n: v.value for n, v in self.trace.steps[s].quantities.items()}
        truth = [("", T, true_env)]
        ref = self.student.ref.get(key)
        if ref is None:
            return truth
        R = fracs(self.trace, ref)
        before = updated_from(name, self.trace.steps[s].quantities)
        base = None if before is None else fracs(self.trace, true_env[before])
        ours = [(OURS, R, self.student.envs[s])]
        if not self.rule.matches(R, T, base):
            return ours + truth
        env = self.student.envs[s]
        differs = q.expr is not None and any(
            not same(fracs(self.trace, env[r]), fracs(self.trace, true_env[r])) for r in q.expr.refs())
        return truth + ours if differs else truth

    # -- candidates ------------------------------------------------------------------------------
    def _structural(self, key, q, G, R, env, ru):
        zero = all(r == 0 for r in R.ravel())
        if zero:
            return self._alternatives(key, q, G, R, env, ru)
        if R.ndim == 2 and R.shape[0] == R.shape[1] and R.shape[0] > 1 and not ru.matches(R.T, R) \
                and ru.matches(G, R.T):
            return "transposed"
        if ru.matches(G, -R):
            return "sign flipped (the whole matrix)" if R.ndim == 2 else "sign flipped"
        m = len(self.trace.steps[key[0]].batch)
        for c, words in self._factors(m):
            # a candidate within the tolerance of 0 explains nothing (0.000 is not "R/4")
            if ru.matches(G, R * c) and not ru.is_zero(R * c):
                return f"off by a constant factor {words}"
        found = self._sign_parts(G, R, ru)
        if found:
            return found
        return self._alternatives(key, q, G, R, env, ru)

    @staticmethod
    def _factors(m):
        seen, out = set(), []
        for c, words in ((Fraction(2), "2 (twice the true value)"), (Fraction(1, 2), "½ (half the true value)"),
                         (Fraction(m), f"m = {m} (the number of samples)"),
                         (Fraction(1, m), f"1/m = 1/{m} (one over the number of samples)")):
            if c in seen or c == 1:
                continue
            seen.add(c)
            if c == m and m == 2:
                words = "2 (= m, the number of samples)"
            if c == Fraction(1, m) and m == 2:
                words = "½ (= 1/m, one over the number of samples)"
            out.append((c, words))
        return out

    def _sign_parts(self, G, R, ru):
        """Sign flipped in some whole rows or columns (named 1-based)."""
        if R.ndim != 2 or G.shape != R.shape:
            return None
        ok, neg = ru.close(G, R), ru.close(G, -R)
        bad = ~ok
        if not bad.any() or not (neg | ok).all():
            return None
        for axis, word in ((1, "row"), (0, "column")):
            flipped = neg.all(axis=axis) & bad.any(axis=axis)
            covered = flipped[:, None] if axis == 1 else flipped[None, :]
            if (bad <= np.broadcast_to(covered, bad.shape)).all() and flipped.sum() < flipped.size:
                return "sign flipped in " + _plural(word, [i + 1 for i in np.flatnonzero(flipped)])
        return None

    def _alternatives(self, key, q, G, R, env, ru):
        for words, expr in self._variants(key, q):
            v = evaluate(self.trace, expr, env)
            if v is None:
                continue
            V = fracs(self.trace, v)
            if V.shape == G.shape and not ru.matches(V, R) and ru.matches(G, V):
                return words
        return None if ru.coarse else self._copied(key, G, R, env, ru)

    def _variants(self, key, q):
        """(what went wrong, the expression with that slip), from the recorded expression."""
        s, name = key
        e = q.expr
        if e is None:
            return
        for g in _find(e, ops.ActGrad):
            if g.kind != "identity":
                left_out = ops.ActGrad("identity", {}, g.args[0], g.args[1], g.feat, g.aug)
                yield ("the activation derivative g' was left out",
                       substitute(e, lambda n, g=g, r=left_out: r if n is g else None))
                as_g = ops.Act(g.kind, g.opts, g.args[0], g.feat, g.aug)
                yield ("g used in place of its derivative g'",
                       substitute(e, lambda n, g=g, r=as_g: r if n is g else None))
        for a in _find(e, ops.Act):
            yield (f"the activation was not applied: this is {_ref_name(a.args[0])}, the pre-activation",
                   substitute(e, lambda n, a=a: a.args[0] if n is a else None))
        steps = self.trace.steps[s].quantities
        for r in list(_find(e, ops.Ref)):
            if r.name.startswith("A") and r.name[1:].isdigit():
                z = "Z" + r.name[1:]
                if z in steps and steps[z].expr is not None and not isinstance(steps[r.name].expr, ops.Ref):
                    yield (f"the pre-activation {z} used where {r.name} belongs",
                           substitute(e, lambda n, r=r, z=z: ops.Ref(z) if n is r else None))
            if q.kind == "backward" and r.name[:1] in "Wb" and f"{r.name}_next" in steps:
                yield (f"the already-updated {r.name} ({r.name}_next) used in the backward pass",
                       substitute(e, lambda n, r=r: ops.Ref(f"{n.name}_next") if n is r else None))

    def _copied(self, key, G, R, env, ru):
        s, name = key
        # never a quantity computed from this one: a slip in Z2 before a ReLU makes A2 = Z2
        later = {n for t, n in self.student.downstream(key) if t == s}
        for other, oq in self.trace.steps[s].quantities.items():
            if other == name or oq.kind in ("prev", "mask") or other in later:
                continue
            for v in (oq.value, env.get(other)):
                if v is None or np.shape(v) != G.shape:
                    continue
                V = fracs(self.trace, v)
                if all(x == 0 for x in V.ravel()) or ru.matches(V, R):
                    continue
                if ru.matches(G, V):
                    return f"equals {other}: a matrix copied from the wrong place?"
        return None

    def _entries(self, G, R, nums, m, base=None):
        """Only some entries off (named 1-based), possibly on top of a sign or factor slip;
        or digits miscopied.  `base`: θ before the update, for θ_new (see Rule.close)."""
        if G.shape != R.shape:
            return None
        where = self._off(G, R, base)
        if not where:
            return None
        slips = [_digit_slip(nums[idx], R[idx]) for idx in where]
        if all(slips):
            kinds = sorted(set(slips))
            return ("a copying slip: " + " and ".join(kinds) + " (" + _plural("entry", [_pos(i) for i in where])
                    + ")") if G.size > 1 else "a copying slip: " + kinds[0]
        if G.size < 2:
            return None
        best = (where, "")
        # a sign or factor of θ_new means nothing (its slips are in the update): entries only
        candidates = [] if base is not None else [(Fraction(-1), "sign flipped")] + [
            (c, f"off by a constant factor {w}") for c, w in self._factors(m)]
        for c, words in candidates:
            off = self._off(G, R * c)
            if len(off) < len(best[0]):
                best = (off, words)
        off, words = best
        if 2 * len(off) > G.size:
            return None
        names = _plural("entry", [_pos(i) for i in off])
        if words:
            return f"{words}; besides, {names} {'is' if len(off) == 1 else 'are'} off"
        return f"only {names} {'is' if len(off) == 1 else 'are'} off"

    def _off(self, G, R, base=None):
        bad = ~self.rule.close(G, R, base)
        return [idx for idx in np.ndindex(G.shape) if bad[idx]]



def _ref_name(node):
    return node.name if isinstance(node, ops.Ref) else "its argument"


def _digit_slip(num, r: Fraction) -> str | None:
    """'one digit miscopied' / 'two digits swapped' when the student's text differs from the
    true value, written to the same decimals, in exactly that way."""
    k = text_decimals(num)
    if k is None or num == 0:
        return None
    from ..numbers import round_half_away
    t = round_half_away(r, k)
    a, b = _digits(Fraction(num), k), _digits(t, k)
    if a == b or len(a) != len(b) or (num < 0) != (t < 0):
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if diff and diff[-1] == len(a) - 1 and len(diff) == 1:
        return None      # the last digit off: arithmetic, not copying
    if len(diff) == 1:
        return "one digit miscopied"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return "two digits swapped"
    return None


def _digits(q: Fraction, k: int) -> str:
    n = abs(q) * 10 ** k
    return str(int(n))
