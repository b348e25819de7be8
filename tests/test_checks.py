"""One fault per tiny project, one test per rule code: the exact code, severity, path, line and column.

Positions are worked out by hand from the fixture text in conftest.py: `section_text` puts the front matter
keys on file lines 2-6 (id, title, lead, contributors, status), a blank line 8 and the body from line 9.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper import pipeline
from coe_paper.cli import app
from coe_paper.diagnostics import Diagnostic
from conftest import (
    CONTRIBUTORS_YAML,
    HOUSING_BODY,
    INTRO_BODY,
    PAPER_YAML,
    MakeProject,
    require_client,
    section_text,
    tiny_png,
)

INTRO = "sections/01-intro.md"
HOUSING = "sections/02-housing.md"
CONFIG = "paper/paper.yaml"
FILLER = "Members of the partnership wrote this paragraph so the section has enough words."  # 13 words


def sentences(words: int) -> str:
    """`words` words of prose in short sentences (five words each), so that no editorial hint fires."""
    five, rest = divmod(words, 5)
    return "Cities share what they learn. " * five + " ".join(["Cities"] * rest) + ("." if rest else "")


def validate(make_project: MakeProject, files: dict[str, str | bytes | None]) -> list[Diagnostic]:
    return pipeline.load(make_project(files)).diagnostics


def only(diagnostics: list[Diagnostic], code: str | None = None) -> Diagnostic:
    """The single diagnostic (of `code`, when given); fails when there are others."""
    picked = [d for d in diagnostics if code is None or d.code == code]
    assert len(picked) == 1, diagnostics
    return picked[0]


def only_error(diagnostics: list[Diagnostic]) -> Diagnostic:
    """The single error (a build outside git may add warnings about history); fails when there are others."""
    return only([d for d in diagnostics if d.severity == "error"])


def where(d: Diagnostic) -> tuple[str, str, str, int, int]:
    return (d.code, d.severity, d.path, d.line, d.column)


def intro(body: str, **front: str) -> dict[str, str | bytes | None]:
    """Replace the intro section's body (its first line is file line 9)."""
    return {INTRO: section_text("intro", body, title="Introduction", **front)}


# -- the fixture itself ----------------------------------------------------------------------------------------


def test_default_fixture_is_clean(make_project: MakeProject) -> None:
    assert validate(make_project, {}) == []


def test_bundled_paper_has_no_errors(repo_root: Path) -> None:
    loaded = pipeline.load(repo_root)
    assert loaded.project is not None
    assert [d for d in loaded.diagnostics if d.severity == "error"] == []
    assert len(loaded.project.ordered_sections()) == len(loaded.project.config.outline)


# -- COE0xx: files and YAML ------------------------------------------------------------------------------------


def test_coe001_yaml_syntax_error_in_front_matter(make_project: MakeProject) -> None:
    text = section_text("intro", FILLER + "\n", title="Introduction").replace("lead: rome", "lead: rome: extra")
    found = validate(make_project, {INTRO: text})
    # line 4 of the file is `lead: rome: extra`; the second colon is at column 11.
    assert where(only(found, "COE001")) == ("COE001", "error", INTRO, 4, 11)
    assert "mapping values are not allowed" in only(found, "COE001").message
    assert {d.code for d in found} == {"COE001"}  # the section is unusable, but its file is there: no COE105


def test_coe001_yaml_syntax_error_in_paper_yaml(make_project: MakeProject) -> None:
    config = PAPER_YAML.replace("subtitle: A tiny paper", "subtitle: A tiny: paper")
    found = validate(make_project, {CONFIG: config})
    assert where(only(found)) == ("COE001", "error", CONFIG, 2, 17)


def test_coe001_yaml_syntax_error_in_contributors(make_project: MakeProject) -> None:
    members = CONTRIBUTORS_YAML.replace("emails: [rome@example.org]", "emails: [rome@example.org")
    found = validate(make_project, {"contributors.yaml": members})
    # The flow sequence opened on line 8 is never closed, so YAML reads on into line 9, `  - id: anct`, and
    # stops at its colon (column 7), where it expected ',' or ']': the error is where the list opens.
    d = only(found)
    assert where(d) == ("COE001", "error", "contributors.yaml", 8, 13)
    assert d.message == ("YAML syntax error: the list opened here with '[' is not closed (expected ',' or ']', but "
                         "got ':' at line 9, column 7)")


def test_coe001_character_yaml_cannot_hold(make_project: MakeProject) -> None:
    config = PAPER_YAML.replace("subtitle: A tiny paper", "subtitle: A tiny\x07 paper")
    d = only(validate(make_project, {CONFIG: config}))
    assert where(d) == ("COE001", "error", CONFIG, 2, 17)  # after "subtitle: A tiny" (16 characters)
    assert d.message == "YAML cannot contain the character U+0007"


def test_a_control_character_in_front_matter_is_reported_once(make_project: MakeProject) -> None:
    """A NUL or a bell in a section's front matter was two errors at one place: COE004 (no Word document holds it)
    and COE001 (no YAML does). It is COE004 alone; the section is left out as before."""
    for char in ("\x00", "\x07"):
        intro = section_text("intro", INTRO_BODY, title=f"Intro{char}duction")
        d = only(validate(make_project, {"sections/01-intro.md": intro}))
        assert where(d) == ("COE004", "error", "sections/01-intro.md", 3, 13)


def test_coe002_unknown_key_in_front_matter(make_project: MakeProject) -> None:
    text = section_text("intro", FILLER + "\n", title="Introduction").replace("status: draft", "state: draft")
    d = only(validate(make_project, {INTRO: text}), "COE002")
    assert where(d) == ("COE002", "error", INTRO, 6, 1)
    assert d.message == "state: unknown key"


def test_coe002_missing_key_in_front_matter(make_project: MakeProject) -> None:
    text = section_text("intro", FILLER + "\n", title="Introduction").replace("lead: rome\n", "")
    d = only(validate(make_project, {INTRO: text}), "COE002")
    assert where(d) == ("COE002", "error", INTRO, 2, 1)  # no line for a missing key: the front matter's start
    assert d.message == "lead: required key is missing"


