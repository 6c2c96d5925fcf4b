"""The network figure: where each neuron, edge and label goes, in figure units (1 unit = 1 cm
in the LaTeX worksheet's TikZ picture), for every renderer that draws it (TikZ, the
Markdown's SVG, the practice page).

Labels are optional (`figure:` in the problem file): the weights on the edges and the biases
beside the neurons, by name, by starting value, or both; named layer by layer (w^[l]_jk,
b^[l]_j) or with the flat numbering of many published examples (Mazur's w1 … w8, b1, b2,
neurons i1, h1, o1).  In augmented-bias mode every layer but the last gets a grey constant
node 1 on top: row 1 of its W̃, Z and A, as the matrices number it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .. import numtext

MAX_DRAWN = 7        # a layer wider than this is drawn as its first and last neurons with dots
X_STEP = 2.6         # between layers
X_STEP_LABELLED = 3.6
Y_STEP = 1.3         # between neurons: a node is 0.9 across, so 0.4 apart
Y_STEP_LABELLED = 1.8   # ... and room for the labels of crossing edges
NODE = 0.9
WEIGHT_POS = 0.34    # where along an edge its label sits, from the neuron it leaves
SLANT_POS = 0.24     # ... a slanted edge's: nearer its source, clear of the edges it crosses


@dataclass(frozen=True)
class Label:
    """A symbol with an optional subscript and superscript: a^{[1]}_{2}, \\hat{y}_1, w_5;
    `value`: a number written after it (w_1 = 0.15) or alone."""
    base: str = ""
    sub: str = ""
    sup: str = ""
    value: str = ""          # plain text: 0.15, −0.27, 1/3
    hat: bool = False

    @property
    def tex(self) -> str:
        base = r"\hat{%s}" % self.base if self.hat else self.base
        s = base + (f"^{{{self.sup}}}" if self.sup else "") + (f"_{{{self.sub}}}" if self.sub else "")
        if self.value:
            v = self.value.replace("−", "-")
            return f"{s} = {v}" if self.base else v
        return s

    @property
    def plain(self) -> str:
        """For SVG text and screen readers: a[1]2 is written a₂^[1] with tspans by the template."""
        return self.base + self.sub + self.sup + (" = " + self.value if self.value else "")


def _value_text(q) -> str:
    """A starting value as the label shows it: the decimal when it is one, else p/q; a minus sign."""
    return numtext.plain(Fraction(q)).replace("-", "−")


class Names:
    """What the figure calls each neuron, weight and bias."""

    def __init__(self, p, sup):
        self.flat = p.figure.get("names") == "flat"
        self.sizes = [len(p.x[0])] + [L.shape[0] for L in p.layers]
        self.sup = sup
        self.layers = p.layers
        offsets, k = [], 0
        for L in p.layers:                         # w1, w2, …: row by row, layer after layer
            offsets.append(k)
            k += L.shape[0] * L.shape[1]
        self.w_offset = offsets
        with_b = [L for L in p.layers if L.b is not None]
        self.b_per_layer = all(len(set(L.b)) == 1 for L in with_b)   # Mazur: one b per layer
        self.b_offset, k = [], 0
        for L in p.layers:
            self.b_offset.append(k)
            k += L.shape[0] if L.b is not None else 0

    def neuron(self, c: int, i: int) -> Label:
        last = len(self.sizes) - 1
        if self.flat:
            if c == 0:
                return Label("i", str(i + 1))
            if c == last:
                return Label("o", str(i + 1))
            return Label("h", str(sum(self.sizes[1:c]) + i + 1))
        if c == 0:
            return Label("x", str(i + 1))
        if c == last:
            return Label("y", str(i + 1), hat=True)
        return Label("a", str(i + 1), self.sup(c))

    def weight(self, l: int, j: int, k: int) -> Label:
        """The weight into neuron j of layer l from neuron k of layer l − 1 (0-based)."""
        if self.flat:
            return Label("w", str(self.w_offset[l - 1] + j * self.layers[l - 1].shape[1] + k + 1))
        # the subscript of W's entry as the matrices write it: (in, out) storage swaps it
        sub = f"{k + 1}{j + 1}" if self.layers[l - 1].in_out else f"{j + 1}{k + 1}"
        return Label("w", sub, self.sup(l))

    def bias(self, l: int, j: int) -> Label:
        if self.flat:
            n = sum(1 for L in self.layers[:l] if L.b is not None) if self.b_per_layer \
                else self.b_offset[l - 1] + j + 1
            return Label("b", str(n))
        return Label("b", str(j + 1), self.sup(l))


def _with(label: Label, value, how: str) -> Label | None:
    if how == "none":
        return None
    if how == "names":
        return label
    v = _value_text(value)
    return Label(value=v) if how == "values" else Label(label.base, label.sub, label.sup, v, label.hat)


def _rows(size):
    idx = list(range(size))
    return idx[:4] + [None] + idx[-2:] if size > MAX_DRAWN else idx


def build_figure(p, sup, act_symbols, act_words) -> dict:
    """Columns of nodes (id, x, y, label, dots, const), their captions, edges (with an optional
    label), and the figure's extent."""
    opts = p.figure
    names = Names(p, sup)
    weights, biases = opts.get("weights", "none"), opts.get("biases", "none")
    aug = p.bias == "augmented"
    step = X_STEP_LABELLED if weights != "none" else X_STEP
    dy = Y_STEP_LABELLED if weights != "none" or biases != "none" else Y_STEP
    sizes = names.sizes
    cols = []
    tallest = max(len(_rows(size)) for size in sizes)
    for c, size in enumerate(sizes):
        rows = _rows(size)
        k = len(rows)
        nodes = []
        x = step * c
        if aug:       # row 1 of every Ã (and of Ŷ, Ỹ): the constant, one row above the tallest layer
            nodes.append(_node(f"c{c}", x, ((tallest - 1) / 2 + 1) * dy, Label("1"), const=True))
        for r, i in enumerate(rows):
            y = ((k - 1) / 2 - r) * dy
            if i is None:
                nodes.append(_node(f"d{c}", x, y, Label(r"\vdots"), dots=True))
                continue
            node = _node(f"n{c}x{i}", x, y, names.neuron(c, i))
            L = p.layers[c - 1] if c else None
            if L is not None and L.b is not None and not aug:
                node["bias"] = _with(names.bias(c, i), L.b[i], biases)
            nodes.append(node)
        cols.append({"nodes": nodes, "caption": "input" if c == 0 else f"layer {c}", "size": size,
                     "act": act_symbols[c], "act_word": act_words[c], "x": x})
    below = -(tallest - 1) / 2 * dy - NODE / 2 - 0.35
    for c in cols:
        c["below"] = below
    edges = []
    for c in range(len(cols) - 1):
        for a in cols[c]["nodes"]:
            for b in cols[c + 1]["nodes"]:
                if a["dots"] or b["dots"] or b["const"]:
                    continue
                edge = {"from": a["id"], "to": b["id"], "const": a["const"], "label": None,
                        "pos": WEIGHT_POS if a["y"] == b["y"] else SLANT_POS}
                j = _index(b)
                if not a["const"]:
                    edge["label"] = _with(names.weight(c + 1, j, _index(a)), p.layers[c].w(j, _index(a)), weights)
                else:         # W̃'s first column: the bias is the weight from the constant
                    L = p.layers[c]
                    edge["label"] = _with(names.bias(c + 1, j), L.b[j] if L.b else 0, biases)
                edges.append(edge)
        if aug:       # the constant carried forward: 1 → 1
            nxt = cols[c + 1]["nodes"][0]
            if nxt["const"]:
                edges.append({"from": cols[c]["nodes"][0]["id"], "to": nxt["id"], "const": True, "label": None,
                              "pos": WEIGHT_POS})
    top = max(n["y"] for c in cols for n in c["nodes"])
    return {"columns": cols, "links": edges, "edges": [(e["from"], e["to"]) for e in edges if not e["const"]], "weight_pos": WEIGHT_POS, "node": NODE,
            "width": step * (len(cols) - 1), "top": top + NODE / 2 + (0.45 if biases != "none" else 0),
            "bottom": below - 0.9, "const": aug}


