"""The worksheet's header ("The problem"): formulas in math, "no biases" where there are none,
the loss as a textbook writes it (1/(2m) Σ Σ), steps counted as a reader counts them.

Expected strings are written by hand from the conventions the header states (issue 14.9)."""
import re

import pytest

from conftest import run
from tracer.render import render

LINEAR = {"layout": "rows", "data": {"x": [[2, 3]], "y": [[1]]},          # HMKCODE's 2-2-1, no biases
          "network": [{"linear": {"W": [["0.11", "0.21"], ["0.12", "0.08"]]}},
                      {"linear": {"W": [["0.14", "0.15"]]}}],
          "loss": {"mse": {"scale": "1/2", "samples": "sum"}}, "optimizer": {"sgd": {"lr": "0.05"}}}


def facts(d, fmt="markdown", **over):
    """The header's list, one line per fact, as the Markdown writes it."""
    sheet = render(run(d, **over), fmt)
    head = sheet[:sheet.index("### The network" if fmt == "markdown" else r"\subsectionstart{The network}")]
    if fmt == "markdown":
        return {m.group(1): m.group(2) for m in re.finditer(r"^- \*\*(\w+):\*\* (.*)$", head, re.M)}
    return {m.group(1): m.group(2) for m in re.finditer(r"^\\item \\textbf\{(\w+):\} (.*)$", head, re.M)}


def test_a_network_without_biases_says_so_and_writes_no_plus_b():
    f = facts(LINEAR)
    assert f["Layout"] == r"samples as rows: $Z^{[l]} = A^{[l-1]} W^{[l]\mathsf{T}}$"
    assert f["Bias"] == "none: no layer has a bias"
    tex = facts(LINEAR, "latex")
    assert tex["Layout"] == r"samples as rows: $Z^{[l]} = A^{[l-1]} W^{[l]\mathsf{T}}$"
    assert "separate" not in tex["Bias"] and "+ b" not in tex["Layout"]


def test_a_network_with_one_bias_free_layer_names_it():
    d = {**LINEAR, "network": [{"linear": {"W": [["0.11", "0.21"], ["0.12", "0.08"]], "b": [0, 1]}},
                               {"linear": {"W": [["0.14", "0.15"]]}}]}
    f = facts(d)
    assert f["Layout"].endswith(r"W^{[l]\mathsf{T}} + b^{[l]}$")
    assert f["Bias"] == "separate: a bias vector $b$ beside each $W$ (layer 2 without)"


def test_columns_layout_and_parenthesised_index_are_math():
    f = facts({**LINEAR, "layout": "columns", "notation": {"index": "(l)"}})
    assert f["Layout"] == r"samples as columns: $Z^{(l)} = W^{(l)} A^{(l-1)}$"


@pytest.mark.parametrize("loss,formula", [
    ({"mse": {"scale": "1/2"}}, r"J = \frac{1}{2m}\sum_{i=1}^{m} \sum_{k=1}^{n} \left(\hat{y}_{ik} - y_{ik}\right)^2"),
    ({"mse": {"scale": "1/2", "samples": "sum"}}, r"J = \frac{1}{2}\sum_{i=1}^{m} \sum_{k=1}^{n} \left("),
    ({"mse": {}}, r"J = \frac{1}{m}\sum_{i=1}^{m} \sum_{k=1}^{n} \left("),
    ({"mse": {"outputs": "mean"}}, r"J = \frac{1}{mn}\sum_{i=1}^{m} \sum_{k=1}^{n} \left("),   # torch's MSELoss()
    ({"mse": {"scale": "3/2", "outputs": "mean"}}, r"J = \frac{3}{2mn}\sum_{i=1}^{m}"),
    ({"mse": {"scale": 2, "samples": "sum"}}, r"J = 2\sum_{i=1}^{m}"),
    ({"mse": {"scale": 1, "samples": "sum"}}, r"J = \sum_{i=1}^{m} \sum_{k=1}^{n} \left("),     # Hagan's F = e²
])
def test_the_loss_has_one_coefficient_in_front(loss, formula):
    f = facts({**LINEAR, "loss": loss})
    assert "$" + formula in f["Loss"]
    assert r"\frac{1}{2}\frac{1}{m}" not in f["Loss"] and r"\frac{1}{m}\sum_{i=1}^{m} \frac{1}{n}" not in f["Loss"]
    assert "($m = 1$ sample, $n = 1$ output, " in f["Loss"]      # m and n in math, as the formula


def test_the_loss_in_the_step_reads_as_in_the_header():
    sheet = render(run({**LINEAR, "loss": {"mse": {"scale": "1/2"}}}), "markdown")
    assert r"J &= \frac{1}{2m}\sum_{i=1}^{m} \sum_{k=1}^{n}" in sheet


@pytest.mark.parametrize("steps,words", [(1, "1 step (step 0)"), (2, "2 steps (0 and 1)"),
                                         (3, "3 steps (0, 1 and 2)"), (7, "7 steps (0 to 6)")])
def test_steps_are_counted_as_a_reader_counts(steps, words):
    assert facts(LINEAR, steps=steps, numbers="float")["Steps"] == words + ", every sample in one batch"


def test_optimizer_constants_are_math_with_their_symbols():
    f = facts({**LINEAR, "optimizer": {"sgd": {"lr": "1/3", "momentum": "0.9", "weight_decay": "0.01"}}})
    assert f["Optimizer"] == (r"gradient descent (SGD), learning rate $\eta = \frac{1}{3}$, momentum $\mu = 0.9$, "
                              r"weight decay $\lambda = 0.01$; before the first step $v = 0$")
    f = facts({**LINEAR, "optimizer": {"adam": {"lr": "0.1"}}})
    # the state a blank sheet's first step starts from, which its formulas (m_prev, β₁ᵗ) need
    assert f["Optimizer"] == (r"Adam, learning rate $\eta = 0.1$, "
                              r"$\beta_1 = 0.9,\ \beta_2 = 0.999,\ \varepsilon = 10^{-8}$; before the first step "
                              r"$m = v = 0$, and $t = 1$ in the first step")


def test_latex_header_puts_the_loss_on_a_line_of_its_own():
    tex = facts(LINEAR, "latex")
    assert tex["Loss"].endswith(r"\[J = \frac{1}{2}\sum_{i=1}^{m} \sum_{k=1}^{n} "
                                r"\left(\hat{y}_{ik} - y_{ik}\right)^2\]")
