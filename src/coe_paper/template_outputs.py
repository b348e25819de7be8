"""What the paper's templates gave (title page, its back, abbreviations, each byline, annex), kept in the section
cache under a key of everything it depends on, so that a build whose templates and their data are as before renders
none of them, and need not import Jinja2 at all (`templates.py` is imported for the first template to render).

The key of an output holds: every template's text (one may include another); the name rendered; coe-paper's code
(the sandbox among it; the store's salt), the installed Jinja2 and MarkupSafe files, Python's version and the
limits templates run under; and the data the template can reach. That is each context value whose name the
template's text spells (all templates' texts, when it includes, imports or extends another), exactly, types
included; when every mention of a name is `name.attribute` (as Jinja reads it) and the value is a mapping, only
those attributes' values. An output is kept only when it rendered without a problem, and only from templates that
name none of Jinja's random sources (`random`, `lipsum`) and print no object's address (" at 0x"): the same key
then always gives the same text.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import limits
from .diagnostics import Diagnostic, error
from .project import read_text
from .sources import OutsideProject, Source, SourceError
from .store import Store

if TYPE_CHECKING:
    from .templates import Templates

TEMPLATE_NAMES = ("title_page.md.j2", "cover_back.md.j2", "abbreviations.md.j2", "byline.md.j2", "annex.md.j2")
#: A mention of a name read as `name.attribute`: the attribute, then no character an identifier could go on with.
_ATTRIBUTE = re.compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)(?![0-9A-Za-z_]|[^\x00-\x7f])")  # (compiles quickly)
_OTHERS = ("include", "import", "extends")  # a template that may run another's code
_OPENER = re.compile(r"\{[{%#]")
_RAW = re.compile(r"\{%[-+]?\s*raw\s*-?%\}")  # as Jinja's lexer reads a raw block's start and end
_END_RAW = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")
_STRING = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\"", re.S)  # Jinja's string_re
_RANDOM = ("random", "lipsum")  # Jinja's filter and global whose output differs from run to run


def template_files(source: Source, directory: str) -> tuple[dict[str, str], dict[str, str], list[Diagnostic]]:
    """The templates' texts by name (built in, then the project's own from `directory`), where each is read from,
    and the problems reading them."""
    files: dict[str, str] = {}
    paths: dict[str, str] = {}
    problems: list[Diagnostic] = []  # template files that cannot be read
    builtin = resources.files("coe_paper") / "templates"
    for name in TEMPLATE_NAMES:
        files[name] = (builtin / name).read_text(encoding="utf-8")
        paths[name] = f"(built-in)/{name}"
    try:
        found = source.list_dir(directory)
    except SourceError as exc:  # a folder linked out of the project, or a link loop (validate reports it too)
        found = []
        problems.append(error(directory, 0, 0, "COE005" if isinstance(exc, OutsideProject) else "COE003", str(exc)))
    for path in found:
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".j2") and (elsewhere := _elsewhere(source, directory, path)) is not None:
            problems.append(elsewhere)
        elif name.endswith(".j2"):
            text, read_problems = read_text(source, path, limits.LIMITS.template_bytes)
            problems.extend(read_problems)
            if text is not None:
                files[name] = text
                paths[name] = path
    return files, paths, problems


def _elsewhere(source: Source, directory: str, path: str) -> Diagnostic | None:
    """COE005 a template of the folder that is a symbolic link to a file outside it (`evil.md.j2 ->
    ../../contributors.yaml`): a template is a file of the templates' folder. A link out of the project is left
    for reading it to report."""
    try:
        folder, target = source.resolved(directory), source.resolved(path)
    except SourceError:
        return None
    if target.rpartition("/")[0] == folder:
        return None
    return error(path, 0, 0, "COE005", f"'{path}' is a symbolic link to '{target}', outside the templates' folder "
                 f"{directory}/", "a template must be a file of that folder: copy the file there instead of linking")


class KeptTemplates:
    """The paper's templates (see `templates.Templates`), their outputs kept in the cache of the project at `root`
    (None: nothing kept)."""

    def __init__(self, source: Source, directory: str, root: Path | None) -> None:
        self.source = source
        self.files, self.paths, self.problems = template_files(source, directory)
        texts = sorted(self.files.items())
        self.keep = not any(word in text for _, text in texts for word in _RANDOM)
        salt = repr([texts, _library_stamp(), sys.version, limits.LIMITS])
        self.store = Store(root, "outputs", salt, pack=True)
        self.rendered = 0  # templates rendered now (the rest: from the cache)
        self._templates: Templates | None = None
        self._uses: dict[tuple[str, tuple[str, ...]], dict[str, frozenset[str] | None]] = {}
        self._memo: dict[int, tuple[object, str]] = {}

    def render(self, name: str, context: dict[str, Any]) -> tuple[str | None, list[Diagnostic]]:
        """The template's Markdown, or None and its problem, as `Templates.render` gives them."""
        key = self._key(name, context) if self.keep else None
        if key is not None:
            found = self.store.get(key)
            if isinstance(found, dict) and set(found) == {"output"} and isinstance(found["output"], str):
                return found["output"], []
        self.rendered += 1
        text, problems = self.templates().render(name, context)
        if key is not None and text is not None and not problems and " at 0x" not in text:
            self.store.put(key, {"output": text})
        return text, problems

    def templates(self) -> Templates:
        """The templates, ready to render (Jinja2 loads only when a template is rendered)."""
        if self._templates is None:
            from .templates import Templates

            self._templates = Templates(self.source, "", (self.files, self.paths, self.problems))
        return self._templates

    def close(self, drop_unused: bool = True) -> None:
        """After a whole paper: write the kept outputs, dropping those this build did not use."""
        self.store.prune(drop_unused)

    def _key(self, name: str, context: dict[str, Any]) -> str | None:
        """The key of `name` rendered with `context`, or None when a value it reaches is not plain data."""
        uses = self._uses.get((name, tuple(context)))
        if uses is None:
            text = code(self.files.get(name, ""))
            if any(word in text for word in _OTHERS):
                text = "\n".join(map(code, self.files.values()))
            uses = self._uses[name, tuple(context)] = mentions(text, context)
        parts = [name]
        try:
            for variable, attributes in sorted(uses.items()):
                value = context[variable]
                if attributes is None or type(value) is not dict or any(hasattr(value, a) for a in attributes):
                    parts.append(f"{variable}={describe(value, self._memo)}")
                else:  # only these attributes are read: each value, or "-" for an attribute it does not have
                    parts += [f"{variable}.{attribute}=" + (describe(value[attribute], self._memo)
                                                            if attribute in value else "-")
                              for attribute in sorted(attributes)]
        except _Unkept:
            return None
        return self.store.key(*parts)


