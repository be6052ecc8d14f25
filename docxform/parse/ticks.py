"""What counts as a tick.

A rating cell is *ticked*, *empty*, or *unclear*. Unclear is never guessed
into a tick: the parser reports it. Evidence comes from checkbox controls
(their state, not their glyph), legacy FORMCHECKBOX fields, symbol-font
characters (``w:sym`` or private-use text in a symbol-font run, which is how
LibreOffice re-saves a Wingdings tick) and marks typed as text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Literal

from docxform.oxml.reader import Cell, SymbolMark

State = Literal["ticked", "empty", "unclear"]

# Symbol-font glyphs by (font, code with the 0xF000 private-use offset removed).
_TICK, _EMPTY = "ticked", "empty"
SYMBOL_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {0xFC: _TICK, 0xFB: _TICK, 0xFD: _TICK, 0xFE: _TICK, 0x78: _TICK, 0x6E: _TICK,
                  0xA8: _EMPTY, 0x6F: _EMPTY, 0x71: _EMPTY, 0x72: _EMPTY},
    "wingdings 2": {0x50: _TICK, 0x4F: _TICK, 0x51: _TICK, 0x52: _TICK, 0x53: _TICK, 0x54: _TICK,
                    0xA3: _EMPTY, 0x2A: _EMPTY},
    "webdings": {0x61: _TICK, 0x72: _TICK, 0x63: _EMPTY},
    "symbol": {0xD6: _TICK, 0xB4: _TICK},
    "zapfdingbats": {0x33: _TICK, 0x34: _TICK, 0x37: _TICK, 0x38: _TICK, 0x6E: _TICK, 0x6F: _EMPTY},
    "monotype sorts": {0x33: _TICK, 0x34: _TICK, 0x37: _TICK, 0x38: _TICK, 0x6E: _TICK, 0x6F: _EMPTY},
}

TICK_TEXT = {"x", "\u2713", "\u2714", "\u2611", "\u2612", "\u25a0", "*", "yes", "y", "\u2717", "\u2718",
             "\u221a", "\u2715", "\u2716", "\u25cf", "\u2b1b", "\u2705", "\u274c", "\u00d7", "tick", "ticked"}
EMPTY_TEXT = {"", "\u2610", "\u25a1", "\u25fb", "\u2b1c", "-", "no", "n"}
_SPACE = re.compile(r"[\s\u00a0\u200b]+")


@dataclass(frozen=True)
class TickReading:
    state: State
    how: str  # checkbox | legacy-checkbox | dropdown | symbol | text | empty
    detail: str = ""


def classify_symbol(mark: SymbolMark) -> str:
    """``ticked``, ``empty`` or ``unclear`` for one symbol-font character."""
    if not 0 <= mark.code <= sys.maxunicode:  # the readers never make one; a mark built elsewhere might
        return "unclear"
    code = mark.code - 0xF000 if mark.code >= 0xF000 else mark.code
    glyphs = SYMBOL_GLYPHS.get(mark.font)
    if glyphs is None:
        return classify_text(chr(mark.code))
    return glyphs.get(code, "unclear")


def classify_text(text: str) -> str:
    norm = _SPACE.sub(" ", text).strip().casefold().rstrip(".!")
    if norm in EMPTY_TEXT:
        return "empty"
    if norm in TICK_TEXT:
        return "ticked"
    return "unclear"


def read_tick(cell: Cell) -> TickReading:
    """Combine every piece of evidence in a rating cell."""
    ticked: list[str] = []
    unclear: list[str] = []
    for control in cell.controls:
        if control.kind in ("checkbox", "legacy-checkbox") and control.checked:
            ticked.append(control.kind)
        elif control.kind in ("dropdown", "legacy-dropdown") and control.text.strip():
            state = classify_text(control.text)
            (ticked if state == "ticked" else unclear if state == "unclear" else []).append("dropdown")
    for mark in cell.marks:
        state = classify_symbol(mark)
        if state == "ticked":
            ticked.append("symbol")
        elif state == "unclear":
            unclear.append(f"symbol {mark.font} U+{mark.code:04X}")
    text = cell.text
    if text.strip():
        state = classify_text(text)
        if state == "ticked":
            ticked.append("text")
        elif state == "unclear":
            unclear.append(f"text {text.strip()[:40]!r}")
    if unclear:
        return TickReading("unclear", "mixed" if ticked else unclear[0].split()[0], "; ".join(unclear))
    if ticked:
        return TickReading("ticked", ticked[0])
    return TickReading("empty", "empty")
