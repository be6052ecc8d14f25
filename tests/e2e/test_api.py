"""The library does what the CLI does: folders, output routing and batches live in docxform.api."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docxform import api
from docxform.cli.main import cli
from docxform.core.errors import DocxformError
from docxform.framework.loader import builtin_path

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "returns"
ONE = SAMPLES / "sa2003-jane-smith.docx"


def test_parse_accepts_a_folder_and_gives_one_outcome_per_form(tmp_path: Path) -> None:
    for name in ("sa2003-jane-smith.docx", "sa2003-tom-healey.docx"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a form", "utf-8")
    batch = api.parse([tmp_path])
    outcomes = list(batch)
    assert len(batch) == 2
    assert [Path(o.path).name for o in outcomes] == ["sa2003-jane-smith.docx", "sa2003-tom-healey.docx"]
    assert [o.result["respondent"] for o in outcomes if o.result] == ["Jane Smith", "Tom Healey"]


def test_an_output_ending_in_a_slash_is_a_folder_even_for_one_input(tmp_path: Path) -> None:
    target = tmp_path / "p1"
    outcomes = list(api.parse([ONE], output=f"{target}/"))
    written = target / "sa2003-jane-smith.json"
    assert target.is_dir() and outcomes[0].written == written
    assert json.loads(written.read_text("utf-8"))["respondent"] == "Jane Smith"


def test_the_cli_writes_into_the_folder_named_with_a_slash(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", str(ONE), "-o", f"{tmp_path / 'p1'}/"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "p1" / "sa2003-jane-smith.json").read_text("utf-8"))["kind"] == "form"
    assert result.output == ""


def test_an_existing_folder_receives_the_file_and_a_plain_name_is_the_file(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    list(api.parse([ONE], output=tmp_path / "out"))
    assert (tmp_path / "out" / "sa2003-jane-smith.json").is_file()
    outcomes = list(api.parse([ONE], output=tmp_path / "one.json"))
    assert outcomes[0].written == tmp_path / "one.json"
    assert json.loads((tmp_path / "one.json").read_text("utf-8"))["respondent"] == "Jane Smith"


def test_check_frameworks_reports_each_file_and_goes_on_after_an_unreadable_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n", "utf-8")
    checks = api.check_frameworks([tmp_path / "none.yaml", bad, builtin_path("sa2003")])
    assert [c.ok for c in checks] == [False, False, True]
    assert checks[0].error is not None and "none.yaml" in checks[0].error
    assert any("version" in p.message for p in checks[1].problems)
    assert checks[2].framework is not None and checks[2].framework.id == "sa2003"


def test_validate_writes_the_workbook_from_the_library(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    report = api.validate([ONE], xlsx=tmp_path / "report.xlsx")
    rows = list(load_workbook(tmp_path / "report.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(report.problems)


def test_merge_result_counts_what_was_written(tmp_path: Path) -> None:
    result = api.merge([SAMPLES], tmp_path / "merged.json")
    written = json.loads((tmp_path / "merged.json").read_text("utf-8"))
    assert (result.respondents, result.items) == (len(written["respondents"]), len(written["items"])) == (8, 20)
    assert result.errors == []


def test_a_folder_named_with_a_colon_stays_whole_in_validation_json(tmp_path: Path) -> None:
    """Unreadable files travel as FileError records, never a "path: cause" string split again."""
    folder = tmp_path / "colon: dir"
    folder.mkdir()
    shutil.copy(ONE, folder / "good.docx")
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    result = api.collate([folder], tmp_path / "out")
    assert [(e.path, e.code) for e in result.errors] == [(str(folder / "broken.docx"), "file-unreadable")]
    report = json.loads((tmp_path / "out" / "validation.json").read_text("utf-8"))
    unread = [f for f in report["files"] if "error" in f]
    assert [(f["path"], f["error_code"]) for f in unread] == [(str(folder / "broken.docx"), "file-unreadable")]
    assert ": " not in unread[0]["error"][:2] and "colon" not in unread[0]["error"]


def test_validate_lists_unreadable_files_with_their_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    (entry,) = api.validate([bad]).to_dict()["files"]
    assert entry["path"] == str(bad) and entry["error_code"] == "file-unreadable" and "JSON" in entry["error"]


def test_a_refused_file_has_its_own_code(tmp_path: Path, monkeypatch) -> None:
    import docxform.parse.source

    monkeypatch.setattr(docxform.parse.source, "MAX_RETURN_BYTES", 1000)
    (outcome,) = api.parse([ONE])
    assert outcome.error is not None and outcome.error.code == "file-refused"
    assert outcome.error.describe() == f"{ONE}: {outcome.error.message}"


def test_parse_never_writes_over_an_input(tmp_path: Path) -> None:
    """``parse x.docx -o x.docx`` is refused, and a folder's own parse JSON is not overwritten by its twin."""
    copy = tmp_path / "x.docx"
    shutil.copy(ONE, copy)
    before = copy.read_bytes()
    with pytest.raises(DocxformError, match="is one of the inputs"):
        api.parse([copy], output=copy)
    assert copy.read_bytes() == before
    kept = tmp_path / "x.json"
    kept.write_text('{"kind": "plan", "mine": true}', "utf-8")
    for _ in api.parse([copy, kept], output=tmp_path):
        pass
    assert json.loads(kept.read_text("utf-8")) == {"kind": "plan", "mine": True}
    assert json.loads((tmp_path / "x-2.json").read_text("utf-8"))["kind"] == "form"


def test_collate_names_the_partnership_and_the_date_of_the_returns(tmp_path: Path) -> None:
    """Without a round the outputs still say whose they are and how current: the partnership the returns
    name, and the latest last-saved time among them (issue 22)."""
    import lxml.html
    from openpyxl import load_workbook

    from tests.support.roundkit import set_last_saved

    returns = tmp_path / "returns"
    returns.mkdir()
    for n, name in enumerate(["sa2003-jane-smith.docx", "sa2003-tom-healey.docx"]):
        shutil.copy(SAMPLES / name, returns / name)
        set_last_saved(returns / name, f"2004-03-0{n + 1}T10:00:00Z")
    api.collate([returns], tmp_path / "out")
    about = dict(list(load_workbook(tmp_path / "out" / "summary.xlsx")["About"].iter_rows(values_only=True))[1:])
    assert about["Partnership"] == "Salford Crime and Disorder Partnership"
    assert about["Returns up to"] == "2 March 2004"
    page = lxml.html.parse(str(tmp_path / "out" / "report.html")).getroot()
    assert "returns up to 2 March 2004" in page.xpath('//p[@id="imprint"]')[0].text_content()
