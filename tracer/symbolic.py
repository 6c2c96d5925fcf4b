"""Symbolic numbers (`numbers: symbolic`): the step traced with sympy symbols in place of
the chosen parameter and data entries, the way seed 004 derives its general formulas before
it substitutes any number.

`symbolize` marks the chosen entries of the problem with their symbols (the problem keeps
its numbers, so everything else that reads it is unchanged); `SymbolicField` is the number
field whose arrays hold sympy expressions.  Imported only on the symbolic path (sympy is
heavy).

Symbol names, 1-based, as the contract (section 5) fixes them: `W1_2_1` (layer 1, row 2,
column 1), `b1_2`, `x_3_1` (sample 3, feature 1), `y_3_1`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter

from .numbers import Field, TooManyDigits
from .numtext import rounded
from .schema import Num, ProblemError

# Limits, measured (docs/problem-format.md, section 5): past them a symbolic trace is a wall
# of text nobody reads, and sympy's time grows with it.
MAX_SYMBOLS = 200          # symbols in one trace
MAX_ENTRY = 2000           # characters of one entry's expression (sympy's str form)
# how to get under the limits: the problem file's `symbols:` (there is no command-line form)
FEWER = "trace fewer steps, or keep fewer symbols: the problem file's symbols: [W2] keeps only W2 symbolic"
MAX_TOTAL = 200_000        # characters of all entries of a trace together


class TooLarge(TooManyDigits):
    """A symbolic expression outgrew the limits; the recorder names the quantity."""

    advice = ""   # the message says what to do (fewer steps or symbols); --round does not apply


class SymNum(Num):
    """A number of the problem file that the symbolic trace replaces by `symbol`."""

    symbol: object

    def __new__(cls, value, symbol):
        self = super().__new__(cls, value, getattr(value, "text", None))
        self.symbol = symbol
        return self


# -- names --------------------------------------------------------------------------------------
_NAME = re.compile(r"^(?:(?P<p>[Wb])(?P<l>\d+)|(?P<d>[xy]))(?P<idx>(?:_\d+)*)$")


def entry_names(problem):
    """Every entry that can be a symbol: {group: {entry name: (where, index)}}, groups in file
    order (x, y, W1, b1, W2, ...)."""
    groups = {"x": {}, "y": {}}
    for s, row in enumerate(problem.x):
        for k in range(len(row)):
            groups["x"][f"x_{s + 1}_{k + 1}"] = ("x", (s, k))
    for s, row in enumerate(problem.y):
        for k in range(len(row)):
            groups["y"][f"y_{s + 1}_{k + 1}"] = ("y", (s, k))
    for l, L in enumerate(problem.layers, 1):
        groups[f"W{l}"] = {f"W{l}_{i + 1}_{j + 1}": (("W", l), (i, j))
                           for i in range(len(L.W)) for j in range(len(L.W[0]))}
        if L.b is not None:
            groups[f"b{l}"] = {f"b{l}_{i + 1}": (("b", l), (i,)) for i in range(len(L.b))}
    return groups


def chosen(problem):
    """The entry names the trace keeps symbolic (all of them when `symbols` is not given).
    A name that matches nothing is refused, naming its place."""
    groups = entry_names(problem)
    if problem.symbols is None:
        return {n for g in groups.values() for n in g}
    out = set()
    for i, s in enumerate(problem.symbols):
        s = str(s).strip()
        if s in groups:
            out |= set(groups[s])
            continue
        hit = next((g for g in groups.values() if s in g), None)
        if hit is None:
            raise ProblemError(f"symbols[{i}]", f"'{s}' names nothing in the file; "
                               f"{_known(problem, groups)}")
        out.add(s)
    return out


def _known(problem, groups):
    return (f"the file has {', '.join(groups)} (a whole matrix) or their entries, 1-based, like "
            "W1_2_1 (layer 1, row 2, column 1), b1_2, x_3_1 (sample 3, feature 1), y_3_1")


def check_symbols(problem):
    """The checks between keys for `symbols` (called while the problem file is read)."""
    if problem.symbols is not None:
        chosen(problem)


def _latex_name(name, notation):
    m = _NAME.match(name)
    idx = [int(i) for i in m["idx"].split("_")[1:]]
    sub = ("," if any(i > 9 for i in idx) else "").join(str(i) for i in idx)
    if m["d"]:
        return f"{m['d']}_{{{sub}}}"
    sup = "{(%s)}" % m["l"] if (notation or {}).get("index") == "(l)" else "{[%s]}" % m["l"]
    return f"{m['p']}^{sup}_{{{sub}}}"


def symbolize(problem, F):
    """(problem', F): the chosen entries of the problem marked with their symbols, and the
    field told the file's numbers (to show a formula's value) and the symbols' LaTeX."""
    names = chosen(problem)
    if len(names) > MAX_SYMBOLS:
        raise ProblemError("numbers", f"symbolic: {len(names)} symbols, past the limit of "
                           f"{MAX_SYMBOLS}; keep fewer symbolic with symbols: [...] (e.g. "
                           "symbols: [W1]) or use numbers: exact")
    groups = entry_names(problem)
    x = [list(r) for r in problem.x]
    y = [list(r) for r in problem.y]
    layers = [replace(L, W=[list(r) for r in L.W], b=None if L.b is None else list(L.b))
              for L in problem.layers]
    for g in groups.values():
        for name, (where, idx) in g.items():
            if name not in names:
                continue
            sym = sp.Symbol(name, real=True)
            if where == "x":
                target = x[idx[0]]
            elif where == "y":
                target = y[idx[0]]
            else:
                target = getattr(layers[where[1] - 1], where[0])
                target = target[idx[0]] if where[0] == "W" else target
            k = idx[-1]
            F.values[sym] = sp.Rational(target[k].numerator, target[k].denominator)
            F.names[sym] = _latex_name(name, problem.notation)
            target[k] = SymNum(target[k], sym)
    F.partial = problem.symbols is not None
    F.decimals = problem.decimals
    return replace(problem, x=x, y=y, layers=layers), F