def test_coe002_bad_status_value(make_project: MakeProject) -> None:
    text = section_text("intro", FILLER + "\n", title="Introduction", status="finished")
    d = only(validate(make_project, {INTRO: text}), "COE002")
    assert where(d) == ("COE002", "error", INTRO, 6, 1)
    assert d.message.startswith("status: ")


def test_coe002_a_title_or_name_of_blanks_alone(make_project: MakeProject) -> None:
    """A section's title, an organisation's name or the paper's title of spaces alone passed: a chapter heading
    with no words, a byline "Lead: ." They are COE002, at the value, as an empty one is."""
    blank = {INTRO: section_text("intro", FILLER + "\n", title="Introduction").replace("title: Introduction",
                                                                                     "title: '   '"),
             "contributors.yaml": CONTRIBUTORS_YAML.replace("name: Metropolitan City of Rome", "name: '  '"),
             CONFIG: PAPER_YAML.replace("title: Test Paper", "title: ' '")}
    found = [(d.code, d.path, d.line, d.message) for d in validate(make_project, blank) if d.code == "COE002"]
    assert sorted(found) == [
        ("COE002", "contributors.yaml", 3,
         "organisations (id 'rome').name: '  ' is not text with words (it is blanks alone)"),
        ("COE002", CONFIG, 1, "title: ' ' is not text with words (it is blanks alone)"),
        ("COE002", INTRO, 3, "title: '   ' is not text with words (it is blanks alone)")], found


def test_coe002_unknown_key_in_paper_yaml_outline(make_project: MakeProject) -> None:
    config = PAPER_YAML.replace("    max_words: 200", "    max_word: 200", 1)
    d = only(validate(make_project, {CONFIG: config}))
    assert where(d) == ("COE002", "error", CONFIG, 12, 5)
    assert d.message == "outline (id 'intro').max_word: unknown key"


def test_coe002_bad_country_in_contributors(make_project: MakeProject) -> None:
    members = CONTRIBUTORS_YAML.replace("country: DE", "country: GERMANY")
    d = only(validate(make_project, {"contributors.yaml": members}))
    assert where(d) == ("COE002", "error", "contributors.yaml", 20, 5)
    assert "unknown country code 'GERMANY'" in d.message


def test_coe002_front_matter_not_a_mapping(make_project: MakeProject) -> None:
    d = only(validate(make_project, {INTRO: "---\n- just\n- a list\n---\n\n" + FILLER + "\n"}), "COE002")
    assert where(d) == ("COE002", "error", INTRO, 2, 1)


def test_coe003_missing_contributors_file(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"contributors.yaml": None}))
    assert (d.code, d.severity, d.path) == ("COE003", "error", "contributors.yaml")


def test_coe003_not_utf8(make_project: MakeProject) -> None:
    raw = section_text("intro", "Caf\xe9 culture brings people together in every city of the Union.\n")
    d = only(validate(make_project, {INTRO: raw.encode("latin-1")}), "COE003")
    assert where(d) == ("COE003", "error", INTRO, 9, 4)  # the é of "Café", where the bytes stop being UTF-8


def test_coe004_control_character(make_project: MakeProject) -> None:
    body = f"## Why equal cities\n\nCities of\x0bEquality. {FILLER}\n"
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE004", "error", INTRO, 11, 10)
    assert "U+000B" in d.message


def test_coe004_a_reference_to_a_control_character(make_project: MakeProject) -> None:
    """`&#x1;` in the text is shown as U+FFFD by the parser, without a word: COE004 where it is written. In code it is
    shown as written, and a reference to a character Word holds (`&#8364;`) is that character: no finding."""
    body = f"## Why equal cities\n\nCities of `&#1;` &#8364; and&#x1;Equality. {FILLER}\n\n    &#2; in code\n"
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE004", "error", INTRO, 11, 29)
    assert "'&#x1;' stands for U+0001" in d.message
    fine = body.replace("&#x1;", " ")
    assert not [d for d in validate(make_project, intro(fine)) if d.code == "COE004"]


@pytest.mark.parametrize("where_written", ["Cities of `code\nsplit &#1; over` two lines.",
                                           "Cities at <https://example.org/&#1;> online.",
                                           'Cities <span title="&#1;">marked</span> so.'])
def test_coe004_no_reference_where_it_is_not_decoded(make_project: MakeProject, where_written: str) -> None:
    """A reference in a code span over two lines, in an autolink or in an HTML tag is shown as written (or not
    shown), never as U+FFFD: the lines were read one by one, and COE004 said the paper could not be assembled."""
    body = f"## Why equal cities\n\n{where_written} {FILLER}\n"
    assert not [d for d in validate(make_project, intro(body)) if d.code == "COE004"]


def test_coe004_a_reference_between_angle_brackets_that_are_no_tag(make_project: MakeProject) -> None:
    """Angle brackets that markdown-it reads as neither an HTML tag nor an autolink are text: a reference between
    them is decoded, and reported, as any other."""
    body = f"## Why equal cities\n\nCities <see note &#1;> and <a&#1;b@example.org>. {FILLER}\n"
    found = [d for d in validate(make_project, intro(body)) if d.code == "COE004"]
    assert [(d.line, d.column) for d in found] == [(11, 18), (11, 30)], found


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [("output", "../outside.docx", 5), ("template", "/etc/template.docx", 6), ("templates", "paper/../..", 7)],
)
def test_coe005_config_path_outside_project(make_project: MakeProject, key: str, value: str, line: int) -> None:
    default = {"output": "build/test-paper.docx", "template": "paper/template.docx", "templates": "paper/templates"}
    config = PAPER_YAML.replace(f"{key}: {default[key]}", f"{key}: {value}")
    d = only(validate(make_project, {CONFIG: config}))
    assert where(d) == ("COE005", "error", CONFIG, line, 1)
    assert d.message.startswith(f"{key}: ")


