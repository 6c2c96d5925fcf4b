"""The practice page in a real browser: Playwright for Python driving Debian's Chromium
(/usr/bin/chromium, never a downloaded one) against the app on a local socket.

The numbers typed come from outside the engine: seed 002's own (seed_answers.yaml) and a
plain numpy forward and backward pass of the OR-gate network written out below.
"""
import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium) for the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra) "
                               "for the browser tests; they drive /usr/bin/chromium, no browser download")

from tracer.check import check_files  # noqa: E402
from tracer.graph.problem import is_graph  # noqa: E402
from tracer.practice.app import create_app  # noqa: E402
from tracer.problem import load_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "worked_examples"
OR = EXAMPLES / "or_gate" / "problem.yaml"
SEED = EXAMPLES / "or_gate" / "seed_answers.yaml"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT = 20_000          # ms: the machine is shared; a verdict normally shows in well under 1 s


@pytest.fixture(scope="module")
def base():
    from werkzeug.serving import make_server
    srv = make_server("127.0.0.1", 0, create_app(EXAMPLES), threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_port}/"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base):
    """A fresh browser profile (empty localStorage) on seed 002's page; every request it
    makes is recorded, and script errors fail the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.requests, pg.errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(base + "p/or_gate")
    pg.wait_for_selector(".katex")            # KaTeX has typeset the page
    yield pg
    assert pg.errors == []
    context.close()


def card(page, name, step=0):
    return page.locator(f'.card[data-key="{step}:{name}"]')


def type_in(page, name, value):
    """Type a quantity, entry by entry in reading order (a flat list for a vector)."""
    values = np.asarray(value, dtype=object).ravel()
    cells = card(page, name).locator("input.cell")
    assert cells.count() == len(values), name
    for k, v in enumerate(values):
        cells.nth(k).fill(str(v))


def score_is(page, n):
    """Wait for the score (the page's content security policy forbids evaluated strings,
    so no wait_for_function)."""
    sync_api.expect(page.locator("#score-value")).to_have_text(str(n), timeout=TIMEOUT)


def seed_answers():
    def text(v):
        return [text(x) for x in v] if isinstance(v, list) else getattr(v, "text", str(v))
    return {k: text(v) for k, v in load_yaml(SEED.read_text(), str(SEED)).items()}


def or_gate_by_hand():
    """Seed 002's network, one step of SGD, in plain numpy (samples as columns)."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], float)
    Y = np.array([[0, 1, 1, 1]], float)
    W1, b1 = np.array([[0.2, 0.4], [0.3, 0.5]]), np.array([[0.3], [0.5]])
    W2, b2 = np.array([[0.4, 0.6]]), np.array([[0.5]])
    m, lr = 4, 0.5
    Z1 = W1 @ X + b1
    A1 = sig(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sig(Z2)
    J = ((A2 - Y) ** 2).sum() / (2 * m)
    dA2 = (A2 - Y) / m
    dZ2 = dA2 * A2 * (1 - A2)
    dW2, db2 = dZ2 @ A1.T, dZ2.sum(axis=1)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * A1 * (1 - A1)
    dW1, db1 = dZ1 @ X.T, dZ1.sum(axis=1)
    out = dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2, J=J, dA2=dA2, dZ2=dZ2, dW2=dW2, db2=db2, dA1=dA1, dZ1=dZ1,
               dW1=dW1, db1=db1, W1_next=W1 - lr * dW1, b1_next=b1.ravel() - lr * db1,
               W2_next=W2 - lr * dW2, b2_next=b2.ravel() - lr * db2)
    return {k: np.vectorize(lambda x: f"{x:.6g}")(np.asarray(v)) for k, v in out.items()}


def test_seed_002s_delta_is_off_by_a_factor_m(page):
    type_in(page, "dZ2", seed_answers()["dZ2"])
    c = card(page, "dZ2")
    page.wait_for_selector('.card[data-key="0:dZ2"].st-wrong')
    assert "off by a constant factor m = 4" in c.locator(".verdict").inner_text()
    assert "first error" in c.locator(".badge").evaluate("e => getComputedStyle(e, '::after').content")
    assert page.locator("#score-value").inner_text() == "0"
    assert "1 wrong" in page.locator("#score-detail").inner_text()


