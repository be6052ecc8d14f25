"""Hostile, broken and absurd files: each is refused in one line naming it; the batch goes on.

The corpus is built here, small on disk and fast: a zip bomb is ~300 MB of
zeros deflated to a few hundred KB, a huge table is one generated string.
Nothing is ever written to the inputs (their hashes are checked).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from docxform.core.errors import DocxformError, UnsafeInputError
from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.oxml.fill import fill
from docxform.parse import parse_form
from tests.support.docmaker import CONTENT_TYPES, RELS, document_xml, p, package, tbl, tc, tr

ROOT = Path(__file__).resolve().parents[2]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
MACRO_TYPES = CONTENT_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml").replace(
    "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
XXE = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + f']><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


def zip_of(parts: dict[str, bytes | str]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def zip_bomb(path: Path, megabytes: int = 300) -> None:
    """A document.xml of ``megabytes`` MB of zeros, written streaming so the test stays small and fast."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"0" * (1 << 20)
            for _ in range(megabytes):
                stream.write(chunk)


def huge_table_body(cells: int) -> str:
    per_row = 500
    row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * per_row + "</w:tr>"
    return "<w:tbl>" + row * (cells // per_row + 1) + "</w:tbl>"


def deep_body(levels: int) -> str:
    return "<w:tbl><w:tr><w:tc>" * levels + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * levels


# name -> (what it is, the cause the one-line error must give)
EXPECTED: dict[str, str] = {
    "picture.docx": "not a Word or Excel file",
    "notes.docx": "not a Word or Excel file (unrecognised content)",
    "macros.docm": "macro-enabled document (.docm)",
    "macros-renamed.docx": "contains macros",
    "encrypted.docx": "password-protected (encrypted)",
    "legacy-renamed.docx": "a legacy .doc (Office 97-2003) file",
    "truncated.docx": "damaged or truncated zip",
    "zip-bomb.docx": "zip would inflate to 300 MB",
    "xxe.docx": "declares a DOCTYPE",
    "xxe-after-comments.docx": "declares a DOCTYPE",
    "xxe-in-properties.docx": "part docProps/custom.xml declares a DOCTYPE",
    "billion-laughs.docx": "declares a DOCTYPE",
    "huge-table.docx": "more than 250,000 table cells",
    "deep-nesting.docx": "nested more than 256 levels deep",
    "many-paragraphs.docx": "more than 500,000 paragraphs (600,000)",
    "empty.docx": "empty file",
    "workbook.docx": "not a Word document: this is an Excel workbook",
    "plain-zip.docx": "not a Word document: this is a zip, but not an Office document",
    "many-members.docx": "zip has 2,001 members",
    "not-a-form.docx": "not recognised as a form of any shipped framework",
    "damaged-xml.docx": "damaged XML in word/document.xml",
    "folder.docx": "is a directory",
    "missing.docx": "no such file",
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    blank = folder / "blank.docx"
    generate_form(load_framework("sa2003"), blank, FormOptions(), partnership="Salford CDRP")
    path = folder / "good-return.docx"
    fill(blank, path, {"1.1": "some_success"}, {("1.1", "comments"): "Fine."})
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, good: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    body = document_xml(p("Hello"))
    files: dict[str, bytes] = {
        "picture.docx": PNG,
        "notes.docx": b"Dear GO, please find our return attached.\n",
        "macros.docm": zip_of({"[Content_Types].xml": MACRO_TYPES, "_rels/.rels": RELS, "word/document.xml": body,
                               "word/vbaProject.bin": b"\x00Attribute VB_Name = \"ThisDocument\""}),
        "macros-renamed.docx": zip_of({"[Content_Types].xml": MACRO_TYPES, "_rels/.rels": RELS,
                                       "word/document.xml": body, "word/vbaProject.bin": b"\x00macro"}),
        "encrypted.docx": OLE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000,
        "legacy-renamed.docx": OLE + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 1000,
        "truncated.docx": good.read_bytes()[: good.stat().st_size // 2],
        "xxe.docx": package(XXE.encode()),
        "xxe-after-comments.docx": package(XXE.replace("<!DOCTYPE", "<!--" + "x" * 5000 + "--><!DOCTYPE").encode()),
        "xxe-in-properties.docx": package(body, {"docProps/custom.xml": XXE.encode()}),
        "billion-laughs.docx": package(LAUGHS.encode()),
        "huge-table.docx": package(document_xml(huge_table_body(250_001))),
        "deep-nesting.docx": package(document_xml(deep_body(100_000))),
        "many-paragraphs.docx": package(document_xml("<w:p/>" * 600_000)),
        "empty.docx": b"",
        "workbook.docx": zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"}),
        "plain-zip.docx": zip_of({"readme.txt": "hello"}),
        "many-members.docx": zip_of({"word/document.xml": body, **{f"x/{i}.xml": "<x/>" for i in range(2000)}}),
        "not-a-form.docx": package(body),
        "damaged-xml.docx": package(b"<w:document xmlns:w='" + W.encode() + b"'><w:body><w:p>"),
    }
    out = {}
    for name, blob in files.items():
        out[name] = folder / name
        out[name].write_bytes(blob)
    zip_bomb(folder / "zip-bomb.docx")
    out["zip-bomb.docx"] = folder / "zip-bomb.docx"
    (folder / "folder.docx").mkdir()
    out["folder.docx"] = folder / "folder.docx"
    out["missing.docx"] = folder / "missing.docx"
    return out


def fingerprint(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(f"{f.name}={fingerprint(f)}" for f in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def test_corpus_is_small_on_disk(corpus: dict[str, Path]) -> None:
    sizes = {name: path.stat().st_size for name, path in corpus.items() if path.is_file()}
    assert sizes["zip-bomb.docx"] < 1_000_000
    with zipfile.ZipFile(corpus["zip-bomb.docx"]) as archive:
        assert archive.getinfo("word/document.xml").file_size > 300 * 2**20
    assert sum(sizes.values()) < 10_000_000


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_hostile_file_is_refused_in_one_line(corpus: dict[str, Path], name: str) -> None:
    path = corpus[name]
    before = fingerprint(path)
    started = time.monotonic()
    with pytest.raises(DocxformError) as info:
        parse_form(path)
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    assert EXPECTED[name] in message
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"
    assert fingerprint(path) == before


@pytest.mark.parametrize("name", ["zip-bomb.docx", "xxe.docx", "billion-laughs.docx", "huge-table.docx",
                                  "deep-nesting.docx", "many-members.docx", "many-paragraphs.docx"])
def test_hostile_files_are_reported_as_unsafe(corpus: dict[str, Path], name: str) -> None:
    with pytest.raises(UnsafeInputError):
        parse_form(corpus[name])


def test_external_entity_is_never_read(corpus: dict[str, Path]) -> None:
    with pytest.raises(DocxformError) as info:
        parse_form(corpus["xxe.docx"])
    assert "root:" not in str(info.value)


@pytest.mark.slow
def test_a_table_just_under_the_cell_limit_is_read(tmp_path: Path) -> None:
    """The limit refuses absurd tables, not big ones: 250,000 cells are read (and are no form).

    Read by ``docxform parse`` as a user runs it, in its own process: the
    suite's check that both readers agree (conftest) would walk the quarter
    million cells in Python a second time, and adds nothing on a table of
    empty cells that the randomly built documents of test_reader_fastpath do
    not cover. How fast is measured by the benchmarks, not here; the fuzz
    test bounds time per file.
    """
    path = tmp_path / "big.docx"
    path.write_bytes(package(document_xml(huge_table_body(249_000))))
    done = run_cli(str(path), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}: not recognised as a form of any shipped framework"), done.stderr
    assert "Traceback" not in done.stderr and "too large" not in done.stderr and "refused" not in done.stderr


def test_nesting_within_the_limit_is_read(tmp_path: Path, good: Path) -> None:
    """Tables nested 80 deep in a comment cell (240 XML levels) do not crash the reader."""
    deep = tbl(tr(tc(deep_body(79).replace("<w:p/>", p("deep text"), 1))))
    body = (tbl(tr(tc("STANDARD", span=2), tc("GAP IDENTIFIED"), tc("WORKING TOWARDS"), tc("SOME SUCCESS"),
                   tc("DOING WELL"), tc("JUSTIFICATION")),
                tr(tc("1.1"), tc("The partnership is well-led"), tc("X"), tc(""), tc(""), tc(""), tc(p("why"), deep))))
    path = tmp_path / "nested.docx"
    path.write_bytes(package(document_xml(body)))
    result = parse_form(path, mapping="stocktake2003-stocktake").to_dict()
    assert result["items"]["1.1"]["rating"] == "gap_identified"
    assert result["items"]["1.1"]["justification"] == "why\ndeep text"


@pytest.mark.libreoffice
def test_a_picture_named_doc_is_refused_after_conversion(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "scan.doc"
    path.write_bytes(PNG)
    before = fingerprint(path)
    with pytest.raises(DocxformError) as info:
        parse_form(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert "\n" not in str(info.value)
    assert fingerprint(path) == before


# --- the command line: one line per bad file, the good file still parsed, exit status 1

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DOCXFORM_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "docxform", "parse", *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd, env=env, check=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_reports_every_bad_file_and_parses_the_good_one(corpus: dict[str, Path], good: Path,
                                                            tmp_path: Path, jobs: str) -> None:
    inner = corpus["folder.docx"] / "inside-empty.docx"
    inner.write_bytes(b"")
    bad = [corpus[name] for name in EXPECTED if name != "folder.docx"]
    inputs = [good, *bad, corpus["folder.docx"]]
    before = {path: fingerprint(path) for path in inputs}
    out = tmp_path / "parsed"
    started = time.monotonic()
    done = run_cli(str(good), *map(str, bad), str(corpus["folder.docx"]), "-o", str(out), "--jobs", jobs,
                   cwd=tmp_path)
    elapsed = time.monotonic() - started
    after = {path: fingerprint(path) for path in inputs}
    inner.unlink()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.splitlines()
    reported = [*bad, inner]
    for path in reported:
        naming = [line for line in lines if line.startswith(str(path) + ": ")]
        assert len(naming) == 1, (path, lines)
    assert lines[-1] == f"docxform: {len(reported)} of {len(reported) + 1} file(s) could not be read"
    assert len(lines) == len(reported) + 1
    parsed = json.loads((out / "good-return.json").read_text("utf-8"))
    assert parsed["items"]["1.1"]["rating"] == "some_success"
    assert parsed["items"]["1.1"]["comments"] == "Fine."
    assert sorted(f.name for f in out.iterdir()) == ["good-return.json"]
    assert after == before
    assert elapsed < 30


def test_cli_without_output_folder_prints_the_good_json(corpus: dict[str, Path], good: Path, tmp_path: Path) -> None:
    done = run_cli(str(corpus["zip-bomb.docx"]), str(good), str(corpus["xxe.docx"]), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["source"]["path"] == str(good)
    assert result["items"]["1.1"]["rating"] == "some_success"
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{corpus['zip-bomb.docx']}: ") and "zip bomb" in lines[0]
    assert lines[1].startswith(f"{corpus['xxe.docx']}: ") and "DOCTYPE" in lines[1]
    assert lines[2] == "docxform: 2 of 3 file(s) could not be read"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_the_cell_limit_holds_in_any_encoding(monkeypatch, encoding: str) -> None:
    """The quick count of "<" bytes only stands in for counting cells where "<" is one byte (UTF-8)."""
    from lxml import etree

    from docxform.oxml import reader

    monkeypatch.setattr(reader, "MAX_CELLS", 10)
    xml = document_xml(huge_table_body(20)).decode()
    if encoding == "utf-16":
        xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = xml.encode(encoding)
    with pytest.raises(UnsafeInputError, match="more than 10 table cells"):
        reader.read_document(etree.fromstring(data), "big.docx", data)
