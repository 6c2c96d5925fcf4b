"""Build the example course: every template of examples/templates on PrairieLearn, Moodle and
Canvas, and its printed homework, into this folder.

    python3 examples/course/build.py            # from the project's root, after pip install

writes prairielearn/ (a PrairieLearn course: infoCourse.json, one question per template,
trace-net vendored in serverFilesCourse), moodle/TEMPLATE.xml and canvas/TEMPLATE.zip (30
variants each, seed 2024) and print/TEMPLATE/ (30 problem sheets with QR codes, solutions and
answer keys as PDF).  Everything here but this script and the README is made by it.
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = sorted((HERE.parent / "templates").glob("*.yaml"))
SEED, COUNT = "2024", "30"


def trace_net(*args):
    print("trace-net", *args, flush=True)
    subprocess.run([sys.executable, "-m", "tracer.cli", *map(str, args)], check=True)


def main():
    for t in TEMPLATES:
        trace_net("export", "prairielearn", t, "--course", HERE / "prairielearn")
        trace_net("export", "moodle", t, "--count", COUNT, "--seed", SEED, "-o", HERE / "moodle" / f"{t.stem}.xml")
        trace_net("export", "canvas", t, "--count", COUNT, "--seed", SEED, "-o", HERE / "canvas" / f"{t.stem}.zip")
        if "--no-pdf" not in sys.argv:
            trace_net("generate", t, "--count", COUNT, "--seed", SEED, "--format", "pdf", "--qr", "--combined",
                      "-o", HERE / "print" / t.stem)


if __name__ == "__main__":
    for d in ("moodle", "canvas"):
        (HERE / d).mkdir(exist_ok=True)
    main()