def test_a_whole_sheet_filled_in_correctly_gets_the_full_score(page):
    values = or_gate_by_hand()
    assert page.locator(".card").count() == len(values) == 17
    for name, v in values.items():
        type_in(page, name, v)
    score_is(page, 17)
    assert page.locator(".card.st-correct").count() == 17
    assert page.locator(".card.st-wrong, .card.st-carried").count() == 0
    assert "full marks" in page.locator("#score-detail").inner_text()
    page.locator("#next-line").click()
    assert "every quantity is right" in page.locator("#message").inner_text()


def test_error_carried_forward_and_the_first_error(page):
    """A slip in Z1 (entry (1, 2) written 0.8 for 0.7), then A1 computed honestly from it."""
    by_hand = or_gate_by_hand()
    z1 = np.array([[0.3, 0.8, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]])
    type_in(page, "Z1", z1)
    type_in(page, "A1", np.vectorize(lambda x: f"{x:.4f}")(1 / (1 + np.exp(-z1))))
    type_in(page, "dA2", by_hand["dA2"])
    page.wait_for_selector('.card[data-key="0:A1"].st-carried')
    # the page grades as it is typed: wait for the reply that covers dA2 too (a loaded machine
    # answers A1's request first)
    page.wait_for_selector('.card[data-key="0:dA2"].st-correct')
    assert page.locator('.card[data-key="0:Z1"]').get_attribute("class").split() == ["card", "st-wrong", "st-first"]
    assert "carried forward from your Z1" in card(page, "A1").locator(".verdict").inner_text()
    score_is(page, 2)


def test_answers_survive_a_reload(page):
    type_in(page, "Z1", [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]])
    card(page, "J").locator("input").fill("0,0903")       # a decimal comma is read as a point
    card(page, "dW2").locator("input").first.fill("abc")
    page.wait_for_selector('.card[data-key="0:J"].st-correct')
    page.reload()
    page.wait_for_selector('.card[data-key="0:J"].st-correct')
    cells = card(page, "Z1").locator("input.cell")
    assert [cells.nth(k).input_value() for k in range(8)] == ["0.3", "0.7", "0.5", "0.9", "0.5", "1.0", "0.8", "1.3"]
    assert "st-correct" in card(page, "Z1").get_attribute("class")
    bad = card(page, "dW2").locator("input.cell").first
    assert bad.input_value() == "abc" and "invalid" in bad.get_attribute("class")
    assert "not a number" in card(page, "dW2").locator(".verdict").inner_text()
    score_is(page, 2)


def test_uploading_an_answers_file(page):
    page.set_input_files("#upload", str(SEED))
    page.wait_for_selector('.card[data-key="0:dZ2"].st-wrong')
    assert card(page, "dZ2").locator("input.cell").first.input_value() == ".140"
    assert card(page, "J").locator("input").input_value() == "0.090"
    assert "off by a constant factor m = 4" in card(page, "dZ2").locator(".verdict").inner_text()
    expected = check_files(str(OR), str(SEED)).summary
    score_is(page, expected["correct"] + expected["carried"])
    assert f"{expected['given']} answered" in page.locator("#score-detail").inner_text()
    assert "Loaded seed_answers.yaml" in page.locator("#message").inner_text()


