"""A respondent inside LibreOffice: apply edits to a document through UNO, as a person would, and save it.

Run with Debian's ``/usr/bin/python3`` (python3-uno), not the project's python::

    /usr/bin/python3 tests/support/uno_driver.py JOB.json

JOB.json is ``{"src": ..., "dst": ..., "format": "docx"|"doc"|"odt", "actions": [...]}``
or ``{"jobs": [job, ...]}`` (one LibreOffice start for all of them). A job may add
``"outputs": [{"dst": ..., "format": ...}, ...]``: the same edits saved again in
other formats without loading and editing the document again. The tests call it
through ``tests/support/respondent.py``, which documents the actions.

Why a real word processor: our own XML filler (docxform/oxml/fill.py) shares
docxform's assumptions about the format; LibreOffice does not. Each job's source
is copied to a private directory before loading, so the input is never touched
(no lock file beside it either). LibreOffice gets its own profile and pipe, and is
shut down on every path out, killed if it does not go. An action that cannot be
done ends the run with exit status 1 and one line on stderr naming job and cause.

How LibreOffice 7.4 presents the controls of a docxform form (found by probing):
a checkbox ``w:sdt`` becomes a content control (``TextPortionType`` "ContentControl",
properties Checkbox/Checked/CheckedState/UncheckedState; no Alias or Tag property
in 7.4: the alias sits in the paragraph's ``ParaInteropGrabBag`` "SdtPr" and the tag
is dropped). A rich-text ``w:sdt`` showing its placeholder becomes an Input field
(``com.sun.star.text.TextField.Input``) whose ``InteropGrabBag`` holds the alias;
a person fills it by editing the field (double-click, "Edit Fields"), which sets
its Content. Setting ``Checked`` alone does not change the box's character in
7.4, so ``tick`` also replaces the character, as the click handler does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.text.ControlCharacter import LINE_BREAK, PARAGRAPH_BREAK

FILTERS = {"docx": "MS Word 2007 XML", "doc": "MS Word 97", "odt": "writer8"}
#: Seconds for the whole run: start, every job, shut-down.
TIME_LIMIT = int(os.environ.get("UNO_DRIVER_TIMEOUT", "300"))


#: alias -> [(kind, control)] for each loaded document, by id(document).
INDEX: dict[int, dict[str | None, list[tuple[str, Any]]]] = {}


#: The running LibreOffice's component context (for services an action needs: the graphic provider).
CONTEXT: list[Any] = []


def png() -> bytes:
    """A 2x2 red PNG: the picture a respondent pastes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class ActionError(Exception):
    """An action that cannot be done on this document."""


def prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def grab_bag_alias(bag: Any) -> str | None:
    """The w:alias LibreOffice kept from an sdtPr grab bag (a sequence of PropertyValue)."""
    for entry in bag or ():
        if entry.Name == "ooxml:CT_SdtPr_alias":
            return str(entry.Value)
        if entry.Name == "SdtPr":
            found = grab_bag_alias(entry.Value)
            if found:
                return found
    return None


# ---------------------------------------------------------------- finding things

def paragraphs(text: Any):
    """Every paragraph of a text, table cells included, in document order."""
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        block = enum.nextElement()
        if block.supportsService("com.sun.star.text.TextTable"):
            for name in block.getCellNames():
                yield from paragraphs(block.getCellByName(name))
        elif block.supportsService("com.sun.star.text.Paragraph"):
            yield block


def controls(doc: Any):
    """(alias, kind, object) for every content control and placeholder field LibreOffice made of an sdt.

    Only paragraphs whose grab bag names an sdt are walked portion by portion:
    each UNO call is a round trip, and a form has thousands of portions.
    """
    fields = doc.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        found = fields.nextElement()
        if found.supportsService("com.sun.star.text.TextField.Input"):
            yield grab_bag_alias(found.getPropertyValue("InteropGrabBag")), "field", found
    for para in paragraphs(doc.getText()):
        para_alias = grab_bag_alias(para.getPropertyValue("ParaInteropGrabBag"))
        if para_alias is None:
            continue
        portions = para.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType == "ContentControl":
                yield para_alias, "control", (portion.ContentControl, para)


