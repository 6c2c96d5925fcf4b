"""One run of `trace-net generate` into a folder: each file written as soon as it is done (PDFs
compiled in batches, pdfs.py), and no file of an earlier run left beside the new ones.

The folder keeps a list of the files its last run wrote (MANIFEST).  A new run removes those
files before it writes its first one, so a folder never mixes two runs' variants, even when
the new run asks for fewer variants, another format, or stops half-way; files it did not write
are never touched.  Nothing is created before the first variant has been drawn and rendered,
so a template that cannot be drawn from leaves no folder behind.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .output import answers_yaml, combine, problem_yaml
from .stamp import stamp_for
from .variants import iter_variants

SUFFIX = {"markdown": "md", "latex": "tex", "pdf": "pdf"}
MANIFEST = ".trace-net-generate"
# every name a run can write, in any format: what a folder without a manifest must not hold
OURS = re.compile(r"(problem|answers)-\d+\.yaml|(sheet|solution)-\d+\.(md|tex|pdf)|(sheets|solutions)\.(md|tex|pdf)")


class FolderError(Exception):
    """The output folder cannot take this run (one line, naming the folder)."""


@dataclass
class Run:
    template: object       # generate.Template
    name: str              # the template's file name, for the files' headers
    count: int
    seed: int
    fmt: str = "markdown"  # markdown | latex | pdf
    combined: bool = False
    detail: str = "matrix"
    max_entries: int | None = None
    qr: bool = False       # a QR code on each problem sheet (stamp.py)

    def planned(self) -> list[str]:
        ext = SUFFIX[self.fmt]
        names = [f"{kind}-{k}.{e}" for k in range(1, self.count + 1)
                 for kind, e in (("problem", "yaml"), ("answers", "yaml"), ("sheet", ext), ("solution", ext))]
        return names + ([f"sheets.{ext}", f"solutions.{ext}"] if self.combined else [])


class Folder:
    """The output folder, prepared on the first write."""

    def __init__(self, path: str, run: Run, write: Callable[[object, str], None]):
        self.path, self.run, self._write = Path(path), run, write
        self.written = 0
        self._ready = False
        if self.path.exists() and not self.path.is_dir():
            raise FolderError(f"{path}: exists and is not a folder")

    def _earlier(self) -> list[str]:
        manifest = self.path / MANIFEST
        if manifest.is_file():
            return [line for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines()
                    if OURS.fullmatch(line)]
        strays = sorted(p.name for p in self.path.iterdir() if OURS.fullmatch(p.name)) if self.path.is_dir() else []
        if strays:
            more = f" and {len(strays) - 3} more" if len(strays) > 3 else ""
            raise FolderError(f"{self.path}: holds {', '.join(strays[:3])}{more}, not written by a run it "
                              f"has a record of ({MANIFEST}); remove them or choose another folder")
        return []

    def _prepare(self):
        earlier = self._earlier()
        self.path.mkdir(parents=True, exist_ok=True)
        planned = self.run.planned()
        # the list first names both runs' files, so that a run killed at any point leaves a
        # list that still covers everything in the folder
        self._manifest(list(dict.fromkeys(earlier + planned)))
        for name in earlier:
            p = self.path / name
            if p.is_file() and not p.is_symlink():
                p.unlink()
        self._manifest(planned)
        self._ready = True

    def _manifest(self, names):
        self._write("# written by trace-net generate: the files of the last run into this folder,\n"
                    "# removed by the next run before it writes its own\n" + "".join(n + "\n" for n in names),
                    str(self.path / MANIFEST))

    def write(self, name: str, content):
        if not self._ready:
            self._prepare()
        self._write(content, str(self.path / name))
        self.written += 1


def _texts(run: Run, v):
    head = f"trace-net generate {run.name} --seed {run.seed}: variant {v.k}"
    fmt = "latex" if run.fmt == "pdf" else run.fmt
    opts = dict(detail=run.detail, max_entries=run.max_entries)
    text = getattr(run.template, "text", "")
    # the problem sheet is printed and handed out: stamped; the solution stays exactly what
    # `trace-net problem-K.yaml` writes
    sheet = stamp_for(run.name, text, run.seed, v.k, qr=run.qr)
    return (problem_yaml(v.raw, head), answers_yaml(v.trace, head + ", answer key (trace-net check)"),
            v.trace.render(fmt, blank=True, stamp=sheet, **opts), v.trace.render(fmt, **opts))


def _variant(key: str) -> int:
    return int(re.search(r"-(\d+)\.pdf$", key).group(1))


def write_run(run: Run, out_dir: str, write, progress: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """Draw, render and write every variant; returns (files written, draws made)."""
    folder = Folder(out_dir, run, write)
    draws = 0
    ext = SUFFIX[run.fmt]
    sheets, solutions = [], []

    def texts():
        nonlocal draws
        for v in iter_variants(run.template, run.count, run.seed):
            draws += v.draws
            problem, key, sheet, solution = _texts(run, v)
            folder.write(f"problem-{v.k}.yaml", problem)
            folder.write(f"answers-{v.k}.yaml", key)
            yield v.k, sheet, solution

    if run.fmt != "pdf":
        for k, sheet, solution in texts():
            folder.write(f"sheet-{k}.{ext}", sheet)
            folder.write(f"solution-{k}.{ext}", solution)
            if run.combined:
                sheets.append(sheet)
                solutions.append(solution)
            progress()
        if run.combined:
            folder.write(f"sheets.{ext}", combine(sheets, run.fmt))
            folder.write(f"solutions.{ext}", combine(solutions, run.fmt))
        return folder.written, draws
    from ..render.pdf import INSTALL_HINT, PdfError
    from .pdfs import SheetError, compile_stream, merge
    if shutil.which("pdflatex") is None:       # before any file, and not pinned on a variant
        raise PdfError(INSTALL_HINT)

    def items():
        for k, sheet, solution in texts():
            yield "sheets", f"sheet-{k}.pdf", sheet
            yield "solutions", f"solution-{k}.pdf", solution

    batches = {"sheets": [], "solutions": []}
    pending: dict[int, int] = {}       # variant -> its PDFs not yet written
    try:
        for b in compile_stream(items()):
            for key, pdf in zip(b.keys, b.parts):
                folder.write(key, pdf)
                k = _variant(key)
                pending[k] = pending.get(k, 2) - 1
                if pending[k] == 0:
                    progress()
            if run.combined:
                batches[b.group].append(b)
    except SheetError as e:
        # the line names the variant as its stamp does (trace-net generate ... --count K draws it again)
        raise PdfError(f"{run.name}, seed {run.seed}, variant {_variant(e.key)}, {e}") from None
    if run.combined:
        for group in ("sheets", "solutions"):
            parts = sorted(batches[group], key=lambda b: b.index)
            folder.write(f"{group}.pdf", merge(parts, f"{run.name} {run.seed} {run.count} {group}"))
    return folder.written, draws
