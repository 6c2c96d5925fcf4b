"""Escaping user text for LaTeX and Markdown: nothing a user typed is read as markup."""
from __future__ import annotations

_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def latex_escape(text) -> str:
    s = "".join(_LATEX.get(c, c) for c in str(text))
    # no control characters reach the file
    return "".join(c for c in s if c >= " " or c in "\n\t")


_MD_SPECIAL = set("\\`*_[]<>$|~#")


def markdown_escape(text) -> str:
    return "".join(("\\" + c) if c in _MD_SPECIAL else c for c in str(text) if c >= " " or c == "\t")
