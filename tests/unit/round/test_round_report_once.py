"""``round report`` reads the store once, parses and validates each current return once, lists each finding once.

The round here has a return of another framework (a stocktake form sent back to an
sa2003 round): validation reports it (framework-mismatch) and the merge leaves it
out; before the report passed ``validated`` to the merge, its Problems sheet
showed that row twice.
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from docxform import api
from docxform.framework import load_framework
from docxform.records.response import Response
from docxform.round.store import Store
from docxform.validate import rules
from tests.support.roundkit import fill_return, known_ratings, start_generic_round

SA = load_framework("sa2003")
STOCKTAKE = load_framework("stocktake2003")
NAMES = ["Asha Patel", "Bill Moss", "Cath Ng"]
#: The module, not the function ``docxform.round.report`` that its package exports under the same name.
ROUND_REPORT = importlib.import_module("docxform.round.report")


@pytest.fixture()
def round_with_a_stranger(tmp_path: Path) -> Path:
    """An sa2003 round with three sa2003 returns and one return of the stocktake form."""
    rnd, blank = start_generic_round(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n, name in enumerate(NAMES):
        fill_return(blank, inbox / f"r{n}.docx", known_ratings([i.id for i in SA.items], SA.rating_scale.keys, n),
                    name=name)
    other = tmp_path / "stocktake.docx"
    api.generate_form("stocktake2003", other)
    fill_return(other, inbox / "stocktake-return.docx",
                known_ratings([i.id for i in STOCKTAKE.items], STOCKTAKE.rating_scale.keys, 9), name="Zed Zhou")
    done = api.round_ingest(rnd, [inbox])
    assert [line.outcome for line in done.lines].count("new") == 4, [vars(line) for line in done.lines]
    return rnd


def _counting(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the store's version reads, the returns read from their JSON, and the validations."""
    calls: Counter[str] = Counter()
    real_versions, real_from_dict, real_validate = Store.versions, Response.from_dict, rules.validate_return

    def versions(self: Store, **options: Any) -> Any:
        calls["store.versions"] += 1
        return real_versions(self, **options)

    def from_dict(cls: type[Response], data: dict[str, Any]) -> Response:
        calls["Response.from_dict"] += 1
        return real_from_dict(data)

    def validate(*args: Any, **kwargs: Any) -> Any:
        calls["validate_return"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(Store, "versions", versions)
    monkeypatch.setattr(Response, "from_dict", classmethod(from_dict))
    monkeypatch.setattr(rules, "validate_return", validate)
    monkeypatch.setattr(ROUND_REPORT, "validate_return", validate, raising=False)  # bound there by name
    return calls


def test_the_report_reads_the_store_once_and_parses_and_validates_each_return_once(
        round_with_a_stranger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    result = api.round_report(round_with_a_stranger)
    assert result.returned == "4 returns"
    assert calls == Counter({"store.versions": 1, "Response.from_dict": 4, "validate_return": 4})


def test_no_problems_sheet_lists_a_row_twice_and_the_stranger_is_listed_once(round_with_a_stranger: Path) -> None:
    api.round_report(round_with_a_stranger)
    out = round_with_a_stranger / "report"
    rows = list(load_workbook(out / "summary.xlsx", read_only=True)["Problems"].iter_rows(values_only=True))[1:]
    assert rows, "the round's returns have findings (no evidence given): the sheet must not be empty"
    # One finding is one (file, item, field, code): two rows of it are a duplicate even when worded differently.
    twice = [key for key, n in Counter((r[0], r[2], r[3], r[4]) for r in rows).items() if n > 1]
    assert twice == []
    mismatch = [row for row in rows if row[4] == "framework-mismatch"]
    assert len(mismatch) == 1 and mismatch[0][0].startswith("stocktake-return.docx (receipt ")
    page = (out / "report.html").read_text("utf-8")
    assert page.count("framework-mismatch") == 1
    assert '<p id="returned"><b>4 returns</b></p>' in page


def test_the_sheets_say_which_version_and_whose_file_each_row_is_from(tmp_path: Path) -> None:
    """Two people each send "form.docx"; one of them sends it again a day later. The Problems and Respondents
    sheets name each row's file with its receipt number and date: the current version, and each person's own."""
    from tests.support.roundkit import set_last_saved, stamp

    rnd, blank = start_generic_round(tmp_path)
    ids, levels = [i.id for i in SA.items], SA.rating_scale.keys
    first, second, again = (tmp_path / d for d in ("ann", "bill", "ann-again"))
    for folder, name, seed, day in ((first, "Asha Patel", 1, 2), (second, "Bill Moss", 2, 2), (again, "Asha Patel", 3, 3)):
        folder.mkdir()
        fill_return(blank, folder / "form.docx", known_ratings(ids, levels, seed), name=name)
        set_last_saved(folder / "form.docx", stamp(day))
    for folder in (first, second, again):
        assert api.round_ingest(rnd, [folder / "form.docx"]).lines[0].outcome in ("new", "resubmission")
    api.round_report(rnd)
    with open_store_readonly(rnd) as receipts:
        asha_now = next(r for r in receipts if r.origin == str(again / "form.docx"))
        bill = next(r for r in receipts if r.origin == str(second / "form.docx"))
    book = load_workbook(rnd / "report" / "summary.xlsx", read_only=True)
    problems = list(book["Problems"].iter_rows(values_only=True))[1:]
    files = {(row[0], row[1]) for row in problems}
    assert (f"form.docx (receipt {asha_now.id}, {asha_now.when[:10]})", "Asha Patel") in files
    assert (f"form.docx (receipt {bill.id}, {bill.when[:10]})", "Bill Moss") in files
    assert not any(str(row[1]).startswith("one of") for row in problems)  # each file is one person's
    assert len({row[0] for row in problems if row[0]}) == 2  # Asha's first version is not current: none of its rows


def open_store_readonly(folder: Path) -> Any:
    """The round's receipts, read from its store."""
    from contextlib import contextmanager

    from docxform.round.store import open_store

    @contextmanager
    def receipts() -> Any:
        with open_store(folder, readonly=True) as store:
            yield store.receipts()
    return receipts()
