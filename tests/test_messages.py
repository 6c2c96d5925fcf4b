"""Messages (issue 15.7): one line naming the place, exit status 2, and terminal-safe: a
control character, a line break or a bidi override in a key, a value or a file name is shown
as an escape, so a file cannot clear the screen or print a fake "All good"."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import refused
from tracer.cli import main
from tracer.messages import MESSAGE_LIMIT, quoted, terminal_safe

ROOT = Path(__file__).resolve().parent.parent
OR_FILE = ROOT / "worked_examples/or_gate/problem.yaml"
OR = OR_FILE.read_text()
TEMPLATE = (ROOT / "examples/templates/or_gate.yaml").read_text()
EVIL = "\x1b[2J\x1b[32mAll good\nError: none\u202e\x85\x07"


def one_line(r, *words):
    line = refused(r, *words)
    for c in "\x1b\x07\x85\u202e":
        assert c not in r.output, f"{c!r} reached the terminal"
    return line


def yaml_text(s):
    """`s` as a YAML double-quoted string."""
    return '"' + s.encode("unicode_escape").decode().replace('"', '\\"') + '"'


def test_terminal_safe_escapes_every_steering_character():
    assert terminal_safe(EVIL) == "\\x1b[2J\\x1b[32mAll good\\nError: none\\u202e\\x85\\x07"
    for c in [chr(i) for i in range(32)] + [chr(i) for i in range(0x7f, 0xa0)] + ["\u2028", "\u2029", "\u2066"]:
        assert c not in terminal_safe("a" + c + "b")
    assert terminal_safe("naïve Δ ≤ ŷ") == "naïve Δ ≤ ŷ"        # printable text stays itself
    assert len(terminal_safe("x" * 10 ** 5)) == MESSAGE_LIMIT
    assert quoted("y" * 100) == "'" + "y" * 59 + "…'"


def test_an_unknown_key_cannot_steer_the_terminal(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR + yaml_text(EVIL) + ": 1\n")
    one_line(CliRunner().invoke(main, [str(p)]), "\\x1b[2J", "unknown key")


def test_a_bad_value_cannot_steer_the_terminal(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(OR.replace("lr: 0.5", "lr: " + yaml_text(EVIL)))
    one_line(CliRunner().invoke(main, [str(p)]), "optimizer.sgd.lr", "\\x1b[2J")


def test_an_answers_key_cannot_steer_the_terminal(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(yaml_text(EVIL) + ": 1\n")
    one_line(CliRunner().invoke(main, ["check", str(OR_FILE), str(a)]), "no quantity of that name")


def test_a_template_cannot_steer_the_terminal(tmp_path):
    t = tmp_path / "t.yaml"
    t.write_text(TEMPLATE.replace("title: OR gate, one hidden layer", "title: x\n" + yaml_text(EVIL) + ": 1"))
    one_line(CliRunner().invoke(main, ["generate", str(t), "-o", str(tmp_path / "out")]), "\\x1b[2J")


def test_a_file_name_cannot_steer_the_terminal(tmp_path):
    name = str(tmp_path / ("missing" + EVIL.replace("\n", "") + ".yaml"))
    one_line(CliRunner().invoke(main, [name]), "\\x1b[2J")
    one_line(CliRunner().invoke(main, [str(OR_FILE), "-o", str(tmp_path / "nofolder" / "a\x1b[2J.md")]),
             "\\x1b[2J", "does not exist")


@pytest.mark.parametrize("value, shown", [
    ("{a: 1, b: 2}", "got a mapping"), ("[1, 2]", "got a list"), ("[]", "got an empty list"),
    ("null", "got nothing (null)"), ("yes", "got true"), ("'1/5x'", "got '1/5x'"), ("1/5", "'1/5'")])
def test_no_internal_representation_is_shown(tmp_path, value, shown):
    p = tmp_path / "p.yaml"
    p.write_text(OR.replace("lr: 0.5", "lr: " + value).replace("decimals: 4", "decimals: 4\nsteps: " + value))
    line = one_line(CliRunner().invoke(main, [str(p)]))
    assert shown in line
    for internal in ("Num(", "Fraction(", "{'", "['", "<class", "object at 0x"):
        assert internal not in line, line
