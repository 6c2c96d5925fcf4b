"""Number to text: the one place a number becomes digits, for every output.

Plain text (problem files, answer keys, tolerances, messages): `plain` writes a rational as
the decimal it is when it has one (1/4 → 0.25), else as p/q; `shortest` writes a float as
the shortest decimal that reads back as the same float64.  LaTeX (the worksheets, the check
report): `latex_exact` for a constant of a formula (1/8 → \\frac{1}{8}, 10⁻⁸ → 10^{-8}),
`rounded` for a value shown to k decimals.

Display rounding is half away from zero, decided on the decimal value (a float's shortest
decimal, an exact value's own digits), the rule `--round` and students use: −0.68765 shows
as −0.6877 in every number mode.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

MIN_SIGNIFICANT = 3     # a rounded value shows at least this many significant digits
SCIENTIFIC_BELOW = -6   # ... and as mantissa · 10^e below 10^-6
_CTX = Context(prec=80, Emax=10**9, Emin=-(10**9))


# -- exact ----------------------------------------------------------------------------------
def finite_decimal(d: int) -> bool:
    """Whether 1/d is a finite decimal (d has no prime factor but 2 and 5)."""
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def is_pow10(d: int) -> bool:
    while d % 10 == 0:
        d //= 10
    return d == 1


def decimals_of(q: Fraction) -> int | None:
    """How many decimals q's finite decimal has (0 for an integer), None when it has none."""
    if not finite_decimal(q.denominator):
        return None
    k = 0
    while (q * 10 ** k).denominator != 1:
        k += 1
    return k


