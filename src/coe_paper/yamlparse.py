"""PyYAML's parsing, bounded and with positions, for yamlsafe.py (see its docstring): the node graph is inspected
for alias bombs, recursive aliases, depth, long integers and duplicate keys before anything is built from it."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from . import limits
from .diagnostics import Diagnostic, error
from .project import INVALID_XML_RE, control_character
from .yamlsafe import VALUE, Located, Marks

#: The line breaks PyYAML counts (YAML 1.1's), and those of them an editor shows within a line.
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_INLINE_BREAKS = re.compile("[\x85\u2028\u2029]")

_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _dates_as_written(loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    """`date: 2024-01-31` is the text written, as YAML 1.2 reads it, and as the YAML language server does when it
    checks the file against the schemas (where it is a string): YAML 1.1 made it a date, which no field takes, so
    validate refused the cover's date that the editor had accepted."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


class _Loader(yaml.SafeLoader):
    """SafeLoader whose value errors (a number Python will not convert, a `!!timestamp` that is no date) carry a
    mark."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read the value '{str(node.value)[:40]}': {exc}",
                                   node.start_mark) from None


_dates_as_written(_Loader)
_FastLoader: Callable[[str], Any] | None = None
if hasattr(yaml, "CSafeLoader"):  # libyaml: the same nodes and marks, parsed in C

    class _CLoader(yaml.CSafeLoader):
        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError, TypeError) as exc:
                raise ConstructorError(None, None, f"cannot read the value: {exc}", node.start_mark) from None

    _dates_as_written(_CLoader)
    _FastLoader = _CLoader


@contextmanager
def _uncollected() -> Iterator[None]:
    """Python's cycle collector paused: a file's nodes and values are new objects by the hundred thousand, and each
    few hundred of them set off a pass over the objects alive, the growing graph among them, so that parsing took
    time in the square of the file's length (a contributors.yaml of 12,500 organisations: 3.2 s, 1.4 s paused).
    Nothing parsed is garbage until the parse ends; the collector runs again after it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _compose(loader_class: Callable[[str], Any], text: str, path: str,
             line_offset: int) -> tuple[Located | None, list[Diagnostic]]:
    loader = loader_class(text)
    with _uncollected():
        try:
            node = loader.get_single_node()
            if node is not None:
                problems = inspect(node, path, line_offset, escapes=_may_escape(text), text=text)
                if problems:
                    return None, problems
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    return Located(data, text=text), []


def _may_escape(text: str) -> bool:
    """Whether a value of `text` can hold a character a Word document cannot: only an escape makes one (the reader
    refuses it written as it is), and an escape starts with a backslash. One look at the text instead of a search
    of each of its values (175,000 in a contributors.yaml of 12,500 organisations)."""
    return "\\" in text or INVALID_XML_RE.search(text) is not None


def position(mark: yaml.Mark, text: str) -> tuple[int, int]:
    """Line and column (from 1) of PyYAML's `mark` in `text` as an editor shows them: PyYAML ends a line at U+0085,
    U+2028 and U+2029 too, which editors show within the line, so that a position after one was a line late."""
    return _editor(mark.line, mark.column, text)


def _editor(line: int, column: int, text: str) -> tuple[int, int]:
    """`position` of PyYAML's line and column (from 0)."""
    starts = _line_starts(text)
    if starts is None:
        return line + 1, column + 1
    at = starts[min(line, len(starts) - 1)] + column
    line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return 1 + text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at), at - line_start + 1


@lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int] | None:
    """Where each of PyYAML's lines of `text` starts; None when they are an editor's (once a text: a file's nodes
    are many)."""
    if not _INLINE_BREAKS.search(text):
        return None
    return [0, *(found.end() for found in _YAML_BREAKS.finditer(text))]


def marks_of(text: str) -> Marks:
    """The position of each key path of `text`, YAML parsed already without a problem (see Located.marks)."""
    marks: Marks = {}
    for loader_class in ([_FastLoader] if _FastLoader is not None else []) + [_Loader]:
        loader = loader_class(text)
        with _uncollected():
            try:
                node = loader.get_single_node()
            except (yaml.YAMLError, RecursionError):
                continue
            finally:
                loader.dispose()
        if node is not None:
            _marks(node, (), marks)
        break
    if _line_starts(text) is not None:
        return {key: _editor(line - 1, column - 1, text) for key, (line, column) in marks.items()}
    return marks