def _node(id_, x, y, name, dots=False, const=False):
    """`label`: the name as LaTeX (what the practice page typesets), `name`: the Label."""
    return {"id": id_, "x": round(x, 3), "y": round(y, 3), "label": name.tex, "name": name, "dots": dots,
            "const": const, "bias": None}


def _index(node) -> int:
    return int(node["id"].rsplit("x", 1)[1])


# -- SVG (the Markdown worksheet's figure) -------------------------------------------------------
PX = 56              # pixels per figure unit
MARGIN = 28


def runs(label: Label) -> list[dict]:
    """The label as SVG text runs: a base, then a lowered subscript and a raised superscript
    (tspans with dy in em), then ' = value' back on the baseline."""
    if label.base == r"\vdots":
        return [{"text": "⋮", "dy": 0, "small": False, "italic": False}]
    out, shift = [], 0.0
    if label.base:
        base = "ŷ" if label.hat and label.base == "y" else label.base
        out.append({"text": base, "dy": 0, "small": False, "italic": base.isalpha()})
    for text, to in ((label.sub, 0.3), (label.sup.removeprefix("{").removesuffix("}"), -0.45)):
        if text:
            out.append({"text": text, "dy": round((to - shift) / 0.7, 3), "small": True, "italic": False})
            shift = to
    if label.value:
        out.append({"text": (" = " if label.base else "") + label.value, "dy": round(-shift, 3) if shift else 0,
                    "small": False, "italic": False})
    return out


