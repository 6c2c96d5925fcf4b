"""PyTorch in and out: a model, data, loss and optimizer of PyTorch as a trace-net problem,
and any problem written back as a YAML problem file.

`from_torch` reads an `nn.Sequential` of `Linear` layers and supported activations, a loss
module and an optimizer (hyperparameters included) into a `Problem` (rows layout, as
PyTorch stores samples).  torch is imported only by the caller's objects: this module never
imports it at the top.  `to_yaml` needs only PyYAML.
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import yaml

from .losses import torch_options
from .problem import Problem, parse_problem
from .schema import Num, ProblemError

if TYPE_CHECKING:
    from .graph.problem import GraphProblem

ACTIVATIONS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
               "Softmax": "softmax", "Identity": None}
OPTIMIZERS = {"SGD": "sgd", "Adam": "adam", "AdamW": "adamw"}


class TorchError(ProblemError):
    """A PyTorch object trace-net cannot represent, named."""


from .numtext import plain, shortest


def _num(v):
    """A float as the shortest decimal that reads back as it; NaN and ±inf stay floats, for
    the problem's check to refuse naming their place (network[0].linear.W[0][0])."""
    import math
    f = float(v)
    return shortest(f) if math.isfinite(f) else f


def _rows(t):
    import numpy as np
    a = t.detach().cpu().double().numpy() if hasattr(t, "detach") else np.asarray(t, dtype=float)
    return a


def _network(model, trainable):
    import torch.nn as nn
    if not isinstance(model, nn.Sequential):
        raise TorchError("model", f"expected torch.nn.Sequential, got {type(model).__name__}")
    net = []
    for i, mod in enumerate(model):
        kind = type(mod).__name__
        if isinstance(mod, nn.Linear):
            W = _rows(mod.weight)
            layer = {"W": [[_num(v) for v in row] for row in W]}
            freeze = [] if id(mod.weight) in trainable else ["W"]
            if mod.bias is not None:
                layer["b"] = [_num(v) for v in _rows(mod.bias)]
                if id(mod.bias) not in trainable:
                    freeze.append("b")
            if freeze:
                layer["freeze"] = freeze
            net.append({"linear": layer})
        elif kind in ACTIVATIONS and type(mod).__module__.startswith("torch.nn"):
            name = ACTIVATIONS[kind]
            if name is None:
                continue
            if name == "softmax" and mod.dim not in (-1, 1):
                raise TorchError(f"model[{i}]", f"Softmax(dim={mod.dim}): only dim=-1 (over the "
                                 "outputs of each sample) is supported")
            if name == "leaky_relu":
                net.append({"leaky_relu": {"slope": _num(mod.negative_slope)}})
            else:
                net.append(name)
        else:
            raise TorchError(f"model[{i}]", f"{kind} is not supported; trace-net reads Linear, "
                             f"{', '.join(ACTIVATIONS)}")
    if not net or "linear" not in net[0]:
        raise TorchError("model[0]", "the model must start with a Linear layer")
    return net


