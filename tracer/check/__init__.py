"""Checking a hand calculation: a student's answers graded against a trace, error carried forward.

    >>> from tracer.check import check_files
    >>> grading = check_files("problem.yaml", "answers.yaml")
    >>> grading.summary["wrong"]

answers.py reads the answers file, rule.py holds the tolerance, grade.py gives the verdicts
(re-evaluating the trace's own expressions on the student's numbers), diagnose.py explains
wrong answers, report.py writes Markdown, LaTeX or JSON.
"""
from __future__ import annotations

from .answers import parse_answers  # noqa: F401
from .grade import Grading, grade  # noqa: F401
from .rule import Rule  # noqa: F401


def check_files(problem_path, answers_path, rtol=None, atol=None, sigfigs=None) -> "Grading":
    """Trace the problem (as many steps as the answers need) and grade the answers."""
    from ..engine import trace
    from ..problem import load_problem, read_source, load_yaml
    text, source = read_source(answers_path)
    raw = load_yaml(text, source)
    problem = load_problem(problem_path)
    answers = parse_answers(raw, source)
    over = {"steps": max(problem.steps, answers.n_steps)}
    if problem.numbers == "symbolic":
        over["numbers"] = "exact"
    problem = load_problem(problem_path, over)
    t = trace(problem)
    answers.bind(t)
    rule = Rule.make(problem.decimals, answers.tolerance, rtol=rtol, atol=atol, sigfigs=sigfigs)
    if getattr(problem, "kind", None) == "graph":       # the same verdicts, a graph's slips named
        from ..graph.check import grade_graph
        return grade_graph(t, answers, rule)
    return grade(t, answers, rule)


# tracer.check(problem, answers) grades from Python (tracer/grading.py): this package, callable
from ..grading import callable_package  # noqa: E402
callable_package(__name__)
