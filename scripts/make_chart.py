"""Regenerate paper/images/survey-priorities.png: the bundled paper's Figure 1, the member survey's priority themes.

Each bar has its theme written beside it and its count at its end, so the chart reads without its caption. The
text is in Carlito (Debian's fonts-crosextra-carlito, metric-compatible with the template's Calibri), 46 pixels high
at the 300 dpi the file is saved with: 11 points, the body text's size, on a page where the chart is 6 inches wide.
Needs Pillow (the dev extra).

Run: python scripts/make_chart.py [OUTPUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: The survey's answers (21 member organisations, up to four themes each): theme, respondents. The alt text and the
#: sections quote these (03-partnership-and-method, 08-data-and-monitoring, 09-funding-and-instruments).
THEMES = [
    ("Affordable housing and homelessness", 16),
    ("Access to public services", 14),
    ("A fair ecological transition", 13),
    ("Participation and co-design", 11),
    ("Disaggregated equality data", 10),
    ("Intersectional approaches", 8),
    ("Access to EU funding", 7),
]
FONT_DIRS = [Path("/usr/share/fonts/truetype/crosextra"), Path("/usr/share/fonts/truetype/dejavu")]
INK, GRID, AXIS = (0x1F, 0x1F, 0x1F), (0xD9, 0xD9, 0xD9), (0x40, 0x40, 0x40)
BLUES = [(0x00, 0x33, 0x99), (0x00, 0x52, 0xA3), (0x00, 0x6E, 0xB3), (0x23, 0x8B, 0xC2), (0x4A, 0xA3, 0xD0),
         (0x74, 0xB8, 0xDA), (0x98, 0xCA, 0xE1)]
WIDTH, BAR, GAP, TOP, BOTTOM, RIGHT = 1800, 64, 28, 28, 96, 96
SCALE_MAX, TICK = 20, 4


def _font(size: int) -> ImageFont.FreeTypeFont:
    for folder, name in ((FONT_DIRS[0], "Carlito-Regular.ttf"), (FONT_DIRS[1], "DejaVuSans.ttf")):
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    raise SystemExit("no Carlito or DejaVu font: apt-get install fonts-crosextra-carlito")


def chart() -> Image.Image:
    text = _font(46)
    left = 24 + max(int(text.getlength(theme)) for theme, _ in THEMES) + 24
    height = TOP + len(THEMES) * (BAR + GAP) + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    span = WIDTH - left - RIGHT
    bottom = TOP + len(THEMES) * (BAR + GAP)
    for value in range(0, SCALE_MAX + 1, TICK):
        x = left + span * value // SCALE_MAX
        draw.line([(x, TOP), (x, bottom)], fill=GRID if value else AXIS, width=2)
        draw.text((x, bottom + 14), str(value), font=text, fill=INK, anchor="mt")
    draw.line([(left, bottom), (WIDTH - RIGHT, bottom)], fill=AXIS, width=2)
    for index, ((theme, value), colour) in enumerate(zip(THEMES, BLUES, strict=True)):
        top = TOP + GAP // 2 + index * (BAR + GAP)
        end = left + span * value // SCALE_MAX
        draw.rectangle([(left + 1, top), (end, top + BAR)], fill=colour)
        middle = top + BAR // 2
        draw.text((left - 20, middle), theme, font=text, fill=INK, anchor="rm")
        draw.text((end + 12, middle), str(value), font=text, fill=INK, anchor="lm")
    return image


def main() -> None:
    default = Path(__file__).resolve().parent.parent / "paper/images/survey-priorities.png"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    chart().save(out, dpi=(300, 300), optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
