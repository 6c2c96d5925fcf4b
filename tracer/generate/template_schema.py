"""The JSON Schema of generate templates (docs/generate-format.md), for `trace-net schema
--template`: the problem file's schema (tracer/schema.py) with the template's additions grafted
on, so that the two cannot drift apart: any number, vector or matrix may be a random spec, the
network may be given by its sizes, and a `generate:` block is allowed.
"""
from __future__ import annotations

import copy

from ..trace_schema import DRAFT


def _is_number(node) -> bool:
    """The problem schema's number: anyOf [number, numeric string] (schema.Number)."""
    return isinstance(node, dict) and isinstance(node.get("anyOf"), list) and bool(node["anyOf"]) \
        and isinstance(node["anyOf"][0], dict) and node["anyOf"][0].get("type") == "number"


def _is_numbers(node) -> bool:
    """A vector or matrix of numbers (schema.Vector, schema.Matrix)."""
    if not (isinstance(node, dict) and node.get("type") == "array"):
        return False
    items = node.get("items", {})
    return _is_number(items) or (isinstance(items, dict) and items.get("type") == "array"
                                 and _is_number(items.get("items")))


def _graft(node, spec):
    """Every number, vector and matrix of the problem schema may also be a random spec."""
    if _is_number(node) or _is_numbers(node):
        inner = copy.deepcopy(node)
        doc = inner.pop("description", None)
        out = {"anyOf": [_graft_inside(inner, spec), spec]}
        return {**out, "description": doc} if doc else out
    if isinstance(node, dict):
        return {k: _graft(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_graft(v, spec) for v in node]
    return node


def _graft_inside(node, spec):
    """Inside a matrix or vector a single entry may be a spec too (W: [[{random: ...}, 0.5]])."""
    if _is_number(node):
        return node
    out = dict(node)
    out["items"] = _graft(node["items"], spec) if not _is_number(node["items"]) else \
        {"anyOf": [node["items"], spec]}
    return out


def template_schema() -> dict:
    """Generate templates: the problem schema, where any number, vector or matrix may be a
    random spec, the network may be given by its sizes, and a `generate:` block is allowed."""
    from ..schema import json_schema
    from .template import GENERATE, RANDOM_SPEC, SHORTHAND
    spec = {"$ref": "#/$defs/random"}
    problem = json_schema()
    s = _graft({k: v for k, v in problem.items() if not k.startswith("$") and k != "title"}, spec)
    props = s["properties"]
    shorthand = SHORTHAND.schema()
    shorthand["properties"]["W"] = {"anyOf": [spec], "description": shorthand["properties"]["W"].get("description", "")}
    shorthand["properties"]["b"] = {"anyOf": [spec, {"const": False}],
                                    "description": shorthand["properties"]["b"].get("description", "")}
    props["network"] = {"anyOf": [props["network"], shorthand],
                        "description": "a list of layers, or {sizes, activations, W, b}"}
    props["generate"] = GENERATE.schema()
    return {"$schema": DRAFT, "$id": "https://trace-net.invalid/template.schema.json",
            "title": "trace-net generate template", **s, "$defs": {"random": RANDOM_SPEC.schema()}}
