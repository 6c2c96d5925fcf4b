"""LaTeX to PDF with pdflatex (never shell escape), when pdflatex is installed."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = ("pdflatex is not installed; on Debian or Ubuntu: "
                "apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "(or use --format latex and compile elsewhere)")


class PdfError(Exception):
    pass


def to_pdf(latex: str, runs: int = 2) -> bytes:
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="trace-net-") as d:
        tex = Path(d) / "worksheet.tex"
        tex.write_text(latex, encoding="utf-8")
        for _ in range(runs):
            r = subprocess.run([exe, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                                "worksheet.tex"], cwd=d, capture_output=True, text=True,
                               errors="replace", timeout=300)
            if r.returncode != 0:
                log = (Path(d) / "worksheet.log")
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else r.stdout[-1500:]
                raise PdfError("pdflatex failed:\n" + tail)
        return (Path(d) / "worksheet.pdf").read_bytes()
