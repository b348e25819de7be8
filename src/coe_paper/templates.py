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

import io
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import Any

import jinja2
from jinja2 import BytecodeCache, DictLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2.bccache import Bucket
from markupsafe import Markup

from . import limits
from .diagnostics import Diagnostic, error, warning
from .markdown import find_addresses
from .project import INVALID_XML_RE
from .sandbox import BoundedEnvironment, TemplateLimit, deadline, output_within, within
from .sources import Source
from .store import Store
from .template_outputs import TEMPLATE_NAMES as TEMPLATE_NAMES
from .template_outputs import template_files

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&^\"'])")
_UNSAFE_IN_LINK = re.compile(r"[\s<>\\]")  # what an address between `<` and `>` cannot hold as it is
#: An object printed as Python shows one that has no text of its own: its kind and its address in memory
#: (`<built-in method upper of str object at 0x7f...>`, `<jinja2.utils.Cycler object at 0x7f...>`).
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def escape_markdown(value: object) -> str:
    """Text that Markdown shows literally: ASCII punctuation backslash-escaped, line breaks to spaces; a web or
    e-mail address in it is a link to itself, as a bare address in a section is (see markdown.bare_addresses):
    its escaped dots alone would leave it plain text."""
    text = " ".join(str(value).split())
    return _escaped_text(text) if len(text) > 1000 else _escaped_name(text)


def _escaped_text(text: str) -> str:
    out, at = [], 0
    for link in find_addresses(text):
        if _UNSAFE_IN_LINK.search(link.url) is None:
            out += [_escaped(text[at:link.index]), f"[{_escaped(link.raw)}](<{link.url}>)"]
            at = link.last_index
    return "".join(out) + _escaped(text[at:])


