"""The one YAML loader (tracer/yaml_load.py): bounded, strict about numbers and keys, and
every refusal one line with exit status 2, for problem, answers and template files alike."""
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer import ProblemError
from conftest import refused
from tracer.cli import main
from tracer.problem import load_problem, load_yaml
from tracer.yaml_load import MAX_DEPTH, MAX_NODES

ROOT = Path(__file__).resolve().parent.parent
OR = (ROOT / "worked_examples/or_gate/problem.yaml").read_text()
TEMPLATE = (ROOT / "examples/templates/or_gate.yaml").read_text()


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def lr(text):
    assert "lr: 0.5" in OR
    return OR.replace("lr: 0.5", f"lr: {text}")


def run_problem(tmp_path, text, *args):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return invoke(p, *args)


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value,words", [
    ("1:30.5", ["optimizer.sgd.lr", "'1:30.5'"]),          # YAML 1.1 sexagesimal: 90.5
    ("1:30", ["optimizer.sgd.lr", "'1:30'"]),               # and 90
    ("!!float nan", ["line 19", "no infinities or NaN"]),
    ("!!float inf", ["line 19", "no infinities or NaN"]),
    (".inf", ["line 19", "no infinities or NaN"]),
    ('"-Infinity"', ["optimizer.sgd.lr", "no infinities or NaN"]),
    ("9" * 5000, ["line 19", "more than 1000 digits"]),     # int() refuses past 4,300
    ('"' + "9" * 5000 + '/7"', ["optimizer.sgd.lr", "more than 1000 digits"]),
    ("1.0e+999999999", ["line 19", "out of range"]),        # Fraction(Decimal) hung on it
    ('"1e+999999999"', ["optimizer.sgd.lr", "out of range"]),
    ('"1e99999999999999999999999"', ["optimizer.sgd.lr", "out of range"]),
    ("1.0e+400", ["line 19", "out of range"]),
    ('"1e-5000"', ["optimizer.sgd.lr", "out of range"]),
    ('"0_3"', ["optimizer.sgd.lr", "'0_3'"]),               # Python's Decimal reads 3
    ("0_3", ["optimizer.sgd.lr", "'0_3'"]),                 # YAML 1.1 reads 3 (octal 03)
    ('"٠.١"', ["optimizer.sgd.lr", "'٠.١'"]),               # Arabic-Indic digits: 0.1 to Decimal
    ('"١/٣"', ["optimizer.sgd.lr"]),
    ("0x1F", ["optimizer.sgd.lr", "'0x1F'"]),
    ("2024-01-01", ["optimizer.sgd.lr", "'2024-01-01'"]),   # a date, not a datetime repr
    ('"1/0"', ["optimizer.sgd.lr", "divides by zero"]),
    ("!!int abc", ["line 19", "'abc'"]),
    ("!!int 1.5", ["line 19", "not a whole number"]),
    ("!!bool maybe", ["line 19", "not true or false"]),
    ("!!set {a, b}", ["line 19", "'!!set'"]),
    ("!!binary aGVsbG8=", ["line 19", "'!!binary'"]),
    ("!!timestamp 2001-12-14", ["line 19", "'!!timestamp'"]),
    ("!!python/object/apply:os.system [ls]", ["line 19", "'!!python/object/apply:os.system'"]),
])
def test_number_forms_are_refused_with_their_place(tmp_path, value, words):
    refused(run_problem(tmp_path, lr(value)), *words)


@pytest.mark.parametrize("value,expected", [
    ("017", Fraction(17)),              # YAML 1.1 would read octal 15
    ("1.5e-3", Fraction(3, 2000)), ("1e-8", Fraction(1, 10**8)), ('"1 / 3"', Fraction(1, 3)),
    (".5", Fraction(1, 2)), ("+2", Fraction(2)), ("1e307", Fraction(10**307)),
    ('"1e-300"', Fraction(1, 10**300)),
])
def test_decimal_number_forms_read_exactly(tmp_path, value, expected):
    p = tmp_path / "p.yaml"
    p.write_text(lr(value))
    assert load_problem(str(p)).opt_opts["lr"] == expected


def test_integer_fields_take_whole_numbers_only(tmp_path):
    refused(run_problem(tmp_path, OR + "steps: 2.0\n"), "steps: expected a whole number, got '2.0'")
    refused(run_problem(tmp_path, OR + "steps: 1:30\n"), "steps: expected a whole number, got '1:30'")


# -- duplicate keys --------------------------------------------------------------------------
def test_duplicate_key_in_a_problem_names_the_key_and_both_lines(tmp_path):
    line = refused(run_problem(tmp_path, OR + "title: again\n"), "'title'", "twice")
    assert "lines 3 and 20" in line
    line = refused(run_problem(tmp_path, lr("0.5, lr: 0.3")), "'lr'", "line 19, columns 19 and 28")


def test_duplicate_key_in_an_answers_file(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR)
    a = tmp_path / "a.yaml"
    a.write_text("Z1: [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]\nJ: 0.09\nZ1: [[0, 0, 0, 0], [0, 0, 0, 0]]\n")
    refused(invoke("check", p, a), "a.yaml", "'Z1'", "lines 1 and 3")


