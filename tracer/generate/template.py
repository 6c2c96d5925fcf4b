"""Reading a template: a problem file whose values may be random specs, and drawing from it.

A random spec is a mapping such as `{random: [-1, 1], step: 0.1}`, `{random_int: [0, 3]}` or
`{choice: [0.1, 0.5, 1]}` standing where the problem file has a number, or a matrix or vector
(then it is drawn per entry, in the shape given or implied by the rest of the file).  A network
may also be given only by its sizes and activations.  docs/generate-format.md is the spec.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from fractions import Fraction

from ..numtext import plain
from .nice import RULES
from ..schema import (Bool, Enum, Field, Integer, ListOf, Mapping, Num, Number, ProblemError,
                      Spec, join)

KINDS = ("random", "random_int", "choice")

RANDOM_SPEC = Mapping({
    "random": Field(ListOf(Number(), "[low, high]: a value on the grid low, low + step, … ≤ high", 2, 2)),
    "step": Field(Number("grid step of `random` (default: generate.grid)", lo=0, lo_open=True)),
    "random_int": Field(ListOf(Integer(), "[low, high]: a whole number, both ends included", 2, 2)),
    "choice": Field(ListOf(Number(), "one of these values, equally likely", 1)),
    "nonzero": Field(Bool("never draw 0"), False),
    "shape": Field(ListOf(Integer("", 1), "[rows, columns] or [length]; implied when omitted", 1, 2)),
}, "a random value: exactly one of random, random_int, choice")

SPEC_KEYS = set(RANDOM_SPEC.fields)

GENERATE = Mapping({
    "grid": Field(Number("default step of `random` specs", lo=0, lo_open=True), Fraction(1, 10)),
    "max_abs_z": Field(Number("largest |z| allowed into sigmoid, tanh and softmax", lo=0, lo_open=True),
                       Fraction(3)),
    "max_denominator": Field(Integer("exact mode: largest denominator of any exact value", 1), 10000),
    "relu_alive": Field(Enum(["unit", "layer"], "each ReLU unit (or only each ReLU layer) is positive "
                                                "on at least one sample"), "unit"),
    "distinct": Field(Bool("no two variants alike"), True),
    "attempts": Field(Integer("draws tried per variant before giving up", 1, 10**6), 2000),
    "allow": Field(ListOf(Enum(list(RULES), "a niceness rule"), "rules not to enforce, e.g. [one_class]"), []),
}, "how variants are drawn and what counts as nice")



class Raw(Spec):
    """Any value, passed on as it is (checked later, once the template is expanded)."""

    def __init__(self, doc=""):
        self.doc = doc

    def check(self, v, place):
        return v

    def schema(self):
        return self._with_doc({})


SHORTHAND = Mapping({
    "sizes": Field(ListOf(Integer("", 1), "units per layer, inputs first: [2, 2, 1]", 2), required=True),
    "activations": Field(Raw("one activation for every layer, or a list with one per linear layer")),
    "W": Field(Raw("random spec of every weight (default {random: [-1, 1], nonzero: true})")),
    "b": Field(Raw("random spec of every bias (same default); false: no bias")),
}, "a network given by its sizes: {sizes, activations, W, b}")


class TemplateError(ProblemError):
    """A template that cannot be drawn from: one message naming the place."""


@dataclass
class RandomSpec:
    """One random spec: where it stands, how it draws one entry, and the shape it fills."""
    place: str
    path: tuple          # keys from the root of the template to the spec
    kind: str            # random | random_int | choice
    low: Fraction | None
    step: Fraction | None
    count: int           # number of values on the grid (random, random_int)
    values: list | None  # choice
    nonzero: bool
    shape: list | None   # None: a single number

    def _candidates(self):
        """(count, index of zero to skip or None)."""
        if self.kind == "choice":
            return len(self.values), None
        zero = None
        if self.nonzero and self.low <= 0:
            k, r = divmod(-self.low, self.step)
            if r == 0 and k < self.count:
                zero = int(k)
        return self.count, zero

    def size(self) -> int:
        n, zero = self._candidates()
        return n - (zero is not None)

    def draw_one(self, rng):
        n, zero = self._candidates()
        i = rng.randrange(n - (zero is not None))
        if zero is not None and i >= zero:
            i += 1
        if self.kind == "choice":
            return self.values[i]
        q = self.low + i * self.step
        if self.kind == "random_int":
            return int(q)
        return number(q)

    def draw(self, rng):
        if self.shape is None:
            return self.draw_one(rng)
        if len(self.shape) == 1:
            return [self.draw_one(rng) for _ in range(self.shape[0])]
        return [[self.draw_one(rng) for _ in range(self.shape[1])] for _ in range(self.shape[0])]


def _tree_copy(node):
    """A copy of the mappings and lists; leaves (immutable) shared.  Not copy.deepcopy: that
    rebuilds a schema.Num as Num(numerator, denominator) and loses its text."""
    if isinstance(node, dict):
        return {k: _tree_copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_tree_copy(v) for v in node]
    return node


def number(q: Fraction):
    """q as a problem-file number: an int, a Num with decimal text, or a Num "p/q"."""
    q = Fraction(q)
    if q.denominator == 1:
        return int(q)
    return Num(q, plain(q))


def _plain(v):
    """A Num from a choice list back to an int when it was written as one (class indices)."""
    if isinstance(v, Num) and v.denominator == 1 and "." not in v.text and "/" not in v.text \
            and "e" not in v.text.lower():
        return int(v)
    return v


def _is_spec(d) -> bool:
    if not isinstance(d, dict):
        return False
    for k in d:
        if k in SPEC_KEYS:
            return True
        if isinstance(k, str) and difflib.get_close_matches(k, KINDS, n=1, cutoff=0.75):
            return True
    return False


def _make_spec(raw, place, path, grid) -> RandomSpec:
    d = RANDOM_SPEC.check(raw, place)
    kinds = [k for k in KINDS if d[k] is not None]
    if len(kinds) != 1:
        raise TemplateError(place, "a random spec takes exactly one of random, random_int, choice"
                            + (f" (got {', '.join(kinds)})" if kinds else ""))
    kind = kinds[0]
    if d["step"] is not None and kind != "random":
        raise TemplateError(join(place, "step"), f"step is for random, not {kind}")
    low = step = values = None
    count = 0
    if kind == "choice":
        values = [_plain(v) for v in d["choice"]]
        if d["nonzero"]:
            values = [v for v in values if v != 0]
        count = len(values)
    else:
        lo, hi = d[kind]
        step = Fraction(1) if kind == "random_int" else Fraction(d["step"] if d["step"] is not None else grid)
        if lo > hi:
            raise TemplateError(join(place, kind), f"empty range: low {lo} is above high {hi}")
        low = Fraction(lo)
        count = int((Fraction(hi) - low) // step) + 1
    spec = RandomSpec(place, path, kind, low, step, count, values, d["nonzero"],
                      list(d["shape"]) if d["shape"] else None)
    if spec.size() == 0:
        raise TemplateError(place, "no value to draw from (the only value is 0 and nonzero is set)")
    return spec


# -- the template ----------------------------------------------------------------------------
class Template:
    """The template's raw tree with every random spec found and given its shape."""

    def __init__(self, raw, source="template"):
        if raw is None:
            raise TemplateError(source, "the template is empty")
        if not isinstance(raw, dict):
            raise TemplateError(source, "a template is a problem file: a mapping of keys "
                                "(title, data, network, loss, optimizer, ...)")
        self.source_tree = _tree_copy(raw)    # as written (exports carry the template itself)
        raw = _tree_copy(raw)
        self.source = source
        self.settings = GENERATE.check(raw.pop("generate", None), "generate")
        if raw.get("numbers") == "symbolic":
            raise TemplateError("numbers", "generate draws numeric variants: use exact or float")
        in_out = _in_out(raw)
        self.sizes = None     # the network shorthand's sizes, when the template uses it
        self.given = {}       # which of its W, b the shorthand gives as literal numbers
        if isinstance(raw.get("network"), dict):
            short = raw["network"]
            self.sizes = short.get("sizes")
            self.given = {k: k in short and not _is_spec(short[k]) and short[k] not in (None, False)
                          for k in ("W", "b")}
            raw["network"] = _expand_network(short, in_out)
        self.raw = raw
        self.specs: list[RandomSpec] = []
        try:
            self._find(raw, "", ())
            _imply_shapes(raw, self.specs, in_out)
        except ProblemError as e:
            raise TemplateError(*self.explain(e.place, e.message)) from None
        self.warnings = _warnings(raw)

    def _find(self, node, place, path):
        if _is_spec(node):
            self.specs.append(_make_spec(node, place, path, self.settings["grid"]))
        elif isinstance(node, dict):
            for k, v in node.items():
                self._find(v, join(place, k), path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self._find(v, join(place, i), path + (i,))

    def explain(self, place: str, message: str) -> tuple[str, str]:
        """A place in the expanded problem, and its message, said in the template's own keys:
        with the network shorthand, `network[2].linear.b.random` is `network.b.random`."""
        m = re.fullmatch(r"network\[(\d+)\](?:\.linear\.(W|b)(.*))?", place)
        if self.sizes is None or not m:
            return place, message
        if m.group(2) is None:
            return "network.activations", message
        i, key, rest = int(m.group(1)), m.group(2), m.group(3)
        layer = sum(1 for item in self.raw["network"][:i + 1] if isinstance(item, dict) and "linear" in item)
        if rest:                         # inside the one spec every layer shares
            return f"network.{key}{rest}", message
        if self.given.get(key):          # a literal W or b of the shorthand, wrong for this layer
            return f"network.{key}", f"{message} (linear layer {layer})"
        return "network.sizes", f"{self.sizes} makes linear layer {layer}'s {key} {message}"

    def draw(self, rng) -> dict:
        """A problem file's raw tree, every spec replaced by drawn numbers (in file order)."""
        out = _tree_copy(self.raw)
        for s in self.specs:
            node = out
            for k in s.path[:-1]:
                node = node[k]
            node[s.path[-1]] = s.draw(rng)
        return out

    def variety(self) -> int:
        """How many different draws there are (capped), to refuse asking for more variants."""
        n = 1
        for s in self.specs:
            per = s.size()
            entries = 1
            for k in s.shape or []:
                entries *= k
            n *= per ** entries
            if n > 10**12:
                return 10**12
        return n


def _in_out(raw) -> bool:
    """Whether the template's W are (in, out) (weights: in_out, or its convention's)."""
    from ..conventions import apply_convention
    return apply_convention(raw).get("weights") == "in_out"


def _expand_network(short, in_out=False):
    d = SHORTHAND.check(short, "network")
    sizes = d["sizes"]
    acts = d["activations"]
    if not isinstance(acts, list):
        acts = [acts] * (len(sizes) - 1)
    elif len(acts) != len(sizes) - 1:
        raise TemplateError("network.activations", f"{len(acts)} activation(s) for "
                            f"{len(sizes) - 1} linear layer(s) (sizes {sizes})")
    default = {"random": [-1, 1], "nonzero": True}
    W = short["W"] if "W" in short else default
    b = short["b"] if "b" in short else default
    net = []
    for i, act in enumerate(acts):
        shape = [sizes[i], sizes[i + 1]] if in_out else [sizes[i + 1], sizes[i]]
        lin = {"W": _shaped(W, shape)}
        if b is not False and b is not None:
            lin["b"] = _shaped(b, [sizes[i + 1]])
        net.append({"linear": lin})
        if act not in (None, "none"):
            net.append(act)
    return net


def _shaped(spec, shape):
    if _is_spec(spec) and "shape" not in spec:
        return {**spec, "shape": shape}
    return _tree_copy(spec)


# -- shapes ----------------------------------------------------------------------------------
def _dims_of(v):
    """The shape of a literal (possibly holding specs as entries), or None."""
    if isinstance(v, list) and v:
        if isinstance(v[0], list):
            return [len(v), len(v[0])]
        return [len(v)]
    if _is_spec(v) and isinstance(v.get("shape"), list):
        return list(v["shape"])
    return None


def _imply_shapes(raw, specs, in_out=False):
    """Give every whole-matrix spec its shape from the sizes the rest of the file fixes
    (W: (out, in), or (in, out) with weights: in_out)."""
    dims = {}   # "m" samples, 0 .. L layer widths

    def learn(key, value):
        if value is not None and isinstance(value, int) and key not in dims:
            dims[key] = value

    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    net = raw.get("network") if isinstance(raw.get("network"), list) else []
    linears = [(i, item["linear"]) for i, item in enumerate(net)
               if isinstance(item, dict) and isinstance(item.get("linear"), dict)]
    L = len(linears)
    x, y = _dims_of(data.get("x")), _dims_of(data.get("y"))
    if x:
        learn("m", x[0])
        if len(x) == 2:
            learn(0, x[1])
    if y:
        learn("m", y[0])
        if len(y) == 2:
            learn(L, y[1])
    for k, (_, lin) in enumerate(linears, 1):
        w, b = _dims_of(lin.get("W")), _dims_of(lin.get("b"))
        if w and len(w) == 2:
            learn(k, w[1] if in_out else w[0])
            learn(k - 1, w[0] if in_out else w[1])
        if b:
            learn(k, b[0])
    wanted = {("data", "x"): ("m", 0), ("data", "y"): ("m", L)}
    for k, (i, _) in enumerate(linears, 1):
        wanted[("network", i, "linear", "W")] = (k - 1, k) if in_out else (k, k - 1)
        wanted[("network", i, "linear", "b")] = (k,)
    what = {"m": "the number of samples"}
    loss = raw.get("loss")
    for s in specs:
        if s.shape is not None or s.path not in wanted:
            continue
        if s.path == ("data", "y") and (loss == "cross_entropy" or isinstance(loss, dict) and "cross_entropy" in loss):
            m = dims.get("m", "samples")
            raise TemplateError(s.place, "without shape, a spec fills a samples × outputs matrix entry by entry, "
                                "which makes no one-hot rows; for class indices, one per sample, add "
                                f"shape: [{m}]")
        need = wanted[s.path]
        missing = [d for d in need if d not in dims]
        if missing:
            d = missing[0]
            name = what.get(d) or ("the number of input features" if d == 0 else f"the width of linear layer {d}")
            raise TemplateError(s.place, f"its shape cannot be implied ({name} is given nowhere in the "
                                f"template); add shape: [{', '.join('rows' if j == 0 else 'columns' for j in range(len(need)))}]"
                                if len(need) == 2 else f"its shape cannot be implied ({name} is given nowhere "
                                "in the template); add shape: [length]")
        s.shape = [dims[d] for d in need]


def _warnings(raw) -> list[str]:
    """What a template allows but probably does not mean (said once, before drawing)."""
    out = []
    opt = raw.get("optimizer")
    steps = raw.get("steps", 1)
    if isinstance(opt, dict) and isinstance(opt.get("sgd"), dict) and steps == 1:
        mom = opt["sgd"].get("momentum")
        if mom is not None and mom != 0:
            out.append("optimizer.sgd.momentum: with steps: 1 the momentum never shows (the first step's "
                       "velocity is the gradient itself, as in PyTorch); give steps: 2 or more")
    return out
