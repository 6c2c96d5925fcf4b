"""The `trace-net` command: thin click commands over the library.

`trace-net PROBLEM.yaml` (no subcommand) traces a problem; subcommands (check, generate,
schema, ...) sit beside it.  Bad input: one message naming the place, exit status 2.
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__

EXAMPLE = """\b
Examples:
  trace-net worked_examples/or_gate/problem.yaml
  trace-net problem.yaml -o sheet.pdf            (the format from the extension)
  trace-net problem.yaml --format json --numbers float --steps 3
  cat problem.yaml | trace-net - --round 3
  trace-net examples -o .                        (the worked examples and templates)
"""

EXIT_CODES = """\b
Exit status:
  0  done (check: every given answer correct)
  1  check: some answer not correct; or pdflatex failed
  2  bad input or usage: one line naming the place
"""

COMPLETION = """\b
Shell completion (commands, options, files), e.g. in ~/.bashrc:
  eval "$(_TRACE_NET_COMPLETE=bash_source trace-net)"
(zsh: zsh_source in ~/.zshrc; fish: fish_source.)
"""

class InputError(click.ClickException):
    """Bad input: exit status 2, one line."""

    exit_code = 2

    def format_message(self):
        return self.message


def fail(err) -> InputError:
    return InputError(str(err))


def write_output(text_or_bytes, path: str | None):
    """Standard output, or FILE written whole: a temporary file renamed into place, so a
    failure never leaves a half-written file behind.  A symlink is followed (the file it
    names is written, the link stays); a FIFO or a character device (/dev/null) is written
    into, never replaced; a folder, a block device, a socket, an empty name and the
    command's own input files are refused."""
    if path is None or path == "-":
        if isinstance(text_or_bytes, bytes):
            sys.stdout.buffer.write(text_or_bytes)
        else:
            click.echo(text_or_bytes, nl=False)
        return
    data = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode("utf-8")
    target, stream = _output_target(path)
    if stream:
        _write_into(target, path, data)
        return
    folder = target.parent
    _remove_stale_temporaries(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=_TMP_SUFFIX, dir=folder)
    except OSError as e:
        raise InputError(f"{path}: no file can be made in the folder {folder} "
                         f"({_strerror(e)})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _output_mode(target))
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise InputError(f"{path}: cannot be written ({_strerror(e)})") from None
        raise


def check_output_path(path: str | None):
    """Refuse a bad -o (an empty name, a missing folder, a folder, a socket, the input file)
    before any work is done; None and '-' are standard output."""
    if path is not None and path != "-":
        _output_target(path)


def is_file_output(path: str) -> bool:
    """Whether -o path writes a regular file (not a FIFO or a device streamed into)."""
    try:
        return not _output_target(path)[1]
    except InputError:
        return False


_TMP_SUFFIX = ".trace-net-tmp"
_STALE_SECONDS = 24 * 3600


def _strerror(e: OSError) -> str:
    what = (e.strerror or str(e)).rstrip(".")
    return what[:1].lower() + what[1:]


def _output_target(path: str) -> tuple[Path, bool]:
    """(the file `-o path` writes, whether to stream into it in place).  Symlinks are
    followed; a FIFO, a character device and anything under /dev or /proc (/dev/stdout, a
    shell's /dev/fd/63) are streamed into; refused when it is not a file one may replace or
    stream into, or when it is one of the command's own inputs."""
    import stat
    if not path.strip():
        raise InputError("-o: an empty file name; give a file name, or - for standard output")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{path}: cannot be written ({_strerror(e)})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a folder; give a file name")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            raise InputError(f"{path}: is not a regular file (a block device or a socket); "
                             "trace-net writes only files, FIFOs and character devices")
        for given in _command_inputs():
            try:
                g = os.stat(given)
            except OSError:
                continue
            if (g.st_dev, g.st_ino) == (st.st_dev, st.st_ino):
                raise InputError(f"{path}: is the input file {given}; write the output elsewhere")
        if not stat.S_ISREG(st.st_mode) or os.path.abspath(path).startswith(("/dev/", "/proc/")):
            return Path(path), True
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.is_dir():
        links = f" (it links to {target})" if os.path.islink(path) else ""
        shown = folder if links else (Path(path).parent or Path("."))
        raise InputError(f"{path}: the folder {shown} does not exist{links}")
    return target, False


