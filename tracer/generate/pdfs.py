"""Many worksheets to PDF quickly: batches compiled as one document on a pool of pdflatex
processes (one per core), each batch's PDF split back into the worksheets' own files (pypdf).

pdflatex spends most of a small worksheet's time starting and loading its packages (about
0.25 of 0.3 CPU-seconds for an OR-gate sheet); a batch of BATCH sheets pays that once.  In a
batch (output.combine with marks) each sheet starts on a new page with its page counter at 1
and its own title, and the log says after which page each starts, so the split gives every
sheet exactly its pages.  A split sheet keeps the /ID `to_pdf` would give it alone.  A batch
that fails is compiled sheet by sheet, so that the failing sheet is the one named.

Batches are cut by position only (never by the machine's cores), so the same worksheets give
the same bytes on any machine.
"""
from __future__ import annotations

import io
import os
import re
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..render.pdf import PdfError, document_id, reproducible, run_pdflatex, source_hash, to_pdf
from .output import PART_MARK, combine

BATCH = 20          # worksheets per pdflatex run


class SheetError(PdfError):
    """One worksheet of a batch fails: `key: pdflatex's line`."""

    def __init__(self, key: str, error: Exception):
        super().__init__(f"{key}: {error}")
        self.key = key


def default_jobs() -> int:
    """pdflatex processes at once: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:         # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Batch:
    group: str                 # worksheets of one kind (sheets, solutions) share a preamble
    index: int                 # the batch's place in its group, 0, 1, ...
    keys: list                 # the worksheets' names, in order
    parts: list                # each worksheet's PDF bytes
    whole: bytes | None        # the batch as one PDF (None when compiled sheet by sheet)


def _split(pdf: bytes, log: str, docs: list[str]) -> list[bytes]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject
    starts = {int(k): int(p) for k, p in re.findall(PART_MARK.format(r"(\d+)") + r"(\d+)", log)}
    reader = PdfReader(io.BytesIO(pdf))
    bounds = [starts.get(k) for k in range(len(docs))] + [len(reader.pages)]
    if None in bounds or bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
        raise PdfError("the batch's log does not say where each worksheet starts")
    info = {k: v for k, v in (reader.metadata or {}).items() if isinstance(v, str)}
    out = []
    for k, doc in enumerate(docs):
        w = PdfWriter()
        for p in range(bounds[k], bounds[k + 1]):
            w.add_page(reader.pages[p])
        w.add_metadata({**info, "/Producer": f"{info.get('/Producer', 'pdfTeX')}; pypdf"})
        ident = ByteStringObject(document_id(doc))
        w._ID = ArrayObject([ident, ident])    # pypdf writes no /ID of its own; this is to_pdf's
        buf = io.BytesIO()
        w.write(buf)
        out.append(buf.getvalue())
    return out


def compile_batch(group: str, index: int, keys: list, docs: list[str]) -> Batch:
    """One batch: combined, compiled once and split; sheet by sheet when that fails."""
    if len(docs) > 1:
        source = combine(docs, "latex", marks=True)
        try:
            pdf, log = run_pdflatex(reproducible(source, source_hash(source)))
            return Batch(group, index, keys, _split(pdf, log, docs), pdf)
        except PdfError:
            pass
    parts = []
    for key, doc in zip(keys, docs):
        try:
            parts.append(to_pdf(doc))
        except PdfError as e:
            raise SheetError(key, e) from None
    return Batch(group, index, keys, parts, parts[0] if len(parts) == 1 else None)


def compile_stream(items: Iterable[tuple[str, str, str]], jobs: int | None = None,
                   batch: int | None = None) -> Iterator[Batch]:
    """(group, key, latex) items, read lazily, compiled in batches on `jobs` pdflatex processes;
    yields each Batch as it is done.  At most 2·jobs batches wait, so memory stays bounded
    however many items come."""
    jobs = jobs or default_jobs()
    batch = batch or BATCH
    open_: dict[str, list] = {}
    counts: dict[str, int] = {}
    running: deque[Future] = deque()
    with ThreadPoolExecutor(jobs, thread_name_prefix="pdflatex") as pool:
        def submit(group):
            keys, docs = zip(*open_.pop(group))
            running.append(pool.submit(compile_batch, group, counts.get(group, 0), list(keys), list(docs)))
            counts[group] = counts.get(group, 0) + 1

        def done_ones(block):
            while running and (running[0].done() or (block and len(running) >= 2 * jobs)):
                yield running.popleft().result()

        try:
            for group, key, latex in items:
                open_.setdefault(group, []).append((key, latex))
                if len(open_[group]) == batch:
                    submit(group)
                yield from done_ones(block=True)
            for group in list(open_):
                submit(group)
            while running:
                yield running.popleft().result()
        finally:
            for f in running:
                f.cancel()


def merge(batches: list[Batch], ident: str) -> bytes:
    """The batches' PDFs as one document, in order (the combined sheets of `generate --combined`)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject
    w = PdfWriter()
    for b in batches:
        for part in ([b.whole] if b.whole is not None else b.parts):
            w.append(PdfReader(io.BytesIO(part)))
    w.add_metadata({"/Producer": "pdfTeX; pypdf"})
    i = ByteStringObject(document_id(ident))
    w._ID = ArrayObject([i, i])
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
