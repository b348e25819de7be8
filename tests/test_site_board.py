"""The preview read in headless Chromium at a desktop's and a phone's width, and printed: the status board, wide
tables, the way back to the contents, the banner on paper."""

from __future__ import annotations

import io
import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from chromium import Browser
from coe_paper import site
from conftest import PAPER_YAML, MakeProject, require_client, section_text

SHOTS = Path(os.environ["COE_SCREENSHOTS"]) if os.environ.get("COE_SCREENSHOTS") else None

BOARD_JS = """(() => {
  const board = document.querySelector('#status-board'), region = board.closest('.scroll');
  const box = region.getBoundingClientRect();
  const heads = [...board.tHead.rows[0].cells].map(c => c.textContent.trim());
  const shown = c => { const b = c.getBoundingClientRect();
    return b.width > 0 && b.left >= box.left - 1 && b.right <= box.right + 1; };
  return {heads, scrolls: region.scrollWidth > region.clientWidth, page: document.documentElement.scrollWidth,
          rows: [...board.tBodies[0].rows].map(r => [...r.cells].map(c => ({
            text: c.textContent.trim(), shown: shown(c), top: Math.round(c.getBoundingClientRect().top),
            label: getComputedStyle(c, '::before').content})))};
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    opened = Browser(require_client("chromium"))
    yield opened
    opened.close()


def _roles(browser: Browser) -> list[tuple[str, str]]:
    """The board's cells as the browser tells a screen reader of them: (role, name)."""
    tree = browser.call("Accessibility.getFullAXTree", {}, session=True)["nodes"]
    wanted = ("columnheader", "rowheader", "cell")
    return [(node["role"]["value"], node.get("name", {}).get("value", "")) for node in tree
            if node.get("role", {}).get("value") in wanted]


