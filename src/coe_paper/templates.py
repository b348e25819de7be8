"""Sandboxed Jinja2 for the paper's own templates (cover and its back, abbreviations, byline, annex), which
output Markdown.

Every value a template prints is Markdown-escaped, so member data stays text; `|markdown` marks a value as
Markdown on purpose. Templates come from the project's `paper/templates/`, falling back to the built-in ones.

Compiling a template is most of the cost of rendering it, so the compiled code is kept between runs in the git
directory (`<git dir>/coe-paper-cache/jinja/`), keyed by the template's name and text, Jinja's version and the
sandbox's own code (its code generator is what makes the compiled code safe). Whoever can write there can already
run code through git's hooks, so the cache adds no new way in; outside git nothing is kept.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BytecodeCache, DictLoader, StrictUndefined, TemplateSyntaxError
from jinja2.bccache import Bucket
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


class _CompiledCache(BytecodeCache):
    """Compiled templates as files in `directory`, named by a salt (Jinja's version, the sandbox's code) and the
    bucket's key; Jinja itself drops a file whose template text (its checksum) or Python version differs."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        here = Path(__file__).parent
        stamps = [jinja2.__version__]
        for name in ("sandbox.py", "templates.py"):
            try:
                info = (here / name).stat()
            except OSError:
                continue
            stamps.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        self.salt = hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16]

    def _file(self, bucket: Bucket) -> Path:
        return self.directory / f"{self.salt}-{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Hand Jinja the file only when its first line is the SHA-256 of the rest: a damaged or truncated file
        never reaches Jinja's unpickling and unmarshalling."""
        try:
            data = self._file(bucket).read_bytes()
        except OSError:
            return
        head, _, body = data.partition(b"\n")
        if head != hashlib.sha256(body).hexdigest().encode():
            return
        try:
            bucket.load_bytecode(io.BytesIO(body))
        except Exception:  # Jinja's own reading of a file it did not write: any failure means "compile again"
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = io.BytesIO()
        bucket.write_bytecode(body)
        data = hashlib.sha256(body.getvalue()).hexdigest().encode() + b"\n" + body.getvalue()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".jinja-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, self._file(bucket))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs the next run time


def _compiled_cache(source: Source) -> _CompiledCache | None:
    from .store import git_dir

    root = getattr(source, "root", None)
    directory = git_dir(root) if isinstance(root, Path) else None
    return _CompiledCache(directory / "coe-paper-cache" / "jinja") if directory is not None else None


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
            bytecode_cache=_compiled_cache(source),
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
                # Not `template.generate()`: on an error it rewrites the traceback with a stand-in frame per
                # template frame, whose globals hold the exception (a cycle): a runaway recursion's thousand
                # frames, and the context they reference, then waited for the garbage collector. The frames as
                # raised go with the exception; _template_line maps their lines back to the template.
                chunks = template.root_render_func(template.new_context(context))
                return output_within(chunks, limits.LIMITS.template_output), []
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
    """The template line an exception was raised at: the deepest frame of compiled template code (its globals
    name the template, which maps the code's lines back to its own)."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line
