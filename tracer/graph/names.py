"""The quantity names of a graph trace (docs/problem-format.md §6), and the checks on them.

Every input and node by its own name (its value), `d<name>` for ∂output/∂name, and
`d<node>_d<operand>` for each local derivative.  A file whose names would collide in that
namespace (a node called `dx` beside an input `x`) is refused, naming the place.
"""
from __future__ import annotations

from ..schema import ProblemError


def grad(name: str) -> str:
    return "d" + name


def local(node: str, operand: str) -> str:
    return f"d{node}_d{operand}"


def place_of(p, name) -> str:
    return f"graph.inputs.{name}" if name in p.inputs else f"graph.nodes.{name}"


def check_names(p):
    """Refuse collisions between names and derived names; check `symbols`."""
    taken = {n: f"the {'input' if n in p.inputs else 'node'} {n}" for n in p.names}
    out = p.output
    derived = [(grad(n), f"the gradient ∂{out}/∂{n} (d + name)", n) for n in p.names]
    derived += [(local(nd.name, o), f"the local derivative ∂{nd.name}/∂{o} (d<node>_d<operand>)", nd.name)
                for nd in p.nodes for o in nd.refs()]
    for name, meaning, owner in derived:
        if name in taken:
            clash = taken[name]
            if name in p.names:
                raise ProblemError(place_of(p, name), f"the name '{name}' is used twice: it also names "
                                   f"{meaning}; rename {name}")
            raise ProblemError(place_of(p, owner), f"the name '{name}' is used twice: it names {meaning} "
                               f"and {clash}; rename one of them")
        taken[name] = meaning
    if p.symbols is not None:
        for i, s in enumerate(p.symbols):
            if s not in p.inputs:
                raise ProblemError(f"symbols[{i}]", f"'{s}' is not an input of the graph; the inputs are "
                                   + ", ".join(p.inputs))
    if p.numbers == "symbolic":
        check_symbolic_names(p)


def symbolic_inputs(p) -> list[str]:
    return list(p.inputs) if p.symbols is None else [s for s in p.inputs if s in set(p.symbols)]


def check_symbolic_names(p):
    """A symbol's name must read back as that symbol (the JSON's `exact` is sympify's input):
    E, I, S, N, pi, beta, ... name constants or functions in sympy."""
    import sympy as sp
    for name in symbolic_inputs(p):
        try:
            ok = sp.sympify(name) == sp.Symbol(name)
        except (sp.SympifyError, SyntaxError, TypeError, AttributeError):
            ok = False
        if not ok:
            raise ProblemError(f"graph.inputs.{name}", f"with numbers: symbolic, '{name}' would read as "
                               "sympy's own constant or function in the trace's formulas; rename it")


GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
         "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
         "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}


def _base_tex(base: str) -> str:
    if base in GREEK:
        return "\\" + base
    return base if len(base) == 1 else r"\mathrm{%s}" % base


def name_parts(name: str) -> tuple[str, str]:
    """(base, subscript) of a name: w0 → (w, 0), x_in → (x, in), alpha → (alpha, '')."""
    base, sep, sub = name.partition("_")
    if not sep:
        i = len(name)
        while i > 1 and name[i - 1].isdigit():
            i -= 1
        base, sub = name[:i], name[i:]
    return base, sub


def text_name(name: str) -> tuple[str, str]:
    """(base, subscript) as plain text for a drawing: alpha → α, w0 → (w, 0)."""
    import unicodedata
    base, sub = name_parts(name)

    def greek(s):
        if s not in GREEK:
            return s
        return unicodedata.lookup(f"GREEK {'CAPITAL' if s[0].isupper() else 'SMALL'} LETTER {s.upper().replace('LAMBDA', 'LAMDA')}")
    return greek(base), greek(sub)


def tex_name(name: str) -> str:
    """A name as LaTeX math: w0 → w_{0}, x_in → x_{\\mathrm{in}}, alpha → \\alpha, dot → \\mathrm{dot}.
    Names are letters, digits and _ (checked on reading), so nothing needs escaping."""
    base, sub = name_parts(name)
    if not sub:
        return _base_tex(base)
    if sub.isdigit():
        inner = sub
    elif len(sub) == 1 or sub in GREEK:
        inner = _base_tex(sub)
    else:
        inner = r"\mathrm{%s}" % sub.replace("_", r"\_")
    return "%s_{%s}" % (_base_tex(base), inner)
