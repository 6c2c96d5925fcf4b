"""Hand-made mutations of trace-net's guards and pinned behaviours, each run against the tests
that should catch it (issue 15.8): a mutation no test turns red is a behaviour without a test.

Each mutation replaces one exact piece of code (it must occur exactly once) in a copy of the
tree; the named tests then run there with `pytest -x`.  Prints caught/survived per mutation
and the score.  A whole-tree tool (mutmut) makes thousands of mutants, each needing the
3-10 minute suite on this 2-core machine: these are the ones that matter for issue 15.

    python3 scripts/mutations.py            # all
    python3 scripts/mutations.py depth alias   # those whose name contains a word
    python3 scripts/mutations.py -yaml         # all but those
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (name, file, original, mutant, tests)
MUTATIONS = [
    ("yaml depth limit off", "tracer/yaml_load.py", "if len(stack) > MAX_DEPTH:", "if False:",
     "tests/test_yaml_load.py"),
    ("yaml alias counted once", "tracer/yaml_load.py", "total += n if isinstance(e, yaml.AliasEvent) else 1",
     "total += 1", "tests/test_yaml_load.py"),
    ("yaml alias depth off", "tracer/yaml_load.py", "if len(stack) - 1 + depth > MAX_DEPTH:", "if False:",
     "tests/test_yaml_load.py"),
    ("yaml duplicate keys allowed", "tracer/yaml_load.py", "                if k in seen:", "                if False:",
     "tests/test_yaml_load.py"),
    ("yaml sexagesimal integers", "tracer/yaml_load.py", '"tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$")',
     '"tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9][0-9_:]*$")', "tests/test_yaml_load.py"),
    ("yaml unknown tags allowed", "tracer/yaml_load.py", "_Constructor.add_constructor(None, _Constructor.construct_unknown)",
     "_Constructor.add_constructor(None, SafeConstructor.construct_undefined)", "tests/test_yaml_load.py"),
    ("number range unchecked", "tracer/schema.py", "if d and not MIN_EXPONENT <= d.adjusted() <= MAX_EXPONENT:",
     "if False:", "tests/test_yaml_load.py tests/test_limits.py"),
    ("number digits unchecked", "tracer/schema.py", "        if digits > NUMBER_DIGITS:", "        if False:",
     "tests/test_yaml_load.py"),
    ("fraction range unchecked", "tracer/schema.py", "        if a >= Fraction(10) ** (MAX_EXPONENT + 1) or a < Fraction(1, 10 ** -MIN_EXPONENT):",
     "        if False:", "tests/test_yaml_load.py tests/test_api_guards.py"),
    ("nan message lost", "tracer/schema.py", "    elif _NOT_FINITE.fullmatch(t):", "    elif False:",
     "tests/test_api_guards.py"),
    ("underscores in numbers", "tracer/schema.py", r'_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*',
     r'_DECIMAL = re.compile(r"[-+]?(?:[0-9][0-9_]*\.?[0-9]*', "tests/test_yaml_load.py tests/test_messages.py"),
    ("bool taken as a number", "tracer/schema.py", "    if isinstance(v, (bool, np_bool_types())) or v is None:",
     "    if v is None:", "tests/test_api_guards.py"),
    ("numpy arrays not lists", "tracer/problem.py", 'if type(v).__module__ == "numpy" and getattr(v, "ndim", 0) > 0:',
     "if False:", "tests/test_api_guards.py"),
    ("empty file unnamed", "tracer/problem.py", '        raise ProblemError(source, "the problem file is empty")',
     '        raise ProblemError("", "the problem file is empty")', "tests/test_yaml_load.py"),
    ("render option range off", "tracer/schema.py", "    if v < lo or (hi is not None and v > hi):", "    if False:",
     "tests/test_api_guards.py"),
    ("trace index unchecked", "tracer/trace.py", "        if step is None or not -len(self.steps) <= step < len(self.steps):",
     "        if step is None:", "tests/test_api_guards.py"),
    ("exact exp overflow raw", "tracer/numbers.py", "    except decimal.Overflow:           # e^x past 10^(10^9): x > 2.3e9",
     "    except ZeroDivisionError:", "tests/test_limits.py"),
    ("exact sigmoid far left naive", "tracer/numbers.py", "    if x.decimal() >= FAR_LEFT:\n        return one / (one + r_exp(-x))",
     "    if True:\n        return one / (one + r_exp(-x))", "tests/test_limits.py"),
    ("exact softmax unshifted", "tracer/numbers.py",
     "        if all(abs(v) <= 1000 for v in np.ravel(top)):\n            return super().softmax(Z, axis)",
     "        if True:\n            return super().softmax(Z, axis)", "tests/test_limits.py"),
    ("float overflow unnoticed", "tracer/numbers.py", "        if not np.isfinite(X).all():", "        if False:",
     "tests/test_limits.py"),
    ("exact beyond float range unnoticed", "tracer/numbers.py",
     "if q.numerator.bit_length() - q.denominator.bit_length() > 1022 and abs(q) > FLOAT_MAX:", "if False:",
     "tests/test_limits.py"),
    ("work budget off", "tracer/budget.py", "if limit is None or per_step * problem.steps <= limit:", "if True:",
     "tests/test_limits.py"),
    ("trace size budget off", "tracer/budget.py", "    if n * steps > limit:", "    if False:", "tests/test_limits.py"),
    ("sheet budget off", "tracer/budget.py", "    n, limit = sheet_entries(trace, max_entries), MAX_SHEET_ENTRIES.get(detail, 40_000)\n    if n > limit:",
     "    n, limit = sheet_entries(trace, max_entries), MAX_SHEET_ENTRIES.get(detail, 40_000)\n    if False:",
     "tests/test_limits.py"),
    ("pdf source budget off", "tracer/budget.py", "    if len(latex) > MAX_PDF_SOURCE:", "    if False:",
     "tests/test_limits.py"),
    ("-o symlink replaced", "tracer/cli.py", "    target = Path(os.path.realpath(path))", "    target = Path(path)",
     "tests/test_output_files.py"),
    ("-o device replaced", "tracer/cli.py",
     'if not stat.S_ISREG(st.st_mode) or os.path.abspath(path).startswith(("/dev/", "/proc/")):',
     'if os.path.abspath(path).startswith(("/proc/",)):', "tests/test_output_files.py"),
    ("-o input overwritten", "tracer/cli.py", "if (g.st_dev, g.st_ino) == (st.st_dev, st.st_ino):", "if False:",
     "tests/test_output_files.py"),
    ("-o stale temporary kept", "tracer/cli.py",
     "            if _alive(int(pid_text)) and time.time() - st.st_mtime < _STALE_SECONDS:",
     "            if True:", "tests/test_output_files.py"),
    ("-o empty name", "tracer/cli.py", "    if not path.strip():", "    if False:", "tests/test_output_files.py"),
    ("-o fifo blocks", "tracer/cli.py", "(os.O_NONBLOCK if fifo else 0)", "0", "tests/test_output_files.py"),
    ("exit status 1 for bad input", "tracer/cli.py", "    exit_code = 2\n", "    exit_code = 1\n",
     "tests/test_messages.py"),
    ("messages not terminal-safe", "tracer/cli.py", "        e.message = terminal_safe(e.message)", "        pass",
     "tests/test_messages.py"),
    ("C1 controls to the terminal", "tracer/messages.py", r'UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f',
     r'UNSAFE = re.compile("[\x00-\x1f', "tests/test_messages.py"),
    ("bidi overrides to the terminal", "tracer/messages.py", r"\u200e\u200f\u202a-\u202e\u2066-\u2069]", "]",
     "tests/test_messages.py"),
    ("messages uncut", "tracer/messages.py", "    return s if len(s) <= MESSAGE_LIMIT else", "    return s if True else",
     "tests/test_messages.py"),
    ("C1 controls into LaTeX", "tracer/render/escape.py", "    return UNSAFE.match(c) is not None",
     '    return c < " "', "tests/test_pinned.py"),
    ("exact ReLU'(0) = 1", "tracer/numbers.py", "            out[idx] = one if v > 0 else zero",
     "            out[idx] = one if v >= 0 else zero", "tests/test_pinned.py"),
    ("float round on the binary value", "tracer/numbers.py",
     "float(round_half_away(Fraction(Decimal(repr(float(v)))), k))", "float(round_half_away(Fraction(float(v)), k))",
     "tests/test_pinned.py"),
    ("negative fraction loses its sign", "tracer/numtext.py", '("-" if q < 0 else "", abs(q.numerator), q.denominator)',
     '("", abs(q.numerator), q.denominator)', "tests/test_pinned.py"),
    ("augmented constant row decays", "tracer/optim.py", "        if mask is not None:\n            g = Mul(Ref(mask), g)",
     "        if False:\n            g = Mul(Ref(mask), g)", "tests/test_pinned.py"),
    ("frozen augmented bias moves", "tracer/optim.py", "if lay.aug and (lay.freeze or self.decays()):",
     "if lay.aug and self.decays():", "tests/test_pinned.py"),
]


def copy_tree(dest: Path):
    for name in ("tracer", "tests", "templates", "worked_examples", "examples", "docs", "scripts", "benchmarks"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "node_modules", ".hypothesis"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    mathjax = ROOT / "tests/mathjax/node_modules"
    if mathjax.exists():
        (dest / "tests/mathjax/node_modules").symlink_to(mathjax)


def main(words):
    skip = [w[1:] for w in words if w.startswith("-")]
    words = [w for w in words if not w.startswith("-")]
    chosen = [m for m in MUTATIONS if (not words or any(w in m[0] for w in words))
              and not any(w in m[0] for w in skip)]
    results = []
    with tempfile.TemporaryDirectory(prefix="trace-net-mutants-") as tmp:
        dest = Path(tmp)
        copy_tree(dest)
        for name, rel, old, new, tests in chosen:
            f = dest / rel
            text = f.read_text(encoding="utf-8")
            if text.count(old) != 1:
                results.append((name, f"NOT APPLIED ({text.count(old)} matches)", tests))
                print(f"{name:40} NOT APPLIED: {text.count(old)} matches in {rel}", flush=True)
                continue
            f.write_text(text.replace(old, new), encoding="utf-8")
            try:
                r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                    *tests.split()], cwd=dest, capture_output=True, text=True, timeout=300,
                                   env={**__import__("os").environ, "PYTHONPATH": str(dest)})
                verdict = "caught" if r.returncode == 1 else ("survived" if r.returncode == 0 else f"error {r.returncode}")
                first = next((ln for ln in r.stdout.splitlines() if ln.startswith("FAILED")), "")
            except subprocess.TimeoutExpired:
                verdict, first = "caught (a test hangs)", ""
            finally:
                f.write_text(text, encoding="utf-8")
            results.append((name, verdict, first))
            print(f"{name:40} {verdict:9} {first[:110]}", flush=True)
    caught = sum(r[1].startswith("caught") for r in results)
    print(f"\n{caught} of {len(results)} mutations caught")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
