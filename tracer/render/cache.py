"""Compiled templates kept between runs, so a worksheet does not recompile its template.

Compiling the worksheet template costs about 10 ms, a tenth of a whole `trace-net` run; the
cache makes later runs load it instead.  Jinja checks each cached entry against the
template's source (sha1) and the Python version; the file name also carries a fingerprint
of the environment's options, so a changed delimiter or setting never reuses old code.

Where: $TRACE_NET_CACHE_DIR, else $XDG_CACHE_HOME/trace-net, else ~/.cache/trace-net.
TRACE_NET_CACHE_DIR set to the empty string turns the cache off.  A cache that cannot be
read or written is skipped silently: it may only ever cost time, never a worksheet.
"""
from __future__ import annotations

import hashlib
import os


def cache_dir() -> str | None:
    """The directory for compiled templates, or None when the cache is turned off."""
    chosen = os.environ.get("TRACE_NET_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "trace-net")


def bytecode_cache(settings: dict):
    """A Jinja bytecode cache for an environment built with `settings`, or None."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    import jinja2
    from .. import __version__

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except Exception:          # a damaged entry: compile afresh
                bucket.reset()

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:            # full or read-only disk: compile next time too
                pass

    # objects (loader, finalize) print with their address, which changes every run:
    # fingerprint plain values as they are and objects by their kind
    described = sorted((k, v if isinstance(v, (str, int, bool, type(None))) else
                        getattr(v, "__qualname__", type(v).__qualname__))
                       for k, v in settings.items())
    fingerprint = hashlib.sha1(f"{__version__} {described}".encode()).hexdigest()[:12]
    return QuietCache(directory, f"template-{fingerprint}-%s.cache")
