"""numbers: symbolic.  Every entry's formula, with the problem file's numbers substituted,
equals the exact numeric trace; seed 004's three iterations come out of its general formulas
(symbolic, then numbers, as the seed works); the limits refuse, never hang."""
from __future__ import annotations

import random
from pathlib import Path
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from conftest import make, random_problem
from tracer import ProblemError, trace

SEED_004 = {
    "layout": "rows", "data": {"x": [[2]], "y": [[1]]},
    "network": [{"linear": {"W": [[1], [1]], "b": [-0.5, -0.5]}}, "relu",
                {"linear": {"W": [[1, 1], [1, 1]], "b": [-0.5, -0.5]}}, "relu",
                {"linear": {"W": [[1, 1]], "b": [-0.5]}}],
    "loss": {"mse": {"scale": "1/2", "samples": "sum"}},
    "optimizer": {"sgd": {"lr": 0.01}},
}


def file_values(p):
    """{symbol: number} for every entry of the problem file, by the contract's names."""
    out = {}
    for s, row in enumerate(p.x):
        out.update({f"x_{s + 1}_{k + 1}": v for k, v in enumerate(row)})
    for s, row in enumerate(p.y):
        out.update({f"y_{s + 1}_{k + 1}": v for k, v in enumerate(row)})
    for l, L in enumerate(p.layers, 1):
        out.update({f"W{l}_{i + 1}_{j + 1}": v for i, r in enumerate(L.W) for j, v in enumerate(r)})
        out.update({f"b{l}_{i + 1}": v for i, v in enumerate(L.b or [])})
    return {sp.Symbol(k, real=True): sp.Rational(v.numerator, v.denominator) for k, v in out.items()}


def substitute(text, values):
    """A JSON `exact` string read by sympify with no extra names, numbers put in."""
    e = sp.sympify(text)
    named = {s: sp.Symbol(str(s), real=True) for s in e.free_symbols}
    e = e.xreplace(named)        # sympify makes plain symbols; ours are real
    return e.xreplace(values)


def assert_same(sym_json, num_trace, values):
    n = 0
    for st_s, st_n in zip(sym_json["steps"], num_trace.steps):
        for name, v in st_s["values"].items():
            assert np.all(np.array(v["float"], dtype=object) == None), name  # noqa: E711
            want = np.asarray(st_n[name], dtype=object)
            got = np.asarray(v["exact"], dtype=object)
            assert got.shape == want.shape, name
            for idx, text in np.ndenumerate(got):
                val = substitute(text, values)
                q, f, _ = num_trace.entry(want[idx])
                if q is not None and val.is_Rational:
                    assert Fraction(int(val.p), int(val.q)) == q, (name, idx, text)
                else:
                    assert float(val.evalf(40)) == pytest.approx(f, rel=1e-12, abs=1e-14), (name, idx, text)
                n += 1
    return n


def test_seed_004_formulas_substituted_equal_the_numeric_trace():
    p = make(SEED_004, numbers="symbolic")
    t = trace(p)
    d = t.to_dict()
    assert d["steps"][0]["values"]["A1"]["exact"][0][0] == "Max(0, W1_1_1*x_1_1 + b1_1)"
    assert "Heaviside(W1_1_1*x_1_1 + b1_1, 0)" in d["steps"][0]["values"]["dZ1"]["exact"][0][0]
    assert assert_same(d, trace(make(SEED_004)), file_values(p)) > 40


def test_seed_004_three_iterations_through_the_general_formulas():
    """As the seed does: derive ∂L/∂θ once in symbols, then put each iteration's numbers in.
    Iteration 0 gives the seed's gradients (14, 7, 5.25, 3.5, 8.75, 3.5, checked by hand);
    iteration 1's ŷ is 2.46575625 (the seed's 2.466); all three iterations equal the exact
    numeric trace of steps: 3."""
    p = make(SEED_004, numbers="symbolic")
    formulas = trace(p).to_dict()["steps"][0]["values"]
    values = file_values(p)
    params = {k: v for k, v in values.items() if str(k)[0] in "Wb"}
    numeric = trace(make(SEED_004, steps=3))
    lr = sp.Rational(1, 100)
    for it in range(3):
        env = {**values, **params}
        yhat = substitute(formulas["A3"]["exact"][0][0], env)
        assert Fraction(int(yhat.p), int(yhat.q)) == numeric.entry(numeric.steps[it]["A3"][0, 0])[0]
        if it == 1:
            assert yhat == sp.Rational(246575625, 10**8)   # by hand: 2·1.64425·0.9125 − 0.535
        grads = {}
        for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
            got = np.asarray(formulas[f"d{name}"]["exact"], dtype=object)
            for idx, text in np.ndenumerate(got):
                sub = "_".join(str(i + 1) for i in idx)
                grads[sp.Symbol(f"{name}_{sub}", real=True)] = substitute(text, env)
        if it == 0:
            want = {"W1_1_1": 14, "W1_2_1": 14, "b1_1": 7, "b1_2": 7, "W2_1_1": "21/4", "W2_2_2": "21/4",
                    "b2_1": "7/2", "b2_2": "7/2", "W3_1_1": "35/4", "W3_1_2": "35/4", "b3_1": "7/2"}
            for k, v in want.items():
                assert grads[sp.Symbol(k, real=True)] == sp.Rational(v), k
        params = {s: params[s] - lr * grads[s] for s in params}
        for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
            nxt = np.asarray(numeric.steps[it][f"{name}_next"], dtype=object)
            for idx, v in np.ndenumerate(nxt):
                sub = "_".join(str(i + 1) for i in idx)
                mine = params[sp.Symbol(f"{name}_{sub}", real=True)]
                assert Fraction(int(mine.p), int(mine.q)) == numeric.entry(v)[0]


