"""Training on real data: the tracer's own layers, losses and optimizers, with tracing off.

`Model` runs the very `Network` (tracer.network) and optimizer (tracer.optim) objects that a
trace records, in the float64 field with a `Recorder(keep=False)` that evaluates and keeps
nothing, over shuffled mini-batches.  There is no second implementation of a layer here: a
step of `Model` and a step of `trace-net --numbers float` are the same expressions evaluated
the same way.

    >>> from tracer.train import MLP
    >>> model = MLP([784, 128, 10], ["relu", "softmax"], "cross_entropy", optimizer={"sgd": {"lr": 0.1}})
    >>> losses = model.fit(X, labels, epochs=5, batch_size=64)     # loss per epoch
    >>> model.evaluate(X_test, labels_test)                          # {"loss": ..., "accuracy": ...}
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Union

import numpy as np

from .losses import TORCH_DEFAULTS
from .network import build_network
from .numbers import FloatField
from .optim import make_optimizer
from .recorder import Recorder
from .schema import ACTIVATION, LOSSES, OPTIMIZERS, ProblemError

ArrayLike = Any     # what np.asarray takes (numpy.typing.ArrayLike, without importing it)



class Model:
    """A network of the tracer with its optimizer, trained in float64 numpy."""

    def __init__(self, net, optimizer):
        self.net, self.opt = net, optimizer
        self.F = FloatField()
        self.rec = Recorder(self.F, keep=False)
        self.t = 0   # optimizer steps taken (Adam's bias correction counts from 1)

    @classmethod
    def from_problem(cls, problem) -> "Model":
        """The network and optimizer of a problem file, in float64 (for training it further)."""
        return cls(build_network(problem, FloatField()), make_optimizer(problem.optimizer, problem.opt_opts))

    # data -----------------------------------------------------------------------------------
    @property
    def n_out(self):
        W = self.net.layers[-1].W
        return W.shape[0] - (1 if self.net.aug else 0)

    @property
    def n_in(self):
        W = self.net.layers[0].W
        return W.shape[1] - (1 if self.net.aug else 0)

    def inputs(self, X) -> np.ndarray:
        """X as float64 rows, refused with a message naming what is wrong: not numbers, not one
        row per sample, no samples, the wrong number of features, NaN or infinity."""
        A = _numbers(X, "X")
        if A.ndim != 2:
            raise ValueError(f"X: one row per sample (a 2-D array), got shape {A.shape}")
        if len(A) == 0:
            raise ValueError("X: no samples")
        if A.shape[1] != self.n_in:
            raise ValueError(f"X: {A.shape[1]} feature(s) per sample, but the network's first layer "
                             f"takes {self.n_in}")
        _finite(A, "X")
        return A

    def targets(self, Y) -> np.ndarray:
        """Targets as float64 rows; for cross_entropy, class indices become one-hot rows.
        Bad targets are refused with a message naming the entry."""
        Y = _numbers(Y, "Y")
        if Y.ndim == 1:
            if self.net.loss != "cross_entropy":
                raise ValueError("class indices (a 1-D Y) are for cross_entropy; give one row per sample")
            _finite(Y, "Y")
            for i, c in enumerate(Y):
                if c != int(c) or not 0 <= c < self.n_out:
                    raise ValueError(f"Y[{i}] = {c:g}: not a class index 0..{self.n_out - 1} "
                                     f"(the network has {self.n_out} outputs)")
            return np.eye(self.n_out)[Y.astype(np.int64)]
        if Y.ndim != 2:
            raise ValueError(f"Y: one row per sample (2-D), or class indices (1-D), got shape {Y.shape}")
        if Y.shape[1] != self.n_out:
            raise ValueError(f"Y: {Y.shape[1]} column(s), but the network has {self.n_out} output(s)")
        _finite(Y, "Y")
        if self.net.loss in ("cross_entropy", "bce") and ((Y < 0) | (Y > 1)).any():
            i, j = np.argwhere((Y < 0) | (Y > 1))[0]
            raise ValueError(f"Y[{i}][{j}] = {Y[i, j]:g}: {self.net.loss} targets are probabilities in [0, 1]")
        if self.net.loss == "cross_entropy" and not np.allclose(Y.sum(axis=1), 1):
            self.net.fuse = False   # Δ = c(Ŷ − Y) holds only for targets that sum to 1
        return Y

    def _orient(self, rows):
        return self.net.orient(self.F, rows)

    def _pair(self, X, Y):
        X, Y = self.inputs(X), self.targets(Y)
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} samples, Y has {len(Y)}")
        return X, Y

    # steps ----------------------------------------------------------------------------------
    def step(self, X, Y) -> float:
        """One optimizer step on the batch (X, Y) (rows = samples, Y as `targets` gives it);
        returns the batch loss before the step."""
        self.t += 1
        self.rec.begin_step(self.t - 1, ())
        return float(self.net.step(self.rec, self._orient(X), self._orient(Y), self.opt, self.t))

    def epoch(self, X, Y, batch_size, order) -> float:
        """One pass over the samples in `order` (an index array), cut into consecutive batches;
        returns the loss averaged over the samples (each batch weighted by its size)."""
        total = 0.0
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            total += self.step(X[idx], Y[idx]) * len(idx)
        return total / len(order)

    def fit(self, X: ArrayLike, Y: ArrayLike, epochs: int = 1, batch_size: int = 32,
            order: Union[str, Callable[[int], ArrayLike]] = "shuffle", seed: int = 0,
            progress: bool = True) -> list[float]:
        """Train for `epochs` passes and return the loss of each epoch.

        order: "shuffle" (a new permutation each epoch, from numpy's generator seeded by
        `seed`), "file" (the rows as given, like a trace's mini-batches), or a function
        epoch -> index array.  progress: a tqdm bar over the epochs (on standard error)."""
        X, Y = self._pair(X, Y)
        for name, v in (("epochs", epochs), ("batch_size", batch_size)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name}: a whole number ≥ 1, got {v!r}")
        rng = np.random.default_rng(seed)
        if order == "shuffle":
            pick = lambda e: rng.permutation(len(X))   # noqa: E731
        elif order == "file":
            pick = lambda e: np.arange(len(X))        # noqa: E731
        elif callable(order):
            pick = order
        else:
            raise ValueError(f"order: 'shuffle', 'file' or a function of the epoch, got {order!r}")
        from tqdm.auto import trange
        losses = []
        bar = trange(epochs, desc="epochs", unit="epoch", disable=not progress, leave=True)
        for e in bar:
            losses.append(self.epoch(X, Y, batch_size, np.asarray(pick(e))))
            bar.set_postfix(loss=f"{losses[-1]:.4g}")
        return losses

    # inference ------------------------------------------------------------------------------
    def _forward(self, X):
        rec, net = self.rec, self.net
        rec.begin_step(-1, ())
        rec.put("A0", self._orient(X), "data", 0)
        for lay in net.layers:
            for P, v in lay.params.items():
                rec.put(f"{P}{lay.l}", v, "param", lay.l)
        net.forward(rec)
        return rec

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The network's output Ŷ, one row per sample (augmented: without the constant)."""
        A = self._forward(self.inputs(X)).env[f"A{self.net.L}"]
        A = A if self.net.feat == 1 else A.T
        return A[:, 1:] if self.net.aug else A

    def evaluate(self, X: ArrayLike, Y: ArrayLike) -> dict[str, float]:
        """The loss on (X, Y); for cross_entropy also the accuracy, for mse the MSE per entry."""
        X, Y = self._pair(X, Y)
        rec = self._forward(X)
        rec.put("Y", self._orient(Y), "data", self.net.L)
        out = {"loss": float(rec.compute("J", self.net.loss_node(), "loss"))}
        Yhat = self.predict(X)
        if self.net.loss == "cross_entropy":
            out["accuracy"] = float(np.mean(Yhat.argmax(axis=1) == Y.argmax(axis=1)))
        elif self.net.loss == "mse":
            out["mse"] = float(np.mean((Yhat - Y) ** 2))
        return out

    # parameters -----------------------------------------------------------------------------
    def weights(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """(W, b) per layer, copies, W shaped (out, in) like torch.nn.Linear.weight."""
        out = []
        for lay in self.net.layers:
            if self.net.aug:
                out.append((lay.W[1:, 1:].copy(), lay.W[1:, 0].copy()))
            else:
                out.append((lay.W.copy(), None if lay.b is None else lay.b.copy()))
        return out


def _numbers(a, what) -> np.ndarray:
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what}: not an array of numbers ({e})") from None


def _finite(a, what):
    bad = np.argwhere(~np.isfinite(a))
    if len(bad):
        where = "".join(f"[{i}]" for i in bad[0])
        raise ValueError(f"{what}{where} = {a[tuple(bad[0])]}: NaN and infinities cannot be trained on")


def torch_init(sizes, seed=0):
    """Weights drawn as torch.nn.Linear draws them by default: W and b uniform in ±1/√(in)."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        k = 1 / np.sqrt(n_in)
        out.append((rng.uniform(-k, k, (n_out, n_in)), rng.uniform(-k, k, n_out)))
    return out


def torch_twin(weights, activations):
    """The same MLP in PyTorch (float64, torch.nn.Sequential), for comparisons: Linear layers
    holding copies of `weights` [(W, b), ...], the elementwise activations between them.  A
    final softmax is left out: torch's cross_entropy takes the logits."""
    import torch  # only for comparisons
    kinds = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    mods = []
    for (W, b), act in zip(weights, activations):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=b is not None, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.asarray(W, dtype=np.float64)))
            if b is not None:
                lin.bias.copy_(torch.from_numpy(np.asarray(b, dtype=np.float64)))
        mods.append(lin)
        if act in kinds:
            mods.append(kinds[act]())
        elif act not in (None, "identity", "softmax"):
            raise ValueError(f"no torch twin for the activation {act!r}")
    return torch.nn.Sequential(*mods)


