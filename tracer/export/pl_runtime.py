"""What an exported PrairieLearn question's server.py runs, inside PrairieLearn's own Python.

PrairieLearn's image bundles numpy, sympy and jinja2 but not PyYAML, click, tqdm's CLI or
trace-net's other dependencies; this module and everything it imports use only those three
(tests/test_export_prairielearn.py runs it with every other import refused).

`generate(data, template, ask)` draws the variant of `data["variant_seed"]` with the
template's own rules (variant 1 of that seed); `grade(data, ask)` grades the submitted numbers
with trace-net's checker: error carried forward behind its guards, and its diagnosis as the
feedback of every answer that is wrong.
"""
from __future__ import annotations

from fractions import Fraction

from ..schema import Num

CARRIED = ("carried: wrong only because an earlier answer of yours is; right from your own "
           "numbers, so it costs nothing more")


def to_json(tree):
    """A problem or template tree with every number as its own text (JSON keeps no decimals)."""
    if isinstance(tree, dict):
        return {k: to_json(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [to_json(v) for v in tree]
    if isinstance(tree, Num):
        return tree.text
    if isinstance(tree, Fraction):
        return f"{tree.numerator}/{tree.denominator}" if tree.denominator != 1 else tree.numerator
    return tree


def _trace(problem_tree):
    from ..engine import trace
    from ..problem import parse_problem
    return trace(parse_problem(problem_tree))


def _grid_floats(a):
    return [[float(v) for v in row] for row in a.rows]


def generate(data, template_tree, ask):
    from ..check import Rule
    from ..generate.template import Template
    from ..generate.variants import draw_variant
    from .asked import asked
    from .statement import statement_markdown
    template = Template(template_tree, "template")
    v = draw_variant(template, int(data["variant_seed"]) % 2**63, 1)
    # PrairieLearn names the variant itself: the problem keeps the template's own title
    problem = to_json({**v.raw, "title": template.raw.get("title") or "Training step"})
    t = _trace(problem)
    rule = Rule.make(t.problem.decimals)
    data["params"]["problem"] = problem
    data["params"]["statement"] = statement_markdown(t)
    data["params"]["solution"] = t.render("markdown")
    for name in ask:
        a = asked(t, rule, name)
        data["correct_answers"][name] = _grid_floats(a)[0][0] if not a.shape else _grid_floats(a)


def _submitted(data, a) -> list | None:
    """The student's numbers for one asked quantity, as typed (PrairieLearn keeps the text of
    each matrix entry under name1, name2, ... row by row), or None when any is missing."""
    raw = data.get("raw_submitted_answers", {})
    r, c = a.grid
    if not a.shape:
        keys = [[a.name]]
    else:
        keys = [[f"{a.name}{c * i + j + 1}" for j in range(c)] for i in range(r)]
    grid = []
    for row in keys:
        out = []
        for k in row:
            text = raw.get(k)
            if text is None or not str(text).strip():
                return None
            out.append(str(text).strip())
        grid.append(out)
    return a.nested(grid)


def grade(data, ask):
    from ..check import Rule, grade as check, parse_answers
    from ..schema import ProblemError
    from .asked import asked
    t = _trace(data["params"]["problem"])
    rule = Rule.make(t.problem.decimals)
    data.setdefault("partial_scores", {})
    data.setdefault("feedback", {})
    given, scores = {}, {}
    for name in ask:
        nums = _submitted(data, asked(t, rule, name))
        if nums is None:
            scores[name] = (0.0, "not answered")
        else:
            given[name] = nums
    results = {}
    if given:
        try:
            answers = parse_answers(given, "your answers")
            answers.bind(t)
            results = {r.name: r for r in check(t, answers, rule).results}
        except ProblemError as e:        # a number the checker cannot read: say which
            for name in given:
                scores[name] = (0.0, str(e))
    for name in ask:
        r = results.get(name)
        if r is not None:
            if r.status == "correct":
                scores[name] = (1.0, "correct")
            elif r.status == "carried":
                scores[name] = (1.0, CARRIED)
            else:
                why = r.diagnosis or "wrong"
                scores[name] = (0.0, why + (" (your first error)" if r.first else ""))
        score, feedback = scores.get(name, (0.0, "not graded"))
        data["partial_scores"][name] = {"score": score, "weight": 1, "feedback": feedback}
        data["feedback"][name] = feedback
    data["score"] = sum(data["partial_scores"][n]["score"] for n in ask) / len(ask) if ask else 1.0
