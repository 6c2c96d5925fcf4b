"""The marks on a printed variant: a label on every page (template, seed, variant), a line for
the student's name and ID on a problem sheet, and optionally a QR code (segno) that carries the
same, so that a grader can regenerate the answer key from a scanned sheet.

The QR code is handed to the templates as data, not as a file: the dark modules of each row as
runs (LaTeX draws them as rules, so a .tex sheet compiles on its own) and an SVG data URI
(Markdown shows it inline).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def regenerate_command(template_name: str, seed: int, k: int) -> str:
    """How the grader gets variant k back: variants 1..k are drawn, answers-K.yaml is the key."""
    return f"trace-net generate {template_name} --seed {seed} --count {k}"


def qr_text(template_name: str, template_text: str, seed: int, k: int) -> str:
    digest = hashlib.sha256(template_text.encode("utf-8")).hexdigest()[:12]
    return f"{regenerate_command(template_name, seed, k)} # variant {k}, template sha256 {digest}"


@dataclass
class QR:
    text: str
    size: int = 0                   # modules per side (quiet zone not included)
    runs: list = field(default_factory=list)    # (x, y, length): y counted from the bottom row
    svg: str = ""

    def __post_init__(self):
        import segno
        code = segno.make(self.text, error="m", micro=False)
        rows = [list(r) for r in code.matrix]
        self.size = len(rows)
        for i, row in enumerate(rows):
            y, x = self.size - 1 - i, 0
            while x < self.size:
                if row[x]:
                    start = x
                    while x < self.size and row[x]:
                        x += 1
                    self.runs.append((start, y, x - start))
                else:
                    x += 1
        self.svg = code.svg_data_uri(scale=3, border=2)


@dataclass
class Stamp:
    label: str                      # printed at the top of every page
    name_line: bool = True          # a problem sheet: Name and ID on every page
    qr: QR | None = None


def stamp_for(template_name: str, template_text: str, seed: int, k: int, qr: bool) -> Stamp:
    """A problem sheet's stamp: label and name line, and the QR code when asked for."""
    label = f"{template_name}, seed {seed}, variant {k}"
    return Stamp(label, True, QR(qr_text(template_name, template_text, seed, k)) if qr else None)
