"""The section cache (`.git/coe-paper-cache/facts` and `fragments`): a build that reuses sections gives the same
bytes as a cold one, an edit re-renders only what it touched, and a damaged or foreign entry is ignored."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from coe_paper import cachefiles, comparison, fragments, fragments_stored, packformat, parallel, pipeline
from coe_paper import project as project_module
from coe_paper import store as store_module
from coe_paper.docx_writer import DocxBuilder
from coe_paper.markdown import parse
from coe_paper.ooxml import w
from coe_paper.packformat import pack_bytes, unpack_bytes
from coe_paper.render import Renderer
from coe_paper.sectionrender import SectionRenderer
from coe_paper.sources import WorkTree
from coe_paper.store import CACHE_DIR, Store
from conftest import (
    PAPER_YAML,
    REPO_ROOT,
    MakeProject,
    git_commit,
    kitchen_sink_project,
    on_workers,
    section_text,
    tiny_png,
)

EPOCH = "1700000000"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def cache(root: Path) -> Path:
    return root / ".git" / CACHE_DIR


def build(root: Path, name: str = "out.docx") -> bytes:
    result = pipeline.assemble(root, root / name)
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    return result.output.read_bytes()


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many fragments each build renders (the rest come from the cache)."""
    counts: list[int] = []  # bodies rendered
    close = SectionRenderer.close

    def record(self: SectionRenderer, drop_unused: bool = True) -> None:
        counts.append(self.rendered["body"])
        close(self, drop_unused)

    monkeypatch.setattr(SectionRenderer, "close", record)
    return counts


@pytest.fixture
def sink(tmp_path: Path) -> Path:
    root = kitchen_sink_project(tmp_path / "sink")
    git_commit(root)
    return root


def test_warm_build_is_byte_identical_to_a_cold_one(sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = counting(monkeypatch)
    cold = build(sink, "cold.docx")
    assert len(list((cache(sink) / "fragments").glob("*.pack"))) == 1 and (cache(sink) / "facts.pack").is_file()
    warm = build(sink, "warm.docx")
    assert warm == cold
    assert counts[1] < counts[0]  # the warm build reused fragments
    sections = len(pipeline.load(sink).parsed)
    assert counts[1] == 0, f"{counts} of {sections} sections"  # sections with pictures too came from the cache
    shutil.rmtree(cache(sink))
    assert build(sink, "again.docx") == cold


def test_one_edited_section_is_rendered_again(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    counts = counting(monkeypatch)
    build(root)
    section = root / "sections" / "03-outlook.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nOne more sentence for the paper.\n", encoding="utf-8")
    edited = build(root)
    pictured = sum(item.facts.images for item in pipeline.load(root).parsed)
    assert pictured == 1 and counts[1] == 1  # the edited body; the others, the picture's too, came from the cache
    shutil.rmtree(cache(root))
    assert build(root) == edited  # the same bytes as a cold build of the edited paper


def test_a_list_item_of_two_paragraphs_is_kept_in_the_cache(make_project: MakeProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An item's later paragraph is in no list (numId 0, see Renderer._place_in_list): a kept fragment holding one
    is read back, not refused and rendered again on every build."""
    root = make_project(git=True)
    section = root / "sections" / "03-outlook.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n1. First item words.\n\n   Its second paragraph."
                       "\n\n2. Second item words.\n", encoding="utf-8")
    counts = counting(monkeypatch)
    cold = build(root)
    assert b'<w:numId w:val="0"/>' in zipfile.ZipFile(io.BytesIO(cold)).read("word/document.xml")
    assert build(root) == cold and counts[1] == 0


def test_a_kept_section_embeds_its_picture_as_the_file_is_now(make_project: MakeProject,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A fragment keeps where a picture goes, not the picture: a replaced file is embedded as it is now, exactly as a
    build with no cache embeds it."""
    root = make_project(git=True)
    counts = counting(monkeypatch)
    first = build(root)
    picture = root / "paper" / "images" / "dot.png"
    picture.write_bytes(tiny_png(7, 5))
    replaced = build(root)
    assert counts[-1] == 0 and replaced != first
    media = [name for name in zipfile.ZipFile(io.BytesIO(replaced)).namelist() if name.startswith("word/media/")]
    assert [zipfile.ZipFile(io.BytesIO(replaced)).read(name) for name in media] == [tiny_png(7, 5)]
    shutil.rmtree(cache(root))
    assert build(root) == replaced


def test_validate_reuses_facts_and_reports_the_same(make_project: MakeProject) -> None:
    body = "See [nowhere](#missing) and [x](ftp://a).\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    cold = pipeline.check(root).diagnostics
    loaded = pipeline.check(root)
    assert loaded.diagnostics == cold
    assert any(item.facts.images for item in loaded.parsed)  # a picture's file is checked, from the facts
    assert not [item.section.id for item in loaded.parsed if item.parsed]  # nothing was parsed again
    assert loaded.project is not None  # nor any front matter: no diagnostic asked where one of its keys is
    assert not [section.id for section in loaded.project.sections if "meta_marks" in vars(section)]
    assert {d.code for d in cold} >= {"COE601", "COE602"}


def test_a_front_matter_from_the_cache_gives_the_same_positions(make_project: MakeProject) -> None:
    """A front matter taken from the cache is not parsed, but a diagnostic on one of its keys still names its line."""
    text = section_text("outlook", "Text.\n", title="Outlook", lead="leipzig", contributors="[anct, nowhere]")
    root = make_project({"sections/03-outlook.md": text}, git=True)
    cold = [d for d in pipeline.check(root).diagnostics if d.path.endswith("03-outlook.md")]
    warm = [d for d in pipeline.check(root).diagnostics if d.path.endswith("03-outlook.md")]
    assert warm == cold
    assert [(d.line, d.column) for d in warm if "nowhere" in d.message] == [(5, 22)]


def test_a_section_with_an_image_is_checked_every_time(make_project: MakeProject) -> None:
    body = '![A grey dot](../paper/images/dot.png "The dot")\n'
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    assert "COE501" not in {d.code for d in pipeline.check(root).diagnostics}
    (root / "paper" / "images" / "dot.png").unlink()
    assert "COE501" in {d.code for d in pipeline.check(root).diagnostics}


def forge(payload: object, damage: str) -> object:
    """An entry's payload made wrong while still well-formed JSON."""
    if not isinstance(payload, dict):  # a picture known to be readable: True
        return "yes"
    if damage == "shape":
        return {"words": "many"} if "words" in payload else {"body": 3}
    if "bookmarks" in payload:
        return {**payload, "bookmarks": 0}  # its bookmark ids are now out of range
    return {**payload, "words": -1.5}


def test_a_paragraph_more_in_one_section_changes_no_id_of_the_next(sink: Path) -> None:
    """A section's bookmark ids come from a range of its own: an earlier section that gains paragraphs (and so
    bookmarks) leaves the later sections' XML as it was, and their deflated pieces reusable."""

    def later_marks(data: bytes) -> list[tuple[str, str]]:
        body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
        found = [(str(b.get(w("name"))), str(b.get(w("id")))) for b in body.iter(w("bookmarkStart"))]
        return [(name, bookmark) for name, bookmark in found if name.startswith("_Coe1_")]

    before = later_marks(build(sink, "before.docx"))
    first = sink / "sections" / "01-kitchen-sink.md"
    first.write_text(first.read_text(encoding="utf-8") + "\nA paragraph more.\n\nAnd one more.\n", encoding="utf-8")
    assert len(before) >= 3 and later_marks(build(sink, "after.docx")) == before


def damage_each(entries: list[Path], damage: str, wrong: Callable[[Path, bytes, bytes], bytes]) -> None:
    """Damage every entry: cut in half ("truncate"), another entry's file under its name ("foreign"), or what
    `wrong` makes of its first line and the rest (any other kind)."""
    for index, entry in enumerate(entries):
        data = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "foreign":
            entry.write_bytes(entries[(index + 1) % len(entries)].read_bytes())
        else:
            head, _, body = data.partition(b"\n")
            entry.write_bytes(wrong(entry, head, body))


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "shape", "range", "deep"])
def test_a_damaged_or_foreign_entry_is_ignored(sink: Path, damage: str) -> None:
    cold = build(sink, "cold.docx")
    packs = sorted(cache(sink).glob("*.pack"))
    entries = packs + sorted((cache(sink) / "fragments").glob("*.pack")) + sorted((cache(sink) / "deflate").glob("*"))
    assert {"bylines", "facts", "front", "images"} <= {p.stem for p in packs} and len(entries) == len(packs) + 2

    def fragment(data: bytes) -> bytes:  # a rendered body: a line of JSON, then its texts
        meta, _, texts = data.partition(b"\n")
        return json.dumps(forge(json.loads(meta), damage)).encode() + b"\n" + texts

    def wrong(entry: Path, head: bytes, body: bytes) -> bytes:
        if damage == "flip":
            return head + b"\n" + body.replace(b"w:", b"x:", 1).replace(b'"words":', b'"wordz":', 1)
        if damage == "deep":  # JSON nested deeper than Python parses, with the right checksum
            nested = b"[" * 100_000 + b"]" * 100_000 + b"\n"
            return Store._head(entry.stem if entry.parent.name != CACHE_DIR else "pack", nested) + b"\n" + nested
        # a well-formed pack with the right checksum whose payloads are wrong
        if entry.parent.name == "deflate":
            return head + b"\n" + body  # bytes with no shape to check (see the next test)
        if entry.parent.name == "fragments":
            forged = pack_bytes({key: fragment(bytes(data)) for key, data in (unpack_bytes(body) or {}).items()})
            return Store._head(entry.stem, forged) + b"\n" + forged
        forged = json.dumps({key: forge(value, damage) for key, value in json.loads(body).items()}).encode()
        return Store._head("pack", forged) + b"\n" + forged

    damage_each(entries, damage, wrong)
    assert build(sink, "warm.docx") == cold