# -- the field ----------------------------------------------------------------------------------
def _sym(v):
    if isinstance(v, SymNum):
        return v.symbol
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, (int, np.integer)):
        return sp.Integer(int(v))
    q = Fraction(v)
    return sp.Rational(q.numerator, q.denominator)


def _vec(fn):
    f = np.frompyfunc(fn, 1, 1)
    return lambda X: f(np.asarray(X, dtype=object))


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


def _relu(e):
    """z·H(z) (ReLU as the engine computes it, z times its derivative) written max(0, z)."""
    for h in e.args:
        if isinstance(h, sp.Heaviside) and h.args[1:] in ((), (0,)):
            rest = sp.Mul(*[a for a in e.args if a is not h])
            if rest == h.args[0]:
                return sp.Max(0, rest)
    return e


def _tidy(e):
    """Collected, not expanded: a sum's common factors pulled out (x W + x b -> x (W + b))
    when that makes it shorter; sympy's own canonical form otherwise."""
    e = sp.sympify(e)
    if e.is_Mul:
        return _relu(e)
    if not e.is_Add:
        return e
    f = sp.factor_terms(e)
    return f if _size(f) < _size(e) else e


def _size(e):
    return len(str(e))


_v_sym, _v_tidy = _vec(_sym), _vec(_tidy)


def _where(z, a, b):
    if a == z and b == 0:
        return sp.Max(0, z)              # ReLU as every course writes it
    return sp.Piecewise((a, z > 0), (b, True))


class _Printer(LatexPrinter):
    """sympy's LaTeX, with ReLU's derivative written as the worksheet writes it."""

    def _print_Heaviside(self, expr, exp=None):
        # Heaviside(z, 0) is 1 for z > 0 and 0 at z = 0: ReLU'(z) (SymbolicField.positive)
        tex = r"\mathrm{ReLU}'\left(%s\right)" % self._print(expr.args[0])
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)


