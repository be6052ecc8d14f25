"""Benchmark: ``docxform parse`` as a whole process, on the user's clock, against a whole-process floor.

What a coordinator waits for: ``docxform parse returns/*.docx -o parsed/``,
from the interpreter starting to the last JSON file written (start-up and
imports, reading, every check, writing). The floor, in the same run, is a
Python process that does the least work that yields every cell's text: open
each zip with ``zipfile``, parse word/document.xml with lxml, and join each
cell's ``w:t`` texts (``root.iter(w:tc)``, then ``tc.iter(w:t)``). That is the
fastest of the ways ``bench_floor.py`` times against each other (CPU a form,
200 returns, alternating rounds; three runs on 2026-12-06): ``tc.iter(w:t)``
2-6% faster than one compiled XPath ``.//w:t/text()`` a cell, which ties with
finding the cells by XPath; ``iterparse`` 1.4-1.5x and ``"".join(tc.itertext())``
(a Python object for every element under a cell: the floor this benchmark
used before) 1.4-1.5x slower. The floor must do less than docxform must,
and as fast as it can be done, or the ratio flatters docxform.

The returns are as varied as real ones: every shipped framework and layout,
each file filled on its own (different ratings, answers of different
lengths, some blanks), and a share re-saved by headless LibreOffice (tags
dropped, checkboxes wrapped), as partners using it send them back. No file
is a copy of another. ``--returns DIR`` times the ``.docx`` files of a folder
instead: returns filled by another filler than this benchmark's own (for
instance every one re-saved by LibreOffice, or ``samples/returns``), copied
round-robin to the largest size.

Both processes run with Python's bytecode cache on (in a folder of the
run's own, ``PYTHONPYCACHEPREFIX``), as an installed package has it: pip
compiles the modules when it installs them. An environment with
``PYTHONDONTWRITEBYTECODE`` set would otherwise make every docxform process
compile its 90 modules from source, about 0.1 s of CPU a run that no user
pays.

For each size (default 600; several sizes show the growth), after one run
of each to warm the file and bytecode caches, the two processes alternate,
five runs each; medians of wall-clock time, of CPU time (user + system, the
steadier figure on a shared machine) and of peak memory (max RSS of the
process, from ``wait4``). Target: at most 2x the floor.

    python benchmarks/bench_parse_cli.py [N ...] [--returns DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from docxform import api
from docxform.framework import load_framework
from docxform.io import office
from docxform.oxml.fill import fill

LAYOUTS = (("sa2003", None), ("stocktake2003", None), ("hallmarks2007", "braintree"),
           ("hallmarks2007", "issue_action"), ("beacon2003", None))
RESAVED_SHARE = 6  # one return in six goes through LibreOffice

FLOOR = """
import sys, zipfile
from lxml import etree
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TC, T = W + "tc", W + "t"
total = 0
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    for tc in root.iter(TC):
        total += len("".join([t.text or "" for t in tc.iter(T)]))
