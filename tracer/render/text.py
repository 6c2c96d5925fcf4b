"""The worksheet as plain Unicode text for a terminal (`--format text`): each quantity's
formula and its value as a bracketed matrix, step by step, with no markup to read through.

It reads the trace alone, like every renderer.  Numbers become text through the worksheet's
own Printer (the same rounding, the same ≈), with fractions written p/q and powers of ten
10⁻⁷; user text (the title, layer names) is made terminal-safe.
"""
from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import ops
from ..losses import LOSSES
from ..messages import terminal_safe
from ..numtext import plain, rounded, unicode_power
from .printer import Printer
from .notation import LOSS_SYMBOL, PARAMS
from .tex import SUM, Math

WIDTH = 100          # the title's underline at most
BLANK = "____"       # a box to write in, on the blank sheet

SECTIONS = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
            "update": "Update", "state": "Update"}
ACT = {"identity": "id", "relu": "ReLU", "leaky_relu": "LReLU", "sigmoid": "σ", "tanh": "tanh",
       "softmax": "softmax"}


class TextPrinter(Printer):
    """The worksheet's Printer with numbers as plain text: 3/8, 0.5744, 1.5·10⁻⁷."""

    def text_fraction(self, q: Fraction) -> str:
        """Printer.fraction's choice (integer, decimal, fraction, rounded), a fraction p/q."""
        return f"{q.numerator}/{q.denominator}" if self.is_fraction(q) else self.fraction(q).text

    def decimal(self, x) -> Math:
        return Math(rounded(x, self.decimals, power=unicode_power), rounded=True)

    def number(self, v, negate=False) -> Math:
        q, f, form = self.trace.entry(v)
        if q is None and f is None:       # symbolic: the formula as sympy writes it
            return Math(form)
        shown = super().number(v, negate)          # the worksheet's choice, and whether it is rounded
        text = self.text_fraction(-q if negate else q) if q is not None else shown.text
        return Math(text.replace("-", "−"), shown.prec, shown.rounded)

    def cells(self, value, name=None) -> tuple[str, list[list[str]], bool]:
        """(a factor in front, the entries as rows of text, whether one is shown rounded): a
        bias vector along the feature
        axis, dots where a big matrix is elided, a shared denominator factored out as the
        worksheet does (1/32 · [26 −78]), one kind of number per matrix (no 1/3 beside 0.1650)."""
        a = np.asarray(value, dtype=object)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a[:, None] if self.feat == 0 else a[None, :]
        factor = ""
        if not self.blank and name not in self.givens:
            d, ints = self._common_denominator(a, None)
            if d:
                factor, a = f"1/{d} ·", ints
        r_idx, c_idx = self.shown_indices(*a.shape)
        texts = {(i, j): (Math(BLANK) if self.blank else self.number(a[i, j]))
                 for i in r_idx if i is not None for j in c_idx if j is not None}
        if any(t.rounded for t in texts.values()) and any("/" in t.text for t in texts.values()):
            texts = {k: (self.decimal(self.trace.entry(a[k])[0]) if "/" in t.text else t) for k, t in texts.items()}
        rows = [["⋮" if i is None else ("⋯" if j is None else texts[i, j].text) for j in c_idx] for i in r_idx]
        return factor, rows, any(t.rounded for t in texts.values())


def width(s: str) -> int:
    """Columns a string takes on a terminal: combining accents (the ^ of m̂, the ~ of W̃) none."""
    return sum(0 if unicodedata.combining(c) else 1 for c in s)


def ljust(s: str, n: int) -> str:
    return s + " " * max(0, n - width(s))


def matrix_lines(cells: list[list[str]]) -> list[str]:
    """Rows of cells in Unicode brackets, columns aligned on the right."""
    widths = [max(width(row[j]) for row in cells) for j in range(len(cells[0]))]
    body = ["  ".join(" " * (w - width(c)) + c for c, w in zip(row, widths)) for row in cells]
    if len(body) == 1:
        return [f"[{body[0]}]"]
    return [("⎡" if i == 0 else "⎣" if i == len(body) - 1 else "⎢") + line
            + ("⎤" if i == 0 else "⎦" if i == len(body) - 1 else "⎥") for i, line in enumerate(body)]


