"""The recorder: every quantity of a step, by canonical name, with how it was computed.

The engine hands each expression to `Recorder.compute`; the recorder evaluates it in the
field, applies hand rounding when asked, keeps the value (and the value of every
sub-expression, for the worksheets) and returns it.  Renderers and the checker read only
what is recorded here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .numbers import TooManyDigits
from .ops import Ctx, Node
from .schema import ProblemError

# kinds of quantity, in the order a worksheet shows them
KINDS = ("data", "param", "prev", "mask", "forward", "loss", "backward", "update", "state")
HIDDEN = ("prev", "mask")  # operands only: not exported as quantities of the step


@dataclass
class Quantity:
    name: str
    value: object            # numpy array (1-D, 2-D) or a scalar, in the trace's field
    kind: str
    expr: Node | None = None  # None for givens (data, parameters at the start)
    parts: dict = field(default_factory=dict)   # id(sub-expression) -> its value
    layer: int | None = None

    @property
    def shape(self):
        return list(getattr(self.value, "shape", ()))


@dataclass
class Step:
    index: int
    batch: list
    quantities: dict = field(default_factory=dict)   # name -> Quantity, in computation order

    def __getitem__(self, name):
        return self.quantities[name].value

    def __contains__(self, name):
        return name in self.quantities

    def shown(self):
        return [q for q in self.quantities.values() if q.kind not in HIDDEN]


class Recorder:
    """Evaluates and keeps.  With keep=False (training) it only evaluates."""

    def __init__(self, field_, keep=True):
        self.F, self.keep = field_, keep
        self.steps: list[Step] = []
        self.env: dict = {}
        self.index = 0

    def begin_step(self, index, batch):
        self.env, self.index = {}, index
        if self.keep:
            self.steps.append(Step(index, list(batch)))

    def put(self, name, value, kind, layer=None):
        self.env[name] = value
        if self.keep:
            self.steps[-1].quantities[name] = Quantity(name, value, kind, layer=layer)
        return value

    def too_large(self, name, e: TooManyDigits) -> ProblemError:
        """The refusal when quantity `name` outgrew the limits (a graph's recorder names its node)."""
        advice = getattr(e, "advice", "use --numbers float, --round K, or fewer steps")
        return ProblemError("numbers", f"step {self.index}, {name}: {e}" + (f"; {advice}" if advice else ""))

    def compute(self, name, expr: Node, kind, layer=None):
        parts = {} if self.keep else None
        try:
            if self.keep:
                # an overflow is refused, naming the quantity, where it first appears (no
                # numpy warning on the way)
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    value = self.F.finalize(expr.eval(Ctx(self.env, self.F, parts)))
                self.F.check_range(value)
            else:
                value = self.F.finalize(expr.eval(Ctx(self.env, self.F, parts)))
        except TooManyDigits as e:
            raise self.too_large(name, e) from None
        self.env[name] = value
        if self.keep:
            self.steps[-1].quantities[name] = Quantity(name, value, kind, expr, parts, layer)
        return value
