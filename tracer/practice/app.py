"""The practice server: a Flask (WSGI) app over a catalogue of problems.

Routes (delivery.md §2): GET / (the page, or the list of problems), GET /p/NAME, POST /check
and POST /p/NAME/check (the checker's JSON), POST /p/NAME/answers-file (an uploaded YAML
answers file, read into the inputs), GET /static/... (KaTeX, the page's script and style:
only the files shipped in tracer/practice/static).  Nothing else is served: a URL is looked
up in tables made at start-up, never joined to a path.  Every error is a short JSON (or
HTML) message, never a traceback; bodies over 1 MiB get 413.

Stateless: a grading request carries every answer, so any number of workers can serve it
(`gunicorn -w 4 'tracer.practice.app:create_app("worked_examples")'`).
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..schema import ProblemError
from . import catalog as catalog_mod
from .grading import answers_file, check_json, read_body
from .page import index_html, problem_html
from .sheet import build_sheet

MAX_BODY = 1 << 20                 # 1 MiB
STATIC = Path(__file__).resolve().parent / "static"
TYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".txt": "text/plain"}
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                      "font-src 'self'; script-src 'self'; connect-src 'self'; "
                                      "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"}
log = logging.getLogger("trace-net.practice")


def static_files() -> dict:
    """URL path under /static/ -> file, for every file shipped in the static folder."""
    return {f.relative_to(STATIC).as_posix(): f for f in sorted(STATIC.rglob("*"))
            if f.is_file() and f.suffix in TYPES}


def create_app(source) -> Flask:
    """The app for a problem file or a folder of them (a catalog.Catalog or a path)."""
    cat = source if isinstance(source, catalog_mod.Catalog) else catalog_mod.load(source)
    # every page made now (errors show at start-up), at / and at /p/NAME (relative URLs)
    sheets = {name: build_sheet(e) for name, e in cat.entries.items()}
    pages = {(name, root): problem_html(sheets[name], cat, root) for name in cat.entries for root in ("", "../")}
    index = index_html(cat)
    files = static_files()
    app = Flask("tracer.practice", static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, PROPAGATE_EXCEPTIONS=False, TRAP_HTTP_EXCEPTIONS=False)
    app.url_map.merge_slashes = False      # /static//etc/passwd is not found, not redirected
    app.extensions["trace-net.catalog"] = cat

    def entry_or_404(name):
        e = cat.entries.get(name)
        if e is None:
            raise NotFound(f"no problem named {name!r} here")
        return e

    @app.get("/")
    def home():
        if cat.single:
            return html(pages[next(iter(cat.entries)), ""])
        return html(index)

    @app.get("/p/<name>")
    def problem_page(name):
        entry_or_404(name)
        return html(pages[name, "../"])

    @app.post("/check")
    def check_only():
        if not cat.single:
            return error(f"this server has {len(cat.entries)} problems: POST to /p/NAME/check", 400)
        return grade(next(iter(cat.entries.values())))

    @app.post("/p/<name>/check")
    def check_named(name):
        return grade(entry_or_404(name))

    @app.post("/p/<name>/answers-file")
    def upload(name):
        e = entry_or_404(name)
        from urllib.parse import unquote
        filename = unquote(request.headers.get("X-Filename", ""))[:200] or "answers.yaml"
        try:
            return jsonify(answers_file(e, body(), filename))
        except ProblemError as err:
            return error(str(err), 400)
        except RecursionError:
            return error(f"{filename}: nested too deeply", 400)

    @app.get("/static/<path:rel>")
    def static_file(rel):
        f = files.get(rel)
        if f is None:
            raise NotFound("no such file")
        resp = Response(f.read_bytes(), mimetype=TYPES[f.suffix])
        resp.headers["Cache-Control"] = "public, max-age=86400"
        return resp

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code == 413:
            return error(f"the body is over {MAX_BODY // (1 << 20)} MiB", 413)
        return error(e.description if isinstance(e, NotFound) else e.name, e.code or 500)

    @app.errorhandler(Exception)
    def crash(e):                  # a bug of ours: the log has the traceback, the page never
        log.exception("practice server: %s %s", request.method, request.path)
        return error("internal error: the server could not answer this request", 500)

    @app.after_request
    def headers(resp):
        for k, v in HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    return app


class NotFound(HTTPException):
    code = 404

    def __init__(self, what):
        super().__init__(what)


def grade(entry):
    import time
    t0, c0 = time.perf_counter(), time.thread_time()
    try:
        raw, at = read_body(body())
        resp = Response(check_json(entry, raw, at), mimetype="application/json")
        # what grading took inside the server (wall and this thread's cpu), for operators
        # and benchmarks/practice_latency.py
        resp.headers["Server-Timing"] = (f"grade;dur={1000 * (time.perf_counter() - t0):.1f}, "
                                         f"cpu;dur={1000 * (time.thread_time() - c0):.1f}")
        return resp
    except ProblemError as err:
        return error(str(err), 400)
    except RecursionError:
        return error("body: nested too deeply", 400)


def body() -> bytes:
    """The request body, at most MAX_BODY bytes: Flask refuses a longer Content-Length, and a
    chunked body (no length announced) is cut off here."""
    parts, size = [], 0
    while size <= MAX_BODY:
        chunk = request.stream.read(MAX_BODY + 1 - size)     # a read may return less: loop
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
    raise RequestEntityTooLarge()


def html(text):
    return Response(text, mimetype="text/html")


def error(message, status):
    """{"error": message} for scripts; a browser that asks for a page gets the same in HTML."""
    if request.method == "GET" and request.accept_mimetypes.accept_html:
        from .page import error_html
        return Response(error_html(message, status), status=status, mimetype="text/html")
    resp = jsonify({"error": message})
    resp.status_code = status
    return resp
