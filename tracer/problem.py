"""Reading a problem file: safe YAML, the schema's checks, then the checks between keys.

The result is a `Problem`: plain data (Fractions, lists), no numbers mode applied yet.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .conventions import apply_convention
from .schema import PROBLEM, Num, ProblemError


def load_yaml(*args, **kwargs):
    """The one YAML loader (yaml_load.py), imported when first used: tracing a problem given
    as a mapping needs no PyYAML (an exported PrairieLearn question runs without it)."""
    from .yaml_load import load_yaml as load
    return load(*args, **kwargs)

if TYPE_CHECKING:
    from .graph.problem import GraphProblem


# Larger files are refused before parsing (the YAML loader's own limit, MAX_NODES values,
# is met well before this by any file of numbers): /dev/zero or a 4 GB log never fills memory.
MAX_BYTES = 32 * 2**20


def read_source(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The text of a file, or of standard input for '-': UTF-8, at most MAX_BYTES."""
    import sys
    if path == "-":
        source = "<stdin>"
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(MAX_BYTES + 1)
    else:
        source = path = os.fspath(path)
        p = Path(path)
        if not p.exists():
            raise ProblemError(path, "no such file")
        if p.is_dir():
            raise ProblemError(path, "is a folder, not a problem file")
        try:
            with open(p, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise ProblemError(path, f"cannot be read: {e.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ProblemError(source, f"is larger than {MAX_BYTES // 2**20} MiB; too big to trace")
    if isinstance(data, str):
        return data, source
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError as e:
        raise ProblemError(source, f"is not UTF-8 text (at byte {e.start + 1})") from None


@dataclass
class Layer:
    W: list                      # rows of Fractions as the file gives them: (out, in), or (in, out)
    b: list | None               # Fractions, length out, or None
    freeze: frozenset            # subset of {"W", "b"}
    activation: str | None       # None when no activation follows
    act_opts: dict = field(default_factory=dict)
    in_out: bool = False         # weights: in_out (CS231n, d2l): W is stored (in, out)

    @property
    def shape(self):
        """(out, in), however W is stored."""
        rows, cols = len(self.W), len(self.W[0])
        return (cols, rows) if self.in_out else (rows, cols)

    def w(self, j, k):
        """The weight from input k to neuron j (0-based), however W is stored."""
        return self.W[k][j] if self.in_out else self.W[j][k]


@dataclass
class Problem:
    title: str
    layout: str
    bias: str
    numbers: str
    decimals: int
    round: int | None
    steps: int
    batch_size: int | None
    symbols: list | None
    notation: dict
    x: list
    y: list                      # rows of Fractions (class indices already one-hot)
    y_indices: list | None       # the class indices as given, if they were
    layers: list
    loss: str
    loss_opts: dict
    optimizer: str
    opt_opts: dict
    figure: dict = field(default_factory=dict)     # labels of the network figure (render/figure.py)
    weights: str = "out_in"      # out_in: W is (out, in), as torch; in_out: (in, out), as CS231n
    one_over_m: str = "dA"       # where the loss's 1/m is written: in ∂J/∂A^[L], or in dW and db
    convention: str | None = None

    @property
    def m(self):
        return len(self.x)

    @property
    def per_sample(self) -> bool:
        """Whether the loss's 1/m is written in dW and db (one_over_m: dW, where the loss
        averages over samples): then ∂/∂A and Δ are those of mJ, the per-sample sum (DLS)."""
        return self.one_over_m == "dW" and self.loss_opts.get("samples") == "mean"

    def batches(self):
        """Index lists of the consecutive mini-batches, in file order."""
        size = self.batch_size or self.m
        return [list(range(i, min(i + size, self.m))) for i in range(0, self.m, size)]


def parse_problem(raw: Mapping[str, Any] | None,
                  overrides: Mapping[str, Any] | None = None) -> Problem | GraphProblem:
    """A problem from the mapping a problem file holds (numbers as int, decimal text, "p/q"
    strings, or Fractions); overrides (numbers=, decimals=, round=, steps=) win over it.
    Bad input raises ProblemError naming the place."""
    if raw is None:
        raise ProblemError("", "the problem file is empty")
    if not isinstance(raw, dict):
        raise ProblemError("", "a problem file is a mapping of keys (title, data, network, loss, optimizer, ...)")
    raw = _plain(raw)
    if "graph" in raw:      # a scalar computational graph (problem-format §6): its own reader
        from .graph.problem import parse_graph_problem
        return parse_graph_problem(raw, overrides)
    for k, v in (overrides or {}).items():
        if v is not None:
            raw = {**raw, k: v}
    if (overrides or {}).get("numbers") not in (None, "symbolic"):
        raw = {k: v for k, v in raw.items() if k != "symbols"}   # --numbers exact on a symbolic file
    resolved = apply_convention(raw)
    if resolved.get("weights") == "in_out" and raw.get("weights") is None and resolved.get("bias") == "augmented":
        raise ProblemError("convention", f"{raw['convention']} stores W as (in, out) (weights: in_out), which "
                           "bias: augmented does not take; add weights: out_in")
    d = PROBLEM.check(resolved, "")
    return _build(d)


def _plain(v):
    """A caller's numpy arrays and tuples as the lists a file holds (their entries are then
    checked one by one: a NaN is refused naming its place)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if type(v).__module__ == "numpy" and getattr(v, "ndim", 0) > 0:
        return _plain(list(v))
    return v


def load_problem(path: str | os.PathLike[str],
                 overrides: Mapping[str, Any] | None = None) -> Problem | GraphProblem:
    """Read and check a problem file ('-': standard input); see parse_problem."""
    text, source = read_source(path)
    raw = load_yaml(text, source)
    if raw is None:
        raise ProblemError(source, "the problem file is empty")
    return parse_problem(raw, overrides)


def _build(d) -> Problem:
    in_out = d["weights"] == "in_out"
    if in_out and d["bias"] == "augmented":
        raise ProblemError("weights", "in_out and bias: augmented do not mix: W̃ is (out+1)×(in+1), "
                           "as the mfnet report writes it")
    layers = []
    for i, item in enumerate(d["network"]):
        if isinstance(item, dict):
            lin = item["linear"]
            layers.append((i, Layer(lin["W"], lin["b"], frozenset(lin["freeze"]), None, in_out=in_out)))
        else:
            name, opts = item
            if not layers:
                raise ProblemError(f"network[{i}]", f"'{name}' before any linear layer: "
                                   "the network starts with a linear layer")
            prev_i, prev = layers[-1]
            if prev.activation is not None:
                raise ProblemError(f"network[{i}]", f"two activations in a row ('{prev.activation}' "
                                   f"then '{name}'): each linear layer takes at most one")
            prev.activation, prev.act_opts = name, opts
    x = d["data"]["x"]
    n_in = len(x[0])
    for k, (i, L) in enumerate(layers):
        out, inp = L.shape
        if inp != n_in:
            what = "the data has" if k == 0 else "the previous layer gives"
            given = f"{inp}×{out} (in, out: weights: in_out)" if in_out else f"{out}×{inp}"
            raise ProblemError(f"network[{i}].linear.W", f"{given}, but {what} {n_in} "
                               f"{'features' if k == 0 else 'outputs'}")
        if L.b is not None and len(L.b) != out:
            raise ProblemError(f"network[{i}].linear.b", f"length {len(L.b)}, but W has {out} "
                               + ("columns (weights: in_out)" if in_out else "rows"))
        if "b" in L.freeze and L.b is None:
            raise ProblemError(f"network[{i}].linear.freeze", "freezes b, but the layer has no bias")
        n_in = out
    layers = [L for _, L in layers]
    n_out = n_in
    m = len(x)
    loss, loss_opts = d["loss"]
    y_raw, y_idx = d["data"]["y"], None
    if y_raw and not isinstance(y_raw[0], list):
        if loss != "cross_entropy":
            raise ProblemError("data.y", "class indices are for cross_entropy; give one row per sample")
        for s, c in enumerate(y_raw):
            if c >= n_out:
                raise ProblemError(f"data.y[{s}]", f"class {c} out of range: the network has "
                                   f"{n_out} outputs (classes 0..{n_out - 1})")
        y_idx = list(y_raw)
        y = [[Num(1 if k == c else 0) for k in range(n_out)] for c in y_raw]
    else:
        y = y_raw
        if len(y[0]) != n_out:
            raise ProblemError("data.y", f"{len(y[0])} column(s), but the network gives {n_out} output(s)")
    if len(y) != m:
        raise ProblemError("data.y", f"{len(y)} sample(s), but data.x has {m}")
    last = layers[-1].activation
    if loss == "cross_entropy" and last not in ("softmax", "sigmoid"):
        raise ProblemError("loss.cross_entropy", "needs probabilities: end the network with softmax "
                           f"(it ends with {last or 'a linear layer'})")
    if loss == "bce" and last not in ("sigmoid", "softmax"):
        raise ProblemError("loss.bce", "needs probabilities: end the network with sigmoid "
                           f"(it ends with {last or 'a linear layer'})")
    if loss in ("cross_entropy", "bce"):
        for s, row in enumerate(y):
            for k, v in enumerate(row):
                if not 0 <= v <= 1:
                    raise ProblemError(f"data.y[{s}][{k}]", f"{v.text if isinstance(v, Num) else v} is not a "
                                       f"probability: {loss} targets lie in [0, 1]")
    opt, opt_opts = d["optimizer"]
    if opt == "sgd" and opt_opts["nesterov"] and opt_opts["momentum"] == 0:
        raise ProblemError("optimizer.sgd.nesterov", "Nesterov momentum needs momentum > 0")
    if d["batch_size"] is not None and d["batch_size"] > m:
        raise ProblemError("batch_size", f"{d['batch_size']}, but there are only {m} samples")
    if d["round"] is not None and d["numbers"] == "symbolic":
        raise ProblemError("round", "hand rounding and numbers: symbolic do not mix")
    if d["symbols"] is not None and d["numbers"] != "symbolic":
        raise ProblemError("symbols", "only with numbers: symbolic")
    names = d["notation"].get("names") or []
    if names and len(names) != len(layers):
        raise ProblemError("notation.names", f"{len(names)} name(s) for {len(layers)} linear layer(s)")
    p = Problem(
        title=d["title"], layout=d["layout"], bias=d["bias"], numbers=d["numbers"],
        decimals=d["decimals"], round=d["round"], steps=d["steps"], batch_size=d["batch_size"],
        symbols=d["symbols"], notation=d["notation"], x=x, y=y, y_indices=y_idx, layers=layers,
        loss=loss, loss_opts=loss_opts, optimizer=opt, opt_opts=opt_opts, figure=d["figure"],
        weights=d["weights"], one_over_m=d["one_over_m"], convention=d["convention"])
    if p.symbols is not None:
        from .symbolic import check_symbols   # sympy: only for files that name symbols
        check_symbols(p)
    return p