def decimal_text(q: Fraction) -> str:
    """A finite decimal written out whole: 3/8 → 0.375, −5/2 → −2.5, 7 → 7."""
    q = Fraction(q)
    k = decimals_of(q)
    if k is None:
        raise ValueError(f"{q} is not a finite decimal")
    n = abs(q.numerator * 10 ** k // q.denominator)
    s = str(n).rjust(k + 1, "0")
    s = s[:-k] + "." + s[-k:] if k else s
    return ("-" if q < 0 else "") + s


def plain(q) -> str:
    """A rational as a person types it: the decimal when it is one (0.25), else p/q (1/3)."""
    q = Fraction(q)
    return decimal_text(q) if finite_decimal(q.denominator) else f"{q.numerator}/{q.denominator}"


def shortest(f: float) -> str:
    """A float as the shortest decimal that reads back as the same float64 (2.0 → 2)."""
    f = float(f)
    if f == int(f) and abs(f) < 2 ** 53:
        return str(int(f))
    return repr(f)


def short_decimal(f: float, digits: int) -> str | None:
    """The float's shortest decimal when it has at most `digits` decimals (0.1, not
    0.1000), else None."""
    if not math.isfinite(f):
        return None
    r = repr(float(f))
    if "e" in r or "E" in r:
        return None
    whole, _, frac = r.partition(".")
    if frac == "0":
        return str(int(float(f)))
    return r if len(frac) <= digits else None


# -- LaTeX ------------------------------------------------------------------------------------
def latex_fraction(q: Fraction) -> str:
    """−\\frac{1}{3}; an integer as itself."""
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    return r"%s\frac{%d}{%d}" % ("-" if q < 0 else "", abs(q.numerator), q.denominator)


def scientific(q: Fraction) -> str:
    """A small finite decimal as mantissa · 10^e: 1/10⁸ → 10^{-8}, 3/(2·10⁸) → 1.5 \\cdot 10^{-8}."""
    text = decimal_text(abs(q))                        # 0.000000015
    digits = text.replace(".", "").lstrip("0")         # 15
    exponent = -(len(text.split(".")[1]) - len(digits)) - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if q < 0 else ""
    if mantissa == "1":
        return "%s10^{%d}" % (sign, exponent)
    return r"%s%s \cdot 10^{%d}" % (sign, mantissa, exponent)


def latex_exact(q) -> str:
    """A constant of a formula, exactly: 0.5, 3, \\frac{1}{8}, 10^{-8} (Adam's ε)."""
    q = Fraction(q)
    if q and abs(q) < Fraction(1, 10 ** 4) and finite_decimal(q.denominator):
        return scientific(q)
    if q.denominator == 1 or is_pow10(q.denominator):
        return decimal_text(q)
    return latex_fraction(q)


def latex_param(q) -> str:
    """A hyperparameter as the file gives it: a decimal when it is one (η = 0.05, never
    \frac{1}{20}), a power of ten when small (ε = 10^{-8}), else a fraction (\frac{1}{3})."""
    q = Fraction(q)
    if not finite_decimal(q.denominator):
        return latex_fraction(q)
    if q and abs(q) < Fraction(1, 10 ** 4):
        return scientific(q)
    return decimal_text(q)


def as_decimal(x) -> Decimal:
    """The decimal value a rounding rule reads: a float's shortest decimal (0.68765 for the
    float nearest it, as --round reads it), an exact value's own digits."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, Fraction):
        # 80 significant digits after the integer part's own (a value near 1e300 has 301)
        whole = max(0, (abs(x.numerator).bit_length() - x.denominator.bit_length()) * 31 // 100 + 2)
        ctx = _CTX if whole < 10 else Context(prec=80 + whole, Emax=10**9, Emin=-(10**9))
        return ctx.divide(Decimal(x.numerator), Decimal(x.denominator))
    if isinstance(x, int):
        return Decimal(x)
    return Decimal(repr(float(x)))


def latex_power(mantissa: str, e: int) -> str:
    return r"%s \cdot 10^{%d}" % (mantissa, e)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def unicode_power(mantissa: str, e: int) -> str:
    """1.5·10⁻⁷, for plain text on a terminal."""
    return f"{mantissa}·10{str(e).translate(_SUPERSCRIPT)}"


def rounded(x, decimals: int, power=latex_power) -> str:
    """x to `decimals` decimals, halves away from zero; a value that would show fewer than
    MIN_SIGNIFICANT significant digits gets that many (0.000175, not 0.0002), written
    mantissa · 10^e below 10^-6 (`power` writes it: LaTeX, or unicode_power).  Never
    "-0.0000"."""
    digits, e = _rounding(x, decimals)
    return digits if e is None else power(digits, e)


def rounded_value(x, decimals: int) -> tuple[Fraction, int]:
    """What `rounded(x, decimals)` shows, as a number: (the exact value of the digits shown,
    how many decimal places they have), so that a line can be checked from its digits."""
    return shown(x, decimals)[2:]


def shown(x, decimals: int, power=latex_power) -> tuple[str, str, Fraction, int]:
    """x rounded once, as `rounded` writes it (with `power`, and with unicode_power: the
    characters a hand writes), with `rounded_value`'s value and places."""
    digits, e = _rounding(x, decimals)
    whole, _, frac = digits.partition(".")
    places = len(frac)
    value = Fraction(int(whole + frac), 10 ** places)
    if e is None:
        return digits, digits, value, places
    value *= Fraction(10) ** e
    return power(digits, e), unicode_power(digits, e), value, places - e


def _rounding(x, decimals: int) -> tuple[str, int | None]:
    """(digits, None), or (mantissa, e) for mantissa · 10^e: the one rounding rule."""
    d = as_decimal(x)
    if d != 0 and abs(d) < Decimal(10) ** (MIN_SIGNIFICANT - 1 - decimals):
        e = d.adjusted()                           # 10^e ≤ |d| < 10^(e+1)
        if e >= SCIENTIFIC_BELOW:
            return _fixed(d, MIN_SIGNIFICANT - 1 - e), None
        mant = _fixed(d.scaleb(-e), MIN_SIGNIFICANT - 1)
        if mant.lstrip("-").startswith("10"):     # 9.995 → 10.0: one more power of ten
            e += 1
            mant = _fixed(d.scaleb(-e), MIN_SIGNIFICANT - 1)
        return mant, e
    return _fixed(d, decimals), None


def _fixed(d: Decimal, k: int) -> str:
    # digits enough for the integer part too (a float near 1e300 has 301 of them)
    ctx = _CTX if d.adjusted() + k < 75 else Context(prec=d.adjusted() + k + 5, Emax=10**9, Emin=-(10**9))
    s = format(d.quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP, context=ctx), "f")
    return s.lstrip("-") if Decimal(s) == 0 else s