def test_a_phone_shows_every_column_of_the_board_named_by_its_heading(browser: Browser, make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """At 390 px the board showed No., Section, Status and Lead; its words, last change and diagnostics lay past
    the screen's edge with nothing to say they were there. Where its columns do not fit, each section is a card
    that shows every value, named by its column's heading; a desktop keeps the table."""
    root = make_project(git=True)
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    seen: dict[int, Any] = {}
    for width, mobile in ((390, True), (1280, False)):
        browser.load(page.as_uri(), width=width, height=844, mobile=mobile)
        seen[width] = browser.evaluate(BOARD_JS)
        seen[width]["read"] = _roles(browser)
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            (SHOTS / f"board-cards-{width}.png").write_bytes(browser.screenshot((0, 0, width, 1600)))
    phone, desktop = seen[390], seen[1280]
    assert phone["heads"] == ["No.", "Section", "Status", "Lead", "Words (limits)", "Last change", "Diagnostics"]
    assert len(phone["rows"]) == 3 and phone["page"] <= 390 and not phone["scrolls"], phone
    for row in phone["rows"]:
        assert all(cell["shown"] for cell in row), row
        labels = [cell["label"].split(" / ")[0].strip('"') for cell in row[2:]]
        assert labels == phone["heads"][2:], row  # each value says which column it is
        assert len({cell["top"] for cell in row}) == 6, row  # the number beside the title, the rest a line each
    assert not desktop["scrolls"] and all(cell["shown"] for row in desktop["rows"] for cell in row), desktop
    assert all(len({cell["top"] for cell in row}) == 1 for row in desktop["rows"]), desktop  # a table's rows
    assert all(cell["label"] == "none" for row in desktop["rows"] for cell in row)
    # a screen reader hears the same table at either width, each value once (the labels are not read)
    assert phone["read"] == desktop["read"] and ("columnheader", "Words (limits)") in phone["read"], phone["read"]
    assert ("cell", "Rome") in phone["read"] and not any("Lead" in name for role, name in phone["read"]
                                                         if role == "cell"), phone["read"]


EDGES_JS = """(() => {
  const region = document.querySelector('#shares').closest('.scroll'), body = region.querySelector('tbody');
  const box = region.getBoundingClientRect(), rows = body.getBoundingClientRect();
  return [box.left + scrollX, box.right + scrollX, rows.top + scrollY, rows.height,
          region.scrollWidth - region.clientWidth];
})()"""


def _edges(browser: Browser) -> tuple[float, float]:
    """How dark the shares table's region is just inside its left and right edges, over its body rows (the median
    brightness of a strip 4 px wide, 0-255)."""
    left, right, top, height, _ = browser.evaluate(EDGES_JS)
    shot = Image.open(io.BytesIO(browser.screenshot((0, int(top), 400, int(height))))).convert("L")
    strip = [[shot.getpixel((x, y)) for x in xs for y in range(shot.height)]
             for xs in (range(int(left) + 2, int(left) + 6), range(int(right) - 6, int(right) - 2))]
    return statistics.median(strip[0]), statistics.median(strip[1])


def test_a_wide_table_on_a_phone_shows_that_it_scrolls(browser: Browser, make_project: MakeProject,
                                                       tmp_path: Path) -> None:
    """The shares' seven columns (and any wide table of a section or the annex) were cut at the screen's edge, with
    nothing to say that more lay past it. A shadow stands at the edge that more of the table lies past, and goes
    once the table is scrolled to that end."""
    page = site.build(make_project(git=True), tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri(), width=390, height=844, mobile=True)
    assert browser.evaluate(EDGES_JS)[4] > 100  # the table is wider than the phone
    start = _edges(browser)
    browser.evaluate("document.querySelector('#shares').closest('.scroll').scrollLeft = 100000")
    end = _edges(browser)
    assert start[1] < 235 and end[1] > 250, (start, end)  # more to the right, then the end of the table
    assert start[0] > 250 and end[0] < 235, (start, end)  # nothing to the left, then the columns scrolled past


def test_the_printed_title_is_dark_on_the_paper(browser: Browser, make_project: MakeProject, tmp_path: Path) -> None:
    """The banner's title, subtitle and version were white on the banner's dark blue, and a browser prints no
    background unless told to: printed, they were white (or, lightened by Chromium, pale grey) on white paper.
    Printed, they are the text's own dark colour."""
    from test_site import CONTRAST_JS

    page = site.build(make_project(git=True), tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    colours = "[...document.querySelectorAll('header.banner *')].map(e => getComputedStyle(e).color)"
    assert set(browser.evaluate(colours)) == {"rgb(255, 255, 255)"}  # on the screen, on the banner
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    try:
        printed = browser.evaluate(colours)
        background = browser.evaluate("getComputedStyle(document.querySelector('header.banner')).backgroundColor")
        worst = browser.evaluate(CONTRAST_JS)
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    assert set(printed) == {"rgb(27, 27, 27)"} and background == "rgba(0, 0, 0, 0)", (printed, background)
    assert worst >= 4.5, worst


def test_each_section_on_a_phone_ends_with_a_way_back_to_the_contents(browser: Browser, make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """On a phone the contents stand at the top of a page tens of thousands of pixels long, not beside the text:
    having read a section, the reader scrolled all the way back up to choose the next. Each section, and the
    annex, ends with a link to the contents (in English in a paper in another language); a desktop, whose contents
    stay beside the text, has none."""
    paper = PAPER_YAML.replace("en-GB", "fr-FR")
    page = site.build(make_project({"paper/paper.yaml": paper}, git=True), tmp_path / "site").page
    assert page is not None
    ends = """[...document.querySelectorAll('main > section:not(.board)')].map(s => {
        const a = s.lastElementChild.querySelector('a');
        return a && [s.id, a.textContent, a.closest('[lang]').lang, a.offsetParent !== null,
                     document.querySelector(a.getAttribute('href'))?.tagName];
    })"""
    browser.load(page.as_uri(), width=390, height=844, mobile=True)
    links = browser.evaluate(ends)
    assert [link[0] for link in links] == ["intro", "housing", "outlook", "annex"], links
    assert all(link[1:] == ["Back to the contents", "en", True, "NAV"] for link in links), links
    browser.evaluate("document.querySelector('#annex').lastElementChild.querySelector('a').click()")
    assert abs(browser.evaluate("document.querySelector('nav').getBoundingClientRect().top")) <= 1
    browser.load(page.as_uri(), width=1280, height=900)
    assert not any(link[3] for link in browser.evaluate(ends))


def _tab_stops(browser: Browser, most: int = 80) -> list[str]:
    """What Tab reaches, in order, from the top of the page to the first section of the paper: for each, the id of
    the table a focused scroll region holds, else the element's tag."""
    stops: list[str] = []
    for _ in range(most):
        for kind in ("keyDown", "keyUp"):
            browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                    "windowsVirtualKeyCode": 9}, session=True)
        stop = browser.evaluate("""(() => { const e = document.activeElement;
            if (e.closest('.paper-section')) return null;
            return e.matches('.scroll') ? 'region:' + e.querySelector('table').id : e.tagName.toLowerCase(); })()""")
        if stop is None:
            break
        stops.append(stop)
    return stops


def test_a_phone_s_board_of_cards_takes_no_tab_stop(browser: Browser, make_project: MakeProject,
                                                    tmp_path: Path) -> None:
    """On a phone the board is a card a section, and nothing in it scrolls; its region still took a Tab stop of its
    own, one that did nothing. Only the regions that scroll take one: the shares' table on a phone."""
    page = site.build(make_project(git=True), tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri(), width=390, height=844, mobile=True)
    stops = _tab_stops(browser)
    assert stops.count("a") >= 5, stops  # the skip link, the contents, the board's links
    assert "region:status-board" not in stops, stops
    assert "region:shares" in stops, stops


def _tap(browser: Browser, x: float, y: float) -> None:
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                     session=True)


