"""The guards on carried credit, each on its own and on answer sets that try to game them:
tiny numbers everywhere, ŷ written within the tolerance of y, updates not applied (or applied
the wrong way) after a slip, shifts that only the student's own rounded answers explain.

Every answer set is built from an independent numpy computation (tests/check_reference.py),
never from our engine's output.
"""
from pathlib import Path

import numpy as np
import pytest
import yaml
from check_reference import OR_GATE, SEED_004, mlp_steps, text

from tracer.check import check_files
from tracer.check import guards
from tracer.check.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "worked_examples"
OR, S4 = EX / "or_gate" / "problem.yaml", EX / "relu_three_iterations" / "problem.yaml"
V = mlp_steps(**OR_GATE)[0]
Y = V["Y"]


def check(problem, answers, tmp_path, **kw):
    p = tmp_path / "answers.yaml"
    p.write_text(yaml.safe_dump(answers))
    return check_files(str(problem), str(p), **kw)


def by_name(g, step=0):
    return {r.name: r for r in g.results if r.step == step}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def every_step(S):
    """All of a run's answers, step by step (parameters from step 1 on, as the student
    carries them over)."""
    return [{n: text(v[n]) for n in v if n not in ("A0", "Y") and (s or n[0] not in "Wb" or n.endswith("_next"))}
            for s, v in enumerate(S)]


# -- the rule's zero ---------------------------------------------------------------------------
def test_zero_within_the_matching_tolerance():
    from fractions import Fraction as Q
    rule = Rule.make(4)
    assert rule.is_zero([Q(1, 10**5), Q(-1, 10**9), 0]) and rule.is_zero([Q(1, 10**4)])   # inclusive
    assert not rule.is_zero([Q(0), Q(11, 10**5)])
    assert Rule.make(4, sigfigs=3).is_zero([Q(1, 10**5)])


# -- tiny numbers everywhere -----------------------------------------------------------------------
@pytest.mark.parametrize("example", ["or_gate", "relu_three_iterations", "softmax_classifier",
                                     "mfnet_report_001", "minibatch_step", "tanh_rows"])
@pytest.mark.parametrize("fill", ["0.00001", "1e-9", 0])
def test_one_tiny_number_everywhere_earns_no_carried_credit(tmp_path, example, fill):
    """Before: 0.00001 everywhere earned 41 % (or gate) to 79 % (seed 004) 'carried', 1e-9 24–66 %,
    exact zeros 0 %.  Every computed quantity of every step is written."""
    from tracer import trace
    from tracer.problem import load_problem
    t = trace(load_problem(str(EX / example / "problem.yaml")))
    steps = [{q.name: (np.full(q.shape, fill, dtype=object).tolist() if q.shape else fill)
              for q in st.shown() if st.index or q.kind not in ("data", "param")} for st in t.steps]
    g = check(EX / example / "problem.yaml", {"steps": steps}, tmp_path)
    assert g.summary["carried"] == 0, [(r.step, r.name, r.note) for r in g.results if r.status == "carried"]


# -- a trivial operand: its direct dependants earn nothing, real work on top of them does --------------
def a1_zero_answers():
    """OR gate with A1 := 0, everything after it computed honestly on it (numpy)."""
    A1 = np.zeros((2, 4))
    Z2 = V["W2"] @ A1 + V["b2"][:, None]          # = b2
    A2 = sigmoid(Z2)
    dA2 = (A2 - Y) / 4
    dZ2 = dA2 * A2 * (1 - A2)
    return {"Z1": text(V["Z1"]), "A1": text(A1), "Z2": text(Z2), "A2": text(A2),
            "J": text(((A2 - Y) ** 2).sum() / 8), "dA2": text(dA2), "dZ2": text(dZ2), "dW2": text(dZ2 @ A1.T)}


@pytest.mark.parametrize("zero", ["0", "0.00001", "1e-9"])
def test_quantities_computed_directly_from_a_trivial_operand_are_refused(tmp_path, zero):
    a = a1_zero_answers()
    a["A1"] = [[zero] * 4] * 2
    r = by_name(check(OR, a, tmp_path))
    assert r["A1"].status == "wrong" and r["A1"].first
    for name in ("Z2", "dW2"):                      # Z2 = b2, dW2 = dZ2·0ᵀ
        assert r[name].status == "wrong", name
        assert "trivial (A1" in r[name].diagnosis and "all zero (within the tolerance)" in r[name].diagnosis
    for name in ("A2", "J", "dA2", "dZ2"):          # σ(b2) and what follows: real work
        assert r[name].status == "carried", (name, r[name].diagnosis)