def find_control(doc: Any, alias: str) -> tuple[str, Any]:
    """The one control with this alias; the index is built once per document (each UNO call is a round trip)."""
    index = INDEX.get(id(doc))
    if index is None:
        index = INDEX[id(doc)] = {}
        for name, kind, obj in controls(doc):
            index.setdefault(name, []).append((kind, obj))
    found = index.get(alias, [])
    if not found:
        raise ActionError(f"no content control with alias {alias!r}")
    if len(found) > 1:
        raise ActionError(f"{len(found)} content controls with alias {alias!r}")
    return found[0]


def forget_control(doc: Any, alias: str) -> None:
    INDEX.get(id(doc), {}).pop(alias, None)


def tables(doc: Any) -> list[Any]:
    """The body's tables in document order (getTextTables() is not ordered)."""
    out = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        block = enum.nextElement()
        if block.supportsService("com.sun.star.text.TextTable"):
            out.append(block)
    return out


def table(doc: Any, number: int) -> Any:
    found = tables(doc)
    if not 1 <= number <= len(found):
        raise ActionError(f"no table {number} (the document has {len(found)})")
    return found[number - 1]


def column_name(index: int) -> str:
    """LibreOffice's cell column letters for 0-based index: A..Z, AA, AB..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def cell_name(row: int, cell: int) -> str:
    return f"{column_name(cell - 1)}{row}"


def cell(doc: Any, number: int, row: int, col: int) -> Any:
    found = table(doc, number).getCellByName(cell_name(row, col))
    if found is None:
        raise ActionError(f"no cell {col} in row {row} of table {number}")
    return found


# ---------------------------------------------------------------- typing

def type_text(text: Any, cursor: Any, words: str) -> None:
    """Type ``words`` at cursor: each newline is Enter (a new paragraph)."""
    for i, line in enumerate(words.split("\n")):
        if i:
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, line, False)


def replace_cell_text(target: Any, words: str, append: bool) -> None:
    if not append:
        target.setString("")
    cursor = target.createTextCursor()
    cursor.gotoEnd(False)
    if append and target.getString():
        target.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    type_text(target, cursor, words)


# ---------------------------------------------------------------- actions

def do_tick(doc: Any, action: dict, checked: bool = True) -> None:
    kind, found = find_control(doc, action["alias"])
    box = found[0] if kind == "control" else found
    if kind != "control" or not box.getPropertyValue("Checkbox"):
        raise ActionError(f"content control {action['alias']!r} is not a checkbox")
    box.setPropertyValue("Checked", checked)
    state = box.getPropertyValue("CheckedState" if checked else "UncheckedState")
    replace_box_character(box, state)


def replace_box_character(box: Any, state: str) -> None:
    """Put the checked/unchecked character in place of the old one, as the click handler does.

    In 7.4 the control's getString is empty, its setString inserts before the
    old character (inside the control), and setString on the old character's
    portion puts the new one after the control: so insert, then delete the old.
    """
    portions = box.createEnumeration()
    content = []
    while portions.hasMoreElements():
        content.append(portions.nextElement())
    text = "".join(p.getString() for p in content)
    if len(text) != 1 or len(content) != 1:
        raise ActionError(f"the box holds {text!r}, not one box character")
    box.setString(state)
    content[0].setString("")


def do_untick(doc: Any, action: dict) -> None:
    do_tick(doc, action, checked=False)


def do_type(doc: Any, action: dict) -> None:
    kind, control = find_control(doc, action["alias"])
    words = action["text"]
    if kind == "field":
        # What the Edit Fields dialog does: Enter in its box is a line feed in the field's content.
        control.setPropertyValue("Content", words)
        doc.getTextFields().refresh()
        return
    control = control[0]
    if control.getPropertyValue("Checkbox"):
        raise ActionError(f"content control {action['alias']!r} is a checkbox, not text")
    control.setPropertyValue("ShowingPlaceHolder", False)
    control.setString("")
    type_text(control, control.createTextCursor(), words)


def do_type_cell(doc: Any, action: dict) -> None:
    target = cell(doc, action["table"], action["row"], action["cell"])
    replace_cell_text(target, action["text"], bool(action.get("append")))


def do_delete_control(doc: Any, action: dict) -> None:
    """Remove the control, keep its text ("Remove content control" / converting a field to text)."""
    kind, control = find_control(doc, action["alias"])
    control = control[0] if kind == "control" else control
    anchor = control.getAnchor()
    words = control.getPropertyValue("Content").rstrip("\r") if kind == "field" else control.getString()
    text = anchor.getText()
    cursor = text.createTextCursorByRange(anchor.getStart())
    control.dispose()
    forget_control(doc, action["alias"])
    type_text(text, cursor, words.replace("\r", "\n"))


def cell_starts(grid: Any, row: int) -> list[int]:
    """Where each cell of a row starts, in the table's relative units (0..TableColumnRelativeSum)."""
    separators = grid.getRows().getByIndex(row - 1).getPropertyValue("TableColumnSeparators")
    return [0] + [s.Position for s in separators]