@pytest.mark.parametrize("kind", ["packs", "jinja"])
@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_a_damaged_entry_of_bytes_is_ignored(sink: Path, damage: str, kind: str) -> None:
    """The package's deflated pieces, the rendered bodies (packs of bytes) and the templates' compiled code (a file
    each) count only with their key and checksum."""
    cold = build(sink, "cold.docx")
    if kind == "packs":
        entries = [*(cache(sink) / "deflate").glob("*.pack"), *(cache(sink) / "fragments").glob("*.pack")]
        stored = [unpack_bytes(Store._read(entry, entry.stem, raw=True)) or {} for entry in entries]
        assert [len(found) > 10 for found in stored] == [True, False]  # every part of the package, the body in pieces
        assert len(stored[1]) == 2  # the two sections' bodies
    else:
        entries = sorted((cache(sink) / kind).glob("*.bin"))
        assert len(entries) > 4
    damage_each(entries, damage, lambda entry, head, body: head + b"\n" + bytes([body[0] ^ 1]) + body[1:])
    (cache(sink) / "outputs.pack").unlink()  # the templates' kept outputs: without them, every template renders
    assert build(sink, "warm.docx") == cold
    if kind == "packs":  # the damaged packs removed, the entries written again, right
        entries = [*(cache(sink) / "deflate").glob("*.pack"), *(cache(sink) / "fragments").glob("*.pack")]
        assert len(entries) == 2
    for entry in entries:
        assert Store._read(entry, entry.stem, raw=True) is not None


@pytest.mark.parametrize("body", [b"", b"[]", b"[]\nx", b'[["a",2]]\nabc', b'[["a",4]]\nabc', b'[["a",-1]]\n',
                                  b'{"a":1}\n', b'[["a"]]\n', b'[[1,0]]\n', b'[["a",1.0]]\nx', b"not json\n",
                                  b"[" * 100_000 + b"]" * 100_000 + b"\n"])
def test_a_pack_of_bytes_that_is_not_exactly_one_is_refused(body: bytes) -> None:
    assert unpack_bytes(body if body != b"[]" else body + b"\n") == ({} if body == b"[]" else None)


def test_a_pack_of_bytes_reads_back_what_was_put() -> None:
    entries = {"a": b"", "b": b"\n\n", "c": "é\u2028".encode(), "d": bytes(range(256))}
    assert unpack_bytes(pack_bytes(entries)) == entries


def test_a_pipe_a_device_or_a_folder_named_like_a_pack_is_not_read(sink: Path) -> None:
    """Every pack in a kind's folder is read: one that is a pipe (opening it would wait for a writer for ever), a
    link to /dev/zero (reading it would never end) or a folder counts as damaged."""
    cold = build(sink, "cold.docx")
    for kind in ("fragments", "deflate"):
        folder = cache(sink) / kind
        os.mkfifo(folder / f"{'1' * 64}.pack")
        (folder / f"{'2' * 64}.pack").symlink_to("/dev/zero")
        (folder / f"{'3' * 64}.pack").mkdir()
    assert build(sink, "warm.docx") == cold


