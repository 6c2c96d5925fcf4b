"""LaTeX math for the worksheets: general formulas and matrices with their numbers.

One `_print_<Node>` method per expression node, sympy-printer style.  Settings (decimals,
notation, elision, blank, the givens) are passed once; nothing is remembered between calls.
Every method returns `tex.Math` (text, precedence, whether a number in it is rounded), and
operands are combined by the one precedence table in `tex`.  Nothing here computes a
quantity: matrices come from the recorded values and the values the recorder kept of every
sub-expression.  `Printer.number` is where an entry becomes text (with tracer.numtext).
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from .. import ops
from ..losses import LOSSES
from ..numbers import Real
from ..numtext import (decimal_text, is_pow10, latex_exact, latex_fraction, latex_param,
                       short_decimal, shown as shown_digits)
from . import shown as _shown
from . import tex
from .answer_box import answer_box
from .notation import Notation, latex_text, param_math  # noqa: F401  (Notation re-exported)
from .tex import ATOM, NEG, ONE, POWER, PRODUCT, SUM, Math, call, frac, neg, op, paren, power, scaled, with_value, wrap



class Printer:
    def __init__(self, trace, decimals=None, max_entries=None, notation=None, blank=False,
                 text=latex_text, givens=()):
        p = trace.problem
        self.trace = trace
        self.decimals = p.decimals if decimals is None else decimals
        self.max_entries = max_entries
        self.n = notation or Notation.of(p, text)
        self.feat = 0 if p.layout == "columns" else 1
        self.aug = p.bias == "augmented"
        self.blank = blank
        self.givens = frozenset(givens)   # names printed as the problem file wrote them (no ¼[…])

    # -- numbers ----------------------------------------------------------------------------
    def number(self, v, negate=False) -> Math:
        """One entry: integer, exact decimal, \\frac, or rounded to `decimals` digits (then
        `.rounded`, and the line it lands in says ≈).  `negate`: the entry's negative, as
        e^{-z} writes it (rounding is symmetric: the digits of z with the other sign)."""
        q, f, form = self.trace.entry(v)
        if q is not None:
            return self.fraction(-q if negate else q)
        if f is None:         # symbolic: the field writes its formula (and value)
            return Math(self.trace.field.latex(-v if negate else v, self.decimals), SUM)
        if f == 0:            # e.g. an irrational times ReLU's exact 0: zero, not 0.0000
            return Math("0", ink=1, value=Fraction(0))
        f = -f if negate else f
        if self.trace.field.name == "float":
            short = short_decimal(f, self.decimals)
            if short is not None:    # the float is exactly this decimal
                return _signed(short, f < 0, value=Fraction(short))
            noise = self.float_noise(f)
            if noise is not None:    # 0.2 + 0.4 = 0.6000000000000001: 0.6, marked ≈, not 0.6000
                return _signed(noise, f < 0, rounded=True, value=Fraction(noise))
        # rounded from an exact field's 60 digits, else from the float
        x = (-v.decimal() if negate else v.decimal()) if isinstance(v, Real) else f
        return self.decimal(x)

    def float_noise(self, f) -> str | None:
        """A float within rounding error (10⁻¹² relative) of a decimal of at most `decimals`
        digits: that decimal's text, else None."""
        if not math.isfinite(f):
            return None
        near = round(f, self.decimals)
        if abs(f - near) > 1e-12 * max(1.0, abs(f)):
            return None
        return short_decimal(near, self.decimals)

    def fraction(self, q: Fraction) -> Math:
        if q.denominator == 1 or _terminates(q, self.decimals):
            return _signed(decimal_text(q), q < 0, value=q)
        if _frac_too_big(q):
            return self.decimal(q)
        return _signed(latex_fraction(q), q < 0, POWER, ink=len(f"{q.numerator}/{q.denominator}"), value=q)

    def decimal(self, x) -> Math:
        """x (a Fraction, Decimal or float) rounded for display (numtext.rounded)."""
        text, hand, value, places = shown_digits(x, self.decimals)
        return _signed(text, text.startswith("-"), PRODUCT if r"\cdot" in text else ATOM, rounded=True,
                       ink=len(hand), value=value, places=places)

    def is_fraction(self, q) -> bool:
        """Whether `fraction` writes q as \\frac."""
        return q is not None and not (q.denominator == 1 or _terminates(q, self.decimals)) \
            and not _frac_too_big(q)

    def hand_rounded(self, q, idx=None) -> bool:
        """Whether hand mode rounded the recorded value of quantity q (or its entry idx):
        the expression's own value, kept in q.parts, differs from what was recorded."""
        if self.trace.problem.round is None or q.expr is None or id(q.expr) not in q.parts:
            return False
        raw = np.asarray(q.parts[id(q.expr)], dtype=object)
        kept = np.asarray(q.value, dtype=object)
        pairs = [(raw[idx], kept[idx])] if idx is not None else zip(raw.ravel(), kept.ravel())
        for a, b in pairs:
            ea, eb = self.trace.entry(a), self.trace.entry(b)
            if ea[0] is None or ea[0] != eb[0] or (ea[0] is None and ea[1] != eb[1]):
                return True
        return False

    def rel(self, *shown) -> str:
        """'=' or '≈' before a line made of `shown` (Math): ≈ when a number in it is rounded."""
        return tex.relation(any(m.rounded for m in shown))

    def result_rel(self, q, idx, *shown) -> str:
        """'=' or '≈' before the recorded result of q (or its entry idx), on a line with
        `shown`: ≈ after rounded numbers or hand rounding; '=' before an exact 0 (0.1392 · 0 =
        0: the rounded factor cannot make it inexact)."""
        if self.hand_rounded(q, idx):
            return r"\approx"
        if idx is not None and self.trace.entry(np.asarray(q.value, dtype=object)[idx])[0] == 0:
            return "="
        return self.rel(*shown)

    # -- matrices ---------------------------------------------------------------------------
    def matrix(self, value, factor=True, den=None, blank=None, fixed_row=False, given=None) -> Math:
        """A matrix (or vector, or scalar) as the worksheet writes it; blank sheet (or
        `blank`): an empty box of the same shape.  `den`: a denominator to factor out of it
        when it fits (the loss's 1/m in the backward pass).  `fixed_row`: the matrix is W̃ (or
        its gradient, update, moments): its first row, the constant's [1, 0…0], is no
        parameter, set in grey and never boxed.  `given`: what the line before gives (the value
        its shown digits are worth, tex.Math.value): an entry it does not give is marked
        (render/shown.py)."""
        blank = self.blank if blank is None else blank
        a = np.asarray(value, dtype=object)
        if a.ndim == 0:
            return Math(self._blank_cell(a)) if blank else self.checked(given, self.number(a[()]))
        if a.ndim == 1:   # bias vectors stand along the feature axis
            a = a[:, None] if self.feat == 0 else a[None, :]
        fixed_row = fixed_row and self.aug and a.shape[0] > 1
        if blank:
            cells = np.full(a.shape, Math(self._blank_cell(a[1:] if fixed_row else a)), dtype=object)
            if fixed_row:
                cells[0] = [_grey(self.number(v)) for v in a[0]]
            return self._bmatrix(cells)
        d, ints = self._common_denominator(a, den) if factor else (None, None)
        if d:
            cells = np.vectorize(lambda v: Math(str(v), value=Fraction(v, d)), otypes=[object])(ints)
        else:
            cells = self._cells(a)
        given = np.asarray(given, dtype=object) if given is not None else None
        if given is not None and given.shape == cells.shape:
            for idx in np.ndindex(*cells.shape):
                cells[idx] = self.checked(given[idx], cells[idx])
        if fixed_row:
            cells[0] = [_grey(m) for m in cells[0]]
        m = self._bmatrix(cells)
        if d:
            return Math(r"\frac{1}{%d}" % d + m.text, PRODUCT, False, m.rows, value=m.value)   # the report's ¼[…]
        return m

    def checked(self, given, shown: Math) -> Math:
        """`shown`, marked † when `given` (what the shown digits before it give) does not show
        as it does."""
        return _shown.check(given, shown, self.trace.problem.round)

    def fixed_row(self, name: str) -> bool:
        """Whether quantity `name` is W̃-shaped (W̃, ∂J/∂W̃, W̃_new, the optimizer's state of
        W̃), whose first row holds the constant's [1, 0…0] (or its zeros): augmented only."""
        return self.aug and _W_SHAPED.fullmatch(name) is not None

    def _blank_cell(self, a) -> str:
        """An empty box as wide as the widest answer of `a` (answer_box.py); the texts it is
        sized on are never shown."""
        return answer_box([self.number(v).ink for v in np.asarray(a, dtype=object).ravel()[:256]])

    def _cells(self, a):
        """The entries as Math; one matrix, one kind of number: no ⅓ beside 0.1650."""
        cells = np.vectorize(self.number, otypes=[object])(a)
        shown = [cells[i, j] for i in self.shown_indices(*a.shape)[0] if i is not None
                 for j in self.shown_indices(*a.shape)[1] if j is not None]
        qs = {idx: self.trace.entry(v)[0] for idx, v in np.ndenumerate(a)}
        if any(m.rounded for m in shown) and any(self.is_fraction(q) for q in qs.values()):
            for idx, q in qs.items():
                if self.is_fraction(q):
                    cells[idx] = self.decimal(q)
        return cells

    def _common_denominator(self, a, prefer):
        """The report's ¼[…]: a denominator shared by the entries, factored out (exact mode
        only) when some entry would be a fraction.  Not for tenths (0.3, 0.5 read better as
        they are), nor past 1000 or with numerators of four digits."""
        if a.size < 2 or self.trace.problem.round is not None:
            return None, None
        qs = [self.trace.entry(v)[0] for v in a.ravel()]
        if any(q is None for q in qs):
            return None, None
        d = math.lcm(*[q.denominator for q in qs])
        if d == 1 or is_pow10(d):
            return None, None
        if prefer and prefer % d == 0:
            # the backward pass carries the loss's 1/m: the report factors ¼ out of every
            # matrix of it, ¼[0 −2 −6] rather than [0 −0.5 −1.5]
            ints = [int(q * prefer) for q in qs]
            if max(abs(v) for v in ints) < 100:
                return prefer, np.array(ints, dtype=object).reshape(a.shape)
        if d > 1000 or not any(self.is_fraction(q) for q in qs):   # 0.25, 8.75 stay so
            return None, None
        # stacked fractions (13/160 over −13/320), or one beside a decimal (13/128 beside
        # −0.1625), read worse than 1/320 [26 −78; −13 39] and 1/640 [65 −104]
        ints = [int(q * d) for q in qs]
        if max(abs(v) for v in ints) >= 1000:
            return None, None
        return d, np.array(ints, dtype=object).reshape(a.shape)

    def grid(self, texts) -> Math:
        """A matrix of ready texts (a student's own numbers, as written) laid out as `matrix`."""
        return self._bmatrix(np.vectorize(Math, otypes=[object])(np.asarray(texts, dtype=object)))

    def _bmatrix(self, cells) -> Math:
        rows, cols = cells.shape
        r_idx, c_idx = self.shown_indices(rows, cols)
        lines = []
        for i in r_idx:
            if i is None:
                lines.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in c_idx))
                continue
            lines.append(" & ".join(r"\cdots" if j is None else cells[i, j].text for j in c_idx))
        shown = [cells[i, j] for i in r_idx if i is not None for j in c_idx if j is not None]
        # a matrix with entries cut (dots) gives nothing to check a line by
        whole = len(shown) == cells.size
        return Math(r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}", ATOM,
                    any(m.rounded for m in shown), len(r_idx), value=_shown.cell_values(cells) if whole else None)

    def shown_indices(self, rows, cols):
        """Row and column indices printed (None where dots stand in for the rest)."""
        return _elide(rows, cols, self.max_entries)

    def shape(self, value) -> str:
        s = np.shape(value)
        if len(s) == 1:
            s = (s[0], 1) if self.feat == 0 else (1, s[0])
        if len(s) == 0:
            return "1"
        return r"{\times}".join(str(d) for d in s)

    # -- formulas -----------------------------------------------------------------------------
    def formula(self, node) -> Math:
        """The general formula, in symbols."""
        return self._print(node, None)

    def substituted(self, node, parts, den=None) -> Math:
        """The same formula with the recorded matrices in place of the symbols (`den`: as
        for `matrix`)."""
        return self._print(node, _Values(parts, den))

    def _print(self, node, vals) -> Math:
        return getattr(self, "_print_" + type(node).__name__)(node, vals)

    def _val(self, node, vals, factor=True) -> Math:
        return self.matrix(vals.parts[id(node)], factor, vals.den)

    def _print_Ref(self, node, vals):
        if vals is None:
            return self.n.math(node.name)
        return self.matrix(vals.parts[id(node)], node.name not in self.givens, vals.den,
                           fixed_row=self.fixed_row(node.name))

    def _print_Const(self, node, vals):
        if vals is None and node.param is not None:
            return param_math(node.param)           # η, 1 − β₁: the formula line
        return const(node.q, param=node.param not in (None, "1/m"))   # 1/m: \frac{1}{4}, not 0.25

    def _print_MatMul(self, node, vals):
        a, b = (self._print(x, vals) for x in node.args)
        return op("matmul" if vals is None else "juxtapose", a, b)

    def _print_T(self, node, vals):
        a = node.args[0]
        if vals is not None:      # a given matrix transposed keeps its own numbers (no ½[…])
            return self._val(node, vals, factor=not (isinstance(a, ops.Ref) and a.name in self.givens))
        if isinstance(a, ops.Ref):
            t = self.n.transposed(a.name)     # the report's A^{[l-1]T}
            if t is not None:
                return t
        return power(self._print(a, None), r"\mathsf{T}")

    def _print_Add(self, node, vals):
        return op("+", *(self._print(x, vals) for x in node.args))

    def _print_Sub(self, node, vals):
        return op("-", *(self._print(x, vals) for x in node.args))

    def _print_Mul(self, node, vals):
        a, b = node.args
        kind = "scalar" if isinstance(a, ops.Const) or isinstance(b, ops.Const) else "odot"
        return op(kind, self._print(a, vals), self._print(b, vals))

    def _print_Div(self, node, vals):
        a, b = (self._print(x, vals) for x in node.args)
        return frac(a, b) if vals is None else op("oslash", a, b)

    def _print_Square(self, node, vals):
        return power(self._print(node.args[0], vals), "2" if vals is None else r"\odot 2")

    def _print_Power(self, node, vals):
        exp = node.exponent if vals is None and node.exponent else str(node.k)   # β₁^t, then 0.9^1
        return power(self._print(node.args[0], vals), exp)

    def _print_Sqrt(self, node, vals):
        inner = self._print(node.args[0], vals)
        return wrap(r"\sqrt{%s}", inner, value=_shown.sqrt(inner.value))

    def _print_Bias(self, node, vals):
        return self._print(node.args[0], vals)

    def _print_SumSamples(self, node, vals):
        inner = self._print(node.args[0], vals)
        if vals is None:
            inner = inner if inner.prec >= POWER else paren(inner)
            return wrap(r"\sum_{i} %s_{i}", inner, prec=SUM)
        total = None if inner.value is None else inner.value.sum(axis=1 - self.feat, keepdims=True)
        return wrap(r"\sum_{i} %s", inner, prec=SUM, value=total)

    def _print_Act(self, node, vals):
        inner = self._print(node.args[0], vals)
        if node.kind == "identity":      # A = Z, written so
            return inner
        value = None if vals is None or self.aug else _shown.activation(node.kind, node.opts, inner.value)
        return call(ACT_SYMBOL[node.kind], inner, value=value)

    def _print_ActGrad(self, node, vals):
        if vals is not None:
            # σ′ = A ⊙ (1 − A), tanh′ = 1 − A²: written from the A the sheet showed, so an entry
            # those digits do not give is marked, as a result is
            return self.matrix(vals.parts[id(node)], True, vals.den, given=self._from_shown_a(node, vals))
        z, a = (self._print(x, None) for x in node.args)
        if node.kind == "sigmoid":
            return op("odot", a, op("-", ONE, a))
        if node.kind == "tanh":
            return op("-", ONE, power(a, r"\odot 2"))
        return call(ACT_SYMBOL[node.kind] + "'", z)

    def _from_shown_a(self, node, vals):
        """What A's shown digits give for σ′ or tanh′ (None for the others, or unknown)."""
        if node.kind not in ("sigmoid", "tanh") or self.aug:
            return None
        a = self.matrix(vals.parts[id(node.args[1])], True, vals.den).value
        if a is None:
            return None
        a = np.asarray(a, dtype=object)
        return a * (1 - a) if node.kind == "sigmoid" else 1 - a * a

    def _print_SoftmaxBack(self, node, vals):
        da, a = node.args
        if vals is not None:
            da, a = self._val(da, vals), self._val(a, vals)
            ones = Math(r"\mathbf{1}\mathbf{1}^{\mathsf{T}}", POWER)
            return op("odot", a, op("-", da, op("juxtapose", ones, op("odot", da, a))))
        da, a = self._print(da, None), self._print(a, None)
        total = wrap(r"\textstyle\sum_k %s_k", paren(op("odot", da, a)), prec=PRODUCT)
        return op("odot", a, op("-", da, total))

    def _print_Loss(self, node, vals):
        return Math(loss_formula(node, self.n), NEG if node.kind != "mse" else SUM)

    def _print_LossGrad(self, node, vals):
        yh, y = (self._print(x, vals) for x in node.args)
        c = self._coef(node.factor(vals.parts[id(node.args[1])]) if vals is not None else None, node)
        if node.loss.kind == "mse":
            return scaled(c, op("-", yh, y))
        if node.loss.kind == "cross_entropy":
            return neg(scaled(c, op("oslash", y, yh)))
        return op("oslash", scaled(c, op("-", yh, y)), op("odot", yh, op("-", ONE, yh)))

    def _print_FusedDelta(self, node, vals):
        yh, y = (self._print(x, vals) for x in node.args)
        c = self._coef(node.grad.factor(vals.parts[id(node.args[1])]) if vals is not None else None, node.grad)
        return scaled(c, op("-", yh, y))

    def _coef(self, value, grad) -> Math | None:
        """The constant in front of ∂J/∂Ŷ: symbolic (2s/m) or its number; None for 1."""
        if value is not None:
            return None if value == 1 else const(value)
        d, o = LOSSES[grad.loss.kind], grad.loss.opts
        num, per = d.grad_scale(o), d.per(o)
        if grad.loss.per_sample:      # one_over_m: dW: the 1/m stands in dW and db instead
            per = per.replace("m", "")
        if not per:
            return None if num == 1 else const(num)
        return Math(_coefficient(num, per), POWER)


