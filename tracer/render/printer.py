"""LaTeX math for the worksheets: symbols, general formulas, matrices with their numbers.

One `_print_<Node>` method per expression node, sympy-printer style.  Settings (decimals,
notation, elision, blank) are passed once.  Nothing here computes a quantity: matrices come
from the recorded values and the values the recorder kept of every sub-expression.
`Printer.number` is the one place a number becomes text.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from .. import ops
from ..numbers import Real
from ..numtext import decimal_text, is_pow10, latex_exact, latex_fraction, rounded, short_decimal
from .answer_box import answer_box
from .escape import latex_escape, math_text

GREEK_DELTA = {"Delta": r"\Delta", "delta": r"\delta"}


def latex_text(s):
    return r"\text{" + latex_escape(s) + "}"


class Notation:
    """How symbols are written: Z^{[l]} or Z^{(l)}, Δ or δ, per-layer names (seed 003).

    `text` sets user text (layer names) inside a formula: \\text{} for LaTeX, math symbols
    for Markdown, where MathJax does not read LaTeX's text-mode escapes."""

    def __init__(self, notation: dict | None = None, aug=False, text=latex_text):
        n = notation or {}
        self.paren = n.get("index", "[l]") == "(l)"
        self.delta = GREEK_DELTA[n.get("delta", "Delta")]
        self.names = list(n.get("names") or [])
        self.aug = aug
        self.text = text

    def sup(self, l):
        l = int(l)
        if self.names and 1 <= l <= len(self.names):
            return "{(" + self.text(self.names[l - 1]) + ")}"
        return "{(%d)}" % l if self.paren else "{[%d]}" % l

    def base(self, letter, l):
        return f"{letter}^{self.sup(l)}"

    def symbol(self, name: str) -> str:
        """Canonical quantity name -> LaTeX symbol."""
        if name == "J":
            return r"J"
        if name == "Y":
            return r"\tilde{Y}" if self.aug else "Y"
        if name.endswith("_prev"):
            return "{" + self.symbol(name[:-5]) + r"}_{\mathrm{prev}}"
        if name.endswith("_next"):
            return self.symbol(name[:-5]).replace("^", r"_{\mathrm{new}}^", 1)
        if name.endswith("_decayed"):
            inner = self.symbol(name[:-8])
            head, hat, rest = inner.partition("^")
            return r"\bar{" + head + "}" + hat + rest
        if name.endswith("_hat"):
            inner = self.symbol(name[:-4])
            return r"\hat{" + inner[0] + "}" + inner[1:]
        head, digits = _split(name)
        if head in ("W", "b", "Z", "A"):
            if self.aug and head == "W":
                return self.base(r"\tilde{W}", digits)
            return self.base(head, digits)
        if head == "dZ":
            return self.base(self.delta, digits)
        if head in ("dA", "dW", "db"):
            return r"\frac{\partial J}{\partial %s}" % self.symbol(head[1] + digits)
        if head == "M":
            return self.base("M", digits)
        if head[:1] in ("v", "m", "g", "u") and head[1:] in ("W", "b"):
            return "%s_{%s}" % (head[0], self.symbol(head[1:] + digits))
        return r"\mathrm{" + name.replace("_", r"\_") + "}"

    def entry(self, name: str, idx, sub=None) -> str:
        """The symbol of one entry: Z^{[1]}_{12}, ∂J/∂W^{[1]}_{12}, (m_{W^{[1]}})_{12}
        (`sub`: the subscript's text, e.g. '1i', in place of the index)."""
        sub = "_{" + (sub if sub is not None else _index_text(idx)) + "}"
        head, digits = _split(name)
        if head in ("W", "b", "Z", "A", "dZ") and not name.endswith(("_prev", "_next", "_hat", "_decayed")):
            return self.symbol(name) + sub
        if head in ("dA", "dW", "db"):
            return r"\frac{\partial J}{\partial %s}" % (self.symbol(head[1] + digits) + sub)
        if name.endswith("_next") and head in ("W", "b"):
            return self.symbol(name) + sub
        return r"\left(" + self.symbol(name) + r"\right)" + sub


def _index_text(idx) -> str:
    idx = tuple(i + 1 for i in idx)
    sep = "," if any(i > 9 for i in idx) else ""
    return sep.join(str(i) for i in idx)


def _split(name):
    i = len(name)
    while i > 0 and name[i - 1].isdigit():
        i -= 1
    return name[:i], (name[i:] or "0")




class Shown(str):
    """A number as text, remembering whether it was rounded for display."""

    rounded = False


