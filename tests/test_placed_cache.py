"""What a build keeps of its document for the next (`.git/coe-paper-cache/placed` and `contents`): each body as it was
placed, by the body and the numbers it was placed with, and the contents by their headings. A build takes them only
while those are the same, and gives the bytes a build with no cache gives."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from coe_paper import pipeline, toc
from coe_paper.sectionrender import SectionRenderer
from coe_paper.store import CACHE_DIR
from conftest import MakeProject, section_text

WORDS = "The partnership's members gather the figures that show where cities stand today."
FILES = {
    "sections/01-intro.md": section_text("intro", f"{WORDS}\n\n## Background\n\n{WORDS} [One](https://example.org/a).\n",
                                         title="Introduction"),
    "sections/02-housing.md": section_text("housing", f"{WORDS}[^1] [Two](https://example.org/b).\n\n"
                                                      "[^1]: A note on housing.\n", title="Housing"),
    "sections/03-outlook.md": section_text("outlook", f"{WORDS}\n\n## Next steps\n\n{WORDS}\n", title="Outlook"),
}


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build(root: Path) -> bytes:
    result = pipeline.assemble(root, root / "out.docx")
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    return result.output.read_bytes()


def cold(root: Path) -> bytes:
    shutil.rmtree(root / ".git" / CACHE_DIR)
    return build(root)


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "sections" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def placed_anew(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many bodies each build placed anew (made their text), rather than took as an earlier build placed them."""
    counts: list[int] = []
    close = SectionRenderer.close

    def record(self: SectionRenderer, drop_unused: bool = True) -> None:
        counts.append(len(self.placed.fresh))
        close(self, drop_unused)

    monkeypatch.setattr(SectionRenderer, "close", record)
    return counts


def test_a_body_is_placed_again_only_when_it_or_its_numbers_changed(make_project: MakeProject,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(FILES, git=True)
    counts = placed_anew(monkeypatch)
    first = build(root)
    assert build(root) == first and counts == [3, 0]
    edit(root, "03-outlook.md", "today.\n\n## Next", "today, and more.\n\n## Next")  # the last body alone
    assert build(root) != first and counts[2] == 1
    # a note and a link more in the first section: the second one's footnote and link take other numbers
    edit(root, "01-intro.md", "[One](https://example.org/a)", "[One](https://example.org/a)[^2] [New](https://x.org)")
    (root / "sections" / "01-intro.md").write_text(
        (root / "sections" / "01-intro.md").read_text(encoding="utf-8") + "\n[^2]: A note on the introduction.\n",
        encoding="utf-8")
    edited = build(root)
    assert counts[3] == 2  # the edited body, and the next one renumbered; the last one was taken
    document = zipfile.ZipFile(io.BytesIO(edited)).read("word/document.xml")
    assert b'<w:footnoteReference w:id="2"/>' in document
    assert cold(root) == edited and counts[4] == 3


def test_a_body_that_shows_a_picture_is_always_placed_again(make_project: MakeProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Its drawing is the picture's file as it is now (see test_section_cache): nothing of it is kept as placed."""
    root = make_project(git=True)  # the default paper: a picture in its second section
    counts = placed_anew(monkeypatch)
    first = build(root)
    assert build(root) == first and counts == [2, 0]


def test_the_contents_are_kept_until_a_heading_they_list_changes(make_project: MakeProject,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(FILES, git=True)
    made: list[int] = []
    table_of_contents = toc.table_of_contents

    def counted(*args: object, **kwargs: object) -> list[object]:
        made.append(1)
        return table_of_contents(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(toc, "table_of_contents", counted)
    first = build(root)
    assert build(root) == first and len(made) == 1
    edit(root, "01-intro.md", "today.\n\n## Background", "today, and more.\n\n## Background")
    assert build(root) != first and len(made) == 1  # a body changed, no heading the contents list
    edit(root, "03-outlook.md", "## Next steps", "## Later steps")
    edited = build(root)
    assert len(made) == 2
    document = zipfile.ZipFile(io.BytesIO(edited)).read("word/document.xml").decode()
    contents = document[: document.index('w:name="_Coe0_')]  # the contents come before the first section
    assert "Later steps" in contents and "Next steps" not in contents
    assert cold(root) == edited and len(made) == 3


@pytest.mark.parametrize("kind", ["placed", "contents"])
def test_a_damaged_pack_of_placed_xml_is_ignored(make_project: MakeProject, kind: str) -> None:
    root = make_project(FILES, git=True)
    first = build(root)
    packs = sorted((root / ".git" / CACHE_DIR / kind).glob("*.pack"))
    assert len(packs) == 1
    data = packs[0].read_bytes()
    packs[0].write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])  # in the XML, past the checksum's line
    assert build(root) == first
    assert packs[0].read_bytes() != data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]  # written again, right



def test_placing_a_body_claims_its_headings_anchors_not_its_source_bookmarks(make_project: MakeProject,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Placing a body claims its headings' anchors alone, not a source bookmark per paragraph (no anchor can be one:
    an anchor's bookmark starts with a letter, and the section's index makes them its own); its bookmarks are named
    only when its text is made. The document is the same bytes."""
    from coe_paper.docx_writer import DocxBuilder

    root = make_project(FILES, git=True)
    first = build(root)
    claimed: list[str] = []
    claim = DocxBuilder.claim_anchors

    def noted(self: DocxBuilder, anchors: list[str]) -> bool:
        claimed.extend(anchors)
        return claim(self, anchors)

    monkeypatch.setattr(DocxBuilder, "claim_anchors", noted)
    assert build(root) == first == cold(root)
    assert "background" in [name.lower() for name in claimed]  # a heading's anchor is claimed
    assert not [name for name in claimed if name.startswith("_Coe")]