def _command_inputs() -> list:
    """The current command's file arguments (problem, answers, template, script)."""
    ctx = click.get_current_context(silent=True)
    out = []
    while ctx is not None:
        for p in ctx.command.params:
            v = ctx.params.get(p.name)
            if isinstance(p, click.Argument) and isinstance(v, str) and v not in ("", "-"):
                out.append(v)
        ctx = ctx.parent
    return out


def _write_into(target: Path, path: str, data: bytes):
    """Stream into a FIFO or a device in place.  A FIFO nobody reads is refused at once
    (opening it would wait forever)."""
    import fcntl
    import stat
    mode = os.stat(target).st_mode
    fifo = stat.S_ISFIFO(mode)
    # a regular file behind /dev/stdout is the shell's: appended to, as `>>` or `>` left it
    flags = os.O_WRONLY | (os.O_NONBLOCK if fifo else 0) | (os.O_APPEND if stat.S_ISREG(mode) else 0)
    try:
        fd = os.open(target, flags)
    except OSError as e:
        if fifo and e.errno == errno.ENXIO:
            raise InputError(f"{path}: a FIFO that no process is reading") from None
        raise InputError(f"{path}: cannot be written ({_strerror(e)})") from None
    try:
        if fifo:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with os.fdopen(fd, "wb", closefd=False) as f:
            f.write(data)
    except OSError as e:
        raise InputError(f"{path}: cannot be written ({_strerror(e)})") from None
    finally:
        os.close(fd)


def _output_mode(target: Path) -> int:
    """An existing file keeps its permissions; a new one gets a new file's usual mode
    (mkstemp makes its file private, 0600)."""
    import stat
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_stale_temporaries(folder: Path, name: str):
    """Temporary files of `name` left by a run that was killed while writing (its process
    is gone, or the file is a day old) are removed; a running writer's are kept."""
    import glob
    import time
    for tmp in glob.glob(os.path.join(glob.escape(str(folder)), f".{glob.escape(name)}.*{_TMP_SUFFIX}")):
        pid_text = os.path.basename(tmp)[len(name) + 2:].split(".", 1)[0]
        try:
            st = os.lstat(tmp)
            if st.st_uid != os.getuid() or not os.path.isfile(tmp) or os.path.islink(tmp):
                continue
            if _alive(int(pid_text)) and time.time() - st.st_mtime < _STALE_SECONDS:
                continue
            os.unlink(tmp)
        except (OSError, ValueError):
            continue


def _alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return pid > 0
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Subcommands live in their own modules and are imported only when called, so that the
# primary path (trace-net PROBLEM.yaml) loads nothing it does not need.  One line each.
SUBCOMMANDS = {
    "check": "tracer.commands.check:check",
    # "name": "tracer.commands.module:attribute",
    "generate": "tracer.commands.generate:generate",
    "export": "tracer.commands.export:export",
    "schema": "tracer.commands.schema:schema",
    "from-torch": "tracer.commands.from_torch:from_torch_cmd",
    "examples": "tracer.commands.examples:examples",
    "practice": "tracer.commands.practice:practice",
}

# Format names, their short forms, and the format an output file's extension implies.
FORMAT_ALIASES = {"md": "markdown", "tex": "latex"}
EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".tex": "latex", ".json": "json", ".pdf": "pdf",
              ".txt": "text"}


class FormatChoice(click.Choice):
    """A format name; 'md' and 'tex' are accepted for markdown and latex."""

    def __init__(self, choices):
        super().__init__(list(choices))

    def convert(self, value, param, ctx):
        return super().convert(FORMAT_ALIASES.get(str(value).lower(), value), param, ctx)


def output_format(fmt, output, choices, default="markdown"):
    """The format asked for, else the one the output file's extension names (-o sheet.pdf),
    else `default`."""
    if fmt is not None:
        return fmt
    if output and output != "-":
        implied = EXTENSIONS.get(Path(output).suffix.lower())
        if implied in choices:
            return implied
    return default


