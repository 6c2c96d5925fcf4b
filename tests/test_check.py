"""The checker on the seeds' own handwritten numbers, on answers corrupted on purpose in each
diagnosable way, and on answers that try to game it.

The corrupted answers are made from an independent numpy computation of the OR-gate step
(seed 002's network, float64, formulas written out below), never from our engine's output.
The seed verdicts were worked out by hand from the seed texts (see the comments).
"""
from pathlib import Path

import numpy as np
import pytest
import yaml
from check_reference import text

from tracer.check import check_files

DATA = Path(__file__).parent / "data" / "check"
OR = DATA / "seed002_problem.yaml"


def check(problem, answers, tmp_path, **kw):
    if isinstance(answers, dict):
        p = tmp_path / "answers.yaml"
        p.write_text(yaml.safe_dump(answers))
        answers = p
    return check_files(str(problem), str(answers), **kw)


def by_name(g, step=0):
    return {r.name: r for r in g.results if r.step == step}


def not_correct(g):
    return {(r.step, r.name): (r.status, r.diagnosis) for r in g.results if r.status != "correct"}


# -- an independent computation of the OR-gate step (seed 002), float64 --------------------------
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def or_gate(lr=0.5):
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], float)
    Y = np.array([[0, 1, 1, 1]], float)
    W1, b1 = np.array([[0.2, 0.4], [0.3, 0.5]]), np.array([0.3, 0.5])
    W2, b2 = np.array([[0.4, 0.6]]), np.array([0.5])
    m = 4
    v = {"Z1": W1 @ X + b1[:, None]}
    v["A1"] = sigmoid(v["Z1"])
    v["Z2"] = W2 @ v["A1"] + b2[:, None]
    v["A2"] = sigmoid(v["Z2"])
    v["J"] = ((v["A2"] - Y) ** 2).sum() / (2 * m)
    v["dA2"] = (v["A2"] - Y) / m
    v["dZ2"] = v["dA2"] * v["A2"] * (1 - v["A2"])
    v["dW2"] = v["dZ2"] @ v["A1"].T
    v["db2"] = v["dZ2"].sum(axis=1)
    v["dA1"] = W2.T @ v["dZ2"]
    v["dZ1"] = v["dA1"] * v["A1"] * (1 - v["A1"])
    v["dW1"] = v["dZ1"] @ X.T
    v["db1"] = v["dZ1"].sum(axis=1)
    v["W1_next"], v["b1_next"] = W1 - lr * v["dW1"], b1 - lr * v["db1"]
    v["W2_next"], v["b2_next"] = W2 - lr * v["dW2"], b2 - lr * v["db2"]
    v["W1"], v["W2"], v["A0"], v["Y"] = W1, W2, X, Y
    return v


V = or_gate()


def answers_with(**changed):
    """The true OR-gate answers (from the numpy computation), with some replaced."""
    names = ["Z1", "A1", "Z2", "A2", "J", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1",
             "W1_next", "b1_next", "W2_next", "b2_next"]
    out = {n: text(V[n]) for n in names}
    out.update(changed)
    return out


# -- seeds -------------------------------------------------------------------------------------
def test_seed_002_handwritten(tmp_path):
    """Seed 002 puts the 1/n into ∂Cost/∂W, so its a − y is m·dA2 (m = 4).  Its δ2 is then
    exactly what σ′ gives on its own a − y and A2: carried.  Its W2ᵀδ2 ('①') has the first
    column's sign flipped and 3 decimals against its own δ2's W2ᵀδ2 = [0.056, −0.0164, …].
    Its δ1 is its ① ⊙ A1(1 − A1) except −0.0135 (0.056·0.574·0.426 = 0.01369) and −0.0048
    (0.025·0.731·0.269 = 0.00492).  Everything else (forward, gradients with the 1/n, updates)
    is right within the default rule."""
    g = check(OR, DATA / "seed002_answers.yaml", tmp_path)
    bad = not_correct(g)
    assert set(bad) == {(0, "dA2"), (0, "dZ2"), (0, "dA1"), (0, "dZ1")}
    assert bad[0, "dA2"] == ("wrong", "off by a constant factor m = 4 (the number of samples)")
    assert bad[0, "dZ2"][0] == "carried"
    assert bad[0, "dA1"][0] == "wrong"
    assert bad[0, "dA1"][1].startswith("sign flipped in column 1; rounded too early (matches at 3 decimals)")
    assert bad[0, "dZ1"][1].startswith("only entries (1, 1), (2, 2) are off")
    assert g.first_error.name == "dA2"
    assert g.summary["given"] == 17 and g.summary["correct"] == 13 and g.exit_code == 1


