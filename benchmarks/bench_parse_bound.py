"""Benchmark: how near the floor the parse could come if deciding where the answers are cost nothing.

An experiment, not a feature: in one process, the parse of the same returns
is timed twice against the floor (zip + lxml parse + each cell's ``w:t``
texts, as ``bench_parse.py``): as it is, and with the judgement work
replaced by stubs that do nothing: the anchor index (``build_index``),
locating and reading each item (``_read_item``) and the accounting for
every line of the body and the parts (``_account``). What is left is
reading the form (the XSLT reader and the decoding of its output), the
checks of every part, the custom properties and the JSON: the part of the
parse no rework of the judgement work can make cheaper. Its ratio to the
floor is a bound on what such a rework could reach (issue 20's 2x target).

The returns are ``bench_parse_cli.py``'s (every shipped layout, one in six
re-saved by LibreOffice). Each side is timed as a batch runs it, the floor
and both parses in turn, in an order that turns round by round; medians of
five rounds (CPU time a form), the garbage collector set as the command sets it.

    python benchmarks/bench_parse_bound.py [N]     (default 300)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_parse_cli import make_returns
from lxml import etree

import docxform.parse.form as form
from docxform.api import parse
from docxform.cli.main import _tune_garbage_collection
from docxform.parse.anchors import AnchorIndex
from docxform.records.response import ItemAnswer

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TC, T = W + "tc", W + "t"


def _no_anchors(*_: object) -> AnchorIndex:
    """An anchor index that found nothing."""
    return AnchorIndex()


@contextmanager
def judgement_free() -> Iterator[None]:
    """The anchor index, the items' reading and the accounting for every line replaced by stubs, then restored."""
    saved = form.build_index, form._read_item, form._account
    form.build_index = _no_anchors  # type: ignore[assignment]
    form._read_item = lambda ctx, item: ItemAnswer()  # type: ignore[assignment]
    form._account = lambda ctx, response: None  # type: ignore[assignment]
    try:
        yield
    finally:
        form.build_index, form._read_item, form._account = saved


def floor(paths: list[Path]) -> None:
    for path in paths:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        for tc in root.iter(TC):
            "".join([t.text or "" for t in tc.iter(T)])


def docxform_parse(paths: list[Path]) -> None:
    with tempfile.TemporaryDirectory() as out:
        for _ in parse([str(p) for p in paths], output=out + "/"):
            pass


def rounds(runs: dict[str, Callable[[list[Path]], None]], paths: list[Path], count: int = 5) -> dict[str, float]:
    """CPU milliseconds a form of each run, the median over ``count`` rounds; in each round every run once,
    in an order that turns round by round (this machine's speed drifts: neighbours in time share it)."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(count):
        for name in names[r % len(names):] + names[:r % len(names)]:
            started = time.process_time()
            runs[name](paths)
            times[name].append((time.process_time() - started) / len(paths) * 1000)
    return {name: statistics.median(found) for name, found in times.items()}


def free_parse(paths: list[Path]) -> None:
    with judgement_free():
        docxform_parse(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        paths = make_returns(Path(work), args.n)
        _tune_garbage_collection()  # as the command runs: fewer cycle collections
        docxform_parse(paths[:10])  # warm: frameworks, mappings, the forms' own text
        found = rounds({"floor": floor, "parse": docxform_parse, "free": free_parse}, paths)
    base = found["floor"]
    print("| measure | floor | docxform | ratio |\n|---|---|---|---|")
    print(f"| the parse, {args.n} returns | {base:.2f} ms | {found['parse']:.2f} ms | {found['parse'] / base:.2f}x |")
    print(f"| the parse with the judgement work free, {args.n} returns | {base:.2f} ms | {found['free']:.2f} ms | "
          f"{found['free'] / base:.2f}x |")


if __name__ == "__main__":
    main()