print(total)
"""


def make_returns(folder: Path, n: int) -> list[Path]:
    """n returns, each filled on its own; every sixth re-saved by LibreOffice (one start) when installed."""
    rng = random.Random(11)
    blanks = []
    for framework, layout in LAYOUTS:
        blank = folder / f"blank-{framework}-{layout or 'default'}.docx"
        api.generate_form(framework, blank, layout=layout, partnership="Benchmark CDRP")
        blanks.append((load_framework(framework), layout, blank))
    paths = []
    for i in range(n):
        fw, layout, blank = blanks[i % len(blanks)]
        form = fw.form(layout)
        assert form.items_block is not None
        columns = [c for c in form.items_block.columns if c != "rating"]
        levels = fw.rating_scale.keys if fw.rating_scale else ()
        ratings = {it.id: rng.choice(levels) for it in fw.items if levels and rng.random() < 0.9}
        texts = {(it.id, c): f"Return {i}, {it.id} {c}: " + "evidence of progress. " * rng.randint(1, 15)
                 for it in fw.items for c in columns if rng.random() < 0.8}
        path = folder / f"return{i:04d}.docx"
        fill(blank, path, ratings, texts)
        paths.append(path)
    if office.soffice():
        chosen = paths[::RESAVED_SHARE]
        outdir = folder / "libreoffice"
        results = office.convert(chosen, "docx:MS Word 2007 XML", outdir)
        for path, result in zip(chosen, results, strict=True):
            if result is not None:
                path.write_bytes(result.read_bytes())
    return paths


def copies_of(folder: Path, n: int, work: Path) -> list[Path]:
    """n returns from the .docx files of ``folder``, copied round-robin (each name its own)."""
    found = sorted(folder.glob("*.docx"))
    if not found:
        raise SystemExit(f"{folder}: no .docx returns")
    work.mkdir()
    paths = []
    for i in range(n):
        path = work / f"return{i:04d}.docx"
        shutil.copyfile(found[i % len(found)], path)
        paths.append(path)
    return paths


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds
    rss: float  # peak resident memory, MB


def environment(cache: Path) -> dict[str, str]:
    """The processes' environment: bytecode cached (in ``cache``), as an installed package has it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


ENV: dict[str, str] = {}


def run(command: list[str]) -> Run:
    """One process run to its end: its own wall-clock time, CPU time and peak memory (``wait4``)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=ENV or os.environ.copy())
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{command[:4]} exited with {child.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def timed_pair(files: list[str], out: Path, runs: int = 5) -> tuple[list[Run], list[Run]]:
    """The floor and docxform over the same files, alternating which goes first; (floor runs, docxform runs)."""
    ours_cmd = [sys.executable, "-m", "docxform", "parse", *files, "-o", str(out)]
    floor_cmd = [sys.executable, "-c", FLOOR, *files]
    run(floor_cmd), run(ours_cmd)  # warm the file cache and the bytecode
    ours: list[Run] = []
    base: list[Run] = []
    for r in range(runs):
        for command, times in ((floor_cmd, base), (ours_cmd, ours)) if r % 2 == 0 else \
                ((ours_cmd, ours), (floor_cmd, base)):
            times.append(run(command))
    written = len(list(out.glob("*.json")))
    assert written == len(files), f"{written} JSON files for {len(files)} returns"
    return base, ours


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[600])
    parser.add_argument("--returns", type=Path, help="time the .docx returns of this folder instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        ENV.update(environment(folder / "pycache"))
        largest = max(args.sizes)
        paths = copies_of(args.returns, largest, folder / "in") if args.returns else make_returns(folder, largest)
        rows = []
        for n in args.sizes:
            base, ours = timed_pair([str(p) for p in paths[:n]], folder / f"parsed{n}")
            rows.append((n, base, ours))
        startup = [run([sys.executable, "-m", "docxform", "--help"]) for _ in range(3)]
    print("| measure | wall clock | CPU (user + system) | peak memory (max RSS) |\n|---|---|---|---|")
    for n, base, ours in rows:
        f, fc, fm = median(base, "wall"), median(base, "cpu"), median(base, "rss")
        o, oc, om = median(ours, "wall"), median(ours, "cpu"), median(ours, "rss")
        print(f"| floor process (zip + lxml parse + every cell's w:t text), {n} returns | {f:.2f} s | {fc:.2f} s "
              f"({fc / n * 1000:.2f} ms a form) | {fm:.0f} MB |")
        print(f"| `docxform parse ... -o parsed/`, {n} returns | {o:.2f} s ({o / f:.2f}x) | {oc:.2f} s ({oc / fc:.2f}x; "
              f"{oc / n * 1000:.2f} ms a form) | {om:.0f} MB |")
    print(f"| `docxform --help` (start-up alone), median | {median(startup, 'wall'):.2f} s | "
          f"{median(startup, 'cpu'):.2f} s | {median(startup, 'rss'):.0f} MB |")


if __name__ == "__main__":
    main()