class Printer:
    def __init__(self, trace, decimals=None, max_entries=None, notation=None, blank=False,
                 text=latex_text):
        p = trace.problem
        self.trace = trace
        self.decimals = p.decimals if decimals is None else decimals
        self.max_entries = max_entries
        self.n = notation or Notation(p.notation, p.bias == "augmented", text)
        self.feat = 0 if p.layout == "columns" else 1
        self.aug = p.bias == "augmented"
        self.blank = blank
        self.givens = set()          # names printed as the problem file wrote them (no ¼[…])
        self.prefer_den = None       # a denominator to factor out when it fits (see document)
        self._rounded = False        # set when a number is shown rounded (see mark/rounded)

    # -- numbers ----------------------------------------------------------------------------
    def number(self, v) -> str:
        """One entry as text: integer, exact decimal, \\frac, or rounded to `decimals` digits
        (then `.rounded` is True, and the line it lands in says ≈)."""
        q, f, form = self.trace.entry(v)
        if q is not None:
            out = Shown(self.fraction(q))
            out.rounded = q.denominator != 1 and not _terminates(q, self.decimals) and _frac_too_big(q)
        elif f is None:       # symbolic: the field writes its formula (and value)
            out = Shown(self.trace.field.latex(v, self.decimals))
        elif f == 0:          # e.g. an irrational times ReLU's exact 0: zero, not 0.0000
            out = Shown("0")
        elif self.trace.field.name == "float" and short_decimal(f, self.decimals) is not None:
            out = Shown(short_decimal(f, self.decimals))     # the float is exactly this decimal
        else:
            out = Shown(self.decimal(_precise(v, f)))
            out.rounded = True
        if out.rounded:
            self._rounded = True
        return out

    def mark(self):
        """Start watching for rounded numbers (one line of a derivation)."""
        self._rounded = False

    def rounded(self) -> bool:
        """Whether a rounded number was printed since mark()."""
        return self._rounded

    def rel(self) -> str:
        """'=' or '≈' for what was printed since mark()."""
        return r"\approx" if self._rounded else "="

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

    def result_rel(self, q, idx=None) -> str:
        """'=' or '≈' before the recorded result of q: ≈ after rounded numbers or hand rounding;
        '=' before an exact 0 (0.1392 · 0 = 0: the rounded factor cannot make it inexact)."""
        if self.hand_rounded(q, idx):
            return r"\approx"
        if idx is not None and self.trace.entry(np.asarray(q.value, dtype=object)[idx])[0] == 0:
            return "="
        return self.rel()

    def fraction(self, q: Fraction) -> str:
        if q.denominator == 1:
            return str(q.numerator)
        if _terminates(q, self.decimals):
            return decimal_text(q)
        if _frac_too_big(q):
            return self.decimal(q)
        return latex_fraction(q)

    def decimal(self, x) -> str:
        """x (a Fraction, Decimal or float) rounded for display (numtext.rounded)."""
        return rounded(x, self.decimals)

    def operand(self, v) -> str:
        """A number inside an expanded sum or product: negatives in parentheses."""
        s = self.number(v)
        return r"\left(" + s + r"\right)" if s.startswith("-") or r"\cdot 10^" in s else s

    # -- matrices ---------------------------------------------------------------------------
    def matrix(self, value, factor=True) -> str:
        """A matrix (or vector, or scalar) as the worksheet writes it; blank sheet: an empty
        box of the same shape."""
        a = np.asarray(value, dtype=object)
        if a.ndim == 0:
            if self.blank:
                return self._blank_cell(a)
            return self.number(a[()])
        if a.ndim == 1:   # bias vectors stand along the feature axis
            a = a[:, None] if self.feat == 0 else a[None, :]
        if self.blank:
            return self._bmatrix(np.full(a.shape, self._blank_cell(a), dtype=object), raw=True)
        d, ints = self._common_denominator(a) if factor else (None, None)
        if d:
            return r"\frac{1}{%d}%s" % (d, self._bmatrix(ints, raw=True))
        return self._bmatrix(a)

    def _blank_cell(self, a):
        """An empty box as wide as the widest answer of `a` (answer_box.py); the texts it is
        sized on are never shown, nor do they mark the line as rounded."""
        was = self._rounded
        texts = [self.number(v) for v in a.ravel()[:256]]
        self._rounded = was
        return answer_box(texts)

    def _common_denominator(self, a):
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
        if self.prefer_den and self.prefer_den % d == 0:
            # the backward pass carries the loss's 1/m: the report factors ¼ out of every
            # matrix of it, ¼[0 −2 −6] rather than [0 −0.5 −1.5]
            ints = [int(q * self.prefer_den) for q in qs]
            if max(abs(v) for v in ints) < 100:
                return self.prefer_den, np.array(ints, dtype=object).reshape(a.shape)
        if d > 1000 or all(r"\frac" not in self.fraction(q) for q in qs):   # 0.25, 8.75 stay so
            return None, None
        # stacked fractions (13/160 over −13/320), or one beside a decimal (13/128 beside
        # −0.1625), read worse than 1/320 [26 −78; −13 39] and 1/640 [65 −104]
        ints = [int(q * d) for q in qs]
        if max(abs(v) for v in ints) >= 1000:
            return None, None
        return d, np.array(ints, dtype=object).reshape(a.shape)

    def _bmatrix(self, a, raw=False):
        rows, cols = a.shape
        r_idx, c_idx = self.shown_indices(rows, cols)
        cell = (lambda v: str(v)) if raw else self.number
        if not raw:
            texts = [self.number(a[i, j]) for i in r_idx if i is not None for j in c_idx if j is not None]
            if any(t.rounded for t in texts) and any(r"\frac" in t for t in texts):
                cell = self._decimal_cell    # one matrix, one kind of number: no ⅓ beside 0.1650
        lines = []
        for i in r_idx:
            if i is None:
                lines.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in c_idx))
                continue
            lines.append(" & ".join(r"\cdots" if j is None else cell(a[i, j]) for j in c_idx))
        return r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}"

    def _decimal_cell(self, v):
        out = self.number(v)
        if r"\frac" in out:
            out = Shown(self.decimal(self.trace.entry(v)[0]))
            out.rounded = self._rounded = True
        return out

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
    def formula(self, node) -> str:
        """The general formula, in symbols."""
        return self._print(node, None)

    def substituted(self, node, parts) -> str:
        """The same formula with the recorded matrices in place of the symbols."""
        return self._print(node, parts)

    def _print(self, node, parts):
        return getattr(self, "_print_" + type(node).__name__)(node, parts)

    def _val(self, node, parts, factor=True):
        return self.matrix(parts[id(node)], factor)

    def _print_Ref(self, node, parts):
        if parts is None:
            return self.n.symbol(node.name)
        return self._val(node, parts, factor=node.name not in self.givens)

    def _print_Const(self, node, parts):
        return latex_exact(node.q)       # Adam's ε: 10^{-8}, not 0.00000001

    def _print_MatMul(self, node, parts):
        a, b = node.args
        return self._paren(a, parts) + (r" \, " if parts is None else " ") + self._paren(b, parts)

    def _print_T(self, node, parts):
        if parts is not None:      # a given matrix transposed keeps its own numbers (no ½[…])
            a = node.args[0]
            return self._val(node, parts, factor=not (isinstance(a, ops.Ref) and a.name in self.givens))
        s = self._print(node.args[0], None)
        m = re.fullmatch(r"(\\?[A-Za-z]+|\\tilde\{W\})\^\{(.*)\}", s)
        if m:   # the report's A^{[l-1]T}
            return r"%s^{%s\mathsf{T}}" % (m.group(1), m.group(2))
        return r"\left(" + s + r"\right)^{\mathsf{T}}"

    def _print_Add(self, node, parts):
        return f"{self._print(node.args[0], parts)} + {self._print(node.args[1], parts)}"

    def _print_Sub(self, node, parts):
        return f"{self._print(node.args[0], parts)} - {self._paren(node.args[1], parts)}"

    def _print_Mul(self, node, parts):
        a, b = node.args
        if isinstance(a, ops.Const) or isinstance(b, ops.Const):
            return f"{self._paren(a, parts)} \\, {self._paren(b, parts)}"
        return f"{self._paren(a, parts)} \\odot {self._paren(b, parts)}"

    def _print_Div(self, node, parts):
        a, b = node.args
        if parts is None:
            return r"\frac{%s}{%s}" % (self._print(a, None), self._print(b, None))
        return f"{self._paren(a, parts)} \\oslash {self._paren(b, parts)}"

    def _print_Square(self, node, parts):
        return _power(self._paren(node.args[0], parts), "2" if parts is None else r"\odot 2")

    def _print_Power(self, node, parts):
        return _power(self._paren(node.args[0], parts), str(node.k))

    def _print_Sqrt(self, node, parts):
        return r"\sqrt{%s}" % self._print(node.args[0], parts)

    def _print_Bias(self, node, parts):
        return self._print(node.args[0], parts)

    def _print_SumSamples(self, node, parts):
        if parts is None:
            return r"\sum_{i} %s_{i}" % self._paren(node.args[0], None)
        return r"\sum_{i} " + self._print(node.args[0], parts)

    def _print_Act(self, node, parts):
        inner = self._print(node.args[0], parts)
        if node.kind == "identity":      # A = Z, written so
            return inner
        return r"%s\left(%s\right)" % (ACT_SYMBOL[node.kind], inner)

    def _print_ActGrad(self, node, parts):
        if parts is not None:
            return self._val(node, parts)
        z, a = node.args
        if node.kind == "sigmoid":
            A = self._print(a, None)
            return r"%s \odot \left(1 - %s\right)" % (A, A)
        if node.kind == "tanh":
            return "1 - " + _power(self._paren(a, None), r"\odot 2")
        return r"%s'\left(%s\right)" % (ACT_SYMBOL[node.kind], self._print(z, None))

    def _print_SoftmaxBack(self, node, parts):
        if parts is not None:
            da, a = node.args
            return r"%s \odot \left(%s - \mathbf{1}\mathbf{1}^{\mathsf{T}} (%s \odot %s)\right)" % (
                self._val(a, parts), self._val(da, parts), self._val(da, parts), self._val(a, parts))
        da, a = (self._print(x, None) for x in node.args)
        return r"%s \odot \left(%s - \textstyle\sum_k (%s \odot %s)_k\right)" % (a, da, da, a)

    def _print_Loss(self, node, parts):
        return loss_formula(node, self.n)

    def _print_LossGrad(self, node, parts):
        yh, y = node.args
        c = self._coef(node.factor(parts[id(y)]) if parts is not None else None, node)
        if node.loss.kind == "mse":
            inner = f"{self._print(yh, parts)} - {self._print(y, parts)}"
            return f"{c}\\left({inner}\\right)"
        if node.loss.kind == "cross_entropy":
            return f"-{c}\\, {self._print(y, parts)} \\oslash {self._print(yh, parts)}"
        return (f"{c}\\left({self._print(yh, parts)} - {self._print(y, parts)}\\right) \\oslash "
                f"\\left({self._print(yh, parts)} \\odot (1 - {self._print(yh, parts)})\\right)")

    def _print_FusedDelta(self, node, parts):
        yh, y = node.args
        c = self._coef(node.grad.factor(parts[id(y)]) if parts is not None else None, node.grad)
        return f"{c}\\left({self._print(yh, parts)} - {self._print(y, parts)}\\right)"

    def _coef(self, value, grad):
        """The constant in front of ∂J/∂Ŷ: symbolic (2s/m) or its number."""
        if value is not None:
            return "" if value == 1 else self._print_Const(ops.Const(value), None)
        o, kind = grad.loss.opts, grad.loss.kind
        num = 2 * Fraction(o.get("scale", 1)) if kind == "mse" else Fraction(1)
        den = []
        if o["samples"] == "mean":
            den.append("m")
        if o.get("outputs") == "mean":
            den.append("n")
        if not den:
            return "" if num == 1 else self._print_Const(ops.Const(num), None)
        top = "" if num == 1 else self._print_Const(ops.Const(num), None)
        if num.denominator != 1:
            return r"\frac{%d}{%d%s}" % (num.numerator, num.denominator, "".join(den))
        return r"\frac{%s}{%s}" % (top or "1", "".join(den))

    def _paren(self, node, parts):
        s = self._print(node, parts)
        if isinstance(node, (ops.Add, ops.Sub)) or (isinstance(node, ops.Mul) and parts is None
                                                    and not isinstance(node.args[0], ops.Const)):
            return r"\left(" + s + r"\right)"
        return s






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
    o = node.opts
    yh, y = r"\hat{y}", "y"
    per = ("m" if o["samples"] == "mean" else "") + ("n" if o.get("outputs") == "mean" else "")
    scale = Fraction(o["scale"]) if node.kind == "mse" else Fraction(1)
    c = _coefficient(scale, per)
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


def _power(base: str, exp: str) -> str:
    """base^{exp}, parenthesised when the exponent could be read as applying to part of the
    base: one with a superscript (A^{[1]}), a fraction, a factored matrix (¼[…]), a sign."""
    return (r"\left(" + base + r"\right)" if needs_paren(base) else base) + "^{" + exp + "}"


def needs_paren(base: str) -> bool:
    """Whether `base` must be parenthesised to carry an exponent."""
    if base.startswith(r"\left(") and base.endswith(r"\right)"):
        return False
    return "^" in base or base.startswith((r"\frac", "-")) or r"\cdot" in base










def _precise(v, f):
    """The value a rounded display reads: an exact field's 60 digits, else the float."""
    return v.decimal() if isinstance(v, Real) else f


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
