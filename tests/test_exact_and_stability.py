"""Exact mode is exact; huge and degenerate inputs give finite numbers, never NaN or inf."""
import math
import warnings
from fractions import Fraction as F

import pytest

from conftest import ex, fl, run

OR = {
    "data": {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [1]]},
    "network": [{"linear": {"W": [[0.2, 0.4], [0.3, 0.5]], "b": [0.3, 0.5]}}, "sigmoid",
                {"linear": {"W": [[0.4, 0.6]], "b": [0.5]}}, "sigmoid"],
    "loss": {"mse": {"scale": "1/2"}},
    "optimizer": {"sgd": {"lr": 0.5}},
}


def test_decimal_literals_are_exact():
    """Seed 002's Z^(1), by hand: 0.2·0 + 0.4·1 + 0.3 = 7/10, 0.3 + 0.5 + 0.5 = 13/10 (no 0.30000000000000004)."""
    t = run(OR)
    assert ex(t, "Z1") == [[F(3, 10), F(7, 10), F(1, 2), F(9, 10)], [F(1, 2), F(1), F(4, 5), F(13, 10)]]
    assert t.to_dict()["steps"][0]["values"]["Z1"]["exact"] == [["3/10", "7/10", "1/2", "9/10"],
                                                               ["1/2", "1", "4/5", "13/10"]]


def test_rational_network_stays_rational_over_steps():
    d = {"data": {"x": [["1/3", 0.1], [0.2, -1]], "y": [[1], [0]]},
         "network": [{"linear": {"W": [[0.1, 0.2], [-0.3, 0.4]], "b": [0.1, -0.1]}}, "relu",
                     {"linear": {"W": [[0.5, -0.5]], "b": [0]}}],
         "loss": "mse", "optimizer": {"sgd": {"lr": "0.1", "momentum": "0.9"}}, "steps": 3}
    t = run(d)
    for st in range(3):
        for q in t.steps[st].shown():
            ex(t, q.name, st)          # raises if any entry is not an exact Fraction
    # hand check, step 0, first sample: z1 = [0.1/3 + 0.02 + 0.1, −0.1 + 0.04 − 0.1] = [23/150, −4/25]
    assert [row[0] for row in ex(t, "Z1")] == [F(23, 150), F(-4, 25)]
    assert ex(t, "Z1") == [[F(1, 30) + F(2, 100) + F(1, 10), F(2, 100) - F(2, 10) + F(1, 10)],
                           [F(-1, 10) + F(4, 100) - F(1, 10), F(-6, 100) - F(4, 10) - F(1, 10)]]


def test_sigmoid_closed_form_and_digits():
    t = run(OR)
    e = t.to_dict()["steps"][0]["values"]["A1"]["exact"]
    assert e[0][0] == "1/(1 + exp(-3/10))"
    # at least 30 significant digits: compare with Python's Decimal at 50 digits
    from decimal import Decimal, getcontext
    getcontext().prec = 50
    ref = 1 / (1 + (-Decimal(3) / 10).exp())
    v = t.steps[0].quantities["A1"].value[0, 0]
    assert abs(v.d - ref) < Decimal(10) ** -40


def test_extreme_values_are_finite_without_warnings():
    d = {"data": {"x": [[100000], [-100000]], "y": [[1], [0]]},
         "network": [{"linear": {"W": [[1]], "b": [0]}}, "sigmoid"],
         "loss": "bce", "optimizer": {"sgd": {"lr": 1}}}
    for numbers in ("float", "exact"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            t = run(d, numbers=numbers)
        for q in t.steps[0].shown():
            for v in fl(t, q.name).ravel():
                assert math.isfinite(v), (numbers, q.name)
        assert fl(t, "J") == pytest.approx(0, abs=1e-12)


def test_bce_log_of_zero_is_clamped_like_torch():
    """ŷ = 0 exactly where y = 1: torch's BCELoss clamps log at −100, so J = 100/m."""
    d = {"data": {"x": [[0]], "y": [[1]]},
         "network": [{"linear": {"W": [[1]], "b": [0]}}, "sigmoid", {"linear": {"W": [[0]], "b": [0]}}, "softmax"],
         "loss": "cross_entropy", "optimizer": {"sgd": {"lr": 1}}}
    t = run(d)
    assert ex(t, "J") == 0      # softmax of one output is 1: log 1 = 0
    d2 = {"data": {"x": [[1]], "y": [[1]]},
          "network": [{"linear": {"W": [[-1000]], "b": [0]}}, "sigmoid"],
          "loss": "bce", "optimizer": {"sgd": {"lr": 1}}}
    for numbers in ("float", "exact"):
        t = run(d2, numbers=numbers)
        assert float(fl(t, "J")) == pytest.approx(1000, rel=1e-9)   # stable log-sigmoid: −log σ(−1000) = 1000


def test_round_mode_rounds_every_quantity_and_uses_it():
    t = run(OR, round=3)
    assert ex(t, "A1")[0][0] == F(574, 1000)
    a = ex(t, "A1")
    w = [F(4, 10), F(6, 10)]
    # Z2 is computed from the rounded A1 (0.4·0.574 + 0.6·0.622 + 0.5 = 1.1028 → 1.103)
    assert ex(t, "Z2")[0][0] == F(1103, 1000)
    assert w[0] * a[0][0] + w[1] * a[1][0] + F(1, 2) == F(11028, 10000)
    for q in t.steps[0].shown():
        for v in fl(t, q.name).ravel():
            assert round(v, 3) == pytest.approx(v, abs=1e-12)


def test_round_half_away_from_zero():
    from tracer.numbers import round_half_away
    assert round_half_away(F(25, 1000), 2) == F(3, 100)
    assert round_half_away(F(-25, 1000), 2) == F(-3, 100)
    assert round_half_away(F(-24, 1000), 2) == F(-2, 100)


def test_exact_zero_and_one_stay_exact_beside_inexact_values():
    """ReLU′ = 0 times a sigmoid value is exactly 0 (the JSON says "0", not null)."""
    from tracer.numbers import Real, r_sigmoid
    s = r_sigmoid(Real(F(3, 10)))
    zero, one = Real(F(0)), Real(F(1))
    assert (s * zero).q == 0 and (zero / s).q == 0
    assert (s * one) is s and (s + zero) is s and (s - zero) is s
    assert (zero - s).form[0] == "-1/(1 + exp(-3/10))"


def test_float_relu_never_prints_negative_zero():
    d = {"data": {"x": [[-1]], "y": [[0]]}, "network": [{"linear": {"W": [[2]], "b": [0]}}, "relu"],
         "loss": "mse", "optimizer": {"sgd": {"lr": 1}}}
    t = run(d, numbers="float")
    assert t.to_json().count("-0.0") == 0
