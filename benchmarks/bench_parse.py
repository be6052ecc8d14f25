"""Benchmark: parse 1,000 realistic sa2003 returns, in one process.

The returns are filled in code as Word would fill them; a quarter are then
re-saved by headless LibreOffice, as partners using it send them back.
Median CPU time per form (wall-clock time, on a shared machine, mostly
measures the other jobs) against the floor, in the same run: the least work that
yields every cell's text (open the zip, lxml-parse word/document.xml, join
each cell's ``w:t`` texts, found by ``tc.iter``: the fastest way,
``benchmarks/bench_floor.py``; the floor used to join ``tc.itertext()``,
which is about 1.5x slower and flattered docxform by as much). Each is
timed as a batch runs it, form after form of its own kind, in blocks of ten
forms that alternate (floor first, then docxform first) so that drift in the
machine's speed falls on both. Timing them interleaved file by file is
printed too: it charges each with the cache the other just filled, and
costs the larger program more. Several sizes show the growth: per form
time at each, and the peak of memory Python allocates while a batch of that
size is parsed and each result let go, as the command does (tracemalloc, in
a pass of its own, untimed). Then the whole batch of the largest size with 1
and 2 worker processes (median of three runs each, alternating; wall clock,
which is what two processes save). Target: at most 2x the floor per form
(it was 1.5x against the old, slower floor), and near 2x throughput with 2
processes.

    python benchmarks/bench_parse.py [N ...]     (default 1000)
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from docxform import api
from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.oxml.reader import read_document
from docxform.parse import parse_form

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TC, T = W + "tc", W + "t"


def floor(path: Path) -> int:
    """Every cell's text: zip, lxml parse, each cell's w:t texts joined (bench_floor.py: the fastest way)."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    count = 0
    for tc in root.iter(TC):
        count += len("".join([t.text or "" for t in tc.iter(T)]))
    return count


def make_returns(folder: Path, n: int) -> list[Path]:
    """20 filled variants, a quarter of them re-saved by LibreOffice when it is installed, copied to n files."""
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
        variants.append(path)
    if shutil.which("soffice"):
        resaved = resave_with_libreoffice(variants[::4], folder / "libreoffice")
        variants = [resaved.get(v, v) for v in variants]
    blobs = [v.read_bytes() for v in variants]
    paths = []
    for i in range(n):
        path = folder / f"return{i:04d}.docx"
        path.write_bytes(blobs[i % len(blobs)])
        paths.append(path)
    return paths


def resave_with_libreoffice(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Each file re-saved as .docx by headless LibreOffice (tags dropped, checkboxes wrapped)."""
    profile = outdir / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(outdir), *map(str, paths)],
                   capture_output=True, timeout=600, check=False)
    return {p: outdir / p.name for p in paths if (outdir / p.name).exists()}


def timed(function: Callable[[Path], object], path: Path) -> float:
    """CPU seconds of one call: on a shared machine, wall-clock time mostly measures the other jobs."""
    started = time.process_time()
    function(path)
    return time.process_time() - started


def timed_in_blocks(paths: list[Path], rounds: int, block: int = 10) -> tuple[list[float], list[float]]:
    """Per-form times of the floor and of docxform, in blocks of forms; which goes first alternates."""
    base: list[float] = []
    ours: list[float] = []
    for r in range(rounds):
        for start in range(0, len(paths), block):
            chunk = paths[start:start + block]
            sides = [(floor, base), (parse_form, ours)]
            for function, times in sides if (start // block + r) % 2 == 0 else reversed(sides):
                times.extend(timed(function, path) for path in chunk)
    return base, ours


def timed_batches(paths: list[Path], repeats: int) -> dict[int, float]:
    """Median seconds for the whole batch with 1 and with 2 processes, the two alternating."""
    times: dict[int, list[float]] = {1: [], 2: []}
    for r in range(repeats):
        for jobs in (1, 2) if r % 2 == 0 else (2, 1):
            started = time.perf_counter()
            results = list(api.parse(paths, jobs=jobs))
            times[jobs].append(time.perf_counter() - started)
            assert all(r.error is None for r in results)
    return {jobs: statistics.median(t) for jobs, t in times.items()}


def peak_memory(paths: list[Path]) -> float:
    """MB Python allocates at the peak of a batch, each outcome let go as it comes (tracemalloc)."""
    tracemalloc.start()
    for outcome in api.parse(paths):
        assert outcome.error is None
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    with tempfile.TemporaryDirectory() as work:
        all_paths = make_returns(Path(work), max(sizes))
        parse_form(all_paths[0])  # warm caches (framework, mappings)
        per_size = []
        for n in sizes:
            base, ours = timed_in_blocks(all_paths[:n], rounds=4)
            per_size.append((n, statistics.median(base) * 1000, statistics.median(ours) * 1000,
                             peak_memory(all_paths[:n])))
        paths = all_paths[:max(sizes)]
        n = len(paths)
        mixed_base, mixed_ours, fast, walk = [], [], [], []
        for path in paths[:200]:
            mixed_base.append(timed(floor, path))
            mixed_ours.append(timed(parse_form, path))
        for path in paths[:200]:  # the reader alone: its C fast path against the Python walk it stands in for
            xml = zipfile.ZipFile(path).read("word/document.xml")
            root = etree.fromstring(xml)
            t0 = time.process_time()
            read_document(root, str(path), xml)
            fast.append(time.process_time() - t0)
            t0 = time.process_time()
            read_document(root, str(path))
            walk.append(time.process_time() - t0)
        batch = timed_batches(paths, repeats=3)
    mo, mf = statistics.median(mixed_ours) * 1000, statistics.median(mixed_base) * 1000
    print("| measure | figure |\n|---|---|")
    for size, f, o, peak in per_size:
        print(f"| floor (zip + lxml parse + each cell's w:t texts), median per form, {size} returns | {f:.2f} ms |")
        print(f"| docxform parse_form, median per form, {size} returns | {o:.2f} ms ({o / f:.2f}x the floor) |")
        print(f"| peak memory allocated by a batch of {size} (tracemalloc) | {peak:.1f} MB |")
    print(f"| the same, interleaved file by file: floor / docxform | {mf:.2f} ms / {mo:.2f} ms ({mo / mf:.2f}x) |")
    print(f"| reader alone: fast path / Python walk, median | {statistics.median(fast) * 1000:.2f} ms / "
          f"{statistics.median(walk) * 1000:.2f} ms |")
    print(f"| batch of {n}, 1 process | {batch[1]:.2f} s |")
    print(f"| batch of {n}, 2 processes | {batch[2]:.2f} s ({batch[1] / batch[2]:.2f}x faster) |")


if __name__ == "__main__":
    main()
