"""Benchmark: the survey round under load (issue 21). Three tables:

1. ``round report`` time against the total length of one answer (10k, 100k,
   1M characters of short paragraphs, a pasted document): linear means the
   time per million characters stays level.
2. Peak memory (max RSS of the ``docxform round ingest`` process) on an mbox
   of 50 MiB (and 500 MiB with ``--big``): flat means it does not grow with
   the mailbox. Most messages carry a 1 MiB attachment that is not a return,
   every tenth a return, as a coordinator's inbox does.
3. ``round ingest``, ``round status`` and ``round report`` at 100, 300 and
   1,000 respondents (personalised forms, one return each, filled by script).
   ``status`` is timed as the command runs (a fresh process) and as the library
   call inside it (``api.round_status``); the target for 1,000 is under 0.5 s.

Every command runs in a fresh process, as a coordinator runs it.

    python benchmarks/bench_round.py                 # the three tables
    python benchmarks/bench_round.py --big           # and the 500 MiB mbox
    python benchmarks/bench_round.py --small         # a quick run at small sizes (the test suite's)
    python benchmarks/bench_round.py --only scale    # one table (text, mbox or scale)
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def docxform(*args: str) -> tuple[float, int]:
    """Run ``docxform ARGS`` in a fresh process: (seconds, max RSS in KiB); a failure stops the benchmark."""
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "docxform", *args], env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - began
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"docxform {' '.join(args)} failed: {stderr[-2000:]}")
    return took, usage.ru_maxrss


def library_status(folder: Path) -> float:
    """The library call alone (``api.round_status``), in a fresh process: the command minus Python's start."""
    probe = ("import sys, time; from docxform import api; t = time.perf_counter(); api.round_status(sys.argv[1]); "
             "print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", probe, str(folder)], env=ENV, capture_output=True, text=True,
                          check=True)
    return float(done.stdout)


def ratings(fw_items: list[str], levels: tuple[str, ...], seed: int) -> dict[str, str]:
    return {item: levels[(seed + n) % len(levels)] for n, item in enumerate(fw_items)}


def answer_length(work: Path, total: int) -> float:
    """Seconds of ``round report`` for a round whose one return has an answer of ``total`` characters."""
    from docxform.framework import load_framework
    from docxform.oxml.fill import fill

    fw = load_framework("sa2003")
    items = [i.id for i in fw.items]
    rnd = work / f"text-{total}"
    docxform("round", "start", "sa2003", str(rnd))
    paragraphs = "\n".join(f"line {n} of the pasted text" for n in range(total // 26 + 1))[:total]
    filled = work / f"text-{total}.docx"
    fill(rnd / "forms" / "sa2003.docx", filled, ratings(items, fw.rating_scale.keys, 1),
         {(items[0], "comments"): paragraphs}, {"completed_by": "Pat Paste"})
    docxform("round", "ingest", str(rnd), str(filled))
    return docxform("round", "report", str(rnd))[0]


def make_mbox(target: Path, mib: int, form: Path) -> int:
    """An mbox of about ``mib`` MiB: 1 MiB attachments that are not returns, a return every tenth message."""
    from docxform.framework import load_framework
    from docxform.oxml.fill import fill

    fw = load_framework("sa2003")
    items = [i.id for i in fw.items]
    returns = 0
    with target.open("wb") as box:
        n = 0
        while box.tell() < mib * 2**20:
            msg = EmailMessage()
            msg["From"] = f"person{n}@example.org"
            msg["Date"] = format_datetime(datetime(2004, 3, 1, tzinfo=UTC) + timedelta(minutes=n))
            msg["Subject"] = f"message {n}"
            msg.set_content("See attached.")
            if n % 10 == 0:
                filled = target.parent / "one.docx"
                fill(form, filled, ratings(items, fw.rating_scale.keys, n), {}, {"completed_by": f"Person {n}"})
                msg.add_attachment(filled.read_bytes(), maintype="application", subtype="octet-stream",
                                   filename=f"return-{n}.docx")
                returns += 1
            else:
                msg.add_attachment(os.urandom(2**20), maintype="application", subtype="pdf", filename=f"scan-{n}.pdf")
            box.write(f"From person{n}@example.org Mon Mar  1 09:00:00 2004\n".encode())
            box.write(bytes(msg).replace(b"\nFrom ", b"\n>From "))
            box.write(b"\n")
            n += 1
    return returns


def mbox_memory(work: Path, mib: int) -> tuple[int, float, int]:
    """(returns in the mbox, seconds, max RSS in KiB) of ``round ingest`` on an mbox of ``mib`` MiB."""
    rnd = work / f"mbox-{mib}"
    docxform("round", "start", "sa2003", str(rnd))
    box = work / f"inbox-{mib}.mbox"
    returns = make_mbox(box, mib, rnd / "forms" / "sa2003.docx")
    took, rss = docxform("round", "ingest", str(rnd), str(box))
    box.unlink()
    return returns, took, rss


def scale(work: Path, people: int) -> dict[str, float]:
    """Seconds of ingest, status (command and library call) and report for a round of ``people`` respondents."""
    from docxform.framework import load_framework
    from docxform.oxml.fill import fill

    fw = load_framework("sa2003")
    items = [i.id for i in fw.items]
    listing = work / f"people-{people}.csv"
    with listing.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "organisation", "role", "email"])
        writer.writerows([f"Person {n:04d}", f"Org {n % 7}", "Member", f"p{n}@example.org"] for n in range(people))
    rnd = work / f"round-{people}"
    docxform("round", "start", "sa2003", str(rnd), "--respondents", str(listing))
    inbox = work / f"inbox-{people}"
    inbox.mkdir()
    for n, form in enumerate(sorted((rnd / "forms").glob("*.docx"))):
        fill(form, inbox / form.name, ratings(items, fw.rating_scale.keys, n), {}, None)
    ingest = docxform("round", "ingest", str(rnd), str(inbox))[0]
    status = docxform("round", "status", str(rnd))[0]
    return {"ingest": ingest, "status": status, "status (library call)": library_status(rnd),
            "report": docxform("round", "report", str(rnd))[0]}


