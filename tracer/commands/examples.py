"""`trace-net examples [NAME] [-o DIR]`: the worked examples and templates that come with
trace-net, listed, printed, or copied into a folder (so the README's commands run there)."""
from __future__ import annotations

import click

EPILOG = """\b
Examples:
  trace-net examples                     list them
  trace-net examples or_gate             print worked_examples/or_gate/problem.yaml
  trace-net examples -o .                copy all into ./worked_examples and ./examples/templates
  trace-net examples templates/or_gate -o course
"""


@click.command("examples", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.argument("name", required=False)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False),
              help="Copy the files into DIR, under their own paths (worked_examples/NAME/..., examples/templates/...).")
@click.option("--force", is_flag=True, help="Overwrite files in DIR that differ from the shipped ones.")
def examples(name, out_dir, force):
    """List the worked examples and generate templates that come with trace-net; with NAME,
    print its problem file (or template); with -o DIR, copy it (or, without NAME, all)."""
    from pathlib import Path

    from ..cli import InputError, write_output
    from ..examples import all_examples, find_example
    if name is None and out_dir is None:
        for ex in all_examples():
            click.echo(f"{ex.name:40s} {ex.kind:15s} {ex.title}")
        return
    try:
        chosen = [find_example(name)] if name is not None else all_examples()
    except KeyError:
        names = ", ".join(e.name for e in all_examples())
        raise InputError(f"{name}: no such example (there are: {names})") from None
    if out_dir is None:
        write_output(chosen[0].problem.read_text(encoding="utf-8"), None)
        return
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    plan = {}
    for ex in chosen:
        for rel, src in ex.files.items():
            target, data = folder / rel, src.read_bytes()
            if target.exists() and not force and (not target.is_file() or target.read_bytes() != data):
                raise InputError(f"{target}: exists and differs from the shipped file (--force overwrites it)")
            plan[target] = data
    for target, data in plan.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_output(data, str(target))
    click.echo(f"wrote {len(plan)} files into {out_dir}", err=True)
