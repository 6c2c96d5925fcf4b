"""Drawing variants: seeded draws from a template, traced, kept when every niceness rule holds.

Variant k (1, 2, ...) of seed S draws from `random.Random(f"trace-net generate {S} {k}")`:
Python seeds from a string through SHA-512 of its UTF-8 bytes, so the same seed gives the
same variants on any machine, and variant k does not depend on how many are asked for.
A draw that breaks a rule (or repeats an earlier variant) is thrown away and the next draw
of the same generator is tried, up to `generate.attempts` times.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from ..engine import trace as run_trace
from ..problem import parse_problem
from ..schema import ProblemError
from .nice import first_violation
from .template import Template, TemplateError


@dataclass
class Variant:
    k: int
    raw: dict           # the drawn problem file's tree, titled "... (variant k)"
    key: str            # the draw itself (untitled), to tell variants apart
    problem: object     # tracer.problem.Problem
    trace: object       # tracer.trace.Trace
    draws: int          # draws it took, this one included


def draw_key(tree) -> str:
    """A drawn problem as one string, every number by its own text: equal draws, equal keys."""
    return json.dumps(tree, default=lambda v: getattr(v, "text", str(v)), ensure_ascii=False)


def rng_for(seed: int, k: int) -> random.Random:
    return random.Random(f"trace-net generate {seed} {k}")


def _titled(raw, k):
    base = raw.get("title") or ""
    return {**raw, "title": f"{base} (variant {k})" if base else f"Variant {k}"}


def _exact(raw, prob, tr):
    """The trace the rules read: the same numbers in exact arithmetic, whatever the output mode."""
    return tr if prob.numbers == "exact" else run_trace(parse_problem({**raw, "numbers": "exact"}))


def draw_variant(template: Template, seed: int, k: int, taken=frozenset()) -> Variant:
    rng = rng_for(seed, k)
    rejected = Counter()
    example = {}
    # without a random spec every draw is the same problem: one is enough to judge it
    attempts = template.settings["attempts"] if template.specs else 1
    for n in range(1, attempts + 1):
        drawn = template.draw(rng)
        key = draw_key(drawn)
        if key in taken:
            rejected["a repeat of an earlier variant"] += 1
            continue
        raw = _titled(drawn, k)
        try:
            prob = parse_problem(raw)
        except ProblemError as e:
            # the template itself is wrong (shapes, names, ranges the problem refuses)
            raise TemplateError(*template.explain(e.place, e.message)) from None
        try:
            tr = run_trace(prob)
        except (ProblemError, ZeroDivisionError, OverflowError, ArithmeticError) as e:
            rejected["the trace fails"] += 1
            example.setdefault("the trace fails", str(e))
            continue
        try:
            judged = _exact(raw, prob, tr)
        except (ProblemError, ZeroDivisionError, OverflowError, ArithmeticError) as e:
            rejected["the trace fails"] += 1
            example.setdefault("the trace fails", f"in exact numbers: {e}")
            continue
        bad = first_violation(judged, template.settings, shown=prob)
        if bad is None:
            return Variant(k, raw, key, prob, tr, n)
        rejected[bad.rule] += 1
        example.setdefault(bad.rule, str(bad))
    if not template.specs:
        rule = next(iter(rejected))
        raise TemplateError(template.source, f"the template has no random spec, so its one problem is the "
                            f"only draw, and the {rule} rule rejects it ({example.get(rule, rule)}); "
                            "relax the rule in the template's generate: block")
    worst = ", ".join(f"{rule} {c}×" + (f" (e.g. {example[rule]})" if rule in example else "")
                      for rule, c in rejected.most_common())
    raise TemplateError(template.source, f"no nice draw for variant {k} in {n} attempts; rejected by: "
                        f"{worst}. Widen the ranges, or relax the rule in the template's generate: block")


def check_count(template: Template, count: int):
    """Refuse, before any drawing, a count the template cannot give."""
    if not template.specs and count > 1:
        raise TemplateError(template.source, f"asks for {count} variants, but the template has no random "
                            "spec: it is one problem (give a number a spec such as {random: [-1, 1]})")
    if template.settings["distinct"] and count > template.variety():
        raise TemplateError(template.source, f"asks for {count} different variants, but the template's "
                            f"random specs allow only {template.variety()}")


def iter_variants(template: Template, count: int, seed: int) -> Iterator[Variant]:
    """Variants 1..count, one at a time, each nice, all different when generate.distinct is set."""
    check_count(template, count)
    distinct = template.settings["distinct"]
    taken: set[str] = set()
    for k in range(1, count + 1):
        v = draw_variant(template, seed, k, taken if distinct else frozenset())
        taken.add(v.key)
        yield v


def generate(template: Template, count: int, seed: int) -> list[Variant]:
    """Variants 1..count as a list (iter_variants one at a time)."""
    return list(iter_variants(template, count, seed))
