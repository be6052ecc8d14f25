"""Benchmark: parse 1,000 realistic sa2003 returns.

Median time per form against the floor, in the same run: open the zip,
lxml-parse word/document.xml and iterate every table cell's text. Then the
whole batch with 1 and 2 worker processes. Target: at most 1.5x the floor per
form, and near 2x throughput with 2 processes.

    python benchmarks/bench_parse.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from filler import fill

from docxform import api
from docxform.framework import load_framework
from docxform.parse import parse_form

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def floor(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    count = 0
    for tc in root.iter(W + "tc"):
        count += len("".join(tc.itertext()))
    return count


def make_returns(folder: Path, n: int) -> list[Path]:
    fw = load_framework("sa2003")
    blank = folder / "blank.docx"
    api.generate_form("sa2003", blank, partnership="Benchmark CDRP")
    rng = random.Random(1)
    variants = []
    for v in range(20):
        ratings = {it.id: rng.choice(fw.rating_scale.keys) for it in fw.items}
        texts = {(it.id, f): f"Answer {v} for {it.id} {f}. " * rng.randint(1, 12) for it in fw.items
                 for f in ("comments", "evidence", "goals")}
        path = folder / f"variant{v}.docx"
        fill(blank, path, ratings, texts)
        variants.append(path.read_bytes())
    paths = []
    for i in range(n):
        path = folder / f"return{i:04d}.docx"
        path.write_bytes(variants[i % len(variants)])
        paths.append(path)
    return paths


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as work:
        paths = make_returns(Path(work), n)
        parse_form(paths[0])  # warm caches (framework, mappings)
        ours, base = [], []
        for path in paths:
            t0 = time.perf_counter()
            floor(path)
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            parse_form(path)
            ours.append(time.perf_counter() - t0)
        batch = {}
        for jobs in (1, 2):
            t0 = time.perf_counter()
            results = list(api.parse(paths, jobs=jobs))
            batch[jobs] = time.perf_counter() - t0
            assert all(r.error is None for r in results)
    o, f = statistics.median(ours) * 1000, statistics.median(base) * 1000
    print("| measure | figure |\n|---|---|")
    print(f"| floor (zip + lxml parse + iterate cells), median per form | {f:.2f} ms |")
    print(f"| docxform parse_form, median per form | {o:.2f} ms ({o / f:.2f}x the floor) |")
    print(f"| batch of {n}, 1 process | {batch[1]:.2f} s |")
    print(f"| batch of {n}, 2 processes | {batch[2]:.2f} s ({batch[1] / batch[2]:.2f}x faster) |")


if __name__ == "__main__":
    main()
