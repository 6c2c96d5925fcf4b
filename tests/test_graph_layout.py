"""The drawn circuit reads as a student reads it (issue 20.2): every label's box, computed here
from where the layout put it and the text it holds, meets no other label, no node and no wire
but its own; it stands beside its own wire (the value above it, the gradient below it, near it
and along it); every node's symbol fits inside its circle; no two circles meet.  On the worked
examples in every number mode and blank, on graphs generated from the graph templates with
several seeds, and on a few awkward graphs (a value feeding three nodes, long names, fractions).

Then the same with the real boxes: the SVG's texts measured in Chromium (getBBox), the PDF's
words measured by pdftotext.  The geometry below is written out here, independent of the
layout module's own (it samples segments rather than clipping them).
"""
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import tracer
from tracer import parse_problem, trace
from tracer.generate import generate, load_template
from tracer.graph.document import circuit
from tracer.graph.layout import GATE, LABEL, NAME, text_size
from tracer.graph.render import render_figure
from tracer.render.printer import Printer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("graph_cs231n", "graph_sigmoid_neuron", "graph_residual")
TEMPLATES = sorted((ROOT / "examples" / "templates").glob("graph_*.yaml"))
AWKWARD = {
    "three branches": {"graph": {"inputs": {"x": 2, "w": -3},
                                 "nodes": {"a": "w * x", "b": "a * a", "c": "a + x", "d": "exp(a)",
                                           "f": "b + c + d"}}, "numbers": "float"},
    "long names": {"graph": {"inputs": {"alpha": 0.5, "weight_in": -2, "x_12": 3},
                             "nodes": {"hidden_layer": "weight_in * x_12 + alpha",
                                       "squashed": "tanh(hidden_layer)", "loss_term": "(squashed - 1)**2"}}},
    "fractions": {"graph": {"inputs": {"x": 1, "y": 3, "z": -7},
                            "nodes": {"q": "x / y", "r": "q / z", "f": "q * r - z / y"}}},
    "dead branch": {"graph": {"inputs": {"x": -1, "y": 2},
                              "nodes": {"a": "relu(x)", "b": "a * y", "f": "b + y"}}},
}


def drawings():
    for name in EXAMPLES:
        for over in ({}, {"numbers": "float"}, {"numbers": "symbolic"}, {"round": 2}):
            t = tracer.trace_file(ROOT / "worked_examples" / name / "problem.yaml", **over)
            yield f"{name} {over}", t, False
        yield f"{name} blank", t, True
    for tp in TEMPLATES:
        for seed in (1, 2, 3, 4):
            for i, v in enumerate(generate(load_template(str(tp)), count=3, seed=seed)):
                yield f"{tp.name} seed {seed} #{i}", v.trace, False
    for name, d in AWKWARD.items():
        yield name, trace(parse_problem(d)), False


CASES = list(drawings())


# -- geometry, written out independently of tracer/graph/layout.py ---------------------------------
def box(cx, cy, text, font):
    w, h = text_size(text, font)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def overlap(a, b, hair=0.0):
    """Whether two boxes share more than a hair's width and height."""
    return min(a[2], b[2]) - max(a[0], b[0]) > hair and min(a[3], b[3]) - max(a[1], b[1]) > hair


def box_circle(b, x, y, r):
    """Distance from a circle's edge to the box (negative: they meet)."""
    dx, dy = max(b[0] - x, 0, x - b[2]), max(b[1] - y, 0, y - b[3])
    return math.hypot(dx, dy) - r


def crosses(b, x1, y1, x2, y2, step=0.5):
    n = max(2, int(math.hypot(x2 - x1, y2 - y1) / step))
    return any(b[0] < x1 + (x2 - x1) * k / n < b[2] and b[1] < y1 + (y2 - y1) * k / n < b[3]
               for k in range(n + 1))


