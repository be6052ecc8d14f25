"""Who-is-who orders one person's versions by the last-saved time the parse read, never by reopening the file."""

from __future__ import annotations

from pathlib import Path

from docxform.api import generate_form
from docxform.parse.form import parse_form
from docxform.records.response import Response
from docxform.survey.identity import in_later_order
from tests.support.roundkit import fill_return, set_last_saved


def _two_versions(tmp_path: Path) -> tuple[Path, Path]:
    blank = tmp_path / "blank.docx"
    generate_form("sa2003", blank)
    old = fill_return(blank, tmp_path / "zoe (corrected).docx", {"1.1": "1"}, name="Zoe Hart")
    new = fill_return(blank, tmp_path / "zoe.docx", {"1.1": "4"}, name="Zoe Hart")
    set_last_saved(old, "2004-03-01T10:00:00Z")
    set_last_saved(new, "2004-03-09T10:00:00Z")
    return old, new


def test_the_parse_reads_the_saved_time_and_the_order_needs_no_file(tmp_path: Path) -> None:
    old, new = _two_versions(tmp_path)
    newer, older = parse_form(new), parse_form(old)
    assert (newer.saved_at, older.saved_at) == ("2004-03-09T10:00:00Z", "2004-03-01T10:00:00Z")
    old.unlink()
    new.unlink()  # reopening either file would now find nothing: the order comes from the records alone
    assert [r.source_path for r in in_later_order([newer, older])] == [str(old), str(new)]


def test_the_saved_time_is_not_in_the_json_contract(tmp_path: Path) -> None:
    old, _ = _two_versions(tmp_path)
    record = parse_form(old)
    assert "saved_at" not in record.to_dict()
    assert Response.from_dict(record.to_dict()).saved_at is None  # read back: the order received decides
