"""A PrairieLearn v3 question from a template: DIR/questions/NAME/{info.json, question.html,
server.py, template.json}, and trace-net itself vendored into DIR/serverFilesCourse/tracer
(server.py imports it from there; it needs only numpy, sympy and jinja2, which PrairieLearn's
image bundles).

question.html shows the problem (the blank sheet's facts, data and givens) and one input per
asked quantity, `pl-matrix-component-input` for a matrix or vector and `pl-number-input` for a
scalar; the checker's feedback for each in the submission panel; the worked solution in
`pl-answer-panel`.
"""
from __future__ import annotations

import html
import json
import shutil
import uuid
from pathlib import Path

from .asked import asked

VENDORED_MARK = ".trace-net-vendored"
NOT_VENDORED = ("cli.py", "commands", "practice", "worked_examples", "example_templates", "__pycache__")
TOPIC = "Neural networks"


def _symbol(trace, name):
    try:
        from ..render.notation import Notation
    except ImportError:           # before the notation module of the renderer's rework
        from ..render.printer import Notation
    p = trace.problem
    return Notation.of(p, text=str).symbol(name)


def question_html(trace, rule, ask, title: str) -> str:
    p = trace.problem
    parts = ["<pl-question-panel>", "<markdown>", "{{{params.statement}}}", "</markdown>",
             "<p>Work step 0 by hand and enter the quantities below. Values that are not exact: "
             f"{p.decimals} decimals (small ones to 3 significant figures). An answer that is wrong "
             "only because an earlier answer of yours is counts as right: one slip costs once.</p>",
             "</pl-question-panel>", ""]
    feedback = []
    for name in ask:
        a = asked(trace, rule, name)
        sym = _symbol(trace, name)
        label = html.escape(f"${sym} =$", quote=True)
        # the element's own comparison (shown, then overridden by server.py's grade)
        attrs = f'answers-name="{name}" label="{label}" comparison="relabs" rtol="{float(rule.rtol):g}" atol="{float(rule.atol):g}"'
        tag = "pl-number-input" if not a.shape else "pl-matrix-component-input"
        parts += ['<div class="mb-3">', f"<{tag} {attrs}></{tag}>", "</div>"]
        feedback.append(f"{{{{#feedback.{name}}}}}<li>${html.escape(sym)}$: {{{{feedback.{name}}}}}</li>"
                        f"{{{{/feedback.{name}}}}}")
    parts += ["", "<pl-submission-panel>", "<ul>", *feedback, "</ul>", "</pl-submission-panel>", "",
              "<pl-answer-panel>", "<markdown>", "{{{params.solution}}}", "</markdown>", "</pl-answer-panel>", ""]
    return "\n".join(parts)


SERVER = '''\
"""PrairieLearn question {title!r}: trace-net homework variants, graded by trace-net's checker.

Written by `trace-net export prairielearn`; change the template and export again rather than
editing this file.  trace-net is vendored in serverFilesCourse/tracer.
"""
import json
import os

from tracer.export import pl_runtime

ASK = {ask!r}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "template.json"), encoding="utf-8") as f:
    TEMPLATE = json.load(f)


def generate(data):
    pl_runtime.generate(data, TEMPLATE, ASK)


def grade(data):
    pl_runtime.grade(data, ASK)
'''


def vendor(target: Path):
    """Copy trace-net's package (and its templates) to `target`, replacing an earlier copy."""
    import tracer
    from ..render import template_dir
    if target.exists():
        if not (target / VENDORED_MARK).is_file():
            raise FileExistsError(f"{target}: exists and is not a copy trace-net made; remove it or export elsewhere")
        shutil.rmtree(target)
    src = Path(tracer.__file__).resolve().parent
    shutil.copytree(src, target, ignore=lambda d, names: [n for n in names if n in NOT_VENDORED
                                                          or n.endswith((".pyc", ".pyo"))])
    shutil.copytree(template_dir(), target / "templates", dirs_exist_ok=True,
                    ignore=lambda d, names: [n for n in names if n == "__pycache__"])
    (target / VENDORED_MARK).write_text(f"trace-net {tracer.__version__}, copied by trace-net export prairielearn "
                                        "(MIT licence); replaced by the next export\n", encoding="utf-8")


def export(template, template_tree, course: str, qid: str, ask_names, write) -> list[str]:
    """Write the question; returns the files written (relative to the course folder)."""
    from ..check import Rule
    from ..generate.variants import draw_variant
    from .pl_runtime import to_json
    root = Path(course)
    qdir = root / "questions" / qid
    t = draw_variant(template, 0, 1).trace        # a sample variant: shapes, symbols, tolerances
    rule = Rule.make(t.problem.decimals)
    title = template.raw.get("title") or qid
    info_path = qdir / "info.json"
    old = None
    if info_path.is_file():
        try:
            old = json.loads(info_path.read_text(encoding="utf-8")).get("uuid")
        except (ValueError, AttributeError):
            old = None
    info = {"uuid": old or str(uuid.uuid4()), "title": title, "topic": TOPIC,
            "tags": ["trace-net", "backpropagation"], "type": "v3"}
    qdir.mkdir(parents=True, exist_ok=True)
    files = {
        qdir / "info.json": json.dumps(info, indent=2) + "\n",
        qdir / "question.html": question_html(t, rule, ask_names, title),
        qdir / "server.py": SERVER.format(title=title, ask=list(ask_names)),
        qdir / "template.json": json.dumps(to_json(template.source_tree), indent=1, ensure_ascii=False) + "\n",
    }
    course_info = root / "infoCourse.json"
    if not course_info.exists():
        files[course_info] = json.dumps({"uuid": str(uuid.uuid4()), "name": "trace-net", "title": "trace-net homework",
                                         "topics": [{"name": TOPIC, "color": "blue1",
                                                     "description": "Training steps worked by hand"}],
                                         "tags": [{"name": "trace-net", "color": "gray1"},
                                                  {"name": "backpropagation", "color": "gray1"}]},
                                        indent=2) + "\n"
    for path, text in files.items():
        write(text, str(path))
    vendor(root / "serverFilesCourse" / "tracer")
    return [str(p.relative_to(root)) for p in files] + ["serverFilesCourse/tracer/"]