def const(q, param=False) -> Math:
    """A constant: a hyperparameter as the file writes it (0.05), a coefficient exactly
    (\\frac{1}{8}); 10^{-8} for small ones."""
    text = latex_param(q) if param else latex_exact(q)
    prec = PRODUCT if r"\cdot" in text else (POWER if "frac" in text or "^" in text else ATOM)
    return _signed(text, q < 0, prec, value=Fraction(q))


class _Values:
    """What a substituted formula reads: the recorded parts, and the denominator to factor."""

    def __init__(self, parts, den):
        self.parts, self.den = parts, den


_signed = tex.number

# W̃ and what has its shape: ∂J/∂W̃ (dW), the optimizer's g, m, v, u of it, W̃_new, m̂, v̂, AdamW's W̄
_W_SHAPED = re.compile(r"[dgmvu]?W\d+(_next|_hat|_decayed|_prev)?")


def _grey(m: Math) -> Math:
    """An entry that is no parameter (W̃'s constant row), set in grey."""
    return with_value(Math(r"{\color{gray}" + m.text + "}", m.prec, m.rounded, m.rows), m.value)


ACT_SYMBOL = {"identity": r"\mathrm{id}", "relu": r"\mathrm{ReLU}", "leaky_relu": r"\mathrm{LReLU}",
              "sigmoid": r"\sigma", "tanh": r"\tanh", "softmax": r"\mathrm{softmax}"}

