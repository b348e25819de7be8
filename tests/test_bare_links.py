"""Web and e-mail addresses written bare in a section's text are links in the .docx (read by pandoc and LibreOffice's
PDF) and in the preview; in a code span, and a bare domain, they stay text."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper import layout, site
from conftest import INTRO_BODY, MakeProject, assembled_intro, cli, require_client

BODY = INTRO_BODY + """
The survey is at https://example.org/survey. Write to info@example.org or read www.example.eu/report, not
`https://example.org/code` nor README.md.
"""


def links(node: Any) -> list[tuple[str, str]]:
    """(text, target) of every Link in a pandoc JSON tree."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if node.get("t") == "Link":
            words = "".join(part.get("c", " ") if part.get("t") == "Str" else " " for part in node["c"][1])
            found.append((words, node["c"][2][0]))
        for value in node.values():
            found += links(value)
    elif isinstance(node, list):
        for value in node:
            found += links(value)
    return found


def test_bare_addresses_are_links_in_the_docx_and_its_pdf(make_project: MakeProject, tmp_path: Path) -> None:
    _, out = assembled_intro(make_project, tmp_path, BODY)
    ast = json.loads(subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "json", str(out)],
                                    capture_output=True, text=True, check=True).stdout)
    found = links(ast)
    assert ("https://example.org/survey", "https://example.org/survey") in found
    assert ("info@example.org", "mailto:info@example.org") in found
    assert ("www.example.eu/report", "http://www.example.eu/report") in found
    assert not [link for link in found if "code" in link[1] or "README" in link[1]]
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(out, tmp_path)
    assert pdf is not None, problem
    raw = subprocess.run([require_client("pdfinfo"), "-url", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    assert {"https://example.org/survey", "mailto:info@example.org", "http://www.example.eu/report"} <= set(
        re.findall(r"\S+://\S+|mailto:\S+", raw)), raw


def test_bare_addresses_are_links_on_the_preview_and_no_coe533(make_project: MakeProject, tmp_path: Path,
                                                             monkeypatch: Any) -> None:
    root, _ = assembled_intro(make_project, tmp_path, BODY)
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, built.diagnostics
    page = built.page.read_text(encoding="utf-8")
    assert '<a href="https://example.org/survey">https://example.org/survey</a>.' in page
    assert '<a href="mailto:info@example.org">info@example.org</a>' in page
    assert "<code>https://example.org/code</code>" in page and 'href="https://example.org/code"' not in page
    monkeypatch.chdir(root)
    result = cli("validate")
    assert result.exit_code == 0 and "COE533" not in result.output, result.output


_PIECES = st.sampled_from(["https://example.org/a", "http://x.eu", "//example.org", "www.europa.eu", "WWW.EU.EU",
                           "ec.europa.eu", "README.md", "a@b.eu", "mailto:a@b.org", "ftp://f.org", "e.g.", "end.",
                           "Next", " ", "\n", "(", ")", ".", ",", "word", "x.org", "@", "//"])


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_quick_address_test_finds_what_linkify_finds(text: str) -> None:
    """The parser's first test of a text for an address (a scheme's `//`, `www.` or an `@`) passes every text in
    which linkify-it-py finds an address the paper takes (one with a scheme, or starting `www.`): it only spares
    linkify's slower test on texts without one."""
    from linkify_it import LinkifyIt

    from coe_paper.markdown import content_parser

    taken = [link.url for link in LinkifyIt().match(text) or () if link.schema or link.raw.lower().startswith("www.")]
    found = content_parser().linkify.match(text) if content_parser().linkify.pretest(text) else None
    assert [link.url for link in found or ()] == taken


_MARKDOWN = st.sampled_from(["https://example.org/a", "www.europa.eu", "a@b.eu", "a&#64;b.eu", "https:&#47;&#47;x.eu",
                              "![a](my%20chart.png)", "&#33;[a](b%20c.png)", "{width=6cm}", "![",
                              "![b](c.png){width=2cm}",
                              "[see](https://x.eu)", "`www.x.eu`", "\\@", "word", " ", "\n", "\n\n", "- ", "> ",
                              "# ", "|a|b|\n|-|-|\n", "[^1]", "\n\n[^1]: ", "<b>", "e.g.", "."])


@settings(max_examples=300)
@given(st.lists(_MARKDOWN, max_size=14).map("".join))
def test_rules_skipped_for_a_section_without_their_marks_parse_it_the_same(text: str) -> None:
    """The parser skips linkify's rule over a section whose source has no `//`, `www.` or `@` (the rule's own first
    test of each paragraph would fail), and its rules for pictures' paths and widths over one without `![` or
    `{width=`: the tokens are those of a parser running each rule over every section."""
    from markdown_it.rules_core.linkify import linkify

    from coe_paper.markdown import content_parser, decode_picture_paths
    from coe_paper.picture_widths import take_widths

    reference = content_parser.__wrapped__()  # another parser, made as the paper's is
    reference.core.ruler.at("linkify", linkify)
    reference.core.ruler.at("picture_paths", decode_picture_paths)
    reference.core.ruler.at("picture_widths", take_widths)
    assert ([token.as_dict() for token in content_parser().parse(text)]
            == [token.as_dict() for token in reference.parse(text)])


def test_a_width_written_with_a_character_reference_is_text_as_pandoc_reads_it() -> None:
    from coe_paper.markdown import content_parser

    [inline] = [token for token in content_parser().parse("![a](b.png)&#123;width=6cm}") if token.type == "inline"]
    assert [(child.type, child.meta.get("width"), child.content) for child in inline.children or []] == [
        ("image", None, "a"), ("text", None, "{width=6cm}")]


def test_a_reviewer_s_edit_beside_a_bare_address_is_applied(make_project: MakeProject, tmp_path: Path) -> None:
    """A bare address is a link in the .docx, and the source has none of a link's marks: apply could not follow
    the paragraph's Markdown and skipped every change in it ('apply the change by hand'). Edits beside the address,
    and over it, made in LibreOffice, land in the source, the address still bare."""
    from coe_paper import wordread, writeback
    from libreoffice_review import review

    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = review(built, tmp_path / "lo.docx", [("replace", "The survey is at", "The survey is now at"),
                                                    ("replace", "Write to", "Please write to"),
                                                    ("replace", "www.example.eu/report, not", "www.example.eu/report, "
                                                     "but not")], tmp_path)
    doc = wordread.read(reviewed)
    plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options())
    doc.docx.close()
    writeback.write(root, plan.files)
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 3
    text = " ".join((root / "sections" / "01-intro.md").read_text(encoding="utf-8").split())
    assert ("The survey is now at https://example.org/survey. Please write to info@example.org or read "
            "www.example.eu/report, but not `https://example.org/code` nor README.md.") in text
