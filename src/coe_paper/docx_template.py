"""The paper's template .docx opened for a build: bounded as a reviewer's file is, and refused when it holds what
would run or fetch anything (macros, ActiveX, external data, fields that fetch), part by part as it is read."""

from __future__ import annotations

import io
from typing import cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.part import XmlPart
from docx.package import Package
from docx.parts.document import DocumentPart

from .safedocx import DocxError, check_package, parse_xml, refuse_active, refuse_dtd, refuse_fetching_fields

#: The parts of a template whose text Word shows besides its headers and footers (which python-docx parses).
_STORIES = tuple(f"wordprocessingml.{kind}+xml" for kind in ("footnotes", "endnotes", "comments", "document.glossary"))


def open_template_document(template: bytes) -> Document:
    """The template's document, each of its parts checked; DocxError saying why it cannot be used."""
    check_package(template, "the template")  # the zip-bomb bounds, before python-docx inflates every part
    main = Package.open(io.BytesIO(template)).main_document_part
    if main.content_type != CT.WML_DOCUMENT_MAIN:  # a .docm or .dotx renamed .docx: python-docx's message
        label = f"the template: {main.partname.lstrip('/')}"  # named the address of its stream in memory
        refuse_active(label, main.content_type, [])
        raise DocxError(f"{label} is '{main.content_type}', not a Word document's; save the template as a "
                        "Word document (.docx)")
    document: Document = cast(DocumentPart, main).document
    package = document.part.package
    refuse_active("the template", "", [(r.reltype, r.target_ref, r.is_external) for r in package.rels.values()])
    for part in package.iter_parts():  # each is written back as it was read
        label = f"the template: {part.partname.lstrip('/')}"
        refuse_active(label, part.content_type, [(r.reltype, r.target_ref, r.is_external) for r in part.rels.values()])
        xml = part.element if isinstance(part, XmlPart) else None
        if xml is not None or part.content_type.endswith("xml"):
            refuse_dtd(label, xml, b"" if xml is not None else part.blob)
        if xml is None and part.content_type.endswith(_STORIES):  # python-docx reads them as bytes
            xml = parse_xml(part.blob, label)
        if xml is not None:
            refuse_fetching_fields(label, xml)
    return document
