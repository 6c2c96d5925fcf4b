"""tracer.numtext, the one place numbers become text: rounding half away from zero on the
decimal value, as students and --round do, in every number mode."""
from decimal import Decimal
from fractions import Fraction as F

import pytest

from tracer import numtext
from tracer.problem import parse_problem
from tracer.engine import trace as run


@pytest.mark.parametrize("x", [F(-68765, 100000), -0.68765, Decimal("-0.68765")])
def test_display_rounds_half_away_from_zero(x):
    # the float nearest −0.68765 is −0.687649999…: the rule reads its decimal, as --round does
    assert numtext.rounded(x, 4) == "-0.6877"
    assert numtext.rounded(-x, 4) == "0.6877"


def test_small_values_keep_three_significant_digits():
    assert numtext.rounded(F(175, 10 ** 6), 4) == "0.000175"
    assert numtext.rounded(F(-1, 3 * 10 ** 8), 4) == r"-3.33 \cdot 10^{-9}"
    assert numtext.rounded(F(9995, 10 ** 10), 4) == r"1.00 \cdot 10^{-6}"    # 9.995 rounds up a power
    assert numtext.rounded(F(-1, 10 ** 9), 2) == r"-1.00 \cdot 10^{-9}"
    assert numtext.rounded(F(-1, 10 ** 5), 2) == "-0.0000100"
    assert numtext.rounded(-0.00004, 4) == "-0.0000400"


def test_no_negative_zero():
    assert numtext.rounded(-0.0, 4) == "0.0000"
    assert numtext.rounded(F(-1, 10 ** 9), 0) != "-0"


def test_plain_text_of_rationals():
    assert [numtext.plain(q) for q in (F(1, 4), F(-1, 3), F(7), F(3, 10 ** 8))] == \
        ["0.25", "-1/3", "7", "0.00000003"]
    assert numtext.shortest(2.0) == "2" and numtext.shortest(0.1) == "0.1"


def test_latex_constants():
    assert [numtext.latex_exact(q) for q in (F(1, 8), F(1, 10), F(-2, 3), F(1, 10 ** 8))] == \
        ["\\frac{1}{8}", "0.1", "-\\frac{2}{3}", "10^{-8}"]


def _one_entry(numbers):
    # Z = −1.3753 · 0.5 = −0.68765 exactly (a tie at the 4th decimal)
    return run(parse_problem({
        "numbers": numbers, "decimals": 4,
        "data": {"x": [[0.5]], "y": [[0]]},
        "network": [{"linear": {"W": [[-1.3753]], "b": [0]}}],
        "loss": {"mse": {}}, "optimizer": {"sgd": {"lr": 0.1}}}))


@pytest.mark.parametrize("numbers", ["exact", "float"])
def test_worksheet_shows_the_tie_rounded_away_from_zero(numbers):
    md = _one_entry(numbers).render("markdown")
    assert "-0.6877" in md and "-0.6876" not in md


def test_shown_is_rounded_with_the_value_its_digits_are_worth():
    """numtext.shown: the text `rounded` writes, and the exact value of those digits (what a
    line is checked by), for plain, small and scientific values, halves away from zero."""
    from decimal import Decimal
    from fractions import Fraction
    from tracer.numtext import rounded, shown
    for x, digits in ((Fraction(-68765, 100000), "-0.6877"), (0.000175123, "0.000175"),
                      (-1.234e-8, r"-1.23 \cdot 10^{-8}"), (Fraction(1, 3), "0.3333"), (2.5, "2.5000")):
        text, hand, value, places = shown(x, 4)
        assert text == rounded(x, 4) == digits
        mantissa, _, e = digits.partition(r" \cdot 10^{")
        assert value == Fraction(Decimal(mantissa)) * Fraction(10) ** int(e.rstrip("}") or 0)
        assert places == len(mantissa.partition(".")[2]) - int(e.rstrip("}") or 0)
