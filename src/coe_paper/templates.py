"""Sandboxed Jinja2 for the paper's own templates (cover and its back, abbreviations, byline, annex), which
output Markdown.

Every value a template prints is Markdown-escaped, so member data stays text; `|markdown` marks a value as
Markdown on purpose. Templates come from the project's `paper/templates/`, falling back to the built-in ones.
"""

from __future__ import annotations

import re
import time
from importlib import resources
from typing import Any

from jinja2 import DictLoader, StrictUndefined, TemplateSyntaxError
from markupsafe import Markup

from . import limits
from .diagnostics import Diagnostic, error
from .project import read_text
from .sandbox import BoundedEnvironment, TemplateLimit, deadline, output_within, weight
from .sources import Source, SourceError

TEMPLATE_NAMES = ("title_page.md.j2", "cover_back.md.j2", "abbreviations.md.j2", "byline.md.j2", "annex.md.j2")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&^\"'])")


def escape_markdown(value: object) -> str:
    """Text that Markdown shows literally: ASCII punctuation backslash-escaped, line breaks to spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if weight(value, limits.LIMITS.template_output) > limits.LIMITS.template_output:
        raise TemplateLimit(f"a value printed is longer than the {limits.LIMITS.template_output:,} characters allowed")
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
        self.seconds_left = limits.LIMITS.template_seconds  # for all renderings together (a byline runs per section)
        self.env = BoundedEnvironment(
            loader=DictLoader(files), undefined=StrictUndefined, finalize=_finalize,
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )  # fmt: skip
        self.env.add_filter("markdown", _as_markdown)

    def render(self, name: str, context: dict[str, Any]) -> tuple[str | None, list[Diagnostic]]:
        """The template's Markdown, or None and a diagnostic: COE801 for an error in it (whatever Python raised),
        COE803 for a template that goes past its time or size limit."""
        path = self.paths.get(name, name)
        started = time.monotonic()
        try:
            if self.seconds_left <= 0:
                raise TemplateLimit("the time templates may take is used up by earlier ones")
            with deadline(started + self.seconds_left):
                template = self.env.get_template(name)
                return output_within(template.generate(**context), limits.LIMITS.template_output), []
        except TemplateSyntaxError as exc:
            return None, [error(path, exc.lineno or 0, 1, "COE801", f"template syntax error: {exc.message}")]
        except TemplateLimit as exc:
            return None, [error(path, _template_line(exc), 1, "COE803", f"template stopped: {exc}",
                                "templates lay out the paper's data; loops and values this large are not needed")]
        except RecursionError as exc:
            return None, [error(path, _template_line(exc), 1, "COE801",
                                "template error: it recurses without end (a macro or include that calls itself)")]
        except Exception as exc:  # any error the template's own code raises (ZeroDivisionError, TypeError, ...)
            return None, [error(path, _template_line(exc), 1, "COE801", f"template error: {_describe(exc)}")]
        finally:
            self.seconds_left -= time.monotonic() - started


def _describe(exc: Exception) -> str:
    text = str(exc).split("\n", 1)[0][:300]
    return text if exc.__class__.__module__.startswith("jinja2") else f"{type(exc).__name__}: {text}"


def _template_line(exc: BaseException) -> int:
    """The template line an exception was raised at: Jinja's rewritten frames carry it, compiled template code
    maps its own lines back through the template (TemplateLimit is not rewritten, being a BaseException)."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        code = tb.tb_frame.f_code
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        elif code.co_filename.endswith(".j2") or "<template>" in code.co_filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
