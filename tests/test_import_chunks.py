"""`coe-paper import` of a draft whose text is an alternative format chunk (`w:altChunk`): tools that make a .docx
from a web page (html-docx-js, some content management systems) write the page as an HTML or web archive part that
Word converts when it opens the file. The words of such a chunk are kept as plain paragraphs; a chunk in a format
that is not read (RTF) is named. Both were one 'dropped embedded content' and every word of the draft was lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_PAGE = (b'<!DOCTYPE html><html><head><title>Not shown</title><style>p { color: red }</style></head><body>'
         b"<h1>Safe streets</h1><p>Rents rose by a third =E2=80=94 in ten&nbsp;years.</p><ul><li>Light the paths</li>"
         b'<li>Open the parks</li></ul><table><tr><th>City</th><th>Share</th></tr><tr><td>Rome</td><td>12</td></tr>'
         b'</table><script>var hidden = "not shown";</script></body></html>')
_ARCHIVE = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"; boundary="----=mhtPart"\r\n\r\n'
            b'------=mhtPart\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable'
            b"\r\nContent-Location: file:///C:/fake/document.html\r\n\r\n" + _PAGE + b"\r\n\r\n------=mhtPart--\r\n")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"


def _chunked(folder: Path, name: str, data: bytes) -> Path:
    chunk = '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdK"/>'
    draft = _body_draft(folder, f"<w:p>{_run('Before the page.')}</w:p>{chunk}")
    _set_part(draft, f"word/{name}", data)
    _relate(draft, f'<Relationship Id="rIdK" Target="{name}" Type="{_REL}"/>')
    return draft


def test_the_words_of_an_html_chunk_are_kept(make_project: MakeProject, tmp_path: Path) -> None:
    draft = _chunked(tmp_path, "afchunk.mht", _ARCHIVE)
    shown = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout
    assert "Rents" not in shown  # pandoc reads no chunk either
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().split("\n\n") == ["Before the page.", "Safe streets", "Rents rose by a third \u2014 in ten "
                                          "years.", "Light the paths", "Open the parks", "City Share", "Rome 12"]
    assert ("dropped embedded content in another format (its words kept as plain paragraphs; its headings, lists "
            "and formatting left out: open the draft in Word and save it") in result.stderr


def test_a_chunk_whose_format_is_not_read_is_named(make_project: MakeProject, tmp_path: Path) -> None:
    result, text = _import(make_project(NO_OUTLOOK), _chunked(tmp_path, "chunk.rtf", rb"{\rtf1\ansi Rents rose.}"))
    assert result.exit_code == 0, result.stderr
    assert (split_front_matter(text) or ("", "", 0))[1].strip() == "Before the page."
    assert ("dropped embedded content (an RTF document, 'chunk.rtf') whose words are left out: open the draft in Word "
            "and save it, which makes it part of the document, then import it again: 1") in result.stderr
