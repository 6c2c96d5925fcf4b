"""Magnitudes beyond float range and work beyond the budgets (tracer/budget.py): every trace
finishes or is refused with one line naming the quantity or the limit, never a traceback,
an inf, a NaN or a hang."""
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import cpu_bound, make, refused
from tracer import ProblemError, trace
from tracer.budget import (MAX_PDF_SOURCE, MAX_PRODUCTS, MAX_SHEET_ENTRIES, MAX_TRACE_ENTRIES,
                           check_pdf_source, products_per_step)
from tracer.cli import main
from tracer.numbers import (ExactField, FloatField, OutOfRange, Real, r_exp, r_log_sigmoid,
                            r_sigmoid)
from tracer.numtext import rounded

ROOT = Path(__file__).resolve().parent.parent
OR = (ROOT / "worked_examples/or_gate/problem.yaml").read_text()
BAD_WORDS = ("nan", "NaN", "inf", "Infinity")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def problem_file(tmp_path, text):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return p


# -- beyond float range ------------------------------------------------------------------------
HUGE = (OR.replace("W: [[0.2, 0.4], [0.3, 0.5]]", "W: [[1e300, 0.4], [0.3, 0.5]]")
        .replace("x: [[0, 0], [0, 1], [1, 0], [1, 1]]", "x: [[1e300, 0], [0, 1], [1, 0], [1, 1]]"))


@pytest.mark.parametrize("numbers", ["exact", "float"])
@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_a_product_beyond_float_range_names_its_quantity(tmp_path, numbers, fmt):
    # Z1's first entry is 1e300 · 1e300 = 1e600: no output format can show it
    assert "W: [[1e300" in HUGE and "x: [[1e300" in HUGE
    r = invoke(problem_file(tmp_path, HUGE), "--numbers", numbers, "--format", fmt)
    refused(r, "step 0, Z1", "beyond float64's range")


@pytest.mark.parametrize("numbers", ["exact", "float"])
@pytest.mark.parametrize("fmt", ["json", "markdown", "latex"])
def test_a_huge_learning_rate_finishes_or_is_refused(tmp_path, numbers, fmt):
    p = problem_file(tmp_path, OR.replace("lr: 0.5", "lr: 1e300"))
    r = invoke(p, "--numbers", numbers, "--format", fmt, "--steps", 3)
    if r.exit_code == 0:
        assert not any(w in r.output for w in BAD_WORDS)
    else:
        refused(r, "beyond float64's range")


def test_huge_learning_rate_update_is_exact(tmp_path):
    # one step: W1_next = W1 − 1e300 · dW1, exactly, and within range
    p = make({"data": {"x": [[1]], "y": [[0]]}, "network": [{"linear": {"W": [[2]], "b": [0]}}],
              "loss": "mse", "optimizer": {"sgd": {"lr": "1e300"}}})
    t = trace(p)
    # J = (2x − 0)², dJ/dW = 2·(2·1)·1 = 4, W' = 2 − 4e300
    assert t.entry(t["W1_next"][0, 0])[0] == 2 - 4 * 10 ** 300
    assert json.loads(t.to_json())["steps"][0]["values"]["W1_next"]["float"] == [[-4e300]]


def test_rounding_a_value_near_1e300_keeps_every_digit():
    # 80 digits of context were not enough to write 1.5e300 to 4 decimals
    assert rounded(Decimal("1.5e300"), 4) == "15" + "0" * 299 + ".0000"
    # −3·10³⁰⁰ + 1/3 = −(3·10³⁰⁰ − 1) − 2/3: a 2, three hundred 9s, then .67
    assert rounded(-3 * 10 ** 300 + Fraction(1, 3), 2) == "-2" + "9" * 300 + ".67"


# exact sigmoid, softmax and log-sigmoid far from 0: e^{3e9} overflows even 60-digit decimals
@pytest.mark.parametrize("z", [-3 * 10 ** 9, -2 * 10 ** 9, -1001, -999, 3 * 10 ** 9])
def test_exact_sigmoid_far_out_matches_float(z):
    s = r_sigmoid(Real(Fraction(z)))
    exact = float(s.d if s.q is None else s.q)
    expect = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    assert exact == pytest.approx(expect, rel=1e-12, abs=0)
    if z < 0:
        # the closed form is σ's own, whichever way it was computed
        assert s.form[0] == f"1/(1 + exp({-z}))"


@pytest.mark.parametrize("z", [-3 * 10 ** 9, -1001, -999, -0.5, 40])
def test_exact_log_sigmoid_far_out(z):
    v = r_log_sigmoid(Real(Fraction(z)))
    got = float(v.d if v.q is None else v.q)
    expect = -(max(-z, 0) + math.log1p(math.exp(-abs(z))))     # stable, in float64
    assert got == pytest.approx(expect, rel=1e-12)


def test_exact_softmax_of_huge_logits_matches_float():
    Z = np.array([[3 * 10 ** 9, 3 * 10 ** 9 - 1], [0, 1]], dtype=object)
    E = ExactField()
    S = E.softmax(E.array([[Fraction(v) for v in row] for row in Z]), axis=0)
    F = FloatField().softmax(np.array(Z, dtype=float), axis=0)
    got = np.array([[float(v.d if v.q is None else v.q) for v in row] for row in S])
    np.testing.assert_allclose(got, F, rtol=1e-12, atol=1e-300)
    L = E.log_softmax(E.array([[Fraction(v) for v in row] for row in Z]), axis=0)
    got = np.array([[float(v.d if v.q is None else v.q) for v in row] for row in L])
    np.testing.assert_allclose(got, FloatField().log_softmax(np.array(Z, dtype=float), axis=0), rtol=1e-12)


