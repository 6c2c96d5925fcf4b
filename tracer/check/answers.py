"""Reading an answers file: a student's numbers by canonical name, checked against the trace.

    dZ2: [[0.140, -0.041, -0.043, -0.038]]     # step 0, in the problem's layout
    db2: [0.0045]                              # bias vectors as flat lists (or n×1, 1×n)
    steps: [{...}, {...}]                      # or one mapping per step
    tolerance: {rtol: 0.01, atol: 0.0001, sigfigs: 3}

Every number keeps its own text (schema.Num), so `0.50` is known to carry two decimals.
Unknown names, wrong shapes, non-numbers and unknown tolerance settings are refused together,
with one message naming every offending place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..recorder import HIDDEN
from ..schema import ProblemError, near_miss, parse_number

TOLERANCE_KEYS = ("rtol", "atol", "sigfigs")


@dataclass
class Answer:
    step: int
    name: str
    nums: np.ndarray               # object array of schema.Num, in the expected shape
    transposed: bool = False       # written as the transpose of a non-square matrix


@dataclass
class Answers:
    raw: dict                      # (step, name) -> nested lists of Num, as written (None: not numbers)
    tolerance: dict = field(default_factory=dict)
    n_steps: int = 1
    items: dict = field(default_factory=dict)   # (step, name) -> Answer, after bind()
    problems: dict = field(default_factory=dict)  # (step, name) or a place -> [ProblemError] so far
    file: str | None = None        # the file they were read from: every message names it

    def bind(self, trace):
        """Match every answer to a quantity of the trace: names known, shapes right.  Every
        offending place of the file (unknown names, wrong shapes, non-numbers, tolerance
        settings) is named in one message."""
        problems = [m for k, ms in self.problems.items() if not isinstance(k, tuple) for m in ms]
        for (s, name), value in self.raw.items():
            place = self.place(s, name)
            st = trace.steps[s]
            q = st.quantities.get(name)
            if q is None or q.kind in HIDDEN:
                known = [k for k, v in st.quantities.items() if v.kind not in HIDDEN]
                same = [k for k in known if k.lower() == name.lower()]
                hint = f" (did you mean '{same[0]}'?)" if same else near_miss(name, known)
                problems.append(ProblemError(place, f"no quantity of that name{hint}"))
            elif value is None:
                problems.extend(self.problems[(s, name)])
            else:
                try:
                    self.items[(s, name)] = _shape_to(s, name, value, q.shape, place)
                except ProblemError as e:
                    problems.append(e)
        if len(problems) == 1:
            raise self.named(problems[0])
        if problems:
            raise ProblemError(self.file or "answers", _all([str(p) for p in problems]))

    def named(self, e: ProblemError) -> ProblemError:
        """`e` with the answers file's name in front of its place, when they came from one."""
        return in_file(self.file, e) if self.file else e

    def place(self, s, name):
        return f"steps[{s}].{name}" if self.n_steps > 1 or s else str(name)


def _all(problems, details=12, names=100):
    """Every problem in one line: the first `details` in full, the rest by place."""
    shown = "; ".join(problems[:details])
    rest = [p.partition(":")[0] for p in problems[details:]]
    if not rest:
        return shown
    listed = ", ".join(rest[:names]) + (", …" if len(rest) > names else "")
    return f"{shown}; and {len(rest)} more at {listed}"


def in_file(file: str, e: ProblemError) -> ProblemError:
    """'answers.yaml: Z1[0][1] (line 1, column 9): …' from 'Z1[0][1] (line 1, column 9): …'."""
    return ProblemError(f"{file}: {e.place}" if e.place and e.place != file else file, e.message)


def parse_answers(raw, source="answers", in_file_named=False) -> Answers:
    """The answers file's content (a mapping) as Answers; a file that is no mapping of answers
    at all is refused here, every other problem is kept for bind() to report with the rest.
    in_file_named: `source` is the file's name, and every message names it."""
    try:
        answers = _parse(raw, source)
    except ProblemError as e:
        raise in_file(source, e) if in_file_named else e from None
    answers.file = source if in_file_named else None
    return answers