def test_guard_trivial_on_its_own(tmp_path):
    """guards.trivial names the trivial operand and the trivial result, nothing else."""
    from tracer import trace
    from tracer.check.grade import given_values
    from tracer.check.student import Student
    from tracer.problem import load_problem
    from tracer.check.answers import parse_answers
    t = trace(load_problem(str(OR)))
    answers = parse_answers(yaml.safe_load(yaml.safe_dump(a1_zero_answers())))
    answers.bind(t)
    st = Student(t, given_values(t, answers))
    rule = Rule.make(4)
    assert guards.trivial(t, st, rule, (0, "Z2"), st.value((0, "Z2"))) == [("A1", "zero")]
    assert guards.trivial(t, st, rule, (0, "dW2"), st.value((0, "dW2"))) == [("A1", "zero"), ("dW2", "zero")]
    assert guards.trivial(t, st, rule, (0, "A2"), st.value((0, "A2"))) == []
    assert guards.trivial(t, st, rule, (0, "dZ2"), st.value((0, "dZ2"))) == []


def test_a_right_small_operand_is_no_trivial_zero(tmp_path):
    """db1's true first entry is 0.00073: a student's 0.0001 would be zero within the tolerance
    and wrong, but a true value of 0.00012 answered 0.0001 is right, and a right operand is never
    a trivial one."""
    from fractions import Fraction as Q
    small = np.array([Q(1, 10**4)], dtype=object)
    assert not guards._zero(_T(), Rule.make(4), small, np.array([Q(12, 10**5)], dtype=object))
    assert guards._zero(_T(), Rule.make(4), small, np.array([Q(73, 10**5)], dtype=object))


class _T:
    """An exact trace's entry() for values that are Fractions already."""
    @staticmethod
    def entry(x):
        return x, float(x), str(x)


# -- ŷ within the tolerance of y ----------------------------------------------------------------------
def test_yhat_within_tolerance_of_y_is_a_trivial_loss(tmp_path):
    """OR gate, A2 := [0.00005, 0.995, 0.999, 0.991] (y = [0, 1, 1, 1]): J and ∂J/∂ŷ are the loss
    at a trivial ŷ, dZ2 is computed from that gradient; nothing of it is carried.  Before: all
    five carried."""
    A2 = np.array([[0.00005, 0.995, 0.999, 0.991]])
    dA2 = (A2 - Y) / 4
    dZ2 = dA2 * A2 * (1 - A2)
    a = {"Z1": text(V["Z1"]), "A1": text(V["A1"]), "Z2": text(V["Z2"]), "A2": text(A2),
         "J": text(((A2 - Y) ** 2).sum() / 8), "dA2": text(dA2), "dZ2": text(dZ2),
         "dW2": text(dZ2 @ V["A1"].T), "db2": text(dZ2.sum(axis=1))}
    r = by_name(check(OR, a, tmp_path))
    assert r["A2"].status == "wrong" and r["A2"].first
    assert all(r[n].status == "wrong" for n in ("J", "dA2", "dZ2", "dW2", "db2"))
    assert "A2 equals Y within the tolerance: a trivial loss" in r["dA2"].diagnosis
    assert "dA2 is the gradient of a trivial loss" in r["dZ2"].diagnosis


def test_yhat_near_y_on_an_identity_output(tmp_path):
    """Seed 004 (identity output, true ŷ = 4.5, y = 1): ŷ := 1.005.  J, ∂J/∂ŷ and Δ = ∂J/∂ŷ
    are refused; ∂J/∂W3 = Δ·A2 (real work on a non-zero Δ) stays carried."""
    S = mlp_steps(**SEED_004)[0]
    yh = 1.005
    a = {n: text(S[n]) for n in ("Z1", "A1", "Z2", "A2")}
    a.update(Z3=[[str(yh)]], A3=[[str(yh)]], J=str(0.5 * (yh - 1) ** 2), dA3=[[f"{yh - 1:.6f}"]],
             dZ3=[[f"{yh - 1:.6f}"]], dW3=text((yh - 1) * S["A2"]))
    r = by_name(check(S4, {"steps": [a]}, tmp_path))
    assert [r[n].status for n in ("Z3", "A3", "J", "dA3", "dZ3", "dW3")] == \
        ["wrong", "carried", "wrong", "wrong", "wrong", "carried"]