def _escaped(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


#: A template prints the same names and titles over and over, and finding the addresses in a text is slow.
_escaped_name = lru_cache(maxsize=4096)(_escaped_text)


def _finalize(value: object, printed: list[tuple[str | None, int, str]]) -> object:
    """The printed text of `value`; an object (not a text) shown with its address in memory is shown without it,
    and noted in `printed` with the template's line (its address differs from run to run, and so would the
    document). A member's text that reads like one (a title 'Meet at 0xAB>') is printed as it is."""
    if value is None:
        return ""
    if not within(value, limits.LIMITS.template_output):
        raise TemplateLimit(f"a value printed is longer than the {limits.LIMITS.template_output:,} characters allowed")
    text = str(value)
    if not isinstance(value, str) and _ADDRESS.search(text) is not None:  # a text (a title) is the member's
        text = _ADDRESS.sub(">", text)
        printed.append((*_running_place(), text))
    if isinstance(value, Markup):
        return text
    return escape_markdown(text)


def _running_place() -> tuple[str | None, int]:
    """The template whose code is running, and its line (the nearest frame of compiled template code)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.name, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None, 0


def _as_markdown(value: object) -> Markup:
    return Markup(str(value))


class _CompiledCache(BytecodeCache):
    """Compiled templates in the section cache (store.py, kind "jinja"), by the bucket's key and Jinja's version;
    every entry's key also holds coe-paper's own code, the sandbox's code generator among it. The store hands
    back only a file whose checksum holds, so a damaged one never reaches Jinja's unpickling and unmarshalling;
    Jinja itself drops one whose template text or Python version differs."""

    def __init__(self, root: Path | None) -> None:
        self.store = Store(root, "jinja", jinja2.__version__)

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get_bytes(self.store.key(bucket.key))
        if data is None:
            return
        try:
            bucket.load_bytecode(io.BytesIO(data))
        except Exception:  # Jinja's own reading of a file it did not write: any failure means "compile again"
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = io.BytesIO()
        bucket.write_bytecode(body)
        self.store.put_bytes(self.store.key(bucket.key), body.getvalue())


class Templates:
    """The paper's templates, rendered in a sandbox; problems become COE801 diagnostics. `files`: the templates'
    texts and where each was read from, read already (`template_outputs.template_files`)."""

    def __init__(self, source: Source, directory: str,
                 files: tuple[dict[str, str], dict[str, str], list[Diagnostic]] | None = None) -> None:
        self.problems: list[Diagnostic] = []  # template files that cannot be read
        if files is None:
            texts, self.paths, self.problems = template_files(source, directory)
            refused = self.problems
        else:
            texts, self.paths, refused = files  # their problems are the caller's to report
        #: templates of the folder that could not be read (reported already): naming one is no error of its own
        self._refused = {problem.path.rsplit("/", 1)[-1] for problem in refused if problem.path.endswith(".j2")}
        self.seconds_left = limits.LIMITS.template_seconds  # for all renderings together (a byline runs per section)
        self._stopped: set[str] = set()  # templates stopped at the time limit: said once, not again per rendering
        self._printed: list[tuple[str | None, int, str]] = []  # objects the rendering under way printed, by place
        self.env = BoundedEnvironment(
            loader=DictLoader(texts), undefined=StrictUndefined,
            finalize=lambda value: _finalize(value, self._printed),
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=_CompiledCache(source.root),
        )
        self.env.add_filter("markdown", _as_markdown)

    @contextmanager
    def trial(self, seconds: float) -> Iterator[None]:
        """Renderings whose problems nobody reports (templates_ahead.py): together they may take `seconds` of the
        templates' time, and they leave the time and the templates stopped at it as they were, for the renderings
        that are reported."""
        left, stopped = self.seconds_left, set(self._stopped)
        self.seconds_left = min(left, seconds)
        try:
            yield
        finally:
            self.seconds_left, self._stopped = left, stopped

    def _place(self, exc: BaseException, path: str) -> tuple[str, int]:
        """The file (a template that `path` includes, or `path`) and line an exception was raised at."""
        name, line = _template_place(exc)
        return (self.paths.get(name, path) if name else path), line

    def render(self, name: str, context: dict[str, Any]) -> tuple[str | None, list[Diagnostic]]:
        """The template's Markdown, or None and a diagnostic: COE801 for an error in it (whatever Python raised),
        COE803 for a template that goes past its time or size limit; the Markdown and COE004 for output that holds
        a character Word cannot."""
        path = self.paths.get(name, name)
        started = time.monotonic()
        self._printed.clear()
        try:
            if self.seconds_left <= 0:
                if path in self._stopped:
                    return None, []
                raise TemplateLimit("the time templates may take is used up by earlier ones")
            with deadline(started + self.seconds_left):
                template = self.env.get_template(name)
                # Not `template.generate()`: on an error it rewrites the traceback with a stand-in frame per
                # template frame, whose globals hold the exception (a cycle): a runaway recursion's thousand
                # frames, and the context they reference, then waited for the garbage collector. The frames as
                # raised go with the exception; _template_place maps their lines back to the template.
                chunks = template.root_render_func(template.new_context(context))
                text = output_within(chunks, limits.LIMITS.template_output)
            return text, self._objects(path) + _unwritable(text, path)
        except TemplateSyntaxError as exc:  # in the template itself, or in one it includes
            where = self.paths.get(exc.name, path) if exc.name else path
            return None, [error(where, exc.lineno or 0, 1, "COE801", f"template syntax error: {exc.message}")]
        except TemplateLimit as exc:
            self._stopped.add(path)
            return None, [error(*self._place(exc, path), 1, "COE803", f"template stopped: {exc}",
                                "templates lay out the paper's data; loops and values this large are not needed")]
        except TemplateNotFound as exc:  # an include, import or extends naming no template of the folder
            missing = getattr(exc, "templates", None) or [exc.name]
            if any(name in self._refused for name in missing):
                return None, []  # one the folder has, refused (a link out of it, unreadable): said once, at it
            where, line = self._place(exc, path)
            names = " or ".join(f"'{name}'" for name in missing)
            return None, [error(where, line, 1, "COE801",
                                f"template error: no template {names} in {where.rsplit('/', 1)[0]}/",
                                "include, import and extends name another template of that folder by its file "
                                "name, e.g. {% include 'byline.md.j2' %}")]
        except RecursionError as exc:
            return None, [error(*self._place(exc, path), 1, "COE801",
                                "template error: it recurses without end (a macro or include that calls itself)")]
        except Exception as exc:  # any error the template's own code raises (ZeroDivisionError, TypeError, ...)
            return None, [error(*self._place(exc, path), 1, "COE801", f"template error: {_describe(exc)}")]
        finally:
            self.seconds_left -= time.monotonic() - started


    def _objects(self, path: str) -> list[Diagnostic]:
        """COE801 (a warning: the output is whole) for each object the rendering printed rather than a value of it,
        once a place."""
        found: dict[tuple[str, int, str], Diagnostic] = {}
        for name, line, shown in self._printed:
            where = self.paths.get(name, path) if name else path
            found.setdefault((where, line, shown), warning(
                where, line, 1, "COE801", f"the template prints an object, not a value: {shown[:120]} (Python shows "
                "it with its address in memory, which differs on every run and is left out)",
                "print a value of it: call a method (section.title.upper()), or name the attribute wanted"))
        return list(found.values())


def _unwritable(text: str, path: str) -> list[Diagnostic]:
    """COE004 for output holding a character a Word document cannot hold (a template's `"\\x07"`): the build would
    leave it out, unsaid."""
    bad = INVALID_XML_RE.search(text)
    if bad is None:
        return []
    return [error(path, 0, 0, "COE004", f"the template's output holds control character U+{ord(bad.group()):04X}, "
                  "which a Word document cannot hold", "remove it, or the escape that makes it")]


def _describe(exc: Exception) -> str:
    if isinstance(exc, OverflowError) and not str(exc).startswith("Range too big"):  # the sandbox's own is clear;
        # Python's ('int too large to convert to float', 'Numerical result out of range') name no number or limit
        return ("a number too large for a decimal (over about 1.8e308): filesizeformat, float and a decimal's "
                "powers go no further")
    text = str(exc).split("\n", 1)[0][:300]
    return text if exc.__class__.__module__.startswith("jinja2") else f"{type(exc).__name__}: {text}"


def _template_place(exc: BaseException) -> tuple[str | None, int]:
    """The template, and its line, an exception was raised at: the deepest frame of compiled template code (its
    globals name the template, which maps the code's lines back to its own)."""
    tb = exc.__traceback__
    name, line = None, 0
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            name, line = template.name, template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return name, line
