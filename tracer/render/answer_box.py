"""The empty box a problem sheet leaves for an answer, sized for the answer in handwriting.

A student writes about 3 mm a character (digits, sign, point), so the box is as wide as the
widest entry of its matrix needs, written as the solution writes it: 3 significant figures of
a 1e-5 value, −1.23·10⁻⁵, get 34 mm, where a fixed box of "-0.0000" (16 mm) did not hold them.
The box is 9 mm high, a line of handwriting; it never shrinks below a five-character answer,
so that its width says little about the value.
"""
from __future__ import annotations

MM_PER_CHARACTER = 3.2
PADDING_MM = 2
MIN_CHARACTERS, MAX_CHARACTERS = 5, 16


def answer_box(lengths) -> str:
    """The box for a matrix whose answers a hand writes in `lengths` characters (Math.ink,
    None for a formula: the smallest box)."""
    n = max([MIN_CHARACTERS] + [k for k in lengths if k is not None])
    width = min(n, MAX_CHARACTERS) * MM_PER_CHARACTER + PADDING_MM
    # \, either side: the box never touches a matrix's bracket (a 1×1 box read as a double line)
    return r"\vphantom{\Bigg|}\,\boxed{\vphantom{\Big|}\hspace{%.1fmm}}\," % width