def test_trivial_loss_on_its_own():
    from tracer import trace
    from tracer.problem import load_problem
    t = trace(load_problem(str(OR)))
    q = t.steps[0].quantities
    rule = Rule.make(4)
    env = {n: x.value for n, x in q.items()}
    assert not guards.trivial_loss(t, rule, q["J"].expr, env, 0)
    from fractions import Fraction as Q
    env["A2"] = t.field.array([[Q(5, 10**5), Q(995, 1000), Q(999, 1000), Q(991, 1000)]])
    assert guards.trivial_loss(t, rule, q["J"].expr, env, 0)
    assert guards.trivial_loss(t, rule, q["dA2"].expr, env, 0)
    assert not guards.trivial_loss(t, rule, q["dW2"].expr, env, 0)     # no loss in it
    env["A2"] = t.field.array([[Q(2, 10**4), Q(995, 1000), Q(999, 1000), Q(991, 1000)]])  # 0.0002 is no 0
    assert not guards.trivial_loss(t, rule, q["J"].expr, env, 0)


# -- the second look obeys the update rule --------------------------------------------------------------
def slipped_seed_004(step2_update):
    """Seed 004, three iterations: iteration 1's ∂J/∂W2 doubled and carried honestly into
    everything after it (numpy); iteration 2's W2_next written as `step2_update(W2, dW2)`."""
    S = mlp_steps(**SEED_004, slip=lambda s, n, v: 20 * v if (s, n) == (1, "dW2") else v)
    a = every_step(S)
    a[2] = {"W2": text(S[2]["W2"]), "dW2": text(S[2]["dW2"]),
            "W2_next": text(step2_update(S[2]["W2"], S[2]["dW2"]))}
    return a


@pytest.mark.parametrize("flags", [{}, {"sigfigs": 2}])
@pytest.mark.parametrize("how, words", [
    (lambda W, g: W, "equals W2: the update was not applied"),
    (lambda W, g: W + 0.01 * g, "the update went the wrong way (θ + step instead of θ − step)")])
def test_an_update_not_applied_after_a_slip_is_wrong(tmp_path, how, words, flags):
    """Before: 'carried … (with the true dW2)' (not applied) and, with --sigfigs 2, 'correct'."""
    g = check(S4, {"steps": slipped_seed_004(how)}, tmp_path, **flags)
    r1, r2 = by_name(g, 1), by_name(g, 2)
    assert r1["dW2"].status == "wrong" and r1["dW2"].first
    assert r1["W2_next"].status == "carried" and r2["W2"].status == "carried" and r2["dW2"].status == "carried"
    assert r2["W2_next"].status == "wrong"
    assert r2["W2_next"].diagnosis.startswith(words)


def test_the_same_slip_with_the_update_applied_is_carried(tmp_path):
    g = check(S4, {"steps": slipped_seed_004(lambda W, g: W - 0.01 * g)}, tmp_path)
    assert by_name(g, 2)["W2_next"].status == "carried"


def test_second_look_on_its_own(tmp_path):
    """Step 2's W2_next = W2 with the student's W2 and the true dW2 would be W2 − η·dW2 true:
    within 1 % of the weight, never within 1 % of the update."""
    from tracer import trace
    from tracer.check.answers import parse_answers
    from tracer.check.grade import given_values
    from tracer.check.student import Student
    from tracer.problem import load_problem
    t = trace(load_problem(str(S4)))
    answers = parse_answers(yaml.safe_load(yaml.safe_dump({"steps": slipped_seed_004(lambda W, g: W)})))
    answers.bind(t)
    st = Student(t, given_values(t, answers))
    G = np.asarray(answers.items[(2, "W2_next")].nums, dtype=object)
    assert guards.second_look(t, st, Rule.make(4), (2, "W2_next"), G) is None
    # the true dW2 with the student's W2, applied: that is the second look's carried value
    from tracer.check.values import fracs
    mixed = fracs(t, st.value((2, "W2"))) - fracs(t, t.steps[2].quantities["dW2"].value) / 100
    found = guards.second_look(t, st, Rule.make(4), (2, "W2_next"), mixed)
    assert found is not None and found[1] == ["dW2"]


