"""The niceness rules: whether a drawn problem's trace is fit to be worked by hand.

Each rule reads only a trace (the recorded values), and always an exact one: a float
template's draw is judged on the exact trace of the same numbers (variants.py), so that
0.4·1 − 0.6·2 + 0.8·1 is the 0 it is, not 1.1e-16.  What the worksheet shows (its decimals,
its rounding) is read from the problem the student gets.  `first_violation` returns the first
rule broken, or None; a template's `generate.allow` lists rules not to enforce.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

SQUASHING = ("sigmoid", "tanh", "softmax")
RECTIFIERS = ("relu", "leaky_relu")
CLASSIFYING = ("cross_entropy", "bce")
RULES = ("twin_units", "saturated", "dead_relu", "relu_kink", "zero_gradient", "zero_column",
         "tiny_gradient", "one_class", "duplicate_samples", "denominator")


@dataclass
class Violation:
    rule: str        # one of RULES
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


def _out_in(trace, value, l):
    """A weight matrix (or its gradient) of linear l as floats, (out, in), whichever way the
    trace stores it."""
    a = np.array(trace.floats(value), dtype=float)
    return a.T if trace.problem.layers[l - 1].in_out else a     # W (in, out): weights: in_out


def _at(name, step, idx):
    return f"step {step}, {name}" + "".join(f"[{int(i)}]" for i in idx)


def _twins(trace, st, l):
    """Two units of linear l with the same incoming weights and bias (1-based), or None;
    every pair is compared, not only neighbours."""
    W = _out_in(trace, st[f"W{l}"], l)
    if trace.problem.bias == "augmented":
        W = W[1:]
    elif f"b{l}" in st:
        W = np.column_stack([W, np.array(trace.floats(st[f"b{l}"]), dtype=float)])
    for i in range(len(W)):
        for j in range(i + 1, len(W)):
            if np.array_equal(W[i], W[j]):
                return i + 1, j + 1
    return None


def _data_rules(p):
    """Rules on the data alone: no two samples alike, not every target in one class."""
    for i in range(p.m):
        for j in range(i + 1, p.m):
            if list(p.x[i]) == list(p.x[j]):
                yield Violation("duplicate_samples", "data.x", f"samples {i + 1} and {j + 1} have the same inputs")
    if p.loss in CLASSIFYING and p.m > 1:
        if p.loss == "cross_entropy":
            classes = {max(range(len(r)), key=lambda c: r[c]) for r in p.y}
            if len(classes) == 1:
                yield Violation("one_class", "data.y", f"every sample is in class {classes.pop()}")
        else:
            for c in range(len(p.y[0])):
                if len({r[c] for r in p.y}) == 1:
                    yield Violation("one_class", "data.y", f"output {c + 1} has the target {p.y[0][c]} "
                                    "on every sample")


def _layer_rules(trace, st, settings):
    p, s = trace.problem, st.index
    max_z = float(settings["max_abs_z"])
    for l, layer in enumerate(p.layers, 1):
        twin = _twins(trace, st, l)
        if twin:
            yield Violation("twin_units", f"step {s}, W{l}", f"units {twin[0]} and {twin[1]} have the "
                            "same weights and bias, so the same values and gradients")
        act = layer.activation
        if act not in SQUASHING and act not in RECTIFIERS:
            continue
        Z = _units(trace, st[f"Z{l}"])
        if act in SQUASHING:
            big = np.argwhere(np.abs(Z) > max_z)
            if len(big):
                i = tuple(big[0])
                yield Violation("saturated", _at(f"Z{l}", s, i), f"|z| = {abs(Z[i]):.3g} > {max_z:g} goes into {act}")
            continue
        kink = np.argwhere(Z == 0)
        if len(kink):
            yield Violation("relu_kink", _at(f"Z{l}", s, tuple(kink[0])), f"z = 0 exactly, where {act} has no derivative")
        alive = (Z > 0).any(axis=1)
        if settings["relu_alive"] == "layer" and not alive.any():
            yield Violation("dead_relu", f"step {s}, Z{l}", f"every {act} unit is ≤ 0 on every sample")
        if settings["relu_alive"] == "unit" and not alive.all():
            yield Violation("dead_relu", f"step {s}, Z{l}", f"{act} unit {int(np.argmin(alive)) + 1} is ≤ 0 on every sample")


def _gradient_rules(trace, st, shown):
    s = st.index
    digits = shown.round if shown.round is not None else shown.decimals
    floor = 0.5 * 10.0 ** -digits
    for q in st.shown():
        if not (q.name.startswith(("dW", "db")) and q.name[2:].isdigit()):
            continue
        g = np.array(trace.floats(q.value), dtype=float)
        if not np.any(g):
            yield Violation("zero_gradient", f"step {s}, {q.name}", "every entry is 0")
            continue
        tiny = np.argwhere((g != 0) & (np.abs(g) < floor))
        if len(tiny):
            i = tuple(tiny[0])
            yield Violation("tiny_gradient", _at(q.name, s, i), f"{g[i]:.3g} is not 0 but shows as 0 "
                            f"to {digits} decimals")
        if q.name.startswith("dW"):
            l = int(q.name[2:])
            G = _out_in(trace, q.value, l)
            zero = ~G.any(axis=0)
            if l > 1:
                # a hidden unit that is 0 on every sample is the dead_relu rule's (and its
                # relu_alive setting's) to judge
                A = _units(trace, st[f"A{l - 1}"])
                zero[-len(A):] &= A.any(axis=1)
            dead = np.flatnonzero(zero)
            if len(dead):
                yield Violation("zero_column", f"step {s}, {q.name}", f"column {dead[0] + 1} is 0: no weight "
                                "leaving that input is changed")


def _denominator_rule(trace, st, limit):
    for q in st.shown():
        for idx, v in np.ndenumerate(np.asarray(q.value, dtype=object)):
            frac = trace.entry(v)[0]
            if frac is not None and Fraction(frac).denominator > limit:
                yield Violation("denominator", _at(q.name, st.index, idx),
                                f"{frac} has denominator {Fraction(frac).denominator} > {limit}")
                return


def violations(trace, settings, shown=None):
    """Every broken rule, in order (data first, then step by step), skipping `allow`ed ones.
    `shown` is the problem the worksheet prints (default: the trace's own)."""
    shown = shown or trace.problem
    allow = set(settings.get("allow") or ())

    def all_rules():
        yield from _data_rules(trace.problem)
        for st in trace.steps:
            yield from _layer_rules(trace, st, settings)
            yield from _gradient_rules(trace, st, shown)
            if shown.numbers == "exact" and shown.round is None:
                yield from _denominator_rule(trace, st, settings["max_denominator"])

    return (v for v in all_rules() if v.rule not in allow)


def first_violation(trace, settings, shown=None) -> Violation | None:
    if getattr(trace.problem, "kind", None) == "graph":      # a graph's rules: kinks, ties, saturation
        from ..graph.nice import first_violation as graph_violation
        return graph_violation(trace, settings)
    return next(violations(trace, settings, shown), None)
