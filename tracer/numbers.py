"""Number fields: the arithmetic the engine runs in (exact, float, rounded, symbolic).

The layers never ask which field they run in.  They build expressions (tracer.ops) whose
nodes call the field's elementwise functions (exp, log, sigmoid, ...) on numpy arrays:
float64 arrays in the float field, object arrays of `Real` (exact) or sympy expressions
(symbolic) otherwise.  Python's operators do the rest, so `W @ A + b` is the same code in
every field.
"""
from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

# Working precision for values that are not rational (sigmoid, log, sqrt, ...): 60 digits
# carried, so that at least 30 significant digits survive a long chain of operations.
DIGITS = 60
CTX = decimal.Context(prec=DIGITS, Emax=10**9, Emin=-(10**9), rounding=decimal.ROUND_HALF_EVEN)
# Closed forms longer than this are dropped (the value stays exact-to-60-digits, the JSON
# says null): a 2 kB expression helps nobody.
FORM_LIMIT = 160
LOG_FLOOR = -100  # log(0) is clamped here, as torch.nn.BCELoss does
# Exact fractions grow with every step (ReLU networks: about 5× the digits per step); past
# this many digits in a numerator or denominator the trace stops with a message instead of
# crawling on into numbers nobody can read (Python will not even print past 4300 digits).
DIGIT_LIMIT = 1000
_LIMIT_BITS = int(DIGIT_LIMIT * math.log2(10))


class TooManyDigits(ArithmeticError):
    """An exact value outgrew DIGIT_LIMIT; the recorder names the quantity."""


class OutOfRange(TooManyDigits):
    """A value left float64's range (or exact arithmetic's): no output could show it."""

    advice = "the numbers grow without bound: a smaller learning rate, smaller inputs or fewer steps"


FLOAT_MAX = Fraction(np.finfo(np.float64).max)
OUT_OF_RANGE = "a value beyond float64's range (|x| > 1.8e308)"


def _dec(q: Fraction) -> Decimal:
    return CTX.divide(Decimal(q.numerator), Decimal(q.denominator))


# Closed forms are strings with a precedence: 3 atom / call, 2 product or quotient, 1 sum.
def _qform(q: Fraction) -> tuple[str, int]:
    s = str(q)
    if q < 0:
        return s, 1
    return s, (3 if q.denominator == 1 else 2)


def _wrap(form: tuple[str, int], need: int) -> str:
    return form[0] if form[1] >= need else f"({form[0]})"


def _operand(method):
    """A binary operator of Real: an array answers for itself (elementwise, NotImplemented
    here), anything else is made a Real first."""
    def op(self, o):
        if isinstance(o, np.ndarray):
            return NotImplemented
        return method(self, Real.of(o))
    op.__name__ = method.__name__
    return op


