"""Run PrairieLearn's own element code on an exported question: prepare, render (question,
submission and answer panels), parse and grade, in the order PrairieLearn's question server
calls them, with server.py's generate and grade between, and PrairieLearn's check_data on
every change server.py makes.  Not part of the tests: it needs a PrairieLearn checkout and its
Python packages (Python 3.13, lxml, chevron, pint, ...).

    python3.13 scripts/prairielearn_elements.py --pl PATH/TO/PrairieLearn --course COURSE --qid QID

What it does not run: PrairieLearn's Node server (mustache is rendered with chevron, as its
elements do; the <markdown> tags are left for Node to convert).
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path


def load_server(qdir: Path, server_files: Path):
    sys.path[:0] = [str(qdir), str(server_files)]
    path = qdir / "server.py"
    mod = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pl", required=True, help="a PrairieLearn checkout")
    ap.add_argument("--course", required=True)
    ap.add_argument("--qid", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None, help="write the three rendered panels here (HTML)")
    args = ap.parse_args()
    pl_python = Path(args.pl) / "apps" / "prairielearn" / "python"
    sys.path.insert(0, str(pl_python))
    import chevron
    from prairielearn.internal.check_data import check_data
    from prairielearn.internal.question_phases import process

    course = Path(args.course).resolve()
    qdir = course / "questions" / args.qid
    server = load_server(qdir, course / "serverFilesCourse")
    html = (qdir / "question.html").read_text(encoding="utf-8")
    elements = {n: {"name": n, "controller": f"{n}.py", "type": "core"}
                for n in ("pl-matrix-component-input", "pl-number-input", "pl-question-panel",
                          "pl-submission-panel", "pl-answer-panel")}
    options = {"course_element_files_url": "/elements", "course_element_extension_files_url": "/ext"}
    data = {"params": {}, "correct_answers": {}, "variant_seed": args.seed, "options": options,
            "preferences": {}, "extensions": {}}

    def phase(name, d, panel=None):
        d = copy.deepcopy(d)
        if panel:
            d.update(panel=panel, editable=panel == "question", manual_grading=False, ai_grading=False,
                     num_valid_submissions=1)
        context = {"html": chevron.render(html, d), "elements": elements, "element_extensions": {},
                   "course_path": str(course)}
        cwd = os.getcwd()
        try:
            out, done = process(name, d, context)
        finally:
            os.chdir(cwd)
        return out, done, d

    before = copy.deepcopy(data)
    server["generate"](data)
    check_data(before, data, "generate")
    report = {"generate": sorted(data["correct_answers"])}
    d = {**data, "answers_names": {}}
    _, done, d = phase("prepare", d)
    report["prepare"] = sorted(done)
    data["params"], data["correct_answers"] = d["params"], d["correct_answers"]

    question, done, _ = phase("render", {**data, "submitted_answers": {}, "format_errors": {},
                                         "raw_submitted_answers": {}, "partial_scores": {}, "score": 0,
                                         "feedback": {}}, "question")
    report["render question"] = sorted(done)

    # a student types the true values (as text), then one early slip in Z1's first entry
    raw = {}
    for name, v in data["correct_answers"].items():
        if isinstance(v, list):
            c = len(v[0])
            raw.update({f"{name}{c * i + j + 1}": f"{x:.6g}" for i, r in enumerate(v) for j, x in enumerate(r)})
        else:
            raw[name] = f"{v:.6g}"
    results = {}
    for label, change in (("right", {}), ("slip in Z1", {"Z11": None})):
        r = dict(raw)
        if "Z11" in change and "Z11" in r:
            r["Z11"] = f"{float(r['Z11']) + 0.5:.6g}"
        sub = {**data, "submitted_answers": dict(r), "raw_submitted_answers": dict(r), "format_errors": {},
               "partial_scores": {}, "score": 0, "feedback": {}, "gradable": True}
        _, parsed, sub = phase("parse", sub)
        assert not sub["format_errors"], sub["format_errors"]
        _, graded, sub = phase("grade", sub)
        before = copy.deepcopy(sub)
        server["grade"](sub)
        check_data(before, sub, "grade")
        results[label] = {"score": sub["score"],
                          "feedback": {k: v.get("feedback") for k, v in sub["partial_scores"].items()}}
        submission, _, _ = phase("render", sub, "submission")
        answer, _, _ = phase("render", sub, "answer")
        report[f"{label}: parse, grade"] = sorted(parsed | graded)
    report["results"] = results
    if args.out:
        Path(args.out).write_text("<h1>question</h1>" + question + "<h1>submission</h1>" + submission
                                  + "<h1>answer</h1>" + answer, encoding="utf-8")
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
