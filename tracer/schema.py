"""Declarative definitions of the problem file: they validate it and they print its JSON Schema.

Each `Spec` checks one value (naming its place on failure) and describes itself as JSON
Schema, so `trace-net schema` is generated from the very definitions that validate, never a
second hand-kept copy.
"""
from __future__ import annotations

import difflib
import operator
import re
import sys
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .conventions import CONVENTIONS


class ProblemError(Exception):
    """Bad input: one message naming the place (`network[2].linear.W: ...`)."""

    def __init__(self, place, message):
        self.place, self.message = place, message
        super().__init__(f"{place}: {message}" if place else message)


class Num(Fraction):
    """A number read from YAML, keeping its own text (`0.50` carries two decimals)."""

    text: str

    def __new__(cls, value, text=None):
        self = super().__new__(cls, value)
        self.text = text if text is not None else str(value)
        return self

    # immutable, like Fraction; Fraction's own copy would rebuild it as Num(p, q) and lose .text
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (Num, (Fraction(self.numerator, self.denominator), self.text))

    @property
    def decimals(self) -> int:
        t = self.text.lower()
        if "/" in t:
            return 0
        mant, _, exp = t.partition("e")
        d = len(mant.partition(".")[2])
        return max(0, d - int(exp or 0))


# Numbers as text: ASCII digits only (Python's Decimal and int would take "٣", "0_3" and
# " 3 "), decimal, with an exponent, or a fraction "p/q".
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?([0-9]+))?", re.ASCII)
_FRACTION = re.compile(r"([-+]?[0-9]+)\s*/\s*([-+]?[0-9]+)", re.ASCII)
_NOT_FINITE = re.compile(r"[-+]?\.?(?:inf|infinity|nan)", re.IGNORECASE)
# Magnitudes trace-net takes: what float64 holds with room (its range is 2.2e-308 to 1.8e308),
# and at most DIGIT_LIMIT digits in a numerator, a denominator or a decimal's digits.
MAX_EXPONENT, MIN_EXPONENT = 307, -300
NUMBER_DIGITS = 1000
RANGE_TEXT = "nonzero numbers lie between 1e-300 and 1e308 in size"


class NotANumber(ValueError):
    """Text that is no number at all (as opposed to one out of range)."""


def number_value(text: str) -> Fraction:
    """The exact value of a number written as text, or ValueError saying why not (its text
    completes "'…' <reason>")."""
    t = text.strip()
    m = _FRACTION.fullmatch(t)
    if m:
        p, q = m.groups()
        if max(len(p), len(q)) > NUMBER_DIGITS + 1:
            raise ValueError(f"has more than {NUMBER_DIGITS} digits")
        if int(q) == 0:
            raise ValueError("divides by zero")
        val = Fraction(int(p), int(q))
    elif m := _DECIMAL.fullmatch(t):
        digits = sum(c.isdigit() for c in t.lower().partition("e")[0])
        if digits > NUMBER_DIGITS:
            raise ValueError(f"has more than {NUMBER_DIGITS} digits")
        if m.group(1) and len(m.group(1).lstrip("0")) > 12:
            raise ValueError(f"is out of range: {RANGE_TEXT}")
        d = Decimal(t)
        if d and not MIN_EXPONENT <= d.adjusted() <= MAX_EXPONENT:
            raise ValueError(f"is out of range: {RANGE_TEXT}")
        return Fraction(d)
    elif _NOT_FINITE.fullmatch(t):
        raise ValueError("is not a number trace-net accepts (no infinities or NaN)")
    else:
        raise NotANumber('is not a number (an integer, a decimal or a fraction like "1/3")')
    check_range(val)
    return val


def check_range(val: Fraction):
    """ValueError when a nonzero |val| is outside 1e-300 .. 1e308 (float64 holds it, and
    its exact fraction stays small)."""
    if val:
        a = abs(val)
        if a >= Fraction(10) ** (MAX_EXPONENT + 1) or a < Fraction(1, 10 ** -MIN_EXPONENT):
            raise ValueError(f"is out of range: {RANGE_TEXT}")