def format_option(choices, help="Output format"):
    """--format/-f with the choices and their short forms; None when not given, so that
    output_format can take the format from the file name."""
    names = "|".join(choices)
    exts = " ".join(e for e, f in EXTENSIONS.items() if f in choices and e != ".markdown")
    default = "text on a terminal, else markdown" if "text" in choices else "markdown"
    return click.option("-f", "--format", "fmt", type=FormatChoice(choices), default=None,
                        metavar=f"[{names}]",
                        help=f"{help} (md and tex accepted).  Default: from the -o file's "
                             f"extension ({exts}), else {default}.")


def os_error_message(e: OSError) -> str:
    """An operating-system failure (a disk full, a folder not writable) as one line."""
    what = (e.strerror or str(e)).rstrip(".")
    what = what[:1].lower() + what[1:]
    return f"{e.filename}: {what}" if e.filename else what


@contextlib.contextmanager
def one_line_usage_errors():
    """click's usage errors (a bad option value, an unknown option) as the one line every
    other refusal is: 'Error: Invalid value for '-o' ...', exit status 2, without click's
    Usage and Try lines above it.  A bare subcommand still prints its help."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as e:
        raise InputError(e.format_message()) from None


class DefaultGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, is a problem file."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx, name):
        if name in SUBCOMMANDS:
            import importlib
            mod, _, attr = SUBCOMMANDS[name].partition(":")
            return getattr(importlib.import_module(mod), attr)
        return super().get_command(ctx, name)

    def parse_args(self, ctx, args):
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help())         # a bare `trace-net`: how to use it
            ctx.exit(0)
        known = set(self.commands) | set(SUBCOMMANDS)
        if args and args[0] not in known and args[0] not in ("--help", "-h", "--version"):
            _refuse_mistyped_command(args[0], sorted(known - {"trace"}))
            args = ["trace"] + list(args)
        return super().parse_args(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        with one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with terminal_safe_errors(), one_line_usage_errors():
            try:
                return super().invoke(ctx)
            except OSError as e:
                import errno
                if e.errno == errno.EPIPE:      # `trace-net ... | head`: click ends it quietly
                    raise
                raise InputError(os_error_message(e)) from None

    def shell_complete(self, ctx, incomplete):
        # the first word is a subcommand or a problem file: offer both
        from click.shell_completion import CompletionItem
        return super().shell_complete(ctx, incomplete) + [CompletionItem(incomplete, type="file")]

    def format_usage(self, ctx, formatter):
        formatter.write_usage("trace-net", "PROBLEM.yaml [OPTIONS] | COMMAND [ARGS]...")

    # Every message of every command passes here (and through invoke) on its way to the
    # terminal: messages.terminal_safe.
    def make_context(self, *args, **kwargs):
        with terminal_safe_errors():
            return super().make_context(*args, **kwargs)


@contextlib.contextmanager
def terminal_safe_errors():
    """Error messages with user text (a key, a path, a value) made safe for the terminal."""
    from .messages import terminal_safe
    try:
        yield
    except click.ClickException as e:
        e.message = terminal_safe(e.message)
        if getattr(e, "ui_filename", None):
            e.ui_filename = terminal_safe(e.ui_filename)
        raise


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):     # replaced or closed
        return False


def _refuse_mistyped_command(word: str, commands: list):
    """`trace-net chek P A`: a word that is no file, looks like no file name and is close to a
    command is a mistyped command, not a problem file."""
    import difflib
    if word.startswith("-") or "." in word or os.sep in word or "/" in word or os.path.exists(word):
        return
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        raise InputError(f"no command '{word}' and no file of that name: did you mean '{close[0]}'? "
                         f"(commands: {', '.join(commands)})")


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXAMPLE + "\n" + EXIT_CODES + "\n" + COMPLETION)
@click.version_option(__version__, prog_name="trace-net")
def main():
    """Trace training steps of a small neural network and write the whole derivation down.

    trace-net PROBLEM.yaml writes the worksheet of the problem (plain text on a terminal,
    Markdown into a pipe or a file; trace-net trace --help lists its options).  `trace-net examples` lists the worked
    examples and templates that come with trace-net.
    """


def common_trace_options(f):
    f = click.option("--steps", type=click.IntRange(1), help="Training iterations to trace.")(f)
    f = click.option("--round", "round_", type=click.IntRange(0, 30),
                     help="Hand-calculation mode: round every quantity to K decimals.")(f)
    f = click.option("--decimals", type=click.IntRange(0, 30), help="Digits shown for inexact values.")(f)
    f = click.option("--numbers", type=click.Choice(["exact", "float", "symbolic"]), help="Number mode.")(f)
    return f


def load(problem_path, numbers=None, decimals=None, round_=None, steps=None):
    from .problem import load_problem
    from .schema import ProblemError
    try:
        return load_problem(problem_path, {"numbers": numbers, "decimals": decimals,
                                           "round": round_, "steps": steps})
    except ProblemError as e:
        raise fail(e) from None


TRACE_FORMATS = ("text", "markdown", "latex", "json", "pdf")


@main.command("trace", context_settings={"help_option_names": ["-h", "--help"]},
              epilog=EXAMPLE + "\n" + EXIT_CODES)
@click.argument("problem", metavar="PROBLEM.yaml", required=False, type=click.Path(dir_okay=False))
@format_option(TRACE_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default: standard output).")
@click.option("--detail", type=click.Choice(["matrix", "entries", "chain"]), default="matrix", show_default=True,
              help="How much of each computation the worksheet writes out.")
@click.option("--max-entries", type=click.IntRange(0), default=64, show_default=True,
              help="Elide matrices with more entries than this (0: never). JSON is never elided.")
@click.option("--blank", is_flag=True,
              help="The blank problem sheet: givens shown, every computed matrix an empty box of its shape.")
@common_trace_options
def trace_cmd(problem, fmt, output, detail, max_entries, blank, numbers, decimals, round_, steps):
    """Trace PROBLEM.yaml ('-' for standard input) and write its worksheet."""
    if problem is None:
        raise click.UsageError("give a problem file (or '-' for standard input); see trace-net --help")
    # a person at a terminal reads text; a pipe or a file gets the contract's Markdown
    terminal = output in (None, "-") and _stdout_is_terminal() and detail == "matrix"
    fmt = output_format(fmt, output, TRACE_FORMATS, default="text" if terminal else "markdown")
    if fmt == "text" and detail != "matrix":
        raise InputError(f"--detail {detail} is for the worksheets (markdown, latex, pdf); "
                         "text shows each quantity's formula and matrix")
    from .engine import trace
    from .schema import ProblemError
    prob = load(problem, numbers, decimals, round_, steps)
    check_output_path(output)         # a bad -o is refused before the work, not after
    try:
        t = trace(prob)
        if fmt == "pdf":
            from .render.pdf import to_pdf
            if output is None:
                raise InputError("--format pdf needs -o FILE.pdf")
            from .render.pdf import PdfError
            try:
                data = to_pdf(t.render("latex", detail=detail, max_entries=max_entries, blank=blank))
            except PdfError as e:
                raise click.ClickException(str(e)) from None
            write_output(data, output)
            return
        figure = figure_path(output) if fmt == "markdown" else None
        text = t.render(fmt, detail=detail, max_entries=max_entries, blank=blank,
                        **({"figure": figure.name} if figure else {}))
    except ProblemError as e:
        raise fail(e) from None
    if figure:       # first, so that the Markdown never links a file that is not there
        from .render import render_figure
        write_output(render_figure(t, blank=blank), str(figure))
    write_output(text, output)


def figure_path(output):
    """The network figure beside a Markdown file: worksheet.md → worksheet-network.svg."""
    if output is None or output == "-" or not is_file_output(output):
        return None                   # no figure beside /dev/null or a FIFO
    target = Path(output)
    return target.with_name(target.stem + "-network.svg")


if __name__ == "__main__":  # pragma: no cover
    main()