# -- significant figures judge an update on its change --------------------------------------------------
@pytest.mark.parametrize("name", ["W1_next", "b1_next", "W2_next", "b2_next"])
def test_sigfigs_judges_an_update_on_its_change(tmp_path, name):
    """OR gate, --sigfigs 2: θ_new := θ (copied) was correct before (within 2 significant
    figures of θ_new); the change is 100 % off.  The true update to 3 significant figures of
    the change passes."""
    theta = V[name[:-5]]
    g = check(OR, {name: text(theta)}, tmp_path, sigfigs=2)
    assert g.results[0].status == "wrong" and g.exit_code == 1
    assert g.results[0].diagnosis.startswith(f"equals {name[:-5]}: the update was not applied")
    change = V[name] - theta
    good = theta + np.vectorize(lambda x: float(f"{x:.3g}"))(change)
    assert check(OR, {name: text(good, 12)}, tmp_path, sigfigs=2).results[0].status == "correct"


# -- "correct" only within the tolerance of the true value ----------------------------------------------
NEAR = "y: [[0.75], [0.77], [0.76], [0.78]]"


@pytest.mark.parametrize("digits", [2, 3])
def test_a_shift_amplified_by_cancellation_is_carried_not_correct(tmp_path, digits):
    """The OR gate with targets near ŷ (0.75–0.78), so that A2 − Y cancels: A2 rounded to 2 or 3
    decimals is right (within 1 %), but ∂J/∂ŷ = (A2 − Y)/4 computed exactly on it is far more
    than 1 % off the true value.  Before: 'correct (agrees with … your own (rounded) earlier
    answers)'.  With 2 decimals A2 = Y exactly, and the 0 it gives is honest rounding, not a
    trivial operand: carried too."""
    prob = tmp_path / "near.yaml"
    prob.write_text(OR.read_text().replace("y: [[0], [1], [1], [1]]", NEAR))
    cfg = dict(OR_GATE, y=[[0.75], [0.77], [0.76], [0.78]])
    true = mlp_steps(**cfg)[0]
    S = mlp_steps(**cfg, slip=lambda s, n, v: np.round(v, digits) if n == "A2" else v)[0]
    assert np.all(np.abs(S["A2"] - true["A2"]) <= 0.01 * np.abs(true["A2"]))           # A2 right
    assert np.any(np.abs(S["dA2"] - true["dA2"]) > 0.01 * np.abs(true["dA2"]) + 1e-4)  # dA2 not
    g = check(prob, {"A2": text(S["A2"], digits), "dA2": text(S["dA2"], 12)}, tmp_path)
    r = by_name(g)
    assert r["A2"].status == "correct"
    assert r["dA2"].status == "carried" and g.exit_code == 1 and g.first_error is None
    assert r["dA2"].note.startswith("carried forward from your A2: right within the tolerance there")
    assert r["dA2"].reference is not None


def test_a_carried_update_is_judged_on_the_students_own_change(tmp_path):
    """Iteration 1's ∂J/∂W2 ×20 (carried) leaves iteration 2's W2 far from the true W2; the
    update from it, η·∂J/∂W2 doubled, is wrong: measured on the change the student's own W2
    makes (not on the distance from the true W2, which would pass it)."""
    S = mlp_steps(**SEED_004, slip=lambda s, n, v: 20 * v if (s, n) == (1, "dW2") else v)
    a = every_step(S)
    W2, dW2 = S[2]["W2"], S[2]["dW2"]
    a[2] = {"W2": text(W2), "dW2": text(dW2), "W2_next": text(W2 - 2 * 0.01 * dW2)}
    r = by_name(check(S4, {"steps": a}, tmp_path), 2)
    assert r["W2"].status == "carried" and r["dW2"].status == "carried"
    assert r["W2_next"].status == "wrong"
    assert r["W2_next"].diagnosis.startswith("the update θ_new − θ is off by a constant factor 2")
