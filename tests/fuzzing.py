"""Hostile files for the fuzz tests (test_fuzz.py) and the fuzz run (scripts/fuzz.py): valid
problem, answers and template files with one part broken, as Hypothesis strategies.

A mutation either changes the parsed structure (a value replaced by a hostile one, a key
dropped, an unknown key added, a value nested deep) and writes it back as YAML, or edits the
YAML text itself (a fragment such as an anchor, a tag or a control character inserted
anywhere).  What every command must do with the result: finish, or refuse with one line.
"""
from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted(p for p in (ROOT / "worked_examples").glob("*/problem.yaml"))
ANSWERS = sorted(p for p in (ROOT / "worked_examples").glob("*/seed_answers.yaml"))
TEMPLATES = sorted((ROOT / "examples/templates").glob("*.yaml"))

# Values the fuzzing run found trouble with, and their neighbours
HOSTILE_TEXT = [
    "1:30.5", "0_3", "017", "0x1F", "0o17", "1e999999999", "1.0e+400", "1e-5000", "-1e308", "1e308",
    ".nan", ".inf", "-.inf", "nan", "inf", "1/0", "0/0", "1/3", "-1/3", "٠.١", "１", "2²", "½",
    "9" * 5000, "1" + "0" * 400, "\x1b[2J\x1b[32mAll good", "a\nb", "\u202eevil", "\x00", "\x85",
    "&", "a & b", "\\", "$x$", "}{", "%", "#", "~", "^", "_", "\\input{/etc/passwd}",
    "\\write18{ls}", "<script>alert(1)</script>", "'", '"', "", " ", "sgd", "adam", "relu", "softmax",
    "W1", "dZ1", "J", "columns", "rows", "augmented", "exact", "float", "symbolic", "mean", "sum",
]
HOSTILE_NUMBERS = [0, -1, 1, 2, 3, 10 ** 6, 10 ** 9, 2 * 10 ** 9, -2 * 10 ** 9, 10 ** 30, 10 ** 400,
                   0.5, -0.0, 1e-300, 1e-320, 1e300, 1.7e308, float("nan"), float("inf"), -float("inf")]
YAML_FRAGMENTS = [
    "&a ", "*a", "*zz", "!!float ", "!!int ", "!!str ", "!!binary ", "!!set ", "!!timestamp ",
    "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "<<: *a\n",
    "? ", ": ", "- ", "[", "]", "{", "}", ",", "\t", "\x00", "\x07", "\x1b[2J", "\ufeff", "\u2028",
    "\r", "\r\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "|\n", ">\n", "'", '"',
    "#", "@", "`", "1:30", "0x1F", ".nan", "1e999999999", "~", "null", "yes", "no", "on", "2001-12-14",
    "[" * 70 + "]" * 70, "\n  - \n", " " * 3,
]


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _leaves(node, path=()):
    """Every path into the parsed file, collections included."""
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))


def _set(node, path, value):
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def _delete(node, path):
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]


scalars = st.one_of(
    st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_NUMBERS),
    st.integers(-10 ** 40, 10 ** 40), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(HOSTILE_TEXT[-17:]) | st.text(max_size=6),
                                                 inner, max_size=3)), max_leaves=8)


@st.composite
def mutated_structure(draw, base):
    d = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _leaves(d) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "deepen", "grow"]))
        if how == "replace":
            _set(d, path, draw(values))
        elif how == "delete":
            _delete(d, path)
        elif how == "add" and isinstance(d, dict):
            d[draw(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=6))] = draw(values)
        elif how == "deepen":            # a value nested past what any file needs
            v = draw(values)
            for _ in range(draw(st.sampled_from([5, 63, 70, 200]))):
                v = [v]
            _set(d, path, v)
        elif how == "grow":              # a matrix or list repeated many times over
            node = d
            for p in path[:-1]:
                node = node[p]
            if isinstance(node, list):
                node.extend(node * draw(st.sampled_from([1, 10, 100])))
    return yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=10 ** 6)


@st.composite
def mutated_text(draw, text):
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        frag = draw(st.sampled_from(YAML_FRAGMENTS) | st.text(max_size=4))
        cut = draw(st.sampled_from([0, 0, 1, 5]))
        text = text[:at] + frag + text[at + cut:]
    return text


def hostile_file(paths):
    """A file derived from one of `paths`: its structure or its text broken."""
    return st.sampled_from(paths).flatmap(
        lambda p: st.one_of(mutated_structure(load(p)), mutated_text(p.read_text(encoding="utf-8"))))
