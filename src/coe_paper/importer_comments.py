"""The comments of a member's Word draft, which a section has no place for: each is named in its own warning, by
who wrote it, the words it is on and the first words it says, so that the member can find it and answer it; past
the first COMMENTS_LISTED, the rest are counted in one warning."""

from __future__ import annotations

from . import wordblocks as wb
from .diagnostics import clipped, count

COMMENTS_LISTED = 20  # comments named in a warning each


def comment_warnings(doc: wb.WordDocument) -> list[tuple[str, str]]:
    """The COE902 warnings of a draft's comments, as message and hint: one a comment for the first
    COMMENTS_LISTED, then one counting the rest (a draft of hundreds of comments printed hundreds of warnings)."""
    messages = comment_messages(doc)
    found = [(message, "answer it in the draft before importing, or in the section")
             for message in messages[:COMMENTS_LISTED]]
    if len(messages) > COMMENTS_LISTED:
        found.append((f"{count(len(messages) - COMMENTS_LISTED, 'more comment')} dropped, not listed one by one",
                      "open the draft in Word to read them all (Review > Next), and answer them before importing"))
    return found


def comment_messages(doc: wb.WordDocument) -> list[str]:
    """A message per comment of the draft (replies included), in the order of the comments part."""
    anchored: dict[str, list[str]] = {}
    stories = [doc.blocks, *doc.notes.values()]
    for para in (p for story in stories for p in wb.paragraphs(story)):
        shown = [run for run in para.runs if run.comments and (run.rev is None or run.rev.kind != "del")]
        for cid in {cid for run in shown for cid in run.comments}:
            words = "".join(run.text.replace(wb.OBJECT, "") for run in shown if cid in run.comments)
            anchored.setdefault(cid, []).append(words)
    out = []
    for comment in doc.comments:
        author = clipped(" ".join(comment.author.split()), 40) or "someone unnamed"
        words = " ".join(" ".join(anchored.get(comment.id, [])).split())  # a paragraph's words after another's
        on = f" on '{clipped(words, 40)}'" if words else ""
        said = " ".join(comment.text.split())
        out.append(f"comment by {author}{on} dropped: '{clipped(said, 80)}'" if said else
                   f"comment by {author}{on} dropped (it has no words)")
    return out