def test_exp_beyond_exact_range_is_refused():
    with pytest.raises(OutOfRange, match="beyond the range of exact numbers"):
        r_exp(Real(Fraction(3 * 10 ** 9)))


@pytest.mark.parametrize("numbers", ["exact", "float"])
def test_a_saturated_sigmoid_of_3e9_traces(tmp_path, numbers):
    p = problem_file(tmp_path, OR.replace("W: [[0.2, 0.4], [0.3, 0.5]]", "W: [[1000000000, 0.4], [0.3, 0.5]]")
                     .replace("x: [[0, 0], [0, 1], [1, 0], [1, 1]]", "x: [[-3, 0], [3, 1], [1, 0], [1, 1]]"))
    r = invoke(p, "--numbers", numbers, "--format", "json")
    assert r.exit_code == 0, r.output
    A1 = json.loads(r.output)["steps"][0]["values"]["A1"]["float"]
    assert A1[0][:2] == [0.0, 1.0]          # σ(−3e9 + 0.3), σ(3e9 + 0.3)


# -- budgets ---------------------------------------------------------------------------------
def test_products_per_step_counts_the_matrix_products():
    p = make({"data": {"x": [[1, 2, 3]] * 4, "y": [[0, 1]] * 4},
              "network": [{"linear": {"W": [[1, 2, 3]] * 5}}, "relu", {"linear": {"W": [[1] * 5] * 2}}],
              "loss": "mse", "optimizer": {"sgd": {"lr": 1}}, "batch_size": 3})
    assert products_per_step(p) == 5 * 3 * 3 + 2 * 5 * 3      # (out · in · batch) per layer


def wide(n, m, steps=1, numbers="exact"):
    return make({"data": {"x": [[1] * n] * m, "y": [[0]] * m},
                 "network": [{"linear": {"W": [["0.01"] * n] * n}}, "relu", {"linear": {"W": [["0.01"] * n]}}],
                 "loss": "mse", "optimizer": {"sgd": {"lr": "0.1"}}, "numbers": numbers, "steps": steps})


def test_exact_work_is_refused_before_it_starts():
    # 100·100·10 + 1·100·10 = 101,000 multiply-adds a step: 3 steps fit in 400,000, 4 do not
    assert MAX_PRODUCTS["exact"] == 400_000
    with cpu_bound(), pytest.raises(ProblemError, match=r"404,000 multiply-adds in exact numbers.*at most 3 step"):
        trace(wide(100, 10, steps=4))
    with cpu_bound(), pytest.raises(ProblemError, match=r"one step of this network takes 1,010,000 .*--numbers float"):
        trace(wide(100, 100))


def test_many_steps_are_refused_after_the_first():
    with cpu_bound():
        r = invoke(ROOT / "worked_examples/or_gate/problem.yaml", "--steps", 10000, "--format", "json")
    refused(r, "steps: 10000 steps", f"past the limit of {MAX_TRACE_ENTRIES['exact']:,}")
    with cpu_bound():
        r = invoke(ROOT / "worked_examples/or_gate/problem.yaml", "--steps", 10000, "--numbers", "float")
    refused(r, "steps: 10000 steps", f"past the limit of {MAX_TRACE_ENTRIES['float']:,}")


def test_a_long_worksheet_is_refused_and_json_is_offered():
    # the OR gate writes 88 entries a step (8+4+4+2+8+8+2+1+4+4+1+4+4+2+1+8+8+4+2+4+2+2+1):
    # 1,136 steps fit in 100,000, 1,137 do not
    per_step = 8 + 4 + 4 + 2 + 8 + 8 + 2 + 1 + 4 + 4 + 1 + 4 + 4 + 2 + 1 + 8 + 8 + 4 + 2 + 4 + 2 + 2 + 1
    assert per_step == 88 and MAX_SHEET_ENTRIES["matrix"] // per_step == 1136
    with cpu_bound():
        r = invoke(ROOT / "worked_examples/or_gate/problem.yaml", "--steps", 1137, "--numbers", "float")
    refused(r, "writes 100,056 entries", "at most 1136 step(s)", "--format json")
    r = invoke(ROOT / "worked_examples/or_gate/problem.yaml", "--steps", 1137, "--numbers", "float",
               "--format", "json")
    assert r.exit_code == 0


def test_pdf_source_limit():
    check_pdf_source("x" * MAX_PDF_SOURCE)
    with pytest.raises(ProblemError, match="characters of LaTeX"):
        check_pdf_source("x" * (MAX_PDF_SOURCE + 1))


def test_a_2000_by_2000_matrix_is_refused_while_reading(tmp_path):
    p = tmp_path / "big.yaml"
    row = "[" + ", ".join(["0.5"] * 2000) + "]"
    p.write_text(OR.replace("W: [[0.2, 0.4], [0.3, 0.5]]", "W: [" + ", ".join([row] * 2000) + "]"))
    refused(invoke(p), "more than 250,000 values")
