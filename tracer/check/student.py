"""The student's world: every quantity of every step, their value where they gave one, else
recomputed from theirs with the trace's own recorded expression (no second implementation).

`ref[(s, name)]` is what the true operation gives on their earlier values (None where it
cannot be evaluated); the parameters of step s+1 are their own W_next of step s.
"""
from __future__ import annotations

from .values import evaluate


class Student:
    def __init__(self, trace, given):
        self.trace = trace
        self.given = dict(given)            # (step, name) -> field value, as they wrote it
        self.envs, self.ref, self.deps = [], {}, {}
        for st in trace.steps:
            env = {}
            self.envs.append(env)
            for name, q in st.quantities.items():
                key = (st.index, name)
                self.deps[key] = self._deps(st.index, q)
                self.ref[key] = self._evaluate(st.index, q, env)
                if key in self.given:
                    env[name] = self.given[key]
                else:
                    env[name] = self.ref[key] if self.ref[key] is not None else q.value

    def _deps(self, s, q):
        if q.expr is not None:
            return [(s, r) for r in q.expr.refs()]
        prior = self.prior(s, q)
        return [] if prior is None else [prior]

    def prior(self, s, q):
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
            prior = self.prior(s, q)
            return None if prior is None else self.envs[prior[0]][prior[1]]
        return evaluate(self.trace, q.expr, env)

    def value(self, key):
        return self.envs[key[0]][key[1]]

    def downstream(self, key) -> set:
        """Every quantity computed from this one, in any later step too."""
        if not hasattr(self, "_users"):
            self._users = {}
            for k, deps in self.deps.items():
                for d in deps:
                    self._users.setdefault(d, []).append(k)
        out, todo = set(), list(self._users.get(key, ()))
        while todo:
            k = todo.pop()
            if k not in out:
                out.add(k)
                todo.extend(self._users.get(k, ()))
        return out

    def upstream(self, key):
        """(the given answers this quantity rests on, the values computed on the way to them)."""
        rests, path, todo, seen = set(), set(), list(self.deps[key]), set()
        while todo:
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            if d in self.given:
                rests.add(d)
            else:
                path.add(d)
                todo.extend(self.deps[d])
        return rests, path


def updated_from(name, quantities):
    """θ's name for an updated parameter θ_new (W1 for W1_next), else None."""
    if name.endswith("_next") and name[:-5] in quantities:
        return name[:-5]
    return None
