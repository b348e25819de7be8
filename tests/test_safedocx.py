"""Untrusted .docx input: zip bombs, too many entries, XML entities and DTDs, files that are not Word documents.
Each is refused with a clear message (DocxError in the library, exit 1 and no traceback on the command line)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from coe_paper import cli
from coe_paper.review import read_review
from coe_paper.safedocx import DocxError, Limits, open_docx, parse_xml
from conftest import MakeProject, git_commit, require_client
from conftest import cli as coe_paper
from drafts import libreoffice_draft

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
    b'2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>'
)


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    """A package of `entries`, and of the content types every Word document has (unless `entries` gives them)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in {"[Content_Types].xml": CONTENT_TYPES, **entries}.items():
            package.writestr(name, data)
    return path


def xxe_document(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY leak SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>&leak;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def test_minimal_package_opens(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "ok.docx", {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT})
    with open_docx(path) as docx:
        assert docx.main == "word/document.xml"
        assert "".join(docx.xml(docx.main).itertext()) == "Hello"


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        with package.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(200):
                entry.write(chunk)
    assert path.stat().st_size < 2 << 20  # 200 MB of zeros in well under 2 MB
    with pytest.raises(DocxError, match=r"expands \d+ times"):
        open_docx(path)


def test_part_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    big = DOCUMENT.replace(b"Hello", b"x" * 5000)
    path = write_zip(tmp_path / "big.docx", {"word/document.xml": big})
    with open_docx(path, Limits(max_part_size=4096)) as docx, pytest.raises(DocxError, match="more than the"):
        docx.read("word/document.xml")



@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("what", ["paragraphs", "runs"])
def test_a_part_of_more_paragraphs_or_runs_than_a_paper_has_is_refused(tmp_path: Path, encoding: str,
                                                                       what: str) -> None:
    """A draft of a million one-word paragraphs, or one paragraph of a million runs, is a 5 MB file, and took
    minutes (and gigabytes) to read: they are counted in the part's bytes (before its tree is built) and, for a
    part in UTF-16, in the tree."""
    body = "".join(f"<w:p><w:r><w:t>{n}</w:t></w:r></w:p>" for n in range(4))  # with Hello's: 5 of each
    document = DOCUMENT.decode().replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    path = write_zip(tmp_path / "many.docx", {"word/document.xml": document.replace(
        "<w:body>", f"<w:body>{body}").encode(encoding)})
    with open_docx(path, Limits(**{f"max_{what}": 5})) as docx:
        assert len(docx.story("word/document.xml")[0]) == 5  # the body's paragraphs
    with open_docx(path, Limits(**{f"max_{what}": 4})) as docx,  \
            pytest.raises(DocxError, match=f"has more than 4 {what}, more than a Word document may have"):
        docx.story("word/document.xml")

def test_too_many_entries(tmp_path: Path) -> None:
    entries = {f"word/media/{i}.bin": b"" for i in range(Limits().max_entries)}  # with the document and its types
    path = write_zip(tmp_path / "many.docx", {"word/document.xml": DOCUMENT, **entries})
    with pytest.raises(DocxError, match=r"has 5002 entries"):
        open_docx(path)


def test_external_entity_is_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    with pytest.raises(DocxError, match="DTD") as caught:
        parse_xml(xxe_document(secret), "document.xml")
    assert "TOP-SECRET-VALUE" not in str(caught.value)


def test_internal_entity_expansion_is_refused() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;&b;</r>'
    with pytest.raises(DocxError, match="DTD"):
        parse_xml(laughs, "comments.xml")


def test_xxe_in_document_and_in_comments_part(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    in_document = write_zip(tmp_path / "doc-xxe.docx", {"word/document.xml": xxe_document(secret)})
    with pytest.raises(DocxError, match="DTD") as caught:
        read_review(in_document)
    assert "TOP-SECRET-VALUE" not in str(caught.value)
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"'
        b' Target="comments.xml"/></Relationships>'
    )
    comments = xxe_document(secret).replace(b"w:document", b"w:comments")
    in_comments = write_zip(tmp_path / "comments-xxe.docx", {"word/document.xml": DOCUMENT,
                                                             "word/_rels/document.xml.rels": rels,
                                                             "word/comments.xml": comments})
    with pytest.raises(DocxError, match=r"word/comments\.xml declares a DTD"):
        read_review(in_comments)


def test_text_file_renamed_docx(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("These are my review notes, not a Word file.\n")
    with pytest.raises(DocxError, match=r"^notes\.docx is not a Word document \(\.docx\)$"):
        open_docx(path)


def test_an_empty_or_cut_short_file_says_so(tmp_path: Path) -> None:
    """An empty file and a .docx cut short (a download that did not finish: the zip's directory at its end is
    missing) were both only "not a Word document (.docx)", as a text file is, with nothing on what to do."""
    whole = tmp_path / "whole.docx"
    docx.Document().save(str(whole))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    with pytest.raises(DocxError, match=r"^cut\.docx is not a Word document \(\.docx\): it is a zip archive whose "
                       r"end is missing or damaged"):
        open_docx(cut)
    with pytest.raises(DocxError, match=r"^empty\.docx is not a Word document \(\.docx\): it is an empty file"):
        open_docx(empty)
    open_docx(whole).close()


def test_an_office_file_of_another_kind_is_named(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(DocxError, match=r"Office file of an older kind \(not a \.docx\); open it in Word"):
        open_docx(path)


def _compound_file(*streams: str) -> bytes:
    """The start of an OLE compound file whose directory names `streams`, as Word's encrypted package and an old .doc
    have them (their names in UTF-16, 128 bytes an entry)."""
    entries = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in ("Root Entry", *streams))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + entries


def _sent_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """What members send instead of a .docx, each named .docx, and what coe-paper must say it is: an old .doc, an
    OpenDocument text and a PDF as LibreOffice saves them, a zip of a project's section files, a document encrypted
    with a password and one protected with IRM (the streams of Word's encrypted package)."""
    soffice = require_client("soffice")
    made = {fmt: libreoffice_draft(soffice, folder, fmt) for fmt in ("doc", "odt", "pdf")}
    zipped = folder / "sections.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("sections/01-intro.md", "---\nid: intro\n---\nText.\n")
        z.writestr("sections/02-outlook.md", "---\nid: outlook\n---\nText.\n")
    password = folder / "password.bin"
    password.write_bytes(_compound_file("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage",
                                        "StrongEncryptionDataSpace"))
    irm = folder / "irm.bin"
    irm.write_bytes(_compound_file("\x06DataSpaces", "DRMEncryptedDataSpace", "DRMEncryptedTransform",
                                   "EncryptedPackage"))
    said = {"doc": "an old Word 97-2003 document (.doc) renamed .docx; open it in Word or LibreOffice Writer and save "
                   "it as 'Word Document (.docx)'",
            "odt": "an OpenDocument file (.odt) renamed .docx; open it in LibreOffice Writer or Word and save it as",
            "pdf": "a PDF, which keeps the page but not the document's structure; open the document it was made from",
            "zip": "a zip archive of other files (sections/01-intro.md, sections/02-outlook.md), renamed .docx; send "
                   "the document itself",
            "password": "encrypted with a password; open it in Word, clear the password",
            "irm": "protected with Information Rights Management (Restrict Access), which only its author's "
                   "organisation can open; ask the author to lift the restriction"}
    sources = {**made, "zip": zipped, "password": password, "irm": irm}
    sent = {}
    for kind, source in sources.items():
        renamed = folder / f"{kind}-review.docx"
        renamed.write_bytes(source.read_bytes())
        sent[kind] = (renamed, said[kind])
    return sent


@pytest.mark.parametrize("command", ["import", "apply", "comments"])
def test_a_file_sent_for_a_docx_is_named_with_what_to_do(tmp_path: Path, make_project: MakeProject,
                                                          command: str) -> None:
    """A member's .doc, .odt, PDF or zip of section files renamed .docx, or a document encrypted with a password or
    protected with IRM: import, apply and comments each say what the file is and what to do, exit 1, no traceback,
    nothing written. Only import named an OpenDocument file or a PDF; an encrypted document and an old .doc were
    "an old .doc file or a password-protected document", a zip "has no word/document.xml"."""
    root = make_project()
    git_commit(root)
    before = sorted(path for path in root.rglob("*") if ".git" not in path.parts)
    for kind, (sent, said) in _sent_files(tmp_path).items():
        extra = ["--id", "next", "--lead", "rome"] if command == "import" else []
        result = coe_paper("--project", str(root), command, str(sent), *extra)
        assert result.exit_code == 1, (kind, result.output)
        assert f"{sent.name} is not a Word document" in result.stderr and said in result.stderr, (kind, result.stderr)
        assert "Traceback" not in result.output
    assert sorted(path for path in root.rglob("*") if ".git" not in path.parts) == before


def test_zip_without_document_part(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "empty.docx", {"[Content_Types].xml": CONTENT_TYPES, "word/styles.xml": b"<a/>"})
    with pytest.raises(DocxError, match=r"has no word/document\.xml"):
        open_docx(path)


def test_malformed_xml_is_a_clear_error(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "broken.docx", {"word/document.xml": b"<w:document><w:body>"})
    with pytest.raises(DocxError, match="is not well-formed XML"):
        read_review(path)


_DEEP = b"<w:customXml>" * 300 + b"<w:p/>" + b"</w:customXml>" * 300
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LONG = os.urandom(11 * 2**19).hex().encode()  # 11 MB that do not compress as a zip bomb's would


@pytest.mark.parametrize("command", ["comments", "import"])
@pytest.mark.parametrize(("part", "xml", "message"), [
    ("word/document.xml", b"<w:document " + _W + b"><w:body>" + _DEEP + b"</w:body></w:document>",
     "nests its elements more than 256 levels deep (line 1)"),
    ("word/footnotes.xml", b"<w:footnotes " + _W + b"><w:footnote><w:p><w:r><w:t>" + _LONG
     + b"</w:t></w:r></w:p></w:footnote></w:footnotes>",
     "holds a text or value of more than 10 MB in one piece (line 1)"),
])
def test_xml_past_the_parsers_bounds_is_named_by_draft_and_part(tmp_path: Path, make_project: MakeProject,
                                                                command: str, part: str, xml: bytes, message: str
                                                                ) -> None:
    """libxml2 refuses XML nested past 256 levels, or a text of more than 10 MB, in its own words ("use
    XML_PARSE_HUGE option"), an option no one sending a draft can set; the message names the draft and its part."""
    footnotes = '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/' \
        'footnotes" Target="footnotes.xml"/>'
    rels = f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{footnotes}' \
        "</Relationships>"
    entries = {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT, part: xml,
               "word/_rels/document.xml.rels": rels.encode()}
    path = write_zip(tmp_path / "deep.docx", entries)
    project = ["--project", str(make_project())] if command == "import" else []
    more = ["--id", "deep", "--lead", "leipzig"] if command == "import" else []
    result = CliRunner().invoke(cli.app, [*project, command, str(path), *more])
    assert result.exit_code == 1
    assert f"deep.docx: {part} {message}, which no Word document does; refusing to read it" in result.output
    assert "XML_PARSE_HUGE" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", b"plain text", "is not a Word document"),
        ("nodoc.docx", None, "has no word/document.xml"),
    ],
)
def test_cli_rejects_bad_input_without_traceback(tmp_path: Path, name: str, content: bytes | None,
                                                 message: str) -> None:
    path = tmp_path / name
    if content is None:
        write_zip(path, {"word/styles.xml": b"<a/>"})
    else:
        path.write_bytes(content)
    result = CliRunner().invoke(cli.app, ["comments", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", ["comments", "apply", "audit", "import"])
def test_cli_missing_file_or_a_folder_is_a_usage_error(tmp_path: Path, command: str) -> None:
    """A file named on the command line that is not there is a usage error, exit 2, for every command that reads
    one (comments said 1); a folder is named as one (it was "no such file")."""
    extra = ["--id", "next"] if command == "import" else []
    result = CliRunner().invoke(cli.app, [command, str(tmp_path / "absent.docx"), *extra])
    assert result.exit_code == 2
    assert f"{tmp_path / 'absent.docx'}: no such file" in result.output
    assert "Traceback" not in result.output
    folder = CliRunner().invoke(cli.app, [command, str(tmp_path), *extra])
    assert folder.exit_code == 2
    assert f"{tmp_path}: is a folder, not a file" in folder.output


def test_a_draft_sent_in_another_format_under_its_own_name_is_named_as_what_it_is(tmp_path: Path,
                                                                                 make_project: MakeProject) -> None:
    """`import notes.odt` said the file was "an OpenDocument file (.odt) renamed .docx", and a .doc "renamed .docx"
    too, though neither was renamed; a web page saved as .html (or renamed .docx) was only "not a Word document
    (.docx)", with nothing on what to do."""
    soffice = require_client("soffice")
    root = make_project()
    git_commit(root)
    said = {"odt": "it is an OpenDocument file (.odt); open it in LibreOffice Writer or Word and save it as",
            "doc": "it is an old Word 97-2003 document (.doc); open it in Word or LibreOffice Writer and save it as",
            "html": "it is a web page (HTML); open it in Word or LibreOffice Writer and save it as 'Word Document "
                    "(.docx)'"}
    for kind, message in said.items():
        draft = libreoffice_draft(soffice, tmp_path, kind)
        result = coe_paper("--project", str(root), "import", str(draft), "--id", "next", "--lead", "rome")
        assert result.exit_code == 1 and "Traceback" not in result.output, (kind, result.output)
        assert f"{draft.name} is not a Word document (.docx): {message}" in result.stderr, (kind, result.stderr)
        renamed = tmp_path / f"{kind}-sent.docx"
        renamed.write_bytes(draft.read_bytes())
        result = coe_paper("--project", str(root), "import", str(renamed), "--id", "next", "--lead", "rome")
        assert f"{renamed.name} is not a Word document (.docx): {message.replace(');', ') renamed .docx;')}" in \
            result.stderr, (kind, result.stderr)
    assert not (root / "sections/02-next.md").exists()
