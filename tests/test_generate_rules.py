"""Each niceness rule on a problem built by hand to break it (and only it), in the layouts and
number modes where a rule is easy to get wrong; each broken rule can be allowed.

Every problem here is a template without random specs, so it is judged once, and the reason
the numbers break the rule is worked out in the comment beside it."""
import pytest

from tracer.generate import Template, TemplateError, generate
from tracer.problem import load_yaml
from tracer.schema import ProblemError


def judged(text):
    """The rule that rejects the problem, or None when it is nice."""
    try:
        generate(Template(load_yaml(text), "t.yaml"), 1, seed=0)
    except TemplateError as e:
        return e.message
    return None


RELU = """\
numbers: {numbers}
layout: {layout}
data: {{x: {x}, y: {y}}}
network:
  - linear: {{W: {W}, b: {b}}}
  - relu
  - linear: {{W: {W2}}}
loss: {{mse: {{scale: 1/2}}}}
optimizer: {{sgd: {{lr: 0.5}}}}
{extra}"""
NICE = dict(numbers="exact", layout="columns", x="[[1, 2, 1], [2, 0, 1]]", y="[[1], [0]]",
            W="[[0.4, -0.2, 0.8], [0.3, 0.5, -0.1]]", b="[0.1, 0.2]", W2="[[0.5, -1]]", extra="")


def relu(**kw):
    return RELU.format(**{**NICE, **kw})


def test_the_reference_problem_is_nice():
    assert judged(relu()) is None
    assert judged(relu(layout="rows")) is None


@pytest.mark.parametrize("layout", ["columns", "rows"])
@pytest.mark.parametrize("numbers", ["exact", "float"])
def test_a_kink_is_judged_on_exact_values(numbers, layout):
    # unit 1, sample 1: 0.4·1 − 0.6·2 + 0.8·1 + 0 is exactly 0; in floats it is 1.1e-16,
    # which passed the rule before it read exact values
    assert 0.4 * 1 - 0.6 * 2 + 0.8 * 1 != 0
    msg = judged(relu(numbers=numbers, layout=layout, W="[[0.4, -0.6, 0.8], [0.3, 0.5, -0.1]]", b="[0, 0.2]"))
    assert msg is not None and "the relu_kink rule rejects it" in msg
    assert "Z1[0][0]: z = 0 exactly" in msg


@pytest.mark.parametrize("layout", ["columns", "rows"])
def test_twin_units_beyond_neighbours(layout):
    # a 3-unit layer whose units 1 and 3 are alike; 1-2 and 2-3 differ
    msg = judged(relu(layout=layout, W="[[0.4, -0.2, 0.8], [0.3, 0.5, -0.1], [0.4, -0.2, 0.8]]",
                      b="[0.1, 0.2, 0.1]", W2="[[0.5, -1, 0.25]]"))
    assert "twin_units" in msg and "W1: units 1 and 3 have the same weights" in msg


@pytest.mark.parametrize("layout", ["columns", "rows"])
def test_a_dead_unit_in_either_layout(layout):
    # unit 2: 0.3·x1 − 0.5·x2 − 0.1·x3 − 1 < 0 on both samples
    msg = judged(relu(layout=layout, W="[[0.4, -0.2, 0.8], [0.3, -0.5, -0.1]]", b="[0.1, -1]"))
    assert "dead_relu" in msg and "relu unit 2 is ≤ 0 on every sample" in msg


def test_duplicate_samples():
    msg = judged(relu(x="[[1, 2, 1], [1, 2, 1]]"))
    assert "duplicate_samples" in msg and "data.x: samples 1 and 2 have the same inputs" in msg
    assert judged(relu(x="[[1, 2, 1], [1, 2, 1]]", extra="generate: {allow: [duplicate_samples]}")) is None


def test_a_zero_column_of_dW():
    # input 2 is 0 on both samples: no weight leaving it gets a gradient
    msg = judged(relu(x="[[1, 0, 1], [2, 0, 1]]"))
    assert "zero_column" in msg and "dW1: column 2 is 0" in msg


