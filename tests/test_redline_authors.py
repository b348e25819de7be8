"""Who each tracked change of `assemble --compare REV` is by: the organisation whose commit made it, even where the
work tree changed something else in the same section or paper; only what the work tree changed is "Uncommitted"."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from coe_paper import ooxml
from conftest import CONTRIBUTORS_YAML, MakeProject, section_text
from test_redline import (
    ANCT,
    INTRO,
    INTRO_V1,
    INTRO_V2,
    W,
    body_of,
    build,
    commit_v2,
    git,
    isolated_git,
    plain,
    repository,
    revisions,
    text_of,
)

__all__ = ["isolated_git"]  # the autouse fixture: no user or system git configuration

ANCT_NAME = "National Agency for Territorial Cohesion"


def authors_of(document: etree._Element, words: str) -> set[str | None]:
    """The authors of the tracked changes in the paragraph holding `words`."""
    found = next(p for p in document.iter(W("p")) if words in text_of(p))
    return {c.get(W("author")) for c in revisions(found)}


def test_an_uncommitted_edit_leaves_the_committed_changes_to_who_made_them(make_project: MakeProject,
                                                                           tmp_path: Path) -> None:
    """One uncommitted edit in a section made every committed change of that section "Uncommitted", and any made
    the title page, the contents and the annex "Uncommitted" whole: an organisation renamed in a commit too."""
    root = repository(make_project, {INTRO: section_text("intro", INTRO_V1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", INTRO_V2, title="Introduction"),
                     "contributors.yaml": CONTRIBUTORS_YAML.replace("City of Leipzig", "City of Leipzig (Saxony)")})
    intro = root / INTRO
    intro.write_text(intro.read_text().replace("Third step of the plan.", "Third and last step of the plan.")
                     .replace("The plan has three steps:\n", ""))
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")
    assert plain(redline) == plain(build(root, tmp_path / "new.docx", "--no-layout"))
    assert plain(redline, "reject") == plain(build(root, tmp_path / "old.docx", "--rev", "v1", "--no-layout"))
    document = body_of(redline)
    assert authors_of(document, "every resident") == {ANCT_NAME}  # committed, word by word
    assert authors_of(document, "brand new paragraph") == {ANCT_NAME}  # inserted by the commit
    assert authors_of(document, "disappear entirely") == {ANCT_NAME}  # deleted by the commit
    assert authors_of(document, "Leipzig (Saxony)") == {ANCT_NAME}  # the annex, from committed contributors.yaml
    entries = [p for p in document.iter(W("p")) if re.fullmatch(r"TOC\d", ooxml.style_of(p) or "")
               and "Why equal cities" in text_of(p)]  # the contents: a heading the commit renamed, word by word
    assert len(entries) == 1 and {c.get(W("author")) for c in revisions(entries[0])} == {ANCT_NAME}
    assert authors_of(document, "last step") == {"Uncommitted"}  # changed in the work tree
    assert authors_of(document, "three steps") == {"Uncommitted"}  # deleted in the work tree
    git(root, "commit", "-q", "-am", "Third draft", who=ANCT)
    document = body_of(build(root, tmp_path / "committed.docx", "--compare", "v1", "--no-layout"))
    assert {c.get(W("author")) for c in revisions(document)} == {ANCT_NAME}


def test_a_section_moved_in_the_outline_is_by_who_moved_it(make_project: MakeProject, tmp_path: Path) -> None:
    """A section moved in paper/paper.yaml, its file unchanged since REV, went to the newest commit's member (one
    who then changed another section), not to the outline's; a move not yet committed is Uncommitted."""
    root = repository(make_project, {})
    outline = root / "paper/paper.yaml"
    swapped = outline.read_text().replace("- id: housing", "- id: swap").replace("- id: outlook", "- id: housing")
    commit_v2(root, {"paper/paper.yaml": swapped.replace("- id: swap", "- id: outlook")})  # ANCT moves outlook up
    (root / INTRO).write_text((root / INTRO).read_text().replace("serves everyone", "serves every resident"))
    git(root, "commit", "-q", "-am", "Wording", date="2024-04-01T10:00:00+01:00")  # Rome, the newest commit
    document = body_of(build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout"))
    assert authors_of(document, "every resident") == {"Metropolitan City of Rome"}
    moved = [p for p in document.iter(W("p")) if "agree its action plan" in text_of(p)]
    assert len(moved) == 2  # deleted where it was, inserted where it is
    assert {c.get(W("author")) for p in moved for c in revisions(p)} == {ANCT_NAME}
    outline.write_text(outline.read_text().replace("- id: intro", "- id: first").replace("- id: housing",
                       "- id: intro").replace("- id: first", "- id: housing"))  # intro moved, not committed
    document = body_of(build(root, tmp_path / "uncommitted.docx", "--compare", "v1", "--no-layout"))
    assert authors_of(document, "Read about") == {"Uncommitted"}
