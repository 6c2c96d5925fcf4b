"""`trace-net generate --format pdf`: 200 variants of examples/templates/or_gate.yaml (a sheet
and a solution each, 400 PDFs), timed as whole processes with hyperfine, beside the ways it
could be done:

- shipped:   `trace-net generate ... --format pdf` (batches of 20 sheets compiled as one
             document, one pdflatex per core, split with pypdf);
- sequential (the yardstick): `--format latex`, then one pdflatex pass per document, one
             after another;
- pool:      `--format latex`, then one pdflatex pass per document, as many at once as there
             are cores (xargs -P).

The three run in turn, one run each per round (A B C A B C ...), so that a machine whose
load drifts slows all of them alike; the ratios are taken round by round and their median
quoted.  Each run starts from an empty folder.

    python3 benchmarks/generate_pdf.py                      # 200 variants, 3 rounds, a table
    python3 benchmarks/generate_pdf.py --count 20 --rounds 1
    python3 benchmarks/generate_pdf.py --json benchmarks/results/generate_pdf.json
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))       # this checkout's tracer, as the commands below run it
TEMPLATE = ROOT / "examples" / "templates" / "or_gate.yaml"
PDFLATEX = "pdflatex -no-shell-escape -interaction=batchmode -halt-on-error"


def commands(count: int, work: Path, jobs: int) -> dict[str, str]:
    gen = f"{shlex.quote(sys.executable)} -m tracer.cli generate {shlex.quote(str(TEMPLATE))} -n {count} --seed 1"
    d = {k: shlex.quote(str(work / k)) for k in ("shipped", "sequential", "pool")}
    return {
        "shipped": f"{gen} --format pdf -o {d['shipped']}",
        "sequential": f"{gen} --format latex -o {d['sequential']} && cd {d['sequential']} && "
                      f"for f in sheet-*.tex solution-*.tex; do {PDFLATEX} \"$f\" >/dev/null; done",
        "pool": f"{gen} --format latex -o {d['pool']} && cd {d['pool']} && "
                f"ls sheet-*.tex solution-*.tex | xargs -P {jobs} -n 1 {PDFLATEX} >/dev/null",
    }


def hyperfine(name: str, cmd: str, work: Path) -> dict:
    out = work / f"{name}.json"
    subprocess.run(["hyperfine", "--runs", "1", "--style", "none", "--shell", "sh",
                    "--prepare", f"rm -rf {shlex.quote(str(work / name))}",
                    "--export-json", str(out), "--command-name", name, cmd],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=ENV)
    r = json.loads(out.read_text())["results"][0]
    return {"wall": r["times"][0], "cpu": r["user"] + r["system"]}


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="write every run's figures here")
    args = ap.parse_args()
    from tracer.generate.pdfs import default_jobs
    jobs = default_jobs()
    runs: dict[str, list] = {}
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as w:
        work = Path(w)
        cmds = commands(args.count, work, jobs)
        for r in range(args.rounds):
            for name, cmd in cmds.items():
                runs.setdefault(name, []).append(hyperfine(name, cmd, work))
                print(f"round {r + 1}: {name} {runs[name][-1]['wall']:.1f} s", file=sys.stderr)
        pdfs = len(list((work / "shipped").glob("*.pdf")))
    med = {n: {k: statistics.median(x[k] for x in rs) for k in ("wall", "cpu")} for n, rs in runs.items()}
    ratio = {n: {k: statistics.median(a[k] / b[k] for a, b in zip(rs, runs["sequential"])) for k in ("wall", "cpu")}
             for n, rs in runs.items()}
    print(f"{args.count} variants ({pdfs} PDFs), {jobs} cores, {args.rounds} round(s); medians\n")
    print("| way | wall s | cpu s | wall / sequential | cpu / sequential |\n|---|---|---|---|---|")
    for n in runs:
        print(f"| {n} | {med[n]['wall']:.1f} | {med[n]['cpu']:.1f} | {ratio[n]['wall']:.3f} | {ratio[n]['cpu']:.3f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"count": args.count, "pdfs": pdfs, "cores": jobs,
                                               "load_average_at_end": os.getloadavg(), "commands": cmds,
                                               "runs": runs, "median": med, "ratio_to_sequential": ratio},
                                              indent=1) + "\n")


if __name__ == "__main__":
    main()