def cell_at(grid: Any, row: int, start: int) -> int:
    """The 1-based cell of ``row`` that starts at ``start`` (rows of a form table differ in their cells)."""
    starts = cell_starts(grid, row)
    best = min(range(len(starts)), key=lambda i: abs(starts[i] - start))
    if abs(starts[best] - start) > 20:
        raise ActionError(f"row {row} has no cell under the new column")
    return best + 1


def do_insert_column(doc: Any, action: dict) -> None:
    """Insert a column after the first row's cell ``after``; texts go to the new column's cell in each row."""
    number, after = action["table"], action["after"]
    grid = table(doc, number)
    grid.getColumns().insertByIndex(after, 1)
    start = cell_starts(grid, 1)[after]
    if action.get("header") is not None:
        replace_cell_text(cell(doc, number, 1, after + 1), action["header"], False)
    for row, words in (action.get("texts") or {}).items():
        replace_cell_text(cell(doc, number, int(row), cell_at(grid, int(row), start)), words, False)


def do_delete_column(doc: Any, action: dict) -> None:
    """Delete the column of the first row's cell ``cell`` (LibreOffice counts columns by the first row)."""
    table(doc, action["table"]).getColumns().removeByIndex(action["cell"] - 1, 1)


def do_merge_cells(doc: Any, action: dict) -> None:
    grid = table(doc, action["table"])
    row = action["row"]
    cursor = grid.createCursorByCellName(cell_name(row, action["from"]))
    if not cursor.gotoCellByName(cell_name(row, action["to"]), True) or not cursor.mergeRange():
        raise ActionError(f"cannot merge cells {action['from']}-{action['to']} of row {row}")


def do_insert_row(doc: Any, action: dict) -> None:
    number, after = action["table"], action["after"]
    table(doc, number).getRows().insertByIndex(after, 1)
    for i, words in enumerate(action.get("texts") or [], start=1):
        if words:
            replace_cell_text(cell(doc, number, after + 1, i), words, False)


def do_type_symbol(doc: Any, action: dict) -> None:
    """Insert one character in a symbol font (Insert > Special Character with the font chosen)."""
    if "alias" in action:
        kind, control = find_control(doc, action["alias"])
        if kind != "control":
            raise ActionError(f"{action['alias']!r} is a field; type_symbol needs a content control or a cell")
        text = control[0]
    else:
        text = cell(doc, action["table"], action["row"], action["cell"])
    cursor = text.createTextCursor()
    cursor.gotoEnd(False)
    cursor.setPropertyValue("CharFontName", action.get("font", "Symbol"))
    cursor.setPropertyValue("CharFontCharSet", 2)  # RTL_TEXTENCODING_SYMBOL
    text.insertString(cursor, action["char"], False)


def do_split_cell(doc: Any, action: dict) -> None:
    """Table > Split Cells, into two side by side (vertically); ``text`` typed into the new right half."""
    grid = table(doc, action["table"])
    row, col = action["row"], action["cell"]
    cursor = grid.createCursorByCellName(cell_name(row, col))
    if not cursor.splitRange(1, False):
        raise ActionError(f"cannot split cell {col} of row {row}")
    if action.get("text"):
        replace_cell_text(cell(doc, action["table"], row, col + 1), action["text"], False)


