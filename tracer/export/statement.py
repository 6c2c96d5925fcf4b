"""The problem as a platform's question text: the blank sheet's part before its first step
(facts, network, data, given matrices), from the Markdown worksheet, as Markdown or HTML.

HTML comes from python-markdown with the math kept out of its hands: every $$…$$ and $…$ is
set aside before conversion and put back as \\[…\\] and \\(…\\), which MathJax reads in
Moodle and Canvas.
"""
from __future__ import annotations

import html
import re

MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$", re.S)


def statement_markdown(trace) -> str:
    sheet = trace.render("markdown", blank=True)
    head, sep, _ = sheet.partition("\n## Step ")
    head = head if sep else sheet
    if head.startswith("# "):           # the sheet's title: the platform shows the question's
        head = head.partition("\n")[2]
    return head.strip() + "\n"


def markdown_to_html(text: str) -> str:
    import markdown
    kept = []

    def keep(m):
        display = m.group(1) is not None
        tex = (m.group(1) if display else m.group(2)).strip()
        kept.append((r"\[" if display else r"\(") + html.escape(tex, quote=False) + (r"\]" if display else r"\)"))
        return f"tracenetmath{len(kept) - 1}x"       # letters and digits: Markdown leaves them

    body = markdown.markdown(MATH.sub(keep, text), extensions=["tables"], output_format="html")
    return re.sub(r"tracenetmath(\d+)x", lambda m: kept[int(m.group(1))], body)


def statement_html(trace) -> str:
    return markdown_to_html(statement_markdown(trace))