def test_coe006_output_cannot_be_written(make_project: MakeProject) -> None:
    root = make_project()
    (root / "build" / "test-paper.docx").mkdir(parents=True)  # a directory where the file should go
    result = pipeline.assemble(root)
    assert result.output is None
    d = only_error(result.diagnostics)
    assert (d.code, d.severity, d.path) == ("COE006", "error", str(root / "build" / "test-paper.docx"))
    assert sorted(p.name for p in (root / "build").iterdir()) == ["test-paper.docx"]  # no temporary file left


# -- COE1xx: the outline ---------------------------------------------------------------------------------------


def test_coe101_section_without_front_matter(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"sections/04-loose.md": "## A heading\n\n" + FILLER + "\n"}))
    assert where(d) == ("COE101", "error", "sections/04-loose.md", 1, 1)


def test_coe101_front_matter_never_closed_says_so(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"sections/04-open.md": "---\nid: open\ntitle: Open\n\n" + FILLER + "\n"}))
    assert where(d) == ("COE101", "error", "sections/04-open.md", 1, 1)
    assert d.message == "the front matter opened on line 1 is never closed"
    assert "---" in d.hint and "no front matter" not in d.message


def test_coe102_duplicate_section_id(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"sections/04-copy.md": section_text("intro", FILLER + "\n")}))
    assert where(d) == ("COE102", "error", "sections/04-copy.md", 2, 1)
    assert INTRO in d.message


def test_coe103_section_not_in_outline(make_project: MakeProject) -> None:
    extra = section_text("housingg", FILLER + "\n", title="Extra housing")  # a title 'Housingg' is a COE721 too
    d = only(validate(make_project, {"sections/04-extra.md": extra}))
    assert where(d) == ("COE103", "error", "sections/04-extra.md", 2, 1)
    assert d.hint == "did you mean 'housing'?"


def test_coe104_optional_section_missing_is_a_warning(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"sections/03-outlook.md": None}))
    assert where(d) == ("COE104", "warning", CONFIG, 17, 5)  # `- id: outlook`, the third outline entry
    assert "'outlook'" in d.message


def test_coe105_required_section_missing_is_an_error(make_project: MakeProject) -> None:
    d = only(validate(make_project, {INTRO: None}))
    assert where(d) == ("COE105", "error", CONFIG, 9, 5)  # `- id: intro`, the first outline entry
    assert "'intro'" in d.message


# -- COE2xx: contributors --------------------------------------------------------------------------------------


def test_coe201_unknown_contributor_with_did_you_mean(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(FILLER + "\n", contributors="[anct, leipzg]")))
    # line 5 is `contributors: [anct, leipzg]`; 'leipzg' starts at column 22.
    assert where(d) == ("COE201", "error", INTRO, 5, 22)
    assert d.message == "unknown contributor 'leipzg' (did you mean 'leipzig'?)"
    assert d.as_text() == f"{INTRO}:5:22: error COE201 unknown contributor 'leipzg' (did you mean 'leipzig'?)"


def test_coe201_unknown_lead_without_near_match(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(FILLER + "\n", lead="zzz")))
    assert where(d) == ("COE201", "error", INTRO, 4, 7)
    assert d.message == "unknown contributor 'zzz'"
    assert "contributors.yaml" in d.hint


def test_coe202_duplicate_organisation_id(make_project: MakeProject) -> None:
    members = CONTRIBUTORS_YAML + "  - id: anct\n    name: A second ANCT\n    kind: other\n    country: FR\n"
    d = only(validate(make_project, {"contributors.yaml": members}))
    assert where(d) == ("COE202", "error", "contributors.yaml", 27, 5)
    assert "'anct'" in d.message


def test_coe202_an_email_domain_or_person_listed_under_two_organisations(make_project: MakeProject) -> None:
    """An e-mail (or domain, or Word author name) under two organisations credited whichever came first in
    contributors.yaml, whose order means nothing, and validate said nothing: moving an organisation up moved the
    credit. Each repeat is now an error at the second listing, naming both organisations."""
    members = (CONTRIBUTORS_YAML.replace("    country: DE\n", "    country: DE\n    emails: [Rome@Example.org]\n"
                                         "    domains: ['@anct.example.org']\n    people: [{name: ana rossí}]\n")
               .replace("role: observer\n", "role: observer\n    people: [{name: Ana Rossi}]\n"))
    found = [d for d in validate(make_project, {"contributors.yaml": members}) if d.code == "COE202"]
    assert [(d.severity, d.line, d.column, d.message) for d in found] == [
        ("error", 21, 14, "e-mail 'Rome@Example.org' is listed under both 'rome' and 'leipzig'"),
        ("error", 22, 15, "domain '@anct.example.org' is listed under both 'anct' and 'leipzig'"),
        ("error", 30, 15, "person 'Ana Rossi' is listed under both 'leipzig' and 'dg-regio'"),
    ]


# -- COE3xx: word limits ---------------------------------------------------------------------------------------


def test_coe301_over_word_limit(make_project: MakeProject) -> None:
    body = "## Words\n\n" + sentences(210) + "\n"  # 1 heading word + 210 = 211 > 200
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE301", "error", INTRO, 8, 1)
    assert d.message == "211 words, over the limit of 200 by 11"


def test_word_limit_exactly_at_maximum_is_fine(make_project: MakeProject) -> None:
    assert validate(make_project, intro("## Words\n\n" + sentences(199) + "\n")) == []


def test_coe302_under_minimum(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro("## Short\n\nToo few words here.\n")))
    assert where(d) == ("COE302", "warning", INTRO, 8, 1)
    assert d.message == "5 words, under the minimum of 10"
    d = only(validate(make_project, intro("## Short\n\nOne.\n")))  # the heading's word and this one
    assert d.message == "2 words, under the minimum of 10"
    d = only(validate(make_project, intro("Alone.\n")))
    assert d.message == "1 word, under the minimum of 10"  # not "1 words"


def test_code_blocks_do_not_count_as_words(make_project: MakeProject) -> None:
    body = "## Short\n\nToo few words here.\n\n```\n" + "code " * 300 + "\n```\n"
    assert [d.code for d in validate(make_project, intro(body))] == ["COE302"]


# -- COE4xx: headings ------------------------------------------------------------------------------------------