# -- symbols --------------------------------------------------------------------------------------
class Symbols:
    """Canonical names as Unicode: Z[1], Δ[2], ∂J/∂W[1], W[1] new (after the update), m(W[1])."""

    def __init__(self, problem):
        n = problem.notation or {}
        self.paren = n.get("index", "[l]") == "(l)"
        self.delta = "δ" if n.get("delta") == "delta" else "Δ"
        self.names = [terminal_safe(x) for x in (n.get("names") or [])]
        self.aug = problem.bias == "augmented"
        self.d = n.get("gradient") == "d"
        self.loss = LOSS_SYMBOL[n.get("loss", "J")][1]
        self.per_sample = problem.per_sample     # ∂/∂A of ℒ = mJ (one_over_m: dW)

    def sup(self, l: str) -> str:
        k = int(l)
        if self.names and 1 <= k <= len(self.names):
            return f"({self.names[k - 1]})"
        return f"({k})" if self.paren else f"[{k}]"

    def __call__(self, name: str) -> str:
        if name == "Y":
            return "Ỹ" if self.aug else "Y"
        for suffix, fmt in (("_next", "{} new"), ("_hat", "{}̂"), ("_decayed", "{} decayed"), ("_prev", "{} prev")):
            if name.endswith(suffix):
                inner = self(name[: -len(suffix)])
                if suffix == "_hat" and "(" in inner:        # m(W[1]) → m̂(W[1])
                    head, _, rest = inner.partition("(")
                    return f"{head}\u0302({rest}"
                return fmt.format(inner)
        head = name.rstrip("0123456789")
        digits = name[len(head):]
        if name == "J":
            return self.loss
        if not digits:
            return terminal_safe(name)
        if self.d and head in ("dZ", "dA", "dW", "db"):
            return "d" + self(head[1:] + digits)
        if head in ("W", "b", "Z", "A", "M"):
            return ("W̃" if self.aug and head == "W" else head) + self.sup(digits)
        if head == "dZ":
            return self.delta + self.sup(digits)
        if head in ("dA", "dW", "db"):
            of = "ℒ" if self.per_sample and head == "dA" else self.loss
            return f"∂{of}/∂" + self(head[1] + digits)
        if head[:1] in ("v", "m", "g", "u") and head[1:] in ("W", "b"):
            return f"{head[0]}({self(head[1:] + digits)})"
        return terminal_safe(name)


# -- formulas ---------------------------------------------------------------------------------
class Formula:
    """The general formula of a recorded expression, in Unicode (None for a node it does not
    know: the value is shown without it)."""

    def __init__(self, symbols: Symbols, parts: dict):
        self.s, self.parts = symbols, parts

    def __call__(self, node) -> str | None:
        try:
            return self.p(node)
        except KeyError:
            return None

    def p(self, node) -> str:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise KeyError(type(node).__name__)
        return method(node)

    def paren(self, node) -> str:
        s = self.p(node)
        return f"({s})" if isinstance(node, (ops.Add, ops.Sub)) else s

    def _Ref(self, n):
        return self.s(n.name)

    def _Const(self, n):
        if n.param is not None:
            text, prec = PARAMS[n.param][1:]
            return f"({text})" if prec == SUM else text
        return constant_text(n.q)

    def _MatMul(self, n):
        return f"{self.paren(n.args[0])} {self.paren(n.args[1])}"

    def _T(self, n):
        return self.paren(n.args[0]) + "ᵀ"

    def _Add(self, n):
        return f"{self.p(n.args[0])} + {self.p(n.args[1])}"

    def _Sub(self, n):
        return f"{self.p(n.args[0])} − {self.paren(n.args[1])}"

    def _Mul(self, n):
        a, b = n.args
        op = " " if isinstance(a, ops.Const) or isinstance(b, ops.Const) else " ⊙ "
        return f"{self.paren(a)}{op}{self.paren(b)}"

    def _Div(self, n):
        return f"{self.paren(n.args[0])} ⊘ {self.paren(n.args[1])}"

    def _Square(self, n):
        return self.paren(n.args[0]) + "²"

    def _Power(self, n):
        return self.paren(n.args[0]) + "^" + (n.exponent or str(n.k))

    def _Sqrt(self, n):
        return f"√({self.p(n.args[0])})"

    def _Bias(self, n):
        return self.p(n.args[0])

    def _SumSamples(self, n):
        return f"Σᵢ {self.paren(n.args[0])}"

    def _Act(self, n):
        inner = self.p(n.args[0])
        return inner if n.kind == "identity" else f"{ACT[n.kind]}({inner})"

    def _ActGrad(self, n):
        z, a = n.args
        if n.kind == "sigmoid":
            return f"{self.p(a)} ⊙ (1 − {self.p(a)})"
        if n.kind == "tanh":
            return f"1 − {self.p(a)}²"
        return f"{ACT[n.kind]}′({self.p(z)})"

    def _SoftmaxBack(self, n):
        da, a = (self.p(x) for x in n.args)
        return f"{a} ⊙ ({da} − Σₖ ({da} ⊙ {a})ₖ)"

    def _coef(self, grad, y) -> str:
        c = Fraction(grad.factor(self.parts[id(y)]))
        return "" if c == 1 else ("−" if c == -1 else plain(c).replace("-", "−") + " ")

    def _LossGrad(self, n):
        yh, y = n.args
        c, Yh, Y = self._coef(n, y), self.p(yh), self.p(y)
        if n.loss.kind == "mse":
            return f"{c}({Yh} − {Y})"
        if n.loss.kind == "cross_entropy":
            return f"−{c}{Y} ⊘ {Yh}".replace("−−", "")
        return f"{c}({Yh} − {Y}) ⊘ ({Yh} ⊙ (1 − {Yh}))"

    def _FusedDelta(self, n):
        yh, y = n.args
        return f"{self._coef(n.grad, y)}({self.p(yh)} − {self.p(y)})"

    def _Loss(self, n):
        d = LOSSES[n.kind]
        per, scale = d.per(n.opts), d.scale(n.opts)
        den = ("" if scale.denominator == 1 else str(scale.denominator)) + per
        c = (f"{scale.numerator}/({den}) " if len(den) > 1 else f"{scale.numerator}/{den} ") if den else \
            ("" if scale == 1 else f"{plain(scale)} ")
        sums = "Σᵢ Σₖ "
        if n.kind == "mse":
            return f"{c}{sums}(ŷᵢₖ − yᵢₖ)²"
        if n.kind == "cross_entropy":
            return f"−{c}{sums}yᵢₖ log ŷᵢₖ"
        return f"−{c}{sums}[yᵢₖ log ŷᵢₖ + (1 − yᵢₖ) log(1 − ŷᵢₖ)]"


