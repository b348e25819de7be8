"""`coe-paper preview` and `serve`: the static site's content and safety, headless Chromium on the built page
(headings, status table, images, landmarks, no console error), and a saved edit reaching an open page."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chromium import Browser
from coe_paper import site
from coe_paper.a11y import contrast
from coe_paper.cli import app
from coe_paper.serve import PreviewServer
from conftest import (
    CONTRIBUTORS_YAML,
    PAPER_YAML,
    REPO_ROOT,
    MakeProject,
    bomb_png,
    cli,
    git_commit,
    real_jpeg,
    require_client,
    section_text,
    tiny_png,
)

SHOTS = Path(os.environ.get("COE_SCREENSHOTS", "")) if os.environ.get("COE_SCREENSHOTS") else None
#: How long a test waits for the server (an answer, a reload event, a rebuild) before taking it for hung: a rebuild
#: on a loaded two-core machine takes seconds, and a wait ends as soon as what it waits for comes.
PATIENCE = 60


def page_of(root: Path, output: Path) -> str:
    """The preview page `site.build` writes for the project at `root` (it must write one)."""
    built = site.build(root, output)
    assert built.page is not None, [str(d) for d in built.diagnostics]
    return built.page.read_text(encoding="utf-8")


def test_site_is_self_contained_and_escapes_what_sections_hold(make_project: MakeProject, tmp_path: Path) -> None:
    hostile = ("## Tricks\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) and "
               "![remote](https://tracker.example/pixel.png)\n\nA note[^1].\n\n[^1]: The intro has none.\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", hostile, title="Outlook <b>")}, git=True)
    built = site.build(root, tmp_path / "site")
    assert built.page is not None and built.sections == 3
    page = built.page.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "Outlook &lt;b&gt;" in page
    assert not re.search(r'(src|href)="(https?:)?//[^"]*"', page.split("<footer")[0].replace(
        'href="https://example.org/survey"', ""))  # the only remote URL is a link a reader may follow
    assert "tracker.example" not in re.sub(r">[^<]*<", "><", page)  # never requested: shown as alt text
    assert (tmp_path / "site" / "images").is_dir() and len(list((tmp_path / "site/images").iterdir())) == 1
    assert 'id="fn-outlook-1"' in page and 'id="the-data-we-need"' in page and 'href="#housing"' in page
    assert "Word document" not in page  # nothing assembled yet: no download links


def test_captions_and_cross_references_read_as_in_the_word_document(make_project: MakeProject, tmp_path: Path) -> None:
    """Figures and tables are numbered through the whole paper as the .docx numbers them, the `{#id}` never shows,
    a `Table:` line is the table's caption, and a link to a caption shows its label and reaches it."""
    intro = ("## Why equal cities\n\nSee [the chart](#fig-chart) and [this table](#tbl-meetings).\n\n"
             "![A grey square](../paper/images/dot.png \"First chart {#fig-first}\")\n")
    housing = ("## Homes for all\n\nTable: Meetings in the first months {#tbl-meetings}\n\n"
               "| Month | Place |\n|---|---|\n| June | Rome |\n\n"
               "| City | Members |\n|---|---|\n| Ghent | 2 |\n\nTable: Members by city, written after its table\n\n"
               "![A grey square again](../paper/images/dot.png \"Survey priorities {#fig-chart}\")\n")
    root = make_project({"sections/01-intro.md": section_text("intro", intro, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", housing, title="Housing")})
    page = page_of(root, tmp_path / "site")
    assert "{#" not in page and "Table:" not in page
    assert re.search(r'<figure[^>]*id="fig-first"', page) and "<figcaption>Figure 1: First chart</figcaption>" in page
    assert re.search(r'<figure[^>]*id="fig-chart"', page)
    assert "<figcaption>Figure 2: Survey priorities</figcaption>" in page
    assert re.search(r'id="tbl-meetings"[^>]*>\s*Table 1: Meetings in the first months<', page)
    assert '<a href="#fig-chart">Figure 2</a>' in page and '<a href="#tbl-meetings">Table 1</a>' in page
    caption = page.index("Table 2: Members by city, written after its table")  # above its table, as in the .docx
    assert page.index("Ghent") > caption > page.index("June")


def test_a_table_s_scroll_region_is_named_by_its_caption(make_project: MakeProject, tmp_path: Path) -> None:
    """Every table's keyboard-reachable scroll region was named "Table": a screen reader's list of regions gave
    the same name for each. A captioned table's region is named by its caption, caption before or after."""
    housing = ("| Year | Events |\n|---|---|\n| 2023 | 1 |\n\n"
               "## Homes for all\n\nTable: Meetings in the first months {#tbl-meetings}\n\n"
               "| Month | Place |\n|---|---|\n| June | Rome |\n\n"
               "| City | Members |\n|---|---|\n| Ghent | 2 |\n\nTable: Members by <b>city</b>\n\n"
               "| Year | Events |\n|---|---|\n| 2024 | 3 |\n")
    root = make_project({"sections/02-housing.md": section_text("housing", housing, title="Housing")})
    page = page_of(root, tmp_path / "site")
    names = re.findall(r'<div class="scroll" role="region" aria-label="([^"]*)" tabindex="0"><table>', page)
    assert names[:4] == ["Table", "Table 1: Meetings in the first months", "Table 2: Members by city",
                         "Table under 2.1 Homes for all"], names


def test_the_regions_of_tables_without_a_caption_are_told_apart_by_their_headings(browser: Browser,
                                                                                 bundled_site: Path) -> None:
    """A table without a caption (the annex has one under each kind of organisation) scrolled in a region named
    "Table", so a screen reader's list of the page's regions named four of them alike. Each is now named by the
    heading it stands under, as Chromium's accessibility tree gives the names."""
    browser.load(bundled_site.as_uri())
    nodes = browser.call("Accessibility.getFullAXTree", session=True)["nodes"]
    names = [node.get("name", {}).get("value", "") for node in nodes
             if node.get("role", {}).get("value") == "region" and not node.get("ignored")]
    assert len(names) >= 6 and "" not in names and len(set(names)) == len(names), names
    assert "Table under Organisations from Member States" in names


def test_a_figure_in_a_tight_list_item_is_a_figure_that_links_reach(make_project: MakeProject, tmp_path: Path) -> None:
    """A tight list's paragraphs are not written out; a figure in one still is a `<figure>` with its id, and its
    caption is inside it (a `<figcaption>` anywhere else is not HTML)."""
    body = ("## Charts\n\n- ![A grey square](../paper/images/dot.png \"Tight caption {#fig-tight}\")\n- second\n\n"
            "See [the chart](#fig-tight).\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = page_of(root, tmp_path / "site")
    assert re.search(r'<li>\s*<figure[^>]*id="fig-tight"[^>]*>\s*<img[^>]*>\s*<figcaption>Figure 2: Tight caption'
                     r"</figcaption>\s*</figure>", page)
    assert '<a href="#fig-tight">Figure 2</a>' in page


@pytest.mark.parametrize("numbering", [True, False])
def test_contents_give_the_chapter_numbers_of_the_word_document(make_project: MakeProject, tmp_path: Path,
                                                                numbering: bool) -> None:
    """The contents, the section titles and their headings carry the paper's numbers (1 for the first section, 1.1
    for its first heading, as in the .docx); the annex gets none, and a paper with
    `numbering: false` shows no numbers."""
    extra = "" if numbering else "numbering: false\n"
    root = make_project({"paper/paper.yaml": PAPER_YAML + extra})
    page = page_of(root, tmp_path / "site")
    nav = page.split('<nav class="toc"')[1].split("</nav>")[0]

    def text(html: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    entries = [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)]
    titles = [text(h2) for h2 in re.findall(r'<h2 id="[^"]*-title">(.*?)</h2>', page, re.S)]
    headings = [text(h) for h in re.findall(r'<h[34] id="[^"]*">(.*?)</h[34]>', page, re.S)]
    if numbering:
        assert entries == ["Status of the sections", "1 Introduction", "2 Housing", "3 Outlook", "Annex: contributors"]
        assert titles == ["1 Introduction", "2 Housing", "3 Outlook"]
        assert headings[:4] == ["1.1 Why equal cities", "2.1 Homes for all", "2.1.1 The data we need",
                                "3.1 Next steps"]
    else:
        assert entries == ["Status of the sections", "Introduction", "Housing", "Outlook", "Annex: contributors"]
        assert titles == ["Introduction", "Housing", "Outlook"]
        assert headings[:4] == ["Why equal cities", "Homes for all", "The data we need", "Next steps"]
    assert "<ol" not in nav  # no list numbers of the browser's own


@pytest.mark.parametrize(("outline", "entry"), [("", "Annex: Member organisations"),
                                                ("  - id: survey\n    annex: true\n", "Annex II Member organisations")])
def test_the_contents_name_the_contributors_annex_by_its_title(make_project: MakeProject, tmp_path: Path,
                                                               outline: str, entry: str) -> None:
    """The preview's contents named the contributors' annex "Annex" (or "Contributors" when numbered) whatever its
    template's title, which the page's heading and the .docx (read by python-docx) show: "Annex: contributors", or
    a title of the partnership's own. They read as the document does."""
    import docx

    from coe_paper import pipeline

    default = (Path(site.__file__).parent / "templates/annex.md.j2").read_text(encoding="utf-8")
    template = default.replace("# Annex: contributors", "# Annex: *Member* organisations", 1)
    assert template != default
    files: dict[str, str | bytes | None] = {"paper/templates/annex.md.j2": template,
                                            "paper/paper.yaml": PAPER_YAML + outline}
    if outline:
        files["sections/04-survey.md"] = section_text("survey", "## Questions\n\nWhat we asked.\n", title="Survey")
    root = make_project(files)
    page = page_of(root, tmp_path / "site")
    nav = page.split('<nav class="toc"')[1].split("</nav>")[0]
    last = " ".join(re.sub(r"<[^>]+>", " ", re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)[-1]).split())
    assert last == entry
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    named = {((p.style.name if p.style is not None else "").lower(), " ".join(p.text.split()))
             for p in docx.Document(str(built.output)).paragraphs if "Member organisations" in p.text}
    assert ("heading 1", entry.removeprefix("Annex II ")) in named, named  # Word numbers "Annex II" itself
    assert ("toc 1", entry) in named, named  # the document's contents, paged by the layout pass


def test_pictures_in_the_annex_and_bylines_are_shown_as_in_the_document(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A template's picture (its path from the project, as in the .docx) is copied into the site and shown; the
    preview had stopped with a traceback on it."""
    annex = "# Annex\n\n![Logo of the partnership](paper/images/dot.png)\n"
    byline = "*Lead: {{ section.lead.name }}* ![Lead's logo](paper/images/dot.png)\n"
    root = make_project({"paper/templates/annex.md.j2": annex, "paper/templates/byline.md.j2": byline})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None
    page = built.page.read_text(encoding="utf-8")
    assert re.search(r'<img src="images/[^"]*dot.png" alt="Logo of the partnership"', page)
    assert page.count('alt="Lead&#x27;s logo"') + page.count('alt="Lead\'s logo"') == 3
    assert "[Logo of the partnership]" not in page


def test_a_template_s_attribute_lines_give_classes_only(browser: Browser, make_project: MakeProject,
                                                       tmp_path: Path) -> None:
    """A `{...}` line in a byline or the annex gives its block a class, as it gives a style in the .docx: a `style=`
    had the page fetch a picture from elsewhere and could cover the page, and an id took the page's own."""
    remote = "background:url(https://tracker.invalid/{}.png);position:fixed;inset:0"
    byline = ('{.Byline style="' + remote.format("byline") + '" #main href="https://tracker.invalid/"}\n'
              "Lead: {{ section.lead.name }}\n")
    annex = '# Annex\n\n{% raw %}{#status .Members style="' + remote.format("annex") + '"}\n{% endraw %}All members.\n'
    root = make_project({"paper/templates/byline.md.j2": byline, "paper/templates/annex.md.j2": annex})
    page = page_of(root, tmp_path / "site")
    assert "tracker.invalid" not in page and "position:fixed" not in page
    assert page.count('<p class="Byline">Lead: ') == 3 and '<p class="Members">All members.</p>' in page
    browser.load((tmp_path / "site" / "index.html").as_uri())
    assert browser.problems == []
    requested = browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in requested if not url.startswith("file:")]
    assert browser.evaluate("['main', 'status'].map(id => document.querySelectorAll('#' + id).length)") == [1, 1]
    assert browser.evaluate("document.querySelector('#main').tagName") == "MAIN"


def test_html_in_a_section_reads_as_in_the_word_document(make_project: MakeProject, tmp_path: Path) -> None:
    """HTML comments (editors' notes, `coe-paper: ignore` suppressions) never reach readers; `<br>`, `<sup>`,
    `<sub>`, `<u>` and `<mark>` are the formatting they mean; any other HTML shows as text, as in the .docx."""
    body = ("## Notes\n\nWater is H<sub>2</sub>O, 10<sup>3</sup> litres, <u>underlined</u>, <mark>marked</mark>,"
            " a<br>break <!-- editors: check the figures --> and <span>a span</span>.\n\n"
            "<!-- coe-paper: ignore COE731 a long sentence on purpose -->\nThe next paragraph.\n\n"
            "<div class=\"box\">a raw block</div>\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = page_of(root, tmp_path / "site")
    assert "editors: check" not in page and "coe-paper: ignore" not in page and "&lt;!--" not in page
    assert "H<sub>2</sub>O, 10<sup>3</sup> litres, <u>underlined</u>, <mark>marked</mark>, a<br>break" in page
    assert "&lt;span&gt;a span&lt;/span&gt;" in page and "The next paragraph." in page
    assert "&lt;div class=&quot;box&quot;&gt;a raw block&lt;/div&gt;" in page and '<div class="box">' not in page


def test_the_page_s_own_ids_never_collide_with_a_section_s_or_a_heading_s(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """A section with the id `annex` or `status`, or a heading "Main" or "Outlook title", took the id of the page's
    own annex, status board, main landmark or a section's title: two elements with one id, the contents' and the
    skip link's targets then the wrong ones. Sections keep their ids (links name them); the page's own yield."""
    paper = PAPER_YAML + "  - id: annex\n    required: false\n  - id: status\n    required: false\n"
    body = ("## Main\n\nText.\n\n## Outlook title\n\nMore.\n\n## Board caption\n\nSee [the annex](#annex), "
            "[the main part](#main) and [the title](#outlook-title).\n")
    root = make_project({"paper/paper.yaml": paper,
                         "sections/03-outlook.md": section_text("outlook", body, title="Outlook"),
                         "sections/04-annex.md": section_text("annex", "## Sources\n\nA list.\n", title="Sources"),
                         "sections/05-status.md": section_text("status", "## Where we are\n\nText.\n",
                                                               title="State of play")})
    page = page_of(root, tmp_path / "site")
    ids = re.findall(r'\sid="([^"]*)"', page)
    assert sorted(ids) == sorted(set(ids)), [i for i in set(ids) if ids.count(i) > 1]
    assert re.search(r'<section id="annex"[^>]*>\s*<h2 id="annex-title">[^<]*Sources', page)
    assert re.search(r'<section id="status"[^>]*>\s*<h2 id="status-title">[^<]*State of play', page)
    targets = re.findall(r'href="#([^"]+)"', page)
    assert all(target in ids for target in targets), [t for t in targets if t not in ids]
    assert re.search(r'<h3 id="(main-1)">.*href="#\1">the main part</a>', page, re.S)
    assert re.search(r'<h3 id="(outlook-title-1)">.*href="#\1">the title</a>', page, re.S)
    skip = re.search(r'<a class="skip" href="#([^"]+)"', page)
    assert skip and re.search(rf'<main id="{skip.group(1)}"', page)
    for label in ("Status of the sections", "Annex: contributors"):  # the contents' links reach the page's own parts
        target = re.search(rf'<li><a href="#([^"]+)">{label}</a></li>', page)
        assert target and target.group(1) not in ("annex", "status")


def test_an_outline_entry_without_a_file_shows_its_problem_on_its_row(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """A required section without a file stops the build (COE105), yet its row on the status board said
    "Diagnostics: none" and `status` counted no issue; the error was listed apart, under other diagnostics."""
    paper = PAPER_YAML + "  - id: budget\n    required: true\n  - id: glossary\n    required: false\n"
    root = make_project({"paper/paper.yaml": paper}, git=True)
    page = page_of(root, tmp_path / "site")
    rows = re.findall(r'<tr[^>]*>\s*(?:<td class="no"[^>]*>[^<]*</td>)?\s*<th scope="row"[^>]*>(\w+)\s*</th>(.*?)</tr>',
                      page, re.S)
    missing = {name: cells for name, cells in rows if name in ("budget", "glossary")}
    assert '>1 error</a>' in missing["budget"] and '>1 warning</a>' in missing["glossary"], missing
    listed = dict(re.findall(r'<h4 id="(\w+)-diagnostics">.*?</h4>\s*<ul class="problems">(.*?)</ul>', page, re.S))
    assert "error COE105 required section &#39;budget&#39;" in listed["budget"], listed
    assert "warning COE104 section &#39;glossary&#39;" in listed["glossary"] and "none" not in missing["glossary"]
    assert 'href="#budget-diagnostics"' in missing["budget"]
    assert "Other diagnostics" not in page
    status = CliRunner().invoke(app, ["--project", str(root), "status", "--format", "json"])
    counts = {row["id"]: (row["errors"], row["warnings"]) for row in json.loads(status.stdout)}
    assert counts["budget"] == (1, 0) and counts["glossary"] == (0, 1)


def test_the_shares_list_every_member_as_contributors_and_the_annex_do(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """The shares' table left out a member that had led, contributed to and written nothing (an observer that had not
    taken part yet), which `contributors` and the annex list: the preview counted one organisation fewer, and said
    nothing of it. Every member has its row, the one that did nothing with noughts, after the others."""
    root = make_project({"contributors.yaml": CONTRIBUTORS_YAML + "  - id: ljubljana\n    name: City of Ljubljana\n"
                         "    short: Ljubljana\n    kind: city\n    country: SI\n    role: observer\n"}, git=True)
    page = page_of(root, tmp_path / "site")
    table = page[page.index('<table id="shares"'):]
    table = table[: table.index("</table>")]
    names = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert sorted(names) == sorted(["Rome", "ANCT", "Leipzig", "DG REGIO", "Ljubljana"]) and names[-1] == "Ljubljana"
    row = re.search(r'<th scope="row">Ljubljana</th>(.*?)</tr>', table, re.S)
    assert row is not None
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                      row.group(1), re.S)]
    assert cells == ["Slovenia", "0", "0", "0", "0", "0.0%"], cells


def test_the_shares_count_the_lines_of_authors_of_no_member_organisation(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A new paper's first lines are often written by people contributors.yaml does not map yet: every organisation
    had 0 lines and 0.0%, and the table added up to nothing. Their lines have a row of their own, in the preview's
    shares and in `contributors`, counted as git blame counts them."""
    root = make_project(git=True)  # committed by Rome's editor, whose organisation contributors.yaml lists
    added = "\nA paragraph from someone the partnership has not listed yet.\nIt has two lines.\n"
    with (root / "sections/02-housing.md").open("a", encoding="utf-8") as handle:
        handle.write(added)
    visitor = {"GIT_AUTHOR_NAME": "Visitor", "GIT_AUTHOR_EMAIL": "visitor@elsewhere.example",
               "GIT_COMMITTER_NAME": "Visitor", "GIT_COMMITTER_EMAIL": "visitor@elsewhere.example"}
    git_commit(root, "A visitor's paragraph", env=visitor)
    blamed = subprocess.run(["git", "-C", str(root), "blame", "--line-porcelain", "sections/02-housing.md"],
                            capture_output=True, text=True, check=True).stdout
    theirs = blamed.count("\nauthor-mail <visitor@elsewhere.example>")
    total = sum(len((root / "sections" / name).read_text(encoding="utf-8").splitlines())
                for name in ("01-intro.md", "02-housing.md", "03-outlook.md"))
    assert theirs == 3
    share = f"{theirs / total:.1%}"
    page = page_of(root, tmp_path / "site")
    row = re.search(r'<tr class="unmapped">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                                      row.group(1), re.S)]
    assert cells[0] == "No member organisation" and cells[-2:] == [str(theirs), share], cells
    listed = cli("-C", str(root), "contributors")
    assert listed.exit_code == 0, listed.output
    rows = [line.split() for line in listed.stdout.splitlines() if line.startswith("(no member organisation)")]
    assert [row[-2:] for row in rows] == [[str(theirs), share]], listed.stdout


def test_a_required_section_whose_front_matter_is_wrong_is_one_error_on_its_row(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    """A required section whose title holds an override left open (COE012) was left out and also reported as
    having no file (COE105): one mistake, two errors, the second false. Its row on the board said "missing" and
    its error was listed apart; now the row names the file and lists its error. A front matter that does not
    parse names no id: the file's name gives it. A section truly missing is still COE105."""
    from coe_paper import pipeline

    broken = section_text("intro", "Words of the introduction, ten of them at the very least here.\n",
                          title="Intro\u202eductions")
    unparsed = section_text("housing", "Homes for all, in ten words or a few more than that.\n",
                            title="Housing").replace("lead: rome", "lead: [rome")
    paper = PAPER_YAML + "  - id: budget\n    required: true\n"
    root = make_project({"sections/01-intro.md": broken, "sections/02-housing.md": unparsed,
                         "paper/paper.yaml": paper}, git=True)
    found = pipeline.load(root).diagnostics
    errors = sorted((d.code, d.path, d.line) for d in found if d.severity == "error")
    assert errors == [("COE001", "sections/02-housing.md", 4), ("COE012", "sections/01-intro.md", 3),
                      ("COE105", "paper/paper.yaml", 19)], errors
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert result.exit_code == 1 and "COE105 required section 'intro'" not in result.stderr
    page = page_of(root, tmp_path / "site")
    rows = dict(re.findall(r'<tr[^>]*>\s*(?:<td class="no"[^>]*>[^<]*</td>)?\s*<th scope="row"[^>]*>(\w+)\s*<br>'
                           r'<span class="where">([^<]+)</span>', page.replace("<wbr>", "")))
    assert rows == {"intro": "sections/01-intro.md", "housing": "sections/02-housing.md"}, rows
    assert page.count('<span class="badge status-invalid">invalid</span>') == 2
    listed = dict(re.findall(r'<h4 id="(\w+)-diagnostics">.*?</h4>\s*<ul class="problems">(.*?)</ul>', page, re.S))
    assert "error COE012 title: U+202E" in listed["intro"] and "error COE001" in listed["housing"], listed
    assert "error COE105 required section &#39;budget&#39;" in listed["budget"]
    assert "COE105 required section &#39;intro&#39;" not in page and 'href="#intro"' not in page
    status = CliRunner().invoke(app, ["--project", str(root), "status", "--format", "json"])
    counts = {row["id"]: (row["status"], row["path"], row["errors"]) for row in json.loads(status.stdout)}
    assert counts["intro"] == ("invalid", "sections/01-intro.md", 1) and counts["budget"] == ("missing", "", 1)


def test_footnotes_are_numbered_through_the_paper_as_in_the_word_document(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """Word numbers footnotes on through the whole paper, one number a reference; so do the page's references and
    the notes listed under each section (the second section's first note is 3, not 1)."""
    intro = "## Why equal cities\n\nA claim[^a] and another[^b].\n\n[^a]: First note.\n\n[^b]: Second note.\n"
    housing = "## Homes for all\n\nA third claim[^x].\n\n[^x]: Third note.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", intro, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", housing, title="Housing")})
    page = page_of(root, tmp_path / "site")
    refs = re.findall(r'<sup class="footnote-ref"><a href="#fn-([a-z]+)-\d+"[^>]*>\[(\d+)\]</a></sup>', page)
    assert refs == [("intro", "1"), ("intro", "2"), ("housing", "3")]
    assert re.search(r'<li id="fn-housing-1" class="footnote-item" value="3">', page)


def test_a_note_s_links_back_to_its_references_are_named_by_their_numbers(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A note's link back to its reference showed an arrow alone, read out as "leftwards arrow with hook" with
    nothing to say where it leads; a note referred to twice had two such links. Each is named by its reference's
    number, as the page numbers references."""
    intro = "## Why equal cities\n\nA claim[^a].\n\n[^a]: First note.\n"
    housing = "## Homes for all\n\nA claim[^x] and the same again[^x].\n\n[^x]: Shared note.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", intro, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", housing, title="Housing")})
    page = page_of(root, tmp_path / "site")
    backs = re.findall(r'<a href="#(fnref-[^"]+)" class="footnote-backref"[^>]*aria-label="([^"]*)"', page)
    refs = dict(re.findall(r'<a href="#fn-[^"]+" id="(fnref-[^"]+)">\[(\d+)\]</a>', page))
    assert [name for _, name in backs] == ["Back to reference 1", "Back to reference 2", "Back to reference 3"]
    assert all(name == f"Back to reference {refs[target]}" for target, name in backs), (backs, refs)


def test_downloads_and_forge_links(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"paper/paper.yaml": PAPER_YAML + "repository: https://gitlab.com/uae/coe\nbranch: dev\n",
                         "sections/03-outlook.md": section_text("outlook", "Too short.\n", lead="malmoe")})
    (root / "build").mkdir()
    (root / "build/test-paper.docx").write_bytes(b"docx")
    (root / "build/test-paper-changes-since-v1.docx").write_bytes(b"redline")
    built = site.build(root, tmp_path / "site")
    assert built.page is not None  # a paper with errors still has its status board, errors on it
    page = built.page.read_text(encoding="utf-8")
    assert 'href="https://gitlab.com/uae/coe/-/blob/dev/sections/03-outlook.md#L4">sections/03-outlook.md:4</a>' \
        ": error COE201" in page
    assert 'href="files/test-paper.docx"' in page and "Changes since v1" in page and ".pdf" not in page
    assert 'href="https://gitlab.com/uae/coe/-/blob/dev/sections/03-outlook.md"' in page
    (root / "build/test-paper.pdf").write_bytes(b"%PDF")
    page = page_of(root, tmp_path / "site")
    assert 'href="files/test-paper.pdf"' in page and (tmp_path / "site/files/test-paper.pdf").is_file()
    later = (root / "build/test-paper.pdf").stat().st_mtime_ns + 1_000_000_000  # the .docx built again, no new PDF
    os.utime(root / "build/test-paper.docx", ns=(later, later))
    page = page_of(root, tmp_path / "site")
    assert 'href="files/test-paper.docx"' in page and ".pdf" not in page  # the PDF of an earlier paper
    assert site.forge_link("https://github.com/o/r.git", "main", "sections/a.md", 4) == \
        "https://github.com/o/r/blob/main/sections/a.md#L4"


def test_the_skip_links_focus_ring_stands_out_from_the_banner(browser: Browser, make_project: MakeProject,
                                                             tmp_path: Path) -> None:
    """The first Tab shows the skip link over the dark banner: its focus ring, #1f6feb on #0b2f5b, had 2.9:1, under
    the 3:1 WCAG 2.1 asks of a focus indicator against what is beside it (1.4.11)."""
    page = site.build(make_project(git=True), tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                "windowsVirtualKeyCode": 9}, session=True)
    ring, banner, focused = browser.evaluate(
        "[getComputedStyle(document.activeElement).outlineColor,"
        " getComputedStyle(document.querySelector('header.banner')).backgroundColor,"
        " document.activeElement.className]")
    assert focused == "skip"

    def hex_of(css: str) -> str:
        return "".join(f"{int(part):02X}" for part in re.findall(r"\d+", css)[:3])

    assert contrast(hex_of(ring), hex_of(banner)) >= 3, (ring, banner)


def test_the_board_names_who_made_a_last_change_no_organisation_is_known_for(browser: Browser,
                                                                             make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """A secretariat asks whom to write to about a section: when the last change's git identity mapped to no member
    organisation, the board said "unmapped identity" and `status` "(unmapped)", naming nobody. Both now give the
    author's name (the page, published on the forge's Pages, no e-mail address)."""
    root = make_project(git=True)
    outlook = root / "sections/03-outlook.md"
    outlook.write_text(outlook.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    git_commit(root, "Add a sentence", {"GIT_AUTHOR_NAME": "Jana Nováková", "GIT_AUTHOR_EMAIL": "jana@mail.example"})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    cells = browser.evaluate("[...document.querySelectorAll('#status-board tbody tr')].map(r => r.cells[5].innerText)")
    assert cells == ["2024-01-31, Rome", "2024-01-31, Rome", "2024-01-31, Jana Nováková (no member organisation)"]
    html = page.read_text(encoding="utf-8")  # COE203 names the identity, its address's domain only
    assert "Jana Nováková &lt;…@mail.example&gt;" in html and "jana@mail.example" not in html
    status = CliRunner().invoke(app, ["--project", str(root), "status"])
    assert "Jana Nováková (no member organisation)" in status.stdout and "jana@mail.example" not in status.stdout


@pytest.mark.parametrize(("name", "href"), [(os.fsdecode(b"sections/03-outlook-\xff.md"), "03-outlook-%FF.md"),
                                            ("sections/03 outlook #2.md", "03%20outlook%20%232.md")])
def test_a_section_file_name_past_utf_8_or_a_url_is_shown_and_linked(make_project: MakeProject, tmp_path: Path,
                                                                      name: str, href: str) -> None:
    """A section file whose name is not UTF-8 ended preview (and every serve rebuild) in a UnicodeEncodeError
    traceback; one with a space or a '#' was linked as written, the '#' taken for the start of a fragment. The name
    is shown (an undecodable byte as U+FFFD) and its link percent-encoded."""
    root = make_project({"paper/paper.yaml": PAPER_YAML + "repository: https://gitlab.com/uae/coe\n",
                         "sections/03-outlook.md": None, name: section_text("outlook", "Too short.\n")})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, built.diagnostics
    page = built.page.read_bytes().decode("utf-8")
    assert f'href="https://gitlab.com/uae/coe/-/blob/main/sections/{href}"' in page
    assert name.replace("\udcff", "\ufffd") in page.replace("<wbr>", "")  # it may break after a '/' or '-'


def test_a_file_linked_out_of_the_project_is_never_copied_into_the_site(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """A picture or a built file that is a symbolic link out of the project is not published: the site copied the
    file it led to (a member's commit could have put any file the server can read on the forge's Pages)."""
    root = make_project()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the site")
    (root / "paper/images/dot.png").unlink()
    (root / "paper/images/dot.png").symlink_to(secret)
    (root / "build").mkdir()
    (root / "build/test-paper.docx").symlink_to(secret)
    built = site.build(root, tmp_path / "site")
    assert built.page is not None
    assert [d.code for d in built.diagnostics if d.code == "COE503"] == ["COE503"]
    copied = [path.read_bytes() for path in (tmp_path / "site").rglob("*") if path.is_file()]
    assert b"not for the site" not in copied
    assert "Word document" not in built.page.read_text(encoding="utf-8")


def test_a_picture_the_document_cannot_show_is_not_published(browser: Browser, make_project: MakeProject,
                                                              tmp_path: Path) -> None:
    """The site shows a picture's alt text where the document cannot show it (COE504, COE505, COE008), as for a
    missing one: an SVG was copied into the site, where opened from its address its script ran as the page's own
    (under serve, with access to the preview); a picture of a billion pixels was handed to the browser to unpack,
    and an empty file was written into the site and left there. A JPEG cut short is shown as damaged."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script>'
           '<image href="https://tracker.invalid/x.png" width="10" height="10"/></svg>')
    body = "".join(f"\n![Picture {name}](img/{name} \"Picture {name}\")\n" for name in
                   ("script.svg", "bomb.png", "empty.png", "cut.jpg", "banner.png"))
    root = make_project({"sections/03-outlook.md": section_text("outlook", "## Pictures\n" + body),
                         "sections/img/script.svg": svg, "sections/img/bomb.png": bomb_png(40_000, 25_000),
                         "sections/img/empty.png": b"", "sections/img/banner.png": tiny_png(400, 20),
                         "sections/img/cut.jpg": real_jpeg(tmp_path)[:-100]})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None
    codes = {d.code for d in built.diagnostics if d.path == "sections/03-outlook.md"}
    assert {"COE504", "COE505", "COE008"} <= codes
    published = sorted(path.name.split("-", 1)[1] for path in (tmp_path / "site/images").iterdir())
    assert published == ["banner.png", "dot.png"]
    page = built.page.read_text(encoding="utf-8")
    for name in ("script.svg", "bomb.png", "empty.png", "cut.jpg"):
        assert f'<span class="missing-image">[Picture {name}]</span>' in page
    browser.load(built.page.as_uri())
    assert browser.problems == []
    sizes = browser.evaluate("[...document.images].map(i => [i.alt, i.complete && i.naturalWidth])")
    assert ["Picture banner.png", 400] in sizes and not [alt for alt, _ in sizes if "Picture" in alt and
                                                         "banner" not in alt]


def test_pictures_and_downloads_named_with_url_characters_are_shown_and_linked(browser: Browser,
                                                                             make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """A picture named 'a#b.png' or 'e?f.png' is in the Word document, but the site cut its name at the '#' or '?'
    and showed the alt text; one named 'c%41d.png' was copied under its name, which the browser asked for as
    'cAd.png'; a document built as 'paper #1.docx' was linked as 'files/paper #1.docx', a fragment. Their copies in
    the site have names an address holds as they are."""
    names = ["a#b.png", "e?f.png", "c%41d.png"]  # the last written `c%2541d.png`: an address decodes `%41` to 'A'
    body = "".join(f'\n![Picture {n}](<img/{n.replace("%", "%25")}> "Picture {n}")\n' for n in names)
    root = make_project({"paper/paper.yaml": PAPER_YAML.replace("build/test-paper.docx", "'build/paper #1.docx'"),
                         "sections/03-outlook.md": section_text("outlook", "## Pictures\n" + body),
                         **{f"sections/img/{n}": tiny_png(30 + i, 10) for i, n in enumerate(names)}})
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    built = site.build(root, tmp_path / "site")
    assert built.page is not None
    browser.load(built.page.as_uri())
    assert browser.problems == []
    sizes = browser.evaluate("[...document.images].map(i => [i.alt, i.complete && i.naturalWidth])")
    assert [[f"Picture {n}", 30 + i] for i, n in enumerate(names)] == [size for size in sizes if "Picture" in size[0]]
    links = browser.evaluate("[...document.querySelectorAll('a[href^=\"files/\"]')].map(a => a.href)")
    assert len(links) == 1 and urllib.request.urlopen(links[0]).read()[:2] == b"PK"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    found = require_client("chromium")
    opened = Browser(found)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = CliRunner().invoke(app, ["--project", str(REPO_ROOT), "preview", "-o",
                                      str(tmp_path_factory.mktemp("site") / "site")])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.split()[1])


def test_bundled_site_in_chromium(browser: Browser, bundled_site: Path) -> None:
    browser.load(bundled_site.as_uri())
    assert browser.problems == []
    titles = browser.evaluate("[...document.querySelectorAll('section.paper-section > h2')].map(h => h.textContent)")
    from coe_paper import pipeline

    loaded = pipeline.load(REPO_ROOT)
    assert loaded.project is not None
    assert titles == [f"{n} {s.meta.title}" for n, s in enumerate(loaded.project.ordered_sections(), start=1)]
    rows = browser.evaluate("[...document.querySelectorAll('#status-board tbody tr')].map(r => r.cells.length)")
    assert rows == [7] * len(loaded.project.config.outline)  # the number and the section's six
    assert browser.evaluate("document.documentElement.lang") == "en-GB"
    assert browser.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0 && i.alt)") is True
    landmarks = browser.evaluate("['header','nav','main','footer'].map(t => document.querySelectorAll(t).length)")
    assert landmarks == [1, 1, 1, 1]
    levels = browser.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # every text colour against its background passes 4.5:1 (WCAG 2.1 AA for body text)
    worst = browser.evaluate(CONTRAST_JS)
    assert worst >= 4.5, worst
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "desktop.png").write_bytes(browser.screenshot((0, 0, 1280, 1400)))


def test_bundled_site_reads_on_a_phone(browser: Browser, bundled_site: Path) -> None:
    browser.load(bundled_site.as_uri(), width=390, height=844, mobile=True)
    assert browser.problems == []
    # nothing but the tables' own scroll regions is wider than the screen
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        (SHOTS / "phone.png").write_bytes(browser.screenshot((0, 0, 390, 2400)))


def test_a_wide_table_s_caption_reads_whole_on_a_phone(browser: Browser, bundled_site: Path) -> None:
    """The board's and the shares' captions were as wide as their tables: on a phone the end of "Current lines of
    the sections by organisation ..." lay out of view, cut off at the edge of the table's region until it was
    scrolled. A caption wraps within its region, and stays in view while the table scrolls under it (the board's,
    its sections' cards on a phone, does not scroll)."""
    browser.load(bundled_site.as_uri(), width=390, height=844, mobile=True)
    placed = """[...document.querySelectorAll('.scroll')].filter(r => r.querySelector(':scope > table > caption'))
        .map(r => { const c = r.querySelector('caption').getBoundingClientRect(), b = r.getBoundingClientRect();
                    return [r.querySelector('caption').textContent.slice(0, 20), r.scrollWidth > r.clientWidth,
                            Math.round(c.left - b.left), Math.round(b.right - c.right)]; })"""
    before = browser.evaluate(placed)
    assert [row[0] for row in before] == ["Sections in outline ", "Current lines of the"], before
    assert [wide for _, wide, _, _ in before] == [False, True], before  # the shares are wider than the phone
    assert all(left >= 0 and right >= 0 for _, _, left, right in before), before
    browser.evaluate("document.querySelectorAll('.scroll').forEach(r => { r.scrollLeft = r.scrollWidth; })")
    after = browser.evaluate(placed)
    assert all(left >= -1 and right >= -1 for _, _, left, right in after), after  # within a pixel's rounding


def test_a_printed_page_is_the_paper_without_the_status_board(browser: Browser, make_project: MakeProject,
                                                              tmp_path: Path) -> None:
    """Print left out the status heading only: the board, the downloads and the shares were printed before the
    paper under no heading; and a section with the id `status` would have been left out instead."""
    paper = PAPER_YAML + "  - id: status\n    required: false\n"
    root = make_project({"paper/paper.yaml": paper, "sections/05-status.md": section_text(
        "status", "## Where we are\n\nThe partnership meets monthly.\n", title="State of play")}, git=True)
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    shown = "[...document.querySelectorAll('table caption, h2')].filter(e => e.offsetParent).map(e => e.textContent)"
    on_screen = browser.evaluate(shown)
    assert any(text.startswith("Sections in outline order") for text in on_screen)
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    try:
        printed = browser.evaluate(shown)
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    board = ("Contents", "Status of the sections", "Sections in outline order", "Current lines of the sections")
    assert printed == [text for text in on_screen if not text.startswith(board)], printed
    assert "4 State of play" in printed and "Annex: contributors" in printed


def test_a_paper_in_another_language_is_read_in_its_language_and_the_page_s_words_in_english(
        browser: Browser, make_project: MakeProject, tmp_path: Path) -> None:
    """The page said `lang="fr-FR"` for a French paper, and a screen reader read "Contents", "Status of the
    sections" and the board in French. The page's own words are English; the paper's parts say their language."""
    paper = PAPER_YAML.replace("title: Test Paper", "title: Document d'orientation").replace("en-GB", "fr-FR")
    root = make_project({"paper/paper.yaml": paper, "sections/02-housing.md": section_text(
        "housing", "## Le logement pour tous\n\nDes logements abordables dans chaque ville.\n", title="Logement")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    spoken = browser.evaluate("""(() => {
      const lang = text => { const found = [...document.querySelectorAll('body *')].filter(
          e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.includes(text)));
        return found.length ? found[0].closest('[lang]').lang : null; };
      return ['Skip to the paper', 'Contents', 'Status of the sections', 'Sections in outline order', 'Built by',
              "Document d'orientation", 'Le logement pour tous', 'Des logements abordables'].map(lang);
    })()""")
    assert spoken == ["en"] * 5 + ["fr-FR"] * 3, spoken
    menu = browser.evaluate("[...document.querySelectorAll('nav a')].map(a => a.closest('[lang]').lang)")
    assert menu[0] == "en" and menu[-1] == "en" and set(menu[1:-1]) == {"fr-FR"}  # the sections' titles


def test_long_words_urls_and_code_lines_stay_within_a_phone_screen(browser: Browser, make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A web address written out in the text, a long word or a long code line wraps or scrolls in its own box;
    the page itself never grows wider than the phone."""
    body = ("## Sources\n\nThe list is at https://example.org/" + "very-long-path/" * 8 + "end.\n\n"
            + "Donaudampfschifffahrtsgesellschaftskapitän" * 2 + " is a long word.\n\n"
            "```\n" + "long_code_line = " * 12 + "1\n```\n\n> A quoted https://example.org/" + "x" * 80 + "\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri(), width=390, height=844, mobile=True)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_status_board_shows_a_diagnostic_with_a_long_word_whole_on_a_desktop(
        browser: Browser, make_project: MakeProject, tmp_path: Path) -> None:
    """A diagnostic that quotes a long word (an unknown organisation id, a web address, a word the dictionary
    lacks) made the board wider than the page's column: on a desktop its Diagnostics column was cut off at the right,
    the messages readable only by scrolling the board sideways. The word breaks and the board fits."""
    long_id = "metropolitancityofromedepartmentforurbanplanningandhousingpolicy"
    root = make_project({"sections/03-outlook.md": section_text("outlook", "Text.\n", title="Outlook",
                                                                contributors=f"[{long_id}]")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    for width, height, mobile in ((1366, 900, False), (390, 844, True)):
        browser.load(page.as_uri(), width=width, height=height, mobile=mobile)
        fits = browser.evaluate("""(() => {
            const region = document.querySelector('section.board .scroll');
            const cell = [...document.querySelectorAll('section.board ul.problems li')]
                .find(li => li.textContent.includes('COE201'));
            return {message: cell.textContent, wide: region.scrollWidth, room: region.clientWidth};
        })()""")
        assert long_id in fits["message"]
        if not mobile:  # a phone scrolls the board's seven columns in their region, as any wide table
            assert fits["wide"] <= fits["room"], fits


def test_the_board_and_status_say_which_sections_are_late(browser: Browser, make_project: MakeProject,
                                                         tmp_path: Path) -> None:
    """The outline had no day a section is due, so neither the board nor `status` could tell the secretariat
    which sections are late. An entry's `due:` day, once past, marks a section that is not final as late; a final
    one, or one due later, is not; a missing one is."""
    paper = PAPER_YAML
    for entry, due in (("intro", "2024-03-31"), ("housing", "2999-12-31"), ("outlook", "2024-03-31")):
        paper = paper.replace(f"  - id: {entry}\n", f"  - id: {entry}\n    due: {due}\n")
    paper += "  - id: budget\n    due: 2024-01-31\n"
    final = section_text("outlook", "Words enough for the outlook, ten of them or a few more.\n", status="final")
    root = make_project({"paper/paper.yaml": paper, "sections/03-outlook.md": final}, git=True)
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    cells = browser.evaluate("""Object.fromEntries([...document.querySelectorAll('#status-board tbody tr')]
        .map(r => [r.cells[1].innerText.split('\\n')[0], r.cells[2].innerText.replace(/\\s+/g, ' ')]))""")
    assert cells == {"Introduction": "draft late due 2024-03-31", "Housing": "draft due 2999-12-31",
                     "Outlook": "final due 2024-03-31", "budget": "missing late due 2024-01-31"}, cells
    late = browser.evaluate("getComputedStyle(document.querySelector('#status-board .late')).color")
    assert late == "rgb(164, 0, 15)", late  # the colour of errors
    status = CliRunner().invoke(app, ["--project", str(root), "status", "--format", "json"])
    rows = {row["id"]: (row["due"], row["late"]) for row in json.loads(status.stdout)}
    assert rows == {"intro": ("2024-03-31", True), "housing": ("2999-12-31", False),
                    "outlook": ("2024-03-31", False), "budget": ("2024-01-31", True)}, rows
    table = CliRunner().invoke(app, ["--project", str(root), "status"]).stdout
    assert "draft, late (due 2024-03-31)" in table and "due 2999" not in table, table


def test_the_board_says_the_day_its_late_is_of(browser: Browser, make_project: MakeProject, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A board read months later said "late" of the day it was built without saying which day that was. It names
    the day, SOURCE_DATE_EPOCH's when set (a reproducible build says what it said then), and judges by it, as does
    `status`; without it, today."""
    paper = PAPER_YAML.replace("  - id: intro\n", "  - id: intro\n    due: 2024-03-31\n") + \
        "  - id: budget\n    due: 2024-01-31\n"
    root = make_project({"paper/paper.yaml": paper}, git=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710460800")  # 2024-03-15T00:00:00Z
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    said = browser.evaluate("""[document.querySelector('section.board > p.made').innerText,
        document.querySelector('section.board time').getAttribute('datetime'),
        Object.fromEntries([...document.querySelectorAll('#status-board tbody tr')]
            .map(r => [r.cells[1].innerText.split('\\n')[0], r.cells[2].innerText.replace(/\\s+/g, ' ')]))]""")
    assert said[0].startswith("Made on 15 March 2024: a section is late when"), said
    assert said[1] == "2024-03-15"
    assert said[2]["Introduction"] == "draft due 2024-03-31" and said[2]["budget"] == "missing late due 2024-01-31"
    status = CliRunner().invoke(app, ["--project", str(root), "status", "--format", "json"])
    assert {row["id"]: row["late"] for row in json.loads(status.stdout)}["intro"] is False
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    page_text = page_of(root, tmp_path / "site")
    assert f'<time datetime="{time.strftime("%Y-%m-%d")}">' in page_text  # this machine's day, as `status` judges


def test_a_due_day_the_calendar_does_not_have_is_an_error_at_its_line(make_project: MakeProject) -> None:
    """`due: 2024-02-30` fitted the pattern of a day and passed, and every day after 2024-02-29 found it late."""
    paper = PAPER_YAML.replace("  - id: intro\n", "  - id: intro\n    due: 2024-02-30\n")
    root = make_project({"paper/paper.yaml": paper})
    result = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    found = [d for d in json.loads(result.stdout) if "2024-02-30" in d["message"]]
    assert result.exit_code == 1 and len(found) == 1 and found[0]["path"] == "paper/paper.yaml", result.stdout
    assert found[0]["severity"] == "error" and found[0]["line"] > 1, found


def test_the_top_of_the_board_says_when_errors_stop_the_paper(browser: Browser, make_project: MakeProject,
                                                              tmp_path: Path) -> None:
    """A paper whose byline template does not compile (COE801) was shown as if it were the paper, every byline
    empty, its error listed at the foot of the board under "Other diagnostics". The board now opens by saying that
    errors stop the paper from being assembled, linking to where they are; a paper without one says nothing."""
    clean = site.build(make_project(), tmp_path / "clean").page
    assert clean is not None and "Not ready" not in clean.read_text(encoding="utf-8")
    broken = make_project({"paper/templates/byline.md.j2": "{% if %}\n"})
    page = site.build(broken, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    note = browser.evaluate("""(() => {
        const note = document.querySelector('section.board [role=note]');
        const link = note.querySelector('a');
        const target = document.getElementById(link.getAttribute('href').slice(1));
        return [note.getAttribute('aria-label'), note.innerText, link.innerText,
                target.previousElementSibling.innerText, target.innerText];
    })()""")
    label, text, link, heading, listed = note
    assert label == "Errors in the paper" and text.startswith("Not ready: errors stop the paper"), note
    assert link == "other files of the paper" and heading == "Other diagnostics", note
    assert "paper/templates/byline.md.j2:1: error COE801" in listed, listed
    assert browser.evaluate(CONTRAST_JS) >= 4.5


def test_a_section_with_an_error_says_so_where_it_is_read(browser: Browser, make_project: MakeProject,
                                                          tmp_path: Path) -> None:
    """A section with an error (its lead unknown) was shown in the page as if it were the paper, its byline left
    empty: only the board's Diagnostics column told that it stops the build. The section now says so under its
    title, with its errors, and links to its diagnostics on the board; a section without one says nothing more."""
    housing = section_text("housing", "## The data we need\n\nHomes for all, in ten words or a few more than that.\n",
                           lead="romee")
    root = make_project({"sections/02-housing.md": housing})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    assert browser.problems == []
    notes = browser.evaluate("""[...document.querySelectorAll('section.paper-section')].map(s => {
        const note = s.querySelector('[role=note]');
        return [s.id, note && note.getAttribute('aria-label'), note && note.innerText,
                note && note.querySelector('a[href^="#"]').getAttribute('href')];
    })""")
    by_id = {section_id: rest for section_id, *rest in notes}
    assert by_id["intro"] == [None, None, None] and by_id["outlook"] == [None, None, None], by_id
    label, text, link = by_id["housing"]
    assert label == "Errors in this section" and "Not ready" in text, text
    assert "sections/02-housing.md:4: error COE201 unknown contributor 'romee'" in text, text
    assert browser.evaluate(f"document.getElementById('{link[1:]}').tagName") == "H4"
    assert browser.evaluate(CONTRAST_JS) >= 4.5


LINE_BREAKS_JS = """[...document.querySelectorAll(%s)].map(el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), breaks = [];
    let top = null, last = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (!box) continue;
            if (top !== null && box.top > top + 2) breaks.push(last + '|' + node.data[i]);
            top = box.top;
            last = node.data[i];
        }
    }
    return [el.textContent, breaks];
})"""


def test_the_board_breaks_a_file_s_path_between_the_parts_of_its_name(browser: Browser, make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """A section's path under its title on the board could break anywhere: on a phone the column shrank to its
    title's longest word and "sections/03-participation.md" read "participation." over "md". The path breaks after
    a `/` or `-` only, its column as wide as the longest part of its name."""
    name = "sections/03-participation-and-governance-in-the-member-states.md"
    root = make_project({"sections/03-outlook.md": None,
                         name: section_text("outlook", "Text.\n", title="Outlook")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    for width, height, mobile in ((390, 844, True), (1366, 900, False)):
        browser.load(page.as_uri(), width=width, height=height, mobile=mobile)
        paths = browser.evaluate(LINE_BREAKS_JS % "'#status-board .where'")
        assert [text for text, _ in paths] == ["sections/01-intro.md", "sections/02-housing.md", name]
        assert all(b[0] in "/-" for _, breaks in paths for b in breaks), (width, paths)
        if mobile:
            assert paths[2][1], paths  # a phone does break it, where it may


def test_a_section_with_many_diagnostics_keeps_the_board_a_table_and_its_messages_the_column_s_width(
        browser: Browser, make_project: MakeProject, tmp_path: Path) -> None:
    """A section with many diagnostics had them all in the board's last column: at 1366 px their messages wrapped in
    a quarter of the board, the row grew thousands of pixels tall, and on a phone they lay outside the screen. The
    column says how many there are and links to the section's list under the board, as wide as the page's column."""
    body = "## Colors\n\n" + "".join(f"We organize the color of center {i} and analyze it.\n\n" for i in range(10))
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook",
                                                                contributors="[anct, nowhere]")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    for width, height, mobile in ((1366, 900, False), (390, 844, True)):
        browser.load(page.as_uri(), width=width, height=height, mobile=mobile)
        seen = browser.evaluate("""(() => {
            const board = document.querySelector('#status-board'), main = document.querySelector('main');
            const left = main.getBoundingClientRect().left;
            const row = [...board.tBodies[0].rows].find(r => r.textContent.includes('Outlook'));
            const link = row.cells[6].querySelector('a');
            const list = document.querySelector(link.getAttribute('href'));
            const items = [...list.nextElementSibling.querySelectorAll('li')];
            return {said: row.cells[6].textContent.trim(), row: row.getBoundingClientRect().height,
                    heading: list.textContent, items: items.map(li => li.textContent),
                    narrowest: Math.min(...items.map(li => li.getBoundingClientRect().right - left)),
                    room: main.clientWidth, page: document.documentElement.scrollWidth};
        })()""")
        assert seen["said"] == "1 error, 41 warnings" and "Outlook" in seen["heading"], seen["said"]
        assert len(seen["items"]) == 42 and "COE201 unknown contributor 'nowhere'" in seen["items"][0]
        assert seen["row"] < (250 if mobile else 120), seen["row"]  # a row (a card), not a wall of messages
        assert seen["narrowest"] >= 0.9 * seen["room"] and seen["page"] <= width, seen
        if SHOTS:
            (SHOTS / f"board-{width}.png").write_bytes(browser.screenshot((0, 0, width, 1400)))


def test_a_picture_in_a_table_cell_takes_a_column_s_share(browser: Browser, make_project: MakeProject,
                                                            tmp_path: Path) -> None:
    """A picture in a table cell showed at its full size and squeezed the other columns, where the .docx gives a
    column of pictures at most 2 inches; one in a paragraph is at most the text's width."""
    body = ("## Pictures\n\n| City | Map | Notes |\n|---|---|---|\n| Rome | ![Map of Rome](map.png) | The map "
            "shows the districts that the housing programme covers first. |\n\nIn the text: ![Map](map.png)\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook"),
                         "sections/map.png": tiny_png(1600, 400)})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri(), width=1280, height=900)
    widths = browser.evaluate("[...document.querySelectorAll('main img')].filter(i => i.alt.startsWith('Map'))"
                              ".map(i => i.getBoundingClientRect().width)")
    text = browser.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert len(widths) == 2 and 0 < widths[0] <= 192 and 0 < widths[1] <= text, (widths, text)


def test_the_browser_check_sees_console_errors(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><title>x</title><script>console.error("boom")</script>'
                    '<img src="absent.png" alt="gone">')
    browser.load(page.as_uri())
    assert any("boom" in p for p in browser.problems) and any("absent.png" in p for p in browser.problems)


CONTRAST_JS = """
(() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                       if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  let worst = 21;
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
    worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  return worst;
})()
"""


def test_serve_rebuilds_and_reloads_after_a_saved_edit(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    assert server.httpd.server_address[0] == "127.0.0.1"
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        page = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        page.request("GET", "/")
        first = page.getresponse().read().decode()
        assert "EventSource" in first and "Homes for all" in first
        events = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        events.request("GET", "/_coe/events")
        stream = events.getresponse()
        assert stream.readline() == b": connected\n"
        housing = root / "sections/02-housing.md"
        housing.write_text(housing.read_text().replace("Homes for all", "Homes for everyone"), encoding="utf-8")
        _wait_for_reload(stream)
        page.request("GET", "/index.html")
        assert "Homes for everyone" in page.getresponse().read().decode()
    finally:
        server.stop()
    shutil.rmtree(tmp_path / "site", ignore_errors=True)  # how fast: bench/bench_startup.py


def test_serve_names_the_files_an_edit_changed_not_an_editors_temporary_one(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """`sed -i` (as editors that save through a temporary file) makes a file beside the section, writes it and
    renames it over the section: serve's log named that file too ('sections/sedgfmGML'), gone by then."""
    root = make_project(git=True)
    seen: list[list[str]] = []
    server = PreviewServer(root, tmp_path / "site", port=0, on_build=lambda rebuilt: seen.append(rebuilt.changed))
    server.start()
    try:
        subprocess.run(["sed", "-i", "s/Homes for all/Homes for everyone/", "sections/02-housing.md"], cwd=root,
                       check=True)
        _wait_for_batch(seen, "sections/02-housing.md")
        intro = root / "sections/01-intro.md"  # then an edit of another file: its batch comes after any later one
        intro.write_text(intro.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")  # of sed's
        _wait_for_batch(seen, "sections/01-intro.md")
    finally:
        server.stop()
    names = {name for changed in seen for name in changed}
    assert names == {"sections/02-housing.md", "sections/01-intro.md"}, seen


def _wait_for_batch(seen: list[list[str]], name: str) -> None:
    """Wait until a rebuild whose changes name `name` is in `seen` (PATIENCE seconds at most)."""
    deadline = time.monotonic() + PATIENCE
    while not any(name in changed for changed in seen):
        assert time.monotonic() < deadline, f"no rebuild for {name}: {seen}"
        time.sleep(0.02)


def _wait_for_reload(stream: http.client.HTTPResponse) -> None:
    """Read the reload events' stream until it says reload: PATIENCE seconds at most, however many keep-alive
    lines come meanwhile (each read of a line has that long too)."""
    deadline = time.monotonic() + PATIENCE
    while (line := stream.readline()) != b"data: reload\n":
        assert line and time.monotonic() < deadline, f"no reload event (last line {line!r})"


def _edit_and_read(server: PreviewServer, path: Path, old: str, new: str) -> str:
    """Save an edit, wait for the reload event, and return the page then served."""
    host, port = server.httpd.server_address[:2]
    events = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
    events.request("GET", "/_coe/events")
    stream = events.getresponse()
    assert stream.readline() == b": connected\n"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    _wait_for_reload(stream)
    events.close()
    page = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
    page.request("GET", "/")
    return page.getresponse().read().decode()


def test_serve_shows_why_the_paper_cannot_be_built_rather_than_the_page_before(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """A contributors.yaml or paper.yaml broken by an edit builds no page: the browser reloaded the page of the
    build before, as if the edit had changed nothing, and the error was in the terminal alone. A paper broken from
    the start showed an empty folder's listing."""
    root = make_project(git=True)
    (root / "contributors.yaml").write_text("organisations: [\n", encoding="utf-8")
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        page = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        page.request("GET", "/")
        first = page.getresponse().read().decode()
        assert "The paper cannot be built" in first and "contributors.yaml:" in first and "COE001" in first
        assert "EventSource" in first and "Directory listing" not in first
        mended = _edit_and_read(server, root / "contributors.yaml", "organisations: [\n", CONTRIBUTORS_YAML)
        assert "Homes for all" in mended and "cannot be built" not in mended
        broken = _edit_and_read(server, root / "paper/paper.yaml", "title: Test Paper", "title: [Test Paper")
        assert "The paper cannot be built" in broken and "Homes" not in broken
        assert re.search(r"paper/paper.yaml:1:8: error COE001 YAML syntax error: the list opened here", broken)
        assert "Homes for all" in _edit_and_read(server, root / "paper/paper.yaml", "title: [Test", "title: Test")
    finally:
        server.stop()


def test_serve_rebuilds_after_an_edit_to_a_templates_folder_paper_yaml_names(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """serve rebuilt only for paper/, sections/, contributors.yaml and .mailmap: a paper whose templates folder
    (or a picture, or a term list) is elsewhere in the project kept showing the old page after an edit there. The
    build folder beside the site still triggers nothing but for the built documents."""
    paper = PAPER_YAML.replace("templates: paper/templates", "templates: tpl")
    root = make_project({"paper/paper.yaml": paper, "tpl/byline.md.j2": "Drafted by the first group.\n"}, git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        page = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        page.request("GET", "/")
        assert "Drafted by the first group." in page.getresponse().read().decode()
        seen = server.generation.value
        byline = root / "tpl/byline.md.j2"
        byline.write_text(byline.read_text(encoding="utf-8").replace("first", "second"), encoding="utf-8")
        assert server.generation.wait_past(seen, timeout=PATIENCE) > seen, "no rebuild"
        page.request("GET", "/")
        assert "Drafted by the second group." in page.getresponse().read().decode()
    finally:
        server.stop()
    assert not server._relevant(str(tmp_path / "site/index.html"))
    assert not server._relevant(str(tmp_path / ".site-123-abcd/index.html"))
    assert not server._relevant(str(root / "build/site/index.html"))
    assert not server._relevant(str(root / ".git/index"))


@pytest.mark.skipif(not Path("/usr/share/hunspell/en_GB.dic").is_file(), reason="needs hunspell-en-gb")
def test_serve_keeps_watching_after_a_link_loop_appears(make_project: MakeProject, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A link that leads to itself appearing in the project (`ln -s x.md x.md`, an editor's or a tool's) made the
    watcher's resolve() raise RuntimeError: the watcher thread ended, and no later edit was shown."""
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    looked_at = threading.Event()  # the watcher asked whether the loop matters: the edit comes in a later batch
    relevant = server._relevant

    def watched(path: str) -> bool:
        if path.endswith("09-loop.md"):
            looked_at.set()
        return relevant(path)

    monkeypatch.setattr(server, "_relevant", watched)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        events = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        events.request("GET", "/_coe/events")
        stream = events.getresponse()
        assert stream.readline() == b": connected\n"
        (root / "sections/09-loop.md").symlink_to("09-loop.md")
        assert looked_at.wait(PATIENCE), "the watcher never saw the link"
        housing = root / "sections/02-housing.md"
        housing.write_text(housing.read_text().replace("Homes for all", "Homes for everyone"), encoding="utf-8")
        _wait_for_reload(stream)
    finally:
        server.stop()


def test_serve_shows_each_edit_with_what_the_warm_server_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """The server keeps modules, compiled templates and the spelling dictionary between rebuilds: successive edits
    must still each show, with the spelling finding a new word brings and without the one an edit removed."""
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    try:
        housing = root / "sections/02-housing.md"
        first = _edit_and_read(server, housing, "Homes for all", "Homes for all the zorbleglimps")
        assert "zorbleglimps" in first
        assert re.search(r"COE721[^<]*zorbleglimps", first), "the new word's spelling finding is on the board"
        second = _edit_and_read(server, housing, "the zorbleglimps", "the neighbourhoods")
        assert "Homes for all the neighbourhoods" in second
        assert "zorbleglimps" not in second
        third = _edit_and_read(server, root / "sections/01-intro.md", "serves everyone", "serves every resident")
        assert "serves every resident" in third
        assert "Homes for all the neighbourhoods" in third  # an edit elsewhere keeps this one
    finally:
        server.stop()


def test_the_site_s_folder_is_made_as_any_new_folder_is(make_project: MakeProject, tmp_path: Path) -> None:
    """The site's folder is the temporary folder it was built in, renamed: tempfile makes those 0700 whatever the
    umask, so a web server running as another user was refused the published preview (403)."""
    root = make_project()
    umask = os.umask(0o022)
    try:
        built = site.build(root, tmp_path / "site")
        again = site.build(root, tmp_path / "site")
    finally:
        os.umask(umask)
    assert built.page is not None and again.page is not None
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    assert all(path.stat().st_mode & 0o777 in (0o644, 0o755) for path in (tmp_path / "site").rglob("*"))
    assert sorted(path.name for path in tmp_path.iterdir()) == [root.name, "site"]  # nothing left beside it


def test_preview_writes_neither_out_of_the_project_by_a_link_nor_into_its_own_files(make_project: MakeProject,
                                                                                  tmp_path: Path) -> None:
    """A committed `build -> /elsewhere` link made preview write (and replace) a site there, which assemble refuses
    (COE005); `-o sections/site` wrote the site among the sections, which assemble refuses for its document
    (COE007). A folder outside the project named as it is stays the user's choice."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_project(git=True)
    (root / "build").symlink_to(elsewhere, target_is_directory=True)
    built = site.build(root)
    assert built.page is None and list(elsewhere.iterdir()) == []
    served = CliRunner().invoke(app, ["--project", str(root), "serve", "--port", "0"])
    assert served.exit_code == 1 and "error COE005 the site's folder build/site leads outside" in served.stderr
    assert list(elsewhere.iterdir()) == []  # serve refused before making its folder there
    assert [d.code for d in built.diagnostics if d.severity == "error"] == ["COE005", "COE005"]  # and assemble's
    assert any("the site's folder build/site leads outside the project" in d.message for d in built.diagnostics)
    (root / "build").unlink()
    inside = site.build(root, root / "sections/site")
    assert inside.page is None and not (root / "sections/site").exists()
    assert [d.message for d in inside.diagnostics if d.code == "COE007"] == [
        f"-o {root / 'sections/site'} would overwrite the paper's own files (sections)"]
    served = CliRunner().invoke(app, ["--project", str(root), "serve", "--port", "0", "-o", str(root / "paper/site")])
    assert served.exit_code == 1 and "COE007" in served.stderr and not (root / "paper/site").exists()
    assert site.build(root, tmp_path / "mine").page is not None


def test_preview_never_replaces_a_folder_or_file_it_did_not_write(make_project: MakeProject, tmp_path: Path) -> None:
    """`preview -o sections` removed every section file (the folder was replaced whole), `-o notes.txt` moved the
    file aside to a hidden `.notes.txt-old`, and `-o` onto a pipe hung: each is now COE006, nothing touched."""
    root = make_project(git=True)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    before = sorted(p.name for p in (root / "sections").iterdir())
    for target in (root / "sections", root, notes, pipe):
        started = time.monotonic()
        result = CliRunner().invoke(app, ["--project", str(root), "preview", "-o", str(target)])
        assert time.monotonic() - started < 30
        assert result.exit_code == 1, (target, result.output)
        assert f"{target}: error COE006" in result.stderr
    assert sorted(p.name for p in (root / "sections").iterdir()) == before
    assert notes.read_text(encoding="utf-8") == "mine\n" and os.path.isfile(root / "paper/paper.yaml")
    assert sorted(p.name for p in tmp_path.iterdir() if p != root) == ["notes.txt", "pipe"]
    site_dir = tmp_path / "site"
    for _ in range(2):  # its own earlier output is replaced, as before
        assert CliRunner().invoke(app, ["--project", str(root), "preview", "-o", str(site_dir)]).exit_code == 0
    assert (site_dir / "index.html").is_file()


def test_serve_answers_a_path_with_a_nul_byte_without_a_traceback(
    make_project: MakeProject, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """`GET /%00` (any page a browser has open may send it) printed a traceback in serve's terminal and got no
    answer: opening the path raised ValueError, which the file handler does not expect."""
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        for method, path in (("GET", "/%00"), ("HEAD", "/images/%00.png"), ("GET", "/index.html%00")):
            connection = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
            connection.request(method, path)
            assert connection.getresponse().status == 404, (method, path)
            connection.close()
    finally:
        server.stop()
    assert "Traceback" not in capfd.readouterr().err


def test_serve_answers_only_requests_that_name_this_machine(make_project: MakeProject, tmp_path: Path) -> None:
    """A page elsewhere whose host name is made to point at 127.0.0.1 (DNS rebinding) sends its own name as Host:
    the preview refuses it (403), and serves requests that name localhost or the address it listens on."""
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        answers = {}
        for name in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port}", f"localhost:{port}", "[::1]"):
            connection = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
            connection.request("GET", "/", headers={"Host": name})
            answers[name] = connection.getresponse().status
            connection.close()
    finally:
        server.stop()
    assert answers == {"evil.example": 403, f"evil.example:{port}": 403, f"127.0.0.1:{port}": 200,
                       f"localhost:{port}": 200, "[::1]": 200}


def test_serve_lets_a_request_that_stops_sending_go(make_project: MakeProject, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection that sent half its request headers and then nothing held a thread of the server for ever (the
    handler had no timeout): it is closed once it has kept the server waiting that long, and others are served."""
    import socket

    from coe_paper import serve

    monkeypatch.setattr(serve, "REQUEST_SECONDS", 0.5, raising=False)
    server = PreviewServer(make_project(git=True), tmp_path / "site", port=0)
    server.start()
    try:
        host, port = server.httpd.server_address[:2]
        with socket.create_connection((str(host), port), timeout=PATIENCE) as stalled:  # a server that held it
            stalled.sendall(b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n")  # for ever times this out
            assert stalled.recv(1024) == b""  # closed by the server, no answer
        connection = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        connection.request("GET", "/index.html")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.stop()


def _answers(server: PreviewServer, paths: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """The status of GET and HEAD of each path; no body holds a folder's listing or a file from outside the site."""
    host, port = server.httpd.server_address[:2]
    answers = {}
    for method, path in itertools.product(("GET", "HEAD"), paths):
        connection = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read()
        answers[method, path] = response.status
        assert b"not for the browser" not in body and b"Directory listing" not in body, (method, path)
        connection.close()
    return answers


def test_serve_lists_no_folder(make_project: MakeProject, tmp_path: Path) -> None:
    """`GET /images/` listed the files of the pictures' folder: a folder without a page is 404, as a file that is
    not there; the site's page and pictures are served."""
    server = PreviewServer(make_project(git=True), tmp_path / "site", port=0)
    server.start()
    try:
        picture = next((tmp_path / "site" / "images").iterdir()).name
        answers = _answers(server, ("/images/", "/images", "/", f"/images/{picture}"))
    finally:
        server.stop()
    assert answers == {(method, path): 404 if path.startswith("/images") and not path.endswith(".png") else 200
                       for method, path in answers}
    assert sorted(set(answers.values())) == [200, 404]


def test_serve_follows_no_link_out_of_the_site(make_project: MakeProject, tmp_path: Path) -> None:
    """A symbolic link in the site's folder to a file or folder elsewhere was followed and the file served: it is
    404; a link to a page of the site itself is served."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not for the browser\n")
    (elsewhere / "page.html").write_text("<html><body>not for the browser</body></html>\n")
    server = PreviewServer(make_project(git=True), tmp_path / "site", port=0)
    server.start()
    try:
        served = tmp_path / "site"
        (served / "secret.txt").symlink_to(elsewhere / "secret.txt")
        (served / "page.html").symlink_to(elsewhere / "page.html")
        (served / "out").symlink_to(elsewhere)
        (served / "same.html").symlink_to(served / "index.html")
        answers = _answers(server, ("/secret.txt", "/page.html", "/out/secret.txt", "/out/page.html", "/same.html"))
    finally:
        server.stop()
    assert answers == {(method, path): 200 if path == "/same.html" else 404 for method, path in answers}


def test_serve_listens_on_the_ipv6_loopback(make_project: MakeProject, tmp_path: Path) -> None:
    """`serve --host ::1` failed: "Address family for hostname not supported" (the server's socket was IPv4)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    root = make_project(git=True)
    for given in ("::1", "[::1]"):
        server = PreviewServer(root, tmp_path / "site", host=given, port=0)
        server.start()
        try:
            port = server.httpd.server_address[1]
            assert server.url == f"http://[::1]:{port}/"
            answers = {}
            for name in (f"[::1]:{port}", f"evil.example:{port}"):
                connection = http.client.HTTPConnection("::1", port, timeout=PATIENCE)
                connection.request("GET", "/", headers={"Host": name})
                answers[name] = connection.getresponse().status
                connection.close()
        finally:
            server.stop()
        assert answers == {f"[::1]:{port}": 200, f"evil.example:{port}": 403}, given


def test_serve_on_a_port_taken_leaves_no_folder_behind(make_project: MakeProject, tmp_path: Path) -> None:
    """The port is taken: the server says so (OSError, which the command prints) and makes no empty site folder."""
    import socket

    root = make_project(git=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            PreviewServer(root, tmp_path / "site", port=taken.getsockname()[1])
    assert not (tmp_path / "site").exists()


def test_serve_refuses_a_port_out_of_range_as_a_usage_error(make_project: MakeProject) -> None:
    """`serve --port 70000` (or -1) ended in an OverflowError traceback from bind()."""
    root = make_project(git=True)
    for port in ("70000", "-1"):
        result = CliRunner().invoke(app, ["--project", str(root), "serve", "--port", port])
        assert result.exit_code == 2, (port, result.output, result.exception)
        assert "--port" in result.stderr and "Traceback" not in result.output


def test_serve_refuses_an_empty_host_rather_than_listening_on_every_interface(make_project: MakeProject) -> None:
    """`serve --host ""` (a variable that is not set) bound to every interface, as the empty address means to
    the socket: the preview must not listen beyond this machine unless an address says so."""
    root = make_project(git=True)
    for host in ("", " "):
        result = CliRunner().invoke(app, ["--project", str(root), "serve", "--host", host, "--port", "0"])
        assert result.exit_code == 2, (host, result.output, result.exception)
        assert "--host" in result.stderr


def test_a_page_asked_for_while_the_site_is_swapped_is_served_not_404(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild moves the old folder aside, then the new one in: a request between the two (a reload after one of
    two quick saves) got 404, a page with no reload script, which the preview then stayed on. The gap stays open
    until the request is there, looking for its file while the swap is under way (or, should it never look, until
    it is answered)."""
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    server.start()
    aside, asked, swapping = threading.Event(), threading.Event(), server.swapping
    in_gap: list[bool] = []  # each time a request looked for its file: whether the swap was under way
    replace = os.replace

    class Watched:
        """The server's swap lock, as the requests take it: says when one comes to it."""

        def __enter__(self) -> None:
            in_gap.append(swapping.locked())
            asked.set()
            swapping.acquire()

        def __exit__(self, *_: object) -> None:
            swapping.release()

    def slow_replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        replace(source, target)
        if Path(source) == tmp_path / "site":  # the old site is aside: the gap before the new one is moved in
            aside.set()
            asked.wait(PATIENCE)  # a deadline only a hang reaches

    monkeypatch.setattr(server.httpd.RequestHandlerClass.func, "swapping", Watched())
    monkeypatch.setattr(site.os, "replace", slow_replace)
    rebuild = threading.Thread(target=server.build, args=[["sections/02-housing.md"]])
    try:
        rebuild.start()
        assert aside.wait(PATIENCE)
        host, port = server.httpd.server_address[:2]
        page = http.client.HTTPConnection(str(host), port, timeout=PATIENCE)
        page.request("GET", "/")
        response = page.getresponse()
        status, text = response.status, response.read().decode()
    finally:
        asked.set()  # the gap closes, whatever became of the request
        rebuild.join()
        server.stop()
    assert status == 200 and "Homes for all" in text
    assert in_gap[:1] == [True], "the request came after the swap"


def test_serve_refuses_a_folder_the_preview_may_not_replace_and_serves_nothing(make_project: MakeProject) -> None:
    """`serve -o .` (or -o sections) built no site (COE006) but went on serving that folder: the repository, .git
    included, with directory listings, on a port every local program can reach; the error itself was not shown."""
    root = make_project(git=True)
    for target in (root, root / "sections"):
        started = time.monotonic()
        result = CliRunner().invoke(app, ["--project", str(root), "serve", "--port", "0", "-o", str(target)])
        assert time.monotonic() - started < 30
        assert result.exit_code == 1, (target, result.output, result.exception)
        assert f"{target}: error COE006" in result.stderr


def test_the_page_template_is_compiled_once_a_process(make_project: MakeProject, tmp_path: Path) -> None:
    """`serve` rebuilt the site on every saved edit and compiled the page's template each time, which took as long
    as rendering every section of the bundled paper."""
    root = make_project(git=True)
    site.build(root, tmp_path / "site")
    compiled = site._page_template.cache_info().misses
    for _ in range(2):
        site.build(root, tmp_path / "site")
    assert site._page_template.cache_info().misses == compiled


def test_a_heading_in_a_quote_list_item_or_footnote_is_bold_text_as_in_the_word_document(
        make_project: MakeProject, tmp_path: Path) -> None:
    """The .docx shows such a heading as bold text where it stands; the preview made it a heading of the page (in
    its outline, with an id a link could reach although validate reports that link, COE601)."""
    body = ("## Charts\n\n> ### Quoted heading\n>\n> Quoted text.\n\n- #### Item heading\n\n  Item text.\n\n"
            "A claim[^note].\n\n[^note]: The note.\n\n    ## Note heading\n\n    More of the note.\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = page_of(root, tmp_path / "site")
    for text in ("Quoted heading", "Item heading", "Note heading"):
        assert re.search(rf"<p>\s*<strong>{text}</strong></p>", page), text
        assert not re.search(rf"<h\d[^>]*>\s*{text}", page), text
    assert 'id="quoted-heading"' not in page


def test_nested_lists_are_numbered_as_the_word_document_numbers_them(browser: Browser, make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """Word numbers a list by its depth among all the lists around it, of either kind: 1., a., i., then again
    (ooxml_parts.ORDERED); a browser numbered every nested ordered list 1, 2, 3. A footnote's list starts at the
    first depth, as in the .docx."""
    body = ("## Lists\n\n1. one\n   1. alpha\n      1. roman\n         1. back to numbers\n            - bullet\n\n"
            "> - quoted bullet\n>   1. quoted alpha\n\nA claim[^note].\n\n[^note]: The note.\n\n    1. note item\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = site.build(root, tmp_path / "site").page  # type: ignore[union-attr]
    assert page is not None
    browser.load(page.as_uri())
    styles = browser.evaluate("Object.fromEntries([...document.querySelectorAll('section#outlook li')].map(li => "
                              "[li.firstChild.textContent.trim() || li.textContent.trim().split('\\n')[0], "
                              "getComputedStyle(li).listStyleType]))")
    assert styles["one"] == "decimal" and styles["alpha"] == "lower-alpha", styles
    assert styles["roman"] == "lower-roman" and styles["back to numbers"] == "decimal", styles
    assert styles["bullet"] == "circle", styles  # Word's bullets by depth: a dot, a circle, a square, again
    assert styles["quoted alpha"] == "lower-alpha" and styles["note item"] == "decimal", styles


def test_a_deeply_nested_list_or_quote_keeps_room_for_its_words_on_a_phone(browser: Browser, make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    """Each nested list took 40 px more and each quote 80 px, as on a desktop: on a phone the ninth level of a list
    had room for two letters a line, and a fifth quote for none. On a phone they indent by less; on a desktop as
    before."""
    items, indent = [], ""
    for level in range(9):
        marker = "1." if level % 2 == 0 else "-"
        items.append(f"{indent}{marker} Level {level + 1} item, with words to wrap when the room gets narrow.\n")
        indent += " " * (len(marker) + 1)
    quotes = "> " * 5 + "A quote five deep, with words to wrap when the room gets narrow.\n"
    body = "## Depth\n\n" + "".join(items) + "\n" + quotes
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    room = """[...document.querySelectorAll('section#outlook :is(li, blockquote > p)')]
        .filter(e => /Level 9|five deep/.test(e.firstChild.textContent))
        .map(e => Math.round(e.getBoundingClientRect().width))"""
    browser.load(page.as_uri(), width=390, height=844, mobile=True)
    phone = browser.evaluate(room)
    assert len(phone) == 2 and min(phone) >= 150, phone
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    browser.load(page.as_uri(), width=1366, height=900)
    desktop = browser.evaluate(room)
    assert browser.evaluate("getComputedStyle(document.querySelector('section#outlook ol')).paddingLeft") == "40px"
    assert min(desktop) >= 400, desktop


def test_deep_quotes_and_lists_keep_their_words_in_the_preview(make_project: MakeProject, tmp_path: Path) -> None:
    """The preview's parser kept markdown-it's own limit of 20 levels: a quote 20 deep or a list 10 deep (each level
    of a list counts twice) showed empty boxes, where the .docx, whose parser allows 100, had every word."""
    quote = "> " * 20 + "deep quote words\n"
    items = "".join("  " * level + f"- level {level + 1}\n" for level in range(9)) + "  " * 9 + "- tenth level words\n"
    body = f"## Depth\n\n{quote}\n{items}"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")})
    page = page_of(root, tmp_path / "site")
    assert "deep quote words" in page and "tenth level words" in page


def test_an_output_outside_the_project_is_reported_not_a_traceback(make_project: MakeProject, tmp_path: Path) -> None:
    """`output: ../x.docx` in paper.yaml: validate and assemble said COE005; preview and serve ended in a traceback
    (the page's downloads asked where the .docx was). The page is made, without downloads, and COE005 said."""
    root = make_project({"paper/paper.yaml": PAPER_YAML.replace("output: build/test-paper.docx",
                                                                "output: ../outside.docx")})
    result = CliRunner().invoke(app, ["--project", str(root), "preview", "-o", str(tmp_path / "site")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "error COE005 output: '../outside.docx' points outside the project" in result.stderr, result.output
    assert (tmp_path / "site/index.html").is_file()
