"""The niceness rules: whether a drawn problem's trace is fit to be worked by hand.

Each rule reads only the trace (the recorded values), so that what is judged is what the
worksheet will print.  `first_violation` returns the first rule broken, or None.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SQUASHING = ("sigmoid", "tanh", "softmax")
RECTIFIERS = ("relu", "leaky_relu")


@dataclass
class Violation:
    rule: str        # twin_units | saturated | dead_relu | relu_kink | zero_gradient | denominator
    where: str       # "step 0, Z1[1][2]"
    detail: str

    def __str__(self):
        return f"{self.where}: {self.detail}"


def _units(trace, value):
    """The value as a float array with units along axis 0 (the constant unit dropped)."""
    a = np.array(trace.floats(value), dtype=float)
    if trace.problem.layout == "rows":
        a = a.T
    if trace.problem.bias == "augmented":
        a = a[1:]
    return a


def _at(name, step, idx):
    return f"step {step}, {name}" + "".join(f"[{int(i)}]" for i in idx)


def _twins(trace, st, l):
    """Two units of linear l with the same incoming weights and bias (1-based), or None."""
    W = np.array(trace.floats(st[f"W{l}"]), dtype=float)       # (out, in) in both layouts
    if trace.problem.bias == "augmented":
        W = W[1:]
    elif f"b{l}" in st:
        W = np.column_stack([W, np.array(trace.floats(st[f"b{l}"]), dtype=float)])
    for i in range(len(W)):
        for j in range(i + 1, len(W)):
            if np.array_equal(W[i], W[j]):
                return i + 1, j + 1
    return None


def first_violation(trace, settings) -> Violation | None:
    p = trace.problem
    if getattr(p, "kind", None) == "graph":      # a graph's rules: kinks, ties, saturation
        from ..graph.nice import first_violation as graph_violation
        return graph_violation(trace, settings)
    max_z = float(settings["max_abs_z"])
    for st in trace.steps:
        s = st.index
        for l, layer in enumerate(p.layers, 1):
            twin = _twins(trace, st, l)
            if twin:
                return Violation("twin_units", f"step {s}, W{l}", f"units {twin[0]} and {twin[1]} have the "
                                 "same weights and bias, so the same values and gradients")
            act = layer.activation
            if act not in SQUASHING and act not in RECTIFIERS:
                continue
            Z = _units(trace, st[f"Z{l}"])
            if act in SQUASHING:
                big = np.argwhere(np.abs(Z) > max_z)
                if len(big):
                    i = tuple(big[0])
                    return Violation("saturated", _at(f"Z{l}", s, i),
                                     f"|z| = {abs(Z[i]):.3g} > {max_z:g} goes into {act}")
                continue
            kink = np.argwhere(Z == 0)
            if len(kink):
                return Violation("relu_kink", _at(f"Z{l}", s, tuple(kink[0])),
                                 f"z = 0 exactly, where {act} has no derivative")
            alive = (Z > 0).any(axis=1)
            if settings["relu_alive"] == "layer" and not alive.any():
                return Violation("dead_relu", f"step {s}, Z{l}", f"every {act} unit is ≤ 0 on every sample")
            if settings["relu_alive"] == "unit" and not alive.all():
                u = int(np.argmin(alive))
                return Violation("dead_relu", f"step {s}, Z{l}",
                                 f"{act} unit {u + 1} is ≤ 0 on every sample")
        for q in st.shown():
            if q.name.startswith(("dW", "db")) and q.name[2:].isdigit():
                if not np.any(np.array(trace.floats(q.value), dtype=float)):
                    return Violation("zero_gradient", f"step {s}, {q.name}", "every entry is 0")
        if p.numbers == "exact" and p.round is None:
            limit = settings["max_denominator"]
            for q in st.shown():
                for idx, v in np.ndenumerate(np.asarray(q.value, dtype=object)):
                    frac = trace.entry(v)[0]
                    if frac is not None and frac.denominator > limit:
                        return Violation("denominator", _at(q.name, s, idx),
                                         f"{frac} has denominator {frac.denominator} > {limit}")
    return None
