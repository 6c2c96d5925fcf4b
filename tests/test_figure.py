"""The network figure (issue 14.7, and the augmented constant of 14.6): nodes that never touch,
optional labels by name or value (layer by layer or flat as Mazur numbers them), the same
figure as SVG beside a Markdown worksheet, and that SVG as Chromium shows it.

Expected names are Mazur's own (w1: i1 → h1, w2: i2 → h1, w3: i1 → h2, …, w5: h1 → o1,
w6: h2 → o1, w7: h1 → o2, w8: h2 → o2; b1 shared by h1, h2 and b2 by o1, o2)."""
import itertools
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run
from tracer.cli import main
from tracer.render import render, render_figure
from tracer.render.document import build
from tracer.render.figure import NODE, svg_layout

ROOT = Path(__file__).resolve().parents[1]
MAZUR = {"data": {"x": [["0.05", "0.10"]], "y": [["0.01", "0.99"]]},
         "network": [{"linear": {"W": [["0.15", "0.20"], ["0.25", "0.30"]], "b": ["0.35", "0.35"], "freeze": ["b"]}},
                     "sigmoid",
                     {"linear": {"W": [["0.40", "0.45"], ["0.50", "0.55"]], "b": ["0.60", "0.60"], "freeze": ["b"]}},
                     "sigmoid"],
         "loss": {"mse": {"scale": "1/2", "samples": "sum"}}, "optimizer": {"sgd": {"lr": "0.5"}}}
FLAT = {"weights": "both", "biases": "names", "names": "flat"}


def fig(d, **figure):
    return build(run({**d, "figure": figure} if figure else d))["figure"]


def nodes(f):
    return [n for c in f["columns"] for n in c["nodes"] if not n["dots"]]


def wide(sizes, **over):
    net = []
    for a, b in zip(sizes, sizes[1:]):
        net += [{"linear": {"W": [[0] * a for _ in range(b)], "b": [0] * b}}, "relu"]
    return {"data": {"x": [[1] * sizes[0]], "y": [[0] * sizes[-1]]}, "network": net, "loss": "mse",
            "optimizer": {"sgd": {"lr": 1}}, **over}


@pytest.mark.parametrize("d", [MAZUR, wide([3, 7, 2]), wide([9, 12, 1]), wide([2, 3, 2, 1], bias="augmented")],
                         ids=["mazur", "seven", "elided", "augmented"])
@pytest.mark.parametrize("labels", [{}, FLAT])
def test_nodes_never_touch(d, labels):
    f = fig(d, **labels)
    for a, b in itertools.combinations(nodes(f), 2):
        gap = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 - NODE
        assert gap >= 0.35, (a["id"], b["id"], gap)          # at least 3.5 mm between circles
    g = svg_layout(f)
    for a, b in itertools.combinations([n for n in g["nodes"] if not n["dots"]], 2):
        assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= a["r"] + b["r"] + 15


def test_mazur_flat_numbering_names_every_weight_and_bias_as_the_blog():
    f = fig(MAZUR, **FLAT)
    names = {n["id"]: n["label"] for n in nodes(f)}
    assert [names[k] for k in ("n0x0", "n0x1", "n1x0", "n1x1", "n2x0", "n2x1")] == \
        ["i_{1}", "i_{2}", "h_{1}", "h_{2}", "o_{1}", "o_{2}"]
    edge = {(names[e["from"]], names[e["to"]]): e["label"].tex for e in f["links"]}
    assert edge == {("i_{1}", "h_{1}"): "w_{1} = 0.15", ("i_{2}", "h_{1}"): "w_{2} = 0.2",
                    ("i_{1}", "h_{2}"): "w_{3} = 0.25", ("i_{2}", "h_{2}"): "w_{4} = 0.3",
                    ("h_{1}", "o_{1}"): "w_{5} = 0.4", ("h_{2}", "o_{1}"): "w_{6} = 0.45",
                    ("h_{1}", "o_{2}"): "w_{7} = 0.5", ("h_{2}", "o_{2}"): "w_{8} = 0.55"}
    bias = {names[n["id"]]: n["bias"].tex for n in nodes(f) if n["bias"]}
    assert bias == {"h_{1}": "b_{1}", "h_{2}": "b_{1}", "o_{1}": "b_{2}", "o_{2}": "b_{2}"}


