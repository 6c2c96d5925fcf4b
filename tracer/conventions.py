"""Course conventions (`convention: dls | cs231n | d2l | pytorch | mazur`): the one table of
what each preset sets, and how a problem file's own keys win over it.

A preset only fills in keys the file leaves out (and, inside `notation` and `figure`, the
sub-keys it leaves out), so `convention: cs231n` with `layout: columns` is CS231n's notation
on samples as columns.  The quantities keep their canonical names (W1, dW1, ...) whatever the
preset; docs/problem-file.md lists the same table for readers.
"""
from __future__ import annotations

# key -> value, as a problem file writes it
CONVENTIONS = {
    # Ng's Deep Learning Specialization: X is (n_x, m), W^[l] is (n_l, n_{l-1}), Z = W A + b,
    # dZ^[L] = A^[L] - Y, dW = (1/m) dZ A^T, db = (1/m) sum dZ
    "dls": {"layout": "columns", "weights": "out_in", "one_over_m": "dW",
            "notation": {"index": "[l]", "delta": "Delta", "gradient": "d", "loss": "J"}},
    # CS231n's two-layer net: X is (N, D), W1 is (D, H), scores = X W1 + b1, dscores /= N
    "cs231n": {"layout": "rows", "weights": "in_out", "one_over_m": "dA",
               "notation": {"index": "[l]", "delta": "Delta", "gradient": "d", "loss": "L"}},
    # Dive into Deep Learning §5.3: X is (n, d), W^(1) is (d, h), H = X W^(1) + b^(1), ∂J/∂W^(1)
    "d2l": {"layout": "rows", "weights": "in_out", "one_over_m": "dA",
            "notation": {"index": "(l)", "delta": "Delta", "gradient": "partial", "loss": "J"}},
    # PyTorch: a batch of rows, nn.Linear.weight is (out, in), Z = X W^T + b, loss.backward()
    "pytorch": {"layout": "rows", "weights": "out_in", "one_over_m": "dA",
                "notation": {"index": "[l]", "delta": "Delta", "gradient": "partial", "loss": "L"}},
    # Mazur's "A Step by Step Backpropagation Example": E_total, δ, w1...w8 and b1, b2 on the figure
    "mazur": {"layout": "columns", "weights": "out_in", "one_over_m": "dA",
              "notation": {"index": "[l]", "delta": "delta", "gradient": "partial", "loss": "E"},
              "figure": {"weights": "both", "biases": "both", "names": "flat"}},
}

# whose conventions each is, as a worksheet's header names it
SOURCES = {"dls": "Ng's Deep Learning Specialization", "cs231n": "Stanford's CS231n",
           "d2l": "Dive into Deep Learning", "pytorch": "PyTorch",
           "mazur": "Mazur's step-by-step backpropagation example"}

NESTED = ("notation", "figure")


def describe(name: str) -> str:
    """The header's words: "the layout and notation of Stanford's CS231n (convention: cs231n)"."""
    return f"the layout and notation of {SOURCES[name]} (convention: {name})"


def apply_convention(raw: dict) -> dict:
    """The file's keys with the named preset's filled in where the file is silent.  An
    unknown preset is left for the schema to refuse, naming the choices."""
    name = raw.get("convention")
    preset = CONVENTIONS.get(name) if isinstance(name, str) else None
    if preset is None:
        return raw
    out = dict(raw)
    for k, v in preset.items():
        if k in NESTED:
            own = raw.get(k)
            out[k] = {**v, **own} if isinstance(own, dict) else (own if own is not None else dict(v))
        elif out.get(k) is None:
            out[k] = v
    return out