ACT_DEFINITION = {
    "identity": r"\mathrm{id}(z) = z", "relu": r"\mathrm{ReLU}(z) = \max(0, z)",
    "leaky_relu": r"\mathrm{LReLU}(z) = \max(\alpha z, z)", "sigmoid": r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
    "softmax": r"\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
}

# the derivative the backward pass multiplies by, as seed 004 states f'(x) beside f(x)
ACT_DERIVATIVE = {
    "identity": r"\mathrm{id}'(z) = 1",
    "relu": r"\mathrm{ReLU}'(z) = 1 \text{ if } z > 0 \text{, else } 0",
    "leaky_relu": r"\mathrm{LReLU}'(z) = 1 \text{ if } z > 0 \text{, else } \alpha",
    "sigmoid": r"\sigma'(z) = \sigma(z)\left(1 - \sigma(z)\right)",
    "tanh": r"\tanh'(z) = 1 - \tanh^2(z)",
    "softmax": r"\frac{\partial\, \mathrm{softmax}(z)_k}{\partial z_j} = \mathrm{softmax}(z)_k"
               r"\left([k = j] - \mathrm{softmax}(z)_j\right)",
}


def loss_formula(node, n: Notation) -> str:
    """J as a textbook writes it: one coefficient in front, 1/(2m) Σ Σ, not ½ · 1/m Σ Σ."""
    d, o = LOSSES[node.kind], node.opts
    yh, y = r"\hat{y}", "y"
    c = _coefficient(d.scale(o), d.per(o))
    sums = r"\sum_{i=1}^{m} \sum_{k=1}^{n}"
    if node.kind == "mse":
        return rf"{c}{sums} \left({yh}_{{ik}} - {y}_{{ik}}\right)^2"
    if node.kind == "cross_entropy":
        return rf"-{c}{sums} {y}_{{ik}} \log {yh}_{{ik}}"
    return (rf"-{c}{sums} \left[{y}_{{ik}} \log {yh}_{{ik}} + "
            rf"(1 - {y}_{{ik}}) \log (1 - {yh}_{{ik}})\right]")


