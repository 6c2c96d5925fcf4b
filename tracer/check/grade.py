"""Verdicts: correct, carried (error carried forward) or wrong, for every given answer.

No second implementation of any operation: the student's values replace the true ones in an
environment (student.py), and each quantity's recorded expression (tracer.ops) is evaluated
there, in computation order, so that a slip propagates through every dependant.

Each answer goes through small named steps: the verdict against the truth, then against what
the student's own earlier answers give (carried, behind the guards of guards.py), then a
grader's second look, then, for what is still wrong, a diagnosis (diagnose.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..recorder import HIDDEN
from . import guards
from .diagnose import Diagnoser
from .student import Student, updated_from
from .values import fracs, nested, same


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


@dataclass
class Case:
    """One given answer, with everything the steps of its verdict read."""
    key: tuple                     # (step, name)
    answer: object                 # answers.Answer
    G: np.ndarray                  # the student's numbers, as Fractions
    T: np.ndarray                  # the true value, as Fractions
    ref: object                    # what the true operation gives on their earlier values (or None)
    R: np.ndarray | None           # ref as Fractions
    base: np.ndarray | None        # θ before the update, for an updated parameter θ_new
    own_base: np.ndarray | None    # ... and θ as the student has it (their earlier W_next)
    rests: set                     # the given answers it rests on
    path: set                      # the values computed on the way to them
    slips: list                    # the given answers upstream not judged correct

    def where(self, key):
        return _where(key, self.key[0])


def grade(trace, answers, rule) -> Grading:
    student = Student(trace, given_values(trace, answers))
    diag = Diagnoser(trace, student, rule)
    out, status = Grading(trace, rule), {}
    for key in _in_order(trace, answers):
        case = _case(trace, student, key, answers.items[key], status)
        res = judge(trace, student, case, rule)
        if res.status == "wrong" and res.diagnosis is None:
            res.diagnosis = diag.explain(key, case.G, case.answer)
        status[key] = res.status
        out.results.append(res)
    _mark_first_error(out.results)
    return out


def given_values(trace, answers) -> dict:
    """(step, name) -> the student's numbers as a field value, in the quantity's own shape."""
    F, out = trace.field, {}
    for key, a in answers.items.items():
        v = F.array(nested(a.nums))
        out[key] = v.T.copy() if a.transposed else v
    return out


def _in_order(trace, answers):
    for st in trace.steps:
        for name, q in st.quantities.items():
            if (st.index, name) in answers.items and q.kind not in HIDDEN:
                yield (st.index, name)


def _case(trace, student, key, a, status) -> Case:
    s, name = key
    st = trace.steps[s]
    ref = student.ref[key]
    rests, path = student.upstream(key)
    before = updated_from(name, st.quantities)
    return Case(key, a, np.asarray(nested(a.nums), dtype=object), fracs(trace, st.quantities[name].value),
                ref, None if ref is None else fracs(trace, ref),
                None if before is None else fracs(trace, st.quantities[before].value),
                None if before is None else fracs(trace, student.envs[s][before]),
                rests, path, guards.slips_upstream(rests, status))


def judge(trace, student, case, rule) -> Result:
    """The verdict on one answer (and why, where a guard refuses carried credit)."""
    s, name = case.key
    a = case.answer
    res = Result(s, name, "wrong", a.nums, trace.steps[s].quantities[name].value, transposed=a.transposed)
    if case.R is not None and not rule.matches(case.R, case.T, case.base):
        res.reference = case.ref
    if a.transposed:
        return res
    if rule.matches(case.G, case.T, case.base):
        res.status = "correct"
    elif case.R is not None and rule.matches(case.G, case.R, case.own_base):
        _credit_own(trace, student, case, rule, res)
    if res.status == "wrong" and res.diagnosis is None and case.slips:
        _credit_mixed(trace, student, case, rule, res)
    return res


def _credit_own(trace, student, case, rule, res):
    """G is what the student's own earlier answers give, but not the truth: carried, unless
    those answers make it trivial.  When each of them was right (within the tolerance) the
    note says that their small differences from the truth grew past it here."""
    found = guards.trivial(trace, student, rule, case.key, case.ref)
    if found:
        res.diagnosis = ("what your earlier answers give, but they make it trivial ("
                         + guards.describe(found) + "): no credit carried forward")
        return
    res.status, res.reference = "carried", case.ref
    if case.slips:
        res.note = "error carried forward from your " + ", ".join(map(case.where, case.slips))
        return
    shifted = [k for k in sorted(case.rests)
               if not same(fracs(trace, student.value(k)), fracs(trace, trace.steps[k[0]].quantities[k[1]].value))]
    res.note = ("carried forward from your " + (", ".join(map(case.where, shifted)) or "earlier answers")
                + ": right within the tolerance there, but their differences from the true values "
                  "grow past it here")



def _credit_mixed(trace, student, case, rule, res):
    """A grader's second look: the true value of one operand, the student's own of another."""
    mixed = guards.second_look(trace, student, rule, case.key, case.G)
    if mixed is None:
        return
    value, reset = mixed
    res.status, res.reference = "carried", value
    yours = [case.where(k) for k in case.slips if k[1] not in reset]
    res.note = ("error carried forward from your " + (", ".join(yours) or "earlier answers")
                + " (with the true " + ", ".join(reset) + ")")


def _mark_first_error(results):
    first = next((r for r in results if r.status == "wrong"), None)
    if first is not None:
        first.first = True


def _where(key, step):
    s, name = key
    return name if s == step else f"{name} of step {s}"
