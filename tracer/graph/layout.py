"""Where the circuit's parts go, in drawing units (an SVG pixel; the TikZ picture draws a unit
as UNIT_PT points, so that a wire label's 12 units are LaTeX's 10 pt \\small).

Places: inputs in a column on the left, every node one column right of its furthest operand,
rows by the mean row of what feeds it (so wires run short and mostly straight), moved where a
wire into it would run through a node of a column it crosses, at least one row apart within
a column.  Each node's circle is sized to the symbol it holds; its name stands above it, or
beside it where a wire comes in from above.

Labels: every wire gets its value in a box just above it and its gradient in a box just below
it, side by side at one spot along the wire (apart, where no spot has room for both): the spot
with the most room that keeps clear of every node, name, other wire and label placed before,
and SEP from other wires' labels.  When some wire has no such spot (two wires leaving one node
at a narrow angle, wires crossing in a short column), the rows and columns move apart (the
cheapest first: a drawing wider than the page is scaled down, a tall one is only tall) and the
labels are placed again.

Geometry only: the renderers (svg.py, the LaTeX template's TikZ) draw what this places, with
the fonts the sizes here assume (text_size's widths are a little wider than Helvetica's and
Computer Modern's glyphs), and tests/test_graph_layout.py checks that no two parts meet, in
this geometry, in Chromium's and in the PDF's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

UNIT_PT = 10 / 12          # TikZ: points per drawing unit
LABEL, NAME, INPUT = 12, 12, 14          # font sizes: wire labels, names above nodes, inputs
GATE, GATE_SMALL = 14, 10                # a node's symbol: one or two characters, or longer
R_MIN = 16                 # the smallest node radius
GAP = 3                    # a label's distance from its own wire
CLEAR = 2                  # the least room between a label and anything else
ARROW = 10                 # the arrow head at a wire's end, kept free of labels
PAD = 1                    # around a label's text
ROW0, COL0 = 56, 96        # the least spacing of rows and columns
MISS = 0.5                 # rows by which a wire passes a node of a column it crosses
COL_GROWTH = (1, 1.1, 1.2, 1.35, 1.5, 1.7)        # spacings tried when labels are crowded,
ROW_GROWTH = (1, 1.15, 1.3, 1.5, 1.75, 2, 2.3)     # as multiples of the least
TRIES, WIDEN, GROW_COL = 42, 4, 1.2
PAGE, TALL = 560, 300      # a page's text width (17 cm); a drawing that still fits below a title (9 cm)
CANDIDATES = 17            # spots tried along each wire
ROOM = (12, 8, 5, CLEAR)   # room around a label, the most first
NAME_SIDES = (-90, -60, -120, -30, -150, 90, 60, 120)   # a node's name: above it, else around (degrees, y down)
SEP = 10                   # the least room between labels of two wires (closer, 1 and −3 read as 1 −3)


# a character's width in ems: at least Helvetica's (Nimbus Sans, Liberation Sans) and Computer
# Modern's, whose minus sign is wide
_EM = {**dict.fromkeys("0123456789", 0.6), **dict.fromkeys(".,:;' ", 0.3),
       **dict.fromkeys("-−+=×·≈÷<>", 0.8), **dict.fromkeys("()[]|/", 0.5),
       **dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", 0.6), "m": 0.9, "w": 0.8, "M": 0.9, "W": 1.0}


def text_size(s: str, font: float) -> tuple[float, float]:
    """(width, height) of a text at a font size, in drawing units."""
    w = sum(_EM.get(ch, 0.75 if ch.isupper() else 0.6) for ch in s)
    return w * font, font


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, cx, cy, w, h):
        return cls(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    @property
    def cx(self):
        return (self.x0 + self.x1) / 2

    @property
    def cy(self):
        return (self.y0 + self.y1) / 2

    def grown(self, d):
        return Box(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)

    def meets(self, o, gap=0.0) -> bool:
        return not (self.x1 + gap <= o.x0 or o.x1 + gap <= self.x0 or
                    self.y1 + gap <= o.y0 or o.y1 + gap <= self.y0)

    def meets_circle(self, x, y, r, gap=0.0) -> bool:
        dx = x - min(max(x, self.x0), self.x1)
        dy = y - min(max(y, self.y0), self.y1)
        return math.hypot(dx, dy) < r + gap

    def meets_segment(self, x1, y1, x2, y2, gap=0.0) -> bool:
        """Whether the segment passes through the box grown by gap (Liang-Barsky clipping)."""
        if (max(x1, x2) <= self.x0 - gap or min(x1, x2) >= self.x1 + gap or
                max(y1, y2) <= self.y0 - gap or min(y1, y2) >= self.y1 + gap):
            return False
        b = self.grown(gap)
        t0, t1, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
        for p, q in ((-dx, x1 - b.x0), (dx, b.x1 - x1), (-dy, y1 - b.y0), (dy, b.y1 - y1)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True

    def shifted(self, dx, dy):
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


@dataclass
class Place:
    name: str
    col: int
    row: float
    is_input: bool


@dataclass
class Node:
    """An input (a point, its name to the left) or a node (a circle of radius r, its symbol
    inside, its name above it when the symbol is an operation)."""
    name: str
    x: float
    y: float
    r: float                      # 0 for an input
    text: Box                     # the symbol inside the circle, or the input's name
    name_box: Box | None = None   # the name above a node


@dataclass
class Wire:
    src: str
    dst: str | None               # None: the output's wire, running out to the right
    x1: float
    y1: float
    x2: float
    y2: float
    value: Box | None = None      # above the wire
    grad: Box | None = None       # below it
    sizes: tuple = ((0, 0), (0, 0))


@dataclass
class Drawing:
    nodes: dict
    wires: list
    width: float = 0.0
    height: float = 0.0
    crowded: list = field(default_factory=list)     # wires whose labels could not be kept clear
    tight: list = field(default_factory=list)       # wires with a label less than SEP from another's
    spacing: tuple = ((), ROW0)                      # (column gaps, row spacing)

    @property
    def placed(self) -> bool:
        return not self.crowded

    def labels(self):
        """Every text box: wire labels, node symbols, names."""
        out = [b for w in self.wires for b in (w.value, w.grad) if b is not None]
        out += [n.text for n in self.nodes.values()] + [n.name_box for n in self.nodes.values() if n.name_box]
        return out


def place(p) -> dict:
    """{name: Place} for every input and node of the graph problem p."""
    out = {name: Place(name, 0, float(i), True) for i, name in enumerate(p.inputs)}
    col = {name: 0 for name in p.inputs}
    for nd in p.nodes:                        # operands always stand in earlier columns
        col[nd.name] = 1 + max((col[r] for r in nd.refs()), default=0)
    for c in sorted({col[nd.name] for nd in p.nodes}):
        column = []
        for nd in p.nodes:
            if col[nd.name] == c:
                rows = [out[r].row for r in nd.refs()]
                want = sum(rows) / len(rows) if rows else 0.0
                column.append(Place(nd.name, c, _clear_row(want, [out[r] for r in nd.refs()], c, out), False))
        _spread(column)
        out.update({pl.name: pl for pl in column})
    return out


def _clear_row(want, sources, c, placed) -> float:
    """The row nearest `want` at which no wire from `sources` to column c passes through a
    node of a column between (it would look like an input of that node)."""
    between = [m for m in placed.values() if not m.is_input]
    for d in (0, 0.5, -0.5, 1, -1, 1.5, -1.5, 2, -2):
        r = want + d
        if r >= 0 and all(abs(s.row + (r - s.row) * (m.col - s.col) / (c - s.col) - m.row) >= MISS
                          for s in sources for m in between if s.col < m.col < c):
            return r
    return want


def _spread(column: list):
    """Rows at least 1 apart, in the order their wanted rows give, keeping their mean."""
    want = {id(pl): pl.row for pl in column}
    column.sort(key=lambda pl: want[id(pl)])
    rows = [want[id(pl)] for pl in column]
    for i in range(1, len(rows)):
        rows[i] = max(rows[i], rows[i - 1] + 1)
    shift = (sum(want.values()) - sum(rows)) / len(rows)
    low = min(rows) + shift
    if low < 0:                      # nothing above the first input
        shift -= low
    for pl, r in zip(column, rows):
        pl.row = r + shift


def gate_font(symbol: str) -> int:
    return GATE if len(symbol) <= 2 else GATE_SMALL


def radius(symbol: str) -> float:
    """A node's radius: its symbol's box fits inside with room to spare."""
    w, h = text_size(symbol, gate_font(symbol))
    return max(R_MIN, math.hypot(w / 2, 0.8 * h / 2) + 3)


def draw(places: dict, symbols: dict, wires: list) -> Drawing:
    """The drawing: `symbols` {node: (symbol, named)} (named: the node's name stands above
    it), every input's name its own symbol; `wires` (source, target, value text, gradient
    text) for each operand of each node; the output's wire (value, gradient) last, with
    target None.  Texts are the labels as drawn ('' for none).  The same graph with the same
    labels is drawn once (a worksheet's formats, its sheet and its solutions share it): the
    Drawing returned is shared, to be read only."""
    return _draw(tuple((n, pl.col, pl.row, pl.is_input) for n, pl in places.items()),
                 tuple(symbols.items()), tuple(tuple(w) for w in wires))


@lru_cache(maxsize=32)
def _draw(places_key, symbols_key, wires_key) -> Drawing:
    places = {n: Place(n, c, r, i) for n, c, r, i in places_key}
    symbols, wires = dict(symbols_key), list(wires_key)
    width = max(max(text_size(v, LABEL)[0], text_size(g, LABEL)[0]) for _, _, v, g in wires)
    radii = {n: (0.0 if places[n].is_input else radius(symbols[n][0])) for n in places}
    col0 = max(COL0, 2 * max(radii.values()) + width + 2 * (CLEAR + PAD) + ARROW + 6)
    ncols = max(pl.col for pl in places.values())
    best = None

    def better(d):
        return best is None or (len(d.crowded), len(d.tight)) < (len(best.crowded), len(best.tight))
    big = len(wires) > 60                   # a big graph: no search
    for gc, gr in _spacings(places, col0)[:1 if big else TRIES]:
        d = _attempt(places, symbols, radii, wires, [col0 * gc] * ncols, ROW0 * gr)
        if not d.crowded and not d.tight:
            return d
        best = d if better(d) else best
    gaps, row = list(best.spacing[0]), best.spacing[1]
    for _ in range(0 if big else WIDEN):    # then only the columns the crowded wires cross
        for c in {c for w in best.crowded + best.tight if w.dst is not None
                  for c in range(places[w.src].col, places[w.dst].col)}:
            gaps[c] *= GROW_COL
        d = _attempt(places, symbols, radii, wires, gaps, row)
        if not d.crowded and not d.tight:
            return d
        best = d if better(d) else best
    return best


def _spacings(places, col0):
    """The spacings to try, as multiples of the least, the cheapest first: a drawing wider
    than a page's text is scaled down (its labels with it), a tall one is only tall."""
    cols = max(pl.col for pl in places.values())
    rows = max(pl.row for pl in places.values())

    def cost(g):
        width, height = cols * col0 * g[0] + 100, rows * ROW0 * g[1] + 60
        return width + 3 * max(0.0, width - PAGE) + 0.7 * height + 2 * max(0.0, height - TALL)
    return sorted(((c, r) for c in COL_GROWTH for r in ROW_GROWTH), key=cost)


def _attempt(places, symbols, radii, specs, gaps, row) -> Drawing:
    nodes = {}
    for name, pl in places.items():
        x, y, r = sum(gaps[:pl.col]), pl.row * row, radii[name]
        sym, named = symbols[name]
        if pl.is_input:
            w, h = text_size(sym, INPUT)
            nodes[name] = Node(name, x, y, 0.0, Box(x - 3 - w, y - h / 2, x - 3, y + h / 2))
            continue
        w, h = text_size(sym, gate_font(sym))
        nodes[name] = Node(name, x, y, r, Box.around(x, y, w, 0.8 * h))
    wires = []
    for src, dst, value, grad in specs:
        a = nodes[src]
        if dst is None:
            length = max(60, 2 * max(text_size(value, LABEL)[0], text_size(grad, LABEL)[0]) + ARROW)
            w = Wire(src, None, a.x + a.r, a.y, a.x + a.r + length, a.y)
        else:
            b = nodes[dst]
            L = math.hypot(b.x - a.x, b.y - a.y)
            ux, uy = (b.x - a.x) / L, (b.y - a.y) / L
            w = Wire(src, dst, a.x + a.r * ux, a.y + a.r * uy, b.x - b.r * ux, b.y - b.r * uy)
        w.sizes = tuple(_label_size(t) for t in (value, grad))
        wires.append(w)
    for name, (sym, named) in symbols.items():
        if named:
            _name(nodes[name], nodes, wires)
    crowded, tight = _place_labels(nodes, wires)
    return _framed(Drawing(nodes, wires, crowded=crowded, tight=tight, spacing=(tuple(gaps), row)))


def _name(n: Node, nodes, wires):
    """The name above a node, or, where a wire comes in from above, at the first side of
    it that no wire, node or other name meets."""
    w, h = text_size(n.name, NAME)
    first = None
    for a in NAME_SIDES:
        dx, dy = math.cos(math.radians(a)), math.sin(math.radians(a))
        s = n.r + 1 + w / 2 * abs(dx) + h / 2 * abs(dy)
        b = Box.around(n.x + s * dx, n.y + s * dy, w, h)
        first = first or b
        if not (any(b.meets_segment(o.x1, o.y1, o.x2, o.y2, 2 * CLEAR) for o in wires) or
                any(m is not n and m.r and b.meets_circle(m.x, m.y, m.r, CLEAR) for m in nodes.values()) or
                any(m.name_box is not None and b.meets(m.name_box, CLEAR) for m in nodes.values())):
            n.name_box = b
            return
    n.name_box = first


def _label_size(text):
    if not text:
        return (0, 0)
    w, h = text_size(text, LABEL)
    return (w + 2 * PAD, h + 2 * PAD)


def spots(w: Wire):
    """(value box, gradient box) at each candidate spot along the wire, the middle first."""
    dx, dy = w.x2 - w.x1, w.y2 - w.y1
    L = math.hypot(dx, dy)
    ux, uy = dx / L, dy / L
    nx, ny = uy, -ux                     # the wire's upper side (it always runs rightwards)
    (vw, vh), (gw, gh) = w.sizes
    along = max(vw / 2 * abs(ux) + vh / 2 * abs(uy), gw / 2 * abs(ux) + gh / 2 * abs(uy))
    lo, hi = along + CLEAR, L - along - ARROW
    if hi < lo:
        return []
    ts = [lo + (hi - lo) * k / (CANDIDATES - 1) for k in range(CANDIDATES)]
    ts.sort(key=lambda t: abs(t - (lo + hi) / 2))
    out = []
    for t in ts:
        fx, fy = w.x1 + t * ux, w.y1 + t * uy
        boxes = []
        for (bw, bh), sign in (((vw, vh), 1), ((gw, gh), -1)):
            if bw == 0:
                boxes.append(None)
                continue
            s = GAP + bw / 2 * abs(nx) + bh / 2 * abs(ny)
            boxes.append(Box.around(fx + sign * s * nx, fy + sign * s * ny, bw, bh))
        out.append(tuple(boxes))
    return out


class _Near:
    """The nodes and other wires near one wire (what its labels could meet), found once."""

    def __init__(self, w: Wire, nodes, wires):
        (vw, vh), (gw, gh) = w.sizes
        reach = max(vw, vh, gw, gh) + GAP + ROOM[0] + 1
        self.area = Box(min(w.x1, w.x2), min(w.y1, w.y2), max(w.x1, w.x2), max(w.y1, w.y2)).grown(reach)
        self.circles = [(n.x, n.y, n.r) for n in nodes.values()
                        if n.r and self.area.meets(Box.around(n.x, n.y, 2 * n.r, 2 * n.r))]
        self.boxes = [b for n in nodes.values() for b in ((None if n.r else n.text), n.name_box)
                      if b is not None and self.area.meets(b)]
        self.segments = []           # each with its bounding box, to pass most by quickly
        for o in wires:
            sb = Box(min(o.x1, o.x2), min(o.y1, o.y2), max(o.x1, o.x2), max(o.y1, o.y2))
            if o is not w and self.area.meets(sb):
                self.segments.append(((o.x1, o.y1, o.x2, o.y2), sb))

    def clear(self, b: Box, gap=CLEAR) -> bool:
        return not (any(b.meets_circle(x, y, r, gap) for x, y, r in self.circles) or
                    any(b.meets(o, gap) for o in self.boxes) or
                    any(b.meets(sb, gap) and b.meets_segment(*sg, gap) for sg, sb in self.segments))


def _place_labels(nodes, wires):
    """Labels for every wire, the most constrained wire first: its value and gradient side by
    side at the spot with the most room (the middle first among equals), or, where no spot
    has room for both, each at its own spot; SEP from other wires' labels, or failing that
    clear of them.  Returns (crowded, tight): the wires with a label that had no spot clear
    of everything (it takes the spot that meets the fewest labels), and those with a label
    closer than SEP to another wire's."""
    options = []
    for w in wires:
        if w.sizes == ((0, 0), (0, 0)):
            continue
        near, cands = _Near(w, nodes, wires), spots(w)
        free = [c for c in cands if all(b is None or near.clear(b) for b in c)]
        options.append((w, near, free, cands))
    options.sort(key=lambda o: len(o[2]))
    taken, crowded, tight = [], [], []
    for w, near, free, cands in options:
        close = [t for t in taken if near.area.meets(t)]
        for sep in (SEP, CLEAR):
            pick = _best(free, near, close, sep) or _apart(cands, near, close, sep)
            if pick is not None:
                break
        else:
            crowded.append(w)
            pick = min(free or cands, key=lambda c: sum(b.meets(t, CLEAR) for b in c if b is not None
                                                        for t in close), default=(None, None))
        if pick is not None and sep != SEP and w not in crowded:
            tight.append(w)
        w.value, w.grad = pick
        taken.extend(b for b in pick if b is not None)
    return crowded, tight


def _apart(cands, near, close, sep):
    """The value at one spot and the gradient at another, or None."""
    pick = []
    for k in (0, 1):
        one = [(c[k],) for c in cands if c[k] is not None and near.clear(c[k])]
        if not one and any(c[k] is not None for c in cands):
            return None
        b = _best(one, near, close + pick, sep) if one else (None,)
        if b is None:
            return None
        pick += list(b)
    return tuple(pick)


def _best(cands, near, close, sep):
    """The candidate (a tuple of boxes) with the most room (the widest of ROOM clear of every
    other wire, node and label: labels in a wedge between two wires read as one, 1 −3), the
    first among equals; sep clear of the labels near; None if none is even CLEAR."""
    ok = [c for c in cands if not any(b.meets(t, sep) for b in c if b is not None for t in close)]
    for gap in ROOM:
        for c in ok:
            if all(near.clear(b, gap) and not any(b.meets(t, gap) for t in close) for b in c if b is not None):
                return c
    return None


def _framed(d: Drawing, margin=4) -> Drawing:
    """Moved so that everything starts at (margin, margin); width and height set."""
    boxes = d.labels() + [Box.around(n.x, n.y, 2 * n.r, 2 * n.r) for n in d.nodes.values()]
    boxes += [Box(min(w.x1, w.x2), min(w.y1, w.y2), max(w.x1, w.x2), max(w.y1, w.y2)) for w in d.wires]
    x0, y0 = min(b.x0 for b in boxes), min(b.y0 for b in boxes)
    dx, dy = margin - x0, margin - y0
    for n in d.nodes.values():
        n.x, n.y, n.text = n.x + dx, n.y + dy, n.text.shifted(dx, dy)
        n.name_box = n.name_box.shifted(dx, dy) if n.name_box else None
    for w in d.wires:
        w.x1, w.y1, w.x2, w.y2 = w.x1 + dx, w.y1 + dy, w.x2 + dx, w.y2 + dy
        w.value = w.value.shifted(dx, dy) if w.value else None
        w.grad = w.grad.shifted(dx, dy) if w.grad else None
    d.width = max(b.x1 for b in boxes) + dx + margin
    d.height = max(b.y1 for b in boxes) + dy + margin
    return d