def test_flat_biases_are_numbered_per_neuron_when_a_layer_has_several():
    d = {**MAZUR, "network": [{"linear": {"W": [["0.15", "0.20"], ["0.25", "0.30"]], "b": [1, 2]}}, "sigmoid",
                              {"linear": {"W": [["0.40", "0.45"]], "b": [3]}}], "data": {"x": [[1, 1]], "y": [[1]]}}
    f = fig(d, biases="both", names="flat")
    assert [n["bias"].tex for n in nodes(f) if n["bias"]] == ["b_{1} = 1", "b_{2} = 2", "b_{3} = 3"]


def test_layered_names_and_values_as_the_matrices_hold_them():
    d = {**MAZUR, "network": [{"linear": {"W": [["-0.27"], ["-0.41"]], "b": ["-0.48", "-0.13"]}}, "sigmoid",
                              {"linear": {"W": [["0.09", "-0.17"]], "b": ["0.48"]}}],
         "data": {"x": [[1]], "y": [[1]]}}
    f = fig(d, weights="names", biases="values")
    labels = sorted(e["label"].tex for e in f["links"])
    assert labels == ["w^{{[1]}}_{11}", "w^{{[1]}}_{21}", "w^{{[2]}}_{11}", "w^{{[2]}}_{12}"]
    assert [n["bias"].tex for n in nodes(f) if n["bias"]] == ["-0.48", "-0.13", "0.48"]
    assert not any(n["bias"] for n in nodes(fig(d)))                  # no labels unless asked


def test_augmented_figure_draws_the_constant_as_row_one():
    """mfnet: a constant node 1 on top of every layer (row 1 of Ã, W̃, Z), carried 1 → 1, and
    joined to each neuron of the next layer by W̃'s first column (the bias)."""
    f = fig(wide([2, 3, 2, 1], bias="augmented"), biases="names")
    for c in f["columns"]:
        top = c["nodes"][0]
        assert top["const"] and top["label"] == "1"
        assert top["y"] == max(n["y"] for n in c["nodes"])
    const_edges = [e for e in f["links"] if e["const"]]
    assert len(const_edges) == 3 + 2 + 1 + 3              # to every neuron, and 1 → 1 three times
    assert sorted(e["label"].tex for e in const_edges if e["label"]) == \
        ["b^{{[1]}}_{1}", "b^{{[1]}}_{2}", "b^{{[1]}}_{3}", "b^{{[2]}}_{1}", "b^{{[2]}}_{2}", "b^{{[3]}}_{1}"]
    assert ("c0", "n1x0") not in f["edges"]                   # the practice page draws neurons' edges only


def test_legend_maps_the_flat_names_to_the_matrices():
    sheet = render(run({**MAZUR, "figure": FLAT}), "markdown")
    assert (r"*Names in the figure:* $w_{1}, \dots, w_{4}$ are $W^{[1]}$ row by row; $w_{5}, \dots, w_{8}$ are "
            r"$W^{[2]}$ row by row; $b_{1}$ is every entry of $b^{[1]}$; $b_{2}$ is every entry of $b^{[2]}$; "
            r"the net and out of $h_{1}, h_{2}$ are the rows of $Z^{[1]}$ and $A^{[1]}$") in sheet
    assert "Names in the figure" not in render(run(MAZUR), "markdown")


def test_markdown_written_to_a_file_links_its_svg_figure(tmp_path):
    problem = tmp_path / "p.yaml"
    import yaml
    problem.write_text(yaml.safe_dump({**MAZUR, "figure": FLAT}), encoding="utf-8")
    out = tmp_path / "sheet.md"
    r = CliRunner().invoke(main, [str(problem), "-o", str(out)])
    assert r.exit_code == 0, r.output
    md = out.read_text(encoding="utf-8")
    svg = tmp_path / "sheet-network.svg"
    assert "![input (2) → linear 2 + sigmoid → linear 2 + sigmoid](sheet-network.svg)" in md
    root = ET.fromstring(svg.read_text(encoding="utf-8"))          # well-formed XML
    words = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for label in ("i1", "h2", "o1", "w1 = 0.15", "w8 = 0.55", "b2", "layer 1 (2)", "sigmoid"):
        assert label in words
    r = CliRunner().invoke(main, [str(problem)])               # standard output: no file, no link
    assert "-network.svg" not in r.output and "input (2) → linear 2 + sigmoid" in r.output


def test_user_text_in_the_svg_is_escaped():
    d = {**MAZUR, "notation": {"names": ["<b>&", "O"]}}
    svg = render_figure(run(d))
    root = ET.fromstring(svg)
    assert "<b>&" in "".join(root.itertext()) and "<b>&" not in svg


