"""The printer returns structure, not strings parsed back (issues 14.2, 15.2): chain detail
with any elision, user text with '&' in a symbol, '=' or '≈' decided by what is on the line."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run
from tracer.cli import main
from tracer.render.document import build

ROOT = Path(__file__).resolve().parent.parent
OR = ROOT / "worked_examples" / "or_gate" / "problem.yaml"
MFNET = ROOT / "worked_examples" / "mfnet_report_000" / "problem.yaml"


@pytest.mark.parametrize("problem, ks", [(OR, range(1, 8)), (MFNET, range(1, 11))])
def test_chain_detail_with_every_elision(problem, ks):
    # the chain used to find an entry by comparing generated LaTeX: a KeyError on the
    # "⋮ (the others alike)" line for K = 1–6 (OR) and 1–9 (mfnet)
    for k in ks:
        r = CliRunner().invoke(main, [str(problem), "--detail", "chain", "--max-entries", str(k)])
        assert r.exit_code == 0, (k, r.output, r.exception)
        assert r"\frac{\partial J}{\partial W^{[1]}_{11}}" in r.output or \
            r"\frac{\partial J}{\partial \tilde{W}^{[1]}_{21}}" in r.output


OR_DICT = {"data": {"x": [[0, 0], [0, 1]], "y": [[0], [1]]},
           "network": [{"linear": {"W": [["0.2", "0.4"], ["0.3", "0.5"]], "b": ["0.3", "0.5"]}}, "sigmoid",
                       {"linear": {"W": [["0.4", "0.6"]], "b": ["0.5"]}}, "sigmoid"],
           "loss": {"mse": {"scale": "1/2"}}, "optimizer": {"sgd": {"lr": "0.5"}}}


def test_an_ampersand_in_a_layer_name_stays_in_the_symbol():
    # lines were split at their first '&': R\&D's escaped ampersand cut the symbol in two
    t = run({**OR_DICT, "notation": {"names": ["R&D", "out"]}})
    doc = build(t, fmt="latex", detail="entries")
    rows = [r for st in doc["steps"] for sec in st["sections"] for b in sec.blocks for r in b.rows]
    z1 = [left for left, rel, right, fit in rows if left.startswith("Z^")]
    assert z1[0] == r"Z^{(\text{R\&D})}"
    assert all(rel in ("=", r"\approx", "") for left, rel, right, fit in rows)
    assert not any(right.lstrip().startswith(("=", r"\approx")) for left, rel, right, fit in rows)


def test_the_relation_comes_from_what_the_line_shows():
    # the same quantity printed twice, in any order, gets the same relations: nothing is
    # remembered between calls (the old printer kept a "rounded since mark()" flag)
    t = run(OR_DICT)
    a = build(t, detail="entries")
    b = build(t, detail="entries")
    rows = lambda d: [r for st in d["steps"] for sec in st["sections"] for bl in sec.blocks for r in bl.rows]  # noqa: E731
    assert rows(a) == rows(b)
    z = [r for r in rows(a) if r[0] == "Z^{[1]}"][0]
    assert z[1] == "="
    exact = [r for r in rows(a) if r[0].startswith("Z^{[1]}_{")]
    assert exact and all(rel == "=" and r"\approx" not in right for _, rel, right, _ in exact)   # 0.2·0 + 0.4·1 + 0.3 = 0.7
    sig = [r for r in rows(a) if r[0].startswith("A^{[1]}_{")]
    assert sig and all(r"\approx" in right for _, _, right, _ in sig)                              # σ(0.3) ≈ 0.5744


def test_no_line_reads_x_approx_x():
    # ∂J/∂b over one sample used to read "∂J/∂b₁ = 0.1385 ≈ 0.1385"
    one = {**OR_DICT, "data": {"x": [[0, 1]], "y": [[1]]}}
    doc = build(run(one), detail="entries")
    for st in doc["steps"]:
        for sec in st["sections"]:
            for b in sec.blocks:
                for left, rel, right, fit in b.rows:
                    parts = [p.strip() for p in right.replace(r"\approx", "=").split(" = ")]
                    assert len(parts) < 2 or parts[-1] != parts[-2], (left, right)
