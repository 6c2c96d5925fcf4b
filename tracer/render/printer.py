"""LaTeX math for the worksheets: symbols, general formulas, matrices with their numbers.

One `_print_<Node>` method per expression node, sympy-printer style.  Settings (decimals,
notation, elision) are passed once.  Nothing here computes a quantity: matrices come from the
recorded values and the values the recorder kept of every sub-expression.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import ops

GREEK_DELTA = {"Delta": r"\Delta", "delta": r"\delta"}


class Notation:
    """How symbols are written: Z^{[l]} or Z^{(l)}, Δ or δ, per-layer names (seed 003)."""

    def __init__(self, notation: dict | None = None, aug=False):
        n = notation or {}
        self.paren = n.get("index", "[l]") == "(l)"
        self.delta = GREEK_DELTA[n.get("delta", "Delta")]
        self.names = list(n.get("names") or [])
        self.aug = aug

    def sup(self, l):
        l = int(l)
        if self.names and 1 <= l <= len(self.names):
            return "{(" + _tex_text(self.names[l - 1]) + ")}"
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
            return self.symbol(name[:-5]) + r"_{\mathrm{prev}}"
        if name.endswith("_next"):
            return self.symbol(name[:-5]).replace("^", r"_{\mathrm{new}}^", 1)
        if name.endswith("_decayed"):
            return r"\bar{" + self.symbol(name[:-8]) + "}"
        if name.endswith("_hat"):
            inner = self.symbol(name[:-4])
            return r"\hat{" + inner[0] + "}" + inner[1:]
        head, digits = _split(name)
        if head in ("W", "b", "Z", "A"):
            return self.base(head, digits)
        if head == "dZ":
            return self.base(self.delta, digits)
        if head in ("dA", "dW", "db"):
            return r"\frac{\partial J}{\partial %s}" % self.base(head[1], digits)
        if head == "M":
            return self.base("M", digits)
        if head[:1] in ("v", "m", "g") and head[1:] in ("W", "b"):
            return "%s_{%s}" % (head[0], self.base(head[1:], digits))
        return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _split(name):
    i = len(name)
    while i > 0 and name[i - 1].isdigit():
        i -= 1
    return name[:i], (name[i:] or "0")


def _tex_text(s):
    from .escape import latex_escape
    return r"\text{" + latex_escape(s) + "}"


class Printer:
    def __init__(self, trace, decimals=None, max_entries=None, notation=None):
        p = trace.problem
        self.trace = trace
        self.decimals = p.decimals if decimals is None else decimals
        self.max_entries = max_entries
        self.n = notation or Notation(p.notation, p.bias == "augmented")
        self.feat = 0 if p.layout == "columns" else 1

    # -- numbers ----------------------------------------------------------------------------
    def approx(self, value) -> bool:
        """True when any entry is shown rounded (not exact)."""
        for v in np.asarray(value, dtype=object).ravel():
            q, f, _ = self.trace.entry(v)
            if q is None or not _terminates(q, self.decimals):
                if q is None or _frac_too_big(q):
                    return True
        return False

    def number(self, v) -> str:
        q, f, form = self.trace.entry(v)
        if q is not None:
            return self.fraction(q)
        if f is None:      # symbolic
            return form
        return self.decimal(f)

    def fraction(self, q: Fraction) -> str:
        if q.denominator == 1:
            return str(q.numerator)
        if _terminates(q, self.decimals):
            return _decimal_text(q)
        if _frac_too_big(q):
            return self.decimal(float(q))
        sign = "-" if q < 0 else ""
        return r"%s\frac{%d}{%d}" % (sign, abs(q.numerator), q.denominator)

    def decimal(self, f: float) -> str:
        s = f"{f:.{self.decimals}f}"
        if float(s) == 0 and f != 0:
            s = f"{f:.{self.decimals - 1}e}" if self.decimals > 0 else f"{f:.0e}"
            mant, _, exp = s.partition("e")
            return r"%s \cdot 10^{%d}" % (mant, int(exp))
        return s

    def matrix(self, value) -> str:
        """A matrix (or vector, or scalar) as the worksheet writes it."""
        a = np.asarray(value, dtype=object)
        if a.ndim == 0:
            return self.number(a[()])
        if a.ndim == 1:   # bias vectors stand along the feature axis
            a = a[:, None] if self.feat == 0 else a[None, :]
        factor, ints = self._common_denominator(a)
        body = self._bmatrix(ints if factor else a, raw=bool(factor))
        if factor:
            return r"\frac{1}{%d}%s" % (factor, body)
        return body

    def _common_denominator(self, a):
        qs = [self.trace.entry(v)[0] for v in a.ravel()]
        if any(q is None for q in qs):
            return None, None
        d = math.lcm(*[q.denominator for q in qs])
        if d == 1 or _is_power_of_ten_grid(qs, self.decimals) or d > 100:
            return None, None
        ints = np.array([int(q * d) for q in qs], dtype=object).reshape(a.shape)
        if max(abs(int(v)) for v in ints.ravel()) >= 10000:
            return None, None
        return d, ints

    def _bmatrix(self, a, raw=False):
        rows, cols = a.shape
        cell = (lambda v: str(v)) if raw else self.number
        r_idx, c_idx = _elide(rows, cols, self.max_entries)
        lines = []
        for i in r_idx:
            if i is None:
                lines.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in c_idx))
                continue
            lines.append(" & ".join(r"\cdots" if j is None else cell(a[i, j]) for j in c_idx))
        return r"\begin{bmatrix} " + r" \\ ".join(lines) + r" \end{bmatrix}"

    def shape(self, value) -> str:
        s = np.shape(value)
        if len(s) == 1:
            s = (s[0], 1) if self.feat == 0 else (1, s[0])
        return r"\times".join(str(d) for d in s)

    # -- formulas -----------------------------------------------------------------------------
    def formula(self, node) -> str:
        """The general formula, in symbols."""
        return self._print(node, None)

    def substituted(self, node, parts) -> str:
        """The same formula with the recorded matrices in place of the symbols."""
        return self._print(node, parts)

    def _print(self, node, parts):
        return getattr(self, "_print_" + type(node).__name__)(node, parts)

    def _val(self, node, parts):
        return self.matrix(parts[id(node)])

    def _print_Ref(self, node, parts):
        return self.n.symbol(node.name) if parts is None else self._val(node, parts)

    def _print_Const(self, node, parts):
        q = node.q
        if q.denominator == 1 or _is_pow10(q.denominator):
            return _decimal_text(q)
        return r"%s\frac{%d}{%d}" % ("-" if q < 0 else "", abs(q.numerator), q.denominator)

    def _print_MatMul(self, node, parts):
        a, b = node.args
        return self._print(a, parts) + (r" \, " if parts is None else " ") + self._print(b, parts)

    def _print_T(self, node, parts):
        if parts is not None:
            return self._val(node, parts)
        return self._paren(node.args[0], None) + r"^{\mathsf{T}}"

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
        return self._paren(node.args[0], parts) + "^{2}" if parts is None else \
            f"{self._paren(node.args[0], parts)}^{{\\odot 2}}"

    def _print_Sqrt(self, node, parts):
        return r"\sqrt{%s}" % self._print(node.args[0], parts)

    def _print_Bias(self, node, parts):
        return self._print(node.args[0], parts)

    def _print_SumSamples(self, node, parts):
        if parts is None:
            return r"\sum_{i} %s_{i}" % self._paren(node.args[0], None)
        return r"\sum_{i} " + self._print(node.args[0], parts)

    def _print_Act(self, node, parts):
        if parts is not None:
            return self._val(node, parts)
        return r"%s\left(%s\right)" % (ACT_SYMBOL[node.kind], self._print(node.args[0], None))

    def _print_ActGrad(self, node, parts):
        if parts is not None:
            return self._val(node, parts)
        return r"%s'\left(%s\right)" % (ACT_SYMBOL[node.kind], self._print(node.args[0], None))

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
        if kind == "mse" and o["outputs"] == "mean":
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


def loss_formula(node, n: Notation) -> str:
    o = node.opts
    yh, y = r"\hat{y}", "y"
    red = r"\frac{1}{m}\sum_{i=1}^{m}" if o["samples"] == "mean" else r"\sum_{i=1}^{m}"
    if node.kind == "mse":
        scale = Fraction(o["scale"])
        c = "" if scale == 1 else (r"\frac{%d}{%d}" % (scale.numerator, scale.denominator)
                                   if scale.denominator != 1 else str(scale))
        inner = r"\frac{1}{n}\sum_{k=1}^{n}" if o["outputs"] == "mean" else r"\sum_{k=1}^{n}"
        return rf"{c}{red} {inner} \left({yh}_{{ik}} - {y}_{{ik}}\right)^2"
    if node.kind == "cross_entropy":
        return rf"-{red} \sum_{{k=1}}^{{n}} {y}_{{ik}} \log {yh}_{{ik}}"
    return (rf"-{red} \sum_{{k=1}}^{{n}} \left[{y}_{{ik}} \log {yh}_{{ik}} + "
            rf"(1 - {y}_{{ik}}) \log (1 - {yh}_{{ik}})\right]")


def _terminates(q: Fraction, digits: int) -> bool:
    return (q * 10 ** digits).denominator == 1


def _decimal_text(q: Fraction) -> str:
    d = q.denominator
    k = 0
    while (q * 10 ** k).denominator != 1:
        k += 1
    n = abs(q.numerator * 10 ** k // d)
    s = str(n).rjust(k + 1, "0")
    s = s[:-k] + "." + s[-k:] if k else s
    return ("-" if q < 0 else "") + s


def _is_pow10(d: int) -> bool:
    while d % 10 == 0:
        d //= 10
    return d == 1


def _frac_too_big(q: Fraction) -> bool:
    return q.denominator > 1000 or abs(q.numerator) > 100000


def _is_power_of_ten_grid(qs, digits):
    return all(_terminates(q, digits) for q in qs)


def _elide(rows, cols, max_entries):
    """Indices to show (None = dots): all, or the first and last rows/columns."""
    def pick(n, keep):
        if n <= keep:
            return list(range(n))
        h = max(1, keep // 2)
        return list(range(h)) + [None] + list(range(n - (keep - h - 1 if keep - h - 1 > 0 else 1), n))
    if not max_entries or rows * cols <= max_entries:
        return list(range(rows)), list(range(cols))
    side = max(3, int(math.sqrt(max_entries)))
    return pick(rows, side), pick(cols, side)