def test_coe401_heading_skips_a_level(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"## Top\n\n#### Deep\n\n{FILLER}\n")))
    assert where(d) == ("COE401", "error", INTRO, 11, 1)
    assert d.message == "heading level 4 follows level 2, skipping level 3"
    assert d.hint == "use ### here"


def test_a_heading_in_a_quote_list_item_or_footnote_is_no_heading_of_the_paper(make_project: MakeProject) -> None:
    """Such a heading is bold text where it stands (README): its level skipped none (COE401, an error that stopped
    the build) and started no chapter (COE402), and a link to it found no bookmark in Word, yet passed (COE601)."""
    body = (f"## Top\n\n> #### Quoted\n\n> # Quoted title\n\n- ##### In an item\n\n{FILLER}[^note]\n\n"
            "[^note]: A note.\n\n    # In a note\n\n    More of it.\n\nSee [the quote](#quoted).\n")
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE601", "error", INTRO, 25, 17), d


def test_coe402_level_one_heading(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"{FILLER}\n\n# Big heading\n\n## Smaller\n")))
    assert where(d) == ("COE402", "warning", INTRO, 11, 1)
    assert "starts a chapter of its own" in d.hint  # and moves every later chapter's number


def test_coe410_a_heading_number_typed_by_hand(make_project: MakeProject) -> None:
    """Word numbers the paper's headings: one typed as '## 2.1 Homes' showed '1.1 2.1 Homes' in the document and
    its contents, without a word. Words that start with a figure, a heading Word does not number (####), one in a
    quote and a paper without numbering are left alone."""
    body = (f"## 2.1 Homes\n\n{FILLER}\n\n### 2.1.1. Data\n\n{FILLER}\n\n## 1. Funding\n\n{FILLER}\n\n"
            f"## 2030 targets\n\n### 5 steps to equality\n\n#### 2.1 Deeper\n\n> ## 3.1 Quoted\n\n{FILLER}\n")
    found = [d for d in validate(make_project, intro(body)) if d.code == "COE410"]
    assert [where(d) for d in found] == [("COE410", "warning", INTRO, 9, 4), ("COE410", "warning", INTRO, 13, 5),
                                         ("COE410", "warning", INTRO, 17, 4)]
    assert "'2.1'" in found[0].message and "two numbers" in found[0].message and "'2.1.1.'" in found[1].message
    unnumbered = {CONFIG: PAPER_YAML + "numbering: false\n"}
    assert not [d for d in validate(make_project, {**intro(body), **unnumbered}) if d.code == "COE410"]


def test_coe411_a_title_holding_markdown_formatting(make_project: MakeProject, tmp_path: Path) -> None:
    """A section's title is plain text: `Housing for *all*` showed its asterisks in the heading (read back by
    pandoc), the contents and the annex, and validate said nothing. Underscores inside a word, a `<` and a bare web
    address are no formatting; a title without any is left alone."""
    titles = {INTRO: "Housing for *all* and `code`", HOUSING: "Data_sets for ages < 25 on https://europa.eu",
              "sections/03-outlook.md": "Outlook [ahead](https://europa.eu)"}
    files: dict[str, str | bytes | None] = {
        INTRO: section_text("intro", INTRO_BODY, title=f'"{titles[INTRO]}"'),
        HOUSING: section_text("housing", HOUSING_BODY, title=f'"{titles[HOUSING]}"', lead="anct"),
        "sections/03-outlook.md": section_text("outlook", "## Next\n\n" + FILLER + "\n", title=titles[
            "sections/03-outlook.md"], lead="leipzig", contributors="[]")}
    root = make_project(files)
    found = [d for d in pipeline.load(root).diagnostics if d.code == "COE411"]
    assert [where(d) for d in found] == [("COE411", "warning", INTRO, 3, 8),
                                         ("COE411", "warning", "sections/03-outlook.md", 3, 8)]
    assert "(italic, code)" in found[0].message and found[0].hint == "write it as plain text: title: Housing for all " \
        "and code"
    assert "(a link)" in found[1].message
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None
    text = subprocess.run([require_client("pandoc"), "-t", "plain", str(built.output)], capture_output=True,
                          text=True, check=True).stdout
    assert "Housing for *all* and `code`" in text  # what the warning is about: the marks as typed



def test_coe106_markdown_file_not_read_as_a_section(make_project: MakeProject) -> None:
    """A section saved as '.MD' or '.markdown' was left out of the paper without a word."""
    found = validate(make_project, {"sections/04-annex.MD": "text", "sections/05-more.markdown": "text",
                                    "sections/map.png": b"\x89PNG"})
    assert [(d.code, d.path) for d in found if d.code == "COE106"] == [
        ("COE106", "sections/04-annex.MD"), ("COE106", "sections/05-more.markdown")]
    assert "rename it to sections/04-annex.md" in next(d.hint for d in found if d.code == "COE106")
    nested = validate(make_project, {"sections/drafts/04-annex.md": "text", "sections/images/map.png": b"\x89PNG"})
    assert [(d.code, d.path) for d in nested if d.code == "COE106"] == [("COE106", "sections/drafts/04-annex.md")]
    assert "move it to sections/04-annex.md" in next(d.hint for d in nested if d.code == "COE106")


def test_coe107_a_section_file_name_windows_cannot_hold(make_project: MakeProject) -> None:
    """`aux.md`, `lpt1.notes.md`, `03-out:look.md`: git for Windows refuses to check such a file out, and a member
    there cannot clone the paper; they passed. A backslash in a name was read as a folder's separator: the file
    was said not to exist ("No such file or directory"). Spaces, accents and a leading '-' are no trouble."""
    outlook = section_text("outlook", "## Next steps\n\nThe partnership meets in Rome.\n", title="Outlook")
    bad = {"sections/aux.md": "Device", "sections/lpt1.notes.md": "Device", "sections/03-out:look.md": "':'",
           "sections/03-out\\look.md": "'\\'", "sections/map.png ": "space or full stop",
           "sections/n\tb.md": "U+0009"}
    found = validate(make_project, {"sections/03-outlook.md": None, **{name: outlook for name in bad}})
    named = {d.path: d.message for d in found if d.code == "COE107"}
    assert set(named) == set(bad), found
    for name, why in bad.items():
        assert named[name].startswith("a checkout on Windows cannot hold this file: ") and why.lower() in \
            named[name].lower(), named[name]
    assert all(d.severity == "error" for d in found if d.code == "COE107")
    assert not [d for d in found if d.code == "COE003"], found  # the backslash's file is not looked for elsewhere
    fine = ["sections/03 out look.md", "sections/03-outl\u00f6ok.md", "sections/-03-outlook.md", "sections/console.md"]
    found = validate(make_project, {"sections/03-outlook.md": None, **{name: outlook for name in fine}})
    assert not [d for d in found if d.code in ("COE107", "COE003")], found


