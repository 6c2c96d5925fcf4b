"""`trace-net export prairielearn|moodle|canvas`: a template's homework on a learning platform
(delivery.md §1).  Thin over tracer.export."""
from __future__ import annotations

import os
import re

import click

from ..cli import InputError, fail, write_output

EXAMPLE = """\b
Examples:
  trace-net export prairielearn examples/templates/or_gate.yaml --course pl-course --ask Z1,A1,dW1
  trace-net export moodle examples/templates/or_gate.yaml --count 30 --seed 1 -o or_gate.xml
  trace-net export canvas examples/templates/or_gate.yaml --count 30 --seed 1 -o or_gate.zip
"""

ASK = click.option("--ask", metavar="NAMES", default=None,
                   help="Comma-separated quantities the student answers (default: every computed "
                        "quantity of step 0; givens are never asked).")
COUNT = click.option("-n", "--count", type=click.IntRange(1, 1000), default=1, show_default=True,
                     help="Number of variants.")
SEED = click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Same seed, same variants.")


@click.group("export", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLE)
def export():
    """Put a template's variants on a learning platform: a PrairieLearn question (graded by
    trace-net's checker, error carried forward), a Moodle XML quiz or a Canvas QTI package."""


def _load(template_path):
    from ..generate import load_template
    name = os.path.basename(template_path) if template_path != "-" else "template.yaml"
    return load_template(template_path), name


def _asked(template, ask):
    from ..export.asked import asked_names
    from ..generate.variants import draw_variant
    return asked_names(draw_variant(template, 0, 1).trace, ask)


@export.command("prairielearn")
@click.argument("template_path", metavar="TEMPLATE.yaml")
@click.option("--course", "course", type=click.Path(file_okay=False), required=True,
              help="The PrairieLearn course folder (made if missing).")
@click.option("--qid", default=None, help="The question's folder name (default: the template's name).")
@ASK
def prairielearn(template_path, course, qid, ask):
    """A v3 question in COURSE/questions/QID whose server.py draws a variant per student and
    grades it with trace-net's checker; trace-net itself is copied into serverFilesCourse."""
    from ..export.prairielearn import export as write_question
    from ..generate import TemplateError
    from ..schema import ProblemError
    try:
        template, name = _load(template_path)
        qid = qid or re.sub(r"[^A-Za-z0-9_-]", "_", name.rsplit(".", 1)[0])
        if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", qid):
            raise InputError(f"--qid {qid!r}: letters, digits, _ and - only (folders separated by /)")
        names = _asked(template, ask)
        files = write_question(template, template.source_tree, course, qid, names, write_output)
    except (TemplateError, ProblemError) as e:
        raise fail(e) from None
    except (FileExistsError, NotADirectoryError) as e:
        raise InputError(str(e)) from None
    click.echo(f"wrote {len(files)} entries to {course}: questions/{qid}/ (asks {', '.join(names)})", err=True)


def _platform(kind):
    @export.command(kind)
    @click.argument("template_path", metavar="TEMPLATE.yaml")
    @COUNT
    @SEED
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                  help="The file to write (.xml for Moodle, .zip for Canvas).")
    @ASK
    def command(template_path, count, seed, output, ask):
        from ..generate import TemplateError
        from ..schema import ProblemError
        if kind == "moodle":
            from ..export.moodle import export as build
        else:
            from ..export.canvas import export as build
        try:
            template, name = _load(template_path)
            _asked(template, ask)                 # a bad --ask is refused before any drawing
            data = build(template, name, count, seed, ask)
        except (TemplateError, ProblemError) as e:
            raise fail(e) from None
        write_output(data, output)
        click.echo(f"wrote {count} variant(s) to {output}", err=True)

    command.__doc__ = {"moodle": "COUNT variants as Moodle XML: one Cloze question each, NUMERICAL blanks "
                                 "with the checker's tolerance and half credit, with the checker's diagnosis, "
                                 "for the values the common slips give.",
                       "canvas": "COUNT variants as a Canvas QTI 1.2 package: one quiz each, a numerical "
                                 "question per asked entry with the checker's tolerance (values below 1e-4 "
                                 "asked in a stated scale)."}[kind]
    return command


moodle = _platform("moodle")
canvas = _platform("canvas")