def test_seed_002_boxed_delta(tmp_path):
    """The δ2 the seed boxes, [.140 −.091 −.043 −.039]: m·Δ2 but for two entries (−0.091 for
    −0.041, and −0.039 where 4·Δ2 = −0.0382)."""
    answers = yaml.safe_load((DATA / "seed002_answers.yaml").read_text())
    answers.pop("dA2")
    answers["dZ2"] = ["0.140", "-0.091", "-0.043", "-0.039"]
    g = check(OR, answers, tmp_path)
    r = by_name(g)["dZ2"]
    assert r.status == "wrong" and r.first
    assert r.diagnosis == ("off by a constant factor m = 4 (the number of samples); besides, "
                           "entries (1, 2), (1, 4) are off")


def test_seed_004_three_iterations(tmp_path):
    """Seed 004 by hand: iteration 1's forward pass writes b2 = −0.335 (its own update gave
    −0.535, and D2 = 1.15·0.9475·2 − 0.535 = 1.644 shows −0.535 was used).  At 1 % every
    other number is right: db1 = 2.5436 (true 1.3375·0.9475·2 = 2.5346) and iteration 2's
    b3 = −0.5499 (its own b3_next −0.5497) are within 1 %, not within 4 significant figures."""
    P, A = DATA / "seed004_problem.yaml", DATA / "seed004_answers.yaml"
    g = check(P, A, tmp_path)
    assert not_correct(g) == {(1, "b2"): ("wrong", "not the b2_next you wrote in step 0: miscopied when "
                                                   "carried over to the next step")}
    assert g.summary["given"] == 51 and g.first_error.step == 1
    g4 = check(P, A, tmp_path, sigfigs=4)
    bad = not_correct(g4)
    assert set(bad) == {(1, "b2"), (1, "db1"), (2, "b3")}
    assert bad[1, "db1"] == ("wrong", "a copying slip: two digits swapped (entries 1, 2)")
    assert bad[2, "b3"][1].startswith("not the b3_next you wrote in step 1")


def test_seed_004_b2_slip_alone_is_a_miscopied_digit(tmp_path):
    answers = yaml.safe_load((DATA / "seed004_answers.yaml").read_text())
    del answers["steps"][0]["b2_next"]
    g = check(DATA / "seed004_problem.yaml", answers, tmp_path)
    assert not_correct(g) == {(1, "b2"): ("wrong", "a copying slip: one digit miscopied (entries 1, 2)")}


def test_seed_001_quarter_slip_costs_once(tmp_path):
    """Seed 001: J = (1/m)Σ so ∂J/∂Ŷ = ½[…], but the report keeps ¼[…]: dA3 is off by ½ and
    every later gradient and update follows from it (carried).  The typos in X and W^[1]
    (tests/test_mfnet_report.py) are wrong entries; dW1 was computed with the true X."""
    g = check(DATA / "mfnet_problem_001.yaml", DATA / "mfnet_answers.yaml", tmp_path)
    bad = not_correct(g)
    assert bad[0, "A0"] == ("wrong", "not the problem's A0: entry (3, 2) miscopied from the problem")
    assert bad[0, "W1"] == ("wrong", "not the problem's W1: entry (4, 2) miscopied from the problem")
    assert bad[0, "dA3"] == ("wrong", "off by a constant factor ½ (half the true value)")
    for name in ("dZ3", "dW3", "dA2", "dZ2", "dW2", "dA1", "dZ1", "dW1", "W1_next", "W2_next", "W3_next"):
        assert bad[0, name] == ("carried", None), name
    assert "J" not in {n for _, n in bad}
    assert g.first_error.name == "A0"
    assert "with the true A0" in by_name(g)["dW1"].note


