"""Grading requests: a JSON body in the answers file's format, graded by the checker.

    {"answers": {"Z1": [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]], "J": "0.0903"}}
    {"steps": [{"Z1": ...}, {"Z1": ...}], "tolerance": {"sigfigs": 3}}

The reply is the JSON of `trace-net check --format json`.  Numbers keep the text they were
sent with (0.50 carries two decimals), as they do in a YAML answers file.  Nothing is kept
between requests: every request carries all the answers.
"""
from __future__ import annotations

import json

from ..check import Rule, grade, parse_answers
from ..check.report import render
from ..schema import ProblemError


def read_body(data: bytes):
    """(the answers file's content, the place it sits at in the body) from a request body;
    ProblemError naming the place."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProblemError("body", f"not UTF-8 text (byte {e.start})") from None
    try:
        # decimals as their text, like the YAML loader keeps them; no NaN or Infinity
        body = json.loads(text, parse_float=str, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ProblemError(f"body, line {e.lineno}, column {e.colno}", f"invalid JSON: {e.msg}") from None
    except RecursionError:
        raise ProblemError("body", "nested too deeply") from None
    except ValueError as e:          # NaN, Infinity, integers over 4,300 digits
        msg = str(e) if "trace-net" in str(e) else "an integer of more than 4,300 digits"
        raise ProblemError("body", msg) from None
    if not isinstance(body, dict):
        raise ProblemError("body", 'a JSON object: {"answers": {...}} or {"steps": [{...}, ...]}')
    if "answers" in body:
        extra = sorted(set(body) - {"answers"})
        if extra:
            raise ProblemError(f"body.{extra[0]}", 'unknown key: with "answers" the body has no other key')
        if not isinstance(body["answers"], dict):
            raise ProblemError("answers", "a mapping of quantity names (Z1, dW2, ...) to values")
        return body["answers"], "answers"
    if "steps" in body:
        return body, ""
    raise ProblemError("body", 'send {"answers": {...}} or {"steps": [{...}, ...]}, the answers file as JSON')


def body_of(raw) -> dict:
    """An answers file's content (as the YAML loader reads it) as the JSON body a grading
    request carries, every number as its own text: read_body's inverse."""
    def conv(v):
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return getattr(v, "text", v)
    out = conv(raw)
    return out if isinstance(out, dict) and "steps" in out else {"answers": out}


def _no_constant(name):
    raise ValueError(f"{name} is not a number trace-net accepts (no infinities or NaN)")


def bound_answers(entry, raw, source="answers"):
    """Parsed answers, matched to the entry's trace (names and shapes checked)."""
    answers = parse_answers(raw, source)
    steps = entry.problem.steps
    if answers.n_steps > steps:
        raise ProblemError("steps", f"answers for {answers.n_steps} steps, but this problem has "
                           f"{steps} step{'s' if steps > 1 else ''}")
    t = entry.trace()
    answers.bind(t)
    return t, answers


def check_json(entry, raw, at="") -> str:
    """The checker's JSON report of `raw` (the answers file's content) on the entry; errors
    name their place within the body (`at`: where the answers sit in it)."""
    try:
        t, answers = bound_answers(entry, raw, at or "answers")
        rule = Rule.make(entry.problem.decimals, answers.tolerance)
    except ProblemError as e:
        if not at or e.place in ("", at):
            raise
        raise ProblemError(f"{at}.{e.place}", e.message) from None
    return render(grade(t, answers, rule), "json")


def answers_file(entry, data: bytes, filename="answers.yaml") -> dict:
    """An uploaded answers file (YAML, read by the one YAML loader) as the page fills its
    inputs: {"steps": [{name: nested lists of the numbers' texts}], "tolerance": {...}}."""
    from ..problem import load_yaml
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(filename, "is not UTF-8 text") from None
    t, answers = bound_answers(entry, load_yaml(text, filename), filename)
    steps = [{} for _ in range(answers.n_steps)]
    notes = []
    for (s, name), a in answers.items.items():
        nums = a.nums.T if a.transposed else a.nums
        if a.transposed:
            notes.append(f"{name} was written transposed; it is laid out here as {name} is")
        steps[s][name] = _texts(nums)
    tol = {k: getattr(v, "text", v) for k, v in answers.tolerance.items()}
    return {"steps": steps, "tolerance": tol, "notes": notes}


def _texts(nums):
    if getattr(nums, "ndim", 0) == 0:
        v = nums[()] if hasattr(nums, "ndim") else nums
        return getattr(v, "text", str(v))
    return [_texts(x) for x in nums]
