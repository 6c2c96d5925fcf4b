"""What a platform asks of a variant: the quantities (`--ask`), each entry's true value and the
checker's tolerance for it, laid out as the worksheet writes the matrix.

The tolerance is the checker's own rule (tracer.check.Rule) read through its public `tol`:
|given − true| ≤ max(rtol·|true|, atol), and for an updated parameter (W1_next, …) the same
rule on the change it makes, never finer than atol.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..schema import ProblemError, near_miss

GIVEN_KINDS = ("data", "param")


@dataclass
class Asked:
    name: str
    shape: list            # the trace's shape: [] scalar, [n] vector, [r, c] matrix
    rows: list             # true values as Fractions (or floats), a list of rows (1 row for a scalar)
    tol: list              # absolute tolerances, the same layout
    column: bool           # a vector written as a column (samples-as-columns layout)

    @property
    def grid(self):
        """(rows, columns) of the entry grid."""
        return len(self.rows), len(self.rows[0])

    def entries(self):
        """(i, j, value, tolerance) row by row."""
        for i, (r, t) in enumerate(zip(self.rows, self.tol)):
            for j, (v, e) in enumerate(zip(r, t)):
                yield i, j, v, e

    def nested(self, grid):
        """A grid of entries back in the trace's shape (the checker's answers format)."""
        if not self.shape:
            return grid[0][0]
        if len(self.shape) == 1:
            return [r[0] for r in grid] if self.column else list(grid[0])
        return [list(r) for r in grid]


def default_names(trace) -> list[str]:
    """Every computed quantity of step 0, in the order the worksheet shows them."""
    return [q.name for q in trace.steps[0].shown() if q.kind not in GIVEN_KINDS]


def asked_names(trace, ask: str | list | None) -> list[str]:
    """--ask A,B,... checked against step 0's computed quantities (givens are never asked)."""
    computed = default_names(trace)
    if not ask:
        return computed
    names = [n.strip() for n in (ask.split(",") if isinstance(ask, str) else ask) if n.strip()]
    givens = {q.name for q in trace.steps[0].shown() if q.kind in GIVEN_KINDS}
    for n in names:
        if n in givens:
            raise ProblemError("--ask", f"{n} is given in the problem, not asked")
        if n not in computed:
            raise ProblemError("--ask", f"{n}: no computed quantity of that name{near_miss(n, computed)}; "
                               f"step 0 computes {', '.join(computed)}")
    return list(dict.fromkeys(names))


def _value(trace, v):
    q, f, _ = trace.entry(v)
    return Fraction(q) if q is not None else f


def asked(trace, rule, name: str, step: int = 0) -> Asked:
    st = trace.steps[step]
    q = st.quantities[name]
    a = np.asarray(q.value, dtype=object)
    column = trace.problem.layout == "columns"
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a[:, None] if column else a[None, :]
    base = None
    if name.endswith("_next"):
        b = np.asarray(st.quantities[name[:-5]].value, dtype=object)
        base = b.reshape(a.shape)
    rows, tol = [], []
    for i in range(a.shape[0]):
        rows.append([_value(trace, v) for v in a[i]])
        if base is None:
            tol.append([rule.tol(Fraction(x)) for x in rows[-1]])
        else:
            tol.append([max(rule.tol(Fraction(x) - Fraction(_value(trace, b))), rule.atol)
                        for x, b in zip(rows[-1], base[i])])
    return Asked(name, list(q.shape), rows, tol, column)
