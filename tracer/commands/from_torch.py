"""`trace-net from-torch SCRIPT.py`: a PyTorch model, data, loss and optimizer, made by a
function in the user's own script, written as a trace-net problem file (YAML)."""
from __future__ import annotations

import click

EPILOG = """\b
Example: setup.py
  import torch
  def make():
      torch.manual_seed(0)
      model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(),
                                  torch.nn.Linear(2, 1), torch.nn.Sigmoid())
      x = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
      y = torch.tensor([[0.], [1.], [1.], [1.]])
      return model, x, y, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.5)

\b
  trace-net from-torch setup.py -o problem.yaml
  trace-net problem.yaml -o worksheet.pdf

\b
An exception in the script is one line naming the script's line, exit status 2.
"""


def _call_script(script, what, call):
    """Run the user's code; an exception in it becomes one line naming the script's line (the
    innermost frame in the script), never a traceback."""
    from ..cli import InputError
    try:
        return call()
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
        raise
    except SystemExit as e:
        raise InputError(f"{script}: {what} called exit({e.code!r})") from None
    except BaseException as e:  # noqa: BLE001 - any error in the user's code, reported in one line
        text = e.msg if isinstance(e, SyntaxError) else str(e)   # its str() repeats the line
        raise InputError(f"{_where(script, e)}: {what} raised {type(e).__name__}: "
                         f"{' '.join(text.split())}") from None


def _where(script, e) -> str:
    import os
    import traceback
    if isinstance(e, SyntaxError) and e.lineno:
        return f"{script}, line {e.lineno}"
    target = os.path.realpath(script)
    lines = [f.lineno for f in traceback.extract_tb(e.__traceback__)
             if os.path.realpath(f.filename) == target]
    return f"{script}, line {lines[-1]}" if lines else script


@click.command("from-torch", context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
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
        raise InputError("from-torch needs PyTorch: pip install torch (or, in trace-net's folder, pip install '.[torch]')") from None
    env = _call_script(script, "the script", lambda: runpy.run_path(script, run_name="trace_net_from_torch"))
    make = env.get(func)
    if not callable(make):
        raise InputError(f"{script}: no function '{func}' (give it with --function NAME)")
    made = _call_script(script, f"{func}()", make)
    if not isinstance(made, (tuple, list)) or len(made) != 5:
        raise InputError(f"{script}: {func}() must return (model, x, y, loss, optimizer)")
    try:
        problem = from_torch(*made, steps=steps, batch_size=batch_size, numbers=numbers,
                             title=f"From PyTorch ({script})")
    except ProblemError as e:
        raise InputError(f"{script}: {e}") from None
    write_output(to_yaml(problem, f"Written by trace-net from-torch {script}"), output)
