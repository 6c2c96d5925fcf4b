"""Run an exported PrairieLearn question's server.py as PrairieLearn's Python would: the question
folder as working directory, serverFilesCourse on the path, server.py exec'd as a module, and
every import refused that PrairieLearn's image does not bundle.

    python3 tests/pl_sandbox.py COURSE QID < calls.json > results.json

calls.json: {"variant_seed": S, "submissions": {label: raw_submitted_answers, ...}}; the
output: {"tracer": where trace-net was imported from, "generate": data, "grade": {label: data}}.

PRAIRIELEARN_IMAGE lists the top-level modules of that image: the dependencies of
PrairieLearn's Python project and everything they pull in (`uv sync --no-default-groups`, as
its Dockerfile runs it), read from PrairieLearn's pyproject.toml and uv.lock at commit
88fb8556a7 (July 2026).  PyYAML, click's CLI aside, is not among them.
"""
from __future__ import annotations

import copy
import importlib.machinery
import json
import os
import sys

PRAIRIELEARN_IMAGE = {
    "prairielearn", "ansi2html", "attr", "attrs", "automata", "cached_method", "certifi", "charset_normalizer",
    "chevron", "click", "coloraide", "contourpy", "cycler", "defusedxml", "et_xmlfile", "faker", "flexcache",
    "flexparser", "fontTools", "frozendict", "future", "past", "idna", "jinja2", "joblib", "jsonschema",
    "jsonschema_specifications", "kiwisolver", "lxml", "markdown_it", "markupsafe", "matplotlib", "mdurl",
    "mpmath", "narwhals", "networkx", "nltk", "numpy", "openpyxl", "packaging", "pandas", "patsy", "PIL",
    "pint", "platformdirs", "psutil", "pulp", "pyarrow", "Crypto", "pygments", "pygments_ansi_color",
    "pygraphviz", "pyparsing", "pyquaternion", "dateutil", "pytz", "referencing", "regex", "requests", "rich",
    "rpds", "schemdraw", "sklearn", "scipy", "seaborn", "six", "sketchresponse", "statsmodels", "sympy",
    "text_unidecode", "threadpoolctl", "tqdm", "typing_extensions", "tzdata", "tzlocal", "urllib3",
}


# imports that code tries inside try/except on any Python (the stdlib's copy module looks for
# Jython's org.python.core): refused like the rest, but not reported
OPTIONAL_PROBES = {"org"}


class ImageOnly:
    """A meta path finder: `tracer` from serverFilesCourse, stdlib and the image's packages as
    usual, anything else refused."""

    def __init__(self, server_files):
        self.server_files = server_files
        self.refused = []

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top == "tracer":
            if fullname == "tracer":
                return importlib.machinery.PathFinder.find_spec(fullname, [self.server_files])
            return None
        if top in sys.stdlib_module_names or top in PRAIRIELEARN_IMAGE or top.startswith("_"):
            return None
        if top not in OPTIONAL_PROBES:
            self.refused.append(fullname)
        raise ImportError(f"{fullname} is not in PrairieLearn's image")


def main():
    course, qid = sys.argv[1], sys.argv[2]
    calls = json.load(sys.stdin)
    qdir = os.path.join(course, "questions", qid)
    hook = ImageOnly(os.path.abspath(os.path.join(course, "serverFilesCourse")))
    sys.meta_path.insert(0, hook)
    for name in [m for m in sys.modules if m == "tracer" or m.startswith("tracer.")]:
        del sys.modules[name]
    os.chdir(qdir)
    path = os.path.abspath("server.py")
    mod = {"__file__": path}
    exec(compile(open(path, encoding="utf-8").read(), path, "exec"), mod)
    data = {"variant_seed": calls["variant_seed"], "params": {}, "correct_answers": {}, "options": {}}
    mod["generate"](data)
    graded = {}
    for label, raw in calls["submissions"].items():
        d = copy.deepcopy(data)
        d.update(raw_submitted_answers=raw, submitted_answers={}, partial_scores={}, feedback={},
                 format_errors={}, score=0)
        mod["grade"](d)
        graded[label] = d
    json.dump({"tracer": sys.modules["tracer"].__file__, "refused": hook.refused, "generate": data,
               "grade": graded}, sys.stdout)


if __name__ == "__main__":
    main()
