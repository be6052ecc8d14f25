"""Respondents' text is data, never code: escaping for workbooks and XML.

A comment typed into a returned form can start with ``=``, ``+``, ``-`` or
``@`` (``=HYPERLINK(...)``, DDE tricks). Written naively into a workbook it
becomes a formula that Excel runs on open. Every string docxform writes into
a summary is therefore stored as a string cell (``t="inlineStr"``), and one
that *looks* like a formula also gets Excel's quote prefix so it stays text
when someone edits the cell. HTML is escaped by jinja2's autoescape; this
module covers the spreadsheet side and the raw sheet XML, and :func:`shown`
the terminal and the page: control characters in a name or an e-mail header
(an escape sequence that recolours or clears the terminal, a right-to-left
override that reverses a file name) are shown as escapes, never acted on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is loaded by the writers that use it, not by every reader of this module
    from openpyxl.cell import WriteOnlyCell

#: Characters that make a spreadsheet treat text as a formula (OWASP's list:
#: the four formula starts, and tab / carriage return before them).
FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING_SPACE = " \t\r\n\u00a0"
#: Excel's limit on the text of one cell.
MAX_CELL_TEXT = 32_767
TRUNCATION_NOTE = " … [truncated: the full text is in the return]"
#: Characters XML 1.0 cannot hold at all (control characters except tab, LF, CR).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: Characters that act rather than show: C0 and C1 controls, DEL, the bidirectional overrides and
#: isolates, the line and paragraph separators. Tab and newline are kept where the caller says so.
_ACTING = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def shown(text: str, *, keep: str = "") -> str:
    """``text`` safe to print or put in a page: each control character as its escape (``\\x1b``, ``\\u202e``).

    ``keep``: control characters to leave as they are ("\\n\\t" for a
    multi-line comment in HTML, where they only lay the text out).
    """
    if not _ACTING.search(text):
        return text
    return _ACTING.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


#: The acting characters json.dumps leaves as they are (it escapes C0 controls itself).
_ACTING_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def shown_json(text: str) -> str:
    """JSON text safe to print: each acting character json.dumps left as it is written as its ``\\uXXXX`` escape.

    ``ensure_ascii=False`` keeps names readable ("Zoë") but passes a C1 control (``\\x9b`` starts a terminal
    escape) or a right-to-left override through. Such characters can only be inside strings (JSON's own
    syntax is ASCII), so the text printed decodes to exactly the same data.
    """
    return _ACTING_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    Leading whitespace does not make text safe: some programs strip it on
    import, and a leading tab or carriage return is itself a known trick.
    """
    if text.startswith(("\t", "\r")):
        return True
    return text.lstrip(_LEADING_SPACE).startswith(FORMULA_STARTS)


def clean_text(text: str) -> str:
    """Text that fits in one cell and in XML.

    Word's manual line break arrives as a vertical tab and Windows line ends
    as CR LF; both become a newline (XML would fold a bare CR anyway). Other
    control characters, and the bidirectional overrides that would turn the
    text around in Excel, are shown as their escapes (:func:`shown`): nothing
    typed is dropped and nothing acts. What XML cannot hold at all (U+FFFE,
    U+FFFF) is dropped. Text over Excel's cell limit is cut with a note,
    rather than failing the file.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x0b" in text:
        text = text.replace("\x0b", "\n")
    text = shown(text, keep="\n\t")
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE
    return text


def xml_escape(text: str) -> str:
    """Escape text for an XML text node (the raw sheet writer's fast path)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def text_cell(sheet: Any, value: str, style: Any = None, quoted_style: Any = None) -> WriteOnlyCell:
    """A write-only cell that holds ``value`` as a string, whatever it looks like.

    ``style`` is a NamedStyle (or its name) for ordinary text; ``quoted_style``
    the same with ``quotePrefix`` for text that looks like a formula. Setting
    ``data_type`` after the value is what stops openpyxl writing ``<f>``.
    """
    from openpyxl.cell import WriteOnlyCell

    text = clean_text(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if looks_like_formula(text):
        if quoted_style is not None:
            cell.style = quoted_style
        else:
            cell.quotePrefix = True
    elif style is not None:
        cell.style = style
    return cell
