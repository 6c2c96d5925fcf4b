"""LaTeX to PDF with pdflatex: one pass (the worksheets have no cross-references), no shell
escape, reproducible bytes, and one short line when pdflatex fails (its log kept in a file).

Reproducible: the same LaTeX source gives the same PDF bytes on every run.  pdfTeX is told to
write no creation or modification date (\\pdfinfoomitdate), none of its banner and file-name
keys (\\pdfsuppressptexinfo), and a trailer /ID derived from the source (\\pdftrailerid{h}
makes the ID the MD5 of h); `document_id` is that ID, for PDFs assembled by other tools.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = ("pdflatex is not installed; on Debian or Ubuntu: "
                "apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "(or use --format latex and compile elsewhere)")

TIMEOUT = 300       # seconds for one pdflatex run (a batch of worksheets included)


class PdfError(Exception):
    pass


def source_hash(latex: str) -> str:
    return hashlib.sha256(latex.encode("utf-8")).hexdigest()


def document_id(latex: str) -> bytes:
    """The 16 bytes of the /ID that `to_pdf` gives this source (pdfTeX's MD5 of the hash)."""
    return hashlib.md5(source_hash(latex).encode("ascii")).digest()


def reproducible(latex: str, ident: str | None = None) -> str:
    """The source with pdfTeX's reproducibility settings in front of \\documentclass, on its
    first line: pdflatex's line numbers stay those of the source the user has."""
    ident = ident if ident is not None else source_hash(latex)
    return "\\pdfinfoomitdate=1 \\pdfsuppressptexinfo=-1 \\pdftrailerid{" + ident + "}" + latex


def _first_error(log: str) -> str:
    """pdflatex's first error, as one line: `! Undefined control sequence (line 12)`."""
    m = re.search(r"^! (.*)$", log, re.M)
    if not m:
        return "no error message in the log"
    line = re.search(r"^l\.(\d+)", log[m.end():], re.M)
    # the log echoes the source, so it may hold anything: printable characters only
    text = "".join(c if c.isprintable() else "?" for c in " ".join(m.group(1).split()))[:160]
    return text + (f" (line {line.group(1)})" if line else "")


def _keep_log(log: str) -> str:
    fd, path = tempfile.mkstemp(prefix="trace-net-pdflatex-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
        f.write(log)
    return path


def run_pdflatex(latex: str) -> tuple[bytes, str]:
    """One pdflatex pass over `latex` as given: (the PDF, the log).  PdfError when it fails,
    with pdflatex's first error on one line and the whole log saved to a file it names."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="trace-net-") as d:
        (Path(d) / "worksheet.tex").write_text(latex, encoding="utf-8")
        try:
            r = subprocess.run([exe, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                                "worksheet.tex"], cwd=d, capture_output=True, text=True,
                               errors="replace", timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfError(f"pdflatex took more than {TIMEOUT} s and was stopped") from None
        log_file = Path(d) / "worksheet.log"
        log = log_file.read_text(errors="replace") if log_file.exists() else r.stdout
        pdf = Path(d) / "worksheet.pdf"
        if r.returncode != 0 or not pdf.exists():
            raise PdfError(f"pdflatex failed: {_first_error(log)}; its log is in {_keep_log(log)}")
        return pdf.read_bytes(), log


def to_pdf(latex: str) -> bytes:
    """One worksheet's PDF, in one pass, byte-identical for the same source."""
    from ..budget import check_pdf_source
    check_pdf_source(latex)
    return run_pdflatex(reproducible(latex))[0]
