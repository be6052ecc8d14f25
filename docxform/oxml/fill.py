"""Fill a generated form by script: tick boxes and type into controls, by content-control tag.

Used by the tests, the sample builder and the benchmarks. It is deliberately
independent of docxform's writer (so a round trip tests the writer against a
second reading of the format); forms filled as a person would are made inside
LibreOffice instead (tests/support/respondent.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def edit_document(src: Path, dst: Path, change: Callable[[etree._Element], None]) -> Path:
    """Apply ``change`` to the root of word/document.xml and write the package to ``dst``."""
    with zipfile.ZipFile(src) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    change(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    dst.write_bytes(buffer.getvalue())
    return dst


def fill(src: Path, dst: Path, ratings: dict[str, str | list[str] | None], texts: dict[tuple[str, str], str],
         fields: dict[str, str] | None = None) -> None:
    """ratings: item -> level (or list of levels, to tick several); texts: (item, field) -> text."""
    def tick_and_type(root: etree._Element) -> None:
        for sdt in root.iter(q(W, "sdt")):
            pr = sdt.find(q(W, "sdtPr"))
            tag_el = pr.find(q(W, "tag")) if pr is not None else None
            if tag_el is None:
                continue
            tag = tag_el.get(q(W, "val"))
            parts_ = tag.split(":")
            box = pr.find(q(W14, "checkbox"))
            if box is not None and len(parts_) == 4:
                _, item, _field, level = parts_
                wanted = ratings.get(item)
                levels = wanted if isinstance(wanted, list) else [wanted]
                if level in levels:
                    box.find(q(W14, "checked")).set(q(W14, "val"), "1")
                    for t in sdt.iter(q(W, "t")):
                        t.text = "\u2612"
            elif len(parts_) == 3 and parts_[1] != "form" and (parts_[1], parts_[2]) in texts:
                _set_text(sdt, pr, texts[(parts_[1], parts_[2])])
            elif len(parts_) == 3 and parts_[1] == "form" and fields and parts_[2] in fields:
                _set_text(sdt, pr, fields[parts_[2]])

    edit_document(src, dst, tick_and_type)


def _set_text(sdt: etree._Element, pr: etree._Element, text: str) -> None:
    placeholder = pr.find(q(W, "showingPlcHdr"))
    if placeholder is not None:
        pr.remove(placeholder)
    content = sdt.find(q(W, "sdtContent"))
    for child in list(content):
        content.remove(child)
    for line in text.split("\n"):
        p = etree.SubElement(content, q(W, "p"))
        r = etree.SubElement(p, q(W, "r"))
        t = etree.SubElement(r, q(W, "t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
