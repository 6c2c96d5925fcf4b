"""The problems a practice server offers: one file, or every problem file in a folder.

Each problem gets a NAME for its URL (/p/NAME) made only of letters, digits, '-', '_' and
'.', so that a URL is looked up in this catalogue and never joined to a file path.  Traces
are made once per worker and kept: the server holds no state about any student.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..schema import ProblemError

MAX_DEPTH = 3            # folders below the one given (worked_examples/or_gate/problem.yaml is 1)
MAX_PROBLEMS = 500       # a generate run of 10,000 variants is not a practice page
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Entry:
    name: str
    path: Path
    text: str
    problem: object
    _traces: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.problem.title or self.name

    @property
    def digest(self) -> str:
        """Names this problem's text, so that a browser keeps answers per problem."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def trace(self, steps=None):
        """The trace with `steps` steps (default: the problem's), exact for a symbolic problem
        (as the checker grades it); made once."""
        steps = steps or self.problem.steps
        if steps not in self._traces:
            from ..engine import trace
            from ..problem import parse_problem
            over = {"steps": steps}
            if self.problem.numbers == "symbolic":
                over["numbers"] = "exact"
            self._traces[steps] = trace(parse_problem(self.raw(), over))
        return self._traces[steps]

    def raw(self):
        from ..problem import load_yaml
        return load_yaml(self.text, str(self.path))


@dataclass
class Catalog:
    root: Path
    entries: dict                  # name -> Entry, in the order shown on /
    skipped: list                  # (path, message): files that look like problems but are not

    @property
    def single(self) -> bool:
        return len(self.entries) == 1


def load(path) -> Catalog:
    """A problem file, or a folder of them.  A single file that fails raises ProblemError;
    in a folder, YAML files that are not problems (answers, templates) are left out."""
    p = Path(path)
    if not p.exists():
        raise ProblemError(str(path), "no such file or folder")
    if p.is_file():
        e = _entry(p, p.parent)
        return Catalog(p.parent, {e.name: e}, [])
    entries, skipped = {}, []
    for f in _yaml_files(p):
        try:
            e = _entry(f, p)
        except ProblemError as err:
            if _looks_like_problem(f):
                skipped.append((f, str(err)))
            continue
        name, k = e.name, 2
        while name in entries:
            name, k = f"{e.name}-{k}", k + 1
        e.name = name
        entries[name] = e
        if len(entries) >= MAX_PROBLEMS:
            break
    if not entries:
        raise ProblemError(str(path), "no problem file in this folder"
                           + (f" ({len(skipped)} could not be read: {skipped[0][1]})" if skipped else ""))
    return Catalog(p, entries, skipped)


def _yaml_files(folder: Path):
    """*.yaml and *.yml files under `folder`, sorted, no deeper than MAX_DEPTH, symbolic links
    to outside the folder left out."""
    root = folder.resolve()
    out = []
    for f in sorted(folder.rglob("*")):
        if f.suffix.lower() not in (".yaml", ".yml") or len(f.relative_to(folder).parts) > MAX_DEPTH + 1:
            continue
        try:
            real = f.resolve()
        except OSError:
            continue
        if real.is_file() and real.is_relative_to(root):
            out.append(f)
    return out


def _entry(f: Path, root: Path) -> Entry:
    from ..problem import load_yaml, parse_problem, read_source
    text, source = read_source(str(f))
    problem = parse_problem(load_yaml(text, source))
    if getattr(problem, "kind", None) == "graph":      # a graph's sheet is not a network's
        raise ProblemError(str(f), "a graph: problem; the practice page takes network problems only (for now)")
    return Entry(url_name(f, root), f, text, problem)


def url_name(f: Path, root: Path) -> str:
    """worked_examples/or_gate/problem.yaml -> or_gate; hw3/problem-3.yaml -> problem-3."""
    rel = list(f.relative_to(root).with_suffix("").parts) if f.is_relative_to(root) else [f.stem]
    if rel[-1] == "problem":           # a problem.yaml is named after its folder
        rel = rel[:-1] or [f.resolve().parent.name]
    name = _NAME.sub("_", "-".join(rel)).strip("._-")
    return name or "problem"


def _looks_like_problem(f: Path) -> bool:
    """A YAML file with a top-level `network:` key (else it is an answers file or other data)."""
    try:
        head = f.read_text(encoding="utf-8", errors="replace")[:100_000]
    except OSError:
        return False
    return re.search(r"^network\s*:", head, re.M) is not None