def parse_number(v, place) -> Num:
    """A number from a file (a Num already, or a string) or from a Python caller (int, float,
    Fraction, Decimal, numpy scalars); anything else is refused naming `place`."""
    if isinstance(v, Num):
        return v
    if isinstance(v, (bool, np_bool_types())) or v is None:
        raise ProblemError(place, f"expected a number, got {_show(v)}")
    try:
        if isinstance(v, str):
            return Num(number_value(v), v.strip())
        if isinstance(v, (int, Fraction)) or _is_integer(v):
            val = Fraction(v if isinstance(v, Fraction) else operator.index(v))
            check_range(val)
            return Num(val, str(val))
        if isinstance(v, (float, Decimal)) or _is_float(v):
            # a float means its shortest decimal text (0.1 is 1/10, as in a file)
            text = str(v) if isinstance(v, Decimal) else repr(float(v))
            return Num(number_value(text), text)
    except NotANumber:
        pass
    except ValueError as e:
        raise ProblemError(place, f"{_show(v)} {e}") from None
    raise ProblemError(place, f"expected a number (integer, decimal or fraction like \"1/3\"), got {_show(v)}")


def option_value(name: str, v, lo: int, hi: int | None = None, none_ok: bool = True):
    """A whole-number option given from Python (render's max_entries=, decimals=): an int or a
    numpy integer within lo..hi, or None when that means the default.  Anything else is one
    TypeError or ValueError naming the option (never a failure deep in the renderer)."""
    if v is None and none_ok:
        return None
    if isinstance(v, (bool, np_bool_types())) or not (isinstance(v, int) or _is_integer(v)):
        raise TypeError(f"{name}={_show(v)}: give a whole number"
                        + ("" if hi is None else f" from {lo} to {hi}"))
    v = int(v)
    if v < lo or (hi is not None and v > hi):
        raise ValueError(f"{name}={v}: give a whole number "
                         + (f"of at least {lo}" if hi is None else f"from {lo} to {hi}"))
    return v


def np_bool_types():
    """numpy's bool type, when numpy is loaded (it always is with the engine)."""
    np = sys.modules.get("numpy")
    return (np.bool_,) if np is not None else ()


def _is_integer(v):
    np = sys.modules.get("numpy")
    return np is not None and isinstance(v, np.integer)


def _is_float(v):
    np = sys.modules.get("numpy")
    return np is not None and isinstance(v, np.floating)


def _show(v):
    """A value as a message shows it: the user's own text, never a Python repr."""
    from .messages import quoted
    if isinstance(v, Num):
        return quoted(v.text)
    if isinstance(v, str):
        return quoted(v)
    if v is None:
        return "nothing (null)"
    if isinstance(v, (bool, np_bool_types())):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "a list" if len(v) else "an empty list"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, (set, frozenset)):
        return "a set"
    if isinstance(v, int) or _is_integer(v):
        s = str(int(v)) if abs(int(v)).bit_length() < 3000 else "a very long integer"
        return s if len(s) <= 40 else s[:20] + "…" + s[-5:]
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    if isinstance(v, float) or _is_float(v):
        return repr(float(v))
    return f"a value of type {type(v).__name__}"


