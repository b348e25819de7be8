"""`coe-paper import` of raised and lowered text that LibreOffice saves without Word's superscript mark: a
superscript or subscript of its own proportions (what LibreOffice's HTML import makes of <sup> and <sub>, or a
"raise 33%, 80% size" in Format > Character) is w:position with a smaller w:sz, and came in as plain text, "CO2"
for CO<sub>2</sub>, with no warning. A line nudged without a size of its own stays plain text."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeProject, require_client
from drafts import flat_text, libreoffice_draft
from test_import import NO_OUTLOOK, _import

_FODT = flat_text(
    '<text:h text:outline-level="1">Air</text:h><text:p>Levels of CO<text:span text:style-name="T1">2</text:span> '
    'fell by 10 m<text:span text:style-name="T2">3</text:span>, the 1<text:span text:style-name="T3">st</text:span> '
    'time, and a <text:span text:style-name="T4">nudged</text:span> word.</text:p>',
    styles="".join(f'<style:style style:name="{name}" style:family="text"><style:text-properties '
                   f'style:text-position="{position}"/></style:style>' for name, position in
                   (("T1", "-8% 80%"), ("T2", "33% 80%"), ("T3", "super 58%"), ("T4", "5% 100%"))))


def test_text_libreoffice_raises_or_lowers_in_a_smaller_size_is_a_superscript_or_subscript(
        make_project: MakeProject, tmp_path: Path) -> None:
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert ("Levels of CO<sub>2</sub> fell by 10 m<sup>3</sup>, the 1<sup>st</sup> time, and a nudged word."
            in text), text
