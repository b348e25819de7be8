"""Pictures in the assembled .docx where they are easy to get wrong: in footnotes (a part with relationships of its
own), from files python-docx cannot read, and taller than a page."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from typer.testing import CliRunner

from coe_paper import pipeline
from coe_paper.cli import app
from conftest import PAPER_YAML, MakeProject, git_commit, require_client, section_text, tiny_png

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build(root: Path) -> zipfile.ZipFile:
    result = pipeline.assemble(root, root / "out.docx")
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    return zipfile.ZipFile(result.output)


def relationships(package: zipfile.ZipFile, rels: str) -> dict[str, tuple[str, str]]:
    """The relationships in `rels` by id: (type, target)."""
    if rels not in package.namelist():
        return {}
    root = etree.fromstring(package.read(rels))
    return {str(rel.get("Id")): (str(rel.get("Type")), str(rel.get("Target"))) for rel in root.iter(f"{{{PKG_REL}}}*")}


def test_a_footnote_names_its_picture_and_link_through_its_own_relationships(make_project: MakeProject) -> None:
    """The ids of a picture (`r:embed`) and of a link (`r:id`) in a footnote are looked up in the footnotes part's
    relationships, not the document's: without them Word, LibreOffice and pandoc lose the picture and the link."""
    body = ("## Notes\n\nA claim.[^n]\n\n"
            "[^n]: See ![a dot](../paper/images/dot.png) and [the survey](https://example.org/notes).\n")  # fmt: skip
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)  # fmt: skip
    package = build(root)
    notes = etree.fromstring(package.read("word/footnotes.xml"))
    used = {value for node in notes.iter() for key, value in node.attrib.items() if key.startswith(f"{{{R}}}")}
    assert len(used) == 2
    own = relationships(package, "word/_rels/footnotes.xml.rels")
    document = relationships(package, "word/_rels/document.xml.rels")
    assert {r_id: own.get(r_id) for r_id in used} == {r_id: document[r_id] for r_id in used}
    assert {target for _, target in own.values()} >= {"media/image1.png", "https://example.org/notes"}


def test_a_logo_python_docx_cannot_read_shows_its_alt_text(make_project: MakeProject) -> None:
    """A damaged logo (a PNG cut short) stops a build (COE505), but the older revision a comparison reads is not
    validated: there it shows its alt text, as a missing picture does, rather than ending the build with
    python-docx's error."""
    config = PAPER_YAML + "cover:\n  logos:\n    - path: paper/images/logo.png\n      alt: Partnership logo\n"
    root = make_project({"paper/paper.yaml": config, "paper/images/logo.png": tiny_png(5, 5)[:20]}, git=True)
    (root / "paper/images/logo.png").write_bytes(tiny_png(5, 5))
    git_commit(root, "Export the logo again")
    result = pipeline.compare(root, "HEAD~1", root / "changes.docx")
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    document = etree.fromstring(zipfile.ZipFile(result.output).read("word/document.xml"))
    assert "[Partnership logo]" in "".join(document.itertext())  # the older cover's, a tracked deletion


@pytest.mark.parametrize("path", ["paper/images/logo.png", "../logo.png", "/tmp/logo.png"])
def test_a_logo_outside_the_project_is_coe503_not_missing(make_project: MakeProject, tmp_path: Path,
                                                          path: str) -> None:  # fmt: skip
    """A cover logo linked out of the project, or written as a path out of it, exists: it was reported as "not
    found" (COE501); it is refused as a section's image is (COE503), saying why."""
    (tmp_path / "elsewhere.png").write_bytes(tiny_png(5, 5))
    config = PAPER_YAML + f"cover:\n  logos:\n    - path: {path}\n      alt: Partnership logo\n"
    root = make_project({"paper/paper.yaml": config})
    if path == "paper/images/logo.png":
        (root / "paper/images").mkdir(parents=True, exist_ok=True)
        (root / path).symlink_to(tmp_path / "elsewhere.png")
    found = [d for d in pipeline.check(root).diagnostics if d.code.startswith("COE50")]
    assert [(d.code, d.path, d.line) for d in found] == [("COE503", "paper/paper.yaml", 21)], found
    assert "outside the project" in found[0].message or "absolute path" in found[0].message


