"""Worksheet content (Markdown and LaTeX) against numbers from outside the engine: the seeds'
handwritten values, the mfnet report's matrices, and values worked out here with math.exp."""
import math
import re

import pytest

from conftest import run
from tracer.render import render

# seed 002: 2-2-1 sigmoid network on the OR truth table, loss 1/(2n) Σ, lr 0.5
OR = {"title": "OR gate", "data": {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [1]]},
      "network": [{"linear": {"W": [["0.2", "0.4"], ["0.3", "0.5"]], "b": ["0.3", "0.5"]}}, "sigmoid",
                  {"linear": {"W": [["0.4", "0.6"]], "b": ["0.5"]}}, "sigmoid"],
      "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": "0.5"}}}

# seed 000: the mfnet report's example (augmented bias, identity activations, lr 4)
MFNET = {"layout": "columns", "bias": "augmented",
         "data": {"x": [[1, 2], [1, 3], [2, 2], [2, 3]], "y": [[1], [1], [2], [2]]},
         "network": [{"linear": {"W": [[0, 1], [1, 1], [1, 0]], "b": [0, 0, 1]}}, "identity",
                     {"linear": {"W": [[1, 0, 1], [1, 2, -2]], "b": [1, -1]}}, "identity",
                     {"linear": {"W": [[1, -1]], "b": [0]}}, "identity"],
         "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": 4}}}

# seed 003: 3-3-2, ReLU then sigmoid, one sample, ½ Σ over outputs, lr 0.01
S003 = {"decimals": 6, "data": {"x": [[1, 2, 3]], "y": [[1, 0]]},
        "network": [{"linear": {"W": [["0.1", "0.2", "-0.1"], ["-0.3", "0.4", "-0.2"], ["0.5", "0.6", "-0.3"]],
                                "b": ["-0.1", "-0.2", "0.1"]}}, "relu",
                    {"linear": {"W": [["0.1", "-0.1", "-0.2"], ["-0.3", "0.2", "0.3"]], "b": ["-0.1", "0.2"]}},
                    "sigmoid"],
        "loss": {"mse": {"scale": "1/2", "samples": "sum"}}, "optimizer": {"sgd": {"lr": "0.01"}}}

# seed 004: 1-2-2-1 ReLU network, samples as rows, three iterations, lr 0.01
S004 = {"layout": "rows", "steps": 3, "data": {"x": [[2]], "y": [[1]]},
        "network": [{"linear": {"W": [[1], [1]], "b": ["-0.5", "-0.5"]}}, "relu",
                    {"linear": {"W": [[1, 1], [1, 1]], "b": ["-0.5", "-0.5"]}}, "relu",
                    {"linear": {"W": [[1, 1]], "b": ["-0.5"]}}],
        "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": "0.01"}}}


def sig(z):
    return 1 / (1 + math.exp(-z))


def md(d, **opts):
    return render(run(d), "markdown", **opts)


def derivation(text, lhs):
    """One derivation of an aligned block: the row starting with lhs and the rows after it
    that continue it (no left side of their own), joined."""
    lines = text.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith(lhs))
    out = [lines[i]]
    for l in lines[i + 1:]:
        if not l.startswith("&"):
            break
        out.append(l)
    return " ".join(out)


def block_of(text, lhs):
    """The aligned block of the display whose first line starts with lhs."""
    i = text.index(lhs)
    return text[i:text.index(r"\end{aligned}", i)]


# -- detail: entries (seed 002) ------------------------------------------------------------------
def test_entries_expand_every_product_of_z1_as_seed_002():
    t = md(OR, detail="entries")
    # seed 002 writes (0.2·0 + 0.4·1) and Z = [0.3 0.7 0.5 0.9; 0.5 1.0 0.8 1.3]
    assert r"Z^{[1]}_{12} &= 0.2 \cdot 0 + 0.4 \cdot 1 + 0.3 = 0.7" in t
    assert r"Z^{[1]}_{24} &= 0.3 \cdot 1 + 0.5 \cdot 1 + 0.5 = 1.3" in t