# Seeds whose problems trace symbolically (1, 3, 6, 7), or with one symbol only (27, 30, 31,
# 38): seeds 0, 2, 4, 5 passed past the entry-size limit even with one symbol, and skipped
# on every run.
@pytest.mark.parametrize("seed", [1, 3, 6, 7, 27, 30, 31, 38])
def test_random_problems_substituted_equal_the_numeric_trace(seed):
    rng = random.Random(100 + seed)
    d = random_problem(rng, steps=1)
    d["data"]["x"], d["data"]["y"] = d["data"]["x"][:1], d["data"]["y"][:1]
    over = {"numbers": "symbolic"}
    try:
        t = trace(make(d, **over))
    except ProblemError as e:          # past the size limit: refused, naming it; then the
        assert "limit of" in str(e)    # one input entry alone stays symbolic
        over["symbols"] = ["x_1_1"]
        t = trace(make(d, **over))
    assert assert_same(t.to_dict(), trace(make(d)), file_values(make(d, **over))) > 5


def test_some_symbols_substituted_and_worksheet_shows_formula_then_value():
    p = make(SEED_004, numbers="symbolic", symbols=["W1", "b3_1"])
    t = trace(p)
    z1 = t.to_dict()["steps"][0]["values"]["Z1"]["exact"][0]
    assert z1 == ["2*W1_1_1 - 1/2", "2*W1_2_1 - 1/2"]
    values = file_values(p)
    assert assert_same(t.to_dict(), trace(make(SEED_004)), values) > 40
    shown = t.field.latex(t.steps[0]["Z1"][0, 0])
    assert shown == r"2 W^{[1]}_{11} - \frac{1}{2} = 1.5"
    assert "J" in t.to_dict()["steps"][0]["values"]
    md = t.render("markdown")
    assert r"2 W^{[1]}_{11} - \frac{1}{2} = 1.5" in md


def test_leaky_relu_sigmoid_and_softmax_read_back_by_sympify():
    d = {"layout": "columns", "data": {"x": [[1, -1]], "y": [1]},
         "network": [{"linear": {"W": [[0.5, -0.5], [1, 0.25]], "b": [0.1, -0.2]}},
                     {"leaky_relu": {"slope": 0.1}}, {"linear": {"W": [[1, -1], [0.5, 0.5]]}}, "softmax"],
         "loss": "cross_entropy", "optimizer": {"sgd": {"lr": 0.1, "momentum": 0.5}}}
    t = trace(make(d, numbers="symbolic"))
    js = t.to_dict()
    a1 = js["steps"][0]["values"]["A1"]["exact"][0][0]
    assert a1.startswith("Piecewise(")
    assert "exp(" in js["steps"][0]["values"]["A2"]["exact"][0][0]
    assert assert_same(js, trace(make(d)), file_values(make(d, numbers="symbolic"))) > 30


def test_adam_symbolic_two_steps():
    d = {"data": {"x": [[2]], "y": [[1]]}, "network": [{"linear": {"W": [[0.5]], "b": [0]}}],
         "loss": "mse", "optimizer": {"adamw": {"lr": 0.1, "weight_decay": 0.5}}, "steps": 2}
    t = trace(make(d, numbers="symbolic"))
    js = t.to_dict()
    assert "sqrt(" in js["steps"][1]["values"]["uW1"]["exact"][0][0]
    assert assert_same(js, trace(make(d)), file_values(make(d, numbers="symbolic"))) > 20


def test_too_many_symbols_refused_naming_the_limit():
    from tracer.symbolic import MAX_SYMBOLS
    n = 16
    d = {"data": {"x": [[1] * n], "y": [[0] * n]},
         "network": [{"linear": {"W": [[0] * n for _ in range(n)], "b": [0] * n}}],
         "loss": "mse", "optimizer": {"sgd": {"lr": 1}}}
    with pytest.raises(ProblemError, match=f"limit of {MAX_SYMBOLS}"):
        trace(make(d, numbers="symbolic"))
    assert trace(make(d, numbers="symbolic", symbols=["b1"]))     # fewer symbols: fine


def test_expressions_past_the_size_limit_refused():
    from tracer.symbolic import MAX_ENTRY
    with pytest.raises(ProblemError, match=f"limit of {MAX_ENTRY}") as e:
        trace(make(SEED_004, numbers="symbolic", steps=3))
    assert "step 1," in str(e.value)   # the second step, counted from 0


