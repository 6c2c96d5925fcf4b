"""`trace-net check PROBLEM.yaml ANSWERS.yaml`: grade a hand calculation against the trace."""
from __future__ import annotations

import click

from ..cli import InputError, fail, format_option, output_format, write_output

FORMATS = ("markdown", "latex", "json", "pdf")    # what check.report.render writes

EXAMPLES = """\b
Examples:
  trace-net check worked_examples/or_gate/problem.yaml answers.yaml
  trace-net check problem.yaml answers.yaml --format json --sigfigs 3
  trace-net check problem.yaml answers.yaml --format latex -o report.tex
  trace-net check problem.yaml answers.yaml -o report.pdf

\b
Exit status: 0 every given answer correct, 1 some not, 2 bad input.
"""


@click.command("check", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES)
@click.argument("problem", metavar="PROBLEM.yaml")
@click.argument("answers", metavar="ANSWERS.yaml")
@format_option(FORMATS, "Report format (pdf: through pdflatex, needs -o)")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default: standard output).")
@click.option("--rtol", help="Relative tolerance (default 0.01).")
@click.option("--atol", help="Absolute tolerance (default 10^-decimals of the problem).")
@click.option("--sigfigs", type=click.IntRange(1, 30), help="Ask for N significant figures instead (±1 in the last).")
def check(problem, answers, fmt, output, rtol, atol, sigfigs):
    """Grade the answers in ANSWERS.yaml (a mapping of quantity names to values) against PROBLEM.yaml:
    correct, carried forward from your own earlier answers, or wrong with a diagnosis."""
    fmt = output_format(fmt, output, FORMATS)
    from ..check import check_files
    from ..check.report import render
    from ..render.pdf import PdfError
    from ..schema import ProblemError
    if problem == "-" and answers == "-":
        raise InputError("only one of PROBLEM.yaml and ANSWERS.yaml can be standard input")
    if fmt == "pdf" and output in (None, "-"):
        raise InputError("--format pdf needs -o FILE.pdf")
    try:
        grading = check_files(problem, answers, rtol=rtol, atol=atol, sigfigs=sigfigs)
        text = render(grading, fmt)
    except ProblemError as e:
        raise fail(e) from None
    except PdfError as e:
        raise click.ClickException(str(e)) from None
    write_output(text, output)
    click.get_current_context().exit(grading.exit_code)