def test_seed_000_backward_pass_is_right(tmp_path):
    answers = yaml.safe_load((DATA / "mfnet_answers.yaml").read_text())
    answers["J"] = "0.5"                      # seed 000: J = 1/(2m) Σ … = 0.5
    g = check(DATA / "mfnet_problem_000.yaml", answers, tmp_path)
    assert not_correct(g) == {(0, "A0"): ("wrong", "not the problem's A0: entry (3, 2) miscopied from the problem"),
                              (0, "W1"): ("wrong", "not the problem's W1: entry (4, 2) miscopied from the problem"),
                              (0, "W1_next"): ("carried", None)}


# -- tolerance ---------------------------------------------------------------------------------
def test_true_answers_are_correct(tmp_path):
    g = check(OR, answers_with(), tmp_path)
    assert g.exit_code == 0 and g.summary["correct"] == 17 and g.first_error is None


def test_small_gradient_tolerance(tmp_path):
    """db1 = [0.00073…, 0.00139…]: 0.0008 matches (one unit in the 4th decimal), 0 does not."""
    assert abs(V["db1"][0] - 0.00073) < 1e-5
    ok = check(OR, {"db1": ["0.0008", "0.0014"]}, tmp_path)
    assert ok.results[0].status == "correct"
    zero = check(OR, {"db1": [0, "0.0014"]}, tmp_path)
    assert zero.results[0].status == "wrong"
    assert check(OR, {"db1": ["0.0008", "0.0014"]}, tmp_path, sigfigs=2).results[0].status == "wrong"
    assert check(OR, {"db1": ["0.00073", "0.0014"]}, tmp_path, sigfigs=2).results[0].status == "correct"


def test_tolerance_from_the_answers_file_and_flags(tmp_path):
    a = {"A2": text(V["A2"] * 1.03), "tolerance": {"rtol": "0.05"}}
    assert check(OR, a, tmp_path).results[0].status == "correct"
    assert check(OR, a, tmp_path, rtol="0.01").results[0].status == "wrong"
    assert check(OR, {"J": "0.089"}, tmp_path, atol="0.002").results[0].status == "correct"
    assert check(OR, {"J": "0.089"}, tmp_path).results[0].status == "wrong"


def test_fractions_and_own_decimals(tmp_path):
    g = check(OR, {"Z1": [["3/10", "7/10", "1/2", "9/10"], ["0.50", "1", "4/5", "1.30"]]}, tmp_path)
    assert g.results[0].status == "correct"
    g = check(OR, {"A1": text(V["A1"], 2)}, tmp_path, sigfigs=4)
    assert g.results[0].diagnosis.startswith("rounded too early: matches at 2 significant figures")


# -- each diagnosable slip -----------------------------------------------------------------------
def one(tmp_path, name, value, problem=OR, **extra):
    g = check(problem, answers_with(**{name: value}, **extra), tmp_path)
    r = by_name(g)[name]
    assert r.status == "wrong" and r.first, (r.status, r.diagnosis)
    return r.diagnosis