def code(template: str) -> str:
    """The parts of `template` that Jinja reads as code, one after another: each tag, comment and raw block whole,
    found as Jinja's lexer finds them (the first `{{`, `{%` or `{#` in text; a tag ends at its `}}` or `%}` outside
    strings and brackets, a comment at `#}`, a raw block at its `endraw`). What it leaves out is text Jinja prints
    as it is; what it cannot read (a string never closed) it keeps to the end."""
    regions, start = [], 0
    while (opener := _OPENER.search(template, start)) is not None:
        start = opener.start()
        if (raw := _RAW.match(template, start)) is not None:
            end = _END_RAW.search(template, raw.end())
            stop = end.end() if end is not None else len(template)
        elif opener.group() == "{#":
            end_comment = template.find("#}", start + 2)
            stop = end_comment + 2 if end_comment >= 0 else len(template)
        else:
            stop = _tag_end(template, start + 2, opener.group()[1])
        regions.append(template[start:stop])
        start = stop
    return "\n".join(regions)


def _tag_end(template: str, start: int, kind: str) -> int:
    """Where the tag whose body starts at `start` ends: past the first `}}` (`kind` "{") or `%}` (`kind` "%")
    outside strings and brackets, as Jinja's lexer ends it."""
    closer, depth, index = "}" if kind == "{" else "%", 0, start
    while index < len(template):
        char = template[index]
        if char in "'\"":
            string = _STRING.match(template, index)
            if string is None:
                return len(template)
            index = string.end()
            continue
        if char == closer and not depth and template.startswith("}", index + 1):
            return index + 2
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        index += 1
    return len(template)


def mentions(text: str, names: Iterable[str]) -> dict[str, frozenset[str] | None]:
    """For each of `names` that `text` spells anywhere: the attributes it is read through, when every mention is
    `name.attribute`; else None (the whole value). A mention inside a longer word counts too, which only makes the
    key larger."""
    found: dict[str, frozenset[str] | None] = {}
    for name in names:
        start = text.find(name)
        if start < 0:
            continue
        attributes: set[str] | None = set()
        while start >= 0 and attributes is not None:
            match = _ATTRIBUTE.match(text, start + len(name))
            attributes = attributes | {match.group(1)} if match is not None else None
            start = text.find(name, start + 1)
        found[name] = frozenset(attributes) if attributes is not None else None
    return found


class _Unkept(Exception):
    """A value that `describe` cannot spell out exactly: the template is rendered, and its output not kept."""


_SCALARS = (str, int, float, bool, type(None))
_BRACKETS: dict[type, str] = {dict: "{}", list: "[]", tuple: "()"}


def describe(value: object, memo: dict[int, tuple[object, str]]) -> str:
    """A text that only a value equal to `value`, of the same types all through, gives: a scalar's repr; an empty
    dict's, list's or tuple's brackets; another one's SHA-256 of its items described in order, worked out once per
    object (`memo` keeps the object, so that its id is not reused while the memo lives). Anything else raises
    _Unkept."""
    if type(value) in _SCALARS:
        return repr(value)
    return _described(value, memo)


def _described(value: object, memo: dict[int, tuple[object, str]]) -> str:
    """`describe` of a value that is not a scalar: a collection's items that are scalars are spelt where they are,
    without a call each (an organisation of the annex holds a dozen)."""
    kind = type(value)
    brackets = _BRACKETS.get(kind)
    if brackets is None:
        raise _Unkept(kind.__name__)
    if not value:  # empty: its brackets, which no scalar's repr or digest reads as
        return brackets
    known = memo.get(id(value))
    if known is None:
        if isinstance(value, dict):
            if not all(type(key) is str for key in value):
                raise _Unkept("a key that is not a string")
            items = [f"{key!r}:{repr(item) if type(item) in _SCALARS else _described(item, memo)}"
                     for key, item in value.items()]
        else:
            assert isinstance(value, list | tuple)
            items = [repr(item) if type(item) in _SCALARS else _described(item, memo) for item in value]
        text = brackets[0] + ",".join(items) + brackets[1]
        known = memo[id(value)] = (value, "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    return known[1]


def _library_stamp() -> str:
    """Names, sizes and times of the installed Jinja2's and MarkupSafe's files, found without importing them."""
    stamps = []
    for package in ("jinja2", "markupsafe"):
        spec = find_spec(package)
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else ""
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name) if folder else []
        except OSError:
            entries = []
        for entry in entries:
            if entry.is_file():
                info = entry.stat()
                stamps.append(f"{package}/{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps)
