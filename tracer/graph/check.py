"""Grading a hand calculation on a graph: the checker's own verdicts (correct / carried /
wrong, error carried forward through the graph by re-evaluating each recorded expression on
the student's numbers), then the slips of backpropagation on a graph named:

- a sign slip (the whole value, or one branch of a sum);
- branches not summed — the multivariate chain rule forgotten (only some of the nodes that
  read a value passed their gradient back to it);
- a forward value used in place of a local derivative (∂f/∂c taken as f, not f(1 − f));
- a local derivative taken at the wrong point (σ′ at the output f instead of at its input c;
  the factor x itself for ∂(x·y)/∂x);
- the upstream gradient, or the local derivative, left out of a product.

Every candidate is an expression over the trace's own quantities, evaluated where the
student's answers stand (their world first, then the true one), as the checker's diagnoses
are.  Verdicts, JSON and reports are the checker's (tracer.check).
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from ..check.grade import given_values, grade
from ..check.student import Student
from ..check.values import evaluate, fracs, nested
from .derive import wrong_points
from .expr import Add, Mul, Neg, Ref, text
from .names import grad, local

OURS = " (compared with what your own earlier answers give)"
MAX_BRANCHES = 6        # subsets of more branches than this are not tried one by one


def grade_graph(trace, answers, rule):
    """The checker's Grading, with a graph's slips named where they explain a wrong answer."""
    grading = grade(trace, answers, rule)
    diag = GraphDiagnoser(trace, Student(trace, given_values(trace, answers)), rule)
    for r in grading.results:
        if r.status == "wrong" and not r.transposed:
            found = diag.explain((r.step, r.name), np.asarray(nested(r.nums), dtype=object))
            if found:
                r.diagnosis = found
    return grading


class GraphDiagnoser:
    def __init__(self, trace, student, rule):
        self.t, self.student, self.rule = trace, student, rule
        self.p, self.s = trace.problem, trace.structure
        self.owner = {local(n, o): (n, o) for n in self.s.locals for o, _ in self.s.locals[n]}

    def explain(self, key, G) -> str | None:
        name = key[1]
        q = self.t.quantities[name]
        if q.expr is None:
            return None
        true_env = {n: v.value for n, v in self.t.quantities.items()}
        T = fracs(self.t, q.value)
        worlds = []
        ref = self.student.ref.get(key)
        if ref is not None and not self.rule.matches(fracs(self.t, ref), T):
            worlds.append((OURS, self.student.envs[0], fracs(self.t, ref)))
        worlds.append(("", true_env, T))
        for label, env, R in worlds:
            for words, expr in self.candidates(name, q):
                v = evaluate(self.t, expr, env)
                if v is None:
                    continue
                V = fracs(self.t, v)
                if not self.rule.matches(V, R) and self.rule.matches(G, V):
                    return words + label
        return None

    # -- candidates --------------------------------------------------------------------------
    def candidates(self, name, q):
        yield "sign slip (the sign is flipped)", Neg(q.expr)
        if name in self.owner:
            yield from self._local(*self.owner[name], q.expr)
        elif name.startswith("d") and name[1:] in self.s.consumers and name[1:] != self.p.output:
            yield from self._gradient(name[1:])

    def _local(self, node, operand, expr):
        """Slips in ∂node/∂operand."""
        formula = f"∂{node}/∂{operand} = {text(expr)}"
        for words, wrong in wrong_points(self.p.node(node).expr, operand, node):
            yield f"the local derivative taken at the wrong point: {words} ({formula})", wrong
        for value in dict.fromkeys((node, operand)):
            yield (f"the forward value {value} used in place of the local derivative ({formula}): "
                   "a gate passes back its derivative, not its value", Ref(value))

    def _gradient(self, o):
        """Slips in ∂out/∂o = Σ over the nodes c that read o of ∂out/∂c · ∂c/∂o."""
        out = self.p.output
        branches = self.s.branches(o)
        terms = {c: Mul(Ref(grad(c)), Ref(local(c, o))) for c in branches}

        def total(parts):
            e = None
            for t_ in parts:
                e = t_ if e is None else Add(e, t_)
            return e
        if 1 < len(branches) <= MAX_BRANCHES:
            for k in range(1, len(branches)):
                for chosen in combinations(branches, k):
                    which = ", ".join(chosen)
                    yield (f"branches not summed (the multivariate chain rule): this is only the branch"
                           f"{'es' if k > 1 else ''} through {which}, but {o} feeds {', '.join(branches)}, "
                           f"and ∂{out}/∂{o} is the sum of {'both' if len(branches) == 2 else f'all {len(branches)}'}",
                           total(terms[c] for c in chosen))
            for c in branches:
                yield (f"sign slip in the branch through {c}",
                       total(Neg(terms[b]) if b == c else terms[b] for b in branches))
        for c in branches:
            formula = f"∂{c}/∂{o} = {text(dict(self.s.locals[c])[o])}"
            others = [terms[b] for b in branches if b != c]
            via = f" (in the branch through {c})" if len(branches) > 1 else ""
            for words, wrong in wrong_points(self.p.node(c).expr, o, c):
                yield (f"the local derivative taken at the wrong point{via}: {words} ({formula})",
                       total(others + [Mul(Ref(grad(c)), wrong)]))
            for value in dict.fromkeys((c, o)):
                yield (f"the forward value {value} used in place of the local derivative{via} ({formula})",
                       total(others + [Mul(Ref(grad(c)), Ref(value))]))
            yield (f"the upstream gradient ∂{out}/∂{c} left out{via}: upstream × local, not the local "
                   "derivative alone", total(others + [Ref(local(c, o))]))
            yield (f"the local derivative ∂{c}/∂{o} left out{via} ({formula})",
                   total(others + [Ref(grad(c))]))