def test_a_file_name_with_a_line_break_keeps_its_diagnostic_on_one_line(make_project: MakeProject) -> None:
    """A file named with a line break split its diagnostic in two: the second line, starting with the rest of the
    name, read as a diagnostic of its own to a tool that reads them line by line."""
    root = make_project({"sections/03-out\nlook.md": "text", "sections/04-a\tb.md": "text"})
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "COE107" in line]
    assert [line.split(": error ")[0] for line in lines] == ["sections/03-out\\nlook.md", "sections/04-a\\tb.md"]
    assert "sections/03-out\nlook.md" not in result.stderr


@pytest.mark.parametrize("wrong", ["../intro", "a/b", "Intro"])
def test_a_section_whose_id_is_wrong_is_not_also_a_missing_section(make_project: MakeProject, wrong: str) -> None:
    """01-intro.md giving the id '../intro': its file is there, its id is wrong (COE002); it was also reported as
    the required section 'intro' having no file (COE105), the id its front matter gives being the only one looked
    at. Its name gives the id too."""
    found = validate(make_project, {INTRO: section_text(wrong, FILLER, title="Introduction")})
    assert [(d.code, d.path, d.line) for d in found if d.severity == "error"] == [("COE002", INTRO, 2)], found


def test_a_bidirectional_control_in_a_file_name_is_shown_as_an_escape(make_project: MakeProject) -> None:
    """A file named with a right-to-left override printed it as it is: the terminal showed the rest of the line (the
    code, the message) reversed."""
    root = make_project({"sections/03-outlook\u202e.md": "text"})
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert result.exit_code == 1
    assert "sections/03-outlook\\u202e.md:1:1: error COE101 section has no front matter" in result.stderr
    assert "\u202e" not in result.stderr


def test_coe604_footnote_no_text_refers_to(make_project: MakeProject) -> None:
    """The parser leaves out a footnote nothing refers to: its words were missing from the document unsaid."""
    body = f"## Notes\n\n{FILLER} A claim.[^used]\n\n[^used]: Its source.\n[^orphan]: Words no text refers to.\n"
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE604", "warning", INTRO, 14, 1) and "[^orphan]" in d.message
    fenced = f"## Notes\n\n{FILLER} A claim.[^used]\n\n[^used]: Its source.\n\n```\n[^code]: an example\n```\n"
    assert validate(make_project, intro(fenced)) == []


def test_coe604_footnote_referred_to_only_from_alt_text(make_project: MakeProject, tmp_path: Path) -> None:
    """A reference in a picture's alt text is no footnote in Word: the picture's description is the alt text's
    plain words, and the note's words are nowhere in the document (pandoc reads the .docx back). COE604 said the
    note was never referred to; it says where the reference is and that it cannot hold it."""
    picture = '![A map of the partner cities[^src]](../paper/images/dot.png "Partner cities")'
    body = f"## Notes\n\n{FILLER}\n\n{picture}\n\n[^src]: Eurostat regional statistics.\n"
    root = make_project(intro(body))
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE604", "warning", INTRO, 15, 1), d
    assert "[^src] is referred to only from a picture's alt text" in d.message and "never" not in d.message, d
    assert "beside the picture" in d.hint
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None
    text = subprocess.run(["pandoc", "-t", "plain", str(built.output)], capture_output=True, text=True,
                          check=True).stdout
    assert "Eurostat" not in text and "A map of the partner" in " ".join(text.split())
    beside = body.replace(f"{picture}\n", f"{picture}\n\nThe map shows the partners.[^src]\n")
    assert validate(make_project, intro(beside)) == []


def test_coe408_html_comment_left_open_until_another(make_project: MakeProject) -> None:
    """A comment left open ends at the next comment's `-->`: the paragraphs between were hidden from the document
    unsaid. A comment closed where meant, across paragraphs too, is no finding."""
    body = f"## Plans\n\n{FILLER}\n\n<!-- to check\n\n{FILLER}\n\nMore words. <!-- a note -->\n"
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE408", "warning", INTRO, 13, 1), d
    assert "another '<!--' on line 17: it ends at that one's '-->' on line 17" in d.message, d
    inline = f"## Plans\n\n{FILLER} Also <!-- to check these\nwords <!-- a note --> too.\n"
    assert where(only(validate(make_project, intro(inline)))) == ("COE408", "warning", INTRO, 11, len(FILLER) + 7)
    closed = f"## Plans\n\n<!-- set aside\n\nOld words.\n-->\n\n{FILLER} <!-- a note -->\n\n<!-- one --> <!-- two -->\n"
    assert validate(make_project, intro(closed)) == []


def test_coe409_picture_in_a_table_caption(make_project: MakeProject) -> None:
    """A caption is plain text: a picture in a `Table:` line was left out of the document, its title with it."""
    table = "| City | Homes |\n|---|---|\n| Rome | 12 |\n"
    body = f'## Homes\n\n{FILLER}\n\nTable: Homes ![a house](../paper/images/dot.png "Built in 2024")\n\n{table}'
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE409", "warning", INTRO, 13, 25) and "its title 'Built in 2024' are left out" in d.message
    after = f"## Homes\n\n{FILLER}\n\n{table}\nTable: Homes ![a house](../paper/images/dot.png)\n"
    d = only(validate(make_project, intro(after)))
    assert where(d) == ("COE409", "warning", INTRO, 17, 25) and "the picture is left out" in d.message, d
    text = f'## Homes\n\n{FILLER} Homes ![a house](../paper/images/dot.png "Built in 2024") here.\n\n{table}'
    assert validate(make_project, intro(text)) == []