def _coefficient(scale: Fraction, per: str) -> str:
    """scale / (per): \\frac{1}{2m}, \\frac{1}{m}, \\frac{1}{2}, 3, or nothing for 1."""
    if not per:
        if scale == 1:
            return ""
        return str(scale) if scale.denominator == 1 else r"\frac{%d}{%d}" % (scale.numerator, scale.denominator)
    den = ("" if scale.denominator == 1 else str(scale.denominator)) + per
    return r"\frac{%d}{%s}" % (scale.numerator, den)


def _terminates(q: Fraction, digits: int) -> bool:
    return (q * 10 ** digits).denominator == 1


def _frac_too_big(q: Fraction) -> bool:
    return q.denominator > 1000 or abs(q.numerator) > 100000


def _elide(rows, cols, max_entries):
    """Indices to show (None = dots): all, or the first and last rows/columns.  Above
    `max_entries` entries both sides are cut to about √max_entries; a side longer than
    twice that is cut in any case, so that one long row cannot run off the page."""
    if not max_entries:
        return list(range(rows)), list(range(cols))
    side = max(3, math.isqrt(max_entries))

    def pick(n, big):
        if not big or n <= side:
            return list(range(n))
        head = (side + 1) // 2
        tail = max(side - head, 1)
        return list(range(head)) + [None] + list(range(n - tail, n))
    total = rows * cols > max_entries
    return pick(rows, total or rows > 2 * side), pick(cols, total or cols > 2 * side)
