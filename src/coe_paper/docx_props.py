"""What the document's properties (File > Info in Word) say, and their writing into its core properties part."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .zipout import utc_naive

if TYPE_CHECKING:
    from docx.opc.coreprops import CoreProperties


@dataclass(frozen=True)
class Properties:
    """What the file's properties (File > Info in Word) say."""

    title: str
    subject: str
    language: str
    status: str
    version: str
    identifier: str
    date: datetime | None
    author: str = ""
    keywords: Sequence[str] = ()
    custom: Sequence[tuple[str, str]] = ()


def fill_core_properties(core: CoreProperties, props: Properties) -> None:
    """Write `props` into the core properties part, revision 1 and last modified by coe-paper: the same sources give
    the same part."""
    core.title = props.title
    core.subject = props.subject
    core.language = props.language
    core.content_status = props.status
    core.version = props.version
    core.identifier = props.identifier
    core.author = props.author
    core.last_modified_by = "coe-paper"
    core.revision = 1
    core.keywords = "; ".join(props.keywords)
    core.comments = ""
    if props.date is not None:
        core.created = core.modified = utc_naive(props.date)
