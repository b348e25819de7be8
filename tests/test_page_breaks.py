"""Where LibreOffice breaks the pages of `assemble --pdf`, read back with poppler: a section's title and byline are
never left at the foot of a page with its text on the next, and a table breaks with two of its rows on each page."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from coe_paper.cli import app
from conftest import PAPER_YAML, MakeProject, require_client, section_text

SECTIONS = 12


def page_texts(pdf: Path) -> list[str]:
    """`pdftotext` of each page (form feeds separate pages), white space collapsed."""
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, timeout=300, check=True).stdout
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def test_a_section_s_title_and_byline_stay_on_the_page_of_its_first_words(make_project: MakeProject) -> None:
    """The title kept with its byline, but the byline kept with nothing: a section whose title fell near a page's
    foot showed its title and byline there, alone, and its text from the next page. Sections of growing length
    bring their titles to every height of a page."""
    require_client("soffice")
    outline = "".join(f"  - id: part{k:02d}\n    required: false\n" for k in range(SECTIONS))
    files = {"paper/paper.yaml": PAPER_YAML.split("outline:\n")[0] + "outline:\n" + outline,
             "sections/01-intro.md": None, "sections/02-housing.md": None, "sections/03-outlook.md": None}
    for k in range(SECTIONS):
        lines = "".join(f"Line {n} of part {k}, which the members wrote.\n\n" for n in range(12 + 5 * k))
        body = f"## Opening{k:02d} words\n\nFirst{k:02d} words of the part.\n\n{lines}"
        files[f"sections/{k + 1:02d}-part{k:02d}.md"] = section_text(f"part{k:02d}", body, title=f"Title{k:02d} part")
    root = make_project(files)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf"])
    assert result.exit_code == 0, result.output
    pages = page_texts(root / "build/test-paper.pdf")

    contents = max(n for n, page in enumerate(pages) if "Contents" in page)

    def page_of(text: str) -> int:
        found = [n for n, page in enumerate(pages) if text in page and n > contents]
        assert found, text
        return found[0]  # the annex names the titles too, after them

    for k in range(SECTIONS):
        title, heading, words = (page_of(f"Title{k:02d} part"), page_of(f"Opening{k:02d} words"),
                                 page_of(f"First{k:02d} words"))
        assert title == heading == words, (k, title, heading, words)


TABLES = 14


def test_a_table_breaks_with_two_rows_at_least_on_either_page(make_project: MakeProject) -> None:
    """A page ended with a table's caption, its header and one row, the rest on the next page. The header and the
    first two rows stay together, and so do the last two: tables after text of growing length come to every height
    of a page, and wherever one breaks, each page holds two of its rows at least. pandoc reads every row."""
    require_client("soffice")
    parts = []
    for k in range(TABLES):
        lines = "".join(f"Line {n} of block {k}, which the members wrote.\n\n" for n in range(2 + k % 5))
        rows = "".join(f"| row{n}t{k:02d} | words of a row |\n" for n in range(6))
        parts.append(f"{lines}Table: Measures of block {k}\n\n| Member | Measure |\n|---|---|\n{rows}\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", "## Tables\n\n" + "".join(parts),
                                                                title="Outlook")})  # no word limit
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf"])
    assert result.exit_code == 0, result.output
    pages = page_texts(root / "build/test-paper.pdf")
    broken = 0  # tables broken over two pages: the text's lengths bring some to a page's foot
    for k in range(TABLES):
        counts = [sum(f"row{n}t{k:02d}" in page for n in range(6)) for page in pages]
        shown = [count for count in counts if count]
        assert sum(shown) == 6, (k, counts)
        if len(shown) > 1:
            broken += 1
            assert min(shown) >= 2, (k, shown)
    assert broken
    text = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(root / "build/test-paper.docx")],
                          capture_output=True, text=True, check=True).stdout
    assert all(f"row{n}t{k:02d}" in text for n in range(6) for k in range(TABLES))


def test_a_short_list_s_last_item_does_not_open_a_page_alone(make_project: MakeProject) -> None:
    """A list's last item could open a page alone, under the page's running head, its list ending on the page
    before. Its last but one item is now kept with it: lists below code blocks of growing length (a paragraph above
    some of them, for the heights between two of its lines) fall at every height of a page, and each last item
    shares its page with the item before it."""
    require_client("soffice")
    parts = range(18)
    outline = "".join(f"  - id: part{k:02d}\n    required: false\n" for k in parts)
    files = {"paper/paper.yaml": PAPER_YAML.split("outline:\n")[0] + "outline:\n" + outline,
             "sections/01-intro.md": None, "sections/02-housing.md": None, "sections/03-outlook.md": None}
    for k in parts:
        code = "".join(f"{n}\n" for n in range(46 + k // 2))
        lead = f"Lead{k} words.\n\n" if k % 2 else ""
        body = f"## Steps{k}\n\n{lead}```\n{code}```\n\n1. First{k} item.\n2. Second{k} item.\n3. Third{k} item.\n\n" \
               f"After{k} the list.\n"
        files[f"sections/{k + 1:02d}-part{k:02d}.md"] = section_text(f"part{k:02d}", body, title=f"Title{k} part")
    root = make_project(files)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf"])
    assert result.exit_code == 0, result.output
    pages = page_texts(root / "build/test-paper.pdf")
    broken = [k for k in parts if any(f"First{k} item" in page for page in pages)
              and not any(f"Second{k} item" in page and f"Third{k} item" in page for page in pages)]
    assert not broken, broken
    assert any(f"First{k} item" in page and f"Second{k} item" not in page for k in parts for page in pages)