def _marks(node: yaml.Node, path: tuple[str | int, ...], out: Marks) -> None:
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            out[sub] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _marks(value, sub, out)  # the key's own position stays recorded for its path
            out[(*sub, VALUE)] = (value.start_mark.line + 1, value.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _marks(item, (*path, index), out)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _duplicates(node: yaml.MappingNode, path: str, offset: int, text: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            continue
        (line, column), ident = position(key.start_mark, text), (key.tag, key.value)
        if ident not in seen:
            seen[ident] = line
        else:
            first = seen[ident]
            found.append(error(path, line + offset, column, "COE010",
                               f"duplicate key '{key.value}' (first on line {first + offset}); YAML allows a key once",
                               "keep one of them: YAML readers differ on which one counts"))
    return found


def inspect(root: yaml.Node, path: str, offset: int = 0, escapes: bool = True, text: str = "") -> list[Diagnostic]:
    """Bounds and duplicate keys of a composed document, without expanding any alias (iterative, memoised). What
    aliases add is bounded, not the values written: a long file is bounded by its size in bytes. Values are searched
    for characters a Word document cannot hold only when their text has `escapes` (see _may_escape)."""
    bounds = limits.LIMITS
    sizes: dict[int, int] = {}  # expanded size of each node already measured
    open_nodes: set[int] = set()  # nodes being measured: the current path from the root
    found: list[Diagnostic] = []
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    large: list[yaml.Node] = []  # nodes of more than `yaml_values` values expanded, innermost first

    def limit(node: yaml.Node, message: str) -> list[Diagnostic]:
        line, column = position(node.start_mark, text)
        return [error(path, line + offset, column, "COE009", message)]

    while stack:
        node, depth, leaving = stack.pop()
        key = id(node)
        if leaving:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > bounds.yaml_values:
                large.append(node)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            return limit(node, "an alias refers to the collection it is part of (a recursive alias)")
        if depth > bounds.yaml_depth:
            return limit(node, f"values nested more than {bounds.yaml_depth} levels deep")
        if isinstance(node, yaml.ScalarNode):
            digits = sum(ch.isdigit() for ch in node.value) if node.tag == _INT_TAG else 0
            if digits > bounds.yaml_digits:
                return limit(node, f"a number with {digits:,} digits (at most {bounds.yaml_digits:,})")
            bad = INVALID_XML_RE.search(node.value) if escapes else None
            if bad:  # written as an escape ("\0", "\x07", "\e"): the raw text holds no such character
                line, column = position(node.start_mark, text)
                found.append(control_character(path, line + offset, column, bad.group(),
                                               "remove the escape that makes it"))
            sizes[key] = 1
            continue
        if isinstance(node, yaml.MappingNode):
            found += _duplicates(node, path, offset, text)
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in reversed(_children(node)):
            if id(child) in open_nodes:
                return limit(child, "an alias refers to the collection it is part of (a recursive alias)")
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))
    written = len(sizes)  # the values the file writes, each once: only what aliases add is past them
    bomb = next((node for node in large if sizes[id(node)] > written + bounds.yaml_values), None)
    if bomb is not None:
        return limit(bomb, f"aliases expand this value to more than {bounds.yaml_values:,} values past the "
                           f"{written:,} the file writes (an alias bomb?)")
    return found


#: What is left unfinished where PyYAML's context mark points, by its context: the error is at that mark (the line a
#: member edited), not where the parser gave up, the line after it or the end of the front matter.
_UNFINISHED = {
    "while parsing a flow sequence": "the list opened here with '[' is not closed",
    "while parsing a flow mapping": "the mapping opened here with '{' is not closed",
    "while scanning a quoted scalar": "the quoted text that starts here is not closed",
    "while scanning a simple key": "no ':' after the key on this line",
}


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, line_offset: int, text: str) -> Diagnostic:
    """COE001 at the place the error is: where an unfinished list, mapping, quote or key starts, else where the
    parser found the problem."""
    problem, found = exc.problem or "invalid YAML", exc.problem_mark
    unfinished = _UNFINISHED.get(exc.context or "") if exc.context_mark is not None else None
    mark, message = found or exc.context_mark, problem
    if unfinished:
        at = position(found, text) if found else None
        where = f" at line {at[0] + line_offset}, column {at[1]}" if at else ""
        mark, message = exc.context_mark, f"{unfinished} ({problem}{where})"
    line, col = position(mark, text) if mark else (1, 1)
    return error(path, line + line_offset, col, "COE001", f"YAML syntax error: {message}")


def parse(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Diagnostic]]:
    """Parse YAML safely and within limits, keeping positions; syntax errors are COE001."""
    if _FastLoader is not None:
        try:
            return _compose(_FastLoader, text, path, line_offset)
        except (yaml.YAMLError, RecursionError):
            pass  # the pure-Python parser below says what is wrong, in its words and at its positions
    try:
        return _compose(_Loader, text, path, line_offset)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, path, line_offset, text)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = text[: exc.position].count("\n") + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"YAML cannot contain the character U+{exc.character:04X}" if isinstance(exc.character, int) \
            else f"YAML syntax error: {exc.reason}"
        return None, [error(path, line + line_offset, col, "COE001", message)]
    except yaml.YAMLError as exc:
        return None, [error(path, 1 + line_offset, 1, "COE001", f"YAML syntax error: {exc}")]
    except RecursionError:  # the parser itself recurses on nesting, before any limit can be checked
        return None, [error(path, 1 + line_offset, 1, "COE009",
                            f"values nested more than {limits.LIMITS.yaml_depth} levels deep")]
