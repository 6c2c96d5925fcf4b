"""`trace-net from-torch SCRIPT.py`: a PyTorch model, data, loss and optimizer, made by a
function in the user's own script, written as a trace-net problem file (YAML)."""
from __future__ import annotations

import click


@click.command("from-torch", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.option("--function", "func", default="make", show_default=True,
              help="The function in SCRIPT that returns (model, x, y, loss, optimizer).")
@click.option("--steps", type=click.IntRange(1), default=1, show_default=True, help="Training iterations to trace.")
@click.option("--batch-size", type=click.IntRange(1), help="Samples per mini-batch (default: all).")
@click.option("--numbers", type=click.Choice(["float", "exact"]), default="float", show_default=True,
              help="Number mode of the problem (float: as PyTorch computes).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default: standard output).")
def from_torch_cmd(script, func, steps, batch_size, numbers, output):
    """Write the problem file of a PyTorch setup.

    SCRIPT.py defines a function (default `make`) returning (model, x, y, loss, optimizer):
    an nn.Sequential of Linear and ReLU/LeakyReLU/Sigmoid/Tanh/Softmax/Identity, the data
    (samples as rows), a loss module and a torch.optim optimizer.  The script is run as
    Python code, like `python SCRIPT.py`: run only scripts you trust.
    """
    import runpy

    from ..cli import InputError, write_output
    from ..schema import ProblemError
    from ..torch_io import from_torch, to_yaml
    try:
        import torch  # noqa: F401
    except ImportError:
        raise InputError("from-torch needs PyTorch: pip install 'trace-net[torch]'") from None
    env = runpy.run_path(script, run_name="trace_net_from_torch")
    make = env.get(func)
    if not callable(make):
        raise InputError(f"{script}: no function '{func}' (give it with --function NAME)")
    made = make()
    if not isinstance(made, (tuple, list)) or len(made) != 5:
        raise InputError(f"{script}: {func}() must return (model, x, y, loss, optimizer)")
    try:
        problem = from_torch(*made, steps=steps, batch_size=batch_size, numbers=numbers,
                             title=f"From PyTorch ({script})")
    except ProblemError as e:
        raise InputError(f"{script}: {e}") from None
    write_output(to_yaml(problem, f"Written by trace-net from-torch {script}"), output)
