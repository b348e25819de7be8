"""The words of a chart in a .docx, for the reader: Word keeps a chart in a part of its own (DrawingML's chart
markup, `word/charts/chartN.xml`; the newer kinds, such as a waterfall, in `chartExN.xml`), not in the document,
whose drawing only names that part. Its title, the axes' titles, the series' names (the legend, a paragraph), the
category labels (a paragraph) and the data labels' own text become paragraphs, in that order; the numbers it plots
are its data, not its words, and are left out (the warning says so)."""

from __future__ import annotations

from collections.abc import Iterable

from .ooxml import A_NS, R_NS, Element
from .safedocx import DocxError, SafeDocx
from .wordblocks import Paragraph, Run
from .wordnodes import drawing_text

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
CX = "http://schemas.microsoft.com/office/drawing/2014/chartex"
_AXES = {f"{{{C}}}{name}" for name in ("catAx", "valAx", "dateAx", "serAx")}
_GENERAL = ("", "general")  # a number format that shows a number (a year) as it is stored
KEPT = "chart (its title, axis titles, series names and labels kept as paragraphs; its numbers left out)"
UNREADABLE = "chart whose words cannot be read (its part is missing or damaged)"


def chart_paragraphs(docx: SafeDocx, links: dict[str, str], node: Element) -> tuple[str, list[Paragraph]] | None:
    """What to report of the chart that `node` (a w:drawing) shows, and its words as paragraphs; None for no
    chart."""
    ref = next(node.iter(f"{{{C}}}chart", f"{{{CX}}}chart"), None)
    if ref is None:
        return None
    try:
        root = docx.xml(links.get(ref.get(f"{{{R_NS}}}id", ""), ""))
    except DocxError:  # missing, too large or no XML: the rest of the draft is read all the same
        return UNREADABLE, []
    lines = _chart_words(root) if ref.tag == f"{{{C}}}chart" else _chartex_words(root)
    return KEPT, [Paragraph(runs=[Run(line)], origin="chart") for line in lines if line.strip()]


def _chart_words(space: Element) -> list[str]:
    chart = space.find(f"{{{C}}}chart")
    if chart is None:
        return []
    plot = chart.find(f"{{{C}}}plotArea")
    areas = list(plot) if plot is not None else []
    series = [ser for area in areas for ser in area.iter(f"{{{C}}}ser")]
    lines = _text(chart.find(f"{{{C}}}title/{{{C}}}tx"))
    for axis in (a for a in areas if a.tag in _AXES):
        lines += _text(axis.find(f"{{{C}}}title/{{{C}}}tx"))
    lines.append(", ".join(_distinct(" ".join(_text(ser.find(f"{{{C}}}tx"))) for ser in series)))
    lines.append(", ".join(_distinct(label for ser in series for label in _categories(ser.find(f"{{{C}}}cat")))))
    for label in (lbl for area in areas for lbl in area.iter(f"{{{C}}}dLbl")):
        lines += _text(label.find(f"{{{C}}}tx"))
    return lines


def _text(tx: Element | None, space: str = C) -> list[str]:
    """A title's or label's words (in a chart of namespace `space`): its rich text, a line per paragraph, or the
    text it takes from a cell."""
    if tx is None:
        return []
    rich = tx.find(f"{{{space}}}rich")
    if rich is not None:
        return _text_of(rich)
    return [" ".join(v.text or "" for v in tx.iter(f"{{{space}}}v"))]


def _categories(cat: Element | None) -> list[str]:
    """The category labels the chart shows: those of text (of every level), and numbers shown as they are."""
    if cat is None:
        return []
    out = [v.text or "" for cache in cat.iter(f"{{{C}}}strCache", f"{{{C}}}multiLvlStrCache")
           for v in cache.iter(f"{{{C}}}v")]
    for cache in cat.iter(f"{{{C}}}numCache"):
        code = cache.find(f"{{{C}}}formatCode")
        if code is None or (code.text or "").strip().lower() in _GENERAL:  # a date's serial number is no word
            out += [v.text or "" for v in cache.iter(f"{{{C}}}v")]
    return out


def _chartex_words(space: Element) -> list[str]:
    """A newer chart's (chartex) words, as a chart's: its title, its axes' titles, its series' names and its
    categories (text, and numbers shown as they are: a date's serial number is no word)."""
    chart = space.find(f"{{{CX}}}chart")
    if chart is None:
        return []
    lines = _text(chart.find(f"{{{CX}}}title/{{{CX}}}tx"), CX)
    for axis in chart.iter(f"{{{CX}}}axis"):
        lines += _text(axis.find(f"{{{CX}}}title/{{{CX}}}tx"), CX)
    lines.append(", ".join(_distinct(" ".join(_text(ser.find(f"{{{CX}}}tx"), CX))
                                     for ser in chart.iter(f"{{{CX}}}series"))))
    labels = [pt.text or "" for dim in space.iter(f"{{{CX}}}strDim", f"{{{CX}}}numDim")
              if dim.tag == f"{{{CX}}}strDim" or dim.get("type") == "cat"
              for level in dim.iter(f"{{{CX}}}lvl")
              if dim.tag == f"{{{CX}}}strDim" or (level.get("formatCode") or "").strip().lower() in _GENERAL
              for pt in level.iter(f"{{{CX}}}pt")]
    return [*lines, ", ".join(_distinct(labels))]


def _text_of(rich: Element) -> list[str]:
    return [drawing_text(p) for p in rich.iter(f"{{{A_NS}}}p")]


def _distinct(texts: Iterable[str]) -> list[str]:
    """Each text once, in order, without the blank ones (the series of a chart share its categories)."""
    return list(dict.fromkeys(" ".join(text.split()) for text in texts if text.strip()))
