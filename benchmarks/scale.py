"""Latency and scale of the `trace-net` command, timed as whole processes.

- latency: `trace-net worked_examples/<name>/problem.yaml` (Markdown) beside a bare
  `python3 -c pass`, run in turn, median wall time of each and their ratio;
- scale: an exact trace of a 20-16-16-4 ReLU network on 8 samples to JSON, and a float trace
  of a 784-64-10 softmax network on 32 samples to Markdown;
- growth in exact mode: wall time against the width (n-n-n-4 ReLU, 8 samples, one step) and
  against the number of steps (20-16-16-4), with the longest denominator of the trace.

    python3 benchmarks/scale.py                # table on standard output
    python3 benchmarks/scale.py --json results/scale.json --runs 7

The problem files it times are generated (random two-decimal weights, fixed seed) into a
temporary folder, or into --keep DIR.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def problem(sizes, m, acts, loss, numbers, steps=1, seed=0):
    """A problem file's content: a network of `sizes` with random two-decimal weights."""
    rng = random.Random(seed)
    d = lambda: round(rng.uniform(-1, 1), 2)  # noqa: E731 - decimal text, read exactly
    net = []
    for i in range(len(sizes) - 1):
        net.append({"linear": {"W": [[d() for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
                               "b": [d() for _ in range(sizes[i + 1])]}})
        if acts[i]:
            net.append(acts[i])
    x = [[d() for _ in range(sizes[0])] for _ in range(m)]
    y = ([rng.randrange(sizes[-1]) for _ in range(m)] if loss == "cross_entropy"
         else [[d() for _ in range(sizes[-1])] for _ in range(m)])
    return {"title": f"{'-'.join(map(str, sizes))} on {m} samples", "numbers": numbers, "steps": steps,
            "data": {"x": x, "y": y}, "network": net, "loss": loss, "optimizer": {"sgd": {"lr": 0.1}}}


def write(folder, name, content):
    import yaml
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(content, default_flow_style=None, width=10**6))
    return path


# As after `pip install`: bytecode cached (some shells export PYTHONDONTWRITEBYTECODE, which
# would make every run compile the package's sources again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(cmd):
    """(wall seconds, cpu seconds of the child, error line or None) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err = r.stderr.decode().strip().splitlines()[-1] if r.returncode else None
    return dt, cpu, err


def wall(cmd, runs, warmup=1):
    """Median wall seconds of `cmd` over `runs` runs (output thrown away); None if it fails."""
    times = []
    for k in range(warmup + runs):
        dt, _, err = once(cmd)
        if err:
            return None, err
        if k >= warmup:
            times.append(dt)
    return statistics.median(times), None


def paired(cmd_a, cmd_b, runs):
    """A and B in turn, after a warm-up pair: the median wall and cpu seconds of each, and the
    medians of the ratios A/B pair by pair."""
    rows = []
    for k in range(runs + 1):
        a, b = once(cmd_a), once(cmd_b)
        if k:
            rows.append((a[0], b[0], a[1], b[1]))
    med = lambda i: statistics.median(r[i] for r in rows)  # noqa: E731
    return {"trace_net_s": med(0), "python_pass_s": med(1), "trace_net_cpu_s": med(2),
            "python_pass_cpu_s": med(3), "ratio": statistics.median(r[0] / r[1] for r in rows),
            "cpu_ratio": statistics.median(r[2] / r[3] for r in rows)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, help="also write the results to this file")
    p.add_argument("--keep", type=Path, help="write the generated problem files here")
    args = p.parse_args(argv)
    tool = shutil.which("trace-net")
    tn = [tool] if tool else [sys.executable, "-m", "tracer.cli"]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="trace-net-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    res = {"runs": args.runs, "python": sys.version.split()[0], "latency": [], "scale": [], "width": [], "steps": []}

    for ex in sorted((ROOT / "worked_examples").glob("*/problem.yaml")):
        r = paired(tn + [str(ex)], ["python3", "-c", "pass"], args.runs)
        res["latency"].append({"example": ex.parent.name, **r})
        print(f"latency  {ex.parent.name:24s} trace-net {r['trace_net_s']:.3f} s   python3 -c pass "
              f"{r['python_pass_s']:.3f} s   ratio {r['ratio']:.2f} (cpu time: {r['cpu_ratio']:.2f})")

    cases = [("exact 20-16-16-4 relu, 8 samples, json",
              problem([20, 16, 16, 4], 8, ["relu", "relu", None], "mse", "exact"), "json", 2.0),
             ("float 784-64-10 softmax, 32 samples, markdown",
              problem([784, 64, 10], 32, ["relu", "softmax"], "cross_entropy", "float"), "markdown", 2.0)]
    cases.append(("the same, every entry written (--max-entries 0)", cases[1][1], "markdown", None))
    for k, (what, content, fmt, budget) in enumerate(cases):
        path = write(folder, f"scale_{k}", content)
        extra = ["--max-entries", "0"] if budget is None else []
        t, err = wall(tn + [str(path), "--format", fmt] + extra, args.runs)
        res["scale"].append({"case": what, "seconds": t, "budget_s": budget, "error": err})
        print(f"scale    {what:48s} {t:.3f} s" + (f" (budget {budget} s)" if budget else "") if t
              else f"scale    {what}: {err}")

    for n in (4, 8, 16, 32, 64):
        path = write(folder, f"width_{n}", problem([n, n, n, 4], 8, ["relu", "relu", None], "mse", "exact"))
        t, err = wall(tn + [str(path), "--format", "json"], args.runs)
        res["width"].append({"width": n, "seconds": t, "error": err})
        print(f"width    {n}-{n}-{n}-4 exact json: " + (f"{t:.3f} s" if t else err))

    for steps in range(1, 6):
        content = problem([20, 16, 16, 4], 8, ["relu", "relu", None], "mse", "exact", steps=steps)
        path = write(folder, f"steps_{steps}", content)
        t, err = wall(tn + [str(path), "--format", "json"], args.runs)
        digits = longest_denominator(path) if t else None
        res["steps"].append({"steps": steps, "seconds": t, "max_denominator_digits": digits, "error": err})
        print(f"steps    20-16-16-4 exact json, {steps} step(s): "
              + (f"{t:.3f} s, longest denominator {digits} digits" if t else err))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1) + "\n")
    if not args.keep:
        shutil.rmtree(folder)


def longest_denominator(path):
    sys.path.insert(0, str(ROOT))
    from tracer import trace_file
    t = trace_file(str(path))
    longest = 0
    for st in t.steps:
        for q in st.quantities.values():
            for v in getattr(q.value, "flat", [q.value]):
                frac = t.entry(v)[0]
                if frac is not None:
                    longest = max(longest, len(str(frac.denominator)))
    return longest


if __name__ == "__main__":
    main()