@pytest.mark.parametrize("name, value, expected", [
    ("dW1", text(V["dW1"].T), "transposed"),
    ("dW2", text(V["dW2"].T), "transposed"),                       # written as a column
    ("dZ1", text(-V["dZ1"]), "sign flipped (the whole matrix)"),
    ("dZ1", text(V["dZ1"] * [[1], [-1]]), "sign flipped in row 2"),
    ("dA1", text(V["dA1"] * [1, 1, -1, 1]), "sign flipped in column 3"),
    ("dW1", text(2 * V["dW1"]), "off by a constant factor 2 (twice the true value)"),
    ("db1", text(V["db1"] / 2), "off by a constant factor ½ (half the true value)"),
    ("dA2", text(4 * V["dA2"]), "off by a constant factor m = 4 (the number of samples)"),
    ("dW2", text(V["dW2"] / 4), "off by a constant factor 1/m = 1/4 (one over the number of samples)"),
    ("dZ2", text(V["dA2"]), "the activation derivative g' was left out"),
    ("dZ1", text(V["dA1"] * sigmoid(V["Z1"])), "g used in place of its derivative g'"),
    ("A1", text(V["Z1"]), "the activation was not applied: this is Z1, the pre-activation"),
    ("dW2", text(V["dZ2"] @ V["Z1"].T), "the pre-activation Z1 used where A1 belongs"),
    ("dZ1", text(V["dZ1"] + [[0, 0, 0, 0], [0, 0, 0.01, 0]]), "only entry (2, 3) is off"),
    ("dA1", text(V["dA1"], 3), "rounded too early: matches at 3 decimals, not at the precision asked"),
    ("dW1", text(V["W1"]), "equals W1: a matrix copied from the wrong place?"),
])
def test_diagnosis(tmp_path, name, value, expected):
    assert one(tmp_path, name, value) == expected


def test_diagnosis_composes_with_early_rounding(tmp_path):
    assert one(tmp_path, "dA1", text(-V["dA1"], 3)) == \
        "sign flipped (the whole matrix); rounded too early (matches at 3 decimals)"


@pytest.mark.parametrize("name", ["db1", "dZ1", "dW1"])
def test_small_values_rounded_too_early(tmp_path, name):
    """db1 = [0.00073, 0.00139], dZ1 and dW1 below 0.01 too: written to 3 decimals they match at 3
    decimals only.  Before: skipped below 10^(1−k) ('only entries … are off' or nothing)."""
    assert np.abs(V[name]).max() < 0.01
    assert one(tmp_path, name, text(V[name], 3)) == \
        "rounded too early: matches at 3 decimals, not at the precision asked"



def test_whole_numbers_for_values_below_ten_are_not_early_rounding(tmp_path):
    """A1 (0.57 … 0.79) written as all 1s lies within half a unit of every entry, but writing
    whole numbers is no decimal rounding (a 0/1 mask, a guess)."""
    d = one(tmp_path, "A1", [[1] * 4] * 2)
    assert d is None or not d.startswith("rounded too early")

def test_activation_derivative_left_out_after_a_carried_slip(tmp_path):
    """Z1 ×1.1 (wrong), A1 and dA1 carried from it, then dZ1 := the student's own dA1 (σ′ left
    out).  Their Δ1 would be within the tolerance of the true Δ1, but their dA1 is not the
    true one: compared with their own dA1.  Before: no common slip explained it."""
    from check_reference import OR_GATE, mlp_steps
    S = mlp_steps(**OR_GATE, slip=lambda s, n, v: 1.1 * v if n == "Z1" else v)[0]
    g = check(OR, {"Z1": text(S["Z1"]), "A1": text(S["A1"]), "dA1": text(S["dA1"]), "dZ1": text(S["dA1"])},
              tmp_path)
    r = by_name(g)
    assert r["A1"].status == "carried" and r["dA1"].status == "carried"
    assert r["dZ1"].status == "wrong"
    assert r["dZ1"].diagnosis == ("the activation derivative g' was left out (compared with what your own "
                                  "earlier answers give)")


