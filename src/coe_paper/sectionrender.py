"""Each section's body and byline rendered once: as fragments (fragments.py) kept in the section cache under a key
of everything they are made from, and placed into the document in paper order.

A body's key is its path, text and first line, and the numbers of the captions it shows or refers to; a byline's
is the text its template gave. The salt is coe-paper's own code and the template .docx (its styles). A picture is
kept as a mark of where it goes, and embedded from its file as it is when the fragment is placed.

A body's XML as placed is kept too ("placed"), under its key and the numbers it was placed with (fragments.Placed):
the next build places the body into the document as before, and takes that text rather than renumbering it again
while the numbers are the same (a body that shows a picture is always placed anew).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import captions, fragments, marks
from .checks import Parsed
from .fragments_stored import decode, encode, from_bytes, to_bytes
from .markdown import template_parser
from .model import Section
from .ooxml import Element, keep_with_next, w
from .store import Store

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder
    from .render_sink import Sink


#: Bodies, bylines and parts decoded from the cache, by key (a digest of everything they were made from, so an entry
#: never goes stale): filled by `preload` in a resident process before it forks, for the commands it runs in its
#: children, which then decode only those changed since (taken only while the cache holds the entry, which a build
#: then keeps). A process that builds once keeps none.
_DECODED: dict[str, fragments.Fragment] = {}
PRELOAD_BYTES = 64 * 1024 * 1024  # a paper's stored bodies beyond this are decoded by each command as they are read


class SectionRenderer:
    """Renders bodies and bylines into `builder` through the cache of the project at `root` (None: no cache)."""

    def __init__(self, root: Path | None, builder: DocxBuilder, paper_captions: dict[str, captions.Caption],
                 starts: dict[str, tuple[int, int]], as_elements: bool = False, bylines: Store | None = None) -> None:
        self.builder = builder
        self.as_elements = as_elements  # elements (for comparing) rather than XML text in the builder's slots
        self.takes_text = builder.takes_text
        self.by_id = paper_captions
        self.starts = starts
        salt = json.dumps({"template": builder.template_digest})
        self.store = Store(root, "fragments", salt, pack=True, raw=True)  # bodies, as bytes
        # small: in one file (or the one filled ahead, see templates_ahead.py)
        self.bylines = bylines if bylines is not None else Store(root, "bylines", salt, pack=True)
        # bodies as placed in the last builds, by body and the numbers they were placed with (fragments.Placed)
        self.placed = Store(root, "placed", salt, pack=True, raw=True)
        self.rendered: Counter[str] = Counter()  # bodies, bylines and parts rendered now (the rest: from the cache)
        self.prepared: dict[str, fragments.Fragment] = {}  # bodies rendered ahead, not yet handed over

    def part(self, name: str, text: str) -> list[Element]:
        """The elements of a template's output (the title page, the annex): kept by their text like a byline."""
        return self._template("part", name, text, elements=True)

    def byline(self, text: str) -> list[Element]:
        """A section's byline, kept on the page of the text that follows it: its title, which keeps with it, never
        ends a page with the byline alone under it."""
        return self._template("byline", "byline.md.j2", text)

    def _template(self, kind: str, name: str, text: str, elements: bool = False) -> list[Element]:
        render = partial(_template_output, kind, text)
        return self._place(self.bylines, self.bylines.key(kind, name, text), render, None, kind, elements)

    def prepare_template(self, kind: str, name: str, text: str) -> None:
        """Render a template's output ("part" or "byline", as `part` and `byline` take it) into the cache, ahead of
        the build (see templates_ahead.py)."""
        key = self.bylines.key(kind, name, text)
        if self.bylines.get(key) is None:  # one kept but damaged is rendered again by the build
            self.bylines.put(key, encode(fragments.record(self.builder, partial(_template_output, kind, text))))

    def body(self, index: int, section: Section, item: Parsed, elements: bool = False) -> list[Element]:
        """The rendered body of the section at `index` in the paper; as elements, never as text to place on saving,
        with `elements` (to be changed further)."""
        start = self.starts.get(section.id, (0, 0))
        referred = sorted({(link.name, self.by_id[link.name].label) for link in item.facts.links
                           if link.name in self.by_id})
        key = self._key(item, [list(start) if item.facts.captions else None, referred])
        return self._place(self.store, key, self._renderer(item, start), index, kind="body", elements=elements)

    def prepare(self, item: Parsed) -> None:
        """Render the body of a section that shows no caption and refers to none into the cache, ahead of the build
        (see parallel.py)."""
        key = self._key(item, [None, []])
        if self.store.get_bytes(key) is None:
            fragment = fragments.record(self.builder, self._renderer(item, (0, 0)))
            self.store.put_bytes(key, to_bytes(fragment))
            self.prepared[key] = fragment

    def handed(self) -> dict[str, fragments.Fragment]:
        """The bodies `prepare` rendered since this was asked last, as fragments: a worker hands them to the build
        with their bytes, which it then need not decode (see parallel.py and `keep_decoded`)."""
        handed, self.prepared = self.prepared, {}
        return handed

    def unrendered(self, items: list[Parsed], caption_ids: Callable[[], set[str]]) -> list[Parsed]:
        """Of `items` (their facts known), those whose bodies the cache lacks and that `prepare` renders: none that
        shows a caption, or refers to one of `caption_ids` (asked only when there are some to look at)."""
        stored = self.store.stored_bytes()
        found = [item for item in items if not item.facts.captions and self._key(item, [None, []]) not in stored]
        ids = caption_ids() if found else set()
        return [item for item in found if not ids.intersection(link.name for link in item.facts.links)]

    def _key(self, item: Parsed, captions_context: list[object]) -> str:
        section = item.section
        return self.store.key("body", section.path, section.body_line, section.body_digest,
                              json.dumps(captions_context))

    def _renderer(self, item: Parsed, start: tuple[int, int]) -> Callable[[Sink], list[Element]]:
        section = item.section

        def render(sink: Sink) -> list[Element]:
            from .render import Renderer  # only for what the cache does not have
            from .render_sink import Origin

            shown = (captions.collect([item.tokens], start, self.by_id) if item.facts.captions  # the same search
                     else captions.Captions(by_id=dict(self.by_id)))
            origin = Origin(marks.PLACEHOLDER, section.body_line, section.path.rsplit("/", 1)[0], shown)
            return Renderer(sink, origin).render(item.tokens)

        return render

    def _place(self, store: Store, key: str, render: Callable[[Sink], list[Element]], section: int | None,
               kind: str, elements: bool = False) -> list[Element]:
        bodies = store is self.store  # bodies: in bytes; the rest in JSON
        if bodies:
            fragment = _DECODED.get(key)
            if fragment is None or not store.holds_bytes(key):  # asked all the same: the entry is used, and kept
                data = store.get_bytes(key)
                fragment = None if data is None else from_bytes(data)
        else:
            payload = store.get(key)
            fragment = None if payload is None else _DECODED.get(key) or decode(payload)
        if fragment is None:
            self.rendered[kind] += 1
            fragment = fragments.record(self.builder, render)
            if bodies:
                store.put_bytes(key, to_bytes(fragment))
            else:
                store.put(key, encode(fragment))
        placed = fragments.place(self.builder, fragment, section, notes_as_text=not self.as_elements)
        if self.as_elements or elements or not self.takes_text:
            return fragments.elements(placed.text())
        kept = self.placed.key(key, placed.numbers) if bodies and placed.numbers is not None else None
        data = self.placed.get_bytes(kept) if kept is not None else None
        if data is None or b"<w:sectPr" in data:
            text = placed.text()
            if "<w:sectPr" in text:  # see fill_breaks
                return fragments.elements(text)
            data = self.builder.slot_text(text)
            if kept is not None:
                self.placed.put_bytes(kept, data)
        return [self.builder.slot_bytes(data)] if data else []

    @staticmethod
    def keep_decoded(handed: dict[str, fragments.Fragment]) -> None:
        """Bodies rendered ahead by this build's workers, for this process's build to place as they are (taken
        only while the cache holds their bytes, as `preload`'s are)."""
        _DECODED.update(handed)

    def preload(self) -> int:
        """Decode every body the cache holds into this process's memory (`_DECODED`), up to PRELOAD_BYTES of them, and
        every byline and part; the number held. One decoded before is kept as it is (a key names what it was made
        from, so its entry is the same), and one the cache no longer holds is let go: a resident process runs this
        again after each command, and decodes only what the command added."""
        kept = dict(_DECODED)
        _DECODED.clear()
        self.placed.read_pack()  # kept as bytes (store._READ), as the bodies' packs are
        taken = 0
        for key, data in sorted(self.store.stored_bytes().items()):
            taken += len(data)
            if taken > PRELOAD_BYTES:
                break
            fragment = kept.get(key) or from_bytes(bytes(data))
            if fragment is not None:
                _DECODED[key] = fragment
        for key, payload in self.bylines.stored().items():  # their keys and the bodies' never meet: salted apart
            fragment = kept.get(key) or decode(payload)
            if fragment is not None:
                _DECODED[key] = fragment
        return len(_DECODED)

    def close(self, drop_unused: bool = True) -> None:
        """After a whole paper: drop the entries this build did not use."""
        self.store.prune(drop_unused)
        self.bylines.prune(drop_unused)
        self.placed.prune(drop_unused)


def _template_output(kind: str, text: str, sink: Sink) -> list[Element]:
    """The elements of a template's output; a byline's paragraphs keep with the text after them."""
    from .render import Renderer  # only for what the cache does not have

    made = Renderer(sink).render(template_parser().parse(text))
    for p in made if kind == "byline" else ():
        if p.tag == w("p"):
            keep_with_next(p)
    return made