def test_figure_option_is_checked(tmp_path):
    import yaml
    problem = tmp_path / "p.yaml"
    problem.write_text(yaml.safe_dump({**MAZUR, "figure": {"weights": "all"}}), encoding="utf-8")
    r = CliRunner().invoke(main, [str(problem)])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == \
        ["Error: figure.weights: expected one of none, names, values, both; got 'all'"]


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="needs pdflatex (TeX Live)")
@pytest.mark.parametrize("figure", [FLAT, {"weights": "values", "biases": "both"}])
def test_labelled_figures_compile(figure):
    from tracer.render.pdf import to_pdf
    for d in (MAZUR, wide([2, 3, 2, 1], bias="augmented")):
        assert to_pdf(render(run({**d, "figure": figure}), "latex"))[:4] == b"%PDF"


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium: apt-get install chromium")
def test_chromium_shows_the_figure_a_markdown_page_links(tmp_path):
    """The Markdown's <img> of the SVG, as a Markdown viewer (GitHub, JupyterLab) emits it:
    Chromium loads it at its size and paints the circles and the labels."""
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra); "
                                     "it drives /usr/bin/chromium, no browser download")
    import base64
    svg = render_figure(run({**MAZUR, "figure": FLAT}))
    (tmp_path / "sheet-network.svg").write_text(svg, encoding="utf-8")
    data = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    (tmp_path / "page.html").write_text(f'<img id="f" alt="the network" src="sheet-network.svg"><img id="g" src="{data}">',
                                        encoding="utf-8")
    # the dark pixels of the drawing, counted on a canvas (the data: copy does not taint it)
    count = """() => { const g = document.getElementById('g'), c = document.createElement('canvas');
        c.width = g.naturalWidth; c.height = g.naturalHeight; const x = c.getContext('2d');
        x.drawImage(g, 0, 0); const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 300) n++; return n; }"""
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto((tmp_path / "page.html").as_uri())
            page.wait_for_function("document.getElementById('f').complete && document.getElementById('g').complete")
            size = page.evaluate("[document.getElementById('f').naturalWidth, document.getElementById('f').naturalHeight]")
            dark = page.evaluate(count)
        finally:
            browser.close()
    root = ET.fromstring(svg)
    assert size == [round(float(root.get("width"))), round(float(root.get("height")))]   # loaded, not broken
    assert dark > 800             # six circles and their labels painted (one circle alone: ~250)


def test_weights_stored_in_out_label_each_edge_with_its_own_entry():
    """weights: in_out: the edge from input k to neuron j is W's entry (k, j), named w_{kj}."""
    d = {"weights": "in_out", "data": {"x": [[1, 2]], "y": [[1, 0, 1]]},
         "network": [{"linear": {"W": [["0.1", "0.2", "0.3"], ["0.4", "0.5", "0.6"]]}}],     # (in, out) = (2, 3)
         "loss": "mse", "optimizer": {"sgd": {"lr": 1}}}
    f = fig(d, weights="both")
    got = {(e["from"], e["to"]): (e["label"].sub, e["label"].value) for e in f["links"]}
    assert got[("n0x0", "n1x2")] == ("13", "0.3")       # input 1 → neuron 3: W[0][2]
    assert got[("n0x1", "n1x0")] == ("21", "0.4")       # input 2 → neuron 1: W[1][0]
    assert len(got) == 6


def test_labels_of_crossing_edges_stand_clear_of_each_other():
    """Mazur's w2 (i2 → h1) and w3 (i1 → h2) cross between the layers: their labels sit nearer
    their sources, at least 0.9 units apart vertically (a label is about 0.35 high), so that the
    crossing edge does not run through the other's label (it did at a third of the way: 0.58)."""
    f = fig(MAZUR, **FLAT)
    at = {}
    where = {n["id"]: (n["x"], n["y"]) for c in f["columns"] for n in c["nodes"]}
    for e in f["links"]:
        (x1, y1), (x2, y2) = where[e["from"]], where[e["to"]]
        at[e["label"].sub] = (x1 + (x2 - x1) * e["pos"], y1 + (y2 - y1) * e["pos"])
    assert abs(at["2"][1] - at["3"][1]) >= 0.9
    assert at["1"][1] == where["n0x0"][1]            # a straight edge's label stays on its line