def box_of_circle(n):
    return (n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"])


def segment_misses_circle(w, n, step=0.5):
    L = math.hypot(w["x2"] - w["x1"], w["y2"] - w["y1"])
    k = max(2, int(L / step))
    return all(math.hypot(w["x1"] + (w["x2"] - w["x1"]) * i / k - n["x"],
                          w["y1"] + (w["y2"] - w["y1"]) * i / k - n["y"]) > n["r"] for i in range(k + 1))


def side(b, w):
    """Which side of its wire a box's middle is: +1 above (the upper side), -1 below."""
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    cross = (w["x2"] - w["x1"]) * (cy - w["y1"]) - (w["y2"] - w["y1"]) * (cx - w["x1"])
    return -1 if cross > 0 else 1           # y grows downwards


def distance_to_line(b, w):
    """The least distance from the box's corners to the wire's line."""
    dx, dy = w["x2"] - w["x1"], w["y2"] - w["y1"]
    L = math.hypot(dx, dy)
    return min(abs(dy * (x - w["x1"]) - dx * (y - w["y1"])) / L for x in (b[0], b[2]) for y in (b[1], b[3]))


def along(b, w):
    """Where the box's middle projects onto the wire, 0 at its start, 1 at its end."""
    dx, dy = w["x2"] - w["x1"], w["y2"] - w["y1"]
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return ((cx - w["x1"]) * dx + (cy - w["y1"]) * dy) / (dx * dx + dy * dy)


def parts(c):
    """(labels, circles, wires): labels as (what, box, wire or None)."""
    labels, circles = [], []
    wires = c["wires"] + [c["out_wire"]]
    for w in wires:
        for key, sign in (("value", 1), ("grad", -1)):
            if w[key]["text"]:
                labels.append((f"{key} of {w['src']}→{w['dst']}", box(w[key]["x"], w[key]["y"],
                                                                      w[key]["text"], LABEL), (w, sign)))
    for n in c["nodes"]:
        if n["input"]:
            w, h = text_size(n["text"], 14)
            labels.append((f"input {n['id']}", (n["text_right"] - w, n["y"] - h / 2, n["text_right"],
                                                n["y"] + h / 2), None))
            continue
        circles.append(n)
        if n["named"]:
            labels.append((f"name {n['id']}", box(n["name_x"], n["name_y"], n["text"], NAME), None))
    return labels, circles, wires


@pytest.mark.parametrize("name, t, blank", CASES, ids=[c[0] for c in CASES])
def test_no_label_meets_another_a_node_or_a_wire(name, t, blank):
    c = circuit(t, Printer(t, blank=blank), blank)
    labels, circles, wires = parts(c)
    assert c["drawing"].placed
    for i, (what, b, _) in enumerate(labels):
        for other, b2, _ in labels[i + 1:]:
            assert not overlap(b, b2), f"{what} meets {other}"
        for n in circles:
            assert box_circle(b, n["x"], n["y"], n["r"]) > 0, f"{what} meets node {n['id']}"
    for what, b, own in labels:
        for w in wires:
            if own is None or w is not own[0]:
                assert not crosses(b, w["x1"], w["y1"], w["x2"], w["y2"]), \
                    f"{what} is crossed by the wire {w['src']}→{w['dst']}"


@pytest.mark.parametrize("name, t, blank", CASES, ids=[c[0] for c in CASES])
def test_each_label_stands_beside_its_own_wire_values_above_gradients_below(name, t, blank):
    c = circuit(t, Printer(t, blank=blank), blank)
    labels, _, _ = parts(c)
    for what, b, own in labels:
        if own is None:
            continue
        w, sign = own
        assert not crosses(b, w["x1"], w["y1"], w["x2"], w["y2"]), f"{what} lies on its wire"
        assert side(b, w) == sign, f"{what} is on the wrong side of its wire"
        assert distance_to_line(b, w) < 6, f"{what} stands away from its wire"
        assert 0 < along(b, w) < 1, f"{what} is beyond its wire's ends"


@pytest.mark.parametrize("name, t, blank", CASES, ids=[c[0] for c in CASES])
def test_nodes_hold_their_symbols_keep_apart_and_no_wire_runs_through_one(name, t, blank):
    c = circuit(t, Printer(t), False)
    circles = [n for n in c["nodes"] if not n["input"]]
    for w in c["wires"]:
        for n in circles:
            if n["id"] not in (w["src"], w["dst"]):
                assert not crosses(box_of_circle(n), w["x1"], w["y1"], w["x2"], w["y2"]) or \
                    segment_misses_circle(w, n), f"the wire {w['src']}→{w['dst']} runs through {n['id']}"
    for i, n in enumerate(circles):
        w, h = text_size(n["gate_text"], n["gate_font"])
        assert math.hypot(w / 2, 0.8 * h / 2) < n["r"], f"{n['gate_text']} overflows node {n['id']}"
        assert n["gate_font"] <= GATE
        for m in circles[i + 1:]:
            assert math.hypot(n["x"] - m["x"], n["y"] - m["y"]) > n["r"] + m["r"], f"{n['id']} meets {m['id']}"


def test_fan_out_labels_are_the_branches_on_their_own_wires():
    """h feeds g and y: each wire carries its own branch (4.5 and −3), not both near h."""
    t = tracer.trace_file(ROOT / "worked_examples" / "graph_residual" / "problem.yaml")
    c = circuit(t, Printer(t), False)
    wires = {(w["src"], w["dst"]): w for w in c["wires"]}
    assert wires["h", "g"]["grad"]["text"] == "4.5" and wires["h", "y"]["grad"]["text"] == "-3"
    a, b = (box(w["grad"]["x"], w["grad"]["y"], w["grad"]["text"], LABEL) for w in (wires["h", "g"], wires["h", "y"]))
    assert not overlap(a, b)


# -- the real boxes --------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MEASURE = """() => {
  const r = b => [b.x, b.y, b.x + b.width, b.y + b.height];
  return {
    texts: [...document.querySelectorAll('text')].map(t => ({s: t.textContent, fill: t.getAttribute('fill'),
                                                              b: r(t.getBBox())})),
    circles: [...document.querySelectorAll('circle')].map(c => [c.cx.baseVal.value, c.cy.baseVal.value,
                                                               c.r.baseVal.value]),
    lines: [...document.querySelectorAll('line')].map(l => [l.x1.baseVal.value, l.y1.baseVal.value,
                                                           l.x2.baseVal.value, l.y2.baseVal.value])};
}"""


def inked(b, font_em=12):
    """A text's box as getBBox gives it spans the font's whole ascent and descent; the ink of
    digits, letters and signs lies within its middle: trim a fifth of the em off each end."""
    trim = 0.2 * (b[3] - b[1]) / 1.15
    return (b[0], b[1] + trim, b[2], b[3] - trim)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium) to measure the SVG")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra) to "
                                   "measure the SVG in /usr/bin/chromium, no browser download")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def svgs():
    for name in EXAMPLES:
        yield name, (ROOT / "worked_examples" / name / "worksheet-network.svg").read_text()
    for tp in TEMPLATES:
        for v in generate(load_template(str(tp)), count=2, seed=5):
            yield f"{tp.name} seed 5", render_figure(v.trace)
    yield "long names", render_figure(trace(parse_problem(AWKWARD["long names"])))


@pytest.mark.parametrize("name, svg", list(svgs()), ids=[s[0] for s in svgs()])
def test_in_chromium_no_text_meets_another_a_circle_or_a_wire(browser, name, svg):
    page = browser.new_page()
    try:
        page.set_content(f"<!doctype html><body style='margin:0'>{svg}</body>")
        m = page.evaluate(MEASURE)
    finally:
        page.close()
    texts = [(t["s"], t["b"]) for t in m["texts"]]
    inside = {}                    # a node's symbol: inside its circle, whole
    for s, b in texts:
        for x, y, r in m["circles"]:
            if b[0] < x < b[2] and b[1] < y < b[3]:
                ink = inked(b)
                assert all(math.hypot(px - x, py - y) < r for px in (ink[0], ink[2]) for py in (ink[1], ink[3])), \
                    f"{s!r} overflows its circle"
                inside[s, tuple(b)] = True
    free = [(s, b) for s, b in texts if (s, tuple(b)) not in inside]
    for i, (s, b) in enumerate(free):
        ink = inked(b)
        for s2, b2 in free[i + 1:]:
            assert not overlap(ink, inked(b2)), f"{s!r} meets {s2!r} in {name}"
        for x, y, r in m["circles"]:
            assert box_circle(ink, x, y, r) > 0, f"{s!r} meets a circle in {name}"
        for ln in m["lines"]:
            assert not crosses(ink, *ln), f"{s!r} is crossed by a wire in {name}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext: install poppler-utils (apt-get install poppler-utils)")
@pytest.mark.parametrize("name", EXAMPLES)
def test_in_the_pdf_no_two_words_of_the_circuit_meet(name):
    """The worked example's PDF as committed (scripts/regen_examples.py makes it from the TikZ
    picture): pdftotext's word boxes on its first page, none meeting another."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "2",
                          str(ROOT / "worked_examples" / name / "worksheet.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = out.split("<page ")[1:]
    checked = 0
    for page in pages:
        words = [(w, tuple(float(v) for v in b)) for *b, w in
                 re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)]
        lo = [b[1] for w, b in words if w == "circuit"]
        if not lo:
            continue
        hi = [b[1] for w, b in words if w == "Each" and b[1] > lo[0]]
        region = [(w, b) for w, b in words if lo[0] + 15 < b[1] < (hi[0] if hi else 1e9) - 2]
        assert len(region) > 10, json.dumps(region)
        for i, (w, b) in enumerate(region):
            for w2, b2 in region[i + 1:]:
                # (a hair: x and its superscript 2 are two words that touch)
                assert not overlap(b, b2, hair=0.3), f"{w!r} meets {w2!r} on the PDF's circuit"
        checked += 1
    assert checked == 1
