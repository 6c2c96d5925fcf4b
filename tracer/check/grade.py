"""Verdicts: correct, carried (error carried forward) or wrong, for every given answer.

No second implementation of any operation: the student's values replace the true ones in an
environment, and each quantity's recorded expression (tracer.ops) is evaluated there, in
computation order, so that a slip propagates through every dependant.  A quantity that the
student did not write is recomputed from the ones they did; the parameters of step s+1 are
their own W_next of step s.

Carried credit is guarded: it needs a wrong answer that the student gave upstream, and it is
refused when the answers it rests on make the quantity trivial (an all-zero matrix on the way).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..ops import Ctx
from ..recorder import HIDDEN


@dataclass
class Result:
    step: int
    name: str
    status: str                    # correct | carried | wrong
    nums: np.ndarray               # the student's numbers (schema.Num), as written
    expected: object               # the true value (field array)
    reference: object = None       # what the student's own earlier answers give, when it differs
    diagnosis: str | None = None
    note: str | None = None
    first: bool = False
    transposed: bool = False


@dataclass
class Grading:
    trace: object
    rule: object
    results: list = field(default_factory=list)

    @property
    def first_error(self):
        return next((r for r in self.results if r.first), None)

    @property
    def summary(self) -> dict:
        n = len(self.results)
        count = {k: sum(r.status == k for r in self.results) for k in ("correct", "carried", "wrong")}
        first = self.first_error
        return {"given": n, **count, "score": (count["correct"] + count["carried"]) / n if n else 1.0,
                "first_error": None if first is None else {"step": first.step, "name": first.name},
                "rule": self.rule.describe(), "tolerance": self.rule.as_dict()}

    @property
    def exit_code(self) -> int:
        return 0 if all(r.status == "correct" for r in self.results) else 1


# -- values as Fractions, for exact comparisons ----------------------------------------------
def fracs(trace, value) -> np.ndarray:
    a = np.asarray(value, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(a.shape):
        q, f, _ = trace.entry(a[idx])
        out[idx] = q if q is not None else Fraction(f)
    return out


def all_zero(trace, value) -> bool:
    return all(abs(x) <= Fraction(1, 10**12) for x in fracs(trace, value).ravel())


class Student:
    """The student's world: every quantity of every step, their value where they gave one,
    else recomputed from theirs.  `ref[(s, name)]` is what the true operation gives on their
    earlier values (None where it cannot be evaluated)."""

    def __init__(self, trace, given):
        self.trace, self.F = trace, trace.field
        self.given = set(given)
        self.envs, self.ref = [], {}
        self.deps = {}
        for st in trace.steps:
            env = {}
            self.envs.append(env)
            for name, q in st.quantities.items():
                key = (st.index, name)
                self.deps[key] = self._deps(st.index, q)
                self.ref[key] = self._evaluate(st.index, q, env)
                if key in given:
                    env[name] = given[key]
                else:
                    env[name] = self.ref[key] if self.ref[key] is not None else q.value

    def _deps(self, s, q):
        if q.expr is not None:
            return [(s, r) for r in q.expr.refs()]
        prior = self._prior(s, q)
        return [] if prior is None else [prior]

    def _prior(self, s, q):
        """Where a quantity without an expression comes from: step s−1's W_next for a
        parameter, its optimizer state for a `_prev`; data have no source."""
        if s == 0:
            return None
        if q.kind == "param":
            return (s - 1, f"{q.name}_next")
        if q.kind == "prev":
            return (s - 1, q.name[:-len("_prev")])
        return None

    def _evaluate(self, s, q, env):
        if q.expr is None:
            prior = self._prior(s, q)
            return None if prior is None else self.envs[prior[0]][prior[1]]
        try:
            return self.F.finalize(q.expr.eval(Ctx(env, self.F)))
        except (ArithmeticError, ValueError, TypeError):
            return None

    def mixed(self, key, G, rule):
        """A careful grader's second look: the student may have used the true value of one
        operand and their own (wrong) value of another.  (value, names taken as true) when G is
        the true operation on such a mix and the mix still contains a wrong value of theirs."""
        import itertools
        s, name = key
        q = self.trace.steps[s].quantities[name]
        if q.expr is None:
            return None
        true = self.trace.steps[s].quantities
        env = self.envs[s]
        differ = [r for r in q.expr.refs() if not rule.matches(fracs(self.trace, env[r]), fracs(self.trace, true[r].value))]
        # a slip in copying the data or the parameters is the likelier one to have been undone
        differ.sort(key=lambda r: true[r].kind not in ("data", "param"))
        T = fracs(self.trace, q.value)
        for k in range(1, len(differ)):
            for reset in itertools.combinations(differ, k):
                mix = {**env, **{r: true[r].value for r in reset}}
                try:
                    v = self.F.finalize(q.expr.eval(Ctx(mix, self.F)))
                except (ArithmeticError, ValueError, TypeError):
                    continue
                V = fracs(self.trace, v)
                if not rule.matches(V, T) and rule.matches(G, V):
                    return v, list(reset)
        return None

    def value(self, key):
        return self.envs[key[0]][key[1]]

    def upstream(self, key, given):
        """(the given answers this quantity rests on, the values computed on the way to them)."""
        rests, path, todo, seen = set(), set(), list(self.deps[key]), set()
        while todo:
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            if d in given:
                rests.add(d)
            else:
                path.add(d)
                todo.extend(self.deps[d])
        return rests, path


def grade(trace, answers, rule) -> Grading:
    from .diagnose import Diagnoser
    F = trace.field
    given = {}
    for key, a in answers.items.items():
        v = F.array(_nested(a.nums))
        given[key] = v.T.copy() if a.transposed else v
    student = Student(trace, given)
    out = Grading(trace, rule)
    status = {}
    diag = Diagnoser(trace, student, rule)
    for st in trace.steps:
        for name, q in st.quantities.items():
            key = (st.index, name)
            if key not in answers.items or q.kind in HIDDEN:
                continue
            a = answers.items[key]
            G = np.asarray(_nested(a.nums), dtype=object)
            T = fracs(trace, q.value)
            ref = student.ref[key]
            R = None if ref is None else fracs(trace, ref)
            rests, path = student.upstream(key, given)
            wrong_up = [k for k in rests if status.get(k, "correct") != "correct"]
            res = Result(st.index, name, "wrong", a.nums, q.value, transposed=a.transposed)
            base = _before_update(trace, st, name)
            if R is not None and not rule.matches(R, T, base):
                res.reference = ref
            if not a.transposed and rule.matches(G, T, base):
                res.status = "correct"
            elif not a.transposed and R is not None and rule.matches(G, R, base):
                if not wrong_up:
                    res.status = "correct"
                    res.note = "agrees with the values your own (rounded) earlier answers give"
                else:
                    trivial = _trivial(trace, student, path, wrong_up, key, ref)
                    if trivial:
                        res.diagnosis = ("what your earlier answers give, but they make it trivial ("
                                         + ", ".join(_where(k, st.index) for k in sorted(trivial))
                                         + " all zero): no credit carried forward")
                    else:
                        res.status = "carried"
                        res.note = ("error carried forward from your "
                                    + ", ".join(_where(k, st.index) for k in sorted(wrong_up)))
            if res.status == "wrong" and res.diagnosis is None and not a.transposed and wrong_up:
                mixed = student.mixed(key, G, rule)
                if mixed is not None and not _trivial(trace, student, path, wrong_up, key, mixed[0]):
                    res.status, res.reference = "carried", mixed[0]
                    yours = [_where(k, st.index) for k in sorted(wrong_up) if k[1] not in mixed[1]]
                    res.note = ("error carried forward from your " + (", ".join(yours) or "earlier answers")
                                + " (with the true " + ", ".join(mixed[1]) + ")")
            if res.status == "wrong" and res.diagnosis is None:
                res.diagnosis = diag.explain(key, G, a)
            status[key] = res.status
            out.results.append(res)
    first = next((r for r in out.results if r.status == "wrong"), None)
    if first is not None:
        first.first = True
    return out


def _before_update(trace, st, name):
    """θ at the start of the step, for an updated parameter θ_new (else None)."""
    if name.endswith("_next") and name[:-5] in st.quantities:
        return fracs(trace, st.quantities[name[:-5]].value)
    return None


def _trivial(trace, student, path, wrong_up, key, value):
    """The quantities on the way (and the result) that are all zero where the truth is not."""
    return [k for k in list(path) + list(wrong_up) + [key]
            if all_zero(trace, student.value(k) if k != key else value)
            and not all_zero(trace, trace.steps[k[0]].quantities[k[1]].value)]


def _where(key, step):
    s, name = key
    return name if s == step else f"{name} of step {s}"


def _nested(arr):
    a = np.asarray(arr, dtype=object)
    return a[()] if a.ndim == 0 else a.tolist()
