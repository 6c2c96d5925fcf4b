"""The losses, one definition each: what J is, its constant, its words and its torch module.

J = c · Σ_i Σ_k ℓ(ŷ_ik, y_ik), with c = scale / (m if averaged over the m samples) / (n if
averaged over the n outputs).  The engine (ops.Loss, ops.LossGrad), the worksheet and text
renderers and `from_torch` all take c, the constant of ∂J/∂Ŷ, the words and the torch
mapping from here, so that a change to a loss is made once.

torch's modules, as `from_torch` reads them:
- MSELoss: reduction 'mean' averages over every entry (samples and outputs), 'sum' sums.
- CrossEntropyLoss takes logits (the trace appends softmax) and class indices or
  probabilities; 'mean' averages over samples.
- BCEWithLogitsLoss takes logits (the trace appends sigmoid), log σ(z) in its stable form.
- BCELoss takes probabilities and clamps each log at −100, so at ŷ = 0 or 1 exactly it
  gives a finite 100 where the trace (log-sigmoid from Z) keeps the true value; away from
  saturation the two agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class LossKind:
    kind: str
    words: str              # as a header names it
    squared: bool = False   # J = c Σ (ŷ − y)²: its derivative brings a 2 down
    logs: bool = False      # a log in the formula: the header says which
    outputs: bool = False   # has the option to average over outputs

    def scale(self, opts) -> Fraction:
        """The constant the problem file gives (mse's 1/2); 1 for the others."""
        return Fraction(opts.get("scale", 1)) if self.squared else Fraction(1)

    def per(self, opts) -> str:
        """The letters of what J averages over: 'm', 'n', 'mn' or ''."""
        return ("m" if opts["samples"] == "mean" else "") + \
            ("n" if self.outputs and opts.get("outputs") == "mean" else "")

    def coefficient(self, opts, m: int, n: int) -> Fraction:
        """c of J = c Σ_i Σ_k ℓ, for m samples and n outputs."""
        c = self.scale(opts)
        if "m" in self.per(opts):
            c /= m
        if "n" in self.per(opts):
            c /= n
        return c

    def grad_scale(self, opts) -> Fraction:
        """The constant of ∂J/∂Ŷ before the averages: 2 · scale for a square, else 1."""
        return 2 * self.scale(opts) if self.squared else Fraction(1)

    def grad_coefficient(self, opts, m: int, n: int) -> Fraction:
        """The constant in front of ∂J/∂Ŷ (and of Δ = c(Ŷ − Y) when fused)."""
        return self.coefficient(opts, m, n) * (2 if self.squared else 1)

    def describe(self, opts) -> str:
        """The header's words: 'squared error, summed over outputs, averaged over samples'."""
        what = self.words + (" (log: the natural logarithm)" if self.logs else "")
        if self.outputs:
            mean = opts.get("outputs") == "mean"
            if self.squared or mean:
                what += ", averaged over outputs" if mean else ", summed over outputs"
        return what + ", " + ("averaged over samples" if opts["samples"] == "mean" else "summed over samples")


LOSSES = {
    "mse": LossKind("mse", "squared error", squared=True, outputs=True),
    "cross_entropy": LossKind("cross_entropy", "cross-entropy", logs=True),
    "bce": LossKind("bce", "binary cross-entropy", logs=True, outputs=True),
}

# torch.nn.MSELoss averages over every entry; the problem file's default sums over outputs
TORCH_DEFAULTS = {"mse": {"samples": "mean", "outputs": "mean"}}


def torch_options(kind: str, reduction: str, n_out: int) -> dict:
    """The problem file's options for torch's loss module of `kind` with `reduction` ('mean'
    or 'sum') on a network with n_out outputs: torch's 'mean' averages over samples and
    outputs alike (cross-entropy has one term per sample)."""
    if kind == "mse":
        return {"samples": reduction, "outputs": reduction}
    if kind == "cross_entropy":
        return {"samples": reduction}
    return {"samples": reduction, **({"outputs": "mean"} if reduction == "mean" and n_out > 1 else {})}
