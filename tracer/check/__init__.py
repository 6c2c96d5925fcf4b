"""Checking a hand calculation: a student's answers graded against a trace, error carried forward.

    >>> from tracer.check import check_files, check_data, render
    >>> grading = check_files("problem.yaml", "answers.yaml")
    >>> grading.summary["wrong"]
    >>> render(grading, "json")                  # markdown, latex, json (str) or pdf (bytes)

check_data(problem_mapping, answers_mapping) grades the files' contents (a web form's),
check_parsed(load, answers) parsed Answers against a problem loader (tracer.check(...));
Grading.results holds one Result per answer (status, diagnosis, note, reference).

answers.py reads the answers file, rule.py holds the tolerance, grade.py gives the verdicts
(re-evaluating the trace's own expressions on the student's numbers), diagnose.py explains
wrong answers, report.py writes Markdown, LaTeX, JSON or PDF.  student.py is the student's
world (their values, recomputed), guards.py the guards on carried credit, values.py exact
comparisons.
"""
from __future__ import annotations

from ..schema import ProblemError
from .answers import parse_answers  # noqa: F401
from .grade import Grading, grade  # noqa: F401
from .report import render  # noqa: F401
from .rule import Rule  # noqa: F401


def check_files(problem_path, answers_path, rtol=None, atol=None, sigfigs=None) -> "Grading":
    """Trace the problem (as many steps as the answers need) and grade the answers."""
    from ..problem import load_yaml, parse_problem, read_source
    from .answers import in_file
    text, source = read_source(answers_path)
    raw = load_yaml(text, source, keep_bad_numbers=True)
    ptext, psource = read_source(problem_path)
    problem = load_yaml(ptext, psource)

    def load(over):
        try:
            return parse_problem(problem, over)
        except ProblemError as e:        # two files: each message names its own
            raise in_file(psource, e) from None
    return check_parsed(load, parse_answers(raw, source, in_file_named=True),
                        rtol=rtol, atol=atol, sigfigs=sigfigs)


def check_data(problem, answers, source="answers", rtol=None, atol=None, sigfigs=None) -> "Grading":
    """The same on the files' contents: `problem` a problem file's mapping, `answers` an
    answers file's (numbers as Num, int or their text, "0.50"), as from load_yaml or a form."""
    from ..problem import parse_problem
    return check_parsed(lambda over: parse_problem(problem, over), parse_answers(answers, source),
                        rtol=rtol, atol=atol, sigfigs=sigfigs)


def check_parsed(load, answers, rtol=None, atol=None, sigfigs=None) -> "Grading":
    """Grade parsed Answers against the problem `load(overrides)` gives (overrides None: as
    written; else more steps, or exact numbers for a symbolic problem)."""
    from ..engine import trace
    first = load(None)
    over = {"steps": max(first.steps, answers.n_steps)}
    if first.numbers == "symbolic":
        over["numbers"] = "exact"
    t = trace(load(over) if over != {"steps": first.steps} else first)
    answers.bind(t)
    try:
        rule = Rule.make(first.decimals, answers.tolerance, rtol=rtol, atol=atol, sigfigs=sigfigs)
    except ProblemError as e:           # a tolerance from the answers file names the file
        raise e if e.place.startswith("--") else answers.named(e) from None
    if getattr(first, "kind", None) == "graph":       # the same verdicts, a graph's slips named
        from ..graph.check import grade_graph
        return grade_graph(t, answers, rule)
    return grade(t, answers, rule)

# tracer.check(problem, answers) grades from Python (tracer/grading.py): this package, callable
from ..grading import callable_package  # noqa: E402
callable_package(__name__)