def test_never_compared_with_what_is_computed_from_it(tmp_path):
    """Seed 004: Z1 ×1.1, then the student's own Z2 ×1.37, all positive, so that their
    A2 = ReLU(Z2) = Z2.  Before: 'equals A2: a matrix copied from the wrong place?'."""
    from check_reference import SEED_004, mlp_steps
    cfg = dict(SEED_004, steps=1)
    S = mlp_steps(**cfg, slip=lambda s, n, v: 1.1 * v if n == "Z1" else (1.37 * v if n == "Z2" else v))[0]
    assert (S["Z2"] > 0).all()
    g = check(DATA / "seed004_problem.yaml", {n: text(S[n]) for n in ("Z1", "A1", "Z2", "A2")}, tmp_path)
    r = by_name(g)
    assert r["Z2"].status == "wrong" and r["A2"].status == "carried"
    assert r["Z2"].diagnosis is None or "A2" not in r["Z2"].diagnosis


def test_updated_weights_in_the_backward_pass(tmp_path):
    """Seed 004's network (rows layout): dA2 = dZ3 W3 = 3.5·[1, 1]; with the updated
    W3 = [0.9125, 0.9125] it would be 3.5·0.9125 = 3.19375."""
    P = DATA / "seed004_problem.yaml"
    g = check(P, {"dA2": [["3.19375", "3.19375"]]}, tmp_path)
    r = g.results[0]
    assert r.status == "wrong"
    assert r.diagnosis == "the already-updated W3 (W3_next) used in the backward pass"


def test_carried_through_quantities_not_written(tmp_path):
    """dA2 doubled, dZ2 and dA1 not written: dW2 = 2·dZ2 A1ᵀ and dZ1 = 2·Δ1 are carried
    through the unwritten dZ2 (and dA1)."""
    a = {"dA2": text(2 * V["dA2"]), "dW2": text(2 * V["dW2"]), "dZ1": text(2 * V["dZ1"])}
    g = check(OR, a, tmp_path)
    assert [r.status for r in g.results] == ["wrong", "carried", "carried"]
    assert by_name(g)["dZ1"].note == "error carried forward from your dA2"


# -- gaming ----------------------------------------------------------------------------------------
def test_all_zeros_earn_nothing(tmp_path):
    zero = lambda n: text(V[n] * 0)  # noqa: E731
    a = {n: zero(n) for n in ("dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")}
    g = check(OR, a, tmp_path)
    assert all(r.status == "wrong" for r in g.results)
    assert g.summary["score"] == 0


def test_targets_copied_as_prediction_make_everything_trivial(tmp_path):
    """Seed 004's network: ŷ := y = 1 makes ∂J/∂ŷ zero, and with it ∂J/∂W3, so that
    W3_next = W3 'follows': no carried credit for any of it (true: ŷ = 4.5, W3_next = 0.9125)."""
    a = {"Z3": 1, "dA3": 0, "dW3": [[0, 0]], "W3_next": [[1, 1]]}
    g = check(DATA / "seed004_problem.yaml", a, tmp_path)
    r = by_name(g)
    assert r["Z3"].diagnosis == "equals Y: a matrix copied from the wrong place?"
    assert all(x.status == "wrong" for x in g.results)
    assert "trivial" in r["W3_next"].diagnosis and "trivial" in r["dW3"].diagnosis


def test_carried_claim_resting_on_answers_not_given(tmp_path):
    """dW2 computed from a doubled dZ2 that is not written down: no carried credit."""
    g = check(OR, {"dW2": text(2 * V["dW2"])}, tmp_path)
    assert g.results[0].status == "wrong"
    assert g.results[0].diagnosis == "off by a constant factor 2 (twice the true value)"


def test_copied_matrix_in_the_wrong_place(tmp_path):
    g = check(OR, {"Z1": text(V["Z1"]), "A1": text(V["Z1"])}, tmp_path)
    assert [r.status for r in g.results] == ["correct", "wrong"]
    g = check(OR, {"dW2": text(V["W2"])}, tmp_path)
    assert g.results[0].diagnosis == "equals W2: a matrix copied from the wrong place?"


