"""Graph expressions as LaTeX math: in names (q = x + y, ∂f/∂c = f(1 − f)) or with the
recorded numbers in place of the names (−2 + 5).  Parentheses follow expr.precedence, the
one precedence table of the expression language; numbers come from the worksheet Printer
(the one place a number becomes text), so '≈' is known wherever one was rounded.
"""
from __future__ import annotations

from ..numtext import decimal_text, finite_decimal, latex_fraction
from .expr import ATOM, POWER, PRODUCT, SUM, UNARY, Add, Call, Const, Div, Mul, Neg, Pow, Ref, Sub, precedence
from .names import tex_name

# how each function is written; {0}, {1}: its arguments
CALLS = {
    "exp": "e^{{{0}}}", "log": r"\log\left({0}\right)", "sqrt": r"\sqrt{{{0}}}",
    "sigmoid": r"\sigma\left({0}\right)", "tanh": r"\tanh\left({0}\right)",
    "relu": r"\mathrm{{ReLU}}\left({0}\right)", "abs": r"\left\lvert {0} \right\rvert",
    "max": r"\max\left({0}, {1}\right)", "min": r"\min\left({0}, {1}\right)",
    "step": r"\mathbf{{1}}\left[{0} > 0\right]", "sign": r"\operatorname{{sign}}\left({0}\right)",
    "share": r"\mathbf{{1}}\left[{0} > {1}\right]",
}
# the functions a node may use, defined, and their derivatives, for the worksheet's notes
DEFINITIONS = {
    "sigmoid": (r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma'(z) = \sigma(z)\left(1 - \sigma(z)\right)"),
    "tanh": (r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"\tanh'(z) = 1 - \tanh^2(z)"),
    "exp": (r"e^{z}", r"\left(e^{z}\right)' = e^{z}"),
    "log": (r"\log z \text{ (natural logarithm)}", r"\left(\log z\right)' = \frac{1}{z}"),
    "sqrt": (r"\sqrt{z}", r"\left(\sqrt{z}\right)' = \frac{1}{2\sqrt{z}}"),
    "relu": (r"\mathrm{ReLU}(z) = \max(0, z)",
             r"\mathrm{ReLU}'(z) = \mathbf{1}\left[z > 0\right] \text{ (0 at } z = 0\text{)}"),
    "abs": (r"\lvert z\rvert", r"\lvert z\rvert' = \operatorname{sign}(z) \text{ (0 at } z = 0\text{)}"),
    "max": (r"\max(a, b)", r"\frac{\partial \max(a, b)}{\partial a} = \mathbf{1}\left[a > b\right]"
            r" \text{ (}\tfrac{1}{2}\text{ at a tie } a = b\text{, as PyTorch splits it)}"),
    "min": (r"\min(a, b)", r"\frac{\partial \min(a, b)}{\partial a} = \mathbf{1}\left[b > a\right]"
            r" \text{ (}\tfrac{1}{2}\text{ at a tie } a = b\text{)}"),
}


def partial(top: str, bottom: str) -> str:
    """∂top/∂bottom, both names."""
    return r"\frac{\partial %s}{\partial %s}" % (tex_name(top), tex_name(bottom))


def _paren(s: str) -> str:
    return r"\left(" + s + r"\right)"


def constant(q) -> str:
    """A constant of an expression as written (0.5 stays 0.5; 1/3 from a rule is \\frac{1}{3})."""
    return decimal_text(q) if finite_decimal(q.denominator) else latex_fraction(q)


class ExprPrinter:
    """`leaf(name)` gives the text of a name: itself (formula) or its number (substituted)."""

    def __init__(self, leaf, const=constant):
        self.leaf, self.const = leaf, const

    def tex(self, e) -> str:
        return self._tex(e)[0]

    # (text, precedence of the text, whether it starts with a minus sign)
    def _tex(self, e):
        if isinstance(e, Ref):
            return self._number(self.leaf(e.name))
        if isinstance(e, Const):
            return self._number(self.const(e.q))
        if isinstance(e, Add):
            return f"{self._side(e.args[0], SUM)} + {self._side(e.args[1], SUM, right=True)}", SUM, \
                self._minus(e.args[0])
        if isinstance(e, Sub):
            return f"{self._side(e.args[0], SUM)} - {self._side(e.args[1], PRODUCT, right=True)}", SUM, \
                self._minus(e.args[0])
        if isinstance(e, Mul):
            return rf"{self._side(e.args[0], PRODUCT)} \cdot {self._side(e.args[1], PRODUCT, right=True)}", \
                PRODUCT, self._minus(e.args[0])
        if isinstance(e, Div):
            return r"\frac{%s}{%s}" % (self.tex(e.args[0]), self.tex(e.args[1])), ATOM, False
        if isinstance(e, Neg):
            return "-" + self._side(e.args[0], PRODUCT, right=True), UNARY, True
        if isinstance(e, Pow):
            base, prec, minus = self._tex(e.args[0])
            if prec < ATOM or minus or "^" in base:
                base = _paren(base)
            return "%s^{%d}" % (base, e.k), POWER, False
        if isinstance(e, Call):
            return CALLS[e.name].format(*[self.tex(a) for a in e.args]), ATOM, False
        raise TypeError(e)

    @staticmethod
    def _number(s: str):
        s = str(s)
        if s.startswith("-"):
            return s, UNARY, True
        if r"\frac" in s or r"\cdot" in s:
            return s, POWER, False
        return s, ATOM, False

    def _minus(self, e) -> bool:
        return self._tex(e)[2]

    def _side(self, e, need, right=False) -> str:
        """An operand: parenthesised when it binds more loosely than `need`, or when it
        starts with a minus and stands after an operator (x + (−3), 2 · (−x))."""
        s, prec, minus = self._tex(e)
        if prec < need or (right and minus):
            return _paren(s)
        return s


def formula(e) -> str:
    """The expression in names: x + y, w_{0} \\cdot x_{0}, \\sigma\\left(c\\right)."""
    return ExprPrinter(tex_name).tex(e)


def substituted(e, number) -> str:
    """The expression with `number(name)` (the Printer's text of its value) for each name."""
    return ExprPrinter(number).tex(e)


_GATES = {"sigmoid": (r"\sigma", "σ"), "exp": (r"\exp", "exp"), "log": (r"\log", "log"),
          "sqrt": (r"\sqrt{\,}", "√"), "tanh": (r"\tanh", "tanh"), "relu": (r"\mathrm{ReLU}", "ReLU"),
          "abs": (r"\lvert\,\rvert", "| |"), "max": (r"\max", "max"), "min": (r"\min", "min")}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def gate(e):
    """(LaTeX, plain text) of the symbol a circuit draws in a node's circle: +, ×, σ, exp, ...
    for one operation on names and constants; None for a compound expression (the circle then
    shows the node's name)."""
    def simple(a):
        return isinstance(a, (Ref, Const))

    def chain(a, kind):     # a + b + c is one + gate
        return simple(a) or (isinstance(a, kind) and all(chain(x, kind) for x in a.args))
    if isinstance(e, (Add, Mul)) and chain(e, type(e)):
        return ("+", "+") if isinstance(e, Add) else (r"\times", "×")
    if isinstance(e, Sub) and all(simple(a) for a in e.args):
        return "-", "−"
    if isinstance(e, Div) and all(simple(a) for a in e.args):
        return r"\div", "÷"
    if isinstance(e, Neg) and simple(e.args[0]):
        return r"\times(-1)", "×(−1)"
    if isinstance(e, Pow) and simple(e.args[0]):
        return "x^{%d}" % e.k, "x" + str(e.k).translate(_SUPERSCRIPT)
    if isinstance(e, Call) and all(simple(a) for a in e.args):
        return _GATES[e.name]
    return None


def symbol(problem, name: str) -> str:
    """A quantity's symbol: a value by its name, d<name> as ∂f/∂name, d<n>_d<o> as ∂n/∂o."""
    if name in problem.inputs or name in {n.name for n in problem.nodes}:
        return tex_name(name)
    for nd in problem.nodes:
        for o in nd.refs():
            if name == f"d{nd.name}_d{o}":
                return partial(nd.name, o)
    return partial(problem.output, name[1:])


def notation(problem):
    """The worksheet Notation, writing a graph's quantity names (for the check report)."""
    from ..render.printer import Notation

    class GraphNotation(Notation):
        def symbol(self, name):
            return symbol(problem, name)
    return GraphNotation()
