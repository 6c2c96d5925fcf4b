"""Text that reaches the terminal: every error message passes through `terminal_safe`.

A file can hold any character (YAML's "\\e[2J" is an escape character); printed raw, it
could clear the screen, colour a fake "All good" or start a new line that looks like
trace-net's own.  So control characters (C0, DEL, C1), line and paragraph separators and
the bidirectional overrides are shown as escapes (`\\x1b`, `\\n`, `\\u202e`), and user text
quoted in a message is shortened.
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, U+2028/2029 (line breaks to some terminals), and the bidi
# embeddings, overrides and isolates (they reorder what follows on the line).  Worksheets
# drop the same characters (render/escape.py).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(m: re.Match) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


# A message longer than this is cut: one line, not a screenful of a pasted key.
MESSAGE_LIMIT = 2000


def terminal_safe(text: str) -> str:
    """`text` with every character that could steer a terminal written as an escape, and
    at most MESSAGE_LIMIT characters."""
    s = UNSAFE.sub(_escape, str(text))
    return s if len(s) <= MESSAGE_LIMIT else s[: MESSAGE_LIMIT - 1] + "…"


def quoted(text, limit: int = 60) -> str:
    """User text for a message: in quotes, terminal-safe, at most `limit` characters."""
    s = terminal_safe(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f"'{s}'"