def do_paragraph_after_table(doc: Any, action: dict) -> None:
    """A new paragraph typed right below table ``table``: at the start of the block after it, then Enter."""
    grid = table(doc, action["table"])
    enum = doc.getText().createEnumeration()
    found = False
    while enum.hasMoreElements():
        block = enum.nextElement()
        if found:
            if block.supportsService("com.sun.star.text.TextTable"):
                break
            text = doc.getText()
            cursor = text.createTextCursorByRange(block.getStart())
            type_text(text, cursor, action["text"])
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            return
        found = block.supportsService("com.sun.star.text.TextTable") and block.getName() == grid.getName()
    raise ActionError(f"no paragraph right after table {action['table']}")


def do_paragraph_at_end(doc: Any, action: dict) -> None:
    """Paragraphs typed at the end of the document (after the form)."""
    text = doc.getText()
    cursor = text.createTextCursor()
    cursor.gotoEnd(False)
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    type_text(text, cursor, action["text"])


def do_nested_table(doc: Any, action: dict) -> None:
    """Paste a small table into a cell (Table > Insert Table with the cursor in the cell), then fill it.

    ``rows`` is a list of rows, each a list of cell texts; the table goes at the end of the cell.
    """
    target = cell(doc, action["table"], action["row"], action["cell"])
    rows = action["rows"]
    inner = doc.createInstance("com.sun.star.text.TextTable")
    inner.initialize(len(rows), len(rows[0]))
    cursor = target.createTextCursor()
    cursor.gotoEnd(False)
    target.insertTextContent(cursor, inner, False)
    for r, texts in enumerate(rows, start=1):
        for c, words in enumerate(texts, start=1):
            inner.getCellByName(cell_name(r, c)).setString(words)


def do_bullets(doc: Any, action: dict) -> None:
    """Type a bulleted list at the end of a cell: one paragraph per entry, in the "List Bullet" style."""
    target = cell(doc, action["table"], action["row"], action["cell"])
    cursor = target.createTextCursor()
    cursor.gotoEnd(False)
    for words in action["items"]:
        if target.getString():
            target.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        cursor.setPropertyValue("NumberingStyleName", "List Bullet")
        target.insertString(cursor, words, False)


def do_line_breaks(doc: Any, action: dict) -> None:
    """Type at the end of a cell, each newline a line break (Shift+Enter), not a new paragraph."""
    target = cell(doc, action["table"], action["row"], action["cell"])
    cursor = target.createTextCursor()
    cursor.gotoEnd(False)
    for i, line in enumerate(action["text"].split("\n")):
        if i:
            target.insertControlCharacter(cursor, LINE_BREAK, False)
        target.insertString(cursor, line, False)


def do_type_header(doc: Any, action: dict) -> None:
    """The page header switched on (Insert > Header and Footer) and ``text`` typed in it, in the page style the
    document uses (the default one where the text's start names none: a document loaded without a view)."""
    styles = doc.getStyleFamilies().getByName("PageStyles")
    name = doc.getText().createTextCursor().getPropertyValue("PageStyleName")
    if not name or not styles.hasByName(name):
        name = "Standard"  # the first section's page style, as .docx import makes it
    style = styles.getByName(name)
    style.setPropertyValue("HeaderIsOn", True)
    header = style.getPropertyValue("HeaderText")
    end = header.createTextCursor()
    end.gotoEnd(False)
    type_text(header, end, action["text"])


def do_comment(doc: Any, action: dict) -> None:
    """A comment (Insert > Comment) by ``author`` at the end of a cell's text, saying ``text``."""
    target = cell(doc, action["table"], action["row"], action["cell"])
    note = doc.createInstance("com.sun.star.text.textfield.Annotation")
    note.setPropertyValue("Author", action["author"])
    note.setPropertyValue("Initials", "".join(word[:1] for word in action["author"].split()))
    when = uno.createUnoStruct("com.sun.star.util.DateTime")
    when.Year, when.Month, when.Day, when.Hours = 2003, 10, 17, 12
    note.setPropertyValue("DateTimeValue", when)
    note.setPropertyValue("Content", action["text"])
    cursor = target.createTextCursor()
    cursor.gotoStart(False)
    cursor.gotoEnd(True)
    target.insertTextContent(cursor, note, True)  # over the cell's text, as a comment on a selection


