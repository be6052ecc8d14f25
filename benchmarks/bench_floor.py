"""Benchmark: which floor? Ways of getting every table cell's text from a .docx, timed against each other.

The floor of the parse benchmarks is the least work that yields every cell's
text: open the zip, parse word/document.xml with lxml, join each cell's
``w:t`` texts. This measures the candidate ways of doing that last step (and
the zip and the parse alone, for scale) in one process, on the parse
benchmark's returns, so that the floor the others divide by is the fastest
way, not a slow one that flatters docxform. CPU time a form (the steadier
figure on a shared machine), the best and the median of R rounds over all
the returns, the candidates' order alternating from round to round. Every
candidate must give the same texts as the first.

    python benchmarks/bench_floor.py [N] [ROUNDS]     (N returns, default 200; 9 rounds)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench_parse_cli import make_returns
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TC = f"{{{W}}}tc"
T = f"{{{W}}}t"
CELLS = etree.XPath(".//w:tc", namespaces=NS)
TEXTS = etree.XPath(".//w:t/text()", namespaces=NS, smart_strings=False)


def document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def iter_cells_xpath_texts(path: Path) -> list[str]:
    return ["".join(TEXTS(tc)) for tc in document(path).iter(TC)]


def xpath_cells_xpath_texts(path: Path) -> list[str]:
    return ["".join(TEXTS(tc)) for tc in CELLS(document(path))]


def iter_cells_iter_texts(path: Path) -> list[str]:
    """The floor (fastest in every run so far): ``root.iter(w:tc)``, then each cell's ``tc.iter(w:t)``."""
    return ["".join([t.text or "" for t in tc.iter(T)]) for tc in document(path).iter(TC)]


def iterparse_cells(path: Path) -> list[str]:
    """Streaming: the cells' w:t texts as the parser meets them (no tree kept beyond what iterparse keeps)."""
    out: list[str] = []
    pieces: list[str] = []
    depth = 0
    with zipfile.ZipFile(path) as z, z.open("word/document.xml") as stream:
        for event, element in etree.iterparse(stream, events=("start", "end"), tag=(TC, T)):
            if element.tag == TC:
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    pieces = []
                elif event == "end" and depth == 0:
                    out.append("".join(pieces))
            elif event == "end" and depth:
                pieces.append(element.text or "")
    return out


def itertext_cells(path: Path) -> list[str]:
    """What the floor used to be: every text node under a cell (a Python object for each element)."""
    return ["".join(tc.itertext()) for tc in document(path).iter(TC)]


def zip_and_parse(path: Path) -> object:
    return document(path)


def zip_only(path: Path) -> object:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


CANDIDATES: list[Callable[[Path], object]] = [iter_cells_iter_texts, iter_cells_xpath_texts, xpath_cells_xpath_texts,
                                              iterparse_cells, itertext_cells, zip_and_parse, zip_only]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    with tempfile.TemporaryDirectory() as work:
        paths = make_returns(Path(work), n)
        for candidate in CANDIDATES[1:4]:  # the same texts (itertext also joins text no w:t holds)
            assert all(candidate(p) == CANDIDATES[0](p) for p in paths[:20]), candidate.__name__
        times: dict[str, list[float]] = {c.__name__: [] for c in CANDIDATES}
        for r in range(rounds):
            for candidate in CANDIDATES if r % 2 == 0 else CANDIDATES[::-1]:
                started = time.process_time()
                for path in paths:
                    candidate(path)
                times[candidate.__name__].append((time.process_time() - started) / len(paths) * 1000)
    best = min(times[CANDIDATES[0].__name__])
    print("| way (CPU a form) | best | median | best against the floor |\n|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {min(values):.2f} ms | {statistics.median(values):.2f} ms | {min(values) / best:.2f}x |")


if __name__ == "__main__":
    main()
