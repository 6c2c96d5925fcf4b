"""The guards on carried credit (error carried forward), each a question on its own.

- `slips_upstream`: carried credit needs an answer the student *wrote* upstream that is off;
- `trivial`: it is refused for a quantity computed directly from a trivial operand (or trivial
  itself) where the truth is not: a value within the tolerance of 0 (0.00001 counts as 0 as it
  does when matching), ŷ within the tolerance of y as the operand of the loss (a trivial loss),
  and the gradient such a loss gives.  With A1 = 0, Z2 = b2 and dW2 = 0 earn nothing; σ(b2),
  J and dZ2, real work on top of them, stay carried;
- `second_look`: a careful grader's second look, the true value of one operand with the
  student's own value of another, judged by the same rule (an update on its change).
"""
from __future__ import annotations

import itertools

from .. import ops
from .student import updated_from
from .values import evaluate, fracs

LOSS_NODES = (ops.Loss, ops.LossGrad, ops.FusedDelta)


def slips_upstream(rests, status) -> list:
    """The given answers upstream that were not judged correct (sorted)."""
    return sorted(k for k in rests if status.get(k, "correct") != "correct")


def trivial(trace, student, rule, key, value, env=None) -> list:
    """[(name, why)] for the answer (`value`) and its direct operands (their values in `env`,
    the student's by default) that are trivial where the truth is not.  The answer's own 0
    counts only when some operand is off: a 0 computed from right (rounded) operands is
    honest rounding, not a slip made trivial."""
    s, name = key
    true = trace.steps[s].quantities
    env = student.envs[s] if env is None else env
    found, off = [], False
    for d in student.deps[key]:
        v, t = (env[d[1]] if d[0] == s else student.value(d)), trace.steps[d[0]].quantities[d[1]].value
        where = d[1] if d[0] == s else f"{d[1]} of step {d[0]}"
        off = off or not rule.matches(fracs(trace, v), fracs(trace, t))
        if _zero(trace, rule, v, t):
            found.append((where, "zero"))
        elif d[0] == s and trivial_loss(trace, rule, true[d[1]].expr, env, s):
            found.append((where, "the gradient of a trivial loss"))
    if off and _zero(trace, rule, value, true[name].value):
        found.append((name, "zero"))
    expr = true[name].expr
    if expr is not None and trivial_loss(trace, rule, expr, env, s):
        yhat, y = _loss_operands(expr)
        found.append((yhat, f"{y} within the tolerance: a trivial loss"))
    return found


def trivial_loss(trace, rule, expr, env, s) -> bool:
    """A loss (or its gradient) in `expr` taken at a ŷ within the tolerance of y, where the
    true ŷ is not."""
    if expr is None or not any(isinstance(n, LOSS_NODES) for n in _nodes(expr)):
        return False
    yhat, y = _loss_operands(expr)
    true = trace.steps[s].quantities
    return (rule.matches(fracs(trace, env[yhat]), fracs(trace, env[y]))
            and not rule.matches(fracs(trace, true[yhat].value), fracs(trace, true[y].value)))


def describe(found) -> str:
    """'A1, dW2 all zero (within the tolerance); A2 equals Y within the tolerance: a trivial loss'."""
    zeros = [w for w, why in found if why == "zero"]
    parts = [", ".join(zeros) + " all zero (within the tolerance)"] if zeros else []
    for where, why in found:
        if why != "zero":
            parts.append(f"{where} is {why}" if why.startswith("the gradient") else f"{where} equals {why}")
    return "; ".join(dict.fromkeys(parts))


def _zero(trace, rule, value, truth) -> bool:
    """Zero within the tolerance where the truth is not, and off (a right 0.0001 for a true
    0.00012 is no slip)."""
    V, T = fracs(trace, value), fracs(trace, truth)
    return rule.is_zero(V) and not rule.is_zero(T) and not rule.matches(V, T)


def _nodes(node):
    yield node
    for a in node.args:
        yield from _nodes(a)


def _loss_operands(expr):
    node = next(n for n in _nodes(expr) if isinstance(n, LOSS_NODES))
    yhat, y = node.args[:2]
    return yhat.name, y.name


def second_look(trace, student, rule, key, G):
    """(value, names taken as true) when G is the true operation on a mix of true and student
    operands that still contains a wrong value of theirs; else None.  An updated parameter
    is judged on its change θ_new − θ, θ as in the mix."""
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
    before = updated_from(name, true)
    for k in range(1, len(differ)):
        for reset in itertools.combinations(differ, k):
            mix = {**env, **{r: true[r].value for r in reset}}
            v = evaluate(trace, q.expr, mix)
            if v is None:
                continue
            V = fracs(trace, v)
            base = None if before is None else fracs(trace, mix[before])
            true_base = None if before is None else fracs(trace, true[before].value)
            if not rule.matches(V, T, true_base) and rule.matches(G, V, base) \
                    and not trivial(trace, student, rule, key, v, mix):
                return v, list(reset)
    return None