def text_table(work: Path, lengths: tuple[int, ...]) -> None:
    base = answer_length(work, 10)
    print(f"`round report` of the same round with a 10-character answer: {base:.2f} s (the baseline)\n")
    print("| answer length (characters) | `round report` | over the baseline, per million characters |\n"
          "|---|---|---|")
    for length in lengths:
        took = answer_length(work, length)
        print(f"| {length:,} | {took:.2f} s | {max(took - base, 0) / length * 1e6:.1f} s |")


def mbox_table(work: Path, mboxes: tuple[int, ...]) -> None:
    print("\n| mbox | returns in it | `round ingest` | peak memory (max RSS) |\n|---|---|---|---|")
    for mib in mboxes:
        returns, took, rss = mbox_memory(work, mib)
        print(f"| {mib} MiB | {returns} | {took:.1f} s | {rss / 1024:.0f} MiB |")


def scale_table(work: Path, people: tuple[int, ...]) -> None:
    print("\n| respondents | `round ingest` | `round status` | of which the library call | `round report` |\n"
          "|---|---|---|---|---|")
    for n in people:
        times = scale(work, n)
        print(f"| {n:,} | {times['ingest']:.1f} s | {times['status']:.2f} s | "
              f"{times['status (library call)']:.2f} s | {times['report']:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the 500 MiB mbox")
    parser.add_argument("--small", action="store_true", help="small sizes only (a quick check)")
    parser.add_argument("--only", choices=("text", "mbox", "scale"), help="one table only")
    args = parser.parse_args()
    lengths = (2_000, 20_000) if args.small else (10_000, 100_000, 1_000_000)
    mboxes = (5,) if args.small else ((50, 500) if args.big else (50,))
    people = (5, 15) if args.small else (100, 300, 1_000)
    with tempfile.TemporaryDirectory(prefix="bench-round-") as tmp:
        work = Path(tmp)
        if args.only in (None, "text"):
            text_table(work, lengths)
        if args.only in (None, "mbox"):
            mbox_table(work, mboxes)
        if args.only in (None, "scale"):
            scale_table(work, people)



if __name__ == "__main__":
    main()