def test_coe606_footnote_defined_twice(make_project: MakeProject) -> None:
    """The parser keeps a label's last definition: the words of an earlier one were missing from the document
    unsaid. A label nothing refers to is COE604 at each definition, not COE606 as well."""
    body = f"## Notes\n\n{FILLER} A claim.[^src]\n\n  [^src]: The first source.\n\n[^src]: The second source.\n"
    d = only(validate(make_project, intro(body)))
    assert where(d) == ("COE606", "warning", INTRO, 13, 3) and "defined again on line 15" in d.message, d
    orphans = f"## Notes\n\n{FILLER}\n\n[^x]: One.\n[^x]: Two.\n"
    assert [where(d) for d in validate(make_project, intro(orphans))] == [
        ("COE604", "warning", INTRO, 13, 1), ("COE604", "warning", INTRO, 14, 1)]
    fenced = f"## Notes\n\n{FILLER} A claim.[^src]\n\n```\n[^src]: an example\n```\n\n[^src]: The source.\n"
    assert validate(make_project, intro(fenced)) == []


def test_coe607_link_definition_no_link_uses(make_project: MakeProject) -> None:
    """The parser shows a link definition nowhere but in the links using it: a line a member meant as text that
    reads as one (`[Note]: pending`), a definition no link uses and a label's second definition (links use the
    first) were missing from the document unsaid."""
    body = (f"## Sources\n\n{FILLER} See [the survey][survey].\n\n[Note]: pending\n\n"
            "[survey]: https://example.org/a\n- [Survey]: https://example.org/b \"Second\"\n")
    found = validate(make_project, intro(body))
    assert [where(d) for d in found] == [("COE607", "warning", INTRO, 13, 1), ("COE607", "warning", INTRO, 16, 3)]
    assert "'[Note]: pending' reads as a link definition that is used by no link" in found[0].message
    assert "'[Survey]: https://example.org/b \"Second\"'" in found[1].message and "of line 15" in found[1].message
    used = f"## Sources\n\n{FILLER} See [the survey][survey] and [Note].\n\n[survey]: https://example.org/a\n" \
        "[note]: https://example.org/n\n\n```\n[code]: https://example.org/c\n```\n"
    assert validate(make_project, intro(used)) == []


def test_coe607_a_footnote_label_with_a_blank_is_a_link_definition(make_project: MakeProject) -> None:
    """`[^x y]` is no footnote (a footnote's label has no blank): the parser made the reference a link to the
    definition's first word, a relative file (COE603 alone), and the definition's words were missing unsaid."""
    body = f"## Sources\n\n{FILLER} A claim.[^x y]\n\n[^x y]: Eurostat\n"
    found = [d for d in validate(make_project, intro(body)) if d.code == "COE607"]
    assert [where(d) for d in found] == [("COE607", "warning", INTRO, 13, 1)], found
    assert "'[^x y]: Eurostat' is a link definition, not a footnote" in found[0].message
    assert "[^a-b]" in found[0].hint
    fine = f"## Sources\n\n{FILLER} A claim.[^x-y]\n\n[^x-y]: Eurostat.\n"
    assert validate(make_project, intro(fine)) == []


def test_coe406_an_html_comment_never_closed_says_so(make_project: MakeProject) -> None:
    """An HTML comment opened and never closed shows itself and the rest of its block as text: COE406 called it
    'raw HTML', which sent a member looking for a tag; it says the comment is not closed."""
    d = only(validate(make_project, intro(f"## Notes\n\n{FILLER}\n\n<!-- to check with Lyon\nmore words\n")))
    assert where(d) == ("COE406", "warning", INTRO, 13, 1), d
    assert "an HTML comment that is never closed ('<!-- to check with Lyon more words')" in d.message
    assert d.hint == "close it with -->"


def test_coe407_words_in_cells_past_the_header_are_reported(make_project: MakeProject) -> None:
    """The parser makes a row as wide as its table's header: the words of cells past it were missing from the
    document unsaid (the header's row and the line under it set the columns)."""
    table = "| City | Homes |\n|---|---|\n| Rome | 12 | lost words |\n| Lyon | 7 |\n"
    d = only(validate(make_project, intro(f"## Homes\n\n{FILLER}\n\n{table}")))
    assert where(d) == ("COE407", "warning", INTRO, 15, 15) and "'lost words'" in d.message, d
    quoted = "> City | Homes\n> ---|---\n> Rome | 12 | more \\| words\n"
    d = only(validate(make_project, intro(f"## Homes\n\n{FILLER}\n\n{quoted}")))
    assert where(d) == ("COE407", "warning", INTRO, 15, 15) and "'more | words'" in d.message, d
    fits = "| City | Homes |\n|---|---|\n| Rome | 12 \\| 14 |\n| Lyon | 7 | |\n| Turin |\n"
    assert validate(make_project, intro(f"## Homes\n\n{FILLER}\n\n{fits}")) == []


# -- COE5xx: images --------------------------------------------------------------------------------------------


def housing_with(line: str) -> dict[str, str | bytes | None]:
    """The housing section with its image line (file line 13) replaced; an image gets a caption unless it has one
    (a figure without a caption is COE506, tested on its own)."""
    if line.startswith("![") and line.endswith(")") and '"' not in line:
        line = line[:-1] + ' "Caption")'
    image = '![A grey square standing in for a chart](../paper/images/dot.png "A grey square standing in for a chart")'
    body = HOUSING_BODY.replace(image, line)
    return {HOUSING: section_text("housing", body, lead="anct", contributors="[rome, dg-regio]")}


def test_valid_image_is_accepted(make_project: MakeProject) -> None:
    assert validate(make_project, housing_with("![Chart](../paper/images/dot.png)")) == []


