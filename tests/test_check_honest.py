"""Honest hand work, built from the independent numpy reference (tests/check_reference.py):
every value rounded as it is computed and the rounded value carried into the next, as a
student with a calculator does; and the same with one slip, carried forward honestly.

What the checker owes such work (issue 16): no honest answer is 'wrong'; with one slip the
slip is the first error, the only 'wrong', and everything after it is correct or carried.
"""
from pathlib import Path

import numpy as np
import pytest
import yaml
from check_reference import OR_GATE, SEED_004, mlp_steps, sigfig_text, text

from tracer.check import check_files

DATA = Path(__file__).parent / "data" / "check"
OR = DATA / "seed002_problem.yaml"
S004 = DATA / "seed004_problem.yaml"
GIVEN = ("A0", "Y", "W1", "b1", "W2", "b2", "W3", "b3")       # the problem's, not computed
PER_SAMPLE = ("Z1", "A1", "Z2", "A2", "Z3", "A3", "J", "dA3", "dZ3", "dA2", "dZ2", "dA1", "dZ1")


def grade(tmp_path, problem, steps, names, write):
    """The checker's verdicts on the reference's values (a list per step) as written."""
    a = {"steps": [{n: write(v[n]) for n in names if n in v} for v in steps]}
    p = tmp_path / "answers.yaml"
    p.write_text(yaml.safe_dump(a))
    g = check_files(str(problem), str(p))
    return g, {(r.step, r.name): r for r in g.results}


def rounding(k, then=None):
    """A student's calculator: every value rounded to k decimals as it is computed (and
    `then` applied first: a slip)."""
    def slip(s, n, v):
        if n in GIVEN or n.endswith("_next"):     # an update written to show its change
            return v
        v = then(s, n, v) if then else v
        return np.round(v, k)
    return slip


OR_NAMES = ("Z1", "A1", "Z2", "A2", "J", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1",
            "W1_next", "b1_next", "W2_next", "b2_next")


@pytest.mark.parametrize("k", [4, 5, 6])
def test_honest_rounding_is_never_wrong_or_gate(tmp_path, k):
    """Two steps of seed 002's OR gate, to the 4 decimals the problem asks or more."""
    steps = mlp_steps(**dict(OR_GATE, steps=2), slip=rounding(k))
    g, r = grade(tmp_path, OR, steps, OR_NAMES, lambda v: text(v, k))
    wrong = {key: x.diagnosis for key, x in r.items() if x.status == "wrong"}
    assert not wrong, wrong
    assert len(r) == 2 * len(OR_NAMES)


def test_fewer_decimals_than_asked_is_named_rounded_too_early(tmp_path):
    """3 decimals where 4 are asked: ∂J/∂W2 = [−0.000175, −0.000577] becomes 0.000 and −0.001.
    Every wrong answer is named 'rounded too early' (or, for W2_next, the update the zero
    gradient leaves trivial).  Before: 0.000 for their own [0.000169, −0.000204] was 'off by a
    constant factor 1/m = 1/4', a zero matching a quarter of a small value."""
    steps = mlp_steps(**dict(OR_GATE, steps=2), slip=rounding(3))
    g, r = grade(tmp_path, OR, steps, OR_NAMES, lambda v: text(v, 3))
    wrong = {key: x.diagnosis for key, x in r.items() if x.status == "wrong"}
    assert (0, "dW2") in wrong and (0, "b2_next") in wrong
    for key, d in wrong.items():
        assert d.startswith("rounded too early: matches at 3 decimals") or \
            (key[1] == "W2_next" and "dW2 all zero (within the tolerance)" in d), (key, d)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_honest_rounding_is_never_wrong_seed_004(tmp_path, k):
    """Seed 004's three iterations (rows layout), the per-sample quantities of each."""
    steps = mlp_steps(**SEED_004, slip=rounding(k))
    g, r = grade(tmp_path, S004, steps, PER_SAMPLE, lambda v: text(v, k))
    wrong = {key: x.diagnosis for key, x in r.items() if x.status == "wrong"}
    assert not wrong, wrong
    assert len(r) == 3 * 13