# -- random problems: every layout, bias mode, loss and activation -----------------------------------
def test_random_problems_true_answers_correct_and_doubled_gradient_diagnosed(tmp_path, rng):
    """Property: the trace's own values, written to 12 significant figures, are all correct;
    doubling one gradient makes it wrong (the first error) with the diagnosis 'factor 2' (or
    m = 2), and the update written with its true value stays correct."""
    from conftest import random_problem
    from tracer import parse_problem, trace
    for i in range(25):
        d = random_problem(rng, steps=rng.choice([1, 2]))
        prob = tmp_path / f"p{i}.yaml"
        prob.write_text(yaml.safe_dump(d))
        t = trace(parse_problem(yaml.safe_load(prob.read_text())))
        step = t.steps[-1]
        names = [q.name for q in step.shown()]
        floats = lambda n: t.floats(step.quantities[n].value)  # noqa: E731
        fmt = lambda v: [fmt(x) for x in v] if isinstance(v, list) else f"{v:.12g}"  # noqa: E731
        answers = {n: fmt(floats(n)) for n in names}
        steps = [{} for _ in t.steps[:-1]] + [answers]
        g = check(prob, {"steps": steps}, tmp_path)
        assert g.exit_code == 0, (i, [(r.name, r.diagnosis) for r in g.results if r.status != "correct"])
        grads = [n for n in names if n.startswith("dW") and any(abs(x) > 1e-3 for x in np.ravel(floats(n)))]
        if not grads:
            continue
        n = rng.choice(grads)
        answers[n] = fmt((2 * np.array(floats(n), dtype=float)).tolist())
        g = check(prob, {"steps": steps}, tmp_path)
        r = {x.name: x for x in g.results}
        assert r[n].status == "wrong" and r[n].first, i
        assert r[n].diagnosis.startswith("off by a constant factor 2"), (i, r[n].diagnosis)
        assert r[n.replace("d", "", 1) + "_next"].status in ("carried", "correct"), i


def test_updated_parameters_are_judged_on_the_update(tmp_path):
    """OR gate, lr 0.5: ∂J/∂W2 ≈ [−0.000175, −0.000577] (seed 002's correct digits), so
    W2_new ≈ [0.400088, 0.600288].  Leaving the weights unchanged is within 1 % of the weight
    but 100 % off the update: wrong.  The right update to 2 significant figures passes."""
    import json
    from click.testing import CliRunner
    from tracer.cli import main
    prob = Path(__file__).resolve().parent.parent / "worked_examples" / "or_gate" / "problem.yaml"
    for given, status in (("[[0.4, 0.6]]", "wrong"), ("[[0.400088, 0.60029]]", "correct")):
        ans = tmp_path / "a.yaml"
        ans.write_text(f"W2_next: {given}\n")
        r = CliRunner().invoke(main, ["check", str(prob), str(ans), "--format", "json"])
        assert json.loads(r.output)["results"][0]["status"] == status, r.output


@pytest.mark.parametrize("name, value, expected", [
    # OR gate, lr 0.5: the updates are tiny next to the weights, so a slip in the update
    # leaves θ_new within 1 % of θ; the diagnosis looks at θ_new − θ
    ("W1_next", text(V["W1"]), "equals W1: the update was not applied"),
    ("W2_next", text(V["W2"] + 0.5 * V["dW2"]), "the update went the wrong way (θ + step instead of θ − step)"),
    ("W1_next", text(V["W1"] - 0.25 * V["dW1"]),
     "the update θ_new − θ is off by a constant factor ½ (half the true value)"),
    ("b1_next", text(np.array([0.3, 0.5]) - 2 * V["db1"]),
     "the update θ_new − θ is off by a constant factor m = 4 (the number of samples)"),
    ("W1_next", text(V["W1_next"] + [[0, 0], [0, 0.000777]]), "only entry (2, 2) is off"),
])
def test_update_diagnosis(tmp_path, name, value, expected):
    assert one(tmp_path, name, value) == expected


