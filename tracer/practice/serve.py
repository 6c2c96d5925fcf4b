"""Running the practice app on this machine: werkzeug's threaded WSGI server, which is
enough for one student or a small class; a course with many students runs the same app
under gunicorn or any WSGI server (docs/practice.md)."""
from __future__ import annotations

import click

from ..schema import ProblemError


def serve(source, host="127.0.0.1", port=8000, open_browser=False):
    from werkzeug.serving import make_server
    from .app import create_app
    from .catalog import load
    cat = load(source)
    for path, why in cat.skipped:
        click.echo(f"skipped: {why}", err=True)
    app = create_app(cat)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as e:
        raise ProblemError(f"--host {host} --port {port}", f"cannot listen there: {e.strerror or e}") from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/"
    n = len(cat.entries)
    click.echo(f"trace-net practice: {n} problem{'s' if n != 1 else ''} at {url}  (Ctrl+C stops it)")
    if open_browser:
        import webbrowser
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
