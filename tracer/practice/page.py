"""The practice pages as HTML: templates/practice*.html.j2 filled with sheet.build_sheet's
content.  Jinja escapes every string (user text, LaTeX alike); KaTeX typesets the LaTeX
from the elements' text in the browser.  URLs are relative (`root` is "" for the page at /
and "../" at /p/NAME), so the app also works below a prefix behind a proxy."""
from __future__ import annotations

_ENV = None


def environment():
    global _ENV
    if _ENV is None:
        import jinja2
        from ..render import template_dir
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir())),
                                  autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True)
    return _ENV


def problem_html(sheet, catalog, root="") -> str:
    """One problem's page; `sheet` is sheet.build_sheet's content."""
    return environment().get_template("practice.html.j2").render(
        sheet=sheet, root=root, listed=not catalog.single)


def index_html(catalog, root="") -> str:
    items = [{"name": e.name, "title": e.title, "path": str(e.path.relative_to(catalog.root))
              if e.path.is_relative_to(catalog.root) else e.path.name} for e in catalog.entries.values()]
    return environment().get_template("practice_index.html.j2").render(
        items=items, root=root, folder=catalog.root.name or str(catalog.root))


def error_html(message, status) -> str:
    return environment().get_template("practice_error.html.j2").render(message=message, status=status)