def test_entries_write_each_sigmoid_with_its_formula():
    t = md(OR, detail="entries")
    for i, z in enumerate(["0.3", "0.7", "0.5", "0.9"], 1):
        want = f"{sig(float(z)):.4f}"
        assert rf"A^{{[1]}}_{{1{i}}} &= \sigma({z}) = \frac{{1}}{{1 + e^{{-{z}}}}} \approx {want}" in t
    assert "0.5744" in t and "0.7311" in t        # σ(0.3), σ(1) by hand


def test_entries_write_the_hadamard_product_entry_by_entry():
    t = md(OR, detail="entries")
    a = [sig(0.4 * sig(0.3) + 0.6 * sig(0.5) + 0.5)]
    d = (a[0] - 0) / 4
    line = next(l for l in t.splitlines() if l.startswith(r"\Delta^{[2]}_{11} &="))
    assert rf"{d:.4f} \cdot {a[0]:.4f} \left(1 - {a[0]:.4f}\right) \approx {d * a[0] * (1 - a[0]):.4f}" in line


def test_hand_rounding_uses_the_rounded_values_like_seed_002():
    # seed 002 rounds to three decimals and writes (0.4·0.574 + 0.6·0.622) + 0.5 = 1.103
    t = md({**OR, "round": 3}, detail="entries")
    assert r"Z^{[2]}_{11} &= 0.4 \cdot 0.574 + 0.6 \cdot 0.622 + 0.5 \approx 1.103" in t
    assert r"Z^{[1]}_{11} &= 0.2 \cdot 0 + 0.4 \cdot 0 + 0.3 = 0.3" in t


# -- detail: matrix ----------------------------------------------------------------------------------
def test_matrix_detail_shows_shapes_substitution_and_marks_rounded_lines():
    t = md(OR)
    z1 = block_of(t, r"Z^{[1]} &=")
    assert r"(2{\times}2)\,(2{\times}4) + (2{\times}1) \to 2{\times}4" in z1
    assert (r"&= \begin{bmatrix} 0 & 0.4 & 0.2 & 0.6 \\ 0 & 0.5 & 0.3 & 0.8 \end{bmatrix} + "
            r"\begin{bmatrix} 0.3 \\ 0.5 \end{bmatrix}") in z1          # seed 002's middle line
    assert r"\approx" not in z1
    z2 = block_of(t, r"Z^{[2]} &=")
    assert r"&\approx \begin{bmatrix} 0.4 & 0.6 \end{bmatrix} \begin{bmatrix} 0.5744" in z2
    a1 = block_of(t, r"A^{[1]} &=")
    assert r"\sigma\left(\begin{bmatrix} 0.3 & 0.7 & 0.5 & 0.9" in a1   # σ applied to the Z matrix