def _cell_end(doc: Any, action: dict) -> tuple[Any, Any]:
    """The cell's text and a cursor at its end (a new paragraph begun when ``new_paragraph``)."""
    target = cell(doc, action["table"], action["row"], action["cell"])
    cursor = target.createTextCursor()
    cursor.gotoEnd(False)
    if action.get("new_paragraph", True) and target.getString():
        target.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    return target, cursor


def do_picture(doc: Any, action: dict) -> None:
    """Insert > Image at the end of a cell (a small PNG), with ``alt`` as its description when given."""
    if not CONTEXT:
        raise ActionError("no LibreOffice context for the graphic provider")
    ctx = CONTEXT[0]
    image = Path(tempfile.mkdtemp(prefix="docxform-png-")) / "pasted.png"
    image.write_bytes(png())
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", ctx)
    graphic = provider.queryGraphic((prop("URL", uno.systemPathToFileUrl(str(image))),))
    target, cursor = _cell_end(doc, action)
    shape = doc.createInstance("com.sun.star.text.TextGraphicObject")
    shape.setPropertyValue("Graphic", graphic)
    shape.setPropertyValue("AnchorType", uno.Enum("com.sun.star.text.TextContentAnchorType", "AS_CHARACTER"))
    if action.get("alt"):
        shape.setPropertyValue("Description", action["alt"])
    target.insertTextContent(cursor, shape, False)


def do_hidden_text(doc: Any, action: dict) -> None:
    """Words typed at the end of a cell and formatted hidden (Format > Character > Font Effects > Hidden)."""
    target, cursor = _cell_end(doc, action)
    cursor.setPropertyValue("CharHidden", True)
    target.insertString(cursor, action["text"], False)


def do_tracked_text(doc: Any, action: dict) -> None:
    """Edit > Track Changes > Record on, words typed at the end of a cell, the change left unaccepted."""
    doc.setPropertyValue("RecordChanges", True)
    try:
        target, cursor = _cell_end(doc, action)
        target.insertString(cursor, action["text"], False)
    finally:
        doc.setPropertyValue("RecordChanges", False)


#: Actions done on the document model alone (see Office.load), and the import filters that needs.
VIEWLESS = frozenset({"comment"})
LOAD_FILTERS = {".docx": "MS Word 2007 XML", ".doc": "MS Word 97", ".odt": "writer8"}

ACTIONS = {
    "type_header": do_type_header, "comment": do_comment,
    "tick": do_tick, "untick": do_untick, "type": do_type, "type_cell": do_type_cell,
    "delete_control": do_delete_control, "insert_column": do_insert_column,
    "delete_column": do_delete_column, "merge_cells": do_merge_cells, "insert_row": do_insert_row,
    "type_symbol": do_type_symbol, "split_cell": do_split_cell, "paragraph_after_table": do_paragraph_after_table,
    "paragraph_at_end": do_paragraph_at_end, "nested_table": do_nested_table, "bullets": do_bullets,
    "line_breaks": do_line_breaks, "picture": do_picture, "hidden_text": do_hidden_text,
    "tracked_text": do_tracked_text,
}


# ---------------------------------------------------------------- LibreOffice

