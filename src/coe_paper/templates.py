"""Sandboxed Jinja2 for the paper's own templates (title page, byline, annex), which output Markdown.

Every value a template prints is Markdown-escaped, so member data stays text; `|markdown` marks a value as
Markdown on purpose. Templates come from the project's `paper/templates/`, falling back to the built-in ones.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from jinja2 import DictLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import limits
from .diagnostics import Diagnostic, error
from .project import read_text
from .sources import Source, SourceError

TEMPLATE_NAMES = ("title_page.md.j2", "byline.md.j2", "annex.md.j2")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&^\"'])")


def escape_markdown(value: object) -> str:
    """Text that Markdown shows literally: ASCII punctuation backslash-escaped, line breaks to spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return escape_markdown(value)


def _as_markdown(value: object) -> Markup:
    return Markup(str(value))


class Templates:
    """The paper's templates, rendered in a sandbox; problems become COE801 diagnostics."""

    def __init__(self, source: Source, directory: str) -> None:
        files: dict[str, str] = {}
        self.paths: dict[str, str] = {}
        self.problems: list[Diagnostic] = []  # template files that cannot be read
        builtin = resources.files("coe_paper") / "templates"
        for name in TEMPLATE_NAMES:
            files[name] = (builtin / name).read_text(encoding="utf-8")
            self.paths[name] = f"(built-in)/{name}"
        try:
            paths = source.list_dir(directory)
        except SourceError as exc:  # a folder linked out of the project (validate reports it against paper.yaml)
            paths = []
            self.problems.append(error(directory, 0, 0, "COE005", str(exc)))
        for path in paths:
            name = path.rsplit("/", 1)[-1]
            if name.endswith(".j2"):
                text, problems = read_text(source, path, limits.LIMITS.template_bytes)
                self.problems.extend(problems)
                if text is not None:
                    files[name] = text
                    self.paths[name] = path
        self.env = SandboxedEnvironment(
            loader=DictLoader(files), undefined=StrictUndefined, finalize=_finalize,
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )  # fmt: skip
        self.env.filters["markdown"] = _as_markdown

    def render(self, name: str, context: dict[str, Any]) -> tuple[str | None, list[Diagnostic]]:
        path = self.paths.get(name, name)
        try:
            return self.env.get_template(name).render(**context), []
        except TemplateSyntaxError as exc:
            return None, [error(path, exc.lineno or 0, 1, "COE801", f"template syntax error: {exc.message}")]
        except TemplateError as exc:
            return None, [error(path, _template_line(exc), 1, "COE801", f"template error: {exc}")]


def _template_line(exc: BaseException) -> int:
    """The template line an exception was raised at (Jinja rewrites tracebacks to template lines)."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2") or "<template>" in tb.tb_frame.f_code.co_filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
