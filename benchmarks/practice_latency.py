"""How long the practice server takes to grade: whole HTTP requests to `trace-net practice`
(the real command, in its own process), side by side with `trace-net check --format json`
(a whole process) on the same answers.

For every worked example, two bodies: the seed's own answers (where the example has them)
and a whole sheet (every quantity the page asks, from the trace, 6 significant digits: the
heaviest request a page sends).  Requests go one at a time, each on a new connection, as the
page sends them; the figure is the wall time from connect to the last byte of the reply.

    python3 benchmarks/practice_latency.py [--requests 30] [--json benchmarks/results/practice.json]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "worked_examples"


def whole_sheet(name):
    """Every asked quantity of the example's page, as the page sends it (numbers as text)."""
    from tracer.practice.catalog import load
    from tracer.practice.sheet import build_sheet
    entry = load(EXAMPLES / name / "problem.yaml").entries[name]
    t = entry.trace()
    steps = [{} for _ in t.steps]
    for q in build_sheet(entry)["spec"]["quantities"]:
        value = t.steps[q["step"]].quantities[q["name"]].value
        steps[q["step"]][q["name"]] = _text(t.floats(value))
    return {"answers": steps[0]} if len(steps) == 1 else {"steps": steps}


def _text(v):
    return [_text(x) for x in v] if isinstance(v, list) else f"{v:.6g}"


def seed_body(path):
    from tracer.practice.grading import body_of
    from tracer.problem import load_yaml
    return body_of(load_yaml(path.read_text(), str(path)))


def as_yaml(body) -> str:
    import yaml
    return yaml.safe_dump(body.get("answers", body), default_flow_style=None)


def post(port, name, data: bytes) -> tuple[float, float, int]:
    """(wall seconds of the whole request, the server's cpu seconds grading it, status)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", f"/p/{name}/check", body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    conn.close()
    wall = time.perf_counter() - t0
    cpu = re.search(r"cpu;dur=([\d.]+)", r.getheader("Server-Timing") or "")
    return wall, float(cpu.group(1)) / 1000 if cpu else float("nan"), r.status


def start_server():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tracer.cli", "practice", str(EXAMPLES), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, int(m.group(1))


def time_cli(problem, answers_text, runs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(answers_text)
    try:
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tracer.cli", "check", str(problem), f.name, "--format", "json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            out.append(time.perf_counter() - t0)
        return out
    finally:
        os.unlink(f.name)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=30, help="requests per body (default 30)")
    ap.add_argument("--cli-runs", type=int, default=3, help="trace-net check runs per body (default 3)")
    ap.add_argument("--json", help="also write every timing to this file")
    args = ap.parse_args(argv)
    from tracer.graph.problem import is_graph
    from tracer.problem import load_yaml
    bodies = []
    for d in sorted(p.parent for p in EXAMPLES.glob("*/problem.yaml")):
        if is_graph(load_yaml((d / "problem.yaml").read_text(), str(d))):
            continue                            # the practice page takes network problems only
        if (d / "seed_answers.yaml").exists():
            bodies.append((d.name, "seed answers", seed_body(d / "seed_answers.yaml")))
        bodies.append((d.name, "whole sheet", whole_sheet(d.name)))
    proc, port = start_server()
    rows = []
    try:
        for name, what, body in bodies:
            data = json.dumps(body).encode()
            post(port, name, data)                          # warm: imports done, trace made
            times, cpus = [], []
            for _ in range(args.requests):
                dt, cpu, status = post(port, name, data)
                assert status == 200, (name, what, status)
                times.append(dt)
                cpus.append(cpu)
            cli = time_cli(EXAMPLES / name / "problem.yaml", as_yaml(body), args.cli_runs)
            given = sum(len(s) for s in body["steps"]) if "steps" in body else len(body["answers"])
            rows.append({"example": name, "body": what, "quantities": given, "bytes": len(data),
                         "request_ms": [round(t * 1000, 2) for t in times],
                         "server_cpu_ms": [round(t * 1000, 2) for t in cpus],
                         "cli_ms": [round(t * 1000, 1) for t in cli]})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print("| example | body | quantities | request median ms | p95 ms | max ms | server cpu median ms "
          "| `trace-net check` median ms | check / request |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        q = sorted(r["request_ms"])
        med, p95 = statistics.median(q), q[min(len(q) - 1, int(0.95 * len(q)))]
        cli = statistics.median(r["cli_ms"])
        print(f"| {r['example']} | {r['body']} | {r['quantities']} | {med:.1f} | {p95:.1f} | {q[-1]:.1f} | "
              f"{statistics.median(r['server_cpu_ms']):.1f} | {cli:.0f} | {cli / med:.0f}× |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    if args.json:
        Path(args.json).write_text(json.dumps({"requests": args.requests, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