def test_coe501_image_missing(make_project: MakeProject) -> None:
    d = only(validate(make_project, housing_with("![Chart](../paper/images/missing.png)")))
    assert where(d) == ("COE501", "error", HOUSING, 13, 10)
    assert "paper/images/missing.png" in d.message
    assert d.hint == ""  # no file of that name anywhere


def test_coe501_a_path_written_from_the_projects_folder_is_given_from_the_sections(make_project: MakeProject) -> None:
    d = only(validate(make_project, housing_with("![Chart](paper/images/dot.png)")))
    assert where(d) == ("COE501", "error", HOUSING, 13, 10)
    assert d.hint == "a picture's path starts from the section's folder: (../paper/images/dot.png)"


def test_coe502_image_without_alt_text(make_project: MakeProject) -> None:
    d = only(validate(make_project, housing_with("![](../paper/images/dot.png)")))
    assert where(d) == ("COE502", "error", HOUSING, 13, 5)


@pytest.mark.parametrize("src", ["../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "https://example.org/a.png"])
def test_coe503_image_outside_project(make_project: MakeProject, src: str) -> None:
    d = only(validate(make_project, housing_with(f"![Secrets]({src})")))
    assert where(d) == ("COE503", "error", HOUSING, 13, 12)


def test_coe504_image_type_word_cannot_show(make_project: MakeProject) -> None:
    files = housing_with("![Chart](../paper/images/chart.svg)")
    files["paper/images/chart.svg"] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    d = only(validate(make_project, files))
    assert where(d) == ("COE504", "error", HOUSING, 13, 10)


def test_coe505_damaged_image(make_project: MakeProject) -> None:
    files = housing_with("![Chart](../paper/images/chart.png)")
    files["paper/images/chart.png"] = b"\x89PNG\r\n\x1a\n but the rest was lost"
    d = only(validate(make_project, files))
    assert where(d) == ("COE505", "error", HOUSING, 13, 10)


# -- COE6xx: links ---------------------------------------------------------------------------------------------


def test_links_to_section_ids_and_heading_slugs_are_valid(make_project: MakeProject) -> None:
    body = f"## Links\n\n{FILLER} See [housing](#housing), [outlook](#outlook) and [steps](#next-steps).\n"
    assert validate(make_project, intro(body)) == []


def test_coe601_broken_internal_link(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER}\n\nSee [missing](#nope) here.\n")))
    assert where(d) == ("COE601", "error", INTRO, 13, 15)
    assert d.message == "link to '#nope' matches no section or heading"


def test_coe601_a_link_to_no_caption_says_where_a_captions_id_is_set(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER}\n\nSee [the table](#tbl-zzzz) here.\n")))
    assert where(d) == ("COE601", "error", INTRO, 13, 17)
    assert d.hint == "a figure's or table's id is set in its caption, e.g. 'Table: Budget {#tbl-budget}'"


def test_coe601_a_link_written_twice_on_a_line_is_found_at_each_place(make_project: MakeProject) -> None:
    """Each of two links (or pictures) alike on one line is reported where it is: both were at the first."""
    line = "See [a](#nope) and [a](#nope) and ![x](gone.png) ![x](gone.png)."
    found = validate(make_project, intro(f"## Links\n\n{FILLER}\n\n{line}\n"))
    links = [i + 3 for i in range(len(line)) if line.startswith("](#nope", i)]  # 1-based, at the '#'
    pictures = [i + 1 for i in range(len(line)) if line.startswith("gone.png", i)]
    assert len(links) == len(pictures) == 2
    assert sorted((d.code, d.line, d.column) for d in found if d.code in ("COE601", "COE501")) == [
        ("COE501", 13, pictures[0]), ("COE501", 13, pictures[1]), ("COE601", 13, links[0]), ("COE601", 13, links[1])]


def test_coe601_suggests_the_nearest_anchor(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER} See [it](#housng).\n")))
    assert d.code == "COE601"
    assert d.hint == "did you mean '#housing'?"


@pytest.mark.parametrize(
    ("link", "scheme", "column"),
    [
        ("[x](javascript:alert(1))", "javascript", 5),
        ("[x](JaVaScRiPt:alert(1))", "javascript", 5),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data", 5),
        ("[x](DATA:text/html,hi)", "data", 5),
        ("[x](vbscript:msgbox)", "vbscript", 5),
        ("[x](file:///etc/passwd)", "file", 5),
    ],
)
def test_coe602_unsafe_link_scheme(make_project: MakeProject, link: str, scheme: str, column: int) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER}\n\n{link}\n")))
    assert where(d) == ("COE602", "error", INTRO, 13, column)
    assert d.message == f"link with unsafe scheme '{scheme}:'"


@pytest.mark.parametrize(
    "link", ["[x](javascript&#58;alert(1))", "[x](<\tjavascript:alert(1)>)", "[x]( javascript:alert(1) )"]
)
def test_coe602_disguised_scheme_is_still_caught(make_project: MakeProject, link: str) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER}\n\n{link}\n")))
    assert (d.code, d.severity, d.path, d.line) == ("COE602", "error", INTRO, 13)
    assert d.message == "link with unsafe scheme 'javascript:'"


@pytest.mark.parametrize("link", ["[a](https://example.org)", "[a](http://example.org)", "[a](mailto:x@example.org)"])
def test_safe_schemes_pass(make_project: MakeProject, link: str) -> None:
    assert validate(make_project, intro(f"## Links\n\n{FILLER} {link}\n")) == []


def test_coe603_relative_file_link(make_project: MakeProject) -> None:
    d = only(validate(make_project, intro(f"## Links\n\n{FILLER}\n\nRead [the survey](survey.pdf).\n")))
    assert where(d) == ("COE603", "warning", INTRO, 13, 19)


# -- COE8xx: the paper's templates -----------------------------------------------------------------------------


def test_coe801_template_syntax_error(make_project: MakeProject) -> None:
    root = make_project({"paper/templates/byline.md.j2": "{.Byline}\nLead: {{ section.lead.name }\n"})
    result = pipeline.assemble(root)
    assert result.output is None
    d = only_error(result.diagnostics)
    assert (d.code, d.severity, d.path, d.line) == ("COE801", "error", "paper/templates/byline.md.j2", 2)
    assert not (root / "build").exists()


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "cycler.__init__.__globals__.os.system('touch pwned')",
        "section.__class__.__init__.__globals__",
        "lipsum.__globals__['os'].system('touch pwned')",
    ],
)
def test_coe801_sandbox_escape_is_refused(make_project: MakeProject, expression: str) -> None:
    root = make_project()
    expression = expression.replace("touch pwned", f"touch {root / 'pwned'}")
    (root / "paper/templates").mkdir(parents=True, exist_ok=True)
    (root / "paper/templates/byline.md.j2").write_text(f"{{.Byline}}\nLead: {{{{ {expression} }}}}\n")
    result = pipeline.assemble(root)
    assert result.output is None
    d = only_error(result.diagnostics)
    assert (d.code, d.severity, d.path, d.line) == ("COE801", "error", "paper/templates/byline.md.j2", 2)
    assert not (root / "pwned").exists()
    assert not (root / "build").exists()


def test_validate_reports_template_errors_once_without_writing(make_project: MakeProject) -> None:
    root = make_project({"paper/templates/byline.md.j2": "{.Byline}\nLead: {{ section.lead.nickname }}\n"})
    found = [d for d in pipeline.check(root).diagnostics if d.severity == "error"]
    assert [(d.code, d.path, d.line) for d in found] == [("COE801", "paper/templates/byline.md.j2", 2)]
    assert "nickname" in found[0].message
    assert not (root / "build").exists()


def test_template_that_is_not_utf8_is_coe003(make_project: MakeProject) -> None:
    root = make_project({"paper/templates/annex.md.j2": b"# Annex\n\nCr\xe9dits\n"})
    result = pipeline.assemble(root)
    assert result.output is None
    d = only_error(result.diagnostics)
    assert (d.code, d.severity, d.path, d.line) == ("COE003", "error", "paper/templates/annex.md.j2", 3)
    assert not (root / "build").exists()


def test_coe802_template_docx_missing(make_project: MakeProject) -> None:
    d = only(validate(make_project, {"paper/template.docx": None}))
    assert where(d) == ("COE802", "error", CONFIG, 6, 1)


def test_coe802_template_docx_unreadable(make_project: MakeProject) -> None:
    root = make_project({"paper/template.docx": b"this is not a zip file"})
    result = pipeline.assemble(root)
    assert result.output is None
    d = only_error(result.diagnostics)
    assert (d.code, d.severity, d.path) == ("COE802", "error", "paper/template.docx")
    assert not (root / "build").exists()


def test_a_picture_a_template_shows_that_is_missing_is_coe501(make_project: MakeProject) -> None:
    """A picture in a template's output (a logo in the annex) that is not there would print as "[alt text]" in the
    document: validate says so, at the template, once however often it renders."""
    byline = "{.Byline}\nLead: {{ section.lead.name }} ![Seal](paper/images/seal.png)\n"
    root = make_project({"paper/templates/annex.md.j2": "# Annex\n\n![Partnership logo](paper/images/logo.png)\n"
                                                        "![A dot](paper/images/dot.png)\n",
                         "paper/templates/byline.md.j2": byline})
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE501"]
    assert [(d.path, d.severity) for d in found] == [("paper/templates/annex.md.j2", "error"),
                                                     ("paper/templates/byline.md.j2", "error")]
    assert "paper/images/logo.png" in found[0].message and "paper/images/seal.png" in found[1].message
    assert pipeline.assemble(root).output is None
    root = make_project({"paper/templates/annex.md.j2": "# Annex\n\n![Host](../etc/hosts) ![Remote](https://example.org/a.png)"
                                                        "\n"})
    assert [d.code for d in pipeline.check(root).diagnostics if d.code.startswith("COE50")] == ["COE503", "COE503"]


def test_template_pictures_are_found_again_without_parsing_and_still_checked(make_project: MakeProject,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding the pictures in the templates' output parsed it as Markdown on every validate, which imported the
    parser into a run whose sections all came from the cache (15 ms of a 150 ms validate). The pictures an output
    names are kept; whether each is there is asked every time."""
    from coe_paper import markdown

    root = make_project({"paper/templates/annex.md.j2": "# Annex\n\n![Logo](paper/images/logo.png)\n",
                         "paper/images/logo.png": b"\x89PNG"}, git=True)
    assert not [d for d in pipeline.check(root).diagnostics if d.code == "COE501"]

    def no_parsing() -> None:
        raise AssertionError("parsed the template's output again")

    monkeypatch.setattr(markdown, "template_parser", no_parsing)
    assert not [d for d in pipeline.check(root).diagnostics if d.code == "COE501"]
    (root / "paper/images/logo.png").unlink()
    assert [d.code for d in pipeline.check(root).diagnostics if d.code == "COE501"] == ["COE501"]


def test_a_warm_build_finds_template_pictures_without_parsing(make_project: MakeProject, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`assemble` asked the same of the templates' output as validate, but without what validate keeps: every build
    parsed the title page's Markdown for its logos, importing the parser into a build whose sections all came from
    the cache. A picture gone since is still found missing."""
    from coe_paper import markdown

    root = make_project({"paper/templates/annex.md.j2": "# Annex\n\n![Logo](paper/images/logo.png)\n",
                         "paper/images/logo.png": tiny_png()}, git=True)
    first = pipeline.assemble(root, tmp_path / "first.docx")
    assert first.output is not None, first.diagnostics

    def no_parsing() -> None:
        raise AssertionError("parsed the template's output again")

    monkeypatch.setattr(markdown, "template_parser", no_parsing)
    again = pipeline.assemble(root, tmp_path / "again.docx")
    assert again.output is not None, again.diagnostics
    assert (tmp_path / "first.docx").read_bytes() == (tmp_path / "again.docx").read_bytes()
    (root / "paper/images/logo.png").unlink()
    gone = pipeline.assemble(root, tmp_path / "gone.docx")
    assert gone.output is None and [d.code for d in gone.diagnostics if d.code == "COE501"] == ["COE501"]
