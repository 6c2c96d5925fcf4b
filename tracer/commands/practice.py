"""`trace-net practice PROBLEM_OR_FOLDER`: the practice page, served on this machine."""
from __future__ import annotations

import click

from ..cli import fail

EXAMPLES = """\b
Examples:
  trace-net practice worked_examples
  trace-net practice worked_examples/or_gate/problem.yaml --open
  trace-net practice hw3 --host 0.0.0.0 --port 8080      # a generate output, for a class
"""


@click.command("practice", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES)
@click.argument("source", metavar="PROBLEM_OR_FOLDER")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface, for other machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
def practice(source, host, port, open_browser):
    """Serve a web page on which a student fills in the blank worksheet of PROBLEM.yaml (or of
    every problem in FOLDER) and sees each answer graded as it is typed: correct, carried
    forward or wrong, with the diagnosis."""
    from ..practice.serve import serve
    from ..schema import ProblemError
    try:
        serve(source, host, port, open_browser)
    except ProblemError as e:
        raise fail(e) from None
