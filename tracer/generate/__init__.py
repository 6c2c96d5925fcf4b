"""Homework variants: templates with random specs, nice draws, sheets and answer keys.

    >>> from tracer.generate import load_template, generate
    >>> variants = generate(load_template("examples/templates/or_gate.yaml"), count=3, seed=1)
"""
from __future__ import annotations

from .template import Template, TemplateError
from .variants import Variant, generate, rng_for


def load_template(path: str) -> Template:
    from ..problem import load_yaml, read_source
    text, source = read_source(path)
    template = Template(load_yaml(text, source), source)
    template.text = text          # for the QR code's digest of the template
    return template


__all__ = ["Template", "TemplateError", "Variant", "generate", "load_template", "rng_for"]