def test_a_bad_upload_names_the_place(page, tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("Z1: [[0.3, 0.7]]\n")
    page.set_input_files("#upload", str(f))
    page.wait_for_selector("#message.error")
    assert "Z1: 1×2, but Z1 is 2×4" in page.locator("#message").inner_text()


def test_the_downloaded_file_works_with_trace_net_check(page, tmp_path):
    seed = seed_answers()
    for name in ("Z1", "A1", "dZ2", "db1", "J"):
        type_in(page, name, seed[name])
    card(page, "dW1").locator("input.cell").first.fill("1/3")          # a fraction, and ...
    card(page, "W2_next").locator("input.cell").first.fill("0.4")     # ... an incomplete one
    page.wait_for_selector('.card[data-key="0:dZ2"].st-wrong')
    with page.expect_download() as dl:
        page.locator("#download").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert path.name == "answers-or_gate.yaml"
    text = path.read_text()
    assert "W2_next" in text.split("\n")[2] and "left out" in text        # said, not written
    grading = check_files(str(OR), str(path))
    got = {r.name: r.status for r in grading.results}
    assert set(got) == {"Z1", "A1", "dZ2", "db1", "J"}
    assert got["dZ2"] == "wrong" and got["Z1"] == got["J"] == "correct"
    assert grading.summary["correct"] + grading.summary["carried"] == int(page.locator("#score-value").inner_text())
    # and the same file uploaded again fills the same boxes
    page.locator("#clear").evaluate("b => { window.confirm = () => true; b.click(); }")
    assert card(page, "Z1").locator("input.cell").first.input_value() == ""
    page.set_input_files("#upload", str(path))
    page.wait_for_selector('.card[data-key="0:dZ2"].st-wrong')
    assert card(page, "dZ2").locator("input.cell").first.input_value() == ".140"


def test_the_next_line_hint(page):
    type_in(page, "Z1", [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]])
    page.wait_for_selector('.card[data-key="0:Z1"].st-correct')
    page.locator("#next-line").click()
    hint = card(page, "A1").locator(".hint")
    assert hint.is_visible()
    tex = hint.locator("annotation").text_content()       # KaTeX keeps the LaTeX it typeset
    assert r"\sigma\left(\begin{bmatrix} 0.3 & 0.7 & 0.5 & 0.9 \\ 0.5 & 1 & 0.8 & 1.3 \end{bmatrix}\right)" in tex
    assert "0.5744" not in tex                          # σ(0.3): the result is left to the student
    assert not card(page, "Z2").locator(".hint").is_visible()


def test_the_page_needs_no_network(page, base):
    page.reload()
    page.wait_for_selector(".katex")
    type_in(page, "J", ["0.09"])
    page.wait_for_selector('.card[data-key="0:J"].st-correct')
    assert page.requests and all(u.startswith(base) for u in page.requests), page.requests
    fonts = page.evaluate("() => document.fonts.check('16px KaTeX_Main')")
    assert fonts


def test_a_folder_lists_its_problems(browser, base):
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(base)
    links = pg.locator("ul.problems a")
    names = sorted(p.parent.name for p in EXAMPLES.glob("*/problem.yaml")   # graph problems are
                   if not is_graph(load_yaml(p.read_text(), str(p))))        # not practised (yet)
    assert links.count() == len(names)
    pg.locator("a", has_text="seed 002").click()
    pg.wait_for_selector(".katex")
    assert pg.url == base + "p/or_gate"
    context.close()


def test_several_steps(browser, base):
    """relu_three_iterations (seed 004, three steps): the answers of step 1 go in its own boxes."""
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(base + "p/relu_three_iterations")
    pg.wait_for_selector(".katex")
    pg.set_input_files("#upload", str(EXAMPLES / "relu_three_iterations" / "seed_answers.yaml"))
    expected = json.loads(__import__("tracer.check.report", fromlist=["render"]).render(
        check_files(str(EXAMPLES / "relu_three_iterations" / "problem.yaml"),
                    str(EXAMPLES / "relu_three_iterations" / "seed_answers.yaml")), "json"))
    right = expected["summary"]["correct"] + expected["summary"]["carried"]
    score_is(pg, right)
    for r in expected["results"]:
        cls = pg.locator(f'.card[data-key="{r["step"]}:{r["name"]}"]').get_attribute("class")
        assert f"st-{r['status']}" in cls, (r["step"], r["name"])
    context.close()


@pytest.mark.parametrize("example", ["tanh_rows", "mfnet_report_000"])
def test_other_layouts_fill_to_full_marks(browser, base, example):
    """The boxes map to the quantity's own shape in every layout: samples as rows (bias
    vectors as rows) and the augmented bias (W̃, the constant row of every A).  The numbers
    typed are the trace's own (6 significant digits): this is about the page's wiring."""
    from tracer.practice.catalog import load
    from tracer.practice.sheet import build_sheet
    entry = load(EXAMPLES / example / "problem.yaml").entries[example]
    t = entry.trace()
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(base + f"p/{example}")
    pg.wait_for_selector(".katex")
    quantities = build_sheet(entry)["spec"]["quantities"]
    for q in quantities:
        values = np.asarray(t.floats(t.steps[q["step"]].quantities[q["name"]].value), dtype=float).ravel()
        cells = pg.locator(f'.card[data-key="{q["key"]}"] input.cell')
        assert cells.count() == len(values) == q["rows"] * q["cols"]
        for k, v in enumerate(values):
            cells.nth(k).fill(f"{v:.6g}")
    score_is(pg, len(quantities))
    assert pg.locator(".card.st-correct").count() == len(quantities)
    context.close()