class Real:
    """An exact-mode number: a Fraction when rational, else 60 digits with a closed form."""

    __slots__ = ("q", "d", "form")

    def __init__(self, q=None, d=None, form=None):
        self.q = q          # Fraction, or None when the value is not rational
        self.d = d          # Decimal approximation when q is None
        self.form = form    # (text, precedence) closed form when q is None, or None

    # -- construction -------------------------------------------------------------------
    @staticmethod
    def of(x) -> "Real":
        if isinstance(x, Real):
            return x
        if isinstance(x, (int, Fraction)):
            return Real(Fraction(x))
        if isinstance(x, Decimal):
            return Real(Fraction(x))
        if isinstance(x, float):
            return Real(Fraction(x))
        raise TypeError(f"cannot make an exact number of {x!r}")

    @property
    def exact(self) -> bool:
        return self.q is not None

    def decimal(self) -> Decimal:
        return _dec(self.q) if self.q is not None else self.d

    def getform(self):
        return _qform(self.q) if self.q is not None else self.form

    def __float__(self):
        if self.q is not None:
            return float(self.q)
        return float(self.d)

    def __repr__(self):
        if self.q is not None:
            return f"Real({self.q})"
        return f"Real(~{self.d:.12g}, {self.form[0] if self.form else None})"

    __str__ = __repr__

    # -- arithmetic ---------------------------------------------------------------------
    def _binary(self, o, qop, dop, sym, lneed, rneed, prec):
        if self.q is not None and o.q is not None:
            return Real(qop(self.q, o.q))
        d = dop(self.decimal(), o.decimal())
        fa, fb = self.getform(), o.getform()
        form = None
        if fa is not None and fb is not None:
            text = f"{_wrap(fa, lneed)}{sym}{_wrap(fb, rneed)}"
            if len(text) <= FORM_LIMIT:
                form = (text, prec)
        return _inexact(d, form)

    # Exact 0 and 1 act exactly even beside an inexact operand: 0·σ(z) is 0, not 0.0000
    # with a closed form ending in *0 (ReLU′ = 0 must give an exact zero).
    @_operand
    def __add__(self, o):
        if o.q == 0:
            return self
        if self.q == 0:
            return o
        return self._binary(o, lambda a, b: a + b, CTX.add, " + ", 1, 1, 1)

    @_operand
    def __sub__(self, o):
        if o.q == 0:
            return self
        if self.q == 0:
            return -o
        return self._binary(o, lambda a, b: a - b, CTX.subtract, " - ", 1, 2, 1)

    @_operand
    def __mul__(self, o):
        if self.q == 0 or o.q == 0:
            return Real(Fraction(0))
        if o.q == 1:
            return self
        if self.q == 1:
            return o
        if o.q == -1:
            return -self
        if self.q == -1:
            return -o
        return self._binary(o, lambda a, b: a * b, CTX.multiply, "*", 2, 2, 2)

    @_operand
    def __truediv__(self, o):
        if o.q == 0 or (o.q is None and o.d == 0):
            raise ZeroDivisionError("division by zero")
        if self.q == 0:
            return Real(Fraction(0))
        if o.q == 1:
            return self
        return self._binary(o, lambda a, b: a / b, CTX.divide, "/", 2, 3, 2)

    def __radd__(self, o):
        return Real.of(o).__add__(self)

    def __rsub__(self, o):
        return Real.of(o).__sub__(self)

    def __rmul__(self, o):
        return Real.of(o).__mul__(self)

    def __rtruediv__(self, o):
        return Real.of(o).__truediv__(self)

    def __neg__(self):
        if self.q is not None:
            return Real(-self.q)
        form = None
        if self.form is not None:
            form = (f"-{_wrap(self.form, 2)}", 1)
        return _inexact(CTX.minus(self.d), form)

    def __pos__(self):
        return self

    def __abs__(self):
        return -self if self < 0 else self

    def __pow__(self, k):
        if not isinstance(k, int):
            raise TypeError("only integer powers of exact numbers")
        if self.q is not None:
            return Real(self.q ** k)
        form = None
        if self.form is not None:
            form = (f"{_wrap(self.form, 3)}**{k}", 2)
        return _inexact(CTX.power(self.d, k), form)

    # -- comparison ---------------------------------------------------------------------
    def _cmp_key(self, o):
        o = Real.of(o)
        if self.q is not None and o.q is not None:
            return self.q, o.q
        return self.decimal(), o.decimal()

    def __lt__(self, o):
        a, b = self._cmp_key(o)
        return a < b

    def __le__(self, o):
        a, b = self._cmp_key(o)
        return a <= b

    def __gt__(self, o):
        a, b = self._cmp_key(o)
        return a > b

    def __ge__(self, o):
        a, b = self._cmp_key(o)
        return a >= b

    def __eq__(self, o):
        try:
            a, b = self._cmp_key(o)
        except TypeError:
            return NotImplemented
        return a == b

    def __hash__(self):
        return hash(self.q) if self.q is not None else hash(self.d)


def _inexact(d: Decimal, form) -> Real:
    return Real(None, CTX.plus(d), form)


# -- transcendental functions of exact numbers ---------------------------------------------
def _call(name, x: Real):
    f = x.getform()
    if f is None:
        return None
    text = f"{name}({f[0]})"
    return (text, 3) if len(text) <= FORM_LIMIT else None


