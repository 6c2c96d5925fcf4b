"""The guards on carried credit (error carried forward), each a question on its own.

- `slips_upstream`: carried credit needs a wrong answer that the student *wrote* upstream;
- `trivial`: it is refused when the answers it rests on make the quantity trivial (an
  all-zero matrix on the way, e.g. ŷ copied from y);
- `second_look`: a careful grader's second look, the true value of one operand with the
  student's own value of another.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

from .values import evaluate, fracs


def slips_upstream(rests, status) -> list:
    """The given answers upstream that were not judged correct (sorted)."""
    return sorted(k for k in rests if status.get(k, "correct") != "correct")


def all_zero(trace, value) -> bool:
    return all(abs(x) <= Fraction(1, 10**12) for x in fracs(trace, value).ravel())


def trivial(trace, student, keys, key, value) -> list:
    """Among `keys` (the quantities the answer rests on) and the answer itself (`value`), those
    that are all zero where the truth is not."""
    return [k for k in list(keys) + [key]
            if all_zero(trace, student.value(k) if k != key else value)
            and not all_zero(trace, trace.steps[k[0]].quantities[k[1]].value)]


def second_look(trace, student, key, G, rule):
    """(value, names taken as true) when G is the true operation on a mix of true and student
    operands that still contains a wrong value of theirs; else None."""
    s, name = key
    q = trace.steps[s].quantities[name]
    if q.expr is None:
        return None
    true = trace.steps[s].quantities
    env = student.envs[s]
    differ = [r for r in q.expr.refs()
              if not rule.matches(fracs(trace, env[r]), fracs(trace, true[r].value))]
    # a slip in copying the data or the parameters is the likelier one to have been undone
    differ.sort(key=lambda r: true[r].kind not in ("data", "param"))
    T = fracs(trace, q.value)
    for k in range(1, len(differ)):
        for reset in itertools.combinations(differ, k):
            v = evaluate(trace, q.expr, {**env, **{r: true[r].value for r in reset}})
            if v is None:
                continue
            V = fracs(trace, v)
            if not rule.matches(V, T) and rule.matches(G, V):
                return v, list(reset)
    return None
