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
