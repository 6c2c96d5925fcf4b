"""trace-net: trace a training step of a small network and write the derivation down.

    >>> import tracer
    >>> t = tracer.trace_file("worked_examples/or_gate/problem.yaml")
    >>> t["Z1"]          # step 0's Z^[1], in the problem's number field

The names below are imported on first use, so that `import tracer` (and `trace-net --help`,
which imports this package) loads neither numpy nor the engine (benchmarks/README.md §5).
"""
from __future__ import annotations

__version__ = "0.1.0"

import importlib as _importlib  # noqa: E402
import os as _os  # noqa: E402
import sys as _sys  # noqa: E402
import types as _types  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if _sys.argv and _os.path.basename(_sys.argv[0]) == "trace-net":
    # The command: worksheet matrices are small, and starting OpenBLAS's thread pool takes
    # longer (about 35 ms of a 150 ms run) than any trace gains from it.  Before numpy loads;
    # a value the user set wins.
    _os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from .engine import trace
    from .problem import Problem, load_problem, parse_problem
    from .schema import ProblemError
    from .torch_io import from_torch, to_yaml
    from .trace import Trace

# name: the module that holds it (tracer.check: the checker's package, callable)
_LAZY = {"trace": ".engine", "Problem": ".problem", "load_problem": ".problem", "parse_problem": ".problem",
         "ProblemError": ".schema", "from_torch": ".torch_io", "to_yaml": ".torch_io", "Trace": ".trace",
         "check": None}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'tracer' has no attribute {name!r}")
    if _LAZY[name] is None:
        return _importlib.import_module(f".{name}", __name__)
    value = getattr(_importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


class _Package(_types.ModuleType):
    # Importing the submodule tracer.trace sets the package's attribute `trace` to it; the
    # package's `trace` is the function (tracer.trace(problem)), as it was when imported eagerly.
    def __setattr__(self, name, value):
        if name == "trace" and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def trace_file(path: str | _os.PathLike[str], **overrides: object) -> Trace:
    """Load a problem file (overrides: numbers=, decimals=, round=, steps=) and trace it."""
    from .engine import trace
    from .problem import load_problem
    return trace(load_problem(path, overrides))


__all__ = ["trace", "trace_file", "Trace", "check", "load_problem", "parse_problem", "Problem", "ProblemError", "from_torch",
           "to_yaml", "__version__"]
