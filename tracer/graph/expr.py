"""The expression language of `graph:` nodes: tokens, a recursive-descent parser (no eval),
and the expression nodes it builds, which evaluate in any number field.

    a + b * c,  -x**2,  sigmoid(w0*x0 + w1*x1 + w2),  max(x, y) / 2

Grammar (Python's precedence; `^` is accepted for `**`, `−`, `·` and `×` for `-` and `*`):

    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom ('**' ['-'|'+'] INTEGER  |  '**' '(' ['-'|'+'] INTEGER ')')?
    atom    := NUMBER | NAME | FUNCTION '(' sum (',' sum)* ')' | '(' sum ')'

The nodes are tracer.ops nodes (Ref, Const, Add, Sub, Mul from there, the rest here), so the
recorder evaluates them and the checker re-evaluates them on a student's own numbers exactly
as it does a network's.  FUNCTIONS is the one table of what each function is: its arity,
its value in every field, and how it is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import ops
from ..numtext import finite_decimal, plain

MAX_LENGTH = 1000      # characters of one expression
MAX_DEPTH = 60         # nesting of parentheses, calls and unary signs
MAX_EXPONENT = 64      # |k| of x**k: exact fractions grow k-fold with each power


class GraphSyntaxError(ValueError):
    """A malformed expression; the caller adds the place (graph.nodes.<name>)."""


class GraphMathError(ArithmeticError):
    """A value the graph cannot have (division by 0, log of a number ≤ 0, ...).  An
    ArithmeticError, so that the checker treats it as any failed re-evaluation."""


# -- the functions ---------------------------------------------------------------------------
def _scalar(v):
    """Field functions work on arrays; a graph holds scalars (0-d arrays unwrapped)."""
    return v[()] if isinstance(v, np.ndarray) else v


def _known(F, x):
    """x as a number we can compare, or None for a symbolic expression with symbols in it."""
    if F.symbolic:
        return x if not getattr(x, "free_symbols", None) else None
    return x


def _positive_arg(name):
    def check(F, x):
        v = _known(F, x)
        if v is not None and not v > 0:
            raise GraphMathError(f"{name} of a number that is not positive ({name}({_short(F, x)}))")
    return check


def _sqrt_arg(F, x):
    v = _known(F, x)
    if v is not None and v < 0:
        raise GraphMathError(f"square root of a negative number (sqrt({_short(F, x)}))")


def _short(F, x) -> str:
    q, f, form = F.describe(x)
    if q is not None:
        return str(q)
    return f"{f:.6g}" if f is not None else str(form)


def _sym():
    import sympy
    return sympy


def _abs(F, x):
    if F.symbolic:
        return _sym().Abs(x)
    return _scalar(F.where_positive(x, x, -x))


def _sign(F, x):
    """abs′: 1, −1, and 0 at 0 (as torch)."""
    if F.symbolic:
        return _sym().sign(x)
    one = F.const(1)
    return _scalar(F.where_positive(x, one, F.where_positive(-x, -one, one * 0)))


def _max(F, a, b):
    if F.symbolic:
        return _sym().Max(a, b)
    return _scalar(F.where_positive(a - b, a, b))


def _min(F, a, b):
    if F.symbolic:
        return _sym().Min(a, b)
    return _scalar(F.where_positive(b - a, a, b))


def _share(F, a, b):
    """∂max(a, b)/∂a: 1 when a > b, 0 when a < b, ½ at a tie (torch splits the gradient)."""
    if F.symbolic:
        sp = _sym()
        return sp.Piecewise((1, a > b), (sp.Rational(1, 2), sp.Eq(a, b)), (0, True))
    one = F.const(1)
    half = F.const(Fraction(1, 2))
    return _scalar(F.where_positive(a - b, one, F.where_positive(b - a, one * 0, half)))


@dataclass(frozen=True)
class Function:
    name: str
    arity: int
    value: object              # (F, *args) -> value
    check: object = None       # (F, *args) -> raises GraphMathError outside the domain
    user: bool = True          # False: only the backward pass writes it (a derivative)
    kink: bool = False         # not differentiable where its argument is 0 (or a tie)


FUNCTIONS = {f.name: f for f in [
    Function("exp", 1, lambda F, x: _scalar(F.exp(x))),
    Function("log", 1, lambda F, x: _scalar(F.log(x)), _positive_arg("log")),
    Function("sqrt", 1, lambda F, x: _scalar(F.sqrt(x)), _sqrt_arg),
    Function("sigmoid", 1, lambda F, x: _scalar(F.sigmoid(x))),
    Function("tanh", 1, lambda F, x: _scalar(F.tanh(x))),
    Function("relu", 1, lambda F, x: _scalar(F.relu(x)), kink=True),
    Function("abs", 1, _abs, kink=True),
    Function("max", 2, _max, kink=True),
    Function("min", 2, _min, kink=True),
    # derivatives, written by the backward pass only
    Function("step", 1, lambda F, x: _scalar(F.positive(x)), user=False),   # relu′: 0 at 0
    Function("sign", 1, _sign, user=False),                                 # abs′: 0 at 0
    Function("share", 2, _share, user=False),                               # max′, min′
]}
USER_FUNCTIONS = [n for n, f in FUNCTIONS.items() if f.user]


# -- nodes -------------------------------------------------------------------------------------
Ref, Const, Add, Sub, Mul = ops.Ref, ops.Const, ops.Add, ops.Sub, ops.Mul


class Neg(ops.Node):
    def __init__(self, a):
        self.args = (a,)

    def compute(self, ctx, a):
        return -a


def _is_zero(F, b) -> bool:
    if F.symbolic:
        return bool(b == 0)
    return b == 0


class Div(ops.Node):
    """a / b, refusing b = 0 in every field (a float division would print inf)."""

    def __init__(self, a, b):
        self.args = (a, b)

    def compute(self, ctx, a, b):
        if _is_zero(ctx.F, b):
            d = self.args[1]
            raise GraphMathError("division by 0" + ("" if isinstance(d, Const) else f" ({text(d)} = 0)"))
        return a / b


class Pow(ops.Node):
    """a**k for a whole k (negative: 1 / a**|k|; k = 0 gives 1, also at a = 0)."""

    def __init__(self, a, k: int):
        self.args, self.k = (a,), int(k)

    def compute(self, ctx, a):
        if self.k == 0:
            return ctx.F.const(1)
        if self.k < 0:
            if _is_zero(ctx.F, a):
                raise GraphMathError(f"division by 0 (0 to the power {self.k})")
            return ctx.F.const(1) / a ** (-self.k)
        return a ** self.k

    def __repr__(self):
        return f"Pow({self.args[0]!r}, {self.k})"


class Call(ops.Node):
    def __init__(self, name, *args):
        self.fn, self.args = FUNCTIONS[name], tuple(args)

    @property
    def name(self):
        return self.fn.name

    def compute(self, ctx, *vals):
        if self.fn.check is not None:
            self.fn.check(ctx.F, *vals)
        return self.fn.value(ctx.F, *vals)

    def __repr__(self):
        return f"{self.fn.name}({', '.join(repr(a) for a in self.args)})"


# -- tokens ------------------------------------------------------------------------------------
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^(),])
""", re.VERBOSE)
_ALIASES = {"\u2212": "-", "\u00b7": "*", "\u00d7": "*", "\u22c5": "*", "^": "**"}