def test_symbols_naming_nothing_refused():
    for bad, where in (("W4", "symbols[1]"), ("b1_3", "symbols[1]"), ("x_2_1", "symbols[1]"), ("z", "symbols[1]")):
        with pytest.raises(ProblemError, match=r"names nothing") as e:
            make(SEED_004, numbers="symbolic", symbols=["W1", bad])
        assert str(e.value).startswith(where)


def test_worksheet_writes_seed_004s_local_formulas_not_a_wall():
    """Seed 004 writes s₃ = W₃ f(s₁) + W₄ f(s₂) + b₃ and ∂L/∂b₃ = Δ: each quantity in the
    entries of the ones before it.  The symbolic worksheet does the same, and no line of it
    is a wall (the full expressions are in the JSON)."""
    import tracer
    root = Path(__file__).resolve().parent.parent
    t = tracer.trace_file(str(root / "worked_examples" / "relu_three_iterations" / "problem.yaml"),
                          numbers="symbolic", steps=1)
    md = t.render("markdown")
    assert r"A^{[1]}_{11} W^{[2]}_{11} + A^{[1]}_{12} W^{[2]}_{12} + b^{[2]}_{1}" in md   # s₃
    assert r"\max\left(0, Z^{[1]}_{11}\right)" in md                                       # f(s₁)
    assert r"J &= " in md and r"\frac{\left(A^{[3]}_{11} - y_{11}\right)^{2}}{2}" in md    # ½(ŷ − y)²
    assert max(len(line) for line in md.splitlines()) < 1200
    # f'(s₁) as the numeric worksheet names it, not sympy's θ(s₁, 0)
    assert r"\mathrm{ReLU}'\left(Z^{[1]}_{11}\right)" in md
    assert r"\theta" not in md


def test_relu_derivative_prints_as_relu_prime_and_reads_back_as_heaviside():
    """The printer names Heaviside(z, 0) ReLU'(z) (1 for z > 0, 0 at 0 and below); the JSON
    keeps sympy's own form, which sympify reads back."""
    from tracer.symbolic import SymbolicField
    z = sp.Symbol("z", real=True)
    F = SymbolicField()
    d = F.positive(np.array([z], dtype=object))[0]
    assert [d.subs(z, v) for v in (2, 0, -1)] == [1, 0, 0]
    assert F.latex(3 * d) == r"3 \mathrm{ReLU}'\left(z\right)"
    assert F.latex(d ** 2) == r"\left(\mathrm{ReLU}'\left(z\right)\right)^{2}"
    assert sp.sympify(str(d)) == sp.Heaviside(sp.Symbol("z"), 0)


@pytest.mark.parametrize("example", ["hagan_1_2_1", "mazur_2_2_2", "tanh_rows"])
@pytest.mark.parametrize("detail", ["matrix", "entries", "chain"])
def test_entry_symbols_keep_their_index_in_the_subscript(example, detail):
    """An entry of a computed quantity is A^{[2]}_{11}, as the numeric sheets' entry lines
    write it: the index a subscript beside the layer superscript.  {A^{[2]}}_{11} (a group,
    then the subscript) sets the index after the superscript and reads "A^[2] 11"."""
    import re
    import tracer
    root = Path(__file__).resolve().parent.parent
    t = tracer.trace_file(str(root / "worked_examples" / example / "problem.yaml"), numbers="symbolic")
    for fmt in ("latex", "markdown"):
        text = t.render(fmt, detail=detail)
        assert not re.search(r"\{[^{}]*\^\{[\[(][^{}]*[\])]\}\}_\{", text), (fmt, detail)
        # every symbol of a computed layer quantity followed by an index has it in _{...}
        for m in re.finditer(r"(?<![\\\w])([AZ])\^\{\[(\d)\]\}([^_])", text):
            assert not m.group(3).isdigit(), (fmt, detail, text[m.start() - 20:m.end() + 20])
    assert re.search(r"A\^\{\[1\]\}_\{1\d?\}", t.render("latex", detail=detail))


def test_symbolic_sheet_keeps_the_constant_row_and_says_what_its_numbers_are():
    """mfnet symbolic: W̃_new's first row is 1 0 0 (no parameter), never 1 − 4 ∂J/∂W̃₁₁;
    the header speaks of formulas, not of decimals and † marks that a symbolic sheet never shows."""
    from pathlib import Path
    import tracer
    path = Path(__file__).resolve().parents[1] / "worked_examples" / "mfnet_report_000" / "problem.yaml"
    md_ = tracer.trace_file(str(path), numbers="symbolic").render("markdown")
    assert r"{\color{gray}1 - 4" not in md_ and r"{\color{gray}- 4" not in md_
    assert r"\begin{bmatrix} {\color{gray}1} & {\color{gray}0} & {\color{gray}0} \\ b^{[1]}_{1} - 4" in md_
    numbers = next(l for l in md_.splitlines() if l.startswith("- **Numbers:**"))
    assert "symbolic: every entry is a formula" in numbers and "dagger" not in numbers and "decimals" not in numbers
