"""`trace-net schema`: the JSON Schemas of problem files (generated from tracer/schema.py's
specs, the definitions that validate the file), of generate templates and of the trace JSON,
for editors' completion and checking and for programs that read trace-net's output."""
from __future__ import annotations

import json

import click


def _schema(kind: str) -> dict:
    if kind == "trace":
        from ..trace_schema import trace_schema
        return trace_schema()
    if kind == "template":
        from ..generate.template_schema import template_schema
        return template_schema()
    from ..schema import json_schema
    return json_schema()


@click.command("schema", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--problem", "kind", flag_value="problem", default=True,
              help="The schema of problem files (the default).")
@click.option("--template", "kind", flag_value="template",
              help="The schema of generate templates (problem files with random specs).")
@click.option("--trace", "kind", flag_value="trace", help="The schema of the trace JSON (--format json).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default: standard output).")
def schema(kind, output):
    """Print the JSON Schema of problem files, of templates (--template) or of the trace
    JSON (--trace).

    \b
    Editors with the YAML language server (VS Code's YAML extension, ...) complete and check
    problem files against it:
      trace-net schema -o trace-net.schema.json
    then the first line of a problem file:
      # yaml-language-server: $schema=./trace-net.schema.json
    and of a template (trace-net schema --template -o template.schema.json):
      # yaml-language-server: $schema=./template.schema.json
    """
    from ..cli import write_output
    write_output(json.dumps(_schema(kind), indent=2, ensure_ascii=False) + "\n", output)