def _loss(loss, net):
    """(loss spec, activation to append to the network or None)."""
    import torch.nn as nn
    kind = type(loss).__name__
    red = getattr(loss, "reduction", "mean")
    if red not in ("mean", "sum"):
        raise TorchError("loss", f"{kind}(reduction='{red}'): a trace needs one number, use 'mean' or 'sum'")
    tail = net[-1]
    last_name = tail if isinstance(tail, str) else (None if "linear" in tail else next(iter(tail)))
    n_out = len(next(v for v in reversed(net) if isinstance(v, dict) and "linear" in v)["linear"]["W"])
    if isinstance(loss, nn.MSELoss):
        return {"mse": torch_options("mse", red, n_out)}, None
    if isinstance(loss, nn.CrossEntropyLoss):
        if loss.weight is not None or loss.label_smoothing:
            raise TorchError("loss", "CrossEntropyLoss with weight or label_smoothing is not supported")
        if last_name is not None:
            raise TorchError("loss", f"CrossEntropyLoss takes logits, but the model ends with "
                             f"{last_name}; end it with a Linear layer")
        return {"cross_entropy": torch_options("cross_entropy", red, n_out)}, "softmax"
    bce = torch_options("bce", red, n_out)
    if isinstance(loss, nn.BCEWithLogitsLoss):
        if loss.weight is not None or loss.pos_weight is not None:
            raise TorchError("loss", "BCEWithLogitsLoss with weight or pos_weight is not supported")
        if last_name is not None:
            raise TorchError("loss", f"BCEWithLogitsLoss takes logits, but the model ends with {last_name}")
        return {"bce": bce}, "sigmoid"
    if isinstance(loss, nn.BCELoss):
        if loss.weight is not None:
            raise TorchError("loss", "BCELoss with weight is not supported")
        if last_name != "sigmoid":
            raise TorchError("loss", "BCELoss takes probabilities: end the model with Sigmoid "
                             "(or use BCEWithLogitsLoss)")
        return {"bce": bce}, None
    raise TorchError("loss", f"{kind} is not supported; trace-net reads MSELoss, CrossEntropyLoss, "
                     "BCELoss, BCEWithLogitsLoss")


def _optimizer(opt, model):
    kind = type(opt).__name__
    if kind not in OPTIMIZERS:
        raise TorchError("optimizer", f"{kind} is not supported; trace-net reads {', '.join(OPTIMIZERS)}")
    if any(opt.state.get(p) for g in opt.param_groups for p in g["params"]):
        raise TorchError("optimizer", "has already taken steps; give one with fresh state")
    keys = ("lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps", "amsgrad",
            "maximize", "decoupled_weight_decay")
    groups = [{k: g.get(k) for k in keys if k in g} for g in opt.param_groups]
    for g in groups[1:]:
        if g != groups[0]:
            raise TorchError("optimizer", "parameter groups with different hyperparameters are not supported")
    g = groups[0]
    if g.get("maximize") or g.get("amsgrad") or g.get("dampening"):
        what = [k for k in ("maximize", "amsgrad", "dampening") if g.get(k)]
        raise TorchError("optimizer", f"{kind}({what[0]}=...) is not supported")
    name = OPTIMIZERS[kind]
    if name == "adam" and g.get("decoupled_weight_decay"):
        name = "adamw"
    opts = {"lr": _num(g["lr"]), "weight_decay": _num(g["weight_decay"])}
    if name == "sgd":
        opts.update(momentum=_num(g["momentum"]), nesterov=bool(g["nesterov"]))
    else:
        opts.update(betas=[_num(b) for b in g["betas"]], eps=_num(g["eps"]))
    trainable = {id(p) for grp in opt.param_groups for p in grp["params"] if p.requires_grad}
    return {name: opts}, trainable


def problem_dict(model, x, y, loss, optimizer, *, steps=1, batch_size=None, numbers="float",
                 decimals=4, title="") -> dict:
    """The problem file (as a dict) for a PyTorch model, data, loss and optimizer."""
    opt, trainable = _optimizer(optimizer, model)
    net = _network(model, trainable)
    loss_spec, extra = _loss(loss, net)
    if extra:
        net.append(extra)
    X = _rows(x)
    if X.ndim != 2:
        raise TorchError("x", f"expected one row per sample (2-D), got shape {list(X.shape)}")
    Yt = _rows(y)
    if "cross_entropy" in loss_spec and Yt.ndim == 1:
        # a class index that is no whole number (1.5, NaN) is left for the check to refuse
        yy = [int(c) if float(c).is_integer() else float(c) for c in Yt]
    else:
        if Yt.ndim != 2:
            raise TorchError("y", f"expected one row per sample (2-D), got shape {list(Yt.shape)}")
        yy = [[_num(v) for v in row] for row in Yt]
    d = {"title": title or "From PyTorch", "layout": "rows", "numbers": numbers, "decimals": decimals,
         "steps": steps, "data": {"x": [[_num(v) for v in row] for row in X], "y": yy},
         "network": net, "loss": loss_spec, "optimizer": opt}
    if batch_size is not None:
        d["batch_size"] = batch_size
    return d