NOTE_JS = """(() => {
  const note = document.querySelector('#fn-outlook-1'), other = document.querySelector('#fn-outlook-2');
  const ref = document.querySelector('#fnref-outlook-1'), back = note.querySelector('.footnote-backref');
  const box = back.getBoundingClientRect();
  return {hash: location.hash, note: getComputedStyle(note).backgroundColor, other: getComputedStyle(other)
          .backgroundColor, ref: getComputedStyle(ref).backgroundColor, top: note.getBoundingClientRect().top,
          back: [box.left, box.top, box.width, box.height]};
})()"""


def test_a_footnote_on_a_phone_is_shown_where_the_jump_lands_and_its_way_back_is_a_finger_wide(
        browser: Browser, make_project: MakeProject, tmp_path: Path) -> None:
    """On a phone, a reference's footnote was scrolled to with nothing to say which of the notes it was, and the
    link back was its arrow alone, about 10 px wide, for a finger to find. The note jumped to is highlighted, and
    so is its reference when the way back is taken; the way back is 44 px square, taken by a tap beside the arrow."""
    body = "## Plans\n\nThe first plan.[^a] The second plan.[^b]\n\n[^a]: The first note.\n\n[^b]: The second note.\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri() + "#fn-outlook-1", width=390, height=844, mobile=True)
    at_note = browser.evaluate(NOTE_JS)
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        scrolled = int(browser.evaluate("scrollY"))
        (SHOTS / "footnote-target-390.png").write_bytes(browser.screenshot((0, scrolled, 390, 844)))
    assert at_note["hash"] == "#fn-outlook-1" and at_note["top"] > 0, at_note  # not flush with the screen's top
    assert at_note["note"] not in ("rgba(0, 0, 0, 0)", at_note["other"]), at_note
    left, top, width, height = at_note["back"]
    assert width >= 44 and height >= 44, at_note
    _tap(browser, left + 3, top + 3)  # beside the arrow, within its target
    back = browser.evaluate(NOTE_JS)
    assert back["hash"] == "#fnref-outlook-1", back
    assert back["ref"] != "rgba(0, 0, 0, 0)" and back["note"] == back["other"], back


