"""Benchmark: ``docxform parse`` as a whole process, on the user's clock, against a whole-process floor.

What a coordinator waits for: ``docxform parse returns/*.docx -o parsed/``,
from the interpreter starting to the last JSON file written (start-up and
imports, reading, every check, writing). The floor, in the same run, is a
Python process that does the least any reader must: open each zip,
lxml-parse word/document.xml and join every table cell's text.

The returns are as varied as real ones: every shipped framework and layout,
each file filled on its own (different ratings, answers of different
lengths, some blanks), and a share re-saved by headless LibreOffice (tags
dropped, checkboxes wrapped), as partners using it send them back. No file
is a copy of another. The two processes alternate, five runs each; medians
of wall-clock time and of CPU time (the steadier figure on a shared machine).
Target: at most 2x the floor.

    python benchmarks/bench_parse_cli.py [N]     (N returns, default 600)
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
total = 0
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    for tc in root.iter(W + "tc"):
        total += len("".join(tc.itertext()))
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


def run(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        paths = make_returns(folder, n)
        files = [str(p) for p in paths]
        ours_cmd = [sys.executable, "-m", "docxform", "parse", *files, "-o", str(folder / "parsed")]
        floor_cmd = [sys.executable, "-c", FLOOR, *files]
        run(floor_cmd), run(ours_cmd)  # warm the file cache and the bytecode
        ours: list[tuple[float, float]] = []
        base: list[tuple[float, float]] = []
        for r in range(5):
            for command, times in ((floor_cmd, base), (ours_cmd, ours)) if r % 2 == 0 else \
                    ((ours_cmd, ours), (floor_cmd, base)):
                times.append(run(command))
        written = len(list((folder / "parsed").glob("*.json")))
        assert written == n, f"{written} JSON files for {n} returns"
        startup = [run([sys.executable, "-m", "docxform", "--help"]) for _ in range(3)]
    o, f = (statistics.median(t[0] for t in ours), statistics.median(t[0] for t in base))
    oc, fc = (statistics.median(t[1] for t in ours), statistics.median(t[1] for t in base))
    print("| measure | wall clock | CPU (user + system) |\n|---|---|---|")
    print(f"| floor process (zip + lxml parse + every cell's text), {n} returns | {f:.2f} s | {fc:.2f} s |")
    print(f"| `docxform parse ... -o parsed/`, {n} returns | {o:.2f} s ({o / f:.2f}x) | {oc:.2f} s ({oc / fc:.2f}x) |")
    print(f"| `docxform --help` (start-up alone), median | {statistics.median(t[0] for t in startup):.2f} s | "
          f"{statistics.median(t[1] for t in startup):.2f} s |")


if __name__ == "__main__":
    main()
