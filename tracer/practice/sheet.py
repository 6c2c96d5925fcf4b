"""The practice page's content, read from the trace: the problem as the blank worksheet
states it (facts, network, data, givens), then one card per quantity to compute, with its
formula, the shape of its input grid and the "next line" hint.

All math is LaTeX made by the worksheets' printer (tracer/render); the page template only
lays it out and the browser typesets it with the vendored KaTeX.
"""
from __future__ import annotations

import numpy as np

from ..render.document import build, fused_note, loss_lines, matrix_lines
from ..render.escape import math_text
from ..render.printer import Printer

ASKED_KINDS = ("forward", "loss", "backward", "update", "state")   # givens are shown, not asked
SECTION = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
           "update": "Update", "state": "Update"}
START = "Parameters at the start of this step"
FIGURE_UNIT = 70          # pixels per unit of the worksheet's TikZ figure


def build_sheet(entry) -> dict:
    """Everything the page shows of one catalogue entry (see catalog.Entry)."""
    t = entry.trace()
    doc = build(t, fmt="markdown", blank=True)     # Markdown's math: text set for MathJax/KaTeX
    pr = Printer(t, text=math_text)
    blank = Printer(t, blank=True, text=math_text)
    steps = [{"index": st.index, "batch": doc_step["batch"], "givens": _step_givens(pr, t, st),
              "sections": _sections(pr, blank, t, st)}
             for st, doc_step in zip(t.steps, doc["steps"])]
    cards = [c for s in steps for sec in s["sections"] for c in sec["cards"]]
    return {
        "name": entry.name, "title": doc["title"], "digest": entry.digest,
        "facts": doc["facts"], "layers": doc["layers"], "diagram": doc["diagram"],
        "figure": figure_px(doc["figure"]), "activations": doc["activations"],
        "data": doc["data"], "givens": [b.lines for b in doc["givens"]],
        "steps": steps, "n_steps": len(t.steps), "n_asked": len(cards),
        "spec": {"name": entry.name, "digest": entry.digest, "steps": len(t.steps),
                 "quantities": [{k: c[k] for k in ("key", "step", "name", "shape", "rows", "cols")}
                                for c in cards]},
    }


def _sections(pr, blank, t, st):
    out = {}
    for q in st.shown():
        if q.kind == "param" and st.index > 0:       # a later step starts from your W_next
            out.setdefault(START, []).append(card(pr, blank, t, st, q))
        elif q.kind in ASKED_KINDS:
            out.setdefault(SECTION[q.kind], []).append(card(pr, blank, t, st, q))
    return [{"title": title, "cards": cards} for title, cards in out.items()]


def card(pr, blank, t, st, q) -> dict:
    """One quantity: its formula (as the blank sheet writes it), its input grid, its hint."""
    if q.expr is None:          # a parameter of a later step: the update of the step before
        formula = (f"{pr.n.symbol(q.name)} &= {pr.n.symbol(q.name + '_next')}"
                   + r"\ \text{of step %d}" % (st.index - 1))
        hint = None
    else:
        lines = (loss_lines if q.kind == "loss" else matrix_lines)
        formula = lines(blank, q, st)[0]
        full = lines(pr, q, st)
        # the next line of the worksheet: the formula with the numbers substituted, not the result
        hint = full[:2] if len(full) > 2 else full[:1]
    rows, cols = grid(q.value, pr.feat)
    return {"key": f"{st.index}:{q.name}", "step": st.index, "name": q.name,
            "symbol": pr.n.symbol(q.name), "shape": q.shape, "rows": rows, "cols": cols,
            "formula": formula, "hint": hint, "note": fused_note(q, t.problem)}


def grid(value, feat) -> tuple[int, int]:
    """Rows and columns of the inputs, as the worksheet lays the matrix out: a bias vector
    stands along the feature axis (a column when samples are columns), a scalar is 1×1."""
    shape = np.shape(value)
    if len(shape) == 2:
        return shape
    if len(shape) == 1:
        return (shape[0], 1) if feat == 0 else (1, shape[0])
    return 1, 1


def _step_givens(pr, t, st):
    """A later step's own samples (mini-batches); its parameters are the student's W_next."""
    if st.index == 0 or not (t.problem.batch_size and len(t.problem.batches()) > 1):
        return []
    return [f"{pr.n.symbol(q.name)} &= {pr.matrix(q.value, factor=False)}"
            for q in st.quantities.values() if q.kind == "data"]


def figure_px(fig) -> dict:
    """The worksheet's network drawing in pixels: node centres, edges, captions."""
    cols = fig["columns"]
    top = max((n["y"] for c in cols for n in c["nodes"]), default=0)
    left = 0.6
    pos = {}
    nodes = []
    for c in cols:
        for n in c["nodes"]:
            x, y = (n["x"] + left) * FIGURE_UNIT, (top - n["y"] + 0.6) * FIGURE_UNIT
            pos[n["id"]] = (x, y)
            nodes.append({"x": x, "y": y, "label": n["label"], "dots": n["dots"]})
    below = (top - cols[0]["below"] + 0.6) * FIGURE_UNIT
    captions = [{"x": (c["x"] + left) * FIGURE_UNIT, "y": below, "text": c["caption"], "act": c["act"]}
                for c in cols]
    edges = [pos[a] + pos[b] for a, b in fig["edges"]]
    width = (max(c["x"] for c in cols) + 2 * left) * FIGURE_UNIT
    return {"nodes": nodes, "edges": edges, "captions": captions, "width": width,
            "height": below + 0.8 * FIGURE_UNIT}
