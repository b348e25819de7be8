"""The sections the cache does not have, parsed, checked and rendered on every processor at once.

A cold build of a large paper spends its time on work that each section does alone: parsing its Markdown, its own
checks, the editorial rules, rendering its body. When many sections miss the cache, worker processes (forked, so
they share the loaded project, the speller and the template) do that work, and this process with them: each takes
the next small chunk of sections when it is done with one. They return each section's facts, editorial findings and
rendered fragment, and this process writes the fragments into the cache. The build then runs as a warm one,
reading what they made, so its output is the same bytes as a build on one processor.

A body is rendered ahead only as it would be rendered in the paper: a section that shows captions or refers to
one is numbered by the whole paper, which a worker does not know, so it is left for the build.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import captions, checks, facts
from .diagnostics import encode_diagnostic
from .limits import processors as processors  # the build names them in its progress
from .markdown import content_parser
from .model import Project
from .rules.engine import Editor
from .rules.speller import Speller
from .sectionrender import SectionRenderer

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder

MIN_SECTIONS = 4  # fewer missing sections than this are quicker on one processor than forking a worker
MIN_BYTES = 20_000  # ... and so is less Markdown than this (about 3,000 words)
CHUNKS = 32  # chunks a process: the last to be taken is small, so that all the processes finish together


@dataclass
class _Job:
    """What the forked workers read: the project, the sections to do and the renderer."""

    root: Path
    project: Project
    items: list[checks.Parsed]
    editor: Editor | None
    renderer: SectionRenderer | None  # its store's pack read here, before the workers fork
    caption_ids: set[str]  # every `{#id}` in the paper's text: more than its captions' ids, never fewer
    chunks: list[list[int]]  # the items' indices, in the pieces each process takes one at a time
    queue: int  # a pipe's reading end, holding each chunk's number as a byte (see _drain)


#: A chunk's answer: each section's encoded facts and findings, the bodies rendered (by cache key), the words the
#: speller looked up, why it could not read the dictionary (None: it could), and the bodies as fragments (which the
#: build places without decoding their bytes again).
_Answer = tuple[list[tuple[dict[str, Any], list[Any] | None]], dict[str, bytes], dict[str, Any], str | None,
                dict[str, Any]]

_JOB: _Job | None = None  # what the forked workers read (set before they fork, cleared after)


def worth_it(items: Sequence[checks.Parsed]) -> bool:
    """Many sections to do, more than one processor, and a process with no other thread (a fork copies the locks
    other threads hold, such as the preview's dictionary loader's, and a worker could wait on one for ever)."""
    return (processors() > 1 and len(items) >= MIN_SECTIONS and threading.active_count() == 1
            and sum(len(item.section.body) for item in items) >= MIN_BYTES and hasattr(os, "fork"))


def prefill(root: Path, project: Project, items: list[checks.Parsed], editor: Editor | None,
            builder: DocxBuilder | None, meanwhile: Callable[[], None] | None = None
            ) -> list[tuple[dict[str, Any], list[Any] | None]] | None:
    """For each of `items` (in order): its encoded facts and, with an `editor`, its encoded editorial findings (an
    item whose facts are known already: those facts, no findings); with a `builder`, bodies that need no paper-wide
    numbers are rendered into the fragment cache. None when the
    workers could not do it (a worker killed, no processes left): the caller then does the work itself. This
    process runs `meanwhile` (work of its own that needs no section's facts) once the workers have started, then
    takes chunks with them: they take more of the chunks while it does."""
    global _JOB
    workers = min(processors(), 8)
    # a chunk's number is a byte; none is empty (each chunk taken costs a collection and the speller's words copied)
    chunks: list[list[int]] = [[] for _ in range(min(workers * CHUNKS, len(items), 255))]
    # the longest sections first: the chunks taken last are the shortest, so the processes finish together
    for place, index in enumerate(sorted(range(len(items)), key=lambda i: -len(items[i].section.body))):
        chunks[place % len(chunks)].append(index)
    caption_ids = captions.ids_in(project.sections)
    renderer = SectionRenderer(root, builder, {}, {}) if builder is not None else None
    if renderer is not None and renderer.store.directory is None:  # no cache to leave the fragments in (no git)
        renderer = None
    if renderer is not None:
        renderer.store.read_pack()  # the fragments kept already: read once, here, not in every worker
    try:
        queue = _queue(len(chunks))
    except OSError:  # no file descriptors left
        return None
    _JOB = _Job(root, project, items, editor, renderer, caption_ids, chunks, queue)
    content_parser()  # made (markdown-it imported) once here, not in every worker
    if editor is not None:
        editor.chosen  # noqa: B018  # the rules' modules, imported here too (a warm run imports none of them)
    try:
        answers = _shared(workers - 1, len(chunks), meanwhile)
    except OSError:  # no process or pipe left
        return None
    finally:
        _JOB = None
        os.close(queue)
    if answers is None:  # a worker did not answer whole (killed, say)
        return None
    done = {index: result for chunk, (results, _, _, _, _) in zip(chunks, answers, strict=True)
            for index, result in zip(chunk, results, strict=True)}
    if renderer is not None:  # the bodies the workers rendered, kept for the build (and the builds after it)
        for _, rendered, _, _, handed in answers:
            for key, data in rendered.items():
                renderer.store.put_bytes(key, data)
            SectionRenderer.keep_decoded(handed)
        renderer.store.prune(drop_unused=False)
    speller = _speller(editor)
    if speller is not None:  # what the workers looked up is kept, as if this process had
        for _, _, words, problem, _ in answers:
            speller.known.update(words)
            speller.dirty = speller.dirty or bool(words)
            if problem is not None and speller.problem is None:  # a dictionary a worker could not read
                speller.problem, speller.dirty = problem, True
    return [done[index] for index in range(len(items))]


def _queue(count: int) -> int:
    """The reading end of a pipe holding the numbers 0 to `count` - 1 (at most 255), a byte each, and nothing more:
    each process takes the next chunk's number by reading a byte, and reads the end of the file once all are taken.
    No lock: a process killed while it takes one holds nothing that the others wait for."""
    queue, fill = os.pipe()
    try:
        os.write(fill, bytes(range(count)))  # less than a pipe holds: the write does not wait
    except OSError:
        os.close(queue)
        raise
    finally:
        os.close(fill)
    return queue


def _shared(workers: int, chunks: int, meanwhile: Callable[[], None] | None = None) -> list[_Answer] | None:
    """Every chunk's answer, worked out by `workers` forked processes and by this process, each taking the next chunk
    as it is done with one: all finish at about the same time, and this process's answers are not copied from one
    process to another. A worker hands its answers over, pickled, through a pipe of its own, and ends. None when
    one did not (it died, or could not pickle them)."""
    started: list[tuple[int, int]] = []  # each worker's process and the reading end of its pipe
    parent = os.getpid()
    try:
        for _ in range(workers):
            reading, writing = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(reading)
                os.close(writing)
                raise
            if pid == 0:  # the worker: it writes its own pipe, and holds no other
                _answer(writing, [reading, *(other for _, other in started)], parent)
            os.close(writing)
            started.append((pid, reading))
        if meanwhile is not None:
            meanwhile()
        answers = _here()
    except BaseException:
        for pid, reading in started:  # a worker still writing finds its pipe closed, and ends
            os.close(reading)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        raise
    whole = True
    for pid, reading in started:
        with os.fdopen(reading, "rb") as pipe:
            data = pipe.read()
        _ENDING.append(pid)
        if whole:  # answers cut short (a worker killed while it wrote them) are no pickle
            try:
                answers.update(pickle.loads(data))
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
                whole = False
    _reap()
    return [answers[index] for index in range(chunks)] if whole and len(answers) == chunks else None


#: Workers that had handed their answers over but were still ending (a forked process takes some milliseconds to
#: give its memory back, which the build used to wait for): each build reaps those that have ended since.
_ENDING: list[int] = []


def _reap() -> None:
    for pid in list(_ENDING):
        try:
            ended = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:  # reaped already (by a handler of the caller's)
            ended = True
        if ended:
            _ENDING.remove(pid)


def _here() -> dict[int, _Answer]:
    """The answers of the chunks this process takes while its workers take theirs."""
    collecting = gc.isenabled()
    gc.disable()  # as in a worker; nothing is frozen: a resident process's frozen objects stay frozen
    try:
        return _drain()
    finally:
        if collecting:
            gc.enable()


def _answer(writing: int, others: list[int], parent: int) -> NoReturn:
    """A worker's life from the fork on: the pipes of the others closed, its chunks' answers pickled into its own; it
    ends without running what this process would run at its end (atexit, buffered output), and whatever fails, it
    ends there: it never goes on as a second copy of the build. It ends too once `parent`, the build, has (killed:
    the rest of the chunks, all its own now, would have kept a processor busy for nobody)."""
    code = 1
    try:
        for other in others:
            os.close(other)
        _start()
        data = pickle.dumps(_drain(parent), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _drain(parent: int | None = None) -> dict[int, _Answer]:
    """The answers of the chunks this process took, by chunk: it takes the next one until none is left, or (a
    worker) until its `parent` has ended."""
    job = _JOB
    assert job is not None, "a worker runs inside prefill"
    answers: dict[int, _Answer] = {}
    while (parent is None or os.getppid() == parent) and (taken := os.read(job.queue, 1)):  # one reader a byte
        answers[taken[0]] = _work(job.chunks[taken[0]])
    return answers


def _speller(editor: Editor | None) -> Speller | None:
    speller = editor.context.shared.get("speller") if editor is not None else None
    return speller if isinstance(speller, Speller) else None


def _start() -> None:
    """A worker's first step. What it inherited is never traced by the garbage collector again (nor copied for
    it), and the collector runs only after each chunk (see _work): a section's tokens and elements hold no cycles
    and are freed as the worker goes, and tracing them on the way cost a third of the time spent parsing."""
    gc.freeze()
    gc.disable()


def _work(indices: list[int]) -> _Answer:
    """Facts and editorial findings of the sections at `indices`, the bodies rendered (by cache key), the words
    the speller looked up, and why it could not read the dictionary (None: it could)."""
    job = _JOB
    assert job is not None, "a worker runs inside prefill"
    renderer = job.renderer
    speller = _speller(job.editor)
    before = set(speller.known) if speller is not None else set()
    out: list[tuple[dict[str, Any], list[Any] | None]] = []
    for index in indices:
        item = job.items[index]
        editorial = None
        if item.known:  # its facts (and findings) from the cache: its body to render, nothing else
            found = item.facts
        else:
            found = item.facts = checks.section_checks(job.project, item)
            if job.editor is not None and job.editor.cache is not None:
                editorial = [encode_diagnostic(d) for d in job.editor.findings(item)]
        refers = job.caption_ids.intersection(link.name for link in found.links)
        if renderer is not None and not (found.captions or refers):
            renderer.prepare(item)
        out.append((facts.encode(found), editorial))
        item.forget_tokens()  # this process is done with them
    # The youngest generation only: the objects made since the last chunk, where any cycle this chunk made is. A
    # whole collection traced again all that earlier chunks left (their facts and answers), a pass that grew with
    # each chunk: 12 ms a chunk at 300 sections, a twentieth of the build.
    gc.collect(0)
    words = {word: answer for word, answer in speller.known.items() if word not in before} if speller else {}
    return (out, renderer.store.taken() if renderer else {}, words, speller.problem if speller else None,
            renderer.handed() if renderer else {})
