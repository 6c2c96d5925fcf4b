"""The JSON Schema of the trace JSON that `--format json` writes (docs/problem-format.md,
sections 3 and 6), for `trace-net schema --trace`.  Written out from the contract, not from
the code that writes the JSON, so that tests/test_schemas.py can hold one against the other.
"""
from __future__ import annotations

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# the contract's names (docs/problem-format.md, sections 1 and 4)
ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax")
LOSSES = ["mse", "cross_entropy", "bce"]
OPTIMIZERS = ["sgd", "adam", "adamw"]

_ENTRY_FLOAT = {"type": ["number", "null"]}
_ENTRY_EXACT = {"type": ["string", "null"]}


def _nested(entry: dict) -> dict:
    """An entry, a vector of entries or a matrix of entries."""
    return {"anyOf": [entry, {"type": "array", "items": entry},
                      {"type": "array", "items": {"type": "array", "items": entry}}]}


def trace_schema() -> dict:
    """The trace JSON: format, title, version, the problem's settings, its network, loss and
    optimizer as read (a graph: its structure), then every step's values by canonical name
    (shape, float, exact)."""
    value = {
        "type": "object",
        "required": ["shape", "float", "exact"],
        "properties": {
            "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 2,
                      "description": "[] for a scalar, [n] for a bias vector, [rows, columns]"},
            "float": {**_nested(_ENTRY_FLOAT), "description":
                      "the engine's full-precision values (hand mode: the rounded ones); null in symbolic mode"},
            "exact": {**_nested(_ENTRY_EXACT), "description":
                      "each entry exactly ('p/q', an integer, a closed form), null where it is not exact; "
                      "null for the whole quantity when no entry is (always in float mode)"},
        },
        "additionalProperties": False,
    }
    number_text = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?(/[0-9]+)?$",
                   "description": "a number exactly as the file gives it: an integer, a decimal or 'p/q'"}
    options = {"type": "object", "additionalProperties": {"anyOf": [
        number_text, {"type": ["string", "boolean"]}, {"type": "array", "items": number_text}]}}
    layer = {"anyOf": [
        {"type": "object", "required": ["linear"], "additionalProperties": False, "properties": {"linear": {
            "type": "object", "required": ["W"], "additionalProperties": False, "properties": {
                "W": {"type": "array", "items": {"type": "array", "items": number_text},
                      "description": "(out, in), as the problem file gives it"},
                "b": {"type": "array", "items": number_text},
                "freeze": {"type": "array", "items": {"enum": ["W", "b"]}}}}}},
        {"type": "object", "minProperties": 1, "maxProperties": 1,
         "propertyNames": {"enum": list(ACTIVATIONS)},
         "description": "an activation and its options, e.g. {\"sigmoid\": {}}",
         "additionalProperties": options},
    ]}
    one = lambda names, doc: {"type": "object", "minProperties": 1, "maxProperties": 1,  # noqa: E731
                              "propertyNames": {"enum": names}, "additionalProperties": options,
                              "description": doc}
    name = {"type": "string"}
    graph = {
        "type": "object", "required": ["inputs", "nodes", "output", "visit", "branches"],
        "additionalProperties": False,
        "properties": {
            "inputs": {"type": "array", "items": name},
            "nodes": {"type": "array", "items": {
                "type": "object", "required": ["name", "expression", "reads"], "additionalProperties": False,
                "properties": {"name": name, "expression": {"type": "string"},
                               "reads": {"type": "array", "items": name}}}},
            "output": name,
            "visit": {"type": "array", "items": name, "description": "the backward pass's order"},
            "branches": {"type": "object", "description": "d<name>: the [upstream gradient, local "
                         "derivative] pairs whose products sum to it",
                         "additionalProperties": {"type": "array", "items": {
                             "type": "array", "items": name, "minItems": 2, "maxItems": 2}}},
        },
    }
    step = {
        "type": "object",
        "required": ["step", "values"],
        "properties": {
            "step": {"type": "integer", "minimum": 0},
            "batch": {"type": "array", "items": {"type": "integer", "minimum": 0},
                      "description": "the rows of data.x this step uses, 0-based"},
            "values": {"type": "object", "additionalProperties": value},
        },
    }
    return {
        "$schema": DRAFT,
        "$id": "https://trace-net.invalid/trace.schema.json",
        "title": "trace-net trace (trace-net PROBLEM --format json)",
        "type": "object",
        "required": ["format", "steps"],
        "properties": {
            "format": {"const": "trace-net/1"},
            "title": {"type": "string", "description": "the problem's title"},
            "version": {"type": "string", "description": "the trace-net that wrote it"},
            "kind": {"enum": ["network", "graph"], "description": "absent: a network"},
            "layout": {"enum": ["columns", "rows"]},
            "bias": {"enum": ["separate", "augmented"]},
            "weights": {"enum": ["out_in", "in_out"], "description": "absent: out_in; in_out: every W (in, out)"},
            "one_over_m": {"enum": ["dA", "dW"], "description": "absent: dA; dW: dZ and dA are those of mJ"},
            "numbers": {"enum": ["exact", "float", "symbolic"]},
            "round": {"type": "integer", "minimum": 0},
            "network": {"type": "array", "items": layer, "description": "the network as read"},
            "loss": one(LOSSES, "the loss and its options, defaults filled in"),
            "optimizer": one(OPTIMIZERS, "the optimizer and its options, defaults filled in"),
            "graph": {**graph, "description": "a computational graph's structure (section 6)"},
            "steps": {"type": "array", "items": step},
        },
    }