def _width(label) -> float:
    """About how wide an edge label is at 11 px (its white backing)."""
    if label is None:
        return 0
    small = len(label.sub) + len(label.sup.strip("{}"))
    return round(6.0 * (len(label.base) + len(label.value) + (3 if label.base and label.value else 0))
                 + 4.5 * small + 4, 1)


def svg_layout(fig) -> dict:
    """Pixel positions for the SVG: circles, shortened edges with arrowheads, label anchors."""
    top = fig["top"]
    px = lambda x, y: (round(MARGIN + (x + 0.6) * PX, 1), round(MARGIN + (top - y) * PX, 1))  # noqa: E731
    r = fig["node"] / 2 * PX
    nodes, where = [], {}
    for c in fig["columns"]:
        for n in c["nodes"]:
            x, y = px(n["x"], n["y"])
            where[n["id"]] = (x, y, n["dots"])
            nodes.append({"x": x, "y": y, "r": round(r, 1), "dots": n["dots"], "const": n["const"],
                          "runs": runs(n["name"]),
                          "bias": runs(n["bias"]) if n["bias"] else None, "by": round(y - r - 5, 1)})
    edges = []
    for e in fig["links"]:
        (x1, y1, _), (x2, y2, _) = where[e["from"]], where[e["to"]]
        d = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        a, b = (x1 + ux * r, y1 + uy * r), (x2 - ux * (r + 1), y2 - uy * (r + 1))
        t = e["pos"]
        edges.append({"x1": round(a[0], 1), "y1": round(a[1], 1), "x2": round(b[0], 1), "y2": round(b[1], 1),
                      "const": e["const"], "runs": runs(e["label"]) if e["label"] else None,
                      "lx": round(a[0] + (b[0] - a[0]) * t, 1), "ly": round(a[1] + (b[1] - a[1]) * t, 1),
                      "lw": _width(e["label"])})
    caption_y = px(0, fig["columns"][0]["below"])[1] + 14
    captions = [{"x": px(c["x"], 0)[0], "y": round(caption_y, 1), "text": f"{c['caption']} ({c['size']})",
                 "act": c["act_word"]} for c in fig["columns"]]
    width = round(2 * MARGIN + (fig["width"] + 1.2) * PX, 1)
    height = round(caption_y + 40, 1)
    return {"nodes": nodes, "edges": edges, "captions": captions, "width": width, "height": height}
