"""The quick ways a warm build reads and places kept sections agree with the general ways they stand in for: the
same answer for any input, and the same paper."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper import fragments, fragments_stored, ooxml_parts, parts_text, pipeline, project
from coe_paper.docx_writer import DocxBuilder
from coe_paper.rules import plain as plain_rules
from coe_paper.store import CACHE_DIR
from conftest import MakeProject, section_text


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build(root: Path, name: str) -> bytes:
    result = pipeline.assemble(root, root / name)
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    return result.output.read_bytes()


def cold_and_warm(root: Path, name: str) -> tuple[bytes, bytes]:
    shutil.rmtree(root / ".git" / CACHE_DIR, ignore_errors=True)
    return build(root, f"{name}-cold.docx"), build(root, f"{name}-warm.docx")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="%sdx\n", max_size=12), st.integers(min_value=0, max_value=4))
def test_the_quick_template_check_agrees_with_the_general_one(text: str, sites: int) -> None:
    plain = text.replace("%%", "")
    assert fragments_stored._is_template(text, sites) == (plain.count("%") == plain.count("%s") == sites)
    if fragments_stored._is_template(text, sites):  # `%` formatting then takes exactly `sites` values
        assert isinstance(text % tuple(["v"] * sites), str)


def _pick(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


#: An impersonal passive, or something near one, in any case, with what may touch it on either side.
_NEAR_PASSIVE = st.tuples(_pick("", "b", "_", "9", " ", ".", "\n", "(", "'"), _pick("it", "It", "IT", "iT", "i"),
                          _pick(" ", "\n", "  ", "\t", ""), _pick("is", "Was", "has been", "will  be", "may", "be"),
                          _pick(" ", "\n", ""), _pick("recommended", "NOTED", "known", "hoped", "recommend"),
                          _pick(" ", "\t", ""), _pick("that", "To", "thatx", "tos", "t"),
                          _pick("", " x", ".", "_", "9", "-")).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(_NEAR_PASSIVE | _pick(" ", "x", ", ", "\n"), max_size=4).map("".join))
def test_the_lower_case_search_for_impersonal_passives_agrees_with_the_case_blind_one(text: str) -> None:
    """COE732 searches ASCII text put in lower case with a pattern that can skip ahead: the same phrases, at the
    same places, as the case-blind pattern finds in the text as written."""
    assert text.isascii()
    quick = [m.span() for m in plain_rules._IMPERSONAL_LOWER.finditer(text.lower())]
    assert quick == [m.span() for m in plain_rules._IMPERSONAL.finditer(text)]


def test_claiming_anchors_at_once_gives_the_same_paper(make_project: MakeProject,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Anchors are claimed all at once when none is taken; one at a time (the general way) gives the same paper,
    a heading whose anchor another section holds included."""
    body = ("## Intro\n\nA heading that spells another section's id.\n\n## Findings\n\n- one [link](#intro)[^1]\n"
            "- two\n\n## Findings\n\nThe same heading again.\n\n[^1]: A note.\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    quick = cold_and_warm(root, "quick")
    assert quick[0] == quick[1]
    monkeypatch.setattr(DocxBuilder, "claim_anchors", lambda self, anchors: False)
    assert cold_and_warm(root, "general") == quick


def test_a_text_of_its_own_percent_signs_is_placed_as_written(make_project: MakeProject) -> None:
    """A footnote without a site, and a body, keep the `%` their text has (stored as `%%`)."""
    body = "Half of them (50%) agree.[^a] 100%% sure.\n\n[^a]: Up 5% on 2023, or %s as printf has it.\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    cold, warm = cold_and_warm(root, "percent")
    assert cold == warm
    package = zipfile.ZipFile(io.BytesIO(warm))
    assert "Half of them (50%) agree." in package.read("word/document.xml").decode()
    assert "Up 5% on 2023, or %s as printf has it." in package.read("word/footnotes.xml").decode()


@pytest.mark.parametrize("picture", [False, True])
def test_footnotes_written_as_text_give_the_same_paper(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                                       picture: bool) -> None:
    """Footnotes are written into their part as the XML text placing gives (a note with a picture, whose drawing
    declares namespaces, has every note parsed instead); parsing every note gives the same bytes."""
    shown = "![a dot](../paper/images/dot.png)" if picture else "a dot"
    body = ("## Notes\n\nA claim.[^a] Another.[^b] A third.[^c]\n\n"
            "[^a]: With **bold**, `code`, 5% & <angle> \"quotes\" and [a link](https://example.org/a?x=1&y=2).\n"
            f"[^b]: See {shown} and [the survey](https://example.org/notes), [again](https://example.org/a?x=1&y=2)."
            "\n[^c]: Plain.\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    parts: list[int] = []
    footnotes_part = ooxml_parts.footnotes_part
    monkeypatch.setattr(ooxml_parts, "footnotes_part", lambda notes: parts.append(len(notes)) or footnotes_part(notes))
    as_text = cold_and_warm(root, "text")
    assert as_text[0] == as_text[1]
    assert (0 in parts) != picture  # the separators alone, then the notes as text; or all notes parsed
    monkeypatch.setattr(DocxBuilder, "add_footnote_text",
                        lambda self, note, text: self.add_footnote(note, fragments.elements(text)))
    parts.clear()
    assert cold_and_warm(root, "elements") == as_text
    assert 0 not in parts


def test_list_instances_written_as_text_give_the_same_paper(make_project: MakeProject,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists' instances are written as text at the end of the numbering part; built as elements (the general way,
    for a template whose part that cannot take), the same bytes, numbered headings' own instance among them."""
    body = ("## Lists\n\n- one\n- two\n  1. first\n  2. second\n     - deep\n\n3. three\n4. four\n\n## More\n\n"
            "- again\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)  # headings numbered
    taken: list[bool] = []
    takes_lists = parts_text.takes_lists
    monkeypatch.setattr(parts_text, "takes_lists", lambda numbering: taken.append(takes_lists(numbering)) or taken[-1])
    as_text = cold_and_warm(root, "text")
    assert taken == [True, True] and as_text[0] == as_text[1]
    assert zipfile.ZipFile(io.BytesIO(as_text[0])).read("word/numbering.xml").count(b"<w:num ") >= 5
    monkeypatch.setattr(parts_text, "takes_lists", lambda numbering: False)
    assert cold_and_warm(root, "elements") == as_text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\t", "\n", "\r", "\x00", "\x08", "\x0b", "\x0c", "\x1f", "\x7f",
                                         "é", "\ufffe", "\uffff", "\ud800", "\udfff", "\ufffd"]), max_size=8))
