"""A reviewer in LibreOffice: a .docx that `assemble` made, opened in LibreOffice over UNO with Track Changes on,
edited as a person would (text typed over, a paragraph break deleted or typed) and saved as Word 2007 XML. The
tracked changes are LibreOffice's own, not written by the tests.

`review(src, dest, steps, tmp)` runs the steps; each is a tuple: ("replace", text, new), ("replace_last", text, new)
types over the last `text` of the document (a heading's in the body, where the contents list it first),
("insert_after", text, new), ("insert_before", text, new), ("join_after", text) deletes the paragraph mark after
the paragraph holding `text`, ("split_at", text) types a paragraph break after `text`, ("break_at", text) a line
break (Shift+Enter), ("delete", text) deletes it, ("delete_before", text) deletes the character (or line break)
before it, ("delete_paragraph", text) deletes the paragraph holding `text` with its mark (a whole paragraph selected),
("paragraph_after", text, new) types a new paragraph after the one holding `text`, ("outdent", text) sets the left
indent of the paragraph holding `text` to nothing, ("level", text, "n") moves the list item holding `text` to level n
(0 the outermost: Tab and Shift+Tab in a list), ("tracking", "", "off") and ("tracking", "", "on") turn Track
Changes off and on for the steps after it, ("accept", text) and ("reject", text) accept or reject the tracked
change at `text`, as a reviewer does before saving. Skips (or fails under COE_REQUIRE_CLIENTS=1) without LibreOffice
and a Python that can import `uno`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import require_client

SCRIPT = r'''
import json, os, sys, time, traceback, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

pipe, src, dest, author, steps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(240):
    try:
        ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.25)
else:
    sys.exit("LibreOffice did not answer")
smgr = ctx.ServiceManager
config = smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
access = config.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess",
                                            (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
given, _, family = author.partition(" ")
access.setPropertyValue("givenname", given)
access.setPropertyValue("sn", family)
access.commitChanges()
desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
status = 1
doc = None
try:
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    doc.RecordChanges = True

    def find(text):
        search = doc.createSearchDescriptor()
        search.SearchString = text
        found = doc.findFirst(search)
        if found is None:
            raise LookupError(f"not found in the document: {text!r}")
        return found

    def dispatch(command):
        helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())

    for step in steps:
        kind, text, *rest = step
        found = find(text) if text else None
        if kind == "tracking":
            doc.RecordChanges = rest[0] == "on"
        elif kind in ("accept", "reject"):
            doc.getCurrentController().select(found)
            dispatch(".uno:AcceptTrackedChange" if kind == "accept" else ".uno:RejectTrackedChange")
        elif kind == "replace":
            found.setString(rest[0])
        elif kind == "replace_last":
            search = doc.createSearchDescriptor()
            search.SearchString = text
            hits = doc.findAll(search)
            hits.getByIndex(hits.getCount() - 1).setString(rest[0])
        elif kind == "insert_after":
            found.Text.insertString(found.End, rest[0], False)
        elif kind == "insert_before":
            found.Text.insertString(found.Start, rest[0], False)
        elif kind == "join_after":
            cursor = found.Text.createTextCursorByRange(found.End)
            cursor.gotoEndOfParagraph(False)
            cursor.goRight(1, True)
            cursor.setString("")
        elif kind == "split_at":
            found.Text.insertControlCharacter(found.End, 0, False)
        elif kind == "break_at":
            found.Text.insertControlCharacter(found.End, 1, False)
        elif kind == "delete":
            found.setString("")
        elif kind == "delete_before":
            cursor = found.Text.createTextCursorByRange(found.Start)
            cursor.goLeft(1, True)
            cursor.setString("")
        elif kind == "delete_paragraph":
            cursor = found.Text.createTextCursorByRange(found.Start)
            cursor.gotoStartOfParagraph(False)
            cursor.gotoEndOfParagraph(True)
            cursor.goRight(1, True)
            cursor.setString("")
        elif kind == "paragraph_after":
            cursor = found.Text.createTextCursorByRange(found.End)
            cursor.gotoEndOfParagraph(False)
            found.Text.insertControlCharacter(cursor.End, 0, False)
            cursor.gotoEndOfParagraph(False)
            found.Text.insertString(cursor.End, rest[0], False)
        elif kind == "outdent":
            found.setPropertyValue("ParaLeftMargin", 0)
        elif kind == "level":
            found.setPropertyValue("NumberingLevel", int(rest[0]))
        else:
            raise ValueError(f"unknown step {kind}")
    doc.storeToURL(uno.systemPathToFileUrl(dest), (prop("FilterName", "MS Word 2007 XML"),))
    doc.close(True)
    status = 0
except Exception:
    traceback.print_exc()
    try:  # closed, its lock file with it: the file can be opened for the next review
        if doc is not None:
            doc.close(True)
    except Exception:
        pass
finally:
    try:
        desktop.terminate()
    except Exception:  # the bridge goes down as LibreOffice quits
        pass
    sys.stderr.flush()
    os._exit(status)  # pyuno may crash as it tears the bridge down at a normal exit
'''


def _uno_python() -> str:
    for candidate in ("/usr/bin/python3", shutil.which("python3") or "", sys.executable):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    message = "no Python here can import uno (python3-uno)"
    if os.environ.get("COE_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{message} and COE_REQUIRE_CLIENTS=1 requires it")
    pytest.skip(message)


def review(src: Path, dest: Path, steps: Sequence[tuple[str, ...]], tmp: Path, author: str = "Ana Rossi") -> Path:
    """dest: src as LibreOffice saves it after the steps, made with Track Changes on."""
    soffice = require_client("soffice")
    python = _uno_python()
    pipe = f"coe-review-{uuid.uuid4().hex}"
    profile = tmp / f"lo-profile-{pipe}"
    office = subprocess.Popen([soffice, "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done: subprocess.CompletedProcess[str] | None = None
    try:
        done = subprocess.run([python, "-c", SCRIPT, pipe, str(src.resolve()), str(dest.resolve()), author,
                               json.dumps(list(steps))], capture_output=True, text=True, timeout=240)
    finally:
        try:
            office.wait(60)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
    assert done is not None and done.returncode == 0, (done and done.returncode, done and done.stderr)
    assert dest.is_file()
    return dest
