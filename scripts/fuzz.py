"""Fuzz trace-net's commands at length: hostile problem, answers and template files (the
strategies of tests/fuzzing.py), each command run in its own process within 10 s of CPU time and 1 GiB,
as issue 15 asks.  Prints a count per outcome; any traceback, crash, hang, memory blow-up,
NaN, control character or replaced device is listed with the file that caused it (kept in
the --keep folder).

    python3 scripts/fuzz.py --count 500 --jobs 2 --keep /tmp/fuzz-found
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fuzzing import ANSWERS, PROBLEMS, TEMPLATES, hostile_file  # noqa: E402

# 10 s of CPU time (the machine is shared: wall-clock time says little), 1 GiB of memory; a
# process still running after WALL seconds of wall-clock time is hung.
SECONDS, MEMORY, WALL = 10, 1 << 30, 180
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
BAD = {"traceback", "signal", "hang", "over 10 s CPU", "memory", "nan", "control", "device replaced",
       "multi-line error"}


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 5))


def run(args, folder: Path, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    try:
        r = subprocess.run([sys.executable, "-m", "tracer.cli", *map(str, args)], input=stdin,
                           capture_output=True, timeout=WALL, preexec_fn=_limits, cwd=folder, env=env)
    except subprocess.TimeoutExpired:
        return "hang", ""
    err = r.stderr
    if r.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "over 10 s CPU", " ".join(map(str, args[1:]))
    if r.returncode < 0:
        return "signal", f"signal {-r.returncode}"
    if b"MemoryError" in err:
        return "memory", err[-300:].decode(errors="replace")
    if b"Traceback" in err:
        return "traceback", err.decode(errors="replace").strip().splitlines()[-1] + "  " + " ".join(map(str, args[1:]))
    if CONTROL.search(err) or (args and "--format" in args and CONTROL.search(r.stdout)):
        return "control", err[-300:].decode(errors="replace")
    if r.returncode == 2:
        lines = err.decode(errors="replace").strip().splitlines()
        return ("refused", lines[0]) if len(lines) == 1 else ("multi-line error", "\n".join(lines[:3]))
    if re.search(rb"\bNaN\b|\bnan\b|Infinity", r.stdout) and b'"format": "trace-net/1"' in r.stdout:
        return "nan", ""
    return ("ok", "") if r.returncode in (0, 1) else (f"exit {r.returncode}", err[-300:].decode(errors="replace"))


def device_case(folder: Path, problem: Path, kind: str, fmt: str):
    """-o onto a private device node, FIFO or symlink: it must still be what it was."""
    target = folder / "out"
    if kind == "device":
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))     # a private /dev/null
        except PermissionError:
            return "skipped", "mknod needs root"
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        (folder / "real").write_text("keep")
        target.symlink_to(folder / "real")
    before = os.lstat(target)
    outcome = run([problem, "--format", fmt, "-o", target], folder)
    after = os.lstat(target)
    if stat.S_IFMT(after.st_mode) != stat.S_IFMT(before.st_mode) or after.st_ino != before.st_ino:
        return "device replaced", f"{kind} -o {fmt}"
    return outcome


def cases(count, seed):
    """(kind, file text, extra) drawn by Hypothesis from the fuzzing strategies."""
    drawn = []
    kinds = st.sampled_from(["trace"] * 5 + ["check"] * 3 + ["generate"] * 2 + ["valid"] * 2 + ["stdin"])

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw(data):
        kind = data.draw(kinds)
        if kind == "trace":
            drawn.append((kind, data.draw(hostile_file(PROBLEMS)), data.draw(st.sampled_from(
                [["--format", f] for f in ("json", "markdown", "latex", "text")]
                + [["--numbers", "float", "--format", "json"], ["--round", "2"], ["--numbers", "symbolic"],
                   ["--steps", "3", "--format", "json"], ["--detail", "entries", "--max-entries", "4"]]))))
        elif kind == "check":
            a = data.draw(st.sampled_from(ANSWERS))
            drawn.append((kind, data.draw(hostile_file([a])), a.parent / "problem.yaml"))
        elif kind == "generate":
            drawn.append((kind, data.draw(hostile_file(TEMPLATES)), None))
        elif kind == "valid":
            drawn.append((kind, data.draw(st.sampled_from(PROBLEMS)), data.draw(st.sampled_from(
                [["--numbers", n, "--format", f] for n in ("exact", "float") for f in ("json", "markdown")]))))
        else:
            drawn.append((kind, data.draw(st.binary(max_size=300)), None))

    import random
    random.seed(seed)
    from hypothesis import seed as hseed
    hseed(seed)(draw)()
    return drawn


def one(case, keep: Path | None, n: int):
    kind, text, extra = case
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        if kind == "stdin":
            outcome = run(["-", "--format", "json"], folder, stdin=text)
        elif kind == "valid":
            outcome = run([text, *extra], folder)
        else:
            f = folder / "input.yaml"
            f.write_text(text, encoding="utf-8", errors="surrogatepass")
            if kind == "trace":
                outcome = run([f, *extra], folder)
            elif kind == "check":
                outcome = run(["check", extra, f, "--format", "json"], folder)
            else:
                outcome = run(["generate", f, "--count", "2", "--seed", "1", "-o", folder / "out"], folder)
        if outcome[0] in BAD and keep:
            keep.mkdir(parents=True, exist_ok=True)
            data = text if isinstance(text, bytes) else str(text).encode("utf-8", "surrogatepass")
            (keep / f"{n:05d}-{kind}.yaml").write_bytes(data)
        return kind, outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="folder for the files that found something")
    a = ap.parse_args()
    todo = cases(a.count, a.seed)
    tally, found = collections.Counter(), []
    with ThreadPoolExecutor(a.jobs) as pool:
        for n, (kind, (what, line)) in enumerate(pool.map(lambda nc: one(nc[1], a.keep, nc[0]), enumerate(todo))):
            tally[what] += 1
            tally[f"{kind}:{what}"] += 1
            if what in BAD:
                found.append((n, kind, what, line))
    # -o onto what is not a file: every kind, every format
    for kind in ("device", "fifo", "symlink"):
        for fmt in ("json", "markdown", "pdf"):
            folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
            try:
                what, line = device_case(folder, PROBLEMS[0], kind, fmt)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            tally[f"-o {kind}:{what}"] += 1
            tally[what] += 1
            if what in BAD:
                found.append(("-o", kind, what, line))
    total = len(todo) + 9
    print(f"{total} inputs (seed {a.seed}):")
    for k in sorted(tally):
        print(f"  {k:28} {tally[k]}")
    print(f"found: {len(found)}")
    for f in found:
        print("  ", *f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
