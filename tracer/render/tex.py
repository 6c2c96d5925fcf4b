"""Math as the printer returns it: LaTeX text with what a reader of it needs, so that nothing
parses LaTeX back.

`Math` carries its precedence (when it needs parentheses as an operand), whether a number in
it is shown rounded (the line says ≈), and its height in rows (a matrix's rows, for page
budgets).  The one precedence table of the worksheets is here: the matrix formulas, the
entries and the chain detail all combine their pieces with `op`, `call` and `power`.

A Math also carries the value its shown digits denote (`value`: a Fraction, or an array of
them in the orientation printed; None where unknown), computed here as the pieces are
combined, so that a line can be checked from the digits a reader sees (render/shown.py).

`Row` is one aligned line of a derivation, left & relation right; a list of rows that stay
together is a `line` of a section (document.Section).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

# Precedence: an operand is wrapped in parentheses when its precedence is below what its
# position needs.  NEG is a leading minus (−x): fine first in a sum, parenthesised anywhere
# else.  POWER is anything already carrying a superscript or a fraction bar (A^{[1]},
# \frac{1}{3}, ∂J/∂W): fine as a factor, parenthesised as the base of a power.
SUM, NEG, PRODUCT, POWER, ATOM = 1, 2, 3, 4, 5

# Products of one family associate and commute with each other as scalars do; a matrix
# product beside an elementwise one needs its parentheses (A (B ⊙ C) ≠ (A B) ⊙ C).  A scalar
# factor (family None) goes with both.
ELEMENTWISE, MATRIX = "elementwise", "matrix"


@dataclass(frozen=True)
class Op:
    text: str            # the operator's LaTeX, spaces included
    prec: int            # the precedence of the result
    left: int            # the least precedence of the left operand without parentheses
    right: int           # ... and of the right operand
    family: str | None = None
    implicit: bool = False   # written as juxtaposition: a quotient on its left is bracketed,
    #                          a ⊘ b c reads a ⊘ (b c)


OPS = {
    "+": Op(" + ", SUM, SUM, PRODUCT),                  # a + (b − c), a + (−b)
    "-": Op(" - ", SUM, SUM, PRODUCT),                  # a − (b + c), a − (−b)
    "odot": Op(r" \odot ", PRODUCT, PRODUCT, PRODUCT, ELEMENTWISE),
    "oslash": Op(r" \oslash ", PRODUCT, PRODUCT, POWER, ELEMENTWISE),   # a ⊘ (b ⊙ c)
    "scalar": Op(r" \, ", PRODUCT, PRODUCT, PRODUCT, None, True),   # η ∂J/∂W
    "matmul": Op(r" \, ", PRODUCT, PRODUCT, PRODUCT, MATRIX, True),
    "juxtapose": Op(" ", PRODUCT, PRODUCT, PRODUCT, MATRIX, True),   # two matrices of numbers
    "cdot": Op(r" \cdot ", PRODUCT, PRODUCT, PRODUCT),   # numbers: 0.2 · (−0.5)
}


@dataclass(frozen=True)
class Math:
    text: str
    prec: int = ATOM
    rounded: bool = False      # a number in it is shown rounded: the line says ≈
    rows: int = 1              # height in rows (the tallest matrix in it)
    family: str | None = None  # the family of a product (prec PRODUCT)
    quotient: bool = False     # a product whose last operator is ⊘
    numeral: bool = False      # written starting with a digit (2 3 would read 23)
    ink: int | None = None     # a number: the characters a hand writes for it (3/40: 4)
    # what the digits shown are worth (module docstring), and a rounded number's decimal places
    value: object = field(default=None, compare=False)
    places: int | None = None
    # a quotient A ⊘ B as two pieces, "A ⊘" and "B", for a line too wide to stand whole
    halves: tuple | None = field(default=None, compare=False)

    def __str__(self):
        return self.text


def math(x) -> Math:
    return x if isinstance(x, Math) else Math(str(x))


def paren(m: Math) -> Math:
    return Math(r"\left(" + m.text + r"\right)", ATOM, m.rounded, m.rows, value=m.value)


def number(text: str, negative: bool, prec=ATOM, rounded=False, ink=None, value=None, places=None) -> Math:
    """A number's text as Math: a leading minus makes it NEG; `ink`: its handwritten length
    (default: the text's, right for plain decimals); `value`: what the text is worth, and
    `places`, its decimal places when it is rounded."""
    return Math(text, NEG if negative else prec, rounded, numeral=not negative,
                ink=len(text) if ink is None else ink, value=value, places=places)


def constant(text: str, value) -> Math:
    """A literal of a formula (the 1 of 1 − A) with its value."""
    return Math(text, value=value)


ONE = Math("1", value=1)


def _apply(name, a, b):
    """The value of `a name b` from the operands' values (None when one is unknown, or a
    division by a shown 0)."""
    if a is None or b is None:
        return None
    try:
        return _value_of(name, a, b)
    except ZeroDivisionError:
        return None


def _value_of(name, a, b):
    if name == "+":
        return a + b
    if name == "-":
        return a - b
    if name in ("odot", "cdot", "scalar"):
        return a * b
    if name == "oslash":
        return a / b
    if getattr(a, "ndim", 0) == 2 and getattr(b, "ndim", 0) == 2:     # matmul, juxtapose
        return a @ b
    return a * b


def _fits(m: Math, need: int, family) -> bool:
    if m.prec < need:
        return False
    return not (m.prec == PRODUCT and family and m.family and m.family != family)


def op(name: str, *args) -> Math:
    """args joined by the operator `name` (left-associated), each parenthesised exactly
    when the table says so."""
    o = OPS[name]
    ms = [math(a) for a in args]
    first = ms[0]
    fits = _fits(first, o.left, o.family) and not (o.implicit and first.quotient)
    out = first if fits else paren(first)
    for m in ms[1:]:
        right = m if _fits(m, o.right, o.family) else paren(m)
        sign = r" \cdot " if o.implicit and right.numeral else o.text    # 2 · 3, never 2 3
        halves = None
        if name == "oslash":
            halves = (Math(out.text + sign.rstrip(), o.prec, out.rounded, out.rows), right)
        out = Math(out.text + sign + right.text, o.prec, out.rounded or right.rounded,
                   max(out.rows, right.rows), o.family, name == "oslash", out.numeral,
                   value=_apply(name, out.value, right.value), halves=halves)
    return out


def neg(m) -> Math:
    """−m: a leading minus."""
    m = math(m)
    inner = m if _fits(m, PRODUCT, None) else paren(m)
    return Math("-" + inner.text, NEG, inner.rounded, inner.rows,
                value=None if inner.value is None else -inner.value)


def power(base, exp: str) -> Math:
    """base^{exp}: a base with a superscript, a fraction, a sign or a product in parentheses."""
    b = math(base)
    b = b if b.prec >= ATOM else paren(b)
    return Math(b.text + "^{" + exp + "}", POWER, b.rounded, b.rows, value=_power(b.value, exp))


def _power(v, exp):
    k = exp.replace(r"\odot", "").strip()
    if v is None or not k.isdigit():
        return None
    out = v
    for _ in range(int(k) - 1):
        out = out * v
    return out


def call(head: str, *args, sep=", ", value=None) -> Math:
    """head(args): a function applied; its parentheses make it one atom (`value`: the
    function's value on the args' values, when the caller knows it)."""
    ms = [math(a) for a in args]
    return Math(head + r"\left(" + sep.join(m.text for m in ms) + r"\right)", ATOM,
                any(m.rounded for m in ms), max(m.rows for m in ms), value=value)


def frac(top, bottom) -> Math:
    t, b = math(top), math(bottom)
    return Math(r"\frac{%s}{%s}" % (t.text, b.text), POWER, t.rounded or b.rounded, max(t.rows, b.rows),
                value=_apply("oslash", t.value, b.value))


def wrap(template: str, *args, prec=ATOM, family=None, value=None) -> Math:
    """A fixed piece of LaTeX around args (\\sqrt{%s}, \\sum_{i} %s): its precedence given
    (`value`: what it is worth, when the caller knows)."""
    ms = [math(a) for a in args]
    return Math(template % tuple(m.text for m in ms), prec, any(m.rounded for m in ms),
                max([m.rows for m in ms] or [1]), family, value=value)


def with_value(m: Math, value) -> Math:
    return replace(m, value=value)


def sum_terms(terms, limit=12) -> Math:
    """t₁ + t₂ + …, long sums as their first and last terms around ⋯ (a term that starts
    with a minus is written with + (−x): a sum of products as a hand calculation writes it)."""
    ms = [math(t) for t in terms]
    if len(ms) > limit:     # (terms not shown: no value to check the line by)
        ms = ms[:4] + [Math(r"\cdots")] + ms[-2:]
    if len(ms) == 1:
        return ms[0]
    return op("+", *ms)


def scaled(c, m, sep="") -> Math:
    """c (…) or c m: a coefficient before a bracket (sums and signs) or a factor; m alone
    when there is no coefficient (c None).  `sep`: the space before a bracket."""
    m = math(m)
    if c is None:
        return m
    c = math(c)
    c = c if c.prec >= PRODUCT else paren(c)
    body = sep + paren(m).text if m.prec < PRODUCT else r" \, " + m.text
    return Math(c.text + body, PRODUCT, c.rounded or m.rounded, m.rows, value=_apply("cdot", c.value, m.value))


@dataclass
class Row:
    """One aligned line: left & rel right.  `rel` is '=', '\\approx' or '' (a line that
    continues the one above: '\\quad + …')."""
    left: str
    rel: str
    right: Math

    @property
    def rows(self) -> int:
        return self.right.rows

    def __str__(self):
        """The row as one line of an aligned display."""
        return (f"{self.left} &" if self.left else "&") + f"{self.rel} {self.right.text}"


def relation(rounded: bool) -> str:
    return r"\approx" if rounded else "="