def test_a_zero_column_in_rows_layout_is_the_same_input():
    # rows layout writes X with samples as rows; the input is still number 2
    msg = judged(relu(layout="rows", x="[[1, 0, 1], [2, 0, 1]]"))
    assert "dW1: column 2 is 0" in msg


def test_a_gradient_entry_below_the_shown_precision():
    # hidden unit 2 is 0.00001·x: a12 = 1e-5, 2e-5; Δ2 = (ŷ − y)/2 = 0.500005, 0.50001, so
    # ∂J/∂w2_12 = Σ Δ2·a12 ≈ 2.5e-5, which 4 decimals show as 0.0000 (float numbers: the exact
    # mode's denominator rule would object to 1/100000 first)
    text = relu(numbers="float", x="[[1], [2]]", W="[[1], [0.00001]]", b="[0, 0]", W2="[[1, 1]]", y="[[0], [1]]")
    msg = judged(text)
    assert msg is not None and "tiny_gradient" in msg and "shows as 0 to 4 decimals" in msg
    assert judged(text + "decimals: 6\n") is None
    assert judged(text + "generate: {allow: [tiny_gradient]}\n") is None


SOFTMAX = """\
data: {{x: [[1, 0], [0, 1], [1, 1]], y: {y}}}
network: [{{linear: {{W: [[0.5, -0.5], [0.2, 0.3], [-0.4, 0.1]], b: [0.1, 0, -0.1]}}}}, softmax]
loss: cross_entropy
optimizer: {{sgd: {{lr: 0.5}}}}
"""


def test_every_sample_in_one_class():
    assert judged(SOFTMAX.format(y="[0, 1, 2]")) is None
    for y in ("[1, 1, 1]", "[[0, 1, 0], [0, 1, 0], [0, 1, 0]]"):
        msg = judged(SOFTMAX.format(y=y))
        assert "one_class" in msg and "data.y: every sample is in class 1" in msg


def test_bce_one_output_with_one_target():
    text = SOFTMAX.format(y="[[1], [1], [1]]").replace("cross_entropy", "bce").replace(
        "[[0.5, -0.5], [0.2, 0.3], [-0.4, 0.1]], b: [0.1, 0, -0.1]", "[[0.5, -0.5]], b: [0.1]").replace("softmax", "sigmoid")
    msg = judged(text)
    assert "one_class" in msg and "output 1 has the target 1 on every sample" in msg


def test_allow_names_only_rules():
    with pytest.raises(ProblemError) as e:
        Template(load_yaml(relu(extra="generate: {allow: [one_klass]}")), "t.yaml")
    assert e.value.place == "generate.allow[0]" and "did you mean 'one_class'" in e.value.message


def test_one_sample_with_relu_alive_unit_keeps_every_relu_active():
    # with one sample, "each unit > 0 on some sample" means every unit > 0 on it: ReLU' = 1 throughout
    text = relu(x="[[1, 2, 1]]", y="[[1]]")
    assert judged(text) is None
    dead = relu(x="[[1, 2, 1]]", y="[[1]]", W="[[0.4, -0.2, 0.8], [0.3, -0.5, -0.1]]")
    assert "dead_relu" in judged(dead)
    assert judged(dead + "generate: {relu_alive: layer}\n") is None


def test_twin_units_with_weights_stored_in_out():
    """weights: in_out: a unit's weights are a column of W; units 1 and 3 alike, as above,
    and a W whose rows 1 and 3 are alike (columns differ) is nice."""
    twin = relu(extra="weights: in_out", W="[[0.4, 0.3, 0.4], [-0.2, 0.5, -0.2], [0.8, -0.1, 0.8]]",
                b="[0.1, 0.2, 0.1]", W2="[[0.5], [-1], [0.25]]")
    msg = judged(twin)
    assert msg is not None and "twin_units" in msg and "W1: units 1 and 3 have the same weights" in msg
    rows_alike = relu(extra="weights: in_out", W="[[0.4, 0.3, -0.6], [-0.2, 0.5, 0.7], [0.4, 0.3, -0.6]]",
                      b="[0.1, 0.2, 0.3]", W2="[[0.5], [-1], [0.25]]")
    assert judged(rows_alike) is None or "twin_units" not in judged(rows_alike)