@pytest.mark.parametrize("linked", ["", "fragments"])
def test_a_cache_folder_that_is_a_symbolic_link_is_neither_read_nor_written(sink: Path, tmp_path: Path,
                                                                           linked: str) -> None:
    """`.git/coe-paper-cache` (or a folder of it) as a link to a folder elsewhere: the build read its entries from
    there, wrote the paper's there and removed the files there that it took for an older cache's (`/tmp`, say, where
    anyone may leave entries). A link leads where the cache cannot vouch for: nothing is kept, as outside git."""
    cold = build(sink, "cold.docx")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(cache(sink) / linked if linked else cache(sink), elsewhere)
    (cache(sink) / linked if linked else cache(sink)).symlink_to(elsewhere)
    planted = (elsewhere / "fragments" if not linked else elsewhere) / f"{'0' * 64}.bin"  # an older cache's name
    planted.write_bytes(b"not the paper's")

    def listing() -> dict[str, bytes]:
        return {str(p.relative_to(elsewhere)): p.read_bytes() for p in sorted(elsewhere.rglob("*")) if p.is_file()}

    before = listing()
    assert build(sink, "linked.docx") == cold
    assert listing() == before


def test_the_files_of_an_older_cache_go(sink: Path) -> None:
    """An older coe-paper kept each rendered body in a file of its own, a later one all of them in one pack beside
    the folder: a build removes them."""
    build(sink, "cold.docx")
    old = [cache(sink) / "fragments" / f"{'0' * 64}.bin", cache(sink) / "fragments.pack", cache(sink) / "deflate.pack"]
    for path in old:
        path.write_bytes(b"coe-paper 1 ...\n")
    build(sink, "warm.docx")
    assert not any(path.exists() for path in old) and len(list((cache(sink) / "fragments").glob("*.pack"))) == 1


def test_packs_of_bytes_grow_by_what_a_run_made_and_are_written_again_when_mostly_unused(tmp_path: Path) -> None:
    """A key names its content (it is a hash of the inputs), so an edited section's body comes under a new key."""
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)

    first = {f"k{n}": bytes([n]) * 100 for n in range(10)}
    _run(root, first)
    assert sorted(map(sorted, _packs(root))) == [sorted(first)]
    edited = {**{k: v for k, v in first.items() if k != "k0"}, "k10": b"new" * 10}
    _run(root, edited)  # one entry more, in a pack of its own; the first pack is still mostly used, and kept
    assert sorted(map(sorted, _packs(root))) == sorted([["k10"], sorted(first)])
    _run(root, edited)  # nothing new: nothing written
    assert len(_packs(root)) == 2 and {k: v for k, v in _entries(root).items() if k in edited} == edited
    halved = {key: data for key, data in edited.items() if key in ("k10", "k1", "k2")}
    _run(root, halved)  # most of the first pack unused: what is used of the packs is written again as one
    assert sorted(map(sorted, _packs(root))) == [["k1", "k10", "k2"]]
    assert _entries(root) == halved
    _run(root, {})  # a run that used nothing of them removes nothing (it put nothing either)
    assert _entries(root) == halved
    _run(root, {"k1": first["k1"]})
    assert _entries(root) == {"k1": first["k1"]}


