"""The values the common slips give for an asked quantity, each named by trace-net's checker.

A candidate is made from the trace's own matrices: the true value times m or 1/m (the 1/m of
the loss kept or dropped twice), its transpose (a square matrix), and for Δ = ∂J/∂A ⊙ g′(Z)
the product with g (σ for σ′: ∂J/∂A ⊙ A) or without g′.  A candidate is kept only when the
checker, grading it as a student's answer, calls it wrong and names a diagnosis; that
diagnosis is the feedback a platform shows for it.  No slip is simulated by code of its own.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np


def _candidates(trace, name):
    st = trace.steps[0]
    R = np.asarray(st.quantities[name].value, dtype=object)
    p = trace.problem
    m = Fraction(len(st.batch)) if st.batch else Fraction(p.m)
    out = []
    if name.startswith("d"):
        out += [R * m, R / m]
    if R.ndim == 2 and R.shape[0] == R.shape[1] and R.shape[0] > 1:
        out.append(R.T)
    if name.startswith("dZ") and name[2:].isdigit():
        l = int(name[2:])
        act = p.layers[l - 1].activation
        if act in ("sigmoid", "tanh") and f"dA{l}" in st.quantities:
            dA = np.asarray(st.quantities[f"dA{l}"].value, dtype=object)
            A = np.asarray(st.quantities[f"A{l}"].value, dtype=object)
            out += [dA * A, dA]
    return out


def _text(trace, v):
    q, f, _ = trace.entry(v)
    if q is not None:
        q = Fraction(q)
        return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
    return repr(float(f))


def _number(t: str):
    return float(t) if any(c in t for c in ".eE") else Fraction(t)


def slip_values(trace, rule, name):
    """[(values in the trace's shape, as Fractions or floats), diagnosis] for step 0's `name`."""
    from ..check import grade, parse_answers
    out, seen = [], set()
    for cand in _candidates(trace, name):
        try:
            texts = np.vectorize(lambda v: _text(trace, v), otypes=[object])(cand).tolist()
        except (TypeError, ValueError, ArithmeticError):
            continue
        key = str(texts)
        if key in seen:
            continue
        seen.add(key)
        answers = parse_answers({name: texts}, "slip")
        answers.bind(trace)
        (r,) = grade(trace, answers, rule).results
        # a named slip, not "only entries … are off" (which any wrong number may get)
        if r.status == "wrong" and r.diagnosis and not r.diagnosis.startswith("only "):
            vals = np.vectorize(_number, otypes=[object])(np.asarray(texts, dtype=object))
            out.append((vals, r.diagnosis))
    return out
