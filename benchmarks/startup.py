#!/usr/bin/env python3
"""Start-up time of the `trace-net` command, timed as whole processes beside `python3 -c pass`.

Each command runs side by side with the baseline under hyperfine (`-N`, warm-up runs, then
--runs counted runs of each), as the command a user types: a `trace-net` console script (the
one `pip install` writes: `from tracer.cli import main; sys.exit(main())`) on this checkout,
bytecode cached.  The ratios: median wall time over the baseline's, and mean cpu time (user +
system) over the baseline's, the figure a loaded machine disturbs least.  Then `python3 -X importtime` lists the heavy packages each command imports
(numpy, PyYAML, jinja2, sympy, torch, ...), with their cumulative import time in one run.

    python3 benchmarks/startup.py                         # a table on standard output
    python3 benchmarks/startup.py --runs 30 --json benchmarks/results/startup.json

Without hyperfine on PATH the runs are timed here instead (time.perf_counter around each
process, baseline and command in turn, median).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "worked_examples/or_gate/problem.yaml"
CASES = [       # (label, trace-net's arguments)
    ("trace-net --help", ["--help"]),
    ("trace-net or_gate --format text", [EXAMPLE, "--format", "text"]),
    ("trace-net or_gate --format json", [EXAMPLE, "--format", "json"]),
    ("trace-net or_gate --format markdown", [EXAMPLE, "--format", "markdown"]),
    ("trace-net schema", ["schema"]),
]
HEAVY = ("numpy", "yaml", "jinja2", "sympy", "torch", "matplotlib", "flask", "werkzeug", "pypdf", "tqdm",
         "click")
# As after `pip install`: bytecode cached (some shells export PYTHONDONTWRITEBYTECODE, which would
# make every run compile the package's sources again); this checkout's tracer first.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}


def launcher(folder: Path) -> Path:
    """A console script named trace-net, as pip writes it (tracer/__init__.py looks at the
    program's name)."""
    path = folder / "trace-net"
    path.write_text(f"#!{sys.executable}\nimport sys\nfrom tracer.cli import main\nsys.exit(main())\n")
    path.chmod(0o755)
    return path


def shell_words(cmd: list[str]) -> str:
    import shlex
    return " ".join(shlex.quote(c) for c in cmd)


def with_hyperfine(baseline, cmd, runs, warmup) -> tuple[tuple[float, float], tuple[float, float]]:
    """((median wall s, mean cpu s) of baseline, the same of cmd), run in turn by hyperfine."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                        "--export-json", out.name, shell_words(baseline), shell_words(cmd)],
                       cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)     # its warnings on a loaded machine
        res = json.loads(Path(out.name).read_text())["results"]
    return tuple((r["median"], r["user"] + r["system"]) for r in res)


def by_hand(baseline, cmd, runs, warmup):
    """As with_hyperfine, timed here: wall around each process, cpu from its rusage."""
    times, cpus = ([], []), ([], [])
    for i in range(warmup + runs):
        for k, c in enumerate((baseline, cmd)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(c, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= warmup:
                times[k].append(wall)
                cpus[k].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return tuple((statistics.median(times[k]), statistics.mean(cpus[k])) for k in (0, 1))


def imports(cmd) -> dict[str, float]:
    """The heavy top-level packages a run imports, and their cumulative import ms."""
    r = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=ROOT, env=ENV, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = {}
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        name = name.strip()
        if name in HEAVY and name not in found:
            found[name] = int(cumulative) / 1000
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", metavar="FILE", help="write the figures to FILE")
    args = ap.parse_args()
    timer = with_hyperfine if shutil.which("hyperfine") else by_hand
    baseline = [sys.executable, "-c", "pass"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="trace-net-startup-") as d:
        exe = launcher(Path(d))
        cases = [("python3 -c 'import numpy' (for scale)", [sys.executable, "-c", "import numpy"])]
        cases += [(label, [str(exe), *argv]) for label, argv in CASES]
        for label, cmd in cases:
            (base, base_cpu), (t, cpu) = timer(baseline, cmd, args.runs, args.warmup)
            rows.append({"what": label, "baseline_s": base, "wall_s": t, "ratio": t / base,
                         "baseline_cpu_s": base_cpu, "cpu_s": cpu, "cpu_ratio": cpu / base_cpu,
                         "imports_ms": imports(cmd) if cmd[0] == str(exe) else {}})
    print(f"{'command':40} {'wall ms':>8} {'python3 -c pass':>16} {'ratio':>6} {'cpu ratio':>9}  "
          "heavy imports (ms, one run)")
    for r in rows:
        heavy = ", ".join(f"{k} {v:.0f}" for k, v in r["imports_ms"].items()) or "-"
        print(f"{r['what']:40} {1000 * r['wall_s']:8.1f} {1000 * r['baseline_s']:16.1f} "
              f"{r['ratio']:5.2f}× {r['cpu_ratio']:8.2f}×  {heavy}")
    if args.json:
        info = {"python": sys.version.split()[0], "timer": timer.__name__, "runs": args.runs,
                "warmup": args.warmup, "load_average": os.getloadavg(), "rows": rows}
        Path(args.json).write_text(json.dumps(info, indent=1) + "\n")


if __name__ == "__main__":
    main()
