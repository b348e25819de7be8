"""Open a .docx that someone else sent: bounded unzipping (entry count, sizes, compression ratio) and an XML
parser that never resolves entities, loads DTDs or touches the network. Anything wrong is a `DocxError`
with a message a reviewer can act on, never a traceback."""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

Element = etree._Element

PACKAGE_RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
REL_CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARAGRAPH, _RUN = f"{{{_W}}}p", f"{{{_W}}}r"
_TAG_P = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")  # a paragraph's start tag (DrawingML's a:p too)
_TAG_R = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?r[\s/>]")  # a run's (DrawingML's a:r, math's m:r too)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and password-protected .docx


class DocxError(Exception):
    """The file cannot be read as a Word document (or is too large to be one)."""


class ContentTypesError(DocxError):
    """The package's [Content_Types].xml is missing, or names a part's or an extension's type twice."""


@dataclass(frozen=True)
class Limits:
    """Bounds that a genuine review copy of the paper stays far inside."""

    max_entries: int = 5000
    max_total_size: int = 512 * 1024 * 1024  # all entries, uncompressed, as the zip declares them
    max_part_size: int = 64 * 1024 * 1024  # one XML part that is actually parsed
    max_ratio: int = 200  # uncompressed / compressed, for entries above ratio_floor
    ratio_floor: int = 1024 * 1024
    max_paragraphs: int = 50_000  # in the document or its notes: a 100-page paper has about 2,500
    max_runs: int = 200_000  # in the document or its notes: a 100-page paper has about 10,000


def xml_parser() -> etree.XMLParser:
    """A parser for XML coe-paper did not write itself: no entities, DTDs or network, no huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class SafeDocx:
    """Read-only view of a .docx package whose parts are checked before they are inflated."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.name = path.name
        self.limits = limits or Limits()
        refuse_other_formats(path, self.limits)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise DocxError(f"{self.name} is not a Word document (.docx){_damaged(path)}") from None
        check_entries(self._zip.infolist(), self.name, self.limits)
        self._entries = {info.filename: info for info in self._zip.infolist()}
        self.main = self._main_part()
        check_content_types(self._entries, self.xml, self.name)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeDocx:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _main_part(self) -> str:
        if PACKAGE_RELS in self._entries:
            for rel_type, target in self.relationships(PACKAGE_RELS):
                if rel_type in (REL_OFFICE_DOCUMENT, REL_STRICT_OFFICE_DOCUMENT) and target in self._entries:
                    return target
        if "word/document.xml" in self._entries:
            return "word/document.xml"
        if not any(name.startswith("word/") for name in self._entries):  # a zip of other files, renamed
            files = sorted(name for name in self._entries if not name.endswith("/"))
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3:,} more" if len(files) > 3 else "")
            raise DocxError(f"{self.name} is not a Word document: it is a zip archive of other files "
                            f"({shown or 'none'}), renamed .docx; send the document itself, saved by Word or "
                            "LibreOffice Writer as .docx")
        raise DocxError(f"{self.name} is not a Word document: it has no word/document.xml")

    def has(self, name: str) -> bool:
        return name in self._entries

    def read(self, name: str) -> bytes:
        """The bytes of one entry, never more than `max_part_size` whatever the zip header claims."""
        info = self._entries.get(name)
        if info is None:
            raise DocxError(f"{self.name} has no part '{name}'")
        limit = self.limits.max_part_size
        if info.file_size > limit:
            raise DocxError(f"{self.name}: part '{name}' is {info.file_size // 2**20} MB, more than the "
                            f"{limit // 2**20} MB allowed")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise DocxError(f"{self.name}: part '{name}' is damaged ({exc})") from None
        if len(data) > limit:
            raise DocxError(f"{self.name}: part '{name}' is larger than the {limit // 2**20} MB allowed")
        return data

    def xml(self, name: str) -> Element:
        """A part parsed without entity resolution, DTD loading or network access."""
        return parse_xml(self.read(name), f"{self.name}: {name}")

    def story(self, name: str) -> Element:
        """A part of text (the document, its footnotes or endnotes) parsed, refused when it holds more paragraphs or
        runs than a paper does: each is read into objects of its own (a paragraph about 2 KB and 0.1 ms; a 7 MB
        draft of 1.7 million one-word paragraphs took minutes and gigabytes, one of a million runs minutes). The
        tags are counted in the bytes first, so that such a part is refused before its tree is built (a gigabyte),
        and in the tree (a part in UTF-16)."""
        data = self.read(name)
        bounds = ((_TAG_P, _PARAGRAPH, "paragraphs", self.limits.max_paragraphs),
                  (_TAG_R, _RUN, "runs", self.limits.max_runs))

        def within(found: Iterator[object], what: str, limit: int) -> None:
            if next(itertools.islice(found, limit, None), None) is not None:
                raise DocxError(f"{self.name}: part '{name}' has more than {limit:,} {what}, more than a Word "
                                "document may have here")

        for in_bytes, _, what, limit in bounds:
            within(in_bytes.finditer(data), what, limit)
        root = parse_xml(data, f"{self.name}: {name}")
        for _, tag, what, limit in bounds:
            within(root.iter(tag), what, limit)
        return root

    def relationships(self, rels_name: str) -> list[tuple[str, str]]:
        """(type, target part name) of the internal relationships in a `.rels` part."""
        base = posixpath.dirname(posixpath.dirname(rels_name))
        found: list[tuple[str, str]] = []
        for rel in self.xml(rels_name).iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            found.append((rel.get("Type", ""), name))
        return found

    def related(self, source: str, rel_type: str) -> str | None:
        """Name of the part that `source` (e.g. the main document) relates to with `rel_type`, if present."""
        directory, filename = posixpath.split(source)
        rels = posixpath.join(directory, "_rels", f"{filename}.rels") if source else PACKAGE_RELS
        if rels not in self._entries:
            return None
        for found_type, target in self.relationships(rels):
            if found_type == rel_type and target in self._entries:
                return target
        return None

    def part_xml(self, source: str, rel_type: str) -> Element | None:
        """The parsed part related to `source` by `rel_type`, or None when the package has none."""
        name = self.related(source, rel_type)
        return self.xml(name) if name else None


