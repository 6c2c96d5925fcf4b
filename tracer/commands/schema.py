"""`trace-net schema`: the problem file's JSON Schema, generated from tracer/schema.py's specs
(the definitions that validate the file), for editors' completion and checking."""
from __future__ import annotations

import json

import click


@click.command("schema", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default: standard output).")
def schema(output):
    """Print the JSON Schema of problem files.

    \b
    Editors with the YAML language server (VS Code's YAML extension, ...) complete and check
    problem files against it:
      trace-net schema -o trace-net.schema.json
    then the first line of a problem file:
      # yaml-language-server: $schema=./trace-net.schema.json
    """
    from ..cli import write_output
    from ..schema import json_schema
    write_output(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", output)