def test_no_pack_of_bytes_outgrows_what_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are put in a pack while they come to PACK_BYTES at most (a larger one alone), so every pack of
    entries within the read limit (MAX_ENTRY) is read back."""
    monkeypatch.setattr(store_module, "PACK_BYTES", 1000)
    monkeypatch.setattr(cachefiles, "MAX_ENTRY", 2000)
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    entries = {"a": b"a" * 900, "b": b"b" * 1500, "c": b"c" * 50, "d": b"d" * 960, "e": b"e" * 1000, "f": b""}
    store = Store(root, "bodies", "", pack=True, raw=True)
    for key, data in entries.items():
        store.put_bytes(key, data)
    store.prune()
    assert _entries(root) == entries
    assert sorted(map(sorted, _packs(root))) == [["a"], ["b"], ["c"], ["d"], ["e", "f"]]


def test_a_pack_read_whole_is_not_read_again_while_its_file_is_the_same(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack of bytes read and checked once, or written by this process, is taken again from memory while its file
    is unchanged (a resident process's children take the packs their parent read; a build places the bodies its
    workers rendered, which it has just written); a pack changed in place, even with its modification time put
    back, is read and checked again, and refused; a pack added since is read."""
    monkeypatch.setattr(store_module, "_READ", {})
    reads: list[int] = []
    read_within = cachefiles.read_within
    monkeypatch.setattr(cachefiles, "read_within", lambda *args: (reads.append(1), read_within(*args))[1])
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    _run(root, {"k1": b"one" * 100})
    for _ in range(3):
        assert Store(root, "bodies", "", pack=True, raw=True).get_bytes("k1") == b"one" * 100
    assert len(reads) == 0  # written by this process: as it wrote it
    store_module._READ.clear()
    for _ in range(3):
        assert Store(root, "bodies", "", pack=True, raw=True).get_bytes("k1") == b"one" * 100
    assert len(reads) == 1
    [pack] = (root / ".git" / CACHE_DIR / "bodies").glob("*.pack")
    before = pack.stat()
    data = pack.read_bytes()
    time.sleep(0.01)
    pack.write_bytes(data[:-3] + b"two")  # the same size, its time put back: only its change time moved
    os.utime(pack, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Store(root, "bodies", "", pack=True, raw=True).get_bytes("k1") is None
    assert len(reads) == 2
    pack.write_bytes(data)
    store = Store(root, "bodies", "", pack=True, raw=True)
    store.get_bytes("k1")
    store.put_bytes("k2", b"two")
    store.prune()
    later = Store(root, "bodies", "", pack=True, raw=True)
    assert (later.get_bytes("k1"), later.get_bytes("k2")) == (b"one" * 100, b"two")


def test_a_resident_process_keeps_the_packs_of_json_it_read_decoded(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Once `keep_decoded` was called (a resident process, for its children), a pack of JSON entries read and
    decoded once is taken again from memory while its file is unchanged; one changed in place, even with its
    modification time put back, is read again (and refused when damaged); `read_again` reads the packs changed since
    (a command's, written after its child forked), and a later store takes them from memory."""
    monkeypatch.setattr(store_module, "_DECODED", None)
    store_module.keep_decoded()
    reads: list[int] = []
    read_within = cachefiles.read_within
    monkeypatch.setattr(cachefiles, "read_within", lambda *args: (reads.append(1), read_within(*args))[1])
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    store = Store(root, "facts", "", pack=True)
    store.put(store.key("one"), {"words": 1})
    store.prune()
    for _ in range(3):
        assert Store(root, "facts", "", pack=True).get(store.key("one")) == {"words": 1}
    assert len(reads) == 1
    pack = root / ".git" / CACHE_DIR / "facts.pack"
    before, data = pack.stat(), pack.read_bytes()
    time.sleep(0.01)
    pack.write_bytes(data.replace(b'"words":1', b'"words":2'))  # the same size, its time put back
    os.utime(pack, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Store(root, "facts", "", pack=True).get(store.key("one")) is None
    assert len(reads) == 2

    pack.write_bytes(data)
    later = Store(root, "facts", "", pack=True)
    later.get(store.key("one"))
    later.put(later.key("two"), {"words": 2})
    later.prune()  # a command's child writes the pack: its parent has not read it
    store_module.read_again()
    assert len(reads) == 4
    again = Store(root, "facts", "", pack=True)
    assert (again.get(store.key("one")), again.get(store.key("two"))) == ({"words": 1}, {"words": 2})
    assert len(reads) == 4


def test_a_resident_processs_child_writes_a_pack_of_json_again_encoding_what_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack of JSON entries kept decoded holds each entry's text as read: a command that changes one entry of 300
    (one section edited) writes the pack again with that one encoded, the same bytes as encoding them all."""
    monkeypatch.setattr(store_module, "_DECODED", None)
    store_module.keep_decoded()
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    store = Store(root, "facts", "", pack=True)
    entries = {store.key(str(n)): {"words": n, "title": f"Égalité {n}", "links": [[n, "a\"b"]]} for n in range(300)}
    for key, payload in entries.items():
        store.put(key, payload)
    store.prune()
    encoded: list[object] = []
    compact_json = packformat.compact_json
    monkeypatch.setattr(packformat, "compact_json", lambda value: (encoded.append(value), compact_json(value))[1])
    child = Store(root, "facts", "", pack=True)
    for key in entries:
        assert child.get(key) == entries[key]
    changed = store.key("7")
    child.put(changed, {"words": 8, "title": "Égalité 7", "links": []})
    child.prune()
    assert encoded == [{"words": 8, "title": "Égalité 7", "links": []}]
    body = (root / ".git" / CACHE_DIR / "facts.pack").read_bytes().partition(b"\n")[2]
    assert body == compact_json({key: child.get(key) for key in sorted(entries)})
    assert Store(root, "facts", "", pack=True).get(changed) == {"words": 8, "title": "Égalité 7", "links": []}


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8), max_size=6))
def test_a_pack_of_json_is_read_with_each_entrys_text_and_written_back_the_same(entries: dict[str, Any]) -> None:
    body = packformat.compact_json(entries)
    read = packformat.json_entries(body)
    assert read is not None and read[0] == entries
    assert packformat.json_pack(entries, read[1]) == body
    assert packformat.json_pack(entries, {}) == body


@pytest.mark.parametrize("body", [b"[1]", b'{"a" :1}', b'{"a":1{"b":2}', b'{"a":1,}', b'{"a":1', b'{"a":1}}',
                                  b'{"a":01}', b"\xff", b'{"a":1} ', b""])
def test_a_pack_of_json_not_written_as_compact_json_is_not_read_entry_by_entry(body: bytes) -> None:
    assert packformat.json_entries(body) is None


def _run(root: Path, entries: dict[str, bytes]) -> None:
    """A run over a whole paper whose bodies are `entries`: those the packs lack are put, then the packs pruned."""
    store = Store(root, "bodies", "", pack=True, raw=True)
    for key, data in entries.items():
        if store.get_bytes(key) is None:
            store.put_bytes(key, data)
    store.prune()


def _packs(root: Path) -> list[list[str]]:
    return [list(unpack_bytes(Store._read(path, path.stem, raw=True)) or {})
            for path in (root / ".git" / CACHE_DIR / "bodies").glob("*.pack")]


def _entries(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in (root / ".git" / CACHE_DIR / "bodies").glob("*.pack"):
        found.update(unpack_bytes(Store._read(path, path.stem, raw=True)) or {})
    return found


def test_decode_refuses_ids_a_fragment_does_not_declare(tmp_path: Path) -> None:
    template = (REPO_ROOT / "paper" / "template.docx").read_bytes()
    doc = DocxBuilder(template, WorkTree(tmp_path))
    tokens = parse("## A heading\n\n- one [link](https://example.org)[^1]\n- two\n\n[^1]: A note.\n")
    stored = fragments_stored.encode(fragments.record(doc, lambda sink: Renderer(sink).render(tokens)))
    assert fragments_stored.decode(stored) is not None
    for key, value in (("footnotes", 0), ("lists", []), ("links", []), ("bookmarks", 0)):
        assert fragments_stored.decode({**stored, key: value}) is None, key
    text, kinds, values = stored["body"]
    assert kinds and "%s" in text
    for forged in ([text + "%d", kinds, values],  # a directive that is not a site
                   [text + "%999999999s", kinds, values],  # a width that would fill the memory
                   [text, kinds + "b", values],  # more sites than the template has
                   [text, kinds.replace("b", "x", 1), values],  # a kind that is none
                   [text, kinds, {**values, "b": [1.5] * len(values["b"])}],  # not ids
                   [text, kinds, {**values, "r": ["coeLink9"] * len(values["r"])}]):  # a link it does not declare
        assert fragments_stored.decode({**stored, "body": forged}) is None, forged
    fragment = fragments_stored.decode(stored)
    assert fragment is not None
    data = fragments_stored.to_bytes(fragment)
    assert fragments_stored.from_bytes(data) == fragment
    longer, shorter, not_utf8 = data + b"x", data[:-1], data.replace(b"\n", b"\n\xff", 1)
    for damaged in (longer, shorter, not_utf8, data.replace(b'"body":[', b'"body":[9', 1)):  # ... a length
        assert fragments_stored.from_bytes(damaged) is None, damaged[:60]


def test_a_heading_whose_anchor_is_taken_gets_a_toc_bookmark(make_project: MakeProject) -> None:
    """A heading that spells another section's id ("intro") leaves that anchor to the section (links to #intro go
    there) and gets a `_Toc` bookmark of its own, which the contents link to."""
    body = section_text("outlook", "## Intro\n\nText.\n", title="Outlook", lead="leipzig", contributors="[]")
    root = make_project({"sections/03-outlook.md": body}, git=True)
    data = build(root)
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    names = [b.get(w("name")) for b in body.iter(w("bookmarkStart"))]
    assert names.count("intro") == 1
    heading = next(p for p in body.iter(w("p")) if "".join(p.itertext()) == "Intro")
    marks = [str(b.get(w("name"))) for b in heading.iter(w("bookmarkStart"))]
    toc = [name for name in marks if name.startswith("_Toc")]
    assert len(toc) == 1, marks
    assert toc[0] in [h.get(w("anchor")) for h in body.iter(w("hyperlink"))]  # the contents' entry
    assert build(root, "again.docx") == data


def _serial_build(root: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The paper built on one processor, then its section cache removed."""
    monkeypatch.setattr(parallel, "processors", lambda: 1)
    data = build(root, "serial.docx")
    shutil.rmtree(cache(root))
    return data


def test_workers_give_the_same_paper_and_findings_as_one_process(sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build whose sections are parsed, checked and rendered by worker processes (parallel.py) writes the
    same bytes and reports the same findings as one that does everything itself."""
    monkeypatch.setattr(parallel, "processors", lambda: 1)
    serial = build(sink, "serial.docx")
    serial_findings = pipeline.check(sink).diagnostics
    shutil.rmtree(cache(sink))
    on_workers(monkeypatch)
    calls: list[int] = []
    prefill = parallel.prefill

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(len(args[2]))  # type: ignore[arg-type]
        return prefill(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "prefill", counted)
    here: list[list[int]] = []  # the chunks the build's own process did: it works alongside its one worker
    taken = sink.parent / "the build took a chunk"

    def work(indices: list[int]) -> object:
        if os.getpid() == _BUILD:
            here.append(indices)
            taken.touch()
        else:  # a worker of a paper this small could otherwise take every chunk while the build reads the history
            deadline = time.monotonic() + 60
            while not taken.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return _WORK(indices)

    monkeypatch.setattr(parallel, "_work", work)
    counts = counting(monkeypatch)
    assert build(sink, "parallel.docx") == serial
    sections = len(pipeline.load(sink).parsed)
    assert calls and calls[0] == sections
    assert here and len({i for chunk in here for i in chunk}) == sum(len(chunk) for chunk in here)
    assert counts[-1] < sections  # the bodies the workers rendered reached the build through the cache
    shutil.rmtree(cache(sink))
    assert pipeline.check(sink).diagnostics == serial_findings


def test_a_build_after_a_check_renders_the_bodies_on_workers_and_checks_nothing_again(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `validate` (every section's facts in the cache, no body rendered), a build has its workers render the
    bodies that need no paper-wide number, and neither checks a section again nor runs the editorial rules; it
    writes the same bytes as a build on one processor."""
    sink = make_project(git=True)  # 'housing' shows a figure's caption: a worker leaves it to the build
    serial = _serial_build(sink, monkeypatch)
    assert pipeline.check(sink).project is not None  # the facts and findings kept, no body rendered
    on_workers(monkeypatch)
    given: list[list[bool]] = []
    prefill = parallel.prefill

    def counted(*args: Any, **kwargs: Any) -> Any:
        given.append([item.known for item in args[2]])
        return prefill(*args, **kwargs)

    monkeypatch.setattr(parallel, "prefill", counted)
    asked = sink.parent / "asked"  # what the build's process and its workers checked again, a line each

    def noted(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
        def note(*args: Any) -> Any:
            with asked.open("a", encoding="utf-8") as log:
                log.write(f"{name}\n")
            return run(*args)
        return note

    monkeypatch.setattr(parallel.checks, "section_checks", noted("checks", parallel.checks.section_checks))
    monkeypatch.setattr(parallel.Editor, "findings", noted("rules", parallel.Editor.findings))
    counts = counting(monkeypatch)
    assert build(sink, "after-check.docx") == serial
    assert not asked.exists()
    sections = len(pipeline.load(sink).parsed)
    assert given and all(given[0]) and 2 <= len(given[0]) < sections  # not those with a caption or a reference
    assert counts[-1] == sections - len(given[0])  # the build rendered those itself


def test_templates_rendered_while_workers_check_the_sections_are_not_rendered_again(
        sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While its workers check the sections, a cold build renders the title page, the cover's back, the annex and
    the bylines (templates_ahead.py): the build takes them from there, renders again only the list of
    abbreviations (it needs the sections' words), and writes the same bytes as a build on one processor."""
    serial = _serial_build(sink, monkeypatch)
    on_workers(monkeypatch)
    rendered: list[dict[str, int]] = []
    close = SectionRenderer.close

    def record(self: SectionRenderer, drop_unused: bool = True) -> None:
        rendered.append(dict(self.rendered))
        close(self, drop_unused)

    monkeypatch.setattr(SectionRenderer, "close", record)
    assert build(sink, "ahead.docx") == serial
    assert rendered[-1].get("byline", 0) == 0 and rendered[-1].get("part", 0) == 1, rendered


def test_a_rendering_ahead_that_fails_leaves_the_work_to_the_build(sink: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The templates' outputs rendered ahead are a guess, with a context that lacks the sections' words: one that
    fails there (an output the build itself would not make) costs the build nothing but the time, never a
    traceback."""
    serial = _serial_build(sink, monkeypatch)
    on_workers(monkeypatch)
    tried: list[str] = []

    def fails(self: SectionRenderer, kind: str, name: str, text: str) -> None:
        tried.append(name)
        raise ValueError("an output the renderer cannot take")

    monkeypatch.setattr(SectionRenderer, "prepare_template", fails)
    assert build(sink, "ahead.docx") == serial
    assert len(tried) == 1  # the first failure ended the guesses


def test_a_byline_rendered_ahead_with_the_sections_words_shows_their_count(sink: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The templates rendered ahead do not know the sections' words: a byline that shows them is rendered again by
    the build, with the count, as a build on one processor renders it."""
    (sink / "paper/templates/byline.md.j2").write_text(
        "{.Byline}\nLead: {{ section.lead.name }}; {{ section.words }} words.\n", encoding="utf-8")
    serial = _serial_build(sink, monkeypatch)
    on_workers(monkeypatch)
    data = build(sink, "ahead.docx")
    assert data == serial
    counts = [item.words for item in pipeline.load(sink).parsed]
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert all(count > 0 and f"; {count} words." in document for count in counts), counts


def test_a_build_does_not_wait_for_its_workers_to_end_and_reaps_them_later(sink: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker takes some milliseconds to end once it has handed its answers over (its memory given back): the
    build goes on without waiting for that, and reaps the workers that have ended at its end or a later build's,
    so that a long-running `serve` leaves no zombie process behind."""
    on_workers(monkeypatch)
    waited: list[int] = []
    waitpid = os.waitpid

    def watched(pid: int, options: int) -> tuple[int, int]:
        if not options & os.WNOHANG:
            waited.append(pid)
        return waitpid(pid, options)

    monkeypatch.setattr(os, "waitpid", watched)
    forked: list[int] = []
    fork = os.fork

    def forking() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", forking)
    build(sink, "first.docx")
    assert forked and not set(forked) & set(waited)
    deadline = time.monotonic() + 60
    while parallel._ENDING and time.monotonic() < deadline:
        time.sleep(0.01)
        parallel._reap()
    assert not parallel._ENDING
    for pid in forked:
        with pytest.raises(ChildProcessError):  # reaped: no longer a child of this process
            waitpid(pid, os.WNOHANG)


def test_a_build_on_workers_opens_its_template_once(sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The builder the workers render sections against is the one the build then writes into: a cold build on
    workers opens the template once (it opened it twice, about 15 ms each), and writes what a warm build writes."""
    on_workers(monkeypatch)
    opened: list[bytes] = []
    init = DocxBuilder.__init__

    def counted(self: DocxBuilder, template: bytes, *args: Any, **kwargs: Any) -> None:
        opened.append(template)
        init(self, template, *args, **kwargs)

    monkeypatch.setattr(DocxBuilder, "__init__", counted)
    prefill = parallel.prefill
    used: list[bool] = []
    monkeypatch.setattr(parallel, "prefill", lambda *args: used.append(args[4] is not None) or prefill(*args))
    cold = build(sink, "cold.docx")
    assert used == [True] and len(opened) == 1
    assert build(sink, "warm.docx") == cold


def test_a_small_paper_is_cut_into_no_empty_chunks(sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chunk a process takes costs a collection and a copy of the speller's words: a paper of fewer sections
    than the processes' chunks has one chunk a section (it had 64, most of them empty, for 10 sections)."""
    on_workers(monkeypatch)
    shared = parallel._shared
    counts: list[tuple[int, int]] = []
    monkeypatch.setattr(parallel, "_shared", lambda workers, chunks, *rest: counts.append((workers, chunks)) or
                        shared(workers, chunks, *rest))
    build(sink)
    sections = len(pipeline.load(sink).parsed)
    assert sections < 2 * parallel.CHUNKS and counts == [(1, sections)]


def test_a_build_reads_what_needs_no_section_while_workers_check_them(sink: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The git history the build reads next, and the template's colours, are read by the build's own process while
    its workers check the sections (it takes fewer chunks meanwhile): the history once, the colours judged in the
    styles of the template the build opened (not read from its bytes again), and the same paper written."""
    from coe_paper import a11y

    serial = _serial_build(sink, monkeypatch)
    on_workers(monkeypatch)
    read: list[tuple[str, bool]] = []  # what was read, and whether the workers were at work (their job set)
    history_of, template = pipeline.history_of, a11y.template

    def reading(*args: Any, **kwargs: Any) -> Any:
        read.append(("history", parallel._JOB is not None))
        return history_of(*args, **kwargs)

    def judging(*args: Any) -> Any:
        read.append(("colours", parallel._JOB is not None))
        return template(*args)

    def unread(path: str, data: bytes) -> Any:
        raise AssertionError("the template's styles read again")

    monkeypatch.setattr(pipeline, "history_of", reading)
    monkeypatch.setattr(pipeline.a11y, "template", judging)
    monkeypatch.setattr(a11y, "_template_contrast", unread)
    assert build(sink, "parallel.docx") == serial
    assert read[:2] == [("history", True), ("colours", True)]  # run_all's check then takes them from the cache


def test_a_dictionary_a_worker_cannot_read_is_reported(sink: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coe_paper.rules import spelling

    def unreadable(self: spelling.Speller) -> object:
        raise ValueError("a damaged .dic")

    monkeypatch.setattr(spelling.Speller, "lookups", unreadable)
    on_workers(monkeypatch)
    shutil.rmtree(cache(sink), ignore_errors=True)
    found = [d for d in pipeline.load(sink).diagnostics if d.code == "COE721"]
    assert len(found) == 1, found
    assert found[0].message.endswith(".aff/.dic cannot be read (a damaged .dic): spelling not checked")


def test_front_matter_from_the_cache_keeps_its_positions(make_project: MakeProject) -> None:
    """A section's front matter, found valid once, is read from the cache: its diagnostics point where they did."""
    text = section_text("outlook", "Text.\n", title="Outlook", lead="leipzig", contributors="[nobody]")
    root = make_project({"sections/03-outlook.md": text}, git=True)
    cold = [d for d in pipeline.check(root).diagnostics if d.code == "COE201"]
    assert (cache(root) / "front.pack").is_file()
    assert [(d.line, d.column) for d in cold] == [(5, 16)]
    assert [d for d in pipeline.check(root).diagnostics if d.code == "COE201"] == cold


def test_a_warm_run_parses_no_yaml(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """paper.yaml, contributors.yaml, the abbreviations and every front matter come from the cache on a warm run."""
    root = make_project({"paper/abbreviations.yaml": "EU: European Union\nUAEU: Urban Agenda for the EU\n"}, git=True)
    cold = pipeline.check(root)
    assert cold.project is not None and cold.project.abbreviations["EU"] == "European Union"
    parsed: list[str] = []
    original = project_module.load_yaml

    def counted(text: str, path: str, **options: int) -> object:
        parsed.append(path)
        return original(text, path, **options)

    monkeypatch.setattr(project_module, "load_yaml", counted)
    warm = pipeline.check(root)
    assert parsed == []
    assert warm.project is not None and warm.project.abbreviations == cold.project.abbreviations
    assert warm.diagnostics == cold.diagnostics


def test_positions_in_yaml_are_found_only_for_a_diagnostic(make_project: MakeProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Where each key of paper.yaml and contributors.yaml is was found on every cold run (to keep in the cache)
    and every validate (for the checks of paper.yaml's paths), though only a diagnostic shows it: it is found when
    one does, and at the same place."""
    from coe_paper import yamlparse

    root = make_project({"paper/abbreviations.yaml": "EU: European Union\n"}, git=True)
    found: list[int] = []
    marks_of = yamlparse.marks_of
    monkeypatch.setattr(yamlparse, "marks_of", lambda text: found.append(len(text)) or marks_of(text))
    assert build(root) and pipeline.check(root).diagnostics == []
    assert found == []
    config = root / "paper/paper.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("templates: paper/templates",
                                                                 "templates: ../elsewhere"), encoding="utf-8")
    [problem] = [d for d in pipeline.check(root).diagnostics if d.path == "paper/paper.yaml"]
    line = next(number for number, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("templates:"))
    assert (problem.code, problem.line, problem.column) == ("COE005", line, 1) and found


TABLE = "| City | Homes |\n|---|---|\n| Rome | 12 |\n\nTable: Homes by city {#tbl-homes}\n"


def test_a_caption_added_earlier_renumbers_a_cached_section(make_project: MakeProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A section's captions and references take their numbers from the whole paper: when a table is added in an
    earlier section, the later one (unchanged, cached) shows the new numbers, as a cold build does."""
    later = "As [the table](#tbl-homes) shows:\n\n" + TABLE
    outlook = section_text("outlook", later, title="Outlook", lead="leipzig", contributors="[]")
    root = make_project({"sections/03-outlook.md": outlook}, git=True)
    first = build(root)
    assert ">Table 1</w:t>" in zipfile.ZipFile(io.BytesIO(first)).read("word/document.xml").decode()
    intro = root / "sections" / "01-intro.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\n" + TABLE.replace("tbl-homes", "tbl-first"),
                     encoding="utf-8")
    warm = build(root, "warm.docx")
    document = zipfile.ZipFile(io.BytesIO(warm)).read("word/document.xml").decode()
    assert ">Table 2</w:t>" in document  # the reference in the later section now says Table 2
    shutil.rmtree(cache(root))
    assert build(root, "cold.docx") == warm


_WORK = parallel._work
_BUILD = os.getpid()  # the process that runs the tests, and the builds in them


_DIED: list[Path] = []  # the file a dying worker leaves, for the build's process to wait on


def _die(indices: list[int]) -> object:
    """A worker's work that ends the worker (as the kernel's out-of-memory killer would); the build's own process
    takes chunks too, and does them, each once a worker has died (else it could take every chunk first)."""
    if os.getpid() != _BUILD:
        _DIED[0].touch()
        os._exit(9)
    deadline = time.monotonic() + 60
    while not _DIED[0].exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return _WORK(indices)


def test_a_worker_that_dies_leaves_the_work_to_the_build(sink: Path, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """A worker killed mid-way (out of memory, say) costs time, not the paper: the build does the work itself."""
    serial = _serial_build(sink, monkeypatch)
    on_workers(monkeypatch)
    monkeypatch.setattr(parallel, "_work", _die)
    monkeypatch.setattr(sys.modules[__name__], "_DIED", [tmp_path / "a worker died"])
    outcomes: list[object] = []
    prefill = parallel.prefill

    def watched(*args: object, **kwargs: object) -> object:
        outcomes.append(prefill(*args, **kwargs))  # type: ignore[arg-type]
        return outcomes[-1]

    monkeypatch.setattr(parallel, "prefill", watched)
    assert build(sink, "survived.docx") == serial
    assert outcomes == [None]  # the workers were started, died, and the build did the work


def test_a_template_without_the_usual_prefixes(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sections are written into the body as XML text with the w: and r: prefixes; a template whose document does
    not declare them at its root gets the sections as elements instead, and the same paper."""
    root = make_project(git=True)
    usual = build(root, "usual.docx")
    monkeypatch.setattr(DocxBuilder, "takes_text", property(lambda self: False))
    shutil.rmtree(cache(root))
    assert build(root, "elements.docx") == usual


def test_text_that_looks_like_a_namespace_declaration_stays(make_project: MakeProject) -> None:
    """Placing body text drops a picture's namespace declarations that the document's root makes; a sentence that
    spells one out is text, and stays."""
    literal = ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    body = f"## Markup\n\nThe attribute{literal} is written in the text.\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(build(root))).read("word/document.xml"))
    assert f"The attribute{literal} is written in the text." in "".join(document.itertext())


def test_paper_yaml_from_the_cache_keeps_its_positions(make_project: MakeProject) -> None:
    """paper.yaml and contributors.yaml, parsed once without a problem, come from the cache with their positions:
    an outline entry without a file is reported where it was."""
    root = make_project({"sections/03-outlook.md": None}, git=True)
    cold = [d for d in pipeline.check(root).diagnostics if d.code == "COE104"]
    assert [(d.path, d.line) for d in cold] == [("paper/paper.yaml", 17)]  # "  - id: outlook"
    assert [d for d in pipeline.check(root).diagnostics if d.code == "COE104"] == cold
    entries = json.loads((cache(root) / "front.pack").read_bytes().partition(b"\n")[2])
    assert any("outline" in str(value.get("data", "")) for value in entries.values())  # paper.yaml was kept


def test_a_build_at_a_revision_keeps_the_work_trees_entries(make_project: MakeProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`assemble --rev` and `--compare` read older files; the work tree's entries stay for its next build."""
    root = make_project(git=True)
    section = root / "sections" / "03-outlook.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nA sentence the last commit does not have.\n",
                       encoding="utf-8")
    counts = counting(monkeypatch)
    build(root)
    assert pipeline.assemble(root, root / "old.docx", rev="HEAD").output is not None
    assert comparison.compare(root, "HEAD", root / "changes.docx").output is not None
    build(root, "again.docx")
    assert counts[-1] == 0  # every section came from the cache


def test_the_quick_reading_of_ids_agrees_with_the_general_one(tmp_path: Path) -> None:
    """Where a fragment's ids are is found in one pass for tags as the renderer writes them, and by the general
    reading for any other order of attributes; both find the same places."""
    template = (REPO_ROOT / "paper" / "template.docx").read_bytes()
    doc = DocxBuilder(template, WorkTree(tmp_path))
    body = ("## A heading\n\n- one [link](https://example.org)[^1]\n  1. two\n\n| a | b |\n|---|---|\n| [x](#y) | 2 |"
            "\n\nTable: Two columns {#tbl-two}\n\n[^1]: A note with [a link](https://example.org/2).\n")
    recorder = fragments.Recorder(doc)
    texts = [fragments.xml_text(Renderer(recorder).render(parse(body)))]
    texts += [fragments.xml_text(paragraphs) for _, paragraphs in recorder.notes]
    assert len(texts) == 2
    for text in texts:
        assert fragments._sites(text) != []
        assert fragments._usual_part(text) == fragments._template(text, fragments._sites(text))
    turned = '<w:bookmarkStart w:name="x" w:id="7"/><w:bookmarkEnd w:id="7"/>'  # the name first: not the usual way
    assert fragments._usual_part(turned) is None
    name, first, end = turned.index('"x"') + 1, turned.index('"7"') + 1, turned.rindex('"7"') + 1
    assert fragments._sites(turned) == [(name, name + 1, "n", 7), (first, first + 1, "b", 7), (end, end + 1, "b", 7)]


@pytest.mark.parametrize(("text", "usual"), [
    ('<w:r><w:t>100% and %s and %%</w:t></w:r><w:bookmarkStart w:id="3" w:name="a_b"/><w:bookmarkEnd w:id="3"/>', True),
    ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><?coe-picture 1?>'
     '<w:hyperlink r:id="coeLink1" w:history="1"><w:r><w:footnoteReference w:id="4"/></w:r></w:hyperlink>'
     '<w:hyperlink w:anchor="x" w:history="1"/><w:numId/></w:p>', True),
    ('<w:bookmarkStart w:id="3" w:name="50%"/><w:bookmarkEnd w:id="3"/>', False),  # a `%` in a name
    ('<w:hyperlink w:history="1" r:id="coeLink1"/>', False),  # the link's relationship not first
    ('<w:bookmarkEnd w:name="x" w:id="3"/><w:footnoteReference w:customMarkFollows="1" w:id="2"/>', False),
    ('<w:numId  w:val="2"/>', False), ('<w:bookmarkStart\nw:id="1" w:name="n"/>', False),
    ('<?coe-picture 1 ?>', False), ('<?coe-picture?>', False), ('', True), ('%', True),
])
def test_the_one_pass_template_is_the_general_one(text: str, usual: bool) -> None:
    """A fragment's template is made in one pass when every tag that may hold an id is written the usual way; any
    other way is read by the general reading, and where both read the text they give the same template."""
    general = fragments._template(text, fragments._sites(text))
    quick = fragments._usual_part(text)
    assert (quick is not None) == usual
    assert quick is None or quick == general


def test_a_half_written_file_is_removed_only_when_an_hour_old(tmp_path: Path) -> None:
    """Another run may be writing it at this moment (`serve` builds while a command builds)."""
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    for raw in (True, False):
        store = Store(root, f"bodies-{raw}", "", pack=raw, raw=raw)
        assert store.directory is not None
        store.put_bytes("k", b"body")
        store.prune()
        young, old = store.directory / ".entry-young.tmp", store.directory / ".entry-old.tmp"
        young.write_bytes(b"half")
        old.write_bytes(b"half")
        os.utime(old, (os.path.getmtime(old) - 7200,) * 2)
        again = Store(root, f"bodies-{raw}", "", pack=raw, raw=raw)
        assert again.get_bytes("k") == b"body"
        again.prune()
        assert young.exists() and not old.exists(), raw


def test_packs_written_again_as_one_stay_until_that_one_is_written(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """On a full disk the used entries cannot be written again as one pack: their packs are kept, not removed."""
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)

    first = {f"k{n}": bytes([n]) * 100 for n in range(10)}
    _run(root, first)
    monkeypatch.setattr(Store, "_write", staticmethod(lambda path, key, payload: False))
    _run(root, {"k1": first["k1"]})  # mostly unused: would be written again as one, but nothing can be written
    monkeypatch.undo()
    assert _entries(root) == first
    _run(root, {"k1": first["k1"]})
    assert _entries(root) == {"k1": first["k1"]}


def test_asking_whether_bytes_are_held_keeps_them_as_getting_them_does(tmp_path: Path) -> None:
    """`holds_bytes` answers as `get_bytes` finds, copying nothing, and counts the entry as used: a build that takes
    a body it holds decoded keeps that body in the cache, as one that read it."""
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    for raw in (True, False):
        store = Store(root, f"bodies-{raw}", "", pack=raw, raw=raw)
        kept, dropped, missing = store.key("kept"), store.key("dropped"), store.key("missing")
        store.put_bytes(kept, b"body")
        store.put_bytes(dropped, b"other")
        store.prune()
        again = Store(root, f"bodies-{raw}", "", pack=raw, raw=raw)
        assert again.holds_bytes(kept) and not again.holds_bytes(missing)
        again.prune()  # only the entry asked for was used
        last = Store(root, f"bodies-{raw}", "", pack=raw, raw=raw)
        assert (last.get_bytes(kept), last.get_bytes(dropped)) == (b"body", None), raw


KILLED_BUILD = """
import os, sys, time
from pathlib import Path
from coe_paper import parallel, pipeline
parallel.processors = lambda: 2
parallel.MIN_SECTIONS, parallel.MIN_BYTES, parallel.CHUNKS = 2, 0, 100
work = parallel._work

def slow(chunk):
    with open(sys.argv[2], "a") as pids:  # each process that takes a chunk, as it does
        pids.write(f"{os.getpid()}\\n")
    time.sleep(1)
    return work(chunk)

parallel._work = slow
pipeline.assemble(Path(sys.argv[1]), Path(sys.argv[1]) / "killed.docx")
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: its new parent reaps it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes' states from /proc")
def test_a_worker_ends_soon_after_its_build_is_killed(make_project: MakeProject, tmp_path: Path) -> None:
    """A build killed (SIGKILL here; SIGTERM from `timeout` or a cancelled CI job alike) while its workers check and
    render the sections: a worker took every chunk left and ran on for nobody. It ends after its chunk (a second
    here, as each chunk is slowed to take one)."""
    ids = [f"part{n}" for n in range(12)]
    outline = "outline:\n" + "".join(f"  - id: {id}\n" for id in ids)
    files = {f"sections/{n:02d}-{id}.md": section_text(id, "Some text for the paper.\n") for n, id in enumerate(ids)}
    root = make_project({**files, "paper/paper.yaml": PAPER_YAML.split("outline:")[0] + outline}, git=True)
    pids = tmp_path / "pids"
    build = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(root), str(pids)])
    try:
        deadline = time.monotonic() + 60
        while not (pids.exists() and {*pids.read_text().split()} - {str(build.pid)}):
            assert time.monotonic() < deadline and build.poll() is None, "no worker took a chunk"
            time.sleep(0.05)
    finally:
        build.kill()
        build.wait()
    workers = {int(pid) for pid in pids.read_text().split()} - {build.pid}
    deadline = time.monotonic() + 3  # the 10 chunks left would take the worker 10 s
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, workers)), "a worker went on with the killed build's chunks"


WORKERS_THEN_MODULES = """
import sys
from pathlib import Path
from coe_paper import parallel, pipeline
parallel.processors = lambda: 2
parallel.MIN_SECTIONS, parallel.MIN_BYTES = 2, 0
root = Path(sys.argv[1])
started = []
prefill = parallel.prefill
parallel.prefill = lambda *a, **k: (started.append(1), prefill(*a, **k))[1]
built = pipeline.assemble(root, root / "workers.docx")
assert built.output is not None and started, built.diagnostics
print(sorted(name for name in sys.modules if name.startswith(("multiprocessing", "concurrent.futures.process"))))
"""


def test_workers_start_without_a_process_pool(make_project: MakeProject) -> None:
    """The workers are forked and hand their answers back through pipes: a cold build imports neither
    multiprocessing nor concurrent.futures' process pool (with its thread and queues)."""
    root = make_project(git=True).resolve()
    done = subprocess.run([sys.executable, "-c", WORKERS_THEN_MODULES, str(root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[]"


def test_rendering_a_section_leaves_nothing_for_the_cycle_collector(sink: Path) -> None:
    """A worker collects only what its last chunk made (parallel._work), so rendering must free what it made as it
    goes. The renderer kept its handlers as bound methods, a cycle that kept it, its elements and its sink alive
    until a whole collection found them: the workers of a 300-section build spent 0.5 s of processor time on it."""
    import gc

    template = (REPO_ROOT / "paper" / "template.docx").read_bytes()
    doc = DocxBuilder(template, WorkTree(sink))
    bodies = [path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in sorted(sink.glob("sections/*.md"))]
    assert any("|" in body for body in bodies) and any("[^" in body for body in bodies)  # tables, notes, lists
    fragments.record(doc, lambda sink: Renderer(sink).render(parse(bodies[0])))  # what is made once, made
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        for body in bodies:
            tokens = parse(body)
            made = fragments.record(doc, lambda sink, tokens=tokens: Renderer(sink).render(tokens))
            assert made.body.text
        del tokens, made
        assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()