def check_entries(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse a package by what its zip directory declares, before anything is inflated (zip bombs)."""
    if len(infos) > limits.max_entries:
        raise DocxError(f"{name} has {len(infos)} entries, more than the {limits.max_entries} a Word "
                        "document may have here")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_size:
        raise DocxError(f"{name} would unpack to {total // 2**20} MB, more than the "
                        f"{limits.max_total_size // 2**20} MB allowed")
    seen: set[str] = set()
    for info in infos:
        part = info.filename
        if part.startswith("/") or ".." in part.split("/"):
            raise DocxError(f"{name} has an entry named '{part[:200]}', a path out of the package that no Word "
                            "document holds; refusing to open it")
        if part.lower() in seen:  # part names are the same whatever their case (ECMA-376 part 2)
            raise DocxError(f"{name} has two entries named '{part[:200]}': readers differ on which one they take, "
                            "so what Word shows need not be what is read here; refusing to open it")
        seen.add(part.lower())
        if info.flag_bits & 0x1:
            raise DocxError(f"{name} has encrypted entries; it is not a plain Word document")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise DocxError(f"{name}: entry '{info.filename}' expands {ratio:.0f} times, which only a zip "
                            "bomb does; refusing to open it")


def check_content_types(entries: Iterable[str], xml: Callable[[str], Element], name: str) -> None:
    """Refuse a package (named `name`; `entries`, its entries' names, `xml`, a part of it parsed) whose
    [Content_Types].xml is missing or names an extension or a part twice: Word does not open it (its parts' types
    are unknown, or ambiguous)."""
    found = next((entry for entry in entries if entry.lower() == CONTENT_TYPES.lower()), None)
    if found is None:
        raise ContentTypesError(f"{name} is not a Word document: it has no {CONTENT_TYPES}, which says what each "
                                "of its parts is; Word does not open it either")
    seen: set[tuple[str, str]] = set()
    for element in xml(found):
        kind, value = ("extension", element.get("Extension", "")) if element.tag == f"{_CT}Default" \
            else ("part", element.get("PartName", "")) if element.tag == f"{_CT}Override" else ("", "")
        if kind and (kind, value.lower()) in seen:
            raise ContentTypesError(f"{name} is not a Word document: its {CONTENT_TYPES} names the {kind} "
                                    f"'{value[:200]}' twice; Word does not open it either")
        seen.add((kind, value.lower()))


def check_package(data: bytes, name: str, limits: Limits | None = None) -> None:
    """The same bounds and [Content_Types].xml for a package held in memory (the paper's own template .docx) as for
    a reviewer's file; as python-docx inflates every part, no part may exceed the size of a part that is parsed."""
    limits = limits or Limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            check_entries(infos, name, limits)
            for info in infos:
                if info.file_size > limits.max_part_size:
                    raise DocxError(f"{name}: part '{info.filename}' is {info.file_size // 2**20} MB, more than the "
                                    f"{limits.max_part_size // 2**20} MB allowed")
            check_content_types(package.namelist(), lambda part: parse_xml(package.read(part), f"{name}: {part}"),
                                name)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        raise DocxError(f"{name} is not a Word document (.docx)") from None


def parse_xml(data: bytes, label: str) -> Element:
    """Parse untrusted XML: a document type declaration (never present in Word's XML) is refused outright."""
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        if getattr(exc, "code", None) == etree.ErrorTypes.ERR_RESOURCE_LIMIT:  # libxml2 names its option
            what = "nests its elements more than 256 levels deep" if "depth" in str(exc).lower() else \
                "holds a text or value of more than 10 MB in one piece"
            raise DocxError(f"{label} {what} (line {exc.lineno}), which no Word document does; refusing to read "
                            "it") from None
        raise DocxError(f"{label} is not well-formed XML ({exc})") from None
    refuse_dtd(label, root)
    return root


#: How a document type declaration starts, in the encodings an XML part may be in.
_DOCTYPE = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def refuse_dtd(label: str, root: Element | None, data: bytes = b"") -> None:
    """A DocxError when a part declares a DTD: `root`, a part parsed (here or by python-docx), or else `data`, the
    bytes of an XML part kept unparsed. Its entities are not resolved, but they would be written back as they are,
    and Word does not open a document whose part names an entity it does not declare."""
    if root is not None:
        docinfo = root.getroottree().docinfo
        declared = bool(getattr(docinfo, "doctype", "")) or docinfo.internalDTD is not None \
            or docinfo.externalDTD is not None
    else:
        declared = any(mark in data for mark in _DOCTYPE)
    if declared:
        raise DocxError(f"{label} declares a DTD, which Word documents never do; refusing to read it")


#: Content a document runs rather than shows: macros, ActiveX controls, embedded programs (OLE objects).
_ACTIVE = ("vbaproject", "vbadata", "activex", "oleobject", "macroenabled")
#: The same, known by the relationship that names it (its content type may say anything: 'application/xml'), and
#: an altChunk, a part in another format (HTML, RTF, a web archive) that Word converts, and fetches what it names,
#: when the paper is opened.
_ACTIVE_RELATIONSHIPS = {"vbaproject": "macros", "wordvbadata": "macros", "oleobject": "an embedded program",
                         "control": "an ActiveX control", "activexcontrolbinary": "an ActiveX control",
                         "afchunk": "content Word converts from another format"}
_HYPERLINK = "/relationships/hyperlink"


def refuse_active(label: str, content_type: str, relationships: Sequence[tuple[str, str, bool]]) -> None:
    """A DocxError when a template's part is content a document runs (macros, ActiveX, an embedded object), names
    such a part or one Word converts on opening (`relationships`: the part's, as type, target and whether it is
    external), or names a part Word would fetch from elsewhere when the document is opened (only a hyperlink,
    which the reader follows, may leave the package): every member would open the paper with the template's
    macros, or send a request to a remote picture or attached template (a network share gives it their Windows
    credentials)."""
    if any(mark in content_type.lower() for mark in _ACTIVE):
        raise DocxError(f"{label} holds macros or an embedded program ({content_type}); refusing to copy it into "
                        "the paper")
    for kind, target, external in relationships:
        name = kind.rsplit("/", 1)[-1]
        if external and not kind.endswith(_HYPERLINK):
            raise DocxError(f"{label} has Word fetch '{target[:200]}' from outside the document (its {name} "
                            "relationship); refusing to copy it into the paper")
        if not external and name.lower() in _ACTIVE_RELATIONSHIPS:
            raise DocxError(f"{label} holds {_ACTIVE_RELATIONSHIPS[name.lower()]} ('{target[:200]}', its {name} "
                            "relationship); refusing to copy it into the paper")


#: Fields that have Word read a file, or run a program, when the document's fields are updated (the paper asks Word
#: to update them when it opens, unless LibreOffice numbered the contents): a picture or text from a server or a
#: network share (which is given the reader's Windows credentials), data from another program (DDE).
_FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO",
                              "DATABASE"})


def refuse_fetching_fields(label: str, root: Element) -> None:
    """A DocxError when a template's part (a header, a footer) holds a field that reads a file or runs a program."""
    from .ooxml_fields import field_name, instructions

    for instruction in instructions(root):
        name = field_name(instruction)
        if name in _FETCHING_FIELDS:
            raise DocxError(f"{label} holds a field that has Word fetch or run what it names when the paper's fields "
                            f"are updated ({' '.join(instruction.split())[:200]}); refusing to copy it into the "
                            "paper")


#: Streams of an OLE compound file that say what it holds, by their names as its directory spells them (UTF-16).
_OLE_KINDS = (
    ("DRMEncrypted".encode("utf-16-le"), "protected with Information Rights Management (Restrict Access), which only "
     "its author's organisation can open; ask the author to lift the restriction (File > Info > Protect Document "
     "> Restrict Access > Unrestricted Access) and send it again"),
    ("EncryptedPackage".encode("utf-16-le"), "encrypted with a password; open it in Word, clear the password (File > "
     "Info > Protect Document > Encrypt with Password, left empty), save it and send it again"),
    ("WordDocument".encode("utf-16-le"), "an old Word 97-2003 document (.doc){renamed}; open it in Word or "
     "LibreOffice Writer and save it as 'Word Document (.docx)'"),
)
_WEB_PAGE = (b"<!doctype html", b"<html")  # how a saved web page starts (after a byte-order mark and white space)


def refuse_other_formats(path: Path, limits: Limits | None = None) -> None:
    """A DocxError that says what the file is and what to do, for a file that is no .docx by its first bytes: a
    password-protected or IRM-protected document, an old .doc, an OpenDocument text, a PDF, an RTF file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
            ole = head.startswith(_OLE_MAGIC)
            data = head + handle.read((limits or Limits()).max_part_size) if ole else head  # its directory
    except OSError as exc:
        raise DocxError(f"cannot read {path}: {exc.strerror or exc}") from None
    what = None
    if ole:
        what = next((kind for name, kind in _OLE_KINDS if name in data),
                    "an Office file of an older kind (not a .docx); open it in Word or LibreOffice Writer and save it "
                    "as 'Word Document (.docx)'")
    elif head.startswith(b"%PDF"):
        what = ("a PDF, which keeps the page but not the document's structure; open the document it was made from "
                "in Word or LibreOffice Writer and save it as 'Word Document (.docx)'")
    elif head.startswith(b"PK") and b"mimetypeapplication/vnd.oasis.opendocument" in head:
        what = ("an OpenDocument file (.odt){renamed}; open it in LibreOffice Writer or Word and save it as "
                "'Word Document (.docx)'")
    elif not head:
        what = "an empty file (0 bytes); ask for the file again"
    elif head.startswith(b"{\\rtf"):
        what = "an RTF file; open it in Word or LibreOffice Writer and save it as 'Word Document (.docx)'"
    elif head.removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(_WEB_PAGE):
        what = ("a web page (HTML){renamed}; open it in Word or LibreOffice Writer and save it as 'Word Document "
                "(.docx)'")
    if what:  # "renamed .docx" only when it is: a draft sent as `notes.odt` is named as what it is
        renamed = " renamed .docx" if path.suffix.lower() == ".docx" else ""
        raise DocxError(f"{path.name} is not a Word document (.docx): it is {what.format(renamed=renamed)}")


def _damaged(path: Path) -> str:
    """What a file that starts as a zip archive but cannot be opened as one is: cut short, most often."""
    try:
        with path.open("rb") as handle:
            zipped = handle.read(4) == b"PK\x03\x04"
    except OSError:
        return ""
    return (": it is a zip archive whose end is missing or damaged (a copy or download that did not finish); ask "
            "for the file again, or open it in Word, which may repair it") if zipped else ""


def open_docx(path: Path, limits: Limits | None = None) -> SafeDocx:
    """Open `path` as an untrusted .docx; raises DocxError with a clear message."""
    return SafeDocx(path, limits)
