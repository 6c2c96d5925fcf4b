"""Values for the checker: field arrays as exact Fractions, and one expression evaluated on an
environment of the student's numbers (None where the trace's operation cannot be carried out).

Every comparison the checker makes is exact (Fractions), so a tolerance boundary never
depends on binary rounding; a value that is not finite (a float-mode √ of a student's negative
v̂) is "cannot be evaluated", never a NaN compared with anything.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..ops import Ctx


def fracs(trace, value) -> np.ndarray:
    """The entries of a field value as Fractions (an object array of the same shape)."""
    a = np.asarray(value, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(a.shape):
        q, f, _ = trace.entry(a[idx])
        out[idx] = q if q is not None else Fraction(f)
    return out


def finite(trace, value) -> bool:
    for v in np.asarray(value, dtype=object).ravel():
        q, f, _ = trace.entry(v)
        if q is None and (f is None or not math.isfinite(f)):
            return False
    return True


def evaluate(trace, expr, env):
    """The recorded expression on `env` (name -> field value), or None where it cannot be
    carried out (a division by zero, a log of a negative, a value that is not finite)."""
    F = trace.field
    try:
        with np.errstate(all="ignore"):
            value = F.finalize(expr.eval(Ctx(env, F)))
    except (ArithmeticError, ValueError, TypeError, KeyError):
        return None
    return value if finite(trace, value) else None


def same(A, B) -> bool:
    """Two arrays of Fractions equal entry for entry (no tolerance)."""
    return np.shape(A) == np.shape(B) and all(a == b for a, b in zip(np.ravel(A), np.ravel(B)))


def nested(arr):
    """An object array as nested lists (a bare entry for a scalar)."""
    a = np.asarray(arr, dtype=object)
    return a[()] if a.ndim == 0 else a.tolist()