def test_the_quick_control_character_scan_agrees_with_the_pattern(text: str) -> None:
    assert project._has_invalid_xml(text) == bool(project.INVALID_XML_RE.search(text))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab Z9_'\u2019-.\n\u00e9\u00b2\u2013\u201c\u0301\u00a0", max_size=24))
def test_the_spelling_rules_read_the_same_words_by_the_quick_pattern(text: str) -> None:
    """Text whose word characters are ASCII is read with a pattern of ASCII ranges: the same words as WORD_RE (or,
    with accents written apart, the pattern for those), whatever quotes, dashes, figures and letters it holds."""
    from coe_paper.rules import wordscan

    general = wordscan._MARKED_WORD_RE if wordscan._MARK_RE.search(text) else wordscan.WORD_RE
    assert wordscan.word_re(text).findall(text) == general.findall(text)
    assert wordscan.word_re(text) is not wordscan.WORD_RE or wordscan._NON_ASCII_WORD_CHAR.search(text)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ABZ0s- _\u00c9e(\n", max_size=20))
def test_abbreviations_are_found_where_the_look_behind_first_finds_them(text: str) -> None:
    """ABBREVIATION asks what stands before a word after its first capital, for speed: the same matches as the
    look-behind asked first."""
    import re

    from coe_paper.frontmatter import ABBREVIATION

    general = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)s?(?![\w-])")
    assert [(m.span(), m.group(1)) for m in ABBREVIATION.finditer(text)] == [
        (m.span(), m.group(1)) for m in general.finditer(text)]