def near_miss(key, choices):
    m = difflib.get_close_matches(str(key), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{m[0]}'?)" if m else ""


def join(place, key):
    if isinstance(key, Num):
        key = key.text
    if isinstance(key, int):
        return f"{place}[{key}]"
    return f"{place}.{key}" if place else str(key)


class Spec:
    doc = ""

    def check(self, v, place):
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def _with_doc(self, s):
        if self.doc:
            s["description"] = self.doc
        return s


class Number(Spec):
    def __init__(self, doc="", lo=None, hi=None, lo_open=False, hi_open=False):
        self.doc, self.lo, self.hi, self.lo_open, self.hi_open = doc, lo, hi, lo_open, hi_open

    def check(self, v, place):
        n = parse_number(v, place)
        if self.lo is not None and (n < self.lo or (self.lo_open and n == self.lo)):
            raise ProblemError(place, f"must be {'>' if self.lo_open else '≥'} {self.lo}, got {n.text}")
        if self.hi is not None and (n > self.hi or (self.hi_open and n == self.hi)):
            raise ProblemError(place, f"must be {'<' if self.hi_open else '≤'} {self.hi}, got {n.text}")
        return n

    def schema(self):
        num = {"type": "number"}     # the bounds, for editors (strings are checked on reading)
        if self.lo is not None:
            num["exclusiveMinimum" if self.lo_open else "minimum"] = _json_value(Fraction(self.lo))
        if self.hi is not None:
            num["exclusiveMaximum" if self.hi_open else "maximum"] = _json_value(Fraction(self.hi))
        return self._with_doc({"anyOf": [num,
                                         {"type": "string", "pattern": r"^\s*-?\d+\s*/\s*\d+\s*$|^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"}]})


class Integer(Spec):
    def __init__(self, doc="", lo=None, hi=None, nullable=False):
        self.doc, self.lo, self.hi, self.nullable = doc, lo, hi, nullable

    def check(self, v, place):
        if v is None and self.nullable:
            return None
        if isinstance(v, bool) or not (isinstance(v, int) or _is_integer(v)):
            raise ProblemError(place, f"expected a whole number, got {_show(v)}")
        if self.lo is not None and v < self.lo:
            raise ProblemError(place, f"must be at least {self.lo}, got {v}")
        if self.hi is not None and v > self.hi:
            raise ProblemError(place, f"must be at most {self.hi}, got {v}")
        return int(v)

    def schema(self):
        s = {"type": ["integer", "null"] if self.nullable else "integer"}
        if self.lo is not None:
            s["minimum"] = self.lo
        if self.hi is not None:
            s["maximum"] = self.hi
        return self._with_doc(s)


class Text(Spec):
    def __init__(self, doc=""):
        self.doc = doc

    def check(self, v, place):
        if v is None:
            return ""
        if isinstance(v, (dict, list)):
            raise ProblemError(place, f"expected text, got {_show(v)}")
        return v.text if isinstance(v, Num) else str(v)

    def schema(self):
        return self._with_doc({"type": "string"})


class Bool(Spec):
    def __init__(self, doc=""):
        self.doc = doc

    def check(self, v, place):
        if not isinstance(v, bool):
            raise ProblemError(place, f"expected true or false, got {_show(v)}")
        return v

    def schema(self):
        return self._with_doc({"type": "boolean"})


class Enum(Spec):
    def __init__(self, choices, doc=""):
        self.choices, self.doc = list(choices), doc

    def check(self, v, place):
        if not isinstance(v, str) or v not in self.choices:
            raise ProblemError(place, f"expected one of {', '.join(self.choices)}; got {_show(v)}"
                               + (near_miss(v, self.choices) if isinstance(v, str) else ""))
        return v

    def schema(self):
        return self._with_doc({"enum": self.choices})


class ListOf(Spec):
    def __init__(self, item, doc="", min_items=0, max_items=None):
        self.item, self.doc, self.min_items, self.max_items = item, doc, min_items, max_items

    def check(self, v, place):
        if not isinstance(v, list):
            raise ProblemError(place, f"expected a list, got {_show(v)}")
        if len(v) < self.min_items:
            raise ProblemError(place, f"needs at least {self.min_items} item(s), got {len(v)}")
        if self.max_items is not None and len(v) > self.max_items:
            raise ProblemError(place, f"takes at most {self.max_items} item(s), got {len(v)}")
        return [self.item.check(x, join(place, i)) for i, x in enumerate(v)]

    def schema(self):
        s = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        return self._with_doc(s)


class Matrix(Spec):
    """A list of equally long lists of numbers."""

    def __init__(self, doc=""):
        self.doc = doc

    def check(self, v, place):
        if not isinstance(v, list) or not v:
            raise ProblemError(place, f"expected a matrix (a list of rows), got {_show(v)}")
        rows = []
        for i, r in enumerate(v):
            if not isinstance(r, list):
                raise ProblemError(join(place, i), f"expected a row (a list of numbers), got {_show(r)}")
            rows.append([parse_number(x, f"{join(place, i)}[{j}]") for j, x in enumerate(r)])
        widths = {len(r) for r in rows}
        if len(widths) != 1 or 0 in widths:
            raise ProblemError(place, f"rows of different lengths ({', '.join(str(len(r)) for r in rows)}): not a matrix")
        return rows

    def schema(self):
        return self._with_doc({"type": "array", "minItems": 1,
                               "items": {"type": "array", "minItems": 1, "items": Number().schema()}})


class Vector(Spec):
    def __init__(self, doc=""):
        self.doc = doc

    def check(self, v, place):
        if not isinstance(v, list) or not v:
            raise ProblemError(place, f"expected a list of numbers, got {_show(v)}")
        return [parse_number(x, join(place, i)) for i, x in enumerate(v)]

    def schema(self):
        return self._with_doc({"type": "array", "minItems": 1, "items": Number().schema()})


class AnyOf(Spec):
    """The first spec that accepts the value wins; the error of the best guess is reported."""

    def __init__(self, specs, pick, doc=""):
        self.specs, self.pick, self.doc = specs, pick, doc

    def check(self, v, place):
        return self.specs[self.pick(v)].check(v, place)

    def schema(self):
        return self._with_doc({"anyOf": [s.schema() for s in self.specs]})


class Field:
    def __init__(self, spec, default=None, required=False):
        self.spec, self.default, self.required = spec, default, required


class Mapping(Spec):
    def __init__(self, fields: dict, doc="", open_keys=False):
        self.fields, self.doc, self.open_keys = fields, doc, open_keys

    def check(self, v, place):
        if v is None:
            v = {}
        if not isinstance(v, dict):
            raise ProblemError(place, f"expected a mapping of keys, got {_show(v)}")
        out = {}
        for k in v:
            if k not in self.fields and not self.open_keys:
                raise ProblemError(join(place, k), f"unknown key{near_miss(k, self.fields)}; "
                                   f"known keys: {', '.join(self.fields)}")
        for k, f in self.fields.items():
            if k in v and not (v[k] is None and not f.required and f.default is not None):
                out[k] = f.spec.check(v[k], join(place, k))
            elif f.required:
                raise ProblemError(join(place, k) if place else k, "missing (required)")
            else:
                out[k] = f.default
        return out

    def schema(self):
        props = {k: f.spec.schema() for k, f in self.fields.items()}
        for k, f in self.fields.items():
            if f.default is not None and not isinstance(f.default, (set, frozenset)):
                props[k]["default"] = _json_value(f.default)
        s = {"type": "object", "properties": props, "additionalProperties": bool(self.open_keys)}
        req = [k for k, f in self.fields.items() if f.required]
        if req:
            s["required"] = req
        return self._with_doc(s)


def _json_value(v):
    """A default as JSON: fractions as numbers (1/100 -> 0.01), lists item by item."""
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else float(v)
    return v


class Choice(Spec):
    """A bare name (`relu`), or a one-key mapping of a name to its options (`{sgd: {lr: 0.1}}`)."""

    def __init__(self, options: dict, doc="", what="choice"):
        self.options, self.doc, self.what = options, doc, what

    def check(self, v, place):
        if isinstance(v, str):
            name, opts = v, {}
        elif isinstance(v, dict) and len(v) == 1:
            name, opts = next(iter(v.items()))
        else:
            raise ProblemError(place, f"expected a {self.what} name or a one-key mapping "
                               f"{{name: {{options}}}}, got {_show(v)}")
        if name not in self.options:
            raise ProblemError(place, f"unknown {self.what} '{name}'{near_miss(name, self.options)}; "
                               f"known: {', '.join(self.options)}")
        return name, self.options[name].check(opts, join(place, name))

    def schema(self):
        alts = []
        for name, spec in self.options.items():
            opts = spec.schema()
            if not opts.get("required"):       # a bare name only when no option is required
                alts.append({"const": name})
            alts.append({"type": "object", "properties": {name: opts},
                         "required": [name], "additionalProperties": False})
        return self._with_doc({"anyOf": alts})


# -- the problem file ----------------------------------------------------------------------
_samples = Enum(["mean", "sum"], "reduce over samples")
_outputs = Enum(["sum", "mean"], "reduce over outputs")
LOSSES = Choice({
    "mse": Mapping({
        "scale": Field(Number("constant factor in front (1/2 for mfnet's 1/(2m))"), Fraction(1)),
        "samples": Field(_samples, "mean"),
        "outputs": Field(_outputs, "sum"),
    }),
    "cross_entropy": Mapping({"samples": Field(_samples, "mean")}),
    # outputs: mean is torch.nn.BCELoss's 'mean' over a batch with several outputs
    "bce": Mapping({"samples": Field(_samples, "mean"), "outputs": Field(_outputs, "sum")}),
}, "the loss J", "loss")

_lr = Field(Number("learning rate η", lo=0), required=True)
_decay = Field(Number("weight decay λ", lo=0), Fraction(0))
_betas = Field(ListOf(Number("", lo=0, hi=1, hi_open=True), "β₁, β₂ in [0, 1)", 2, 2),
               [Fraction(9, 10), Fraction(999, 1000)])
_eps = Field(Number("ε added to √v̂", lo=0, lo_open=True), Fraction(1, 10**8))
OPTIMIZERS = Choice({
    "sgd": Mapping({"lr": _lr, "momentum": Field(Number("momentum μ", lo=0), Fraction(0)),
                    "nesterov": Field(Bool("Nesterov momentum"), False), "weight_decay": _decay}),
    "adam": Mapping({"lr": _lr, "betas": _betas, "eps": _eps, "weight_decay": _decay}),
    "adamw": Mapping({"lr": _lr, "betas": _betas, "eps": _eps,
                      "weight_decay": Field(Number("decoupled weight decay λ", lo=0), Fraction(1, 100))}),
}, "the optimizer (PyTorch semantics)", "optimizer")

ACTIVATIONS = {
    "identity": Mapping({}), "relu": Mapping({}), "sigmoid": Mapping({}), "tanh": Mapping({}),
    "softmax": Mapping({}),
    "leaky_relu": Mapping({"slope": Field(Number("slope for z ≤ 0"), Fraction(1, 100))}),
}
ACTIVATION = Choice(ACTIVATIONS, "an activation", "activation")
LINEAR = Mapping({
    "W": Field(Matrix("weights, shape (out, in) as torch.nn.Linear.weight; (in, out) with weights: in_out"),
               required=True),
    "b": Field(Vector("bias, length out; omit for a layer without bias")),
    "freeze": Field(ListOf(Enum(["W", "b"]), "parameters the optimizer leaves alone"), []),
}, "a linear layer")


def _layer_kind(v):
    return 0 if isinstance(v, dict) and "linear" in v else 1


LAYER = AnyOf([Mapping({"linear": Field(LINEAR, required=True)}), ACTIVATION], _layer_kind,
              "a linear layer {linear: {W, b}} or an activation")

NOTATION = Mapping({
    "index": Field(Enum(["[l]", "(l)"], "how the layer index is written: Z^[l] or Z^(l)"), "[l]"),
    "delta": Field(Enum(["Delta", "delta"], "Δ or δ for ∂J/∂Z"), "Delta"),
    "gradient": Field(Enum(["partial", "d"], "gradients written ∂J/∂W^[l], Δ^[l] (partial) or dW^[l], dZ^[l] "
                           "(d, as DLS and CS231n)"), "partial"),
    "loss": Field(Enum(["J", "L", "E"], "the letter of the loss: J, L or E (Mazur's E_total)"), "J"),
    "names": Field(ListOf(Text(), "a name per linear layer, e.g. [J, O] (seed 003)"), []),
}, "how the worksheet writes its symbols")

LABELS = ["none", "names", "values", "both"]
FIGURE = Mapping({
    "weights": Field(Enum(LABELS, "labels on the figure's edges: the weights' names, starting values, or both"),
                     "none"),
    "biases": Field(Enum(LABELS, "labels beside the figure's neurons: the biases' names, starting values, or both"),
                    "none"),
    "names": Field(Enum(["layers", "flat"], "layers: w^[l]_jk, b^[l]_j, a^[l]_j; flat: w1, w2, …, b1, b2, …, "
                        "neurons i1, h1, o1 (Mazur's blog)"), "layers"),
}, "the labels of the network figure")

PROBLEM = Mapping({
    "title": Field(Text("free text, escaped in every output"), ""),
    "layout": Field(Enum(["columns", "rows"], "samples as columns (Z = W A + b) or rows (Z = A Wᵀ + b)"), "columns"),
    "bias": Field(Enum(["separate", "augmented"], "W and b, or b folded into W̃ (mfnet)"), "separate"),
    "convention": Field(Enum(list(CONVENTIONS), "a course's conventions: sets layout, weights, one_over_m, "
                             "notation and figure where the file does not (docs/problem-file.md)")),
    "weights": Field(Enum(["out_in", "in_out"], "W's shape as the file gives it and the sheet shows it: "
                          "(out, in) as torch.nn.Linear.weight, or (in, out) as CS231n and d2l write X·W"),
                     "out_in"),
    "one_over_m": Field(Enum(["dA", "dW"], "where the loss's 1/m is written: in ∂J/∂A^[L] (dA: every gradient "
                             "is ∂J/∂·) or in dW and db (dW: dZ = A − Y per sample, as DLS)"), "dA"),
    "numbers": Field(Enum(["exact", "float", "symbolic"], "number mode"), "exact"),
    "decimals": Field(Integer("digits shown for values that are not exact", 0, 30), 4),
    "round": Field(Integer("hand-calculation mode: round every quantity to this many decimals", 0, 30, nullable=True)),
    "steps": Field(Integer("training iterations to trace", 1, 10000), 1),
    "batch_size": Field(Integer("samples per mini-batch (default: all)", 1, nullable=True)),
    "symbols": Field(ListOf(Text(), "with numbers: symbolic, the quantities kept symbolic (W1, b1, x, y)")),
    "notation": Field(NOTATION, {}),
    "figure": Field(FIGURE, {}),
    "data": Field(Mapping({
        "x": Field(Matrix("one row per sample, whatever the layout"), required=True),
        "y": Field(AnyOf([Matrix("one row per sample"), ListOf(Integer("class index", 0))],
                         lambda v: 1 if isinstance(v, list) and v and not isinstance(v[0], list) else 0,
                         "targets: one row per sample, or class indices for cross_entropy"), required=True),
    }), required=True),
    "network": Field(ListOf(LAYER, "linear layers, each followed by at most one activation", 1), required=True),
    "loss": Field(LOSSES, required=True),
    "optimizer": Field(OPTIMIZERS, required=True),
}, "a trace-net problem file")


def json_schema() -> dict:
    s = PROBLEM.schema()
    # a file holds either a network (data, network, loss, optimizer) or a graph: (section 6)
    from .graph.problem import GRAPH_PROBLEM, NETWORK_KEYS
    s["properties"]["graph"] = GRAPH_PROBLEM.schema()["properties"]["graph"]
    required = s.pop("required")
    s["oneOf"] = [{"required": required, "not": {"required": ["graph"]}},
                  {"required": ["graph"], "not": {"anyOf": [{"required": [k]} for k in NETWORK_KEYS]}}]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://trace-net.invalid/problem.schema.json", "title": "trace-net problem", **s}
