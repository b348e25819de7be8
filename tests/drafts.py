"""Word drafts made by other programs, for the import tests and the fidelity measurement (bench/).

`pandoc_draft` writes known Markdown through pandoc's docx writer and renames two heading styles to localised
names ("Überschrift 1" with its outline level, "Titre 2" without one); `libreoffice_draft` converts a flat
OpenDocument file with LibreOffice: Word list numbering, a localised heading style, an endnote, a text box, a
merged cell, a comment, tracked changes, typed bullets and a bold paragraph standing alone.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from coe_paper.markdown import WORD_RE, parse, plain_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

PANDOC_MARKDOWN = """\
# Inclusive housing

## Affordable homes

Rents have risen **faster** than *incomes* in `many` cities ~~before~~, see H~2~O and x^2^.[^a]

- first point
    - nested point
- second point

1. step one
2. step two

| Group | Share |
|-------|------:|
| Young people | 12 |
| Older people | 30 |

### Discrimination

Text with [a link](https://example.org), [back up](#affordable-homes) and ![chart of rents](rent.png).

[^a]: A footnote with *emphasis*.
"""

FODT = Path(__file__).parent / "fixtures" / "drafts" / "safe-streets.fodt"
_FODT_NAMESPACES = " ".join(f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}"' for prefix, name in (
    ("office", "office:1.0"), ("text", "text:1.0"), ("draw", "drawing:1.0"), ("svg", "svg-compatible:1.0"),
    ("style", "style:1.0"), ("fo", "xsl-fo-compatible:1.0"), ("table", "table:1.0"), ("chart", "chart:1.0")))


def flat_text(body: str, styles: str = "") -> str:
    """A flat OpenDocument text (for `libreoffice_draft`) whose text is `body`, its usual namespaces declared, with
    `styles` as its automatic styles (a list's or a span's own style)."""
    automatic = f"<office:automatic-styles>{styles}</office:automatic-styles>" if styles else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {_FODT_NAMESPACES} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">{automatic}<office:body><office:text>\n'
            f"{body}\n</office:text></office:body></office:document>\n")


def rename_styles(docx: Path, renames: dict[str, tuple[str, bool]]) -> None:
    """Give styles (by id) new names in place; with False, also drop the style's outline level."""
    with zipfile.ZipFile(docx) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    styles = etree.fromstring(entries["word/styles.xml"])
    for style in styles.iter(f"{{{W}}}style"):
        change = renames.get(style.get(f"{{{W}}}styleId", ""))
        if change is None:
            continue
        name = style.find(f"{{{W}}}name")
        assert name is not None
        name.set(f"{{{W}}}val", change[0])
        if not change[1]:
            for outline in style.iter(f"{{{W}}}outlineLvl"):
                outline.getparent().remove(outline)  # type: ignore[union-attr]
    entries["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    docx.write_bytes(buffer.getvalue())


def pandoc_draft(pandoc: str, folder: Path, png: bytes) -> Path:
    (folder / "rent.png").write_bytes(png)
    (folder / "housing.md").write_text(PANDOC_MARKDOWN, encoding="utf-8")
    out = folder / "housing.docx"
    subprocess.run([pandoc, "housing.md", "-o", out.name], cwd=folder, check=True, capture_output=True)
    rename_styles(out, {"Heading1": ("Überschrift 1", True), "Heading2": ("Titre 2", False)})
    return out


def libreoffice_draft(soffice: str, folder: Path, fmt: str = "docx", fodt: str | None = None) -> Path:
    """The fixture draft (or the flat OpenDocument text `fodt`) as LibreOffice saves it in `fmt`."""
    source = folder / (FODT.name if fodt is None else "draft.fodt")
    source.write_bytes(FODT.read_bytes() if fodt is None else fodt.encode())
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo-profile", "--convert-to", fmt,
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return source.with_suffix(f".{fmt}")


def pandoc_words(pandoc: str, docx: Path) -> Counter[str]:
    """Words of pandoc's plain-text reading of a draft (numbers left out: list and note numbers differ)."""
    text = subprocess.run([pandoc, str(docx), "-t", "plain", "--wrap=none"], check=True, capture_output=True,
                          text=True).stdout
    return _words(text)


def markdown_words(title: str, body: str) -> Counter[str]:
    """Words of a section: its title, running text, image descriptions and code."""
    tokens = parse(body)
    parts = [title] + [plain_text(t.children) for t in tokens if t.type == "inline"]
    parts += [t.content for t in tokens if t.type in ("fence", "code_block")]
    return _words("\n".join(parts))


_SCRIPTS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
                         "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089", "0123456789" * 2)


def _words(text: str) -> Counter[str]:
    text = text.translate(_SCRIPTS)  # pandoc's plain text raises and lowers digits with Unicode characters
    return Counter(word for word in WORD_RE.findall(text) if not word.isdigit())
