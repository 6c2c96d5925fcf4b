"""Exact mode stops, with one line, when fractions outgrow numbers.DIGIT_LIMIT digits."""
from fractions import Fraction

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from conftest import make
from tracer import ProblemError, trace
from tracer.cli import main
from tracer.numbers import DIGIT_LIMIT, ExactField, Real, TooManyDigits

# a ReLU network without saturation: every step multiplies the digits of its fractions
RELU = {
    "data": {"x": [["0.37", "-0.52", "0.91"], ["-0.13", "0.77", "0.29"], ["0.61", "0.05", "-0.88"]],
             "y": [["0.3", "-0.7"], ["0.9", "0.1"], ["-0.2", "0.4"]]},
    "network": [{"linear": {"W": [["0.21", "-0.43", "0.57"], ["0.33", "0.19", "-0.61"], ["-0.47", "0.29", "0.11"]],
                            "b": ["0.13", "0.07", "-0.09"]}}, "relu",
                {"linear": {"W": [["0.41", "-0.27", "0.39"], ["-0.17", "0.53", "0.23"]], "b": ["0.03", "-0.11"]}}],
    "loss": "mse", "optimizer": {"sgd": {"lr": "0.37"}},
}


def digits(t):
    longest = 0
    for st in t.steps:
        for q in st.quantities.values():
            for v in np.ravel(np.asarray(q.value, dtype=object)):
                if isinstance(v, Real) and v.q is not None:
                    longest = max(longest, len(str(v.q.denominator)))
    return longest


def test_field_limit():
    F = ExactField()
    ok = F.array([[Fraction(1, 10 ** (DIGIT_LIMIT - 2))]])
    assert F.finalize(ok) is ok
    with pytest.raises(TooManyDigits):
        F.finalize(F.array([[Fraction(3, 7 ** 1300)]]))


def test_growing_fractions_stop_with_a_message(tmp_path):
    steps, last = 1, None
    while True:
        try:
            last = trace(make(RELU, steps=steps))
        except ProblemError as e:
            # steps are counted from 0, as the worksheets and the JSON count them
            assert e.place == "numbers" and f"step {steps - 1}," in e.message and "--numbers float" in e.message
            break
        steps += 1
        assert steps < 40, "the fractions never grew past the limit"
    assert steps > 2 and digits(last) <= DIGIT_LIMIT        # the step before was traced in full
    p = tmp_path / "relu.yaml"
    p.write_text(yaml.safe_dump({**RELU, "steps": steps}))
    r = CliRunner().invoke(main, [str(p), "--format", "json"])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "limit of" in r.output
    assert "Traceback" not in r.output
    r = CliRunner().invoke(main, [str(p), "--format", "json", "--round", "6"])
    assert r.exit_code == 0, r.output
