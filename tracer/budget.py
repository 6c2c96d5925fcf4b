"""What a trace may cost: every problem finishes within seconds and bounded memory, or is
refused before the work with one line that names the limit and what fits.

Three measures, each cheap to know before the work it bounds (figures measured on the
2-core machine of benchmarks/README.md, CPU time):

- multiply-adds of the matrix products, steps × Σ out·in·(batch size): exact fractions cost
  about 9 µs each (a 300-300-10 network on 10 samples, 930,000 per step: 8 s), floats a
  nanosecond;
- entries the trace keeps (every quantity and every sub-expression a worksheet shows),
  extrapolated from step 0: about 85 bytes each in float mode (the OR gate, 10,000 steps:
  3.7 million entries, 4.5 s and 310 MB before any output);
- entries a worksheet writes (each matrix counted as its elided size): about 50 µs each in
  Markdown or LaTeX (the OR gate, 1,136 steps: 100,000 entries, 5.3 s, 8 MB), 2.5 times as
  much with --detail entries or chain; pdflatex needs about 4 s per 800 kB of LaTeX.
"""
from __future__ import annotations

import numpy as np

from .schema import ProblemError

MAX_PRODUCTS = {"exact": 400_000, "symbolic": 20_000, "float": 2_000_000_000}
MAX_TRACE_ENTRIES = {"exact": 600_000, "symbolic": 600_000, "float": 1_500_000}
# --detail entries and chain write every entry's computation: 2.5 times the work
MAX_SHEET_ENTRIES = {"matrix": 100_000, "entries": 40_000, "chain": 40_000}
MAX_PDF_SOURCE = 1_500_000       # characters of LaTeX given to pdflatex


def products_per_step(problem) -> int:
    size = max((len(b) for b in problem.batches()), default=0)
    return sum(L.shape[0] * L.shape[1] * size for L in problem.layers)


def check_work(problem):
    """Refuse a problem whose matrix products alone would take too long in its number mode."""
    per_step = products_per_step(problem)
    limit = MAX_PRODUCTS.get(problem.numbers)
    if limit is None or per_step * problem.steps <= limit:
        return
    fits = limit // per_step
    what = f"{problem.steps} step(s) of this network take" if problem.steps > 1 else "one step of this network takes"
    advice = (f"trace at most {fits} step(s)" if fits else "use a smaller network or fewer samples")
    if problem.numbers != "float":
        advice += ", or use --numbers float"
    raise ProblemError("size", f"{what} {per_step * problem.steps:,} multiply-adds in {problem.numbers} "
                       f"numbers, past the limit of {limit:,}; {advice}")


def entries(value) -> int:
    return int(np.size(value)) if isinstance(value, np.ndarray) else 1


def step_entries(step) -> int:
    """Entries one recorded step keeps: its quantities and their sub-expressions."""
    return sum(entries(q.value) + sum(entries(v) for v in q.parts.values())
               for q in step.quantities.values())


def check_trace_size(step, steps: int, numbers: str):
    """After step 0: refuse a trace whose steps would keep too many entries."""
    n, limit = step_entries(step), MAX_TRACE_ENTRIES[numbers]
    if n * steps > limit:
        fits = max(1, limit // max(n, 1))
        raise ProblemError("steps", f"{steps} steps of this problem would keep {n * steps:,} values "
                           f"in {numbers} numbers, past the limit of {limit:,}; trace at most {fits} "
                           "step(s)")


def sheet_entries(trace, max_entries: int) -> int:
    """Entries a worksheet writes: every shown quantity, an elided matrix counted at its
    elided size (about max_entries)."""
    total = 0
    for st in trace.steps:
        for q in st.shown():
            n = entries(q.value)
            total += min(n, max_entries + 2 * int(max_entries ** 0.5) + 1) if max_entries else n
    return total


def check_sheet(trace, fmt: str, detail: str, max_entries: int):
    """Refuse a Markdown or LaTeX worksheet that would take too long to write."""
    n, limit = sheet_entries(trace, max_entries), MAX_SHEET_ENTRIES.get(detail, 40_000)
    if n > limit:
        per_step = max(1, n // max(len(trace.steps), 1))
        fits = limit // per_step
        advice = f"trace at most {fits} step(s), " if fits and len(trace.steps) > 1 else ""
        raise ProblemError("steps" if len(trace.steps) > 1 else "size",
                           f"a {fmt} worksheet of this trace writes {n:,} entries, past the limit of "
                           f"{limit:,} (--detail {detail}); {advice}write JSON (--format json) or elide "
                           "more (--max-entries)")


def check_pdf_source(latex: str):
    if len(latex) > MAX_PDF_SOURCE:
        raise ProblemError("pdf", f"the worksheet is {len(latex):,} characters of LaTeX, past the "
                           f"{MAX_PDF_SOURCE:,} that pdflatex sets in seconds; trace fewer steps, "
                           "or write --format latex and compile it yourself")
