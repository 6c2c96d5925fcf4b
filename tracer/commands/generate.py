"""`trace-net generate`: homework variants of a template, with blank sheets, solutions, answer keys.

Everything is drawn, traced and rendered in memory first; only then is DIR written, one file
at a time through write_output, so a failure leaves no half-written file behind.
"""
from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli import FormatChoice, InputError, fail, write_output

EXAMPLE = """\b
Examples:
  trace-net generate examples/templates/or_gate.yaml --count 5 --seed 1 -o or_gate
  trace-net generate examples/templates/relu_regression.yaml -n 30 --seed 2024 -o hw3 --format latex --combined
"""

SUFFIX = {"markdown": "md", "latex": "tex", "pdf": "pdf"}


@click.command("generate", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLE)
@click.argument("template_path", metavar="TEMPLATE.yaml")
@click.option("-n", "--count", type=click.IntRange(1, 10000), default=1, show_default=True,
              help="Number of variants.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="Same seed, same variants, on any machine.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder for the files (made if missing).")
@click.option("-f", "--format", "fmt", type=FormatChoice(["markdown", "latex", "pdf"]), default="markdown",
              show_default=True, help="Format of the problem sheets and solutions.")
@click.option("--combined", is_flag=True, help="Also write all problem sheets as one document, and all solutions.")
@click.option("--detail", type=click.Choice(["matrix", "entries", "chain"]), default="matrix", show_default=True,
              help="How much of each computation the solutions write out.")
@click.option("--max-entries", type=click.IntRange(0), default=None,
              help="Elide matrices with more entries than this (0: never; default: the worksheet's).")
def generate(template_path, count, seed, out_dir, fmt, combined, detail, max_entries):
    """Draw COUNT nice variants of TEMPLATE.yaml and write, for each variant K, into DIR:
    problem-K.yaml, sheet-K (the blank worksheet), solution-K (the worked one) and answers-K.yaml
    (the answer key, for trace-net check).  The template is a problem file in which values may be
    random specs; see docs/generate-format.md."""
    from ..generate import TemplateError, generate as draw, load_template
    from ..generate.output import answers_yaml, combine, problem_yaml
    from ..schema import ProblemError

    t0 = time.perf_counter()
    name = Path(template_path).name if template_path != "-" else "standard input"
    files = {}
    render_fmt = "latex" if fmt == "pdf" else fmt
    sheets, solutions = [], []
    try:
        template = load_template(template_path)
        variants = draw(template, count, seed)
        for v in variants:
            head = f"trace-net generate {name} --seed {seed}: variant {v.k}"
            files[f"problem-{v.k}.yaml"] = problem_yaml(v.raw, head)
            files[f"answers-{v.k}.yaml"] = answers_yaml(v.trace, head + ", answer key (trace-net check)")
            opts = dict(detail=detail, max_entries=max_entries)
            sheets.append(v.trace.render(render_fmt, blank=True, **opts))
            solutions.append(v.trace.render(render_fmt, **opts))
            files[f"sheet-{v.k}.{SUFFIX[fmt]}"] = sheets[-1]
            files[f"solution-{v.k}.{SUFFIX[fmt]}"] = solutions[-1]
    except (TemplateError, ProblemError) as e:
        raise fail(e) from None
    if combined:
        files[f"sheets.{SUFFIX[fmt]}"] = combine(sheets, render_fmt)
        files[f"solutions.{SUFFIX[fmt]}"] = combine(solutions, render_fmt)
    if fmt == "pdf":
        from ..render.pdf import PdfError, to_pdf
        try:
            files = {k: (to_pdf(v) if k.endswith(".pdf") else v) for k, v in files.items()}
        except PdfError as e:
            raise click.ClickException(str(e)) from None
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for fname, content in files.items():
        write_output(content, str(folder / fname))
    draws = sum(v.draws for v in variants)
    click.echo(f"wrote {len(files)} files for {count} variant(s) to {out_dir} "
               f"({draws} draws, {draws / count:.1f} per variant, {time.perf_counter() - t0:.1f} s)", err=True)
