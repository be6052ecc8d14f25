"""Content decides the type: a return renamed .eml, an e-mail saved as .docx, a Word file named .doc are read as such."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from docxform.framework import load_framework
from docxform.io.sniff import MAIL, OTHER, RETURN, UNKNOWN, sniff, sniff_bytes
from tests.support.roundkit import fill_return, known_ratings, run, start_generic_round, write_eml

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Path]:
    rnd, blank = start_generic_round(tmp_path)
    filled = fill_return(blank, tmp_path / "mine.docx", known_ratings(ITEMS, LEVELS, 3), name="Ruth Renamed")
    return rnd, filled


def test_a_docx_renamed_eml_is_read_as_a_return_with_a_notice(setup: tuple[Path, Path], tmp_path: Path) -> None:
    rnd, filled = setup
    renamed = tmp_path / "return.eml"
    shutil.copyfile(filled, renamed)
    done = run("round", "ingest", str(rnd), str(renamed))
    assert done.returncode == 0, done.stderr
    assert "Ruth Renamed: new" in done.stdout
    assert "NOTE named .eml but its content is a Word document (.docx): read as that" in done.stdout
    assert [p.suffix for p in (rnd / "received").iterdir()] == [".docx"]


def test_an_email_saved_as_docx_in_a_folder_is_read_as_an_email(setup: tuple[Path, Path], tmp_path: Path) -> None:
    rnd, filled = setup
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_eml(inbox / "saved.docx", "ruth@example.org", datetime(2004, 3, 1, tzinfo=UTC), filled)
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 0, done.stderr
    assert "(mine.docx): Ruth Renamed: new" in done.stdout and "its content is an e-mail" in done.stdout
    assert "ruth@example.org" in run("round", "status", str(rnd)).stdout


def test_a_pdf_named_docx_is_an_unreadable_line_saying_what_it_is(setup: tuple[Path, Path], tmp_path: Path) -> None:
    rnd, _ = setup
    fake = tmp_path / "scan.docx"
    fake.write_bytes(b"%PDF-1.4\n%...")
    done = run("round", "ingest", str(rnd), str(fake))
    assert done.returncode == 1
    assert f"{fake}: unreadable (a PDF, not a return (.docx))" in done.stderr


def test_an_unrelated_file_in_a_folder_is_still_skipped(setup: tuple[Path, Path], tmp_path: Path) -> None:
    rnd, _ = setup
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("Subject line: nothing\n", "utf-8")
    (inbox / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 0, done.stderr
    assert "notes.txt: skipped (not a return (.txt))" in done.stdout
    assert "old.xls: skipped (not a return (.xls))" in done.stdout


@pytest.mark.parametrize(("head", "kind", "suffix"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", RETURN, ".doc"),
    (b"{\\rtf1\\ansi", RETURN, ".rtf"),
    (b'<?xml version="1.0"?><w:wordDocument xmlns:w="x">', RETURN, ".xml"),
    (b'<?xml version="1.0"?><root/>', OTHER, None),
    (b"From a@example.org Mon Mar  1 09:00:00 2004\n", MAIL, ".mbox"),
    (b"Return-Path: <a@b>\nReceived: from x\nFrom: a@b\nSubject: s\n\nbody", MAIL, ".eml"),
    (b"X-Mozilla-Status: 0001\nFrom: a@b\nDate: Mon, 1 Mar 2004 09:00:00 +0000\n\n", MAIL, ".eml"),
    (b"Name: Ann\nOrganisation: Council\n\n", UNKNOWN, None),
    (b"Subject only: one header\n\nbody", UNKNOWN, None),
    (b"%PDF-1.7", OTHER, None),
    (b"", UNKNOWN, None),
])
def test_sniff_by_the_first_bytes(head: bytes, kind: str, suffix: str | None) -> None:
    found = sniff(head)
    assert (found.kind, found.suffix) == (kind, suffix)


def test_a_zip_is_a_return_by_its_parts(setup: tuple[Path, Path]) -> None:
    _, filled = setup
    assert sniff_bytes(filled.read_bytes()).suffix == ".docx"
    assert sniff(b"PK\x03\x04", lambda: ["xl/workbook.xml", "[Content_Types].xml"]).suffix == ".xlsx"
    assert sniff(b"PK\x03\x04", lambda: ["mimetype", "content.xml"]).suffix == ".odt"
    assert sniff(b"PK\x03\x04", lambda: ["photo.jpg"]).kind == OTHER
    assert sniff_bytes(b"PK\x03\x04 damaged").kind == UNKNOWN  # left to the parser, which says what is wrong


def test_a_zip_of_returns_is_refused_with_the_advice_to_unzip_it(tmp_path: Path) -> None:
    """A coordinator who zips the returns up gets told what to do, not only that it is no return."""
    import zipfile

    archive = tmp_path / "returns.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ann.docx", b"not read from inside")
    rnd, _ = start_generic_round(tmp_path)
    done = run("round", "ingest", str(rnd), str(archive))
    assert "returns.zip: unreadable (a zip archive (unzip it and ingest the files inside), not a return" in done.stderr