def test_honest_significant_figures_are_never_wrong(tmp_path):
    """Three significant figures throughout, graded with --sigfigs 3."""
    def slip(s, n, v):
        if n in GIVEN or n.endswith("_next"):     # an update written to show its change
            return v
        return np.vectorize(lambda x: float(f"{x:.3g}"))(np.asarray(v, float))
    steps = mlp_steps(**OR_GATE, slip=slip)
    a = {n: (text(steps[0][n], 12) if n.endswith("_next") else sigfig_text(steps[0][n], 3)) for n in OR_NAMES}
    p = tmp_path / "answers.yaml"
    p.write_text(yaml.safe_dump(a))
    g = check_files(str(OR), str(p), sigfigs=3)
    wrong = {x.name: x.diagnosis for x in g.results if x.status == "wrong"}
    assert not wrong, wrong


SLIPS = [   # (where, the slip on the value computed there (seen: the step's values so far), the diagnosis)
    ("dA2", lambda v, seen: 2 * v, "off by a constant factor 2 (twice the true value)"),
    ("dA2", lambda v, seen: -v, "sign flipped"),
    ("dW1", lambda v, seen: v.T.copy(), "transposed"),
    ("Z1", lambda v, seen: v * np.array([[1], [-1]]), "sign flipped in row 2"),
    ("dZ2", lambda v, seen: seen["dA2"], "the activation derivative g' was left out"),
    ("dZ1", lambda v, seen: seen["dA1"] * seen["A1"], "g used in place of its derivative g'"),
    ("dW2", lambda v, seen: seen["dZ2"] @ seen["Z1"].T, "the pre-activation Z1 used where A1 belongs"),
    ("A1", lambda v, seen: seen["Z1"], "the activation was not applied"),
    ("W1_next", lambda v, seen: seen["W1"] + 0.5 * seen["dW1"], "the update went the wrong way"),
    ("W2_next", lambda v, seen: seen["W2"], "equals W2: the update was not applied"),
]


def with_slip(where, how):
    """The slip at `where`, every value rounded to 4 decimals as computed (the slip's too)."""
    seen = {}

    def slip(s, n, v):
        if n == where:
            v = how(v, seen)
        if n not in GIVEN:
            v = np.round(v, 4)
        seen[n] = v
        return v
    return slip


@pytest.mark.parametrize("where, how, diagnosis", SLIPS)
def test_one_slip_carried_forward_honestly(tmp_path, where, how, diagnosis):
    """One slip, then honest rounded work on top of it: the slip is the only 'wrong' and
    the first error, named; nothing after it is wrong."""
    steps = mlp_steps(**OR_GATE, slip=with_slip(where, how))
    g, r = grade(tmp_path, OR, steps, OR_NAMES, lambda v: text(v, 4))
    wrong = {key: x.diagnosis for key, x in r.items() if x.status == "wrong"}
    assert list(wrong) == [(0, where)], wrong
    assert g.first_error.name == where and diagnosis in (wrong[(0, where)] or ""), wrong
    if where not in ("W1_next", "W2_next"):      # the last quantities: nothing after them
        assert any(x.status == "carried" for x in r.values())


def test_two_slips_each_carried_forward(tmp_path):
    """Z1's row 2 negated, then ∂J/∂ŷ doubled on top of the carried A2: two wrong answers,
    each named (against what the student's own earlier answers give), the first the first
    error; everything else correct or carried."""
    first, second = with_slip("Z1", SLIPS[3][1]), with_slip("dA2", SLIPS[0][1])
    steps = mlp_steps(**OR_GATE, slip=lambda s, n, v: second(s, n, first(s, n, v)))
    g, r = grade(tmp_path, OR, steps, OR_NAMES, lambda v: text(v, 4))
    wrong = {key[1]: x.diagnosis for key, x in r.items() if x.status == "wrong"}
    assert list(wrong) == ["Z1", "dA2"], wrong
    assert wrong["Z1"] == "sign flipped in row 2"
    assert wrong["dA2"].startswith("off by a constant factor 2 (twice the true value)")
    assert wrong["dA2"].endswith("(compared with what your own earlier answers give)")
    assert g.first_error.name == "Z1"
    assert r[(0, "dW1")].status == "carried"