def r_exp(x: Real) -> Real:
    if x.q == 0:
        return Real(Fraction(1))
    try:
        return _inexact(CTX.exp(x.decimal()), _call("exp", x))
    except decimal.Overflow:           # e^x past 10^(10^9): x > 2.3e9
        raise OutOfRange(f"exp({float(x):.3g}) is beyond the range of exact numbers") from None


def r_log(x: Real) -> Real:
    if x.q == 1:
        return Real(Fraction(0))
    d = x.decimal()
    if d <= 0:
        return Real(Fraction(LOG_FLOOR))
    val = CTX.ln(d)
    if val < LOG_FLOOR:
        return Real(Fraction(LOG_FLOOR))
    return _inexact(val, _call("log", x))


def r_sqrt(x: Real) -> Real:
    if x.q is not None:
        q = x.q
        if q < 0:
            raise ValueError("square root of a negative number")
        n, m = math.isqrt(q.numerator), math.isqrt(q.denominator)
        if n * n == q.numerator and m * m == q.denominator:
            return Real(Fraction(n, m))
    return _inexact(CTX.sqrt(x.decimal()), _call("sqrt", x))


# Far left (z < -1000), e^{-z} would overflow 60-digit decimals past z = -2.3e9: σ and log σ
# are computed from e^z there, with the same closed forms.
FAR_LEFT = -1000


def r_sigmoid(x: Real) -> Real:
    one = Real(Fraction(1))
    if x.decimal() >= FAR_LEFT:
        return one / (one + r_exp(-x))
    e = CTX.exp(x.decimal())                      # σ(x) = e^x / (1 + e^x)
    return _inexact(CTX.divide(e, CTX.add(1, e)), _far_form("1/(1 + {})", x))


def r_log_sigmoid(x: Real) -> Real:
    one = Real(Fraction(1))
    if x.decimal() >= FAR_LEFT:
        return -r_log(one + r_exp(-x))
    d = x.decimal()                               # log σ(x) = x − log(1 + e^x)
    return _inexact(CTX.subtract(d, CTX.ln(CTX.add(1, CTX.exp(d)))), _far_form("-log(1 + {})", x))


def _far_form(pattern, x):
    ef = _call("exp", -x)
    text = pattern.format(ef[0]) if ef else None
    return (text, 1 if text.startswith("-") else 2) if text and len(text) <= FORM_LIMIT else None


def r_tanh(x: Real) -> Real:
    if x.q == 0:
        return Real(Fraction(0))
    d = x.decimal()
    # tanh = (1 - e^{-2|x|}) / (1 + e^{-2|x|}) with the sign of x: no overflow for large |x|
    e = CTX.exp(CTX.multiply(-2, CTX.abs(d)))
    val = CTX.divide(CTX.subtract(1, e), CTX.add(1, e))
    if d < 0:
        val = CTX.minus(val)
    return _inexact(val, _call("tanh", x))


def round_half_away(q: Fraction, k: int) -> Fraction:
    """q rounded to k decimals, halves away from zero (the hand-calculation rule)."""
    scale = 10 ** k
    n = abs(q) * scale
    r = math.floor(n + Fraction(1, 2))
    return Fraction(r if q >= 0 else -r, scale)


def real_to_fraction_rounded(x: Real, k: int) -> Fraction:
    if x.q is not None:
        return round_half_away(x.q, k)
    d = x.d.quantize(Decimal(1).scaleb(-k), rounding=decimal.ROUND_HALF_UP, context=CTX)
    return Fraction(d)