def test_loss_is_written_as_its_sum_of_terms_then_its_value():
    t = md(OR)
    a = [sig(0.4 * sig(x1 * 0.2 + x2 * 0.4 + 0.3) + 0.6 * sig(x1 * 0.3 + x2 * 0.5 + 0.5) + 0.5)
         for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    J = sum((ai - yi) ** 2 for ai, yi in zip(a, [0, 1, 1, 1])) / 8
    block = block_of(t, "J &=")
    assert rf"\frac{{1}}{{8}}\left[\left({a[0]:.4f} - 0\right)^{{2}} + \left({a[1]:.4f} - 1\right)^{{2}}" in block
    assert block.rstrip().endswith(rf"&\approx {J:.4f}")


def test_mfnet_common_denominator_is_factored_as_the_report_does():
    t = md(MFNET)
    # the report: ∂J/∂Ŷ = ¼[0 0 0 0; 1 −1 1 −1], ∂J/∂W^[3] = ¼[0 0 0; 0 −2 −6], J = 0.5
    dy = block_of(t, r"\frac{\partial J}{\partial A^{[3]}} &=")
    assert r"\frac{1}{4}\begin{bmatrix} 0 & 0 & 0 & 0 \\ 1 & -1 & 1 & -1 \end{bmatrix}" in dy
    dw = block_of(t, r"\frac{\partial J}{\partial \tilde{W}^{[3]}} &=")
    # (W̃'s first row is the constant's, no parameter: grey)
    g = r"{\color{gray}0}"
    assert dw.rstrip().endswith(r"\frac{1}{4}\begin{bmatrix} %s & %s & %s \\ 0 & -2 & -6 \end{bmatrix}" % (g, g, g))
    assert r"&= \frac{1}{8}\left[\left(2 - 1\right)^{2} + \left(0 - 1\right)^{2}" in t
    # the report's updated W^[3] = [1 0 0; 0 3 5]
    assert r"\tilde{W}_{\mathrm{new}}^{[3]} &= \begin{bmatrix} {\color{gray}1} & %s & %s \\ 0 & 3 & 5 \end{bmatrix}" % (g, g) in t


def test_exact_fractions_are_frac_and_tenths_stay_decimals():
    d = {**OR, "data": {"x": [[1, 0], [0, 1], [1, 1]], "y": [[0], [1], [1]]},
         "network": [{"linear": {"W": [["0.5", "1"]], "b": ["0"]}}], "loss": "mse"}
    t = md(d)
    # ∂J/∂Ŷ = (2/3)(Ŷ − Y) = (2/3)[0.5 0 0.5] = [1/3 0 1/3] → ⅓[1 0 1]
    assert r"\frac{1}{3}\begin{bmatrix} 1 & 0 & 1 \end{bmatrix}" in t
    assert r"\begin{bmatrix} 0.5 & 1 & 1.5 \end{bmatrix}" in t        # Z = [0.5, 1, 1.5], as decimals


def test_float_mode_prints_short_decimals_without_padding():
    t = md({**OR, "numbers": "float"}, detail="entries")
    assert r"Z^{[1]}_{11} &= 0.2 \cdot 0 + 0.4 \cdot 0 + 0.3 = 0.3 \\" in t      # 0.3 is the float 0.3
    assert r"b^{[1]} &= \begin{bmatrix} 0.3 \\ 0.5 \end{bmatrix}" in t


# -- detail: chain (seed 003) --------------------------------------------------------------------
def test_chain_rule_per_weight_matches_seed_003():
    t = md(S003, detail="chain")
    # seed 003: ∂L/∂J11 = (−0.567093)(0.24549853)(1·0.1) = −0.01392205
    o1 = sig(-0.27)
    g = o1 * (1 - o1)
    line = derivation(t, r"\frac{\partial J}{\partial W^{[2]}_{11}} &=")
    assert rf"\left(-{1 - o1:.6f}\right) \cdot {g:.6f} \cdot 0.1 \approx -{(1 - o1) * g * 0.1:.6f}" in line
    assert "-0.013922" in line


def test_chain_hidden_layer_sums_the_paths_through_the_next_layer():
    t = md(S003, detail="chain")
    o1, o2 = sig(-0.27), sig(0.44)
    d1, d2 = (o1 - 1) * o1 * (1 - o1), o2 * o2 * (1 - o2)
    line = derivation(t, r"\frac{\partial J}{\partial A^{[1]}_{11}} &=")
    assert r"\Delta^{[2]}_{11} W^{[2]}_{11} + \Delta^{[2]}_{21} W^{[2]}_{21}" in line
    # seed 003: (−0.013922) + (−0.043481) = −0.0574028
    assert rf"\left({d1:.6f}\right) \cdot 0.1 + {d2:.6f} \cdot \left(-0.3\right) \approx {0.1 * d1 - 0.3 * d2:.6f}" in line
    assert "-0.057403" in line


def test_chain_sums_over_samples_when_there_are_several():
    t = md(OR, detail="chain")
    blk = derivation(t, r"\frac{\partial J}{\partial W^{[1]}_{11}} &=")
    assert r"\sum_{i} \frac{\partial J}{\partial A^{[1]}_{1i}}" in blk
    assert blk.count(r"\cdot") == 8                   # 4 samples × three factors
    assert blk.rstrip().rstrip("\\").rstrip().endswith(r"\approx -0.00180")  # −0.0018013…; seed 002: −0.0018


# -- the problem, several steps, optimizers -------------------------------------------------------------
def test_problem_section_states_the_givens_and_conventions():
    t = md(OR)
    assert "input (2) → linear 2 + sigmoid → linear 1 + sigmoid" in t
    assert "| $2$ | $0$ | $1$ | $1$ |" in t                                  # data table, sample 2
    assert "squared error, summed over outputs, averaged over samples ($m = 4$ samples, $n = 1$ output, " in t
    assert r"$J = \frac{1}{2m}\sum_{i=1}^{m} \sum_{k=1}^{n} \left(\hat{y}_{ik} - y_{ik}\right)^2$" in t
    assert r"\eta = 0.5" in t and "samples as columns" in t
    assert r"W^{[1]} &= \begin{bmatrix} 0.2 & 0.4 \\ 0.3 & 0.5 \end{bmatrix}" in t


def test_three_iterations_of_seed_004_each_shown_with_final_table():
    t = md(S004)
    assert [m for m in re.findall(r"^## Step (\d)", t, re.M)] == ["0", "1", "2"]
    # seed 004, iteration 0: ŷ = 4.5, w1 ← [0.86 0.86], b3 ← −0.535; iteration 1: ŷ = 2.466 (…)
    assert r"Z^{[3]} &= A^{[2]} \, W^{[3]\mathsf{T}} + b^{[3]}" in t
    assert r"\begin{bmatrix} 4.5 \end{bmatrix}" in t
    step1 = t[t.index("## Step 1"):t.index("## Step 2")]
    assert r"W^{[1]} &= \begin{bmatrix} 0.86 \\ 0.86 \end{bmatrix}" in step1
    assert r"b^{[3]} &= \begin{bmatrix} -0.535 \end{bmatrix}" in step1
    final = t[t.index("## Updated parameters"):]
    assert r"W_{\mathrm{new}}^{[1]}" in final and r"b_{\mathrm{new}}^{[3]}" in final


def test_minibatch_steps_say_which_samples_they_use():
    t = md({**OR, "batch_size": 2, "steps": 2})
    assert "## Step 0 (samples 1, 2)" in t and "## Step 1 (samples 3, 4)" in t


def test_adam_state_in_the_order_a_person_computes_it():
    t = md({**OR, "optimizer": {"adam": {"lr": "0.1"}}})
    upd = t[t.index("### Update"):]
    order = [upd.index(s) for s in (r"m_{W^{[1]}} &=", r"v_{W^{[1]}} &=", r"\hat{m}_{W^{[1]}} &=",
                                    r"\hat{v}_{W^{[1]}} &=", r"W_{\mathrm{new}}^{[1]} &=")]
    assert order == sorted(order)
    # ε in the formula, its value 10⁻⁸ (PyTorch's default) on the line below as a person
    # writes it, not as eight zeros and a one
    assert r"\sqrt{\hat{v}_{W^{[1]}}} + \varepsilon}" in upd
    assert r"\end{bmatrix}} + 10^{-8}\right)" in upd and "0.00000001" not in upd


def test_small_constants_are_written_with_a_power_of_ten():
    from fractions import Fraction as F
    from tracer.numtext import scientific as _scientific
    assert [_scientific(q) for q in (F(1, 10 ** 8), F(3, 2 * 10 ** 8), F(-3, 10 ** 5), F(99, 10 ** 6))] == \
        ["10^{-8}", r"1.5 \cdot 10^{-8}", r"-3 \cdot 10^{-5}", r"9.9 \cdot 10^{-5}"]


# -- notation, escaping ----------------------------------------------------------------------------------
def test_notation_block_changes_index_delta_and_names():
    t = md({**OR, "notation": {"index": "(l)", "delta": "delta"}})
    assert r"Z^{(1)} &= W^{(1)} \, A^{(0)} + b^{(1)}" in t and r"\delta^{(2)} &=" in t
    t = md({**S003, "notation": {"names": ["J", "O"]}})
    assert r"Z^{(\mathrm{J})} &=" in t and r"A^{(\mathrm{O})}" in t


EVIL = r"a_b $x$ \input{x} {#} 100% & ~^ <i>|"


def test_user_text_is_escaped_in_latex():
    t = render(run({**OR, "title": EVIL, "notation": {"names": [EVIL, "O"]}}), "latex")
    assert r"\title{a\_b \$x\$ \textbackslash{}input\{x\} \{\#\} 100\% \& \textasciitilde{}\textasciicircum{} \textless{}i\textgreater{}\textbar{}" in t
    assert r"\text{a\_b \$x\$ \textbackslash{}input\{x\}" in t
    assert r"\input{x}" not in t


def test_user_text_is_escaped_in_markdown():
    t = render(run({**OR, "title": EVIL, "notation": {"names": [EVIL, "O"]}}), "markdown")
    assert t.startswith(r"# a\_b \$x\$ \\input{x} {\#} 100% & \~^ \<i\>\|")
    # inside formulas the name is math symbols: no bare $ that would end the formula
    assert r"\mathrm{a\_b\ \$x\$\ \backslash{}input\{x\}\ \{\#\}\ 100\%\ \&\ \sim{}\hat{}\ \lt{}i\gt{}\vert{}}" in t
    for block in re.findall(r"\$\$(.*?)\$\$", t, re.S):
        assert re.search(r"(?<!\\)\$", block) is None


# -- elision, blank sheet -----------------------------------------------------------------------------------
BIG = {"data": {"x": [[(i * j) % 5 for j in range(10)] for i in range(12)], "y": [[i % 2, 1] for i in range(12)]},
       "network": [{"linear": {"W": [[(i + j) % 3 for j in range(10)] for i in range(2)], "b": [0, 1]}}],
       "loss": "mse", "optimizer": {"sgd": {"lr": "0.1"}}}


def test_big_matrices_are_elided_and_json_is_not():
    tr = run(BIG)
    t = render(tr, "markdown")
    a0 = next(l for l in t.splitlines() if l.startswith(r"A^{[0]} = X &="))
    assert r"\cdots" in a0 and r"\vdots" in a0 and r"\ddots" in a0
    assert a0.count(r" \\ ") == 8                      # 8 of the 10 rows: 4, dots, 4
    full = render(tr, "markdown", max_entries=0)
    a0 = next(l for l in full.splitlines() if l.startswith(r"A^{[0]} = X &="))
    assert r"\cdots" not in a0 and a0.count(r" \\ ") == 9
    import json
    assert json.loads(render(tr, "json"))["steps"][0]["values"]["A0"]["shape"] == [10, 12]


def test_blank_sheet_shows_givens_and_no_computed_number():
    t = render(run(OR), "markdown", blank=True)
    assert r"W^{[1]} &= \begin{bmatrix} 0.2 & 0.4 \\ 0.3 & 0.5 \end{bmatrix}" in t
    for computed in ("0.5744", "0.7311", "1.1033", "0.0903", "0.7509", "0.6", r"0.3 & 0.7", "0.0351"):
        body = t[t.index("## Step 0"):]
        assert computed not in body, computed
    assert body.count(r"\vphantom{\Bigg|}\,\boxed{\vphantom{\Big|}\hspace{") >= 8 + 8 + 4 + 4   # Z1, A1, Z2, A2 at least
    assert r"Z^{[1]} &= W^{[1]} \, A^{[0]} + b^{[1]}" in body


def test_trace_shows_itself_as_markdown_in_a_notebook():
    tr = run(OR)
    assert tr._repr_markdown_() == render(tr, "markdown")


@pytest.mark.parametrize("detail", ["matrix", "entries", "chain"])
def test_markdown_uses_display_math_only(detail):
    t = md(MFNET, detail=detail)
    assert t.count("$$") % 2 == 0
    assert re.search(r"(?<!\\)\\\[|\\begin\{align\*?\}", t) is None


def test_entries_of_an_elided_matrix_say_the_rest_is_alike():
    t = md(BIG, detail="entries", max_entries=9)      # Z is 2×12: columns 1, 2, …, 12 shown
    lines = [l for l in t.splitlines() if l.startswith(r"Z^{[1]}_{")]
    assert [l.split(" &=")[0] for l in lines] == [rf"Z^{{[1]}}_{{{i},{j}}}" if j > 9 else rf"Z^{{[1]}}_{{{i}{j}}}"
                                                 for i in (1, 2) for j in (1, 2, 12)]
    assert "the others alike" in t


def test_blank_sheet_of_several_steps_leaves_later_parameters_empty():
    t = render(run(S004), "markdown", blank=True)
    step1 = t[t.index("## Step 1"):]
    # after step 0 seed 004 has w1 = [0.86 0.86], b3 = −0.535: a student's answers, not shown
    assert "0.86" not in step1 and "0.535" not in step1
    assert r"W^{[1]} &= \begin{bmatrix} \vphantom{\Bigg|}\,\boxed{\vphantom{\Big|}\hspace{" in step1


def test_activations_are_stated_with_their_derivatives_and_leaky_slope():
    d = {"data": {"x": [[1, 2]], "y": [[1]]},
         "network": [{"linear": {"W": [["0.1", "0.2"], ["0.3", "-0.4"]], "b": [0, 0]}},
                     {"leaky_relu": {"slope": "0.1"}}, {"linear": {"W": [[1, 1]], "b": [0]}}, "sigmoid"],
         "loss": "mse", "optimizer": {"sgd": {"lr": "0.1"}}}
    t = run(d)
    md, tex = render(t, "markdown"), render(t, "latex")
    assert "| linear 1 | 2 | leaky ReLU (α = 0.1) | yes |" in md
    assert r"leaky ReLU (\ensuremath{\alpha} = 0.1)" in tex       # α set by LaTeX, not '?'
    for sheet in (md, tex):
        assert r"\mathrm{LReLU}'(z) = 1 \text{ if } z > 0 \text{, else } \alpha" in sheet
        assert r"\sigma'(z) = \sigma(z)\left(1 - \sigma(z)\right)" in sheet


def test_greek_letters_in_user_text_reach_latex_as_commands():
    from tracer.render.escape import latex_escape
    assert latex_escape("θ-network, Ω") == r"\ensuremath{\theta}-network, \ensuremath{\Omega}"
    assert latex_escape("ΑΒ") == "AB"


def test_bce_averaged_over_outputs_as_torch_bceloss_mean():
    """loss: {bce: {outputs: mean}} is torch.nn.BCELoss()'s mean over all m·n entries: J and
    Δ = (Â − Y)/(mn) against math.exp/log by hand; the worksheet names both averages."""
    d = {"data": {"x": [[1, 2], [0, 1]], "y": [[1, 0], [0, 1]]},
         "network": [{"linear": {"W": [["0.1", "0.2"], ["0.3", "-0.4"]], "b": [0, 0]}}, "sigmoid"],
         "loss": {"bce": {"outputs": "mean"}}, "optimizer": {"sgd": {"lr": "0.1"}}}
    t = run(d)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    # z = W x: sample 1 (1, 2) → (0.5, −0.5), y (1, 0); sample 2 (0, 1) → (0.2, −0.4), y (0, 1)
    J = -(math.log(s(0.5)) + math.log(1 - s(-0.5)) + math.log(1 - s(0.2)) + math.log(s(-0.4))) / 4
    assert float(t.floats(t.steps[0]["J"])) == pytest.approx(J, rel=1e-12)
    dZ = t.floats(t.steps[0]["dZ1"])
    assert [float(v) for r in dZ for v in r] == pytest.approx(
        [(s(0.5) - 1) / 4, s(0.2) / 4, s(-0.5) / 4, (s(-0.4) - 1) / 4], rel=1e-12)
    sheet = render(t, "markdown")
    assert "binary cross-entropy (log: the natural logarithm), averaged over outputs, averaged over samples" in sheet
    assert r"J = -\frac{1}{mn}\sum_{i=1}^{m} \sum_{k=1}^{n} \left[y_{ik}" in sheet
    assert r"\Delta^{[1]} &= \frac{1}{mn}\left(A^{[1]} - Y\right)" in sheet


def test_augmented_layout_is_stated_with_w_tilde_and_no_question_marks():
    t = run(MFNET)
    tex, md_ = render(t, "latex"), render(t, "markdown")
    assert r"\textbf{Layout:} samples as columns: $Z^{[l]} = \tilde{W}^{[l]} A^{[l-1]}$" in tex
    assert r"b folded into $\tilde{W}$ as its first column" in tex
    assert "?" not in tex                      # every character set, none replaced
    assert r"samples as columns: $Z^{[l]} = \tilde{W}^{[l]} A^{[l-1]}$" in md_


def test_fused_softmax_delta_says_why_it_skips_dA():
    d = {"data": {"x": [[1, 2]], "y": [1]},
         "network": [{"linear": {"W": [["0.1", "0.2"], ["0.3", "-0.4"]], "b": [0, 0]}}, "softmax"],
         "loss": "cross_entropy", "optimizer": {"sgd": {"lr": "0.1"}}}
    t = run(d)
    for detail in ("matrix", "chain"):
        sheet = render(t, "markdown", detail=detail)
        assert "oftmax and cross-entropy together: the softmax's Jacobian cancels the division by A in " \
            "∂J/∂A of the last layer, so Δ = A − Y. " in sheet, detail        # one sample: c = 1
        assert "(1 − A)" not in sheet.split("together")[1][:400], detail    # that is the sigmoid's
    assert "cross-entropy (log: the natural logarithm)" in render(t, "markdown")
    # two samples: c = 1/2, positive (∂J/∂A's constant is −1/m: not the c of Δ)
    two = run({**d, "data": {"x": [[1, 2], [0, 1]], "y": [1, 0]}})
    assert ("so Δ = c (A − Y), with c = 1/2 the loss's constant (1/m, the mean over the samples)"
            in render(two, "markdown"))


def test_a_matrix_of_fractions_factors_its_denominator_even_past_100():
    """Adam's first moment of the worked example: m = 0.1 · ∂J/∂W² = 0.1 · 1/64 [65 −104]
    = [13/128, −13/80] — written 1/640 [65 −104], not a fraction beside a decimal."""
    import tracer
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    sheet = tracer.trace_file(str(root / "worked_examples" / "adam_step" / "problem.yaml")).render("markdown")
    assert r"&= \frac{1}{640}\begin{bmatrix} 65 & -104 \end{bmatrix}" in sheet
    assert r"\frac{13}{128}" not in sheet and "-0.1625" not in sheet


def test_chain_lists_hidden_da_and_deltas_in_the_same_order_in_rows_layout():
    import tracer
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    sheet = tracer.trace_file(str(root / "worked_examples" / "tanh_rows" / "problem.yaml")).render(
        "markdown", detail="chain")
    da = re.findall(r"^\\frac\{\\partial J\}\{\\partial A\^\{\[1\]\}_\{(\d\d)\}\} &=", sheet, re.M)
    dz = re.findall(r"^\\Delta\^\{\[1\]\}_\{(\d\d)\} &=", sheet, re.M)
    assert da == dz == ["11", "12", "21", "22", "31", "32"]       # row by row, 3 samples × 2 units


def test_brackets_in_user_text_cannot_open_math_in_jupyter():
    """Jupyter's Markdown reads \\[ … \\] as display math: brackets in a title are written as
    HTML entities, which GitHub and Jupyter both show as [ and ]."""
    t = render(run({**OR, "title": r"Net [v2] \[x\]"}), "markdown")
    assert t.startswith(r"# Net &#91;v2&#93; \\&#91;x\\&#93;")
    assert r"\[" not in t


def test_adam_bias_corrections_are_written_as_one_minus_beta_to_the_t():
    sheet = md({**OR, "optimizer": {"adam": {"lr": "0.1"}}, "steps": 2})
    step0, step1 = sheet[sheet.index("## Step 0"):sheet.index("## Step 1")], sheet[sheet.index("## Step 1"):]
    # the formula in symbols (β₁, the step count t), the values on the line below
    assert r"\hat{m}_{W^{[1]}} &= \frac{m_{W^{[1]}}}{1 - \beta_1^{t}}" in step0
    assert r"\hat{v}_{W^{[1]}} &= \frac{v_{W^{[1]}}}{1 - \beta_2^{t}}" in step1
    assert r"\oslash \left(1 - 0.9^{1}\right)" in step0 and r"\oslash \left(1 - 0.999^{2}\right)" in step1


def test_an_identity_activation_gets_no_entry_by_entry_delta():
    """Hagan's linear output: Δ² = ∂J/∂A² ⊙ id′(Z²) is ∂J/∂A² itself; entry by entry it would
    read (−2.5216) · 1 ≈ −2.5216, so it is not written out (its matrix line stays)."""
    from pathlib import Path
    import tracer
    t = tracer.trace_file(Path(__file__).resolve().parents[1] / "worked_examples" / "hagan_1_2_1" / "problem.yaml")
    md_ = render(t, "markdown", detail="entries")
    assert r"\Delta^{[2]}_{11} &=" not in md_ and r"\Delta^{[2]} &=" in md_
    assert r"\Delta^{[1]}_{11} &=" in md_           # the logsig layer's Δ is still worked out


def test_float_rounding_error_is_not_shown_as_digits():
    """Float mode: 0.2 · 1 + 0.4 · 1 + 0.3 is 0.9000000000000001 in float64; it shows as 0.9
    (marked ≈: the float is not exactly 0.9), never as 0.9000."""
    from pathlib import Path
    import tracer
    path = Path(__file__).resolve().parents[1] / "worked_examples" / "or_gate" / "problem.yaml"
    assert 0.2 * 1 + 0.4 * 1 + 0.3 != 0.9
    md_ = render(tracer.trace_file(path, numbers="float"), "markdown", detail="entries")
    assert r"Z^{[1]}_{14} &= 0.2 \cdot 1 + 0.4 \cdot 1 + 0.3 \approx 0.9 \\" in md_
    assert "0.6000" not in md_ and "0.9000" not in md_


def test_a_wide_quotient_stands_on_two_lines_not_scaled_down():
    """BCE's ∂J/∂Â = (Â − Y) ⊘ (Â ⊙ (1 − Â)) with four samples is five 1×4 matrices: the
    substituted line breaks after ⊘ (LaTeX would shrink it to 60 % on one line)."""
    from pathlib import Path
    import tracer
    t = tracer.trace_file(Path(__file__).resolve().parents[1] / "worked_examples" / "dls_planar" / "problem.yaml")
    md_ = render(t, "markdown")
    i = md_.index(r"dA^{[2]} &=")
    lines = md_[i:].splitlines()[:4]
    assert lines[1].endswith(r"\right) \oslash \\") and lines[2].startswith(r"& \quad \left(\begin{bmatrix}")
    tex = render(t, "latex")
    j = tex.index(r"\eqstart{dA^{[2]}}")
    assert r"\right) \oslash}%" in tex[j:j + 2000]


def test_sigmoid_derivative_is_checked_against_the_shown_A():
    """σ′ = A ⊙ (1 − A) on Δ's line is worth what the A shown above gives: or_gate's
    A^[2]_11 shows 0.7509, and 0.7509 · 0.2491 = 0.18705 is 0.1870 to four places, while the
    unrounded A gives 0.1871: that entry is marked †, the three others agree and are not."""
    from fractions import Fraction
    from pathlib import Path
    import tracer
    a = Fraction("0.7509")
    assert round(a * (1 - a), 4) == Fraction("0.1870")
    t = tracer.trace_file(Path(__file__).resolve().parents[1] / "worked_examples" / "or_gate" / "problem.yaml")
    md_ = render(t, "markdown")
    line = next(l for l in md_.splitlines() if r"\odot \begin{bmatrix} {0.1871}" in l)
    assert r"{0.1871}^{\dagger} & 0.1773 & 0.1814 & 0.1725" in line


def test_no_entry_lines_that_only_repeat_the_matrix():
    """Hagan's one sample: ∂J/∂b = Σ_i Δ_i is Δ itself; entry by entry it would read
    ∂J/∂b_1 ≈ −2.5216 again (the reviewer's x ≈ x), so no such lines follow the matrix."""
    from pathlib import Path
    import tracer
    t = tracer.trace_file(Path(__file__).resolve().parents[1] / "worked_examples" / "hagan_1_2_1" / "problem.yaml")
    md_ = render(t, "markdown", detail="entries")
    assert r"\frac{\partial J}{\partial b^{[2]}_{1}} &" not in md_
    assert r"\frac{\partial J}{\partial b^{[2]}} &" in md_