def test_a_picture_in_a_list_item_or_a_table_cell_fits_the_room_it_has(make_project: MakeProject) -> None:
    """A wide picture is as wide as the text at most: in a list item, the text less the item's indent (it had run
    past the right margin); in a table cell, the cell's width less its margins (LibreOffice had cut it off)."""
    body = ("## Pictures\n\n1. An item with a chart:\n\n   ![A wide chart](../paper/images/wide.png)\n\n"
            "| Logo | What it stands for |\n|---|---|\n"
            "| ![A wide logo](../paper/images/wide.png) | The partnership's logo, shown beside its description. |\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/wide.png": tiny_png(2400, 600)})  # fmt: skip
    document = etree.fromstring(build(root).read("word/document.xml"))
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    sizes = []
    for inline in document.iter(f"{{{wp}}}inline"):
        if not inline.find(f"{{{wp}}}docPr").get("descr", "").startswith("A wide"):  # type: ignore[union-attr]
            continue
        cx = int(inline.find(f"{{{wp}}}extent").get("cx"))  # type: ignore[union-attr]
        ext = next(e for e in inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ext"))
        assert int(ext.get("cx")) == cx  # the picture's own size agrees with its frame
        cell = next((a for a in inline.iterancestors(f"{{{W}}}tc")), None)
        if cell is not None:
            room = int(cell.find(f"{{{W}}}tcPr/{{{W}}}tcW").get(f"{{{W}}}w")) - 216  # type: ignore[union-attr]
        else:
            p = next(inline.iterancestors(f"{{{W}}}p"))
            room = 9072 - int(p.find(f"{{{W}}}pPr/{{{W}}}ind").get(f"{{{W}}}left"))  # type: ignore[union-attr]
        sizes.append((cx, room * 635))
    assert len(sizes) == 2 and all(cx <= room for cx, room in sizes), sizes


def test_a_tall_figure_fits_its_page_with_its_caption(make_project: MakeProject) -> None:
    """A picture was scaled to the text's width only: a tall chart (30 by 900 pixels, 12.5 inches at 72 dpi) kept
    its height, taller than the page. Word cut it off at the foot of the page; LibreOffice shrank it to the page and
    set its caption alone on the next. It is now scaled to share a page with its caption, within the margins."""
    require_client("soffice")
    body = ("## Reach\n\nThe members reported their reach.\n\n"
            '![A tall chart](../paper/images/tall.png "Reach of the measures by city")\n\nMore words follow.\n')
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction"),
                         "paper/images/tall.png": tiny_png(30, 900)}, git=True)  # fmt: skip
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(root / "build/test-paper.docx"))
    page = document.sections[0]
    room = page.page_height - page.top_margin - page.bottom_margin
    shapes = [shape for shape in document.inline_shapes if shape.height > shape.width]
    assert len(shapes) == 1 and shapes[0].height < room, (shapes[0].height, room)
    pdf = root / "build/test-paper.pdf"
    listed = subprocess.run([require_client("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                            timeout=300, check=True).stdout.splitlines()[2:]  # fmt: skip
    tall = [row.split() for row in listed if int(row.split()[4]) > int(row.split()[3])]
    assert len(tall) == 1
    on_page = int(tall[0][0])
    text = subprocess.run([require_client("pdftotext"), "-f", str(on_page), "-l", str(on_page), "-enc", "UTF-8",
                           str(pdf), "-"], capture_output=True, text=True, timeout=300, check=True).stdout  # fmt: skip
    assert "Figure 1: Reach of the measures by city" in " ".join(text.split())
