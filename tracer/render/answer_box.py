"""The empty box a problem sheet leaves for an answer, sized for the answer in handwriting.

A student writes about 3 mm a character (digits, sign, point), so the box is as wide as the
widest entry of its matrix needs, written as the solution writes it: 3 significant figures of
a 1e-5 value, −1.23·10⁻⁵, get 34 mm, where a fixed box of "-0.0000" (16 mm) did not hold them.
The box is 9 mm high, a line of handwriting; it never shrinks below a five-character answer,
so that its width says little about the value.
"""
from __future__ import annotations

import re

MM_PER_CHARACTER = 3.2
PADDING_MM = 2
MIN_CHARACTERS, MAX_CHARACTERS = 5, 16


def handwritten_length(tex: str) -> int:
    """How many characters a student writes for a number as the worksheet prints it:
    `-1.23 \\cdot 10^{-5}` is −1.23·10⁻⁵ (10), `\\frac{3}{40}` is 3/40 (4)."""
    t = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", str(tex))
    t = t.replace(r"\cdot", "·")
    t = re.sub(r"\\[a-zA-Z]+", "", t)          # \left, \right, \approx: no ink of their own
    return len(re.sub(r"[\s{}^_()]", "", t))


def answer_box(texts) -> str:
    n = max([MIN_CHARACTERS] + [handwritten_length(t) for t in texts])
    width = min(n, MAX_CHARACTERS) * MM_PER_CHARACTER + PADDING_MM
    return r"\vphantom{\Bigg|}\boxed{\vphantom{\Big|}\hspace{%.1fmm}}" % width
