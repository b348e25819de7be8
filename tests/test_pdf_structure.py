"""The tagged PDF's structure, as LibreOffice writes it from the .docx and poppler (`pdfinfo -struct-text`) reads it:
a list nested in an item is a list inside that item (L in LI), whether it is of its list's kind or not (bullets in a
numbered item), and its numbers start again in each item."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from typer.testing import CliRunner

from coe_paper import layout
from coe_paper.cli import app
from conftest import MakeProject, assembled_intro, require_client
from test_import_pandoc import _pandoc3

NESTED = """\
## Lists

Bullets in bullets:

- alpha item
  - beta nested
- gamma item

Numbers in numbers:

1. one item
   1. one first
   2. one second
2. two item
   1. two first

   Between two lists of the same item.

   1. two again

Bullets in numbers:

1. first step
   - a bullet
2. second step
   - another bullet
"""


def structure(docx: Path, out: Path) -> list[str]:
    """The PDF's structure tree, a line a node or text, indented by depth; attributes left out."""
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(docx, out)
    assert pdf is not None, problem
    tree = subprocess.run([require_client("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [line for line in tree.splitlines() if not line.lstrip().startswith(("/", "Object"))]


def block(lines: list[str], first: str, last: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if first in line)
    return lines[start + 1:next(i for i, line in enumerate(lines) if last in line and i > start)]


def depth(line: str) -> int:
    return len(line) - len(line.lstrip())


def test_a_nested_list_is_tagged_inside_its_item(make_project: MakeProject, tmp_path: Path) -> None:
    _, docx = assembled_intro(make_project, tmp_path, NESTED)
    lines = structure(docx, tmp_path)
    bullets = block(lines, '"Bullets in bullets:"', '"Numbers in numbers:"')
    lists = [line for line in bullets if line.strip() == "L (block)"]
    assert len(lists) == 2 and depth(lists[1]) > depth(lists[0]), "\n".join(bullets)  # one list, one inside it
    alpha, beta = (next(depth(line) for line in bullets if word in line) for word in ("alpha", "beta"))
    assert beta > alpha
    numbers = block(lines, '"Numbers in numbers:"', '"Bullets in numbers:"')
    labels = [line.strip().strip('"') for line in numbers if re.fullmatch(r'"(\d+|[a-z])\."', line.strip())]
    assert labels == ["1.", "a.", "b.", "2.", "a.", "a."], "\n".join(numbers)  # each nested list starts again
    mixed = block(lines, '"Bullets in numbers:"', "H1 (block)")
    lists = [line for line in mixed if line.strip() == "L (block)"]
    assert len(lists) == 3 and len({depth(line) for line in lists}) == 2, "\n".join(mixed)  # two inside one
    labels = [line.strip().strip('"') for line in mixed if re.fullmatch(r'"(\d+\.|\u25e6)"', line.strip())]
    assert labels == ["1.", "\u25e6", "2.", "\u25e6"], "\n".join(mixed)


def test_bullets_are_read_as_the_characters_they_show(make_project: MakeProject, tmp_path: Path) -> None:
    """A bullet was Word's old Symbol-font character (U+F0B7, in Unicode's private use area), a deeper one a letter
    'o' in Courier New and a third Wingdings' U+F0A7: the PDF's text, copied or read aloud, gave a character no font
    of the reader's has, or the letter o, for each bullet, and its tagged list items the same. Bullets are now
    Unicode's bullet, white bullet and small square, in the text's own font, as the preview shows them."""
    body = "## Levels\n\n- first level\n  - second level\n    - third level\n      - fourth level\n"
    root, _ = assembled_intro(make_project, tmp_path, body)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf", "-o", str(tmp_path / "p.docx")])
    assert result.exit_code == 0, result.output
    text = subprocess.run([require_client("pdftotext"), "-layout", str(tmp_path / "p.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    shown = {line.split()[1]: line.split()[0] for line in text.splitlines() if line.strip().endswith(" level")}
    assert shown == {"first": "\u2022", "second": "\u25e6", "third": "\u25aa", "fourth": "\u2022"}, shown
    assert not re.search("[\ue000-\uf8ff]", text)
    tree = subprocess.run([require_client("pdfinfo"), "-struct-text", str(tmp_path / "p.pdf")], capture_output=True,
                          text=True, check=True).stdout
    lines = [line.strip() for line in tree.splitlines()]
    labels = [lines[i - 1].strip('"') for i, line in enumerate(lines) if line.endswith(' level"')]
    assert labels == ["\u2022", "\u25e6", "\u25aa", "\u2022"], "\n".join(lines)


BLOCKS = """\
## Kinds of block

```
code block line one
```

Table: Answers by member

| Member | Answer |
|---|---|
| Rome | Yes |
"""


def tags(docx: Path, out: Path) -> Callable[[str], str]:
    """The tag of the element nearest above a text in the PDF's structure tree."""
    lines = [line.strip() for line in structure(docx, out)]

    def tag_of(text: str) -> str:
        at = lines.index(f'"{text}"')
        return next(line for line in reversed(lines[:at]) if not line.startswith('"'))

    return tag_of


def test_the_contents_title_is_a_heading_that_word_does_not_list(make_project: MakeProject, tmp_path: Path) -> None:
    """"Contents" was tagged a plain P: it is an H1 (its outline level), which Word's own table of contents does not
    list for that when it refreshes it (no TOC \\u switch)."""
    _, docx = assembled_intro(make_project, tmp_path, BLOCKS)
    assert tags(docx, tmp_path)("Contents") == "H1 (block):"
    instructions = "".join(t.text or "" for t in Document(str(docx)).element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
    assert "TOC " in instructions and "\\u" not in instructions


def test_captions_and_code_are_tagged_as_what_they_are(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice tags by a style's name: Word's "caption" was a plain P and a code block plain text. A caption is
    a Caption (its style named "Caption"), a code block's text Code (its runs in "Source Text")."""
    _, docx = assembled_intro(make_project, tmp_path, BLOCKS)
    tag_of = tags(docx, tmp_path)
    assert tag_of("code block line one") == "Code (inline)"
    assert tag_of("Table ") == "Caption:"
    assert [p.style.name for p in Document(str(docx)).paragraphs if p.text.startswith("Table 1")] == ["Caption"]


QUOTES = """\
## Voices

A member said:

> Outer quote words.
>
> > Inner quote words.
>
> Outer again words.

After the quote.
"""


def pandoc_quote_depths(docx: Path) -> dict[str, int]:
    """Each paragraph's text in pandoc's reading of the .docx, with how many block quotes hold it."""
    ast = json.loads(subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "json", str(docx)],
                                    capture_output=True, text=True, check=True).stdout)
    depths: dict[str, int] = {}

    def walk(blocks: list[dict[str, Any]], depth: int) -> None:
        for node in blocks:
            if node["t"] == "BlockQuote":
                walk(node["c"], depth + 1)
            elif node["t"] == "Para":
                depths["".join(i.get("c", " ") if i["t"] == "Str" else " " for i in node["c"])] = depth

    walk(ast["blocks"], 0)
    return depths


def test_quotes_are_tagged_block_quotes_and_pandoc_still_reads_them_as_quotes(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    """LibreOffice tags a paragraph BlockQuote only in its style "Quotations": quotes in Word's "Quote" were plain
    P. They are in "Quotations", based on "Quote": Word shows them as the template's quotes, and pandoc reads them
    as it did, the inner quote in as many block quotes as the outer."""
    _, docx = assembled_intro(make_project, tmp_path, QUOTES)
    tag_of = tags(docx, tmp_path)
    for text in ("Outer quote words.", "Inner quote words.", "Outer again words."):
        assert tag_of(text) == "BlockQuote:", text
    assert tag_of("After the quote.") == "P (block):"
    styles = {p.text: p.style for p in Document(str(docx)).paragraphs}
    style = styles["Inner quote words."]
    assert style is not None and style.name == "Quotations" and style.base_style is not None
    assert style.base_style.name == "Quote"
    depths = pandoc_quote_depths(docx)
    assert depths["A member said:"] == depths["After the quote."] == 0
    assert depths["Outer quote words."] >= 1 and depths["Inner quote words."] >= depths["Outer quote words."]


PARAGRAPHS = """\
## Steps

Lead text here.

1. First item words.

   Second paragraph of first item.

2. Second item words.

   - Nested bullet words.

     Nested continuation words.

   Outer continuation words.

3. Third item words.

After the list.
"""

def pandoc_items(pandoc: str, docx: Path) -> list[list[str]]:
    """The items of the first ordered list in pandoc's reading of the .docx: each item's paragraphs' texts (a nested
    list's paragraphs included)."""
    ast = json.loads(subprocess.run([pandoc, "-f", "docx", "-t", "json", str(docx)], capture_output=True, text=True,
                                    check=True).stdout)

    def texts(blocks: list[dict[str, Any]]) -> list[str]:
        found: list[str] = []
        for node in blocks:
            if node["t"] in ("Para", "Plain"):
                found.append("".join(i.get("c", " ") if i["t"] == "Str" else " " for i in node["c"]))
            elif node["t"] == "BlockQuote":
                found += [f"> {text}" for text in texts(node["c"])]
            elif node["t"] == "CodeBlock":
                found.append(f"code: {node['c'][1]}")
            elif node["t"] in ("BulletList", "OrderedList"):
                items = node["c"] if node["t"] == "BulletList" else node["c"][1]
                found += [text for item in items for text in texts(item)]
        return found

    ordered = [node for node in ast["blocks"] if node["t"] == "OrderedList"]
    assert len(ordered) == 1, [node["t"] for node in ast["blocks"]]
    return [texts(item) for item in ordered[0]["c"][1]]


def list_in_pdf(make_project: MakeProject, tmp_path: Path, body: str) -> tuple[Path, list[str]]:
    """The .docx of a section with `body`, and the tagged PDF's structure of `assemble --pdf` between "Lead text
    here." and "After the list.", which holds one list and one list nested in it (two L)."""
    require_client("soffice")
    root, docx = assembled_intro(make_project, tmp_path, body)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf", "-o", str(tmp_path / "p.docx")])
    assert result.exit_code == 0, result.output
    tree = subprocess.run([require_client("pdfinfo"), "-struct-text", str(tmp_path / "p.pdf")], capture_output=True,
                          text=True, check=True).stdout
    lines = [line for line in tree.splitlines() if not line.lstrip().startswith(("/", "Object"))]
    steps = block(lines, '"Lead text here."', '"After the list."')
    assert [line.strip() for line in steps if line.strip() == "L (block)"] == ["L (block)"] * 2, "\n".join(steps)
    return docx, steps


def test_an_items_later_paragraph_stays_in_the_item(make_project: MakeProject, tmp_path: Path) -> None:
    """An item's second paragraph ended the list: the tagged PDF read L, P, L and pandoc two lists with a paragraph
    between. In the PDF of `assemble --pdf` each later paragraph is in its item's LBody (the nested item's in the
    nested one), the list is one L with its numbers running on; pandoc 2 and 3 read one list of three items."""
    docx, steps = list_in_pdf(make_project, tmp_path, PARAGRAPHS)
    assert sum(line.strip() == "LI (block)" for line in steps if depth(line) == depth(steps[1])) == 3
    first, second = (next(depth(line) for line in steps if word in line) for word in ("First item", "Second par"))
    assert first == second, "\n".join(steps)  # a P beside the first in the same LBody
    nested, continued = (next(depth(line) for line in steps if word in line) for word in ("Nested bul", "Nested con"))
    assert nested == continued > first and next(depth(line) for line in steps if "Outer cont" in line) == first
    labels = [line.strip().strip('"') for line in steps if re.fullmatch(r'"\d\."', line.strip())]
    assert labels == ["1.", "2.", "3."]
    for pandoc in (require_client("pandoc"), _pandoc3()):
        items = pandoc_items(pandoc, docx)
        assert items[0] == ["First item words.", "Second paragraph of first item."], (pandoc, items)
        assert items[1][:3] == ["Second item words.", "Nested bullet words.", "Nested continuation words."]
        assert items[2] == ["Third item words."] and "Outer continuation words." in items[1], (pandoc, items)


QUOTES_AND_CODE = """\
## Steps

Lead text here.

1. First item words.

   > Quoted in the item.

   ```
   code in the item
   ```

2. Second item words.

   - Nested bullet words.

   > Quote after the nested list.

3. Third item words.

After the list.
"""


def test_a_quote_or_code_block_in_an_item_stays_in_the_item(make_project: MakeProject, tmp_path: Path) -> None:
    """A quote or a code block in an item ended the list: the tagged PDF read L, BlockQuote, P, L and pandoc two
    lists with a quote between. In the PDF each stays in its item's LBody (a quote after a nested list in the outer
    item's, not the nested one's) and the list is one L; pandoc 2 and 3 read them inside the item."""
    docx, steps = list_in_pdf(make_project, tmp_path, QUOTES_AND_CODE)
    assert all(depth(line) > depth(steps[0]) for line in steps[1:-1]), "\n".join(steps)  # all in the one L
    quotes = [depth(line) for line in steps if line.strip() == "BlockQuote:"]
    code = next(i for i, line in enumerate(steps) if "code in the item" in line)
    first = next(depth(line) for line in steps if "First item" in line)
    assert quotes == [first - 2] * 2, "\n".join(steps)  # beside the item's P in its LBody, as the P of the code
    assert steps[code - 1].strip() == "Code (inline)" and depth(steps[code - 2]) == first - 2
    labels = [line.strip().strip('"') for line in steps if re.fullmatch(r'"\d\."', line.strip())]
    assert labels == ["1.", "2.", "3."]
    for pandoc in (require_client("pandoc"), _pandoc3()):
        items = pandoc_items(pandoc, docx)
        assert items[0] == ["First item words.", "> Quoted in the item.", "code: code in the item"], (pandoc, items)
        assert items[1][:2] == ["Second item words.", "Nested bullet words."], (pandoc, items)
        assert "> Quote after the nested list." in items[1] and items[2] == ["Third item words."], (pandoc, items)