class SymbolicField(Field):
    """Arrays of sympy expressions.  Entries' JSON `exact` is sympy's str form (sympify reads
    it back with no extra names); `float` is null."""

    name = "symbolic"
    symbolic = True

    def __init__(self, round_to=None):
        if round_to is not None:
            raise ValueError("hand rounding does not apply to symbolic numbers")
        super().__init__(None)
        self.values: dict = {}     # symbol -> the problem file's number
        self.names: dict = {}      # symbol -> its LaTeX (W^{[1]}_{21})
        self.partial = False       # symbols: [...] given: show each formula's value too
        self.decimals = 4
        self.total = 0

    def array(self, data):
        if np.ndim(data) == 0:
            return _sym(data)
        return _v_sym(np.array(data, dtype=object))

    def const(self, q):
        return _sym(q)

    def finalize(self, X):
        X = _v_tidy(X) if np.ndim(X) else _tidy(X)
        sizes = [_size(e) for e in np.ravel(np.asarray(X, dtype=object))]
        biggest = max(sizes, default=0)
        if biggest > MAX_ENTRY:
            raise TooLarge(f"a symbolic entry of {biggest} characters, past the limit of "
                           f"{MAX_ENTRY} per entry ({FEWER})")
        self.total += sum(sizes)
        if self.total > MAX_TOTAL:
            raise TooLarge(f"symbolic entries of {self.total} characters in all, past the limit "
                           f"of {MAX_TOTAL} per trace ({FEWER})")
        return X

    def round(self, X, k):
        raise NotImplementedError("hand rounding does not apply to symbolic numbers")

    # elementwise functions: sympy's, entry by entry
    exp, log, sqrt, tanh = (staticmethod(_vec(f)) for f in (sp.exp, sp.log, sp.sqrt, sp.tanh))
    sigmoid = staticmethod(_vec(_sigmoid))
    positive = staticmethod(_vec(lambda z: sp.Heaviside(z, 0)))     # ReLU' (0 at 0)

    def where_positive(self, X, a, b):
        X, a, b = np.broadcast_arrays(*(np.asarray(v, dtype=object) for v in (X, a, b)))
        out = np.empty(X.shape, dtype=object)
        for idx, z in np.ndenumerate(X):
            out[idx] = _where(z, a[idx], b[idx])
        return out

    def safe_div(self, a, b):
        return a / b        # a formula: no clamping (the numeric fields clamp at 1e-12)

    def describe(self, x):
        return None, None, str(sp.sympify(x))

    # -- display ----------------------------------------------------------------------------
    def value(self, x):
        """The entry with the problem file's numbers substituted for every symbol."""
        return sp.sympify(x).xreplace(self.values)

    def latex(self, x, decimals=None):
        """One entry as LaTeX: the formula, and with `symbols: [...]` its value after it."""
        x = sp.sympify(x)
        text = _Printer(dict(symbol_names=self.names, mul_symbol=None)).doprint(x)
        if not self.partial or not x.free_symbols or not x.free_symbols <= set(self.values):
            return text       # no value to show: a formula in entries of earlier quantities
        v = self.value(x)
        d = self.decimals if decimals is None else decimals
        if v.is_Rational:
            q = Fraction(int(v.p), int(v.q))
            rel, shown = "=", _rational_text(q, d)
        else:
            rel, shown = r"\approx", rounded(Decimal(str(v.evalf(40))), d)
        return rf"{text} {rel} {shown}"


def _rational_text(q: Fraction, d):
    if q.denominator == 1:
        return str(q.numerator)
    from .numtext import decimal_text, finite_decimal, latex_fraction
    if finite_decimal(q.denominator) and len(str(q.denominator)) <= d + 1:
        return decimal_text(q)
    return latex_fraction(q)


# -- the worksheet's local view -----------------------------------------------------------------
SHORT = 40      # an operand whose entries are all this short is written out, else named


def entry_symbols(F, name, shape, notation):
    """A matrix of fresh symbols for the entries of quantity `name` (z^{[1]}_{11}, …), their
    LaTeX registered with the field: each entry written as the worksheet's entry lines write
    it (`notation.entry`: the index in the subscript beside the layer superscript,
    Z^{[1]}_{11}, never {Z^{[1]}}_{11}, which sets the index after the superscript)."""
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        sym = sp.Symbol(name + "__" + "_".join(str(i + 1) for i in idx))
        F.names[sym] = notation.entry(name, idx) if idx else notation.symbol(name)
        out[idx] = sym
    return out if shape else out[()]


def local_formulas(trace, step, q, notation):
    """q's recorded expression evaluated on the entries of the quantities it reads, named
    (z^{[1]}_{11}, …) unless they are given and short (data, parameters): each entry as a formula in the
    previous quantities, the way seed 004 writes s₃ = W₃ f(s₁) + W₄ f(s₂) + b₃ before it
    substitutes anything.  `notation`: the sheet's (render.notation.Notation: symbol, entry)."""
    from .ops import Ctx
    F = trace.field
    env = {}
    for name in q.expr.refs():
        src = step.quantities[name]
        given = src.kind in ("data", "param", "mask") and \
            all(_size(e) <= SHORT for e in np.ravel(np.asarray(src.value, dtype=object)))
        env[name] = src.value if given else entry_symbols(F, name, np.shape(src.value), notation)
    out = q.expr.eval(Ctx(env, F))
    return _v_tidy(out) if np.ndim(out) else _tidy(out)


def is_short(value, limit=120) -> bool:
    return all(_size(e) <= limit for e in np.ravel(np.asarray(value, dtype=object)))