# -- structure -------------------------------------------------------------------------------------
def test_checker_modules_import_each_other_without_a_cycle():
    """grade → diagnose → values, never back: each module's relative imports, as a graph."""
    import ast
    pkg = Path(__file__).resolve().parent.parent / "tracer" / "check"
    graph = {}
    for f in pkg.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= {node.module} if node.module else {a.name for a in node.names}
        graph[f.stem] = deps & {p.stem for p in pkg.glob("*.py")}
    done, active = set(), []

    def visit(m):
        assert m not in active, " → ".join(active + [m])
        if m not in done:
            active.append(m)
            for d in graph[m]:
                visit(d)
            active.pop()
            done.add(m)
    for m in graph:
        visit(m)


def test_check_data_grades_the_files_contents():
    """The public API without files (a web form's answers): numbers as text keep their digits."""
    from tracer.check import check_data, render
    problem = yaml.safe_load(OR.read_text())
    g = check_data(problem, {"Z1": [["0.3", "0.7", "0.5", "0.9"], ["0.5", "1.0", "0.8", "1.3"]],
                             "dA2": text(4 * V["dA2"], 4)})
    assert [r.status for r in g.results] == ["correct", "wrong"]
    assert g.results[1].diagnosis == "off by a constant factor m = 4 (the number of samples)"
    import json
    assert json.loads(render(g, "json"))["summary"]["first_error"] == {"step": 0, "name": "dA2"}
    with pytest.raises(Exception, match="Z9: no quantity"):
        check_data(problem, {"Z9": 1})


def test_python_values_nan_inf_and_numpy_scalars():
    """tracer.check(...) from Python: numpy scalars and arrays are numbers (float64 and float32
    alike); NaN and infinities are refused by quantity, every one of them in one message, as in
    an answers file.  Before: 'answers: nan is not a number …' for the first one only."""
    import tracer
    from tracer.schema import ProblemError
    J = V["J"]       # 0.0901..., the independent computation's
    assert tracer.check(OR, {"J": np.float64(J), "Z1": np.array(V["Z1"])}).ok
    assert tracer.check(OR, {"J": np.float32(J)}).ok
    with pytest.raises(ProblemError) as e:
        tracer.check(OR, {"J": float("nan"), "Z1": np.where(V["Z1"] > 1, np.inf, V["Z1"]),
                          "A1": [[-np.inf] * 4] * 2})
    msg = str(e.value)
    assert "J: 'nan' is not a number" in msg and "A1[0][0]: '-inf'" in msg, msg
    first_big = next(f"Z1[{i}][{j}]" for i, j in np.ndindex(V["Z1"].shape) if V["Z1"][i, j] > 1)
    assert f"{first_big}: 'inf'" in msg, msg


@pytest.mark.parametrize("name, value, expected", [
    ("A0", [[0, 0, 1, 1], [0, 1, 1, 1]], "not the problem's A0: entry (2, 3) miscopied from the problem"),
    ("W1", [[0.2, 0.4], [0.3, 0.05]], "not the problem's W1: entry (2, 2) miscopied from the problem"),
    ("W2", [[0.6, 0.4]], "not the problem's W2: miscopied from the problem"),
    ("b2", [0.05], "not the problem's b2: miscopied from the problem"),
])
def test_a_value_the_problem_gives_miscopied(tmp_path, name, value, expected):
    """Seed 002's data and weights (X = [[0,0,1,1],[0,1,0,1]], W1 = [[0.2,0.4],[0.3,0.5]],
    W2 = [0.4, 0.6], b2 = 0.5) written otherwise.  Before: 'only entry … is off', as if computed."""
    r = check(OR, {name: value}, tmp_path).results[0]
    assert (r.status, r.diagnosis) == ("wrong", expected)
