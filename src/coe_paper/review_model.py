"""What `comments` reads from a reviewed .docx (review.py reads it, follow.py moves it to where the sources are
now, review_format.py prints it): the sections the document knows, comments with their replies, tracked changes, and
the place in a section file each one is at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SectionRef:
    """A section as the reviewed document knows it (index = order in the document)."""

    index: int
    id: str
    path: str
    title: str = ""
    digest: str = ""  # marks.section_digest of the file the document was built from ("": not recorded)


@dataclass(frozen=True)
class Place:
    """Where something sits: a section and a 1-based source line (None when outside sections or unknown)."""

    section: SectionRef | None = None
    line: int | None = None
    since: str = ""  # "changed" or "deleted" when the sources moved on since the build and the line with them


@dataclass
class Comment:
    id: str
    author: str
    initials: str
    date: str
    text: str
    anchor: str = ""
    place: Place = field(default_factory=Place)
    resolved: bool = False
    replies: list[Comment] = field(default_factory=list)
    order: int = 1 << 30  # position in the document, for sorting
    reaches: list[Place] = field(default_factory=list)  # where it goes on into further sections: each one's first line
    starts: str = ""  # "outside" (the title page, contents) or "byline": where it starts, before the place it is at
    note: tuple[int, int] | None = None  # begun in a footnote: as Change.note
    lost: Lost | None = None  # begun in a body paragraph without its `_Coe` bookmark: what may tell its line


@dataclass(frozen=True)
class Lost:
    """A paragraph a comment starts in that has no `_Coe` bookmark: LibreOffice drops a paragraph's bookmark when
    a comment starts where it is (a comment over a whole list item or code block), and the comment is then read at
    the last bookmark before it. The paragraph's text, the lines of the bookmarks around it in its section (below:
    None at the section's end) and every line of the section that has its bookmark, for `follow` to find the block
    of the built text that lost it."""

    text: str
    above: int
    below: int | None
    seen: frozenset[int]


@dataclass(frozen=True)
class Change:
    kind: str  # "insertion", "deletion" or "formatting"
    author: str
    date: str
    text: str
    place: Place
    order: int = 0
    note: tuple[int, int] | None = None  # in a footnote: the section's how-many-th citation, the note's paragraph
    lost: Lost | None = None  # in a paragraph without its bookmark that a comment starts in: as Comment.lost


@dataclass
class Review:
    file: str
    commit: str
    mapping: str  # "bookmarks", "headings" or "none"
    sections: list[SectionRef]
    comments: list[Comment]
    changes: list[Change]


def all_comments(comments: list[Comment]) -> Iterator[Comment]:
    """Every comment and every reply, depth first."""
    for comment in comments:
        yield comment
        yield from all_comments(comment.replies)
