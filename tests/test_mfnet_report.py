"""The mfnet report's worked example (seeds 000 and 001), exact mode, every matrix.

The report prints X = [[1, 1, 2, 2], [2, 2, 2, 3]] and a last row [1, 0, 0] of W^[1]; both
are typos.  Its own Z^[1] = W^[1] A^[0] fixes them: row 2 of Z^[1] is [2, 3, 2, 3] = x_2 (so
x_2 = [2, 3, 2, 3], which the printed X contradicts: samples 1 and 2 would be equal), and
row 4 is [2, 2, 3, 3] = 1 + x_1, so W^[1]'s last row is [1, 1, 0].  The report's gradients
confirm both: ∂J/∂W^[1] row 3 needs −x_2,1 + x_2,2 − x_2,3 + x_2,4 = 2, and
∂J/∂A^[0] = W^[1]ᵀ Δ^[1] has second row [1, −1, 1, −1] only with W^[1]_{4,2} = 1.
Consequence: the report's updated W^[1] last row [1, 0, 6] is really [1, 1, 6].

In the problem file W and b are given separately; W̃ = [[1, 0…0], [b, W]] is built from them.
"""
from fractions import Fraction as F

from conftest import ex, run

PROBLEM = {
    "layout": "columns", "bias": "augmented",
    "data": {"x": [[1, 2], [1, 3], [2, 2], [2, 3]], "y": [[1], [1], [2], [2]]},
    "network": [
        {"linear": {"W": [[0, 1], [1, 1], [1, 0]], "b": [0, 0, 1]}}, "identity",
        {"linear": {"W": [[1, 0, 1], [1, 2, -2]], "b": [1, -1]}}, "identity",
        {"linear": {"W": [[1, -1]], "b": [0]}}, "identity",
    ],
    "loss": {"mse": {"scale": "1/2"}},       # seed 000: J = 1/(2m) Σ ||ŷ − y||²
    "optimizer": {"sgd": {"lr": 4}},
}


def q(rows, d=1):
    return [[F(v, d) for v in r] for r in rows]


def test_forward_matches_report():
    t = run(PROBLEM)
    assert ex(t, "A0") == q([[1, 1, 1, 1], [1, 1, 2, 2], [2, 3, 2, 3]])
    assert ex(t, "Y") == q([[1, 1, 1, 1], [1, 1, 2, 2]])
    assert ex(t, "W1") == q([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 0]])
    assert ex(t, "Z1") == q([[1, 1, 1, 1], [2, 3, 2, 3], [3, 4, 4, 5], [2, 2, 3, 3]])
    assert ex(t, "A1") == ex(t, "Z1")
    assert ex(t, "Z2") == q([[1, 1, 1, 1], [5, 6, 6, 7], [3, 6, 3, 6]])
    assert ex(t, "Z3") == q([[1, 1, 1, 1], [2, 0, 3, 1]])
    assert ex(t, "A3") == q([[1, 1, 1, 1], [2, 0, 3, 1]])
    assert ex(t, "J") == F(1, 2)


def test_backward_matches_report():
    t = run(PROBLEM)
    assert ex(t, "dA3") == q([[0, 0, 0, 0], [1, -1, 1, -1]], 4)
    assert ex(t, "dZ3") == q([[0, 0, 0, 0], [1, -1, 1, -1]], 4)
    assert ex(t, "dW3") == q([[0, 0, 0], [0, -2, -6]], 4)
    assert ex(t, "dA2") == q([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]], 4)
    assert ex(t, "dZ2") == q([[0, 0, 0, 0], [1, -1, 1, -1], [-1, 1, -1, 1]], 4)
    assert ex(t, "dW2") == q([[0, 0, 0, 0], [0, -2, -2, 0], [0, 2, 2, 0]], 4)
    assert ex(t, "dA1") == q([[2, -2, 2, -2], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]], 4)
    assert ex(t, "dZ1") == q([[0, 0, 0, 0], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]], 4)
    assert ex(t, "dW1") == q([[0, 0, 0], [0, 0, 0], [0, 0, 4], [0, 0, -6]], 4)
    assert "dA0" not in t.steps[0]          # the report computes it, marked (unused)
    assert "b1" not in t.steps[0]           # augmented: no separate bias


def test_update_matches_report():
    t = run(PROBLEM)
    assert ex(t, "W3_next") == q([[1, 0, 0], [0, 3, 5]])
    assert ex(t, "W2_next") == q([[1, 0, 0, 0], [1, 3, 2, 1], [-1, -1, 0, -2]])
    # the report prints [1, 0, 6] for the last row, carrying its W^[1] typo
    assert ex(t, "W1_next") == q([[1, 0, 0], [0, 0, 1], [0, 1, -3], [1, 1, 6]])


def test_seed_001_convention_doubles_every_gradient():
    """Seed 001 changes J to (1/m) Σ ||ŷ − y||²: J = 1 and ∂J/∂Ŷ = (2/m)(Ŷ − Ỹ) = ½[…].
    The seed still prints ¼[…] (its slip): every gradient here is twice seed 000's."""
    t0 = run(PROBLEM)
    t1 = run({**PROBLEM, "loss": "mse"})
    assert ex(t1, "J") == 1
    assert ex(t1, "dA3") == q([[0, 0, 0, 0], [1, -1, 1, -1]], 2)
    for name in ("dZ3", "dW3", "dW2", "dW1", "dA1"):
        assert ex(t1, name) == [[2 * v for v in row] for row in ex(t0, name)]
    # the constant-1 row of W̃ never changes
    for l in (1, 2, 3):
        assert ex(t1, f"W{l}_next")[0] == ex(t1, f"W{l}")[0]


def test_rows_layout_is_the_transpose():
    t = run(PROBLEM)
    r = run({**PROBLEM, "layout": "rows"})
    for name in ("A0", "Z1", "Z2", "A3", "dA3", "dZ2", "dA1", "dZ1"):
        assert ex(r, name) == [list(c) for c in zip(*ex(t, name))]
    for name in ("W1", "dW1", "dW2", "W1_next"):   # parameters keep their (out, in) shape
        assert ex(r, name) == ex(t, name)
    assert ex(r, "J") == F(1, 2)


def test_separate_bias_gives_the_same_numbers():
    t = run(PROBLEM)
    s = run({**PROBLEM, "bias": "separate"})
    assert ex(s, "Z1") == ex(t, "Z1")[1:]
    assert ex(s, "dW1") == [row[1:] for row in ex(t, "dW1")[1:]]
    assert ex(s, "db1") == [row[0] for row in ex(t, "dW1")[1:]]
    assert ex(s, "J") == F(1, 2)
