"""Word positions in a PDF (poppler's ``pdftotext -bbox``), for checks that printed text is not cut.

Text cut off at a cell's edge, or run into the next column, is still in the
PDF with its whole width, so it shows as a word box that overlaps its
neighbour on the same line, or one that reaches past the page's margin.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

_NS = {"x": "http://www.w3.org/1999/xhtml"}


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its size and word boxes (in points)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout
    root = etree.fromstring(out)
    pages = []
    for number, page in enumerate(root.iterfind(".//x:page", _NS), 1):
        words = tuple(Word(number, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                           float(w.get("yMax")), w.text or "") for w in page.iterfind("x:word", _NS))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), words))
    return pages


def overlapping_words(pages: list[Page], tolerance: float = 0.5) -> list[tuple[Word, Word]]:
    """Pairs of words on the same line whose boxes overlap: text running into the next column."""
    found = []
    for page in pages:
        lines: dict[tuple[float, float], list[Word]] = {}
        for word in page.words:
            lines.setdefault((round(word.y0, 1), round(word.y1, 1)), []).append(word)
        for words in lines.values():
            words.sort(key=lambda w: w.x0)
            found += [(a, b) for a, b in itertools.pairwise(words) if a.x1 - b.x0 > tolerance]
    return found


def words_outside(pages: list[Page], margin: float) -> list[Word]:
    """Words reaching into the page's ``margin`` (points) on the left or right: cut when printed."""
    return [w for page in pages for w in page.words if w.x0 < margin - 0.5 or w.x1 > page.width - margin + 0.5]


def page_text(page: Page) -> str:
    return " ".join(w.text for w in page.words)


#: The smallest printed text the outputs may have (issue 22: readable on the meeting's table).
MIN_POINTS = 8.0


def word_sizes(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, font size in points, text) of every word in ``pdf`` (pdfplumber, from the dev extra).

    Text turned a quarter (a narrow column's heading) is measured across its
    line, as upright text is: pdfminer gives such a character's advance as its
    size, so those are measured here from their boxes, one character each.
    """
    pdfplumber = pytest.importorskip("pdfplumber")
    found: list[tuple[int, float, str]] = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            found += [(number, float(w["size"]), w["text"])
                      for w in page.extract_words(extra_attrs=["size"]) if w.get("upright", True)]
            found += [(number, float(c["x1"] - c["x0"]), c["text"]) for c in page.chars
                      if not c["upright"] and c["text"].strip()]
    return found