# -- fields ----------------------------------------------------------------------------------
class Field:
    """Elementwise arithmetic over numpy arrays of one kind of number."""

    name = "?"
    exact = False     # True when entries are exact rationals where possible
    symbolic = False

    def __init__(self, round_to: int | None = None):
        self.round_to = round_to

    # conversions --------------------------------------------------------------------------
    def array(self, data) -> np.ndarray:
        raise NotImplementedError

    def const(self, q: Fraction):
        raise NotImplementedError

    def finalize(self, X):
        """Applied to every recorded quantity: hand-calculation rounding when asked for."""
        if self.round_to is None:
            return X
        return self.round(X, self.round_to)

    def round(self, X, k):
        raise NotImplementedError

    # elementwise functions ------------------------------------------------------------------
    def exp(self, X):
        raise NotImplementedError

    def log(self, X):
        raise NotImplementedError

    def sqrt(self, X):
        raise NotImplementedError

    def sigmoid(self, X):
        raise NotImplementedError

    def tanh(self, X):
        raise NotImplementedError

    def positive(self, X):
        """1 where X > 0, else 0 (ReLU's derivative, 0 at 0)."""
        raise NotImplementedError

    def where_positive(self, X, a, b):
        """a where X > 0, else b (elementwise)."""
        raise NotImplementedError

    def relu(self, Z):
        return self.where_positive(Z, Z, Z * 0)

    def softmax(self, Z, axis):
        E = self.exp(Z)
        return E / E.sum(axis=axis, keepdims=True)

    def log_softmax(self, Z, axis):
        return Z - self.log(self.exp(Z).sum(axis=axis, keepdims=True))

    def log_sigmoid(self, Z):
        return -self.log(self.const(1) + self.exp(-Z))

    def safe_div(self, a, b):
        """a / b for b >= 0, with b kept at least 1e-12 (as torch's BCELoss does): finite."""
        eps = self.const(Fraction(1, 10**12))
        return a / self.where_positive(b - eps, b, b * 0 + eps)

    def describe(self, x):
        """(Fraction or None, float or None, closed form or None) for one entry."""
        raise NotImplementedError

    def check_range(self, X):
        """Raise OutOfRange when X holds a value no output can show (finalize checks the
        exact field; the float field is checked only when a trace is kept)."""


def _vec(fn):
    return np.frompyfunc(fn, 1, 1)


_v_exp, _v_log, _v_sqrt = _vec(r_exp), _vec(r_log), _vec(r_sqrt)
_v_sigmoid, _v_tanh, _v_log_sigmoid = _vec(r_sigmoid), _vec(r_tanh), _vec(r_log_sigmoid)
_v_real = _vec(Real.of)


def _obj(X):
    return np.asarray(X, dtype=object)


class ExactField(Field):
    name = "exact"
    exact = True

    def array(self, data):
        if np.ndim(data) == 0:
            return Real.of(data)
        return _v_real(np.array(data, dtype=object))

    def const(self, q):
        return Real.of(q)

    def finalize(self, X):
        X = super().finalize(X)
        for v in np.ravel(_obj(X)):
            q = getattr(v, "q", None)
            if q is None:
                if v.d.adjusted() > 307 and abs(v.d) > FLOAT_MAX:
                    raise OutOfRange(OUT_OF_RANGE)
                continue
            longest = max(abs(q.numerator), q.denominator)
            if longest.bit_length() > _LIMIT_BITS:
                digits = len(str(longest)) if longest.bit_length() < 14000 else "over 4000"
                raise TooManyDigits(f"exact fractions reached {digits} digits, past the "
                                    f"limit of {DIGIT_LIMIT}")
            if q.numerator.bit_length() - q.denominator.bit_length() > 1022 and abs(q) > FLOAT_MAX:
                raise OutOfRange(OUT_OF_RANGE)
        return X

    def softmax(self, Z, axis):
        # e^z past 10^(10^9) overflows even 60-digit decimals: shift by the largest z, but only
        # then (the closed forms stay exp(z) / Σ exp(z) otherwise)
        top = _obj(Z).max(axis=axis, keepdims=True)
        if all(abs(v) <= 1000 for v in np.ravel(top)):
            return super().softmax(Z, axis)
        return super().softmax(Z - top, axis)

    def log_softmax(self, Z, axis):
        top = _obj(Z).max(axis=axis, keepdims=True)
        if all(abs(v) <= 1000 for v in np.ravel(top)):
            return super().log_softmax(Z, axis)
        return Z - top - self.log(self.exp(Z - top).sum(axis=axis, keepdims=True))

    def log_sigmoid(self, Z):
        return _v_log_sigmoid(_obj(Z))

    def round(self, X, k):
        X = _obj(X)
        out = np.empty(X.shape, dtype=object)
        for idx, v in np.ndenumerate(X):
            out[idx] = Real(real_to_fraction_rounded(Real.of(v), k))
        return out if out.ndim else out[()]

    def exp(self, X):
        return _v_exp(_obj(X))

    def log(self, X):
        return _v_log(_obj(X))

    def sqrt(self, X):
        return _v_sqrt(_obj(X))

    def sigmoid(self, X):
        return _v_sigmoid(_obj(X))

    def tanh(self, X):
        return _v_tanh(_obj(X))

    def positive(self, X):
        one, zero = Real(Fraction(1)), Real(Fraction(0))
        X = _obj(X)
        out = np.empty(X.shape, dtype=object)
        for idx, v in np.ndenumerate(X):
            out[idx] = one if v > 0 else zero
        return out

    def where_positive(self, X, a, b):
        X, a, b = np.broadcast_arrays(_obj(X), _obj(a), _obj(b))
        out = np.empty(X.shape, dtype=object)
        for idx, v in np.ndenumerate(X):
            out[idx] = a[idx] if v > 0 else b[idx]
        return out

    def describe(self, x):
        x = Real.of(x)
        if x.q is not None:
            return x.q, float(x.q), str(x.q)
        return None, float(x.d), (x.form[0] if x.form else None)


