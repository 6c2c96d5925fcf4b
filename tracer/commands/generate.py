"""`trace-net generate`: homework variants of a template, with blank sheets, solutions, answer keys.

Thin over tracer.generate.folder.write_run: each file is written as soon as it is done, PDFs in
batches on every core, a progress bar on a terminal.
"""
from __future__ import annotations

import os
import sys
import time

import click

from ..cli import FormatChoice, InputError, fail, write_output

MAX_COUNT = 1000

EXAMPLE = """\b
Examples:
  trace-net generate examples/templates/or_gate.yaml --count 5 --seed 1 -o or_gate
  trace-net generate examples/templates/relu_regression.yaml -n 30 --seed 2024 -o hw3 --format latex --combined
"""


@click.command("generate", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLE)
@click.argument("template_path", metavar="TEMPLATE.yaml")
@click.option("-n", "--count", type=click.IntRange(1, MAX_COUNT), default=1, show_default=True,
              help=f"Number of variants (at most {MAX_COUNT}).")
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
@click.option("--qr", is_flag=True, help="A QR code on each problem sheet: template, seed and variant, "
              "to regenerate the answer key from a scan.")
def generate(template_path, count, seed, out_dir, fmt, combined, detail, max_entries, qr):
    """Draw COUNT nice variants of TEMPLATE.yaml and write, for each variant K, into DIR:
    problem-K.yaml, sheet-K (the blank worksheet), solution-K (the worked one) and answers-K.yaml
    (the answer key, for trace-net check).  The template is a problem file in which values may be
    random specs; see docs/generate-format.md."""
    from tqdm import tqdm

    from ..generate import TemplateError, load_template
    from ..generate.folder import FolderError, Run, write_run
    from ..render.pdf import PdfError
    from ..schema import ProblemError

    t0 = time.perf_counter()
    name = os.path.basename(template_path) if template_path != "-" else "standard input"
    # a bar only on a terminal, and only for runs long enough to want one
    bar = tqdm(total=count, unit="variant", file=sys.stderr, leave=False, delay=1.0,
               disable=None if count > 1 else True)
    try:
        template = load_template(template_path)
        for w in template.warnings:
            click.echo(f"Warning: {w}", err=True)
        run = Run(template, name, count, seed, fmt, combined, detail, max_entries, qr)
        files, draws = write_run(run, out_dir, write_output, progress=lambda: bar.update(1))
    except (TemplateError, ProblemError) as e:
        raise fail(e) from None
    except FolderError as e:
        raise InputError(str(e)) from None
    except PdfError as e:
        raise click.ClickException(str(e)) from None
    finally:
        bar.close()
    click.echo(f"wrote {files} files for {count} variant(s) to {out_dir} "
               f"({draws} draws, {draws / count:.1f} per variant, {time.perf_counter() - t0:.1f} s)", err=True)