class Office:
    """One headless LibreOffice with its own profile and pipe."""

    def __init__(self, workdir: Path) -> None:
        self.pipe = f"docxform-uno-{os.getpid()}-{time.monotonic_ns()}"
        profile = workdir / "profile"
        binary = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
        self.process = subprocess.Popen(
            [binary, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={self.pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.desktop: Any = None
        self.context: Any = None

    def connect(self) -> Any:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"LibreOffice exited at start (status {self.process.returncode})")
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                self.context = ctx
                CONTEXT[:] = [ctx]
                return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            except TimeoutError:
                raise
            except Exception:  # NoConnectException until LibreOffice listens
                time.sleep(0.1)
        raise RuntimeError("LibreOffice did not accept a connection")

    def load(self, path: Path, viewless: bool = False) -> Any:
        url = uno.systemPathToFileUrl(str(path))
        if viewless:
            # The document model alone, with no view: LibreOffice's no-GUI packages (Debian's -nogui) lack
            # the comment sidebar's UI file, and a view builds it as soon as a comment exists (and aborts).
            doc = self.context.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument",
                                                                        self.context)
            doc.load((prop("URL", url), prop("FilterName", LOAD_FILTERS[path.suffix.lower()])))
            return doc
        for _ in range(100):  # the desktop may refuse loads for a moment after start
            doc = self.desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if doc is not None:
                return doc
            time.sleep(0.1)
        raise ActionError(f"LibreOffice could not open {path.name}")

    def close(self) -> None:
        if self.desktop is not None:
            with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
                self.desktop.terminate()
        elif self.process.poll() is None:  # never connected: no one to ask politely
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def outputs(job: dict) -> list[tuple[Path, str]]:
    """(dst, format) pairs: the job's own, then any in "outputs" (one load saved several ways)."""
    pairs = [(Path(job["dst"]), job.get("format", "docx"))] if "dst" in job else []
    pairs += [(Path(o["dst"]), o.get("format", "docx")) for o in job.get("outputs", [])]
    for _dst, fmt in pairs:
        if fmt not in FILTERS:
            raise ActionError(f"unknown format {fmt!r} (docx, doc or odt)")
    return pairs


def apply(doc: Any, actions: list[dict]) -> None:
    for i, action in enumerate(actions, start=1):
        handler = ACTIONS.get(action.get("op", ""))
        if handler is None:
            raise ActionError(f"action {i}: unknown op {action.get('op')!r}")
        try:
            handler(doc, action)
        except ActionError as exc:
            raise ActionError(f"action {i} ({action['op']}): {exc}") from None
        except TimeoutError:
            raise
        except Exception as exc:  # a UNO exception: say which action failed
            raise ActionError(f"action {i} ({action['op']}): LibreOffice refused: {type(exc).__name__} {exc}") from None


def run_job(office: Office, job: dict, workdir: Path, number: int) -> None:
    src, targets = Path(job["src"]), outputs(job)
    private = workdir / f"job{number}"
    private.mkdir()
    copy = private / src.name
    shutil.copyfile(src, copy)
    started = time.monotonic()
    doc = office.load(copy, viewless=any(a.get("op") in VIEWLESS for a in job.get("actions", [])))
    log(f"job {number}: loaded in {time.monotonic() - started:.1f} s")
    saved = []
    try:
        apply(doc, job.get("actions", []))
        log(f"job {number}: {len(job.get('actions', []))} actions done at {time.monotonic() - started:.1f} s")
        for i, (_dst, fmt) in enumerate(targets):
            out = private / f"out{i}.{fmt}"
            doc.storeToURL(uno.systemPathToFileUrl(str(out)), (prop("FilterName", FILTERS[fmt]),))
            saved.append(out)
    finally:
        INDEX.pop(id(doc), None)
        doc.close(True)
    log(f"job {number}: saved at {time.monotonic() - started:.1f} s")
    for out, (dst, _fmt) in zip(saved, targets, strict=True):
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), dst)


def log(message: str) -> None:
    """Timings on stderr when UNO_DRIVER_VERBOSE is set."""
    if os.environ.get("UNO_DRIVER_VERBOSE"):
        print(f"uno_driver: {message}", file=sys.stderr)


def on_alarm(_signum: int, _frame: Any) -> None:
    raise TimeoutError(f"time limit of {TIME_LIMIT} s reached")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: uno_driver.py JOB.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text("utf-8"))
    jobs = spec.get("jobs", [spec])
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TIME_LIMIT)
    with tempfile.TemporaryDirectory(prefix="docxform-uno-") as tmp:
        office = None
        number = 0
        try:
            office = Office(Path(tmp))
            office.desktop = office.connect()
            for number, job in enumerate(jobs, start=1):
                run_job(office, job, Path(tmp), number)
        except Exception as exc:  # one line, never a traceback: a malformed job file too
            if not isinstance(exc, (ActionError, TimeoutError, RuntimeError, OSError)):
                exc = ActionError(f"{type(exc).__name__}: {exc}")
            where = f"job {number} ({Path(str(jobs[number - 1].get('src', '?'))).name}): " if number else ""
            print(f"uno_driver: {where}{exc}", file=sys.stderr)
            return 1
        finally:
            signal.alarm(0)
            if office is not None:
                office.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