def MLP(sizes: Sequence[int], activations: Sequence[Union[str, Mapping[str, Any], None]], loss: str = "mse",
        optimizer: Mapping[str, Any] | None = None, *,
        weights: Sequence[tuple[ArrayLike, ArrayLike | None]] | None = None,
        loss_opts: Mapping[str, Any] | None = None, layout: str = "rows", bias: str = "separate",
        seed: int = 0) -> Model:
    """A fully-connected network of the tracer's layers, ready to train.

    sizes: [n_in, n_1, ..., n_out].  activations: one per linear layer (None or "identity"
    for none; names as in a problem file, "leaky_relu" or {"leaky_relu": {"slope": 0.1}}).
    loss: "mse", "cross_entropy" or "bce"; loss_opts as in a problem file, by default torch's
    reductions (mse: mean over every entry).  optimizer: as in a problem file, e.g.
    {"sgd": {"lr": 0.1, "momentum": 0.9}} or {"adam": {"lr": 1e-3}} (default SGD, lr 0.01).
    weights: [(W, b), ...] numpy arrays, W shaped (out, in) as torch.nn.Linear.weight (b may
    be None); default: torch's initialisation drawn from numpy with `seed`.
    layout: "rows" (samples as rows, Z = A Wᵀ + b, as torch) or "columns" (Z = W A + b)."""
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} linear layers need {len(sizes) - 1} activations, "
                         f"got {len(activations)}")
    weights = torch_init(sizes, seed) if weights is None else weights
    layers = []
    for k, ((W, b), act) in enumerate(zip(weights, activations)):
        W = np.array(W, dtype=np.float64)
        if W.shape != (sizes[k + 1], sizes[k]):
            raise ValueError(f"layer {k + 1}: W is {W.shape}, expected {(sizes[k + 1], sizes[k])}")
        name, opts = (None, {}) if act in (None, "identity") else ACTIVATION.check(act, f"activations[{k}]")
        layers.append(SimpleNamespace(W=W, b=None if b is None else np.array(b, dtype=np.float64),
                                      freeze=frozenset(), activation=name, act_opts=opts))
    loss_name, lopts = LOSSES.check({loss: {**TORCH_DEFAULTS.get(loss, {}), **(loss_opts or {})}}, "loss")
    opt_name, oopts = OPTIMIZERS.check(optimizer or {"sgd": {"lr": 0.01}}, "optimizer")
    spec = SimpleNamespace(layout=layout, bias=bias, weights="out_in", per_sample=False, layers=layers,
                           loss=loss_name, loss_opts=lopts, y=[])   # y: build_network fuses softmax + cross-entropy when rows sum to 1
    return Model(build_network(spec, FloatField()), make_optimizer(opt_name, oopts))


__all__ = ["Model", "MLP", "torch_init", "torch_twin", "ProblemError"]
