"""The preview's status board read in headless Chromium at a desktop's and a phone's width."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium import Browser
from coe_paper import site
from conftest import MakeProject, require_client

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
