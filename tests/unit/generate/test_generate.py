"""Generating forms: valid OOXML, opens in LibreOffice, deterministic, one per respondent, clean errors."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from docxform import api
from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.generate.shipped import regenerate, shipped_layouts
from docxform.oxml.fill import fill
from docxform.parse import parse_form
from tests.support.cli import Done, run_main
from tests.support.definitions import GOOD
from tests.support.lo import convert

ROOT = Path(__file__).resolve().parents[3]
SAMPLES_CSV = ROOT / "samples" / "people.csv"


def test_shipped_blank_forms_and_mappings_are_regenerated_identically(tmp_path: Path) -> None:
    regenerate(tmp_path / "blank", tmp_path / "maps")
    for _fid, _layout, stem in shipped_layouts():
        assert (tmp_path / "blank" / f"{stem}.docx").read_bytes() == (ROOT / "blank_forms" / f"{stem}.docx").read_bytes()
    for mapping in (tmp_path / "maps").iterdir():
        assert mapping.read_text("utf-8") == (ROOT / "mappings" / mapping.name).read_text("utf-8"), mapping.name


@pytest.mark.parametrize("fid,layout,stem", shipped_layouts())
def test_every_layout_passes_the_schema_check(tmp_path: Path, ooxml_check, fid: str, layout: str, stem: str) -> None:
    out = tmp_path / f"{stem}.docx"
    api.generate_form(fid, out, layout=layout, guidance=True, protect=True, partnership="Test <&> Partnership")
    assert ooxml_check(out) == ""


def test_generated_form_carries_identity_and_protection(tmp_path: Path) -> None:
    (form,) = api.generate_form("sa2003", tmp_path / "f.docx", protect=True)
    with zipfile.ZipFile(form.path) as z:
        custom = z.read("docProps/custom.xml").decode()
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    for name in ("docxform.framework", "docxform.framework_version", "docxform.layout", "docxform.form_id"):
        assert f'name="{name}"' in custom
    assert form.form_id in custom and ">sa2003<" in custom
    assert 'w:edit="forms"' in settings
    assert document.count("<w14:checkbox>") == 20 * 4
    assert 'w:tag w:val="dxf:2.3:rating:some_success"' in document
    assert 'w:tag w:val="dxf:5.5:goals"' in document
    assert document.count("<w:tblHeader/>") >= 5 and 'w:orient="landscape"' in document


@pytest.mark.libreoffice
def test_blank_forms_render_in_libreoffice(tmp_path: Path) -> None:
    files = sorted((ROOT / "blank_forms").glob("*.docx"))
    pdfs = convert(files, "pdf", tmp_path)
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        first = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                                        text=True, check=True).stdout.split())
        if pdf.stem == "sa2003":
            assert 6 <= pages <= 30
            assert "THE SELF-ASSESSMENT FORM" in first and "1. Leadership" in first
            for word in ("GAP IDENTIFIED", "WORKING TOWARDS", "DOING WELL", "SUPPORTING", "1.1", "Name of partnership"):
                assert word in first
        elif pdf.stem == "stocktake2003":
            assert "STOCKTAKE TEMPLATE: AUGUST 2003" in first and "JUSTIFICATION" in first and pages >= 2
        elif pdf.stem == "hallmarks2007":
            assert "Partnership position (and date)" in first and pages >= 3
        else:
            assert pages >= 1 and first.strip()


@pytest.mark.libreoffice
@pytest.mark.parametrize("fid", ["sa2003", "stocktake2003", "beacon2003", "hallmarks2007"])
def test_round_trip_filled_in_code_then_resaved_by_libreoffice(tmp_path: Path, fid: str) -> None:
    fw = load_framework(fid)
    blank = tmp_path / "blank.docx"
    api.generate_form(fid, blank, partnership="Round Trip CDRP")
    levels = fw.rating_scale.keys if fw.rating_scale else ()
    ratings = {it.id: levels[(i * 7) % len(levels)] for i, it in enumerate(fw.items)} if levels else {}
    shown = [f for f in fw.text_fields if f.key in fw.form().items_block.columns]
    texts = {(it.id, f.key): f"{f.label} for {it.id}\nsecond paragraph = 1+1"
             for i, it in enumerate(fw.items) for f in shown if (i + len(f.key)) % 3}
    filled = tmp_path / "filled.docx"
    fill(blank, filled, ratings, texts)
    (resaved,) = convert([filled], 'docx:"MS Word 2007 XML"'.replace('"', ""), tmp_path / "lo")
    for path in (filled, resaved):
        data = parse_form(path).to_dict()
        assert data["fields"].get("partnership", "Round Trip CDRP") == "Round Trip CDRP"
        for it in fw.items:
            answer = data["items"][it.id]
            if levels:
                assert answer["rating"] == ratings[it.id], (path.name, it.id)
            for f in shown:
                assert answer[f.key] == texts.get((it.id, f.key), ""), (path.name, it.id, f.key)
        codes = {p["code"] for p in data["problems"]}
        assert not codes & {"rating-missing", "rating-ambiguous", "rating-unclear", "item-not-found"}
    assert {p["code"] for p in parse_form(resaved).to_dict()["problems"]} >= {"tags-lost"}


def test_one_form_per_respondent(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("name,organisation,role,email\nJane Smith,Salford City Council,CSU Manager,j@x.org\n"
                   "Brian Wroe,GMP,Divisional Commander,b@x.org\n", "utf-8")
    forms = api.generate_form("sa2003", tmp_path / "forms", respondents=csv, partnership="Salford CDRP")
    assert [f.path.name for f in forms] == ["sa2003-jane-smith.docx", "sa2003-brian-wroe.docx"]
    assert len({f.form_id for f in forms}) == 2
    data = parse_form(forms[0].path).to_dict()
    assert data["fields"]["partnership"] == "Salford CDRP"
    assert data["fields"]["completed_by"] == "Jane Smith"
    assert data["fields"]["completed_by_role"] == "CSU Manager"
    assert data["form_id"] == forms[0].form_id and data["respondent"] == "Jane Smith"
    assert (tmp_path / "forms" / "sa2003-annexb.yaml").exists()


@pytest.mark.parametrize("content,message", [
    ("organisation,role\nGMP,x\n", "missing column(s): name"),
    ("name,role\nJane,x\nJane,y\n", "duplicate name 'Jane'"),
    ("name\n", "no respondents listed"),
    ("name,org\nJa\x00ne,X\n", "line 2: contains a NUL character"),
    ('name,email\n"unterminated,x\n', "not valid CSV (unexpected end of data)"),
    ("name\n" + "x" * 300_000 + "\n", "not valid CSV (field larger than field limit"),
])
def test_bad_respondents_files(tmp_path: Path, content: str, message: str) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(content, "utf-8")
    with pytest.raises(DocxformError) as err:
        api.generate_form("sa2003", tmp_path / "out", respondents=csv)
    assert message in str(err.value) and "people.csv" in str(err.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def run_cli(*args: str) -> Done:
    """The CLI in this process (tests.support.cli): exit status and one-line errors as a child would show them."""
    return run_main(*args)


def test_cli_errors_are_one_line_and_leave_nothing(tmp_path: Path) -> None:
    unknown = run_cli("generate", "form", "nosuch", "-o", str(tmp_path / "x.docx"))
    assert unknown.returncode == 1 and "nosuch: no such framework" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.docx").exists()
    unreadable = run_cli("generate", "form", "sa2003", "--respondents", str(tmp_path / "none.csv"), "-o",
                         str(tmp_path / "o"))
    assert unreadable.returncode == 1 and "none.csv: no such respondents file" in unreadable.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    for args in (["-o", str(blocker / "f.docx")], ["--respondents", str(SAMPLES_CSV), "-o", str(blocker / "forms")]):
        result = run_cli("generate", "form", "sa2003", *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith(f"docxform: {blocker}")
    assert blocker.read_text("utf-8") == "not a folder"


def test_cli_refuses_a_read_only_output_folder(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder; the folder-under-a-file case runs instead")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_cli("generate", "form", "sa2003", "-o", str(locked / "f.docx"))
        assert result.returncode == 1 and "not writable" in result.stderr and "Traceback" not in result.stderr
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_cli_generate_matches_library(tmp_path: Path) -> None:
    result = run_cli("generate", "form", "stocktake2003", "-o", str(tmp_path / "cli.docx"), "--partnership", "X")
    assert result.returncode == 0, result.stderr
    api.generate_form("stocktake2003", tmp_path / "lib.docx", partnership="X")
    assert (tmp_path / "cli.docx").read_bytes() == (tmp_path / "lib.docx").read_bytes()




def test_a_users_own_framework_round_trips_without_flags(tmp_path: Path) -> None:
    definition = tmp_path / "mine.yaml"
    definition.write_text(GOOD, "utf-8")
    blank = tmp_path / "mine-form.docx"
    run = run_cli("generate", "form", str(definition), "-o", str(blank))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "mine-default.yaml").exists()
    filled = tmp_path / "filled.docx"
    fill(blank, filled, {"1.1": "high", "1.2": "low"}, {("1.2", "notes"): "Done\nin 2004"})
    data = parse_form(filled).to_dict()
    assert data["framework"] == {"id": "mine", "version": "1"} and data["mapping"] == "mine-default"
    assert data["items"]["1.1"]["rating"] == "high"
    assert data["items"]["1.2"] == {"rating": "low", "notes": "Done\nin 2004",
                                    "provenance": {"rating": "tag", "notes": "tag"},
                                    "cells": {"rating": {"table": 2, "row": 3},
                                              "notes": {"table": 2, "row": 3, "cell": 5}}}
    definition.unlink()
    with pytest.raises(DocxformError, match=r"filled\.docx.*not built in"):
        parse_form(filled)


def test_quoted_fields_may_hold_commas_and_line_breaks(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text('name,role\n"Smith, Jane","Chair\nof the group"\nBob,Officer\n', "utf-8")
    forms = api.generate_form("sa2003", tmp_path / "out", respondents=csv)
    assert [f.path.name for f in forms] == ["sa2003-smith-jane.docx", "sa2003-bob.docx"]
    assert parse_form(forms[0].path).to_dict()["fields"]["completed_by_role"] == "Chair\nof the group"
