"""Time the layout pass on the bundled paper and measure how often the contents' page numbers agree with
LibreOffice's own layout of the final file.

    python bench/bench_layout.py [--repeat 3]

Each run uses an empty layout cache (a cold pass: LibreOffice starts, lays the paper out, exports a PDF), then one
warm build reuses the cache. Agreement: the final .docx is converted again and each contents entry's page is
compared with the page of its heading's bookmark in that PDF.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from coe_paper import layout  # noqa: E402
from coe_paper.pipeline import assemble  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def entries(docx: Path) -> list[tuple[str, int]]:
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    found = []
    for instr in root.iter(f"{W}instrText"):
        match = re.match(r"\s*PAGEREF (\S+)", instr.text or "")
        if match:
            link = instr.getparent().getparent()
            found.append((match.group(1), int([t.text for t in link.iter(f"{W}t")][-1])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cold: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "paper.docx"
        for run in range(args.repeat):
            os.environ["COE_PAPER_CACHE"] = str(Path(tmp) / f"cache-{run}")
            result = assemble(REPO, out, paginate=True)
            assert result.layout is not None and not result.layout.note, result.layout
            cold.append(result.layout.seconds)
        start = time.perf_counter()
        warm = assemble(REPO, out, paginate=True)
        warm_total = time.perf_counter() - start
        assert warm.layout is not None and warm.layout.cached
        pdf, problem = layout.convert_to_pdf(out, Path(tmp))
        assert pdf is not None, problem
        dests = layout.destinations(pdf) or {}
        found = entries(out)
        agree = sum(dests.get(layout.destination_name(mark)) == page for mark, page in found)
    print(f"layout pass (cold, LibreOffice): median {statistics.median(cold):.2f} s, max {max(cold):.2f} s "
          f"over {len(cold)} runs")
    print(f"whole assemble with a warm cache: {warm_total:.2f} s")
    print(f"contents entries agreeing with LibreOffice's layout of the final file: {agree}/{len(found)}")


if __name__ == "__main__":
    main()
