"""How quantities are written: Z^{[l]} or Z^{(l)}, Δ or δ, per-layer names (seed 003).

A symbol is built from its parts (`Sym`: head, subscript, superscript), so that a transpose
mark or a "new" subscript is placed by composing the parts, never by editing LaTeX text.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .escape import latex_escape
from .tex import ATOM, POWER, PRODUCT, SUM, Math

GREEK_DELTA = {"Delta": r"\Delta", "delta": r"\delta"}
# the loss's letter (notation.loss): head and subscript of its symbol, and as plain text
LOSS_SYMBOL = {"J": (("J",), "J"), "L": (("L",), "L"), "E": (("E", r"\mathrm{total}"), "E_total")}

# A hyperparameter's symbol (ops.PARAMS): (LaTeX, plain text, precedence as an operand).  The
# header names them so (η = 0.05); formulas write the symbol, the line below its value.
PARAMS = {
    "lr": (r"\eta", "η", ATOM),
    "momentum": (r"\mu", "μ", ATOM),
    "weight_decay": (r"\lambda", "λ", ATOM),
    "eps": (r"\varepsilon", "ε", ATOM),
    "beta1": (r"\beta_1", "β₁", ATOM),
    "beta2": (r"\beta_2", "β₂", ATOM),
    "1-beta1": (r"1 - \beta_1", "1 − β₁", SUM),
    "1-beta2": (r"1 - \beta_2", "1 − β₂", SUM),
    "lr*weight_decay": (r"\eta\lambda", "ηλ", PRODUCT),
    "1-lr*weight_decay": (r"1 - \eta\lambda", "1 − ηλ", SUM),
    "1/m": (r"\frac{1}{m}", "1/m", POWER),
}


def param_math(param: str) -> Math:
    tex, _, prec = PARAMS[param]
    return Math(tex, prec)


def latex_text(s):
    return r"\text{" + latex_escape(s) + "}"


@dataclass(frozen=True)
class Sym:
    head: str           # W, \tilde{W}, \Delta, \hat{m}, \frac{\partial J}{\partial W^{[1]}}
    sub: str = ""       # \mathrm{new}, W^{[1]} (of m_{W^{[1]}})
    sup: str = ""       # [1], (\text{hidden})
    fraction: bool = False

    def tex(self, mark: str = "") -> str:
        s = self.head
        if self.sub:
            s += "_{" + self.sub + "}"
        if self.sup or mark:
            s += "^{" + self.sup + mark + "}"
        return s

    def math(self) -> Math:
        plain = not (self.sub or self.sup or self.fraction)
        return Math(self.tex(), ATOM if plain else POWER)


class Notation:
    """`text` sets user text (layer names) inside a formula: \\text{} for LaTeX, math symbols
    for Markdown, where MathJax does not read LaTeX's text-mode escapes."""

    def __init__(self, notation: dict | None = None, aug=False, text=latex_text, per_sample=False):
        n = notation or {}
        # one_over_m: dW: ∂/∂A and Δ are those of ℒ = mJ, the loss summed over samples
        self.per_sample = per_sample
        self.paren = n.get("index", "[l]") == "(l)"
        self.delta = GREEK_DELTA[n.get("delta", "Delta")]
        self.names = list(n.get("names") or [])
        self.d = n.get("gradient", "partial") == "d"     # dW^{[l]}, dZ^{[l]} (DLS, CS231n)
        self.loss = LOSS_SYMBOL[n.get("loss", "J")][0]
        self.aug = aug
        self.text = text

    @classmethod
    def of(cls, problem, text=latex_text) -> "Notation":
        """The notation of a problem's worksheets."""
        return cls(problem.notation, problem.bias == "augmented", text, getattr(problem, "per_sample", False))

    def layer(self, l) -> str:
        """The superscript's text for layer l: [1], (1) or (name)."""
        l = int(l)
        if self.names and 1 <= l <= len(self.names):
            return "(" + self.text(self.names[l - 1]) + ")"
        return "(%d)" % l if self.paren else "[%d]" % l

    def sup(self, l):
        return "{" + self.layer(l) + "}"

    def base(self, letter, l):
        return f"{letter}^{self.sup(l)}"

    def parts(self, name: str) -> Sym:
        """Canonical quantity name -> its symbol's parts."""
        if name == "J":
            return Sym(*self.loss)
        if name == "Y":
            return Sym(r"\tilde{Y}" if self.aug else "Y")
        if name.endswith("_prev"):
            return Sym("{" + self.symbol(name[:-5]) + "}", sub=r"\mathrm{prev}")
        if name.endswith("_next"):
            return replace(self.parts(name[:-5]), sub=r"\mathrm{new}")
        if name.endswith("_decayed"):
            inner = self.parts(name[:-8])
            return replace(inner, head=r"\bar{" + inner.head + "}")
        if name.endswith("_hat"):
            inner = self.parts(name[:-4])
            return replace(inner, head=r"\hat{" + inner.head + "}")
        head, digits = _split(name)
        if head in ("W", "b", "Z", "A", "M"):
            letter = r"\tilde{W}" if self.aug and head == "W" else head
            return Sym(letter, sup=self.layer(digits))
        if self.d and head in ("dZ", "dA", "dW", "db"):
            inner = self.parts(head[1] + digits)
            return replace(inner, head=r"d" + inner.head)
        if head == "dZ":
            return Sym(self.delta, sup=self.layer(digits))
        if head in ("dA", "dW", "db"):
            return Sym(self.partial(self.symbol(head[1] + digits), self.gradient_of(head)), fraction=True)
        if head[:1] in ("v", "m", "g", "u") and head[1:] in ("W", "b"):
            return Sym(head[0], sub=self.symbol(head[1:] + digits))
        return Sym(r"\mathrm{" + name.replace("_", r"\_") + "}")

    def partial(self, wrt: str, of: str | None = None) -> str:
        """∂J/∂(wrt), with the loss's own letter (∂E_total/∂w in Mazur's notation)."""
        return r"\frac{\partial %s}{\partial %s}" % (of or self.symbol("J"), wrt)

    def gradient_of(self, head):
        """What a gradient is of: ℒ = mJ for ∂/∂A when the 1/m is written in dW (per_sample)."""
        return r"\mathcal{L}" if self.per_sample and head == "dA" else None

    def symbol(self, name: str) -> str:
        """Canonical quantity name -> LaTeX symbol."""
        return self.parts(name).tex()

    def math(self, name: str) -> Math:
        return self.parts(name).math()

    def transposed(self, name: str) -> Math | None:
        """The report's A^{[l-1]T}: the T joins the layer superscript; None when the symbol
        has no such place (then the caller writes (…)^T)."""
        s = self.parts(name)
        if not s.sup or s.sub or s.fraction:
            return None
        return Math(s.tex(r"\mathsf{T}"), POWER)

    def entry(self, name: str, idx, sub=None) -> str:
        """The symbol of one entry: Z^{[1]}_{12}, ∂J/∂W^{[1]}_{12}, (m_{W^{[1]}})_{12}
        (`sub`: the subscript's text, e.g. '1i', in place of the index)."""
        sub = "_{" + (sub if sub is not None else _index_text(idx)) + "}"
        head, digits = _split(name)
        plain = ("W", "b", "Z", "A", "dZ") + (("dA", "dW", "db") if self.d else ())
        if head in plain and not name.endswith(("_prev", "_next", "_hat", "_decayed")):
            return self.symbol(name) + sub
        if head in ("dA", "dW", "db"):
            return self.partial(self.symbol(head[1] + digits) + sub, self.gradient_of(head))
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
