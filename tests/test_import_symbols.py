"""`coe-paper import` of characters a draft gives by their code in the Symbol font (Insert > Symbol: a Greek letter, a
sign such as ≤ or ±): Word writes the font's own code (`w:char="F061"`), which is no Unicode character; the
character it shows is kept, as pandoc reads it; they were left out ("dropped symbol of the font Symbol")."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _run


def _sym(font: str, code: str) -> str:
    return f'<w:r><w:sym w:font="{font}" w:char="{code}"/></w:r>'


def test_symbol_font_characters_are_kept_as_the_characters_they_show(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    para = (f"{_run('The ')}{_sym('Symbol', 'F062')}{_run(' coefficient ')}{_sym('Symbol', 'F0A3')}{_run(' 0.5 ')}"
            f"{_sym('Symbol', 'F0B1')}{_run(' 0.1, ')}{_sym('Symbol', 'F0B7')}{_run(' ')}{_sym('Symbol', 'F06C')}"
            f"{_run('T ')}{_sym('Symbol', 'F0AE')}{_run(' 2 ')}{_sym('Symbol', 'F0B0')}{_run('C.')}")
    draft = _body_draft(tmp_path, f"<w:p>{para}</w:p><w:p>{_run('A bracket piece ')}{_sym('Symbol', 'F0E6')}</w:p>")
    shown = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(draft)],
                           capture_output=True, text=True, check=True).stdout
    assert "The \u03b2 coefficient \u2264 0.5 \u00b1 0.1, \u2022 \u03bbT \u2192 2 \u00b0C." in shown
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().split("\n\n") == ["The \u03b2 coefficient \u2264 0.5 \u00b1 0.1, \u2022 \u03bbT \u2192 2 "
                                          "\u00b0C.", "A bracket piece"]
    assert "warning COE903 dropped symbol of the font Symbol: 1" in result.stderr  # the bracket's piece alone
