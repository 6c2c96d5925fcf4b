"""The texts a variant is written as: its problem file, its answer key, and combined sheets.

Numbers keep their own text (a drawn 0.3 is written `0.3`, read back as exactly 3/10);
matrices are written one per line in flow style, as people write problem files.
"""
from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np

from ..schema import Num


class _Fraction(str):
    """An exact answer "p/q", written quoted so that no reader takes it for a date or a division."""


class _Rows(list):
    """A matrix written one row per line (answer keys)."""


def _flat(x):
    if isinstance(x, list):
        return all(_flat(y) for y in x)
    if isinstance(x, dict):
        return all(not isinstance(y, list) and _flat(y) for y in x.values())
    return True


@functools.lru_cache(maxsize=None)
def _dumper():
    """The YAML dumper, made on first use: drawing a variant needs no PyYAML, only writing it
    does (an exported PrairieLearn question draws without it)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def num(dumper, v: Num):
        t = v.text
        if "/" in t:
            return dumper.represent_scalar("tag:yaml.org,2002:str", t, style='"')
        if v.denominator == 1 and "." not in t and "e" not in t.lower():
            return dumper.represent_scalar("tag:yaml.org,2002:int", t)
        return dumper.represent_scalar("tag:yaml.org,2002:float", t)

    # matrices one per line in flow style; small option mappings inline ({mse: {scale: 1/2}}),
    # anything holding a list in blocks
    Dumper.add_representer(Num, num)
    Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=_flat(v)))
    Dumper.add_representer(dict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=_flat(v)))
    Dumper.add_representer(_Rows, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=False))
    Dumper.add_representer(_Fraction, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
    return Dumper


def dump(tree, header: str = "") -> str:
    import yaml
    text = yaml.dump(tree, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=10**6,
                     default_flow_style=False)
    return "".join(f"# {line}\n" for line in header.splitlines()) + text


def problem_yaml(raw, header: str = "") -> str:
    return dump(raw, header)


# -- answer key --------------------------------------------------------------------------------
def _answer(trace, value):
    if np.ndim(value) == 0:
        q, f, _ = trace.entry(value)
        if q is not None:
            q = Fraction(q)
            return int(q) if q.denominator == 1 else _Fraction(f"{q.numerator}/{q.denominator}")
        return float(f)       # repr: the shortest text that reads back as the same float
    rows = [_answer(trace, v) for v in value]
    return _Rows(rows) if np.ndim(value) == 2 else rows


def answers(trace) -> dict:
    """Every quantity of every step, in the checker's answers format."""
    steps = [{q.name: _answer(trace, q.value) for q in st.shown()} for st in trace.steps]
    return steps[0] if len(steps) == 1 else {"steps": steps}


def answers_yaml(trace, header: str = "") -> str:
    return dump(answers(trace), header)


# -- combined sheets ---------------------------------------------------------------------------
PACKAGE_LINES = ("\\usepackage", "\\usetikzlibrary")
# article's \maketitle disables itself, \@maketitle, \title, \date, ... after one use: keep the
# originals and put them back before each sheet's title block
_TITLE_CS = ("maketitle", "@maketitle", "title", "date", "author", "thanks", "and", "@author", "@thanks")
SAVE_TITLE = "\\makeatletter\n" + "\n".join(f"\\let\\tracenet@{c}\\{c}" for c in _TITLE_CS) + "\n\\makeatother"
RESTORE_TITLE = "\\makeatletter" + "".join(f"\\let\\{c}\\tracenet@{c}" for c in _TITLE_CS) + "\\makeatother"


PART_MARK = "trace-net part {} starts after page "


def combine(docs: list[str], fmt: str, marks: bool = False) -> str:
    """Several worksheets as one document: LaTeX with one preamble, Markdown one after another.
    With `marks`, each LaTeX sheet writes `trace-net part K starts after page P` into the log
    (P pages shipped before it), so that the PDF can be split back into the sheets."""
    if fmt == "markdown":
        return "\n\n---\n\n".join(d.rstrip("\n") for d in docs) + "\n"
    heads, bodies = [], []
    for d in docs:
        head, _, rest = d.partition("\\begin{document}")
        body, _, _ = rest.partition("\\end{document}")
        heads.append(head.splitlines())
        bodies.append(body.strip("\n"))
    # package lines must stay in the preamble (their union); the title block and any line that
    # differs between sheets, such as \title{...}, move into each sheet's own part
    per_sheet = ("\\title", "\\date", "\\author")
    common = [line for line in heads[0] if all(line in h for h in heads[1:])
              and not line.lstrip().startswith(per_sheet)]
    packages = [line for h in heads for line in h if line.lstrip().startswith(PACKAGE_LINES)]
    preamble = list(dict.fromkeys(common + [p for p in packages if p not in common]))
    parts = []
    for k, (head, body) in enumerate(zip(heads, bodies)):
        own = [line for line in head if line not in preamble and not line.lstrip().startswith(
            PACKAGE_LINES + ("\\documentclass",))]
        mark = ["\\typeout{" + PART_MARK.format(k) + "\\the\\ReadonlyShipoutCounter}"] if marks else []
        parts.append("\n".join(["\\clearpage", *mark, "\\setcounter{page}{1}", RESTORE_TITLE, *own, body]))
    return ("\n".join(preamble) + "\n" + SAVE_TITLE + "\n\\begin{document}\n" + "\n\n".join(parts)
            + "\n\\end{document}\n")
