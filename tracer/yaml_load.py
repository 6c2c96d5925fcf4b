"""The one YAML loader of trace-net: problem, answers and template files all come through here.

Safe (no Python objects), bounded and strict where YAML 1.1 surprises people:

- at most MAX_DEPTH levels of nesting and MAX_NODES values with every alias expanded,
  checked on libyaml's event stream before anything is built (a file 30,000 levels deep
  would crash libyaml's recursive composer; an alias bomb would fill the memory later);
- a key given twice in one mapping is refused, naming both lines (YAML lets the last win);
- numbers are decimal only: no sexagesimal (`1:30` is text), no octal (`017` is 17), no
  underscores, no infinities or NaN, nothing beyond float64's range (`schema.number_value`);
- dates, sets, ordered maps and binary stay out: a tag other than str, int, float, bool,
  null, seq and map is refused.

Every refusal is a ProblemError naming the file and the line.
"""
from __future__ import annotations

import re

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode
from yaml.resolver import BaseResolver

from .messages import quoted
from .schema import Num, ProblemError, number_value

# Problem files nest 6 levels (network, a layer, linear, W, a row); answers and templates a
# few more.  libyaml's composer recurses in C and crashes near 20,000 levels.
MAX_DEPTH = 64
# Values (numbers, strings, lists, mappings) in one file, aliases expanded: a 784-64-10
# network with 32 samples has 76,000; loading 250,000 takes about 3 s (CPU) and 160 MB.
MAX_NODES = 250_000

try:            # libyaml's parser and composer: 8x faster on a 784-input network's weights
    from yaml.cyaml import CParser as _BASE
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _BASE(Reader, Scanner, Parser, Composer):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class _Resolver(BaseResolver):
    """YAML 1.1's implicit types without its traps: decimal integers and decimals only."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def _where(node_or_mark) -> str:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return f"line {mark.line + 1}, column {mark.column + 1}"


class BadNumber(str):
    """A number trace-net refuses (`.nan`, `1e999`), kept as its text with its place in the
    file (`where`: "line 3, column 8"), for a caller that names it by quantity too."""
    where = ""


class _Constructor(SafeConstructor):
    source = "input"
    keep_bad_numbers = False

    def refuse(self, node, message, invalid=False):
        raise ProblemError(self.source, f"{'invalid YAML at ' if invalid else ''}{_where(node)}: {message}")

    def flatten_mapping(self, node):
        seen = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                k = (key_node.tag, key_node.value)
                if k in seen:
                    a, b = seen[k].start_mark, key_node.start_mark
                    both = (f"line {a.line + 1}, columns {a.column + 1} and {b.column + 1}"
                            if a.line == b.line else f"lines {a.line + 1} and {b.line + 1}")
                    raise ProblemError(self.source, f"the key {quoted(key_node.value)} is given "
                                       f"twice, at {both}; keep one")
                seen[k] = key_node
        super().flatten_mapping(node)

    def construct_number(self, node):
        text = self.construct_scalar(node)
        if not isinstance(text, str):
            self.refuse(node, "a number tag on something that is not a number")
        try:
            return Num(number_value(text), text)
        except ValueError as e:
            if self.keep_bad_numbers:   # the caller refuses it by its place (answers: J, Z1[0][1])
                bad = BadNumber(text)
                bad.where = _where(node)
                return bad
            self.refuse(node, f"{quoted(text)} {e}")

    def construct_int(self, node):
        n = self.construct_number(node)
        if isinstance(n, str):
            return n
        if n.denominator != 1 or not re.fullmatch(r"[-+]?[0-9]+", n.text):
            self.refuse(node, f"{quoted(n.text)} is not a whole number")
        return int(n)

    def construct_bool(self, node):
        text = self.construct_scalar(node)
        if not isinstance(text, str) or text.lower() not in self.bool_values:
            self.refuse(node, f"{quoted(str(text))} is not true or false")
        return self.bool_values[text.lower()]

    def construct_unknown(self, node):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.refuse(node, f"the tag {quoted(tag)} is not used in trace-net files", invalid=True)


_Constructor.yaml_constructors = {}     # only the types below, nothing inherited
for _tag, _fn in [("null", SafeConstructor.construct_yaml_null),
                  ("bool", _Constructor.construct_bool),
                  ("int", _Constructor.construct_int),
                  ("float", _Constructor.construct_number),
                  ("str", SafeConstructor.construct_yaml_str),
                  ("seq", SafeConstructor.construct_yaml_seq),
                  ("map", SafeConstructor.construct_yaml_map)]:
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _fn)
_Constructor.add_constructor(None, _Constructor.construct_unknown)


class _Loader(_BASE, _Constructor, _Resolver):
    def __init__(self, stream):
        _BASE.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


def _check_size(text: str, source: str):
    """Refuse, from the event stream alone, a file nested too deep or too big once its
    aliases are expanded (each alias counts the whole value it stands for)."""
    loader = _Loader(text)
    sizes = {}                 # anchor -> (values, depth) of what it names
    stack = [[None, 0, 0]]     # per open collection: anchor, values inside, depth inside
    total = 0
    try:
        while loader.check_event():
            e = loader.get_event()
            if isinstance(e, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) > MAX_DEPTH:
                    raise ProblemError(source, f"{_where(e)}: nested more than {MAX_DEPTH} levels deep")
                stack.append([e.anchor, 0, 0])
                continue
            if isinstance(e, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, n, depth = stack.pop()
                n, depth = n + 1, depth + 1
            elif isinstance(e, yaml.ScalarEvent):
                anchor, n, depth = e.anchor, 1, 0
            elif isinstance(e, yaml.AliasEvent):
                anchor = None
                n, depth = sizes.get(e.anchor, (1, 0))
                if len(stack) - 1 + depth > MAX_DEPTH:
                    raise ProblemError(source, f"{_where(e)}: the alias *{e.anchor} nests the file "
                                       f"more than {MAX_DEPTH} levels deep")
            else:
                continue
            if anchor is not None:
                sizes[anchor] = (n, depth)
            top = stack[-1]
            top[1] += n
            top[2] = max(top[2], depth)
            total += n if isinstance(e, yaml.AliasEvent) else 1
            if total > MAX_NODES:
                raise ProblemError(source, f"{_where(e)}: more than {MAX_NODES:,} values "
                                   "(aliases counted as what they repeat); too big to trace")
    finally:
        loader.dispose()


def load_yaml(text: str, source: str = "input", keep_bad_numbers: bool = False):
    """Parse YAML safely and within bounds; every problem becomes one ProblemError naming
    `source` and the line.  With keep_bad_numbers, a number trace-net refuses (`.nan`, `1e999`)
    is kept as its text, for a caller that names its place itself (the answers file: by
    quantity, with every other problem of the file)."""
    try:
        _check_size(text, source)
        loader = _Loader(text)
        loader.source = source
        loader.keep_bad_numbers = keep_bad_numbers
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at {_where(mark)}" if mark else ""
        raise ProblemError(source, f"invalid YAML{where}: {e.problem or e.context}") from None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        what = f"U+{e.character:04X}" if isinstance(e.character, int) else "a byte"
        raise ProblemError(source, f"invalid YAML at line {line}, column {column}: the character "
                           f"{what} is not allowed in YAML (control characters must be escaped "
                           "in a double-quoted string)") from None
    except yaml.YAMLError as e:
        raise ProblemError(source, f"invalid YAML: {e}") from None