ANNEX_JS = """(() => [...document.querySelectorAll('#annex table')].map(table => {
  const region = table.closest('.scroll'), box = region.getBoundingClientRect();
  const shown = c => { const b = c.getBoundingClientRect();
    return b.width > 0 && b.left >= box.left - 1 && b.right <= box.right + 1; };
  return {heads: [...table.tHead.rows[0].cells].map(c => c.textContent.trim()),
          scrolls: region.scrollWidth > region.clientWidth,
          rows: [...table.tBodies[0].rows].map(r => [...r.cells].map(c => ({
            text: c.textContent.trim(), tag: c.tagName, shown: shown(c), high: c.getBoundingClientRect().height,
            top: Math.round(c.getBoundingClientRect().top), label: getComputedStyle(c, '::before').content})))};
}))()"""


def test_a_phone_shows_the_annex_a_card_an_organisation(browser: Browser, make_project: MakeProject,
                                                        tmp_path: Path) -> None:
    """At 390 px an annex table (organisation, country, sections led, contributed to) showed its first column and a
    half, and the sections each organisation wrote lay past the screen's edge. Where its columns do not fit, each
    organisation is a card named by its row header, each value labelled by its column's heading and an empty one
    not shown; a desktop keeps the table, and a screen reader hears the same table at either width (the empty
    cells too: it counts a row's cells to name a value's column)."""
    page = site.build(make_project(git=True), tmp_path / "site").page
    assert page is not None
    seen: dict[int, Any] = {}
    for width, mobile in ((390, True), (1280, False)):
        browser.load(page.as_uri(), width=width, height=844, mobile=mobile)
        seen[width] = browser.evaluate(ANNEX_JS)
        seen[width].append(_roles(browser))
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            top = browser.evaluate("document.querySelector('#annex').getBoundingClientRect().top + scrollY")
            (SHOTS / f"annex-cards-{width}.png").write_bytes(browser.screenshot((0, int(top), width, 1600)))
    *phone, phone_read = seen[390]
    *desktop, desktop_read = seen[1280]
    assert phone and [table["heads"] for table in phone] == [table["heads"] for table in desktop]
    assert sum(len(table["rows"]) for table in phone) >= 3, phone
    for table in phone:
        assert not table["scrolls"], table
        for row in table["rows"]:
            assert row[0]["tag"] == "TH" and row[0]["shown"], row  # the organisation names its card
            for heading, cell in zip(table["heads"][1:], row[1:], strict=True):
                if cell["text"]:
                    assert cell["shown"] and cell["label"].split(" / ")[0].strip('"') == heading, (heading, row)
                else:
                    assert cell["high"] == 0 and cell["label"] == "none", (heading, row)  # no label over nothing
            assert len({cell["top"] for cell in row if cell["text"]}) == len([c for c in row if c["text"]]), row
    for table in desktop:
        assert all(len({cell["top"] for cell in row}) == 1 and cell["label"] == "none"
                   for row in table["rows"] for cell in row), table
    assert phone_read == desktop_read and any(role == "rowheader" for role, _ in phone_read), phone_read


def test_printed_headings_and_lead_ins_stay_with_what_follows_them(browser: Browser, repo_root: Path,
                                                                   tmp_path: Path) -> None:
    """The bundled paper's preview, printed, left headings ('3.2 How we work', '10.3 Timeline') and lead-ins ending
    in a colon at the foot of pages, their text on the next, and its last page held the footer alone. No printed
    page ends with a heading or a lead-in, and the footer ends the paper's last page."""
    import base64
    import shutil
    import subprocess

    pdftotext = require_client("pdftotext")
    root = tmp_path / "paper"
    shutil.copytree(repo_root, root, ignore=shutil.ignore_patterns(".venv", "build", "__pycache__", ".git"))
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser.load(page.as_uri())
    heads = set(browser.evaluate("[...document.querySelectorAll('main h2, main h3, main h4')]"
                                 ".map(h => h.textContent.replace(/\\s+/g, ' ').trim())"))
    printed = browser.call("Page.printToPDF", {"preferCSSPageSize": True}, session=True, timeout=60)
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    pages = [lines for lines in pages if lines]
    assert len(pages) > 10, len(pages)
    last_lines = [" ".join(lines[-1].split()) for lines in pages[:-1]]
    assert not [line for line in last_lines if line in heads or line.endswith(":")], last_lines
    assert not pages[-1][0].startswith("Built by coe-paper"), pages[-1]
