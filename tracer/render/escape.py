"""Escaping user text for LaTeX and Markdown: nothing a user typed is read as markup."""
from __future__ import annotations

import re

from ..messages import UNSAFE

_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


# Characters beyond what pdflatex's utf8 + T1 + textcomp set: spelled as LaTeX, or '?'.
_LATEX_UNICODE = {
    "≈": r"\ensuremath{\approx}", "η": r"\ensuremath{\eta}", "σ": r"\ensuremath{\sigma}",
    "Δ": r"\ensuremath{\Delta}", "δ": r"\ensuremath{\delta}", "β": r"\ensuremath{\beta}",
    "ε": r"\ensuremath{\varepsilon}", "λ": r"\ensuremath{\lambda}", "μ": r"\ensuremath{\mu}",
    "Σ": r"\ensuremath{\Sigma}", "ᵀ": r"\textsuperscript{T}", "⊙": r"\ensuremath{\odot}",
    "∂": r"\ensuremath{\partial}", "≤": r"\ensuremath{\le}", "≥": r"\ensuremath{\ge}",
    "−": r"\ensuremath{-}", "₁": r"\textsubscript{1}", "₂": r"\textsubscript{2}", "ŷ": r"\^{y}",
}
# every Greek letter (α in a table, θ in a title): the ones LaTeX names, and the capitals
# that look like Latin ones as those
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
          "varsigma sigma tau upsilon phi chi psi omega").split()
for _k, _name in enumerate(_GREEK):
    _LATEX_UNICODE.setdefault(chr(0x3B1 + _k), "o" if _name == "o" else r"\ensuremath{\%s}" % _name)
for _c, _tex in zip("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", "A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P "
                    "Sigma T Upsilon Phi X Psi Omega".split()):
    _LATEX_UNICODE.setdefault(_c, _tex if len(_tex) == 1 else r"\ensuremath{\%s}" % _tex)


def _latex_char(c):
    if c in _LATEX:
        return _LATEX[c]
    if c in _LATEX_UNICODE:
        return _LATEX_UNICODE[c]
    if _control(c):
        # no control character (C0, DEL, C1) reaches the file; a line break is a space (a
        # blank line would be \par, which ends a macro's argument: "Paragraph ended before")
        return " " if c in "\n\t" else ""
    o = ord(c)
    if o < 0x180 or c in "–—‘’“”…→←•€":
        return c
    return "?"                                   # pdflatex cannot set it: never a failed compile


def latex_escape(text) -> str:
    # a letter with a combining tilde (the report's W̃) is LaTeX's accent \~{W}
    parts = re.split(r"(\w\u0303)", str(text))
    return "".join(r"\~{%s}" % _latex_char(p[0]) if len(p) == 2 and p[1] == "\u0303"
                   else "".join(_latex_char(c) for c in p) for p in parts)


def _control(c) -> bool:
    """C0, DEL and C1 controls, line/paragraph separators and the bidi marks and overrides
    (which would reorder what a reader sees): dropped from every output, the characters
    the terminal's messages show escaped."""
    return UNSAFE.match(c) is not None


_MD_SPECIAL = set("\\`*_<>$|~#")
# brackets as entities: \[ and \] would open and close display math in Jupyter's Markdown
_MD_ENTITY = {"[": "&#91;", "]": "&#93;"}


def markdown_escape(text) -> str:
    return "".join(_MD_ENTITY.get(c) or (("\\" + c) if c in _MD_SPECIAL else c)
                   for c in str(text) if not _control(c) or c == "\t")


# Inside Markdown's math (notation names): what MathJax (GitHub, Jupyter) reads as text.
# (LaTeX output sets names with \text{latex_escape(...)} instead.)
_MATH = {
    "\\": r"\backslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\hat{}", "~": r"\sim{}", "<": r"\lt{}", ">": r"\gt{}",
    "|": r"\vert{}", " ": r"\ ", "'": r"{'}", "`": "", "*": r"{*}",
}


def math_text(text) -> str:
    """User text set upright inside a formula: \\mathrm{...} with every special character
    spelled as a math symbol, so it cannot end the formula or call a macro."""
    s = "".join(_MATH.get(c, c) for c in str(text) if not _control(c))
    return r"\mathrm{" + s + "}"
