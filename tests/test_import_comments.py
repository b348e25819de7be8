"""`coe-paper import` of a draft with comments, which a section has no place for: each is named in a warning by
who wrote it, the words it is on and what it says (shortened), so that the member can find it; they were only
counted ("2 comments dropped")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx_comments
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_LONG = ("Please give the source of these figures and say which year they describe, since the survey was run "
         "twice and the second round changed its questions")


def _commented(folder: Path) -> Path:
    """A comment on 'a third', and one at a point (no range: as LibreOffice saves a comment on no text)."""
    body = (f'<w:p>{_run("Rents rose by ")}<w:commentRangeStart w:id="0"/>{_run("a third")}<w:commentRangeEnd '
            f'w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>{_run(" in ten years.")}</w:p>'
            f'<w:p>{_run("Wages did not.")}<w:r><w:commentReference w:id="1"/></w:r></w:p>'
            f'<w:p>{_run("Prices ")}<w:commentRangeStart w:id="2"/>{_run("fell.")}</w:p>'
            f'<w:p>{_run("Jobs")}<w:commentRangeEnd w:id="2"/><w:r><w:commentReference w:id="2"/></w:r>'
            f'{_run(" grew.")}</w:p>')
    draft = _body_draft(folder, body)
    _set_part(draft, "word/comments.xml", docx_comments.comments_part([
        docx_comments.comment(0, "Ana Rossi", "2024-03-01T10:00:00Z", "AR", [_LONG]),
        docx_comments.comment(1, "Jean Martin", "2024-03-01T11:00:00Z", "JM", ["Which cities?", "All twelve?"]),
        docx_comments.comment(2, "Lena Schulz", "2024-03-02T08:00:00Z", "LS", ["Say why."])]))
    _relate(draft, '<Relationship Id="rIdCm" Target="comments.xml" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>')
    return draft


def test_each_comment_is_named_by_its_author_place_and_first_words(make_project: MakeProject,
                                                                  tmp_path: Path) -> None:
    draft = _commented(tmp_path)
    shown = subprocess.run([require_client("pandoc"), "--track-changes=all", "-f", "docx", "-t", "plain", str(draft)],
                           capture_output=True, text=True, check=True).stdout
    assert "source of these figures" in shown  # pandoc shows the comment on words, and drops it from its Markdown
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Rents rose by a third in ten years.\n\nWages did not." in text
    assert ("warning COE902 comment by Ana Rossi on 'a third' dropped: 'Please give the source of these figures "
            "and say which year they describe, since\u2026'") in result.stderr
    assert "warning COE902 comment by Jean Martin dropped: 'Which cities? All twelve?'" in result.stderr
    assert "warning COE902 comment by Lena Schulz on 'fell. Jobs' dropped: 'Say why.'" in result.stderr
    assert "comments dropped" not in result.stderr


def test_the_comments_past_the_first_twenty_are_counted_in_one_warning(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """A draft of hundreds of comments printed hundreds of COE902 warnings, burying every other: the first 20 are
    named, one warning each, and the rest counted in one more."""
    body = "".join(f'<w:p>{_run(f"Point {n} ")}<w:commentRangeStart w:id="{n}"/>{_run(f"word{n}")}'
                   f'<w:commentRangeEnd w:id="{n}"/><w:r><w:commentReference w:id="{n}"/></w:r></w:p>'
                   for n in range(25))
    draft = _body_draft(tmp_path, body)
    _set_part(draft, "word/comments.xml", docx_comments.comments_part([
        docx_comments.comment(n, "Ana Rossi", "2024-03-01T10:00:00Z", "AR", [f"Remark number {n}."])
        for n in range(25)]))
    _relate(draft, '<Relationship Id="rIdCm" Target="comments.xml" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>')
    shown = subprocess.run([require_client("pandoc"), "--track-changes=all", "-f", "docx", "-t", "plain", str(draft)],
                           capture_output=True, text=True, check=True).stdout
    assert all(f"Remark number {n}." in shown for n in range(25))  # 25 comments, as pandoc reads the draft
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert all(f"Point {n} word{n}" in text for n in range(25))
    for n in range(25):
        named = f"warning COE902 comment by Ana Rossi on 'word{n}' dropped: 'Remark number {n}.'"
        assert (named in result.stderr) is (n < 20), (n, result.stderr)
    assert result.stderr.count("COE902") == 21
    assert "warning COE902 5 more comments dropped, not listed one by one" in result.stderr
