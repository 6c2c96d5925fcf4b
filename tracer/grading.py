"""`tracer.check(...)`: a hand calculation graded from Python, what `trace-net check` does.

The checker itself (tracer/check/) reads files; this takes a problem file or a problem
(a Problem, or the mapping a problem file holds) and answers as a file or a mapping, and
returns a `CheckResult` that prints, renders and displays itself in a notebook.

`tracer.check` is also the checker's package (tracer/check/), which Python's import system
sets as the attribute whenever it is imported; so the package itself is made callable
(`callable_package`), and `tracer.check(...)` and `from tracer.check import check_files`
both work, in any order.

    >>> result = tracer.check("worked_examples/or_gate/problem.yaml",
    ...                       {"Z1": [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]})
    >>> result.summary["correct"], result.ok
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


class CheckResult:
    """The verdicts on a set of answers: `verdicts` (one dict per answer: step, name,
    status correct|carried|wrong, diagnosis), `summary`, `ok`, `exit_code`, `render(fmt)`
    (the report as `trace-net check` writes it), and `grading` (the checker's own object)."""

    def __init__(self, grading):
        self.grading = grading

    @property
    def summary(self) -> dict:
        return self.grading.summary

    @property
    def exit_code(self) -> int:
        return self.grading.exit_code

    @property
    def ok(self) -> bool:
        """Every given answer correct."""
        return self.exit_code == 0

    @property
    def verdicts(self) -> list[dict]:
        return [{"step": r.step, "name": r.name, "status": r.status, "diagnosis": r.diagnosis}
                for r in self.grading.results]

    def render(self, fmt: str = "markdown") -> str:
        """The report: "markdown", "latex" or "json" (trace-net check --format)."""
        from .check.report import render
        fmt = {"md": "markdown", "tex": "latex"}.get(fmt, fmt)
        if fmt not in ("markdown", "latex", "json"):
            raise ValueError(f"render({fmt!r}): give one of markdown, latex, json")
        return render(self.grading, fmt)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def __repr__(self) -> str:
        s = self.summary
        first = s.get("first_error")
        where = f"; first error: step {first['step']}, {first['name']}" if first else ""
        return (f"<CheckResult {s['given']} answer(s): {s['correct']} correct, {s['carried']} carried, "
                f"{s['wrong']} wrong{where}>")


def _problem(problem, overrides=None):
    from .problem import Problem, load_problem, parse_problem
    from .torch_io import problem_to_dict
    if isinstance(problem, (str, os.PathLike)):
        return load_problem(problem, overrides)
    if isinstance(problem, Problem):
        return parse_problem(problem_to_dict(problem), overrides) if overrides else problem
    if isinstance(problem, Mapping):
        return parse_problem(problem, overrides)
    raise TypeError(f"problem: a problem file's path, a Problem or a mapping, not {type(problem).__name__}")


def _answers(answers):
    from .check import parse_answers
    from .problem import load_yaml, read_source
    if isinstance(answers, (str, os.PathLike)):
        text, source = read_source(answers)
        return parse_answers(load_yaml(text, source, keep_bad_numbers=True), source, in_file_named=True)
    if isinstance(answers, Mapping):
        return parse_answers(_as_file_values(answers), "answers")
    raise TypeError(f"answers: an answers file's path or a mapping, not {type(answers).__name__}")


def _as_file_values(value: Any) -> Any:
    """numpy arrays and scalars as the lists and numbers an answers file holds; a float as
    the decimal it prints as (0.3 is 3/10, as in the file), never NaN or infinity."""
    import math
    from decimal import Decimal
    from fractions import Fraction

    from .schema import Num
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, Mapping):
        return {k: _as_file_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_file_values(v) for v in value]
    if isinstance(value, float):
        if not math.isfinite(value):    # refused by the answers' reader, by quantity, with the rest
            return repr(value)
        return Num(Fraction(Decimal(repr(value))), repr(value))
    return value


def check(problem, answers, *, rtol: float | str | None = None, atol: float | str | None = None,
          sigfigs: int | None = None) -> CheckResult:
    """Grade hand-calculated answers against the trace of `problem`, as `trace-net check`.

    problem: a problem file's path, a `Problem` (tracer.load_problem) or the mapping a
    problem file holds.  answers: an answers file's path or a mapping of quantity names to
    values (lists or numpy arrays; `{"steps": [{...}, ...]}` for later steps), the format of
    docs/answers-format.md.  rtol, atol, sigfigs: the tolerance (default: rtol 0.01, atol
    10^-decimals).  Each answer is correct, carried (wrong only because an earlier answer of
    yours was) or wrong, with a diagnosis when a common slip explains it.  Bad input raises
    ProblemError naming the place."""
    from .check import check_parsed
    return CheckResult(check_parsed(lambda over: _problem(problem, over), _answers(answers),
                                    rtol=rtol, atol=atol, sigfigs=sigfigs))


class _CallablePackage(__import__("types").ModuleType):
    def __call__(self, *args, **kwargs):
        return check(*args, **kwargs)

    __call__.__doc__ = check.__doc__


def callable_package(name: str) -> None:
    """Make the package `name` (tracer.check) callable as `check`."""
    import sys
    sys.modules[name].__class__ = _CallablePackage