def from_torch(model: Any, x: Any, y: Any, loss: Any, optimizer: Any, *, steps: int = 1,
               batch_size: int | None = None, numbers: str = "float", decimals: int = 4,
               title: str = "") -> Problem:
    """A `Problem` for `model` (nn.Sequential of Linear and ReLU, LeakyReLU, Sigmoid, Tanh,
    Softmax(dim=-1), Identity), data x (samples as rows) and y, a loss module (MSELoss,
    CrossEntropyLoss, BCELoss, BCEWithLogitsLoss) and an optimizer (SGD, Adam, AdamW, with fresh
    state).  numbers: "float" (as PyTorch computes) or "exact"."""
    d = problem_dict(model, x, y, loss, optimizer, steps=steps, batch_size=batch_size, numbers=numbers,
                     decimals=decimals, title=title)
    return parse_problem(d)


# -- writing a problem file ------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    pass


def _represent_num(dumper, n):
    text = getattr(n, "text", None) or plain(n)
    tag = dumper.resolve(yaml.ScalarNode, text, (True, False))
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return dumper.represent_scalar(tag, text)
    return dumper.represent_str(text)      # fractions and 1e-8: strings trace-net reads as numbers


_Dumper.add_representer(Num, _represent_num)
_Dumper.add_representer(Fraction, _represent_num)
_Dumper.add_multi_representer(Num, _represent_num)


def _flow(rows):
    return [_FlowList(r) for r in rows]


class _FlowList(list):
    pass


_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def problem_to_dict(p) -> dict:
    """A Problem back as the mapping of its problem file (defaults included)."""
    if getattr(p, "kind", None) == "graph":
        from .graph.problem import to_dict
        return to_dict(p)
    net = []
    for L in p.layers:
        lin = {"W": _flow(L.W)}
        if L.b is not None:
            lin["b"] = _FlowList(L.b)
        if L.freeze:
            lin["freeze"] = _FlowList(sorted(L.freeze))
        net.append({"linear": lin})
        if L.activation:
            net.append({L.activation: dict(L.act_opts)} if L.act_opts else L.activation)
    d = {"title": p.title}
    if p.convention is not None:      # every key it set is written out below as well
        d["convention"] = p.convention
    d.update(layout=p.layout, bias=p.bias)
    if p.weights != "out_in":
        d["weights"] = p.weights
    if p.one_over_m != "dA":
        d["one_over_m"] = p.one_over_m
    d.update(numbers=p.numbers, decimals=p.decimals)
    if p.round is not None:
        d["round"] = p.round
    d["steps"] = p.steps
    if p.batch_size is not None:
        d["batch_size"] = p.batch_size
    if p.symbols is not None:
        d["symbols"] = _FlowList(p.symbols)
    if p.notation:
        d["notation"] = {k: v for k, v in p.notation.items() if v not in (None, [], {})}
    if p.figure:
        d["figure"] = dict(p.figure)
    y = _FlowList(p.y_indices) if p.y_indices is not None else _flow(p.y)
    d["data"] = {"x": _flow(p.x), "y": y}
    d["network"] = net
    d["loss"] = {p.loss: dict(p.loss_opts)}
    opts = {k: (_FlowList(v) if isinstance(v, list) else v) for k, v in p.opt_opts.items()}
    d["optimizer"] = {p.optimizer: opts}
    return d


def to_yaml(problem: Problem | GraphProblem, header: str = "") -> str:
    """The problem as a YAML problem file that trace-net reads back to the same problem."""
    head = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(problem_to_dict(problem), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return head + body