@dataclass
class Token:
    kind: str        # number | name | op | end
    text: str
    col: int         # 1-based column in the expression


def _printable(ch: str) -> str:
    return repr(ch) if ch.isprintable() else ascii(ch)


def tokenize(text: str) -> list[Token]:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in _ALIASES:
            out.append(Token("op", _ALIASES[ch], i + 1))
            i += 1
            continue
        m = _TOKEN.match(text, i)
        if m is None:
            raise GraphSyntaxError(f"unexpected character {_printable(ch)} at column {i + 1}")
        if m.lastgroup != "space":
            out.append(Token(m.lastgroup, m.group(), i + 1))
        i = m.end()
    out.append(Token("end", "", len(text) + 1))
    return out


# -- the parser --------------------------------------------------------------------------------
class Parser:
    def __init__(self, text: str):
        if len(text) > MAX_LENGTH:
            raise GraphSyntaxError(f"{len(text)} characters, past the limit of {MAX_LENGTH}")
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, *ops_) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops_

    def expect(self, op):
        if not self.at(op):
            raise GraphSyntaxError(f"expected '{op}' {self._where()}")
        self.take()

    def _where(self) -> str:
        t = self.tok
        return "at the end" if t.kind == "end" else f"at column {t.col}, before '{t.text}'"

    def _deeper(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise GraphSyntaxError(f"nested more than {MAX_DEPTH} deep")

    def parse(self):
        if self.tok.kind == "end":
            raise GraphSyntaxError("an empty expression")
        node = self.sum()
        if self.tok.kind != "end":
            t = self.tok
            prev = self.tokens[self.i - 1]
            if t.kind in ("name", "number") or (t.kind == "op" and t.text == "("):
                raise GraphSyntaxError(f"an operator is missing between '{prev.text}' and '{t.text}' at "
                                       f"column {t.col} (write {prev.text}*{t.text} for a product)")
            raise GraphSyntaxError(f"unexpected '{t.text}' at column {t.col}")
        return node

    def sum(self):
        node = self.product()
        while self.at("+", "-"):
            op = self.take().text
            right = self.product()
            node = Add(node, right) if op == "+" else Sub(node, right)
        return node

    def product(self):
        node = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            right = self.unary()
            node = Mul(node, right) if op == "*" else Div(node, right)
        return node

    def unary(self):
        if self.at("-", "+"):
            op = self.take().text
            self._deeper()
            inner = self.unary()
            self.depth -= 1
            if op == "+":
                return inner
            if isinstance(inner, Const):      # -3 is a number, not an operation on 3
                return Const(-inner.q)
            return Neg(inner)
        return self.power()

    def power(self):
        base = self.atom()
        if not self.at("**"):
            return base
        self.take()
        paren = self.at("(")
        if paren:
            self.take()
        sign = 1
        if self.at("-", "+"):
            sign = -1 if self.take().text == "-" else 1
        t = self.tok
        if t.kind != "number" or not t.text.isdigit():
            raise GraphSyntaxError(f"powers take a whole-number exponent (x**2, x**-1) {self._where()}")
        self.take()
        if paren:
            self.expect(")")
        k = sign * int(t.text)
        if abs(k) > MAX_EXPONENT:
            raise GraphSyntaxError(f"exponent {k} is past the limit of ±{MAX_EXPONENT}")
        if self.at("**"):
            raise GraphSyntaxError(f"a power of a power at column {self.tok.col}: write (x**a)**b")
        return Pow(base, k)

    def atom(self):
        t = self.tok
        if t.kind == "number":
            self.take()
            return Const(Fraction(Decimal(t.text)))
        if t.kind == "name":
            self.take()
            if self.at("("):
                return self.call(t)
            if t.text in FUNCTIONS and FUNCTIONS[t.text].user:
                raise GraphSyntaxError(f"'{t.text}' is a function: write {t.text}(...)")
            return Ref(t.text)
        if self.at("("):
            self.take()
            self._deeper()
            node = self.sum()
            self.depth -= 1
            self.expect(")")
            return node
        if t.kind == "end":
            raise GraphSyntaxError("the expression ends too early (an operand is missing at the end)")
        raise GraphSyntaxError(f"expected a name, a number or '(' at column {t.col}, got '{t.text}'")

    def call(self, t: Token):
        fn = FUNCTIONS.get(t.text)
        if fn is None or not fn.user:
            raise GraphSyntaxError(f"unknown function '{t.text}'; known: {', '.join(USER_FUNCTIONS)}")
        self.take()   # (
        self._deeper()
        args = [self.sum()]
        while self.at(","):
            self.take()
            args.append(self.sum())
        self.depth -= 1
        self.expect(")")
        if len(args) != fn.arity:
            raise GraphSyntaxError(f"{fn.name} takes {fn.arity} argument{'s' if fn.arity > 1 else ''}, "
                                   f"got {len(args)}")
        return Call(fn.name, *args)


def parse(text: str):
    """The expression tree of `text` (GraphSyntaxError naming the column when malformed)."""
    return Parser(text).parse()


# -- the one precedence table -------------------------------------------------------------------
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5


def precedence(node) -> int:
    if isinstance(node, (Add, Sub)):
        return SUM
    if isinstance(node, (Mul, Div)):
        return PRODUCT
    if isinstance(node, Neg) or (isinstance(node, Const) and node.q < 0):
        return UNARY
    if isinstance(node, Const) and node.q.denominator != 1:
        return ATOM if finite_decimal(node.q.denominator) else PRODUCT
    if isinstance(node, Pow):
        return POWER
    return ATOM


_FILE = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "neg": "-"}
_DISPLAY = {"add": " + ", "sub": " − ", "mul": "·", "div": "/", "neg": "−"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_DISPLAY_CALLS = {"sigmoid": "σ", "relu": "ReLU", "step": "𝟙", "share": "𝟙"}


def text(node, display=False) -> str:
    """The expression in the file's own syntax (parse(text(e)) is e again), for messages; or,
    `display`, as a person writes it in plain text (q·z, −x², σ(c)), for the terminal."""
    ops_ = _DISPLAY if display else _FILE

    def wrap(a, need, strict=False):
        s = text(a, display)
        p = precedence(a)
        return f"({s})" if p < need or (strict and p == need) else s
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Const):
        return plain(node.q).replace("-", ops_["neg"])
    if isinstance(node, (Add, Sub, Mul, Div)):
        sym = ops_[{Add: "add", Sub: "sub", Mul: "mul", Div: "div"}[type(node)]]
        p = precedence(node)
        return wrap(node.args[0], p) + sym + wrap(node.args[1], p, strict=True)   # left-associative
    if isinstance(node, Neg):
        return ops_["neg"] + wrap(node.args[0], POWER)
    if isinstance(node, Pow):
        k = node.k
        if display:
            return wrap(node.args[0], ATOM) + str(k).translate(_SUPERSCRIPT)
        return wrap(node.args[0], ATOM) + "**" + (str(k) if k >= 0 else f"({k})")
    if isinstance(node, Call):
        name = _DISPLAY_CALLS.get(node.name, node.name) if display else node.name
        if display and node.name in ("step", "share"):
            a = [text(x, display) for x in node.args]
            return f"𝟙[{a[0]} > {a[1] if len(a) > 1 else 0}]"
        return f"{name}(" + ", ".join(text(a, display) for a in node.args) + ")"
    raise TypeError(node)
