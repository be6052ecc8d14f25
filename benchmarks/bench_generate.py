"""Benchmark: 376 personalised sa2003 forms (one per partnership in England and Wales).

Compared in the same run with the floor: copying one template's bytes with
the name swapped (read the template zip once; per form, replace the name in
document.xml and write a new zip). Target: within 3x of the floor.

    python benchmarks/bench_generate.py
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_forms
from docxform.generate.respondents import Respondent

N = 376
ROUNDS = 5


def floor(template: Path, names: list[str], out: Path) -> None:
    with zipfile.ZipFile(template) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"]
    for i, name in enumerate(names):
        parts["word/document.xml"] = doc.replace(b"Enter name of partnership", name.encode())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
            for part, blob in parts.items():
                zout.writestr(zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
        (out / f"floor-{i}.docx").write_bytes(buffer.getvalue())


def main() -> None:
    fw = load_framework("sa2003")
    people = [Respondent(f"Partnership {i:03d} coordinator", f"CDRP {i:03d}", "Co-ordinator") for i in range(N)]
    names = [p.name for p in people]
    ours, base = [], []
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        template = root / "template.docx"
        generate_forms(fw, root / "t", people[:1], FormOptions())[0].path.rename(template)
        for r in range(ROUNDS):
            t0 = time.perf_counter()
            generate_forms(fw, root / f"ours{r}", people, FormOptions(), partnership="")
            ours.append(time.perf_counter() - t0)
            (root / f"floor{r}").mkdir()
            t0 = time.perf_counter()
            floor(template, names, root / f"floor{r}")
            base.append(time.perf_counter() - t0)
    o, f = statistics.median(ours), statistics.median(base)
    print(f"| task | median of {ROUNDS} | per form |\n|---|---|---|")
    print(f"| docxform: {N} personalised forms (includes laying out the form once) | {o:.3f} s | {o / N * 1000:.2f} ms |")
    print(f"| floor: template bytes copied with the name swapped | {f:.3f} s | {f / N * 1000:.2f} ms |")
    print(f"| ratio | {o / f:.2f}x | target <= 3x |")


if __name__ == "__main__":
    main()
