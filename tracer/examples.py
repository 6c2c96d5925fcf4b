"""The worked examples and generate templates that come with trace-net (package data in the
wheel, the repository's own folders in a checkout), by name.

Names are the paths the README and help texts use: `worked_examples/or_gate` (short: `or_gate`)
and `examples/templates/or_gate` (short: `templates/or_gate`).  Each example is a set of
files, keyed by their path relative to the project's root, so that copying them into a folder
makes the README's commands work there.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WORKED_FILES = ("problem.yaml", "seed_answers.yaml", "README.md")   # worksheets: trace-net makes them


@dataclass
class Example:
    name: str            # worked_examples/or_gate, examples/templates/or_gate
    kind: str            # "worked example" or "template"
    title: str
    files: dict          # relative path -> Path of the shipped file

    @property
    def problem(self) -> Path:
        """The problem file (worked example) or the template itself."""
        return next(p for rel, p in self.files.items() if rel.endswith(".yaml") and "seed_answers" not in rel)


def _find(*candidates: Path) -> Path | None:
    return next((c for c in candidates if c.is_dir()), None)


def _roots():
    here = Path(__file__).resolve().parent
    worked = _find(here / "worked_examples", here.parent / "worked_examples")
    templates = _find(here / "example_templates", here.parent / "examples" / "templates")
    return worked, templates


def _title(path: Path) -> str:
    from .problem import load_yaml
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except Exception:  # noqa: BLE001 - a listing never fails on one odd file
        return ""
    return str(raw.get("title", "")) if isinstance(raw, dict) else ""


def all_examples() -> list[Example]:
    """Every shipped example, worked examples first, each group by name."""
    worked, templates = _roots()
    out = []
    for folder in sorted(p.parent for p in worked.glob("*/problem.yaml")) if worked else []:
        files = {f"worked_examples/{folder.name}/{f}": folder / f for f in WORKED_FILES if (folder / f).is_file()}
        out.append(Example(f"worked_examples/{folder.name}", "worked example", _title(folder / "problem.yaml"), files))
    for path in sorted(templates.glob("*.yaml")) if templates else []:
        out.append(Example(f"examples/templates/{path.stem}", "template", _title(path),
                           {f"examples/templates/{path.name}": path}))
    return out


def find_example(name: str) -> Example:
    """The example called `name` (its full name, or or_gate, templates/or_gate); KeyError with
    the names there are otherwise."""
    key = name.strip("/").removesuffix(".yaml").removesuffix("/problem")
    examples = all_examples()
    for ex in examples:
        short = ex.name.split("/", 1)[1] if ex.kind == "worked example" else ex.name.removeprefix("examples/")
        if key in (ex.name, short):
            return ex
    raise KeyError(name)
