"""PyTorch's own computation of training steps (float64), quantity by quantity, named as
trace-net names them: the independent reference for the optimizer and from_torch tests."""
from __future__ import annotations


def torch_steps(model, x, y, loss_fn, opt, steps, batch_size=None, probs=None):
    """Run `steps` steps of PyTorch on consecutive mini-batches (step s: batch s mod n) and
    return, per step, {name: numpy array}: Z, A, dA (hidden), dZ, J, dW, db, W_next, b_next.
    `probs`: 'softmax' or 'sigmoid' when the loss takes logits (trace-net's A^[L] are then
    probabilities)."""
    import torch
    import torch.nn as nn

    m = x.shape[0]
    size = batch_size or m
    batches = [list(range(i, min(i + size, m))) for i in range(0, m, size)]
    linears = [mod for mod in model if isinstance(mod, nn.Linear)]
    out = []
    for s in range(steps):
        idx = batches[s % len(batches)]
        model.zero_grad()          # every parameter, also those left out of the optimizer
        keep, l, A = {}, 0, x[idx]
        for mod in model:
            if isinstance(mod, nn.Identity):
                continue
            A = mod(A)
            A.retain_grad()
            if isinstance(mod, nn.Linear):
                l += 1
                keep[f"Z{l}"] = A
            keep[f"A{l}"] = A
        J = loss_fn(A, y[idx])
        J.backward()
        rec = {"J": J.detach().numpy(), "batch": idx}
        L = l
        for name, t in keep.items():
            rec[name] = t.detach().numpy().copy()
            if name.startswith("Z"):
                rec["d" + name] = t.grad.numpy().copy()
            elif int(name[1:]) < L:
                rec["d" + name] = t.grad.numpy().copy()
        if probs == "softmax":
            rec[f"A{L}"] = torch.softmax(keep[f"Z{L}"], dim=-1).detach().numpy()
        elif probs == "sigmoid":
            rec[f"A{L}"] = torch.sigmoid(keep[f"Z{L}"]).detach().numpy()
        for l, lin in enumerate(linears, 1):
            rec[f"W{l}"] = lin.weight.detach().numpy().copy()
            if lin.weight.grad is not None:
                rec[f"dW{l}"] = lin.weight.grad.numpy().copy()
            if lin.bias is not None:
                rec[f"b{l}"] = lin.bias.detach().numpy().copy()
                if lin.bias.grad is not None:
                    rec[f"db{l}"] = lin.bias.grad.numpy().copy()
        opt.step()
        for l, lin in enumerate(linears, 1):
            rec[f"W{l}_next"] = lin.weight.detach().numpy().copy()
            if lin.bias is not None:
                rec[f"b{l}_next"] = lin.bias.detach().numpy().copy()
        for l, lin in enumerate(linears, 1):
            for P, param in (("W", lin.weight), ("b", lin.bias)):
                st = opt.state.get(param, {}) if param is not None else {}
                if "exp_avg" in st:
                    rec[f"m{P}{l}"] = st["exp_avg"].numpy().copy()
                    rec[f"v{P}{l}"] = st["exp_avg_sq"].numpy().copy()
                if st.get("momentum_buffer") is not None:
                    rec[f"v{P}{l}"] = st["momentum_buffer"].numpy().copy()
        out.append(rec)
    return out
