"""Reading an answers file: a student's numbers by canonical name, checked against the trace.

    dZ2: [[0.140, -0.041, -0.043, -0.038]]     # step 0, in the problem's layout
    db2: [0.0045]                              # bias vectors as flat lists
    steps: [{...}, {...}]                      # or one mapping per step
    tolerance: {rtol: 0.01, atol: 0.0001, sigfigs: 3}

Every number keeps its own text (schema.Num), so `0.50` is known to carry two decimals.
Unknown names and wrong shapes are refused with one message naming all of them.
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
    raw: dict                      # (step, name) -> nested lists of Num, as written
    tolerance: dict = field(default_factory=dict)
    n_steps: int = 1
    items: dict = field(default_factory=dict)   # (step, name) -> Answer, after bind()

    def bind(self, trace):
        """Match every answer to a quantity of the trace: names known, shapes right."""
        problems = []
        for (s, name), value in self.raw.items():
            place = f"steps[{s}].{name}" if self.n_steps > 1 or s else name
            st = trace.steps[s]
            q = st.quantities.get(name)
            if q is None or q.kind in HIDDEN:
                known = [k for k, v in st.quantities.items() if v.kind not in HIDDEN]
                same = [k for k in known if k.lower() == name.lower()]
                hint = f" (did you mean '{same[0]}'?)" if same else near_miss(name, known)
                problems.append(f"{place}: no quantity of that name{hint}")
                continue
            try:
                self.items[(s, name)] = _shape_to(s, name, value, q.shape, place)
            except ProblemError as e:
                problems.append(str(e))
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise ProblemError("answers", "; ".join(problems[:3]) + more)


def parse_answers(raw, source="answers") -> Answers:
    if raw is None:
        raise ProblemError(source, "the answers file is empty")
    if not isinstance(raw, dict):
        raise ProblemError(source, "an answers file is a mapping of quantity names (Z1, dW2, ...) to values")
    tol = raw.get("tolerance") or {}
    if not isinstance(tol, dict):
        raise ProblemError("tolerance", "a mapping with rtol, atol and/or sigfigs")
    for k in tol:
        if k not in TOLERANCE_KEYS:
            raise ProblemError(f"tolerance.{k}", f"unknown setting{near_miss(k, TOLERANCE_KEYS)}; "
                               "use rtol, atol or sigfigs")
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
    out = {}
    for s, m in enumerate(per_step):
        for name, value in m.items():
            place = f"steps[{s}].{name}" if "steps" in raw else str(name)
            out[(s, str(name))] = _numbers(value, place)
    return Answers(out, dict(tol), len(per_step))


def _numbers(v, place):
    """Nested lists of numbers (schema.Num), rectangular."""
    if isinstance(v, list):
        if not v:
            raise ProblemError(place, "an empty list")
        items = [_numbers(x, f"{place}[{i}]") for i, x in enumerate(v)]
        depth = {_depth(x) for x in items}
        if len(depth) > 1:
            raise ProblemError(place, "mixes numbers and lists")
        if isinstance(items[0], list) and len({len(x) for x in items}) > 1:
            raise ProblemError(place, "rows of different lengths")
        return items
    return parse_number(v, place)


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
    if arr.size == int(np.prod(want)) and (arr.ndim <= 1 or arr.size == 1):
        if arr.ndim == 0 or len(want) <= 1 or 1 in want:
            return Answer(s, name, arr.reshape(want))
    if arr.ndim == 2 and len(want) == 2 and arr.shape == want[::-1]:
        return Answer(s, name, arr, transposed=True)
    show = lambda sh: "×".join(map(str, sh)) if sh else "a single number"  # noqa: E731
    raise ProblemError(place, f"{show(arr.shape)}, but {name} is {show(want)}")
