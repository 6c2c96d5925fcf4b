"""An independent numpy computation (float64) of plain SGD steps on a small network, named as
trace-net names the quantities: the reference the checker's answer sets are built from.

Formulas written out (columns inside, as every course writes them: Z = W A + b), never our
engine's output.  Only what the checker tests need: separate bias, mse (scale, mean or sum
over samples), sigmoid / relu / tanh / identity, layout columns or rows.
"""
from __future__ import annotations

import numpy as np

ACT = {"sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
       "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
       "tanh": (np.tanh, lambda z, a: 1 - a * a),
       "identity": (lambda z: z, lambda z, a: np.ones_like(z))}


def mlp_steps(x, y, layers, acts, lr, steps=1, scale=0.5, samples="mean", layout="columns", slip=None):
    """[{name: array}] per step.  x, y: one row per sample; layers: [(W (out, in), b (out,))].
    `slip(step, name, value)` may replace any value as it is computed (columns layout), the
    way a student's slip is carried into everything after it."""
    X, Y = np.asarray(x, float).T, np.asarray(y, float).T
    params = [(np.array(W, float), np.array(b, float)) for W, b in layers]
    m = X.shape[1]
    c = 2 * scale / (m if samples == "mean" else 1)
    out = []
    for s in range(steps):
        v = {}

        def put(name, value):
            v[name] = value if slip is None else slip(s, name, value)
            return v[name]
        put("A0", X)
        put("Y", Y)
        A = v["A0"]
        for l, ((W, b), act) in enumerate(zip(params, acts), 1):
            W, b = put(f"W{l}", W), put(f"b{l}", b)
            put(f"Z{l}", W @ A + b[:, None])
            A = put(f"A{l}", ACT[act][0](v[f"Z{l}"]))
        L = len(params)
        put("J", scale * ((A - v["Y"]) ** 2).sum() / (m if samples == "mean" else 1))
        put(f"dA{L}", c * (A - v["Y"]))
        new = []
        for l in range(L, 0, -1):
            W, b = v[f"W{l}"], v[f"b{l}"]
            put(f"dZ{l}", v[f"dA{l}"] * ACT[acts[l - 1]][1](v[f"Z{l}"], v[f"A{l}"]))
            put(f"dW{l}", v[f"dZ{l}"] @ v[f"A{l - 1}"].T)
            put(f"db{l}", v[f"dZ{l}"].sum(axis=1))
            if l > 1:
                put(f"dA{l - 1}", W.T @ v[f"dZ{l}"])
            new.insert(0, (put(f"W{l}_next", W - lr * v[f"dW{l}"]), put(f"b{l}_next", b - lr * v[f"db{l}"])))
        params = new
        if layout == "rows":     # samples as rows: every per-sample matrix transposed
            v = {k: (a.T if a.ndim == 2 and not k.startswith(("W", "dW")) else a) for k, a in v.items()}
        out.append(v)
    return out


def text(a, digits=10):
    """Numbers as a student writes them, to `digits` decimals (strings keep their text)."""
    a = np.asarray(a, float)
    if a.ndim == 0:
        return f"{float(a):.{digits}f}"
    return [text(x, digits) for x in a]


def sigfig_text(a, k):
    """Numbers written to k significant figures (strings)."""
    a = np.asarray(a, float)
    if a.ndim == 0:
        return f"{float(a):.{k}g}"
    return [sigfig_text(x, k) for x in a]


OR_GATE = dict(x=[[0, 0], [0, 1], [1, 0], [1, 1]], y=[[0], [1], [1], [1]],
               layers=[([[0.2, 0.4], [0.3, 0.5]], [0.3, 0.5]), ([[0.4, 0.6]], [0.5])],
               acts=["sigmoid", "sigmoid"], lr=0.5)
SEED_004 = dict(x=[[2]], y=[[1]], layers=[([[1], [1]], [-0.5, -0.5]), ([[1, 1], [1, 1]], [-0.5, -0.5]),
                                          ([[1, 1]], [-0.5])],
                acts=["relu", "relu", "identity"], lr=0.01, steps=3, layout="rows")
