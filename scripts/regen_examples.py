#!/usr/bin/env python3
"""Regenerate the committed worksheets of worked_examples/ with the trace-net command itself.

    python3 scripts/regen_examples.py            # every folder with a problem.yaml
    python3 scripts/regen_examples.py or_gate    # only the named folders
    python3 scripts/regen_examples.py --check    # write nothing; exit 1 when any file is stale

Each folder's worksheet.md (with the network figure it links, worksheet-network.svg),
worksheet.tex and worksheet.pdf are what `trace-net problem.yaml --format markdown|latex|pdf
-o worksheet.EXT` writes at the default detail.  pdflatex runs with
SOURCE_DATE_EPOCH=0 and FORCE_SOURCE_DATE=1 so the PDF does not change with the clock.
tests/test_worked_examples.py imports this module, so the test and the script agree on what
"fresh" means.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "worked_examples"
FORMATS = {"worksheet.md": "markdown", "worksheet.tex": "latex", "worksheet.pdf": "pdf"}
FIGURE = "worksheet-network.svg"          # written beside worksheet.md, which links it
BESIDE = {"worksheet.md": (FIGURE,)}
REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}


def example_dirs(names=()) -> list[Path]:
    dirs = sorted(p.parent for p in EXAMPLES.glob("*/problem.yaml"))
    if names:
        dirs = [d for d in dirs if d.name in set(names)]
        missing = set(names) - {d.name for d in dirs}
        if missing:
            raise SystemExit(f"no worked_examples/<name>/problem.yaml for: {', '.join(sorted(missing))}")
    return dirs


def render(problem: Path, name: str) -> dict[str, bytes]:
    """What `trace-net PROBLEM --format FMT -o NAME` writes: NAME, and the files beside it."""
    env = {**os.environ, **REPRODUCIBLE}
    fmt = FORMATS[name]
    with tempfile.TemporaryDirectory(prefix="trace-net-examples-") as d:
        out = Path(d) / name
        r = subprocess.run([sys.executable, "-m", "tracer.cli", str(problem), "--format", fmt, "-o", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"trace-net {problem.relative_to(ROOT)} --format {fmt} failed "
                               f"(exit {r.returncode}):\n{r.stderr[-3000:]}")
        return {f: (Path(d) / f).read_bytes() for f in (name, *BESIDE.get(name, ()))}


def pdf_available() -> bool:
    return shutil.which("pdflatex") is not None


def render_folder(folder: Path, files=tuple(FORMATS)) -> dict[str, bytes]:
    out = {}
    for name in files:
        out.update(render(folder / "problem.yaml", name))
    return out


def render_all(dirs, files=tuple(FORMATS)) -> dict[Path, dict[str, bytes]]:
    """Every folder's worksheets, rendered in parallel (pdflatex dominates the time)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(dirs, pool.map(lambda d: render_folder(d, files), dirs)))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [a for a in argv if not a.startswith("-")]
    files = tuple(FORMATS) if pdf_available() else ("worksheet.md", "worksheet.tex")
    if "worksheet.pdf" not in files:
        print("pdflatex not found: worksheet.pdf files left as they are", file=sys.stderr)
    stale = []
    for folder, rendered in render_all(example_dirs(names), files).items():
        for name, data in rendered.items():
            target = folder / name
            if target.exists() and target.read_bytes() == data:
                continue
            stale.append(target.relative_to(ROOT))
            if not check:
                tmp = target.with_name("." + name + ".tmp")
                tmp.write_bytes(data)
                os.replace(tmp, target)
    for path in stale:
        print(("stale: " if check else "wrote: ") + str(path))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