def test_duplicate_key_in_a_template(tmp_path):
    t = tmp_path / "t.yaml"
    t.write_text(TEMPLATE + "title: again\n")
    refused(invoke("generate", t, "-n", 1, "-o", tmp_path / "out"), "t.yaml", "'title'", "twice")


def test_merge_keys_may_be_overridden(tmp_path):
    # `<<` is not a duplicate: the explicit key wins over the merged one, as YAML says
    raw = load_yaml("base: &b {lr: 0.5, momentum: 0.9}\nsgd: {<<: *b, lr: 0.1}\n")
    assert raw["sgd"] == {"lr": Fraction(1, 10), "momentum": Fraction(9, 10)}


# -- bounds ----------------------------------------------------------------------------------
def test_thirty_thousand_levels_deep_is_refused_not_a_crash(tmp_path):
    # libyaml's composer recursed until it crashed (SIGSEGV): run it in its own process.
    # The document's mapping is level 1, so the 64th bracket is level 65
    p = tmp_path / "deep.yaml"
    p.write_text("title: " + "[" * 30000 + "]" * 30000 + "\n")
    r = subprocess.run([sys.executable, "-m", "tracer.cli", str(p)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines() == [f"Error: {p}: line 1, column {7 + MAX_DEPTH}: "
                                             f"nested more than {MAX_DEPTH} levels deep"]


@pytest.mark.parametrize("kind", ["block", "flow", "alias"])
def test_depth_limit_is_exact(kind):
    def doc(depth):
        if kind == "flow":
            return "[" * depth + "]" * depth
        if kind == "block":
            return "".join("  " * i + "-\n" for i in range(depth - 1)) + "  " * (depth - 1) + "- 1\n"
        return f"a: &a {'[' * (depth - 2)}{']' * (depth - 2)}\nb: [*a]\n"   # b is depth deep
    load_yaml(doc(MAX_DEPTH))
    with pytest.raises(ProblemError, match=f"more than {MAX_DEPTH} levels"):
        load_yaml(doc(MAX_DEPTH + 1))


def test_nested_answers_are_refused(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR)
    a = tmp_path / "a.yaml"
    a.write_text("Z1: " + "[" * 1000 + "]" * 1000 + "\n")
    refused(invoke("check", p, a), "a.yaml", "levels deep")


BOMB = "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9) if p else ', '.join(['lol'] * 9)}]\n"
               for p, c in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh"))


@pytest.mark.parametrize("where", ["answers", "template", "problem"])
def test_alias_bomb_is_refused_at_once(tmp_path, where):
    # 9^8 = 43 million strings once expanded; refused while reading the events, before the
    # document is even built (a MemoryError after a minute, before)
    f = tmp_path / "bomb.yaml"
    f.write_text(BOMB)
    p = tmp_path / "p.yaml"
    p.write_text(OR)
    args = {"answers": ("check", p, f), "template": ("generate", f, "-o", tmp_path / "o"),
            "problem": (f,)}[where]
    refused(invoke(*args), "bomb.yaml", f"more than {MAX_NODES:,} values", "aliases")


def test_node_limit_counts_every_value_once():
    load_yaml("[" + ", ".join(["1"] * (MAX_NODES - 1)) + "]")       # the list itself is one
    with pytest.raises(ProblemError, match="values"):
        load_yaml("[" + ", ".join(["1"] * MAX_NODES) + "]")
    # an alias counts what it repeats: 3 + 3 * 4 values
    small = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert load_yaml(small)["b"] == [[1, 2, 3]] * 3


def test_big_files_are_refused_before_reading_them_whole(tmp_path):
    from tracer.problem import MAX_BYTES
    p = tmp_path / "big.yaml"
    with open(p, "w") as f:
        f.write("# " + "x" * (MAX_BYTES + 10) + "\n")
    refused(invoke(p), "big.yaml", "larger than")


# -- reading ---------------------------------------------------------------------------------
def test_empty_file_message_names_the_file(tmp_path):
    p = tmp_path / "nothing.yaml"
    p.write_text("# only a comment\n")
    refused(invoke(p), f"{p}: the problem file is empty")
    refused(invoke("-", input=""), "<stdin>: the problem file is empty")


def test_non_utf8_on_standard_input(tmp_path):
    r = invoke("-", input=b"title: \xff\xfe\n" + OR.encode())
    refused(r, "<stdin>: is not UTF-8 text (at byte 8)")
    r = subprocess.run([sys.executable, "-m", "tracer.cli", "-"], input=b"title: \xff\n" + OR.encode(),
                       capture_output=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and b"Traceback" not in r.stderr, r.stderr
    assert r.stderr.decode().strip() == "Error: <stdin>: is not UTF-8 text (at byte 8)"


def test_standard_input_still_reads_utf8(tmp_path):
    r = invoke("-", input=("title: Straße\n" + OR.replace("title: ", "#")).encode())
    assert r.exit_code == 0, r.output
    assert "Straße" in r.output


def test_raw_control_character_is_refused_with_line_and_column(tmp_path):
    refused(run_problem(tmp_path, "title: a\x1bb\n" + OR.replace("title:", "#")), "line 1, column 9",
            "U+001B")
