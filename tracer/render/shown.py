"""Whether a line can be checked by hand from the digits it shows.

A worksheet carries full precision from line to line but shows values rounded, so the digits
a line shows need not give the result it shows (Hagan: −0.2269 · 0.2179 = −0.04944, shown
as −0.0495, the product of the unrounded values).  Every Math knows what its shown digits
are worth (tex.Math.value, exact fractions); here a result is compared with that: it
*agrees* when the value rounded to the result's own decimal places is the result as shown.
A result that does not agree is marked † on the sheet, which the header explains (`MARK`).

Also the few functions a shown value goes through (σ, tanh, √, log), evaluated on exact
fractions to 50 digits: enough to round to any number of places a sheet shows.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Context, Decimal
from fractions import Fraction

import numpy as np

from ..numbers import round_half_away
from ..numtext import decimals_of
from .tex import Math

MARK = r"^{\dagger}"
_CTX = Context(prec=50)


def places(m: Math, hand: int | None) -> int | None:
    """The decimal places a shown number claims: a rounded one's own, in hand mode the
    rounding's, an exact decimal's digits; None for a fraction (exactly that)."""
    if m.places is not None:
        return m.places
    if hand is not None:
        return hand
    return decimals_of(Fraction(m.value))


def agrees(value, shown: Math, hand: int | None = None) -> bool:
    """Whether `value` (what the line's shown digits give) shows as `shown` does; True when
    either is unknown (nothing to check it by)."""
    if value is None or shown.value is None:
        return True
    value = Fraction(value)
    if value == shown.value:
        return True
    k = places(shown, hand)
    return k is not None and round_half_away(value, k) == shown.value


def marked(m: Math) -> Math:
    """The result with its mark: not what the digits shown give (the header says why).  A
    result stands alone (after its relation, or in a matrix cell): its precedence stays."""
    return replace(m, text="{" + m.text + "}" + MARK)


def check(value, shown: Math, hand: int | None = None) -> Math:
    """`shown`, marked when `value` does not give it."""
    return shown if agrees(value, shown, hand) else marked(shown)


# -- functions of shown values, exactly enough --------------------------------------------------
def _safe(fn, q):
    """fn(q), or None where the digits shown are past what it takes (e^{1e300})."""
    try:
        return fn(Fraction(q))
    except ArithmeticError:      # decimal's Overflow, a division by 0
        return None


def _elementwise(fn, v):
    if v is None:
        return None
    if isinstance(v, np.ndarray):
        out = np.empty(v.shape, dtype=object)
        for idx, x in np.ndenumerate(v):
            out[idx] = _safe(fn, x)
        return None if any(x is None for x in out.ravel()) else out
    return _safe(fn, v)


def _dec(q: Fraction) -> Decimal:
    return _CTX.divide(Decimal(q.numerator), Decimal(q.denominator))


def _sigmoid(q):
    return Fraction(_CTX.divide(Decimal(1), _CTX.add(Decimal(1), _CTX.exp(-_dec(q)))))


def _tanh(q):
    e = _CTX.exp(2 * _dec(q))
    return Fraction(_CTX.divide(e - 1, e + 1))


def activation(kind, opts, v):
    """g(v) for an elementwise activation (None for softmax, or an unknown v)."""
    if kind == "identity":
        return v
    fn = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": lambda q: max(q, Fraction(0)),
          "leaky_relu": lambda q: q if q > 0 else q * Fraction(opts.get("slope", 0))}.get(kind)
    return None if fn is None else _elementwise(fn, v)


def sqrt(v):
    return _elementwise(lambda q: Fraction(_CTX.sqrt(_dec(q))) if q >= 0 else None, v)


def log(v):
    return _elementwise(lambda q: Fraction(_CTX.ln(_dec(q))) if q > 0 else None, v)


LARGEST = 400      # entries of a matrix whose digits are checked (past it: a sheet of dots)


def cell_values(a):
    """A matrix of cells' values, or None when one is unknown, or when the matrix is too
    large to check by hand (exact products of a big matrix cost seconds)."""
    if a.size > LARGEST:
        return None
    vals = np.vectorize(lambda m: m.value, otypes=[object])(a)
    return None if any(v is None for v in vals.ravel()) else vals