def constant_text(q) -> str:
    """A constant of a formula exactly: 0.5, 1/8, 10⁻⁸ (Adam's ε), 2.5·10⁻⁷."""
    q = Fraction(q)
    if q and abs(q) < Fraction(1, 10 ** 4) and plain(q).count("/") == 0:
        mantissa, _, e = f"{Decimal(q.numerator) / Decimal(q.denominator):e}".partition("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        power = unicode_power(mantissa, int(e))
        return power.removeprefix("1·") if mantissa in ("1", "-1") else power
    return plain(q).replace("-", "−")


# -- the sheet -----------------------------------------------------------------------------------
def quantity_lines(pr: TextPrinter, symbols: Symbols, q) -> list[str]:
    """  NAME = formula                     shape
         NAME ≈ ⎡ ... ⎤ (the relation on the middle row)"""
    name = symbols(q.name)
    formula = Formula(symbols, q.parts)(q.expr) if q.expr is not None else None
    factor, cells, rounded_ = pr.cells(q.value, q.name)
    rel = "≈" if rounded_ or pr.hand_rounded(q) else "="
    if pr.blank and q.expr is not None:
        rel = "="
    shape = "×".join(str(d) for d in np.shape(q.value)) or "scalar"
    if np.ndim(q.value) == 1:
        shape = f"{len(q.value)}×1" if pr.feat == 0 else f"1×{len(q.value)}"
    block = [cells[0][0]] if np.ndim(q.value) == 0 else matrix_lines(cells)
    if factor:
        block = [(factor if i == (len(block) - 1) // 2 else " " * len(factor)) + " " + row
                 for i, row in enumerate(block)]
    mid, pad = (len(block) - 1) // 2, " " * (2 + width(name))
    if formula and formula != name:
        head = f"  {name} = {formula}"
        lines = [ljust(head, 58) + f"  ({shape})"]
        return lines + [f"{pad} {rel if i == mid else ' '} {row}" for i, row in enumerate(block)]
    return [("  " + name if i == mid else pad) + f" {rel if i == mid else ' '} {row}"
            + (f"   ({shape})" if i == mid else "") for i, row in enumerate(block)]


def header_lines(trace, symbols, decimals) -> list[str]:
    p = trace.problem
    title = terminal_safe(p.title or "trace-net worksheet")
    out = [title, "═" * min(len(title), WIDTH), ""]
    if getattr(p, "kind", None) == "graph":
        return out + [f"A computational graph; numbers: {p.numbers}.", ""]
    in_out = p.weights == "in_out"
    if p.convention:
        from ..conventions import describe
        out.append("Convention: " + describe(p.convention))
    # augmented: W̃ (the tilde kept, as everywhere) and no separate b
    W, b = ("W̃", "") if p.bias == "augmented" else ("W", " + b[l]")
    if p.layout == "columns":
        out.append(f"Layout: samples as columns, Z[l] = {W}[l]{'ᵀ' if in_out else ''} A[l−1]{b}")
    else:
        out.append(f"Layout: samples as rows, Z[l] = A[l−1] {W}[l]{'' if in_out else 'ᵀ'}{b}")
    if in_out:
        out.append("Weights: W stored (in, out), a row per input and a column per neuron")
    if p.bias == "augmented":
        out.append("Bias: augmented, b folded into W̃ as its first column (a constant 1 carried in A)")
    sizes = [str(len(p.x[0]))] + [f"{L.shape[0]} {ACT.get(L.activation, 'linear') if L.activation else ''}".strip()
                                  for L in p.layers]
    out.append("Network: " + " → ".join(sizes))
    J = trace.steps[0].quantities["J"]
    out.append(f"Loss: {LOSSES[p.loss].words}, {symbols('J')} = {Formula(symbols, J.parts)(J.expr)}, "
               f"m = {len(trace.steps[0].batch)} samples" + (" per batch" if len(p.batches()) > 1 else ""))
    if p.per_sample:
        out.append(f"The 1/m: written in dW and db; the backward pass differentiates ℒ = m{symbols('J')}, "
                   "the loss summed over samples (as the Deep Learning Specialization)")
    opt = ", ".join(_opt_item(k, v) for k, v in p.opt_opts.items() if v not in (0, False, None))
    out.append(f"Optimizer: {p.optimizer}" + (f" ({opt})" if opt else ""))
    if p.round is not None:
        out.append(f"Numbers: hand mode, every quantity rounded to {p.round} decimals (halves away from "
                   "zero) and carried on so, marked ≈")
    else:
        out.append(f"Numbers: {p.numbers}; values that are not exact shown to {decimals} decimals, marked ≈")
    return out + [""]


def _opt_item(key, v) -> str:
    """lr 0.1 as the formulas name it: η = 0.1; β₁ = 0.9, β₂ = 0.999; nesterov."""
    if key == "betas":
        return f"{PARAMS['beta1'][1]} = {_opt_text(v[0])}, {PARAMS['beta2'][1]} = {_opt_text(v[1])}"
    if key in PARAMS:
        return f"{PARAMS[key][1]} = {constant_text(v)}"
    return key if v is True else f"{key} {_opt_text(v)}"


def _opt_text(v):
    if isinstance(v, (list, tuple)):
        return "(" + ", ".join(_opt_text(x) for x in v) + ")"
    if isinstance(v, Fraction) or isinstance(v, int) and not isinstance(v, bool):
        return plain(v)
    return str(v)


def render_text(trace, max_entries=None, decimals=None, blank=False) -> str:
    """The trace as plain Unicode text: the problem in a few lines, then every step's
    quantities by section, each its formula and its matrix."""
    pr = TextPrinter(trace, decimals=decimals, max_entries=max_entries, blank=blank)
    pr.givens = {q.name for q in trace.steps[0].quantities.values() if q.kind in ("data", "param")}
    symbols = Symbols(trace.problem)
    out = header_lines(trace, symbols, pr.decimals)
    for k, st in enumerate(trace.steps):
        batch = ", ".join(str(i + 1) for i in st.batch) if st.batch else ""
        title = f"Step {st.index}" + (f" (samples {batch})" if batch and len(trace.steps) > 1 else "")
        out += [title, "─" * len(title)]
        section = None
        for q in st.shown():
            given = q.kind in ("data", "param")
            if given and k > 0 and not (q.kind == "data" and len(trace.problem.batches()) > 1):
                continue                          # later steps start from the updates shown above
            name = "Given" if given else SECTIONS.get(q.kind, q.kind.capitalize())
            if name != section:
                out.append(name)
                section = name
            was, pr.blank = pr.blank, pr.blank and not given
            out += quantity_lines(pr, symbols, q)
            pr.blank = was
        out.append("")
    return "\n".join(out).rstrip() + "\n"
