"""Where the circuit's parts go: inputs in a column on the left, every node one column right
of its furthest operand, rows by the mean row of what feeds it (so wires run short and
mostly straight), at least one row apart within a column.

Geometry only, in abstract units (column, row); the renderers (svg.py, the LaTeX template's
TikZ) scale it and write the labels the worksheet document gives them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Place:
    name: str
    col: int
    row: float
    is_input: bool


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
                column.append(Place(nd.name, c, sum(rows) / len(rows) if rows else 0.0, False))
        _spread(column)
        out.update({pl.name: pl for pl in column})
    return out


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


def size(places: dict) -> tuple[int, float]:
    """(columns, rows) spanned."""
    return (max(pl.col for pl in places.values()) + 1,
            max(pl.row for pl in places.values()) + 1)


# label boxes, in columns and rows (a character is about 7 px of a 150 px column, a label
# 14 px of a 66 px row; TikZ's 3.2 × 1.5 cm keeps about the same proportions)
CHAR, HEIGHT, NODE = 0.047, 0.24, 0.13
CANDIDATES = (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58, 0.18, 0.82)


def _box(x, y, chars, above):
    w = max(chars, 1) * CHAR / 2 + 0.02
    return (x - w, y - HEIGHT, x + w, y) if above else (x - w, y, x + w, y + HEIGHT)


def _overlap(a, b) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def label_positions(places: dict, wires: list) -> list[float]:
    """Where along each wire (0 = source, 1 = target) its two labels go: the first of a few
    places whose boxes overlap least with the labels already placed and with the nodes.
    `wires`: (source, target, characters above, characters below)."""
    # a node and the name above it
    taken = [(pl.col - NODE, pl.row - 3.5 * NODE, pl.col + NODE, pl.row + 2 * NODE)
             for pl in places.values() if not pl.is_input]
    out = []
    for src, dst, above, below in wires:
        a, b = places[src], places[dst]

        def boxes(t):
            x, y = a.col + t * (b.col - a.col), a.row + t * (b.row - a.row)
            return [_box(x, y, above, True), _box(x, y, below, False)]
        best = min(CANDIDATES, key=lambda t: sum(_overlap(bx, o) for bx in boxes(t) for o in taken))
        taken.extend(boxes(best))
        out.append(best)
    return out
