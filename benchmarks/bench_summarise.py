"""Benchmark: the summary workbook for 1,000 and 10,000 respondents x 20 sa2003 standards.

Compared in the same run with the floor: the same cells written as raw sheet
XML into a minimal .xlsx zip by hand (inline strings, no styles, no chart,
no filters). Each case runs in a fresh subprocess, twice: once timed (median
of the rounds), once under tracemalloc for the peak memory that writing adds
on top of the merged dataset it is given; the subprocess's max RSS (dataset
included) is reported too. Targets: within 2.5x of the floor's time, peak
memory under 100 MB.

    python benchmarks/bench_summarise.py            # 1,000 and 10,000
    python benchmarks/bench_summarise.py 2000       # other sizes
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docxform.core.problems import Problem
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.plan.priorities import rank
from docxform.records.merged import MergedDataset
from docxform.records.response import Response
from docxform.reports import write_summary
from docxform.reports.analysis import field_label, level_name
from docxform.survey.merge import merge_returns
from docxform.validate.rules import validate_return

SIZES = (1_000, 10_000)
ROUNDS = 3
WORDS = ["partnership", "board", "agreed", "the", "action", "plan", "and", "reviewed", "progress", "against",
         "targets", "with", "police", "council", "health", "probation", "fire", "service", "colleagues", "in",
         "quarterly", "meeting", "including", "data"]


def make_returns(n: int, fw: Framework, seed: int = 7) -> list[dict[str, Any]]:
    """Synthetic returns: most standards rated, about half commented, evidence and goals as the rules ask."""
    rng = random.Random(seed)
    keys = fw.rating_scale.keys if fw.rating_scale else ()
    out = []
    for i in range(n):
        items: dict[str, dict[str, Any]] = {}
        for item_id in fw.item_ids:
            rating = rng.choice(keys) if rng.random() > 0.05 else None
            def text(words: int) -> str:
                return " ".join(rng.choice(WORDS) for _ in range(words))
            items[item_id] = {
                "rating": rating,
                "comments": text(12) if rng.random() < 0.5 else "",
                "evidence": (f"Partnership board minutes {rng.randint(1, 28)} March 2004, item {rng.randint(1, 9)}"
                             if rating in ("some_success", "doing_well") and rng.random() < 0.8
                             else ("minutes" if rng.random() < 0.1 else "")),
                "goals": text(10) if rating in ("gap_identified", "working_towards") else "",
                "provenance": {},
            }
        out.append({
            "kind": "form", "framework": {"id": fw.id, "version": fw.version}, "layout": "annexb",
            "mapping": "sa2003-annexb", "form_id": f"form-{i:05d}", "respondent": f"Respondent Number {i:05d}",
            "source": {"path": f"returns/respondent-{i:05d}.docx", "sha256": f"{i:064x}"},
            "fields": {"partnership": "Anytown CDRP", "assessment_month": "March", "assessment_year": "2004",
                       "completed_by": f"Respondent Number {i:05d}", "completed_by_signature": "signed",
                       "chair_signature": "signed" if rng.random() < 0.9 else ""},
            "items": items, "problems": [],
        })
    return out


def floor(merged: MergedDataset, fw: Framework, problems: list[Problem], target: Path) -> None:
    """The same cells as the summary, as raw sheet XML in a minimal package: the lower bound."""
    items = merged.items
    respondents = [r.id for r in merged.respondents]
    keys = fw.rating_scale.keys if fw.rating_scale else ()
    sheets: list[tuple[str, Any]] = []

    def overview() -> Any:
        yield ["Theme", "Standard", "Text", *[level_name(fw, k) for k in keys], "Rated", "Not rated", "Mode",
               "Median", "Spread", "Disputed", "Reason"]
        for item in fw.items:
            e = items[item.id]
            yield [item.theme_id, item.id, item.text, *[e.counts[k] for k in keys], e.rated, e.unrated,
                   level_name(fw, e.mode), level_name(fw, e.median), e.spread,
                   "Yes" if e.disputed else "No", e.dispute_reason or ""]

    def matrix() -> Any:
        yield ["Respondent", *fw.item_ids]
        for rid in respondents:
            yield [rid, *[level_name(fw, items[i].responses[rid].rating) for i in fw.item_ids]]

    def comments() -> Any:
        yield ["Respondent", "Standard", "Rating", "Field", "Text"]
        fields = [(f.key, field_label(f)) for f in fw.text_fields]
        for item_id in fw.item_ids:
            for rid, resp in items[item_id].responses.items():
                for key, label in fields:
                    if resp.text(key):
                        yield [rid, item_id, level_name(fw, resp.rating), label, resp.text(key)]

    def disputed() -> Any:
        yield ["Standard", "Text", "Reason", "Ratings"]
        for item in fw.items:
            e = items[item.id]
            if e.disputed:
                who = "\n".join(f"{level_name(fw, r.rating)}: {rid}" for rid, r in e.responses.items())
                yield [item.id, item.text, e.dispute_reason, who]

    def problem_rows() -> Any:
        yield ["File", "Item", "Field", "Code", "Severity", "Message"]
        for p in [q.to_dict() for q in [*merged.problems, *problems]]:
            yield [p["location"].get("file") or "", p["item"] or "", p["field"] or "", p["code"], p["severity"],
                   p["message"]]

    def plan() -> Any:
        yield ["Rank", "Standard", "Text", "Level", "Low ratings", "Priority", "Goals"]
        for c in rank(merged, fw):
            yield [c.rank, c.item_id, c.text, level_name(fw, c.level), c.low_count,
                   "priority" if c.priority else "", "\n".join(f"{r}: {g}" for r, g in c.goals)]

    sheets = [("Overview", overview), ("Matrix", matrix), ("Comments", comments), ("Disputed", disputed),
              ("Problems", problem_rows), ("Draft plan", plan)]
    letters = [chr(65 + i) if i < 26 else "A" + chr(65 + i - 26) for i in range(52)]
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1)) + "</Types>"))
        z.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))
            + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1)) + "</Relationships>"))
        for i, (_, rows) in enumerate(sheets, 1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                out.write(f'<worksheet xmlns="{ns}"><sheetData>'.encode())
                buf = []
                for r, row in enumerate(rows(), 1):
                    cells = "".join(
                        f'<c r="{letters[c]}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' if isinstance(v, str)
                        else f'<c r="{letters[c]}{r}"><v>{v}</v></c>'
                        for c, v in enumerate(row) if v != "")
                    buf.append(f'<row r="{r}">{cells}</row>')
                    if len(buf) >= 2000:
                        out.write("".join(buf).encode())
                        buf.clear()
                out.write("".join(buf).encode())
                out.write(b"</sheetData></worksheet>")


def run_case(n: int, mode: str) -> dict[str, float]:
    """One size in this process: build the dataset, then time (or trace) ours and the floor."""
    fw = load_framework("sa2003")
    returns = [Response.from_dict(r) for r in make_returns(n, fw)]
    problems = [p for r in returns for p in validate_return(r, fw)]
    merged = merge_returns(returns, fw)
    del returns
    result: dict[str, float] = {"problems": len(problems) + len(merged.problems)}
    with tempfile.TemporaryDirectory() as work:
        ours_path, floor_path = Path(work, "summary.xlsx"), Path(work, "floor.xlsx")
        if mode == "time":
            ours, base = [], []
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                write_summary(merged, fw, ours_path, problems=problems)
                ours.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                floor(merged, fw, problems, floor_path)
                base.append(time.perf_counter() - t0)
            result |= {"ours_s": statistics.median(ours), "floor_s": statistics.median(base),
                       "size_mb": ours_path.stat().st_size / 1e6, "floor_size_mb": floor_path.stat().st_size / 1e6}
        else:
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            tracemalloc.start()
            write_summary(merged, fw, ours_path, problems=problems)
            ours_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            floor(merged, fw, problems, floor_path)
            floor_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            result |= {"ours_peak_mb": ours_peak / 1e6, "floor_peak_mb": floor_peak / 1e6,
                       "rss_dataset_mb": rss_before,
                       "rss_max_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(int(sys.argv[2]), sys.argv[3])))
        return
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    env = dict(os.environ, PYTHONHASHSEED="0")
    rows = []
    for n in sizes:
        out: dict[str, float] = {}
        for mode in ("time", "memory"):
            proc = subprocess.run([sys.executable, __file__, "--case", str(n), mode], env=env, check=True,
                                  capture_output=True, text=True)
            out |= json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append((n, out))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; time = median of {ROUNDS}\n")
    print("| respondents | problems | docxform | floor (raw XML) | ratio (target <= 2.5x) | docxform peak "
          "(tracemalloc, beyond dataset; target < 100 MB) | floor peak | max RSS (dataset / total) | file |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, r in rows:
        print(f"| {n:,} | {int(r['problems']):,} | {r['ours_s']:.2f} s | {r['floor_s']:.2f} s | "
              f"{r['ours_s'] / r['floor_s']:.2f}x | {r['ours_peak_mb']:.1f} MB | {r['floor_peak_mb']:.1f} MB | "
              f"{r['rss_dataset_mb']:.0f} / {r['rss_max_mb']:.0f} MB | {r['size_mb']:.1f} MB |")


if __name__ == "__main__":
    main()
