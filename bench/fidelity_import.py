"""How much of a Word draft each reader keeps: coe-paper's importer (wordread), pandoc's docx reader (`-t gfm`)
and mammoth (`convert_to_markdown`), on the test drafts of tests/drafts.py (one written by pandoc, one by
LibreOffice with an endnote, a text box, a merged cell, tracked changes and a comment).

Words kept: the share of the draft's words (its source text, a tracked deletion and the comment left out; numbers
left out) found in the reader's Markdown, as a multiset. Structure: headings, list items, table rows and footnotes
that CommonMark (markdown-it, GFM tables and footnotes) finds in the reader's Markdown, against the draft's counts.

    python bench/fidelity_import.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from coe_paper.importer import Options, import_draft  # noqa: E402
from coe_paper.markdown import parse  # noqa: E402
from conftest import tiny_png  # noqa: E402
from drafts import FODT, PANDOC_MARKDOWN, _words, libreoffice_draft, markdown_words, pandoc_draft  # noqa: E402

# What each draft holds: (headings including the title, list items, table rows, footnotes and endnotes)
EXPECTED = {"pandoc": (3, 5, 3, 1), "libreoffice": (3, 8, 3, 1)}
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def source_words(name: str, pandoc: str) -> Counter[str]:
    if name == "pandoc":  # pandoc's Markdown (H~2~O), read by pandoc itself
        return _words(subprocess.run([pandoc, "-f", "markdown", "-t", "plain"], input=PANDOC_MARKDOWN,
                                     capture_output=True, text=True, check=True).stdout)
    root = etree.parse(str(FODT)).getroot()
    for node in [*root.iter(f"{{{TEXT}}}tracked-changes"), *root.iter(f"{{{OFFICE}}}annotation"),
                 *root.iter(f"{{{TEXT}}}note-citation")]:
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    body = root.find(f"{{{OFFICE}}}body")
    assert body is not None
    return _words(" ".join(body.itertext()))


def structure(markdown: str) -> tuple[int, int, int, int]:
    tokens = parse(markdown)
    count = Counter(t.type for t in tokens)
    return count["heading_open"], count["list_item_open"], count["tr_open"], count["footnote_open"]


def main() -> None:
    pandoc, soffice = shutil.which("pandoc"), shutil.which("soffice")
    if not pandoc or not soffice:
        sys.exit("fidelity_import needs pandoc and LibreOffice (soffice)")
    import mammoth  # type: ignore[import-untyped]

    folder = Path(tempfile.mkdtemp(prefix="coe-fidelity-"))
    drafts = {"pandoc": pandoc_draft(pandoc, folder, tiny_png()), "libreoffice": libreoffice_draft(soffice, folder)}
    print(f"{'draft':12} {'reader':10} {'words kept':>11} {'headings':>9} {'items':>6} {'rows':>5} {'notes':>6}")
    for name, draft in drafts.items():
        want = source_words(name, pandoc)
        imported = import_draft(draft, Options("x"))
        with draft.open("rb") as handle:
            mammoth_md = mammoth.convert_to_markdown(handle).value
        gfm = subprocess.run([pandoc, str(draft), "-t", "gfm", "--wrap=none"], capture_output=True, text=True,
                             check=True).stdout
        outputs = {
            "coe-paper": (f"# {imported.title}\n\n{imported.body}", markdown_words(imported.title, imported.body)),
            "pandoc": (gfm, markdown_words("", gfm)),
            "mammoth": (mammoth_md, markdown_words("", mammoth_md)),
        }
        for reader, (markdown, words) in outputs.items():
            kept = sum((want & words).values()) / sum(want.values())
            found = structure(markdown)
            ratios = [f"{a}/{b}" for a, b in zip(found, EXPECTED[name], strict=True)]
            cells = " ".join(f"{r:>{w}}" for r, w in zip(ratios, (9, 6, 5, 6), strict=True))
            print(f"{name:12} {reader:10} {kept:>10.1%} {cells}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