def _parse(raw, source) -> Answers:
    if raw is None:
        raise ProblemError(source, "the answers file is empty")
    if not isinstance(raw, dict):
        raise ProblemError(source, "an answers file is a mapping of quantity names (Z1, dW2, ...) to values")
    problems = {}
    tol = _tolerance(raw.get("tolerance"), problems)
    names = {k: v for k, v in raw.items() if k not in ("tolerance", "steps")}
    if "steps" in raw:
        steps = raw["steps"]
        if names:
            first = next(iter(names))
            raise ProblemError(str(first), "with 'steps:' every answer goes inside a step's mapping")
        if not isinstance(steps, list) or not steps or not all(isinstance(m, dict) or m is None for m in steps):
            raise ProblemError("steps", "a list with one mapping of answers per step")
        per_step = [m or {} for m in steps]
    else:
        per_step = [names]
    answers = Answers({}, tol, len(per_step), problems=problems)
    for s, m in enumerate(per_step):
        for name, value in m.items():
            place = answers.place(s, name)
            bad = []
            answers.raw[(s, str(name))] = _numbers(value, place, bad)
            if bad:
                problems[(s, str(name))] = bad
    return answers


def _tolerance(tol, problems) -> dict:
    if tol is None:
        return {}
    if not isinstance(tol, dict):
        problems["tolerance"] = [ProblemError("tolerance", "a mapping with rtol, atol and/or sigfigs")]
        return {}
    for k in tol:
        if k not in TOLERANCE_KEYS:
            problems.setdefault("tolerance", []).append(ProblemError(
                f"tolerance.{k}", f"unknown setting{near_miss(k, TOLERANCE_KEYS)}; use rtol, atol or sigfigs"))
    return {k: v for k, v in tol.items() if k in TOLERANCE_KEYS}


def _numbers(v, place, bad):
    """Nested lists of numbers (schema.Num), rectangular; None (and the reasons in `bad`) when
    some entry is not a number or the nesting is not a matrix."""
    if isinstance(v, list):
        if not v:
            bad.append(ProblemError(place, "an empty list"))
            return None
        items = [_numbers(x, f"{place}[{i}]", bad) for i, x in enumerate(v)]
        if any(x is None for x in items):
            return None
        depth = {_depth(x) for x in items}
        if len(depth) > 1:
            bad.append(ProblemError(place, "mixes numbers and lists"))
            return None
        if isinstance(items[0], list) and len({len(x) for x in items}) > 1:
            bad.append(ProblemError(place, "rows of different lengths"))
            return None
        return items
    try:
        return parse_number(v, place)      # within float range, or refused
    except ProblemError as e:
        where = getattr(v, "where", "")    # a number the YAML loader kept: its line and column
        bad.append(ProblemError(f"{place} ({where})", e.message) if where else e)
        return None


def _depth(x):
    return 1 + _depth(x[0]) if isinstance(x, list) else 0


def _shape_to(s, name, value, shape, place) -> Answer:
    """The answer in the quantity's shape: a scalar fits any one-entry shape, a flat list a
    single row or column; the transpose of a non-square matrix is kept (graded 'transposed')."""
    arr = np.empty(np.shape(value) if isinstance(value, list) else (), dtype=object)
    if isinstance(value, list):
        for idx in np.ndindex(arr.shape):
            x = value
            for i in idx:
                x = x[i]
            arr[idx] = x
    else:
        arr[()] = value
    want = tuple(shape)
    if arr.shape == want:
        return Answer(s, name, arr)
    if len(want) == 1 and arr.ndim == 2 and 1 in arr.shape and arr.size == want[0]:
        return Answer(s, name, arr.reshape(want))     # a bias vector as a column or a row
    if arr.size == int(np.prod(want)) and (arr.ndim <= 1 or arr.size == 1):
        if arr.ndim == 0 or len(want) <= 1 or 1 in want:
            return Answer(s, name, arr.reshape(want))
    if arr.ndim == 2 and len(want) == 2 and arr.shape == want[::-1]:
        return Answer(s, name, arr, transposed=True)
    show = lambda sh: "×".join(map(str, sh)) if sh else "a single number"  # noqa: E731
    raise ProblemError(place, f"{show(arr.shape)}, but {name} is {show(want)}")
