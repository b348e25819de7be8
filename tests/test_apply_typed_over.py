"""`coe-paper apply` of a block's words typed over whole by a reviewer in LibreOffice, which writes the new words
before the old ones where a bookmark begins the block (a heading's id): a replacement, as Word writes it."""

from __future__ import annotations

from pathlib import Path

from coe_paper import wordread, writeback
from conftest import MakeProject, assembled_intro
from libreoffice_review import review
from test_apply_lists import _changed_lines, _html

BODY = "The plan:\n\n## The first phase\n\n1. Online meetings.\n2. A survey.\n\nA closing paragraph.\n"


def test_a_heading_typed_over_whole_is_replaced_not_removed(make_project: MakeProject, tmp_path: Path) -> None:
    """A heading whose words were all typed over (LibreOffice writes the new words before the old ones) lost its
    line: the deletion of all its words took the block, and the words typed were skipped as overlapping it. The
    heading keeps its line and its `##`, with the new words; so do an item and a paragraph typed over."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("replace_last", "The first phase", "Phase one"), ("replace", "A survey.", "A member survey."),
        ("replace", "A closing paragraph.", "New closing words.")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 11, "replaced “The first phase” with “Phase one”"),
        ("applied", 14, "replaced “A survey.” with “A member survey.”"),
        ("applied", 16, "replaced “A closing paragraph.” with “New closing words.”")], plan.outcomes
    writeback.write(root, plan.files)
    assert _changed_lines(root) == ["-## The first phase", "+## Phase one", "-2. A survey.", "+2. A member survey.",
                                    "-A closing paragraph.", "+New closing words."], _changed_lines(root)
    page = _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])
    assert "<h2>Phase one</h2><ol type=\"1\"><li>Online meetings.</li><li>A member survey.</li>" \
        "</ol><p>New closing words.</p>" in page, page


LINKS = ("See the [Energy Poverty Advisory Hub](https://energy-poverty.ec.europa.eu/) for help.\n\n"
         "Ask the [Covenant of Mayors][com] too.\n\n[com]: https://eu-mayors.ec.europa.eu/\n\n"
         "Read the [urban agenda](https://futurium.ec.europa.eu/) now.\n")


def test_a_links_text_typed_over_whole_keeps_the_link(make_project: MakeProject, tmp_path: Path) -> None:
    """A link's whole text typed over in LibreOffice (which writes the new words after the link, out of it, in its
    character style) lost the link: the deletion of all its words took its brackets and URL. The new words are
    the link's, inline or by reference; words typed over a link and the text beside it leave it, as before."""
    root, built = assembled_intro(make_project, tmp_path, LINKS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("replace", "Energy Poverty Advisory Hub", "EPAH"), ("replace", "Covenant of Mayors", "Covenant"),
        ("replace", "the urban agenda", "its agenda")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    writeback.write(root, plan.files)
    assert _changed_lines(root) == [
        "-See the [Energy Poverty Advisory Hub](https://energy-poverty.ec.europa.eu/) for help.",
        "+See the [EPAH](https://energy-poverty.ec.europa.eu/) for help.",
        "-Ask the [Covenant of Mayors][com] too.", "+Ask the [Covenant][com] too.",
        "-Read the [urban agenda](https://futurium.ec.europa.eu/) now.", "+Read its agenda now."], _changed_lines(root)
    page = _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])
    assert ('<p>See the <a href="https://energy-poverty.ec.europa.eu/">EPAH</a> for help.</p><p>Ask the '
            '<a href="https://eu-mayors.ec.europa.eu/">Covenant</a> too.</p><p>Read its agenda now.</p>') in page, page
