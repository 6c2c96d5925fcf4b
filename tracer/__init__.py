"""trace-net: trace a training step of a small network and write the derivation down.

    >>> import tracer
    >>> t = tracer.trace_file("worked_examples/or_gate/problem.yaml")
    >>> t["Z1"]          # step 0's Z^[1], in the problem's number field
"""
__version__ = "0.1.0"

from .engine import trace  # noqa: E402
from .problem import Problem, load_problem, parse_problem  # noqa: E402
from .schema import ProblemError  # noqa: E402


def trace_file(path, **overrides):
    """Load a problem file (overrides: numbers=, decimals=, round=, steps=) and trace it."""
    return trace(load_problem(path, overrides))


__all__ = ["trace", "trace_file", "load_problem", "parse_problem", "Problem", "ProblemError", "__version__"]