class FloatField(Field):
    name = "float"

    def array(self, data):
        return np.array(data, dtype=np.float64) if np.ndim(data) else np.float64(data)

    def const(self, q):
        return float(q)

    def round(self, X, k):
        # half away from zero, decided on the decimal value of the float
        X = np.asarray(X, dtype=np.float64)
        out = np.vectorize(lambda v: float(round_half_away(Fraction(Decimal(repr(float(v)))), k)),
                           otypes=[np.float64])(X)
        return out if out.ndim else np.float64(out)

    def exp(self, X):
        with np.errstate(over="ignore"):
            return np.minimum(np.exp(X), np.finfo(np.float64).max)

    def log(self, X):
        X = np.asarray(X, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log(np.where(X > 0, X, 1.0))
        return np.maximum(np.where(X > 0, out, LOG_FLOOR), LOG_FLOOR)

    def sqrt(self, X):
        return np.sqrt(X)

    def sigmoid(self, X):
        X = np.asarray(X, dtype=np.float64)
        e = np.exp(-np.abs(X))  # never overflows
        return np.where(X >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def tanh(self, X):
        return np.tanh(X)

    def softmax(self, Z, axis):
        E = np.exp(Z - Z.max(axis=axis, keepdims=True))
        return E / E.sum(axis=axis, keepdims=True)

    def log_softmax(self, Z, axis):
        S = Z - Z.max(axis=axis, keepdims=True)
        return S - np.log(np.exp(S).sum(axis=axis, keepdims=True))

    def log_sigmoid(self, Z):
        return -(np.maximum(-Z, 0.0) + np.log1p(np.exp(-np.abs(Z))))

    def positive(self, X):
        return (np.asarray(X) > 0).astype(np.float64)

    def where_positive(self, X, a, b):
        return np.where(np.asarray(X) > 0, a, b)

    def relu(self, Z):
        # = where_positive(Z, Z, Z·0) bit for bit (−0.0, NaN, ±inf too), without a branch per
        # entry: 5× faster on a training batch
        return Z * self.positive(Z)

    def describe(self, x):
        return None, float(x) + 0.0, None   # + 0.0: no "-0.0" (ReLU of a negative) in any output

    def check_range(self, X):
        """OutOfRange when an entry overflowed to ±inf or became NaN (inf − inf)."""
        if not np.isfinite(X).all():
            raise OutOfRange(OUT_OF_RANGE)


def make_field(numbers: str, round_to: int | None = None) -> Field:
    if numbers == "exact":
        return ExactField(round_to)
    if numbers == "float":
        return FloatField(round_to)
    if numbers == "symbolic":
        from .symbolic import SymbolicField  # sympy only on this path
        return SymbolicField(round_to)
    raise ValueError(f"unknown number mode {numbers!r}")
