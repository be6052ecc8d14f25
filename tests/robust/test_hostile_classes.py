"""One regression test per class of failure the fuzzer found (issue 13).

Damaged zip members and directories, ``w:sym`` codes outside Unicode,
Unicode digits, huge merged ranges and far cell references, DOCTYPEs late
in a workbook part, special files in a batch, a return's mapping property
used as a path, YAML alias bombs, internal errors in a batch (in worker
processes too), collate with returns of two frameworks, and refusals in a
library's words instead of ours.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from docxform import api
from docxform.core.errors import DocxformError
from docxform.oxml.model import SymbolMark, parse_int
from docxform.parse import parse_form
from docxform.parse.ticks import classify_symbol
from docxform.plan import parse_plan
from tests.support.cli import run_main
from tests.support.planfill import fill_plan

ROOT = Path(__file__).resolve().parents[2]
RETURN = ROOT / "samples" / "returns" / "sa2003-jane-smith.docx"
OTHER_RETURN = ROOT / "samples" / "returns" / "sa2003-tom-healey.docx"
SHEET = "xl/worksheets/sheet1.xml"
ROW = {"standard": "1.1", "goal": "Better data", "action": "Train staff", "milestones": "Q1", "lead_officer": "A. Lead",
       "resources": "", "challenges": "", "measure": "90%", "milestone_date": "2026-03-31", "status": "In progress",
       "last_reviewed": "2026-01-15", "priority": "2"}
HEADER = {"partnership": "Safer Town", "lead_officer": "C. Ord", "period": "2026"}


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def cli(*args: str, cwd: Path, timeout: float = 120, extra: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docxform", *args], capture_output=True, text=True, cwd=cwd,
                          env={**env(), **(extra or {})}, timeout=timeout)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    api.generate_plan("sa2003", folder / "blank.xlsx")
    fill_plan(folder / "blank.xlsx", folder / "plan.xlsx", [ROW], HEADER)
    return folder / "plan.xlsx"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repack(parts: dict[str, bytes], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def with_part(source: Path, target: Path, name: str, edit) -> Path:
    parts = members(source.read_bytes())
    parts[name] = edit(parts[name])
    target.write_bytes(repack(parts))
    return target


def central_entry(data: bytes, name: str) -> int:
    """Offset of ``name``'s entry in the central directory."""
    return next(m.start() for m in re.finditer(rb"PK\x01\x02", data)
                if data[m.start() + 46:m.start() + 46 + len(name)] == name.encode())


def local_entry(data: bytes, name: str) -> int:
    return next(m.start() for m in re.finditer(rb"PK\x03\x04", data)
                if data[m.start() + 30:m.start() + 30 + len(name)] == name.encode())


def patch(data: bytes, at: int, fmt: str, value: int) -> bytes:
    buf = bytearray(data)
    struct.pack_into(fmt, buf, at, value)
    return bytes(buf)


def refusal(path: Path) -> str:
    """The one line ``api.parse`` reports for a file it cannot read (asserting it is one and names the file)."""
    [outcome] = api.parse([path])
    assert outcome.result is None, f"{path} was parsed"
    line = outcome.error.describe() if outcome.error else ""
    assert line.startswith(f"{path}: ") and "\n" not in line and "internal" not in line, line
    return line


# --- damaged zip members inside a workbook


#: Flags zipfile refuses a member for: encrypted, compressed patched data, strong encryption.
FLAG_OF = {"encrypted": 0x1, "patched": 0x20, "strong-encryption": 0x40}


def _damage(data: bytes, kind: str, part: str = SHEET) -> bytes:
    central, local = central_entry(data, part), local_entry(data, part)
    if kind == "crc":
        return patch(patch(data, central + 16, "<I", 0xDEADBEEF), local + 14, "<I", 0xDEADBEEF)
    if kind in FLAG_OF:
        flags = struct.unpack_from("<H", data, central + 8)[0] | FLAG_OF[kind]
        return patch(patch(data, central + 8, "<H", flags), local + 6, "<H", flags)
    if kind == "header-name":  # the local header names another part than the directory does
        name_at = local + 30
        return data[:name_at] + data[name_at:name_at + 1].swapcase() + data[name_at + 1:]
    if kind == "method":
        return patch(patch(data, central + 10, "<H", 99), local + 8, "<H", 99)
    start = local + 30 + struct.unpack_from("<H", data, local + 26)[0] + struct.unpack_from("<H", data, local + 28)[0]
    return data[:start + 20] + b"\xff" * 64 + data[start + 84:]  # corrupt deflate stream


@pytest.mark.parametrize("kind", ["crc", "deflate", "encrypted", "method"])
def test_a_damaged_member_of_a_workbook_is_refused_in_one_line(plan: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(_damage(plan.read_bytes(), kind))
    assert f"damaged zip: part {SHEET} cannot be read" in refusal(path)


@pytest.mark.parametrize("kind", ["crc", "deflate", *FLAG_OF, "header-name", "method"])
def test_a_damaged_member_of_a_return_is_refused_in_zipfiles_words(tmp_path: Path, kind: str) -> None:
    """Parts are inflated straight from memory only when all is plainly in order; anything else is zipfile's
    to read and refuse (a strongly encrypted member was once inflated and parsed: fuzz seed 70117)."""
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(_damage(RETURN.read_bytes(), kind, "word/styles.xml"))
    with zipfile.ZipFile(path) as archive, pytest.raises(Exception) as raised:
        archive.read("word/styles.xml")
    cause = str(raised.value).splitlines()[0][:120] or type(raised.value).__name__
    assert refusal(path) == f"{path}: damaged zip: part word/styles.xml cannot be read ({cause})"


@pytest.mark.parametrize("kind", ["non-utf8-name", "version-needed"])
def test_a_damaged_zip_directory_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    data = RETURN.read_bytes()
    central = central_entry(data, "word/document.xml")
    if kind == "non-utf8-name":
        flags = struct.unpack_from("<H", data, central + 8)[0]
        data = patch(data, central + 8, "<H", flags | 0x800)
        data = data[:central + 46] + b"\xff\xfe" + data[central + 48:]
    else:
        data = patch(data, central + 6, "<H", 99)  # "version needed to extract" 9.9
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(data)
    assert "damaged zip" in refusal(path)


# --- w:sym codes outside Unicode


@pytest.mark.parametrize("code", ["-1", "-F0FC", "110000", "FFFFFFFF", "7FFFFFFFFFFFFFFF", "\u0663"])
def test_a_sym_code_outside_unicode_reads_as_an_unclear_mark(tmp_path: Path, code: str) -> None:
    run = f'<w:r><w:sym w:font="Unknown Font" w:char="{code}"/></w:r>'.encode()
    path = with_part(RETURN, tmp_path / "sym.docx", "word/document.xml",
                     lambda xml: re.sub(rb"(<w:p>|<w:p [^>]*>)", lambda m: m.group(1) + run, xml))
    response = parse_form(path)
    assert response.items  # read, with the marks as problems rather than a crash
    assert any(p.code == "rating-unclear" for p in response.problems)
    assert classify_symbol(SymbolMark("unknown font", 0x110000)) == "unclear"
    assert classify_symbol(SymbolMark("unknown font", -1)) == "unclear"


# --- numbers are ASCII digits only


@pytest.mark.parametrize("text", ["\u00b2", "\u2460", "\u0663", " 7", "1_0", "99999999999"])
def test_numbers_in_attributes_are_ascii_digits(text: str) -> None:
    assert parse_int(text, 5) == 5


@pytest.mark.parametrize("priority", ["\u00b2", "\u2460", "\u0663"])
def test_a_priority_in_unicode_digits_is_a_bad_value(plan: Path, tmp_path: Path, priority: str) -> None:
    path = tmp_path / "priority.xlsx"
    fill_plan(plan, path, [{**ROW, "priority": priority}], HEADER)
    result = parse_plan(path)
    assert any(p.code == "plan-bad-value" and p.field == "priority" for p in result.problems)


@pytest.mark.parametrize("number", ["\u00b2", "\u2460", "\u0663", "99999999999"])
def test_a_row_number_that_is_not_ascii_digits_is_refused(plan: Path, tmp_path: Path, number: str) -> None:
    path = with_part(plan, tmp_path / "row.xlsx", SHEET,
                     lambda xml: xml.replace(b'<row r="2"', f'<row r="{number}"'.encode(), 1))
    assert "not a plain number" in refusal(path) or "beyond" in refusal(path)


# --- bounds before work: merged ranges and far cell references


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:A1048576", "A1:ZZ99999", "A1:A99999999999"])
def test_a_huge_merged_range_is_refused_at_once(plan: Path, tmp_path: Path, ref: str) -> None:
    merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    path = with_part(plan, tmp_path / "merge.xlsx", SHEET,
                     lambda xml: re.sub(rb"<mergeCells.*?</mergeCells>", b"", xml).replace(
                         b"</sheetData>", b"</sheetData>" + merge, 1))
    started = time.monotonic()
    line = refusal(path)
    assert time.monotonic() - started < 10
    assert "merge" in line or "beyond" in line


@pytest.mark.parametrize("ref", ["A99999999999", "A1048576", "XFD2", "A\u00b2", "A\u0663"])
def test_a_far_cell_reference_in_a_small_row_is_refused_at_once(plan: Path, tmp_path: Path, ref: str) -> None:
    path = with_part(plan, tmp_path / "far.xlsx", SHEET,
                     lambda xml: xml.replace(b'<c r="A2"', f'<c r="{ref}"'.encode(), 1))
    started = time.monotonic()
    line = refusal(path)
    assert time.monotonic() - started < 10
    assert "not a cell reference" in line or "beyond" in line


# --- DOCTYPE anywhere in any part


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_a_doctype_late_in_a_workbook_part_is_refused(plan: Path, tmp_path: Path, part: str) -> None:
    doctype = b'<!DOCTYPE x [<!ENTITY e "expanded">]>'

    def late(xml: bytes) -> bytes:
        start = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:start] + b"<!--" + b"x" * 6000 + b"-->" + doctype + xml[start:]

    path = with_part(plan, tmp_path / "late.xlsx", part, late)
    assert f"part {part} declares a DOCTYPE" in refusal(path)


def test_a_doctype_in_utf16_is_refused(tmp_path: Path) -> None:
    def utf16(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        text = re.sub(r"(<\?xml[^>]*\?>)", r'\1<!DOCTYPE x [<!ENTITY e "y">]>', text, count=1)
        return text.encode("utf-16")

    path = with_part(RETURN, tmp_path / "utf16.docx", "word/styles.xml", utf16)
    assert "declares a DOCTYPE" in refusal(path)


# --- only regular files are read


def test_special_files_in_a_batch_are_refused_and_the_rest_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(RETURN, folder / "a-good.docx")
    os.mkfifo(folder / "b-fifo.docx")
    (folder / "c-zero.docx").symlink_to("/dev/zero")
    (folder / "d-link.docx").symlink_to(folder / "a-good.docx")
    shutil.copy(OTHER_RETURN, folder / "e-good.docx")
    out = tmp_path / "out"
    run = cli("parse", str(folder), "-o", str(out), cwd=tmp_path, timeout=60)
    assert run.returncode == 1, run.stderr
    assert f"{folder / 'b-fifo.docx'}: not a regular file (a FIFO (named pipe))" in run.stderr
    assert f"{folder / 'c-zero.docx'}: not a regular file (a device)" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a-good.json", "d-link.json", "e-good.json"]



def test_fifos_whose_format_must_be_sniffed_do_not_block_the_batch(tmp_path: Path) -> None:
    """A FIFO with no known suffix (its first bytes would be read to tell its format), and one named .xml in a folder."""
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(RETURN, folder / "a-good.docx")
    os.mkfifo(folder / "pipe.xml")
    os.mkfifo(tmp_path / "plain")
    out = tmp_path / "out"
    run = cli("parse", str(tmp_path / "plain"), str(folder), "-o", str(out), cwd=tmp_path, timeout=60)
    assert run.returncode == 1, run.stderr
    assert f"{tmp_path / 'plain'}: not a regular file (a FIFO (named pipe))" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a-good.json"]


# --- a return's mapping property is data, never a path

SENTINEL_SCRIPT = textwrap.dedent("""
    import json, sys
    opened = []
    sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and args
                     and isinstance(args[0], (str, bytes)) else None)
    from docxform import api
    lines = [o.error.describe() if o.error else "parsed" for o in api.parse(sys.argv[2:])]
    print(json.dumps({"lines": lines, "opened": [p for p in opened if sys.argv[1] in p]}))
""")


def _with_mapping_property(source: Path, target: Path, value: str) -> Path:
    def edit(xml: bytes) -> bytes:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").encode()
        return re.sub(rb'(name="docxform.mapping"><vt:lpwstr>)[^<]*', lambda m: m.group(1) + escaped, xml)

    return with_part(source, target, "docProps/custom.xml", edit)


def test_a_mapping_property_never_opens_a_file_outside_the_users_own(tmp_path: Path) -> None:
    """Absolute paths, ``../`` paths and unknown ids: refused in one line, and the sentinel is never opened.

    The sentinel folder holds a mapping and framework that would parse the
    return if docxform followed the property; the audit hook sees every file
    the process opens.
    """
    sentinel = tmp_path / "elsewhere"
    sentinel.mkdir()
    shipped = ROOT / "docxform" / "mappings" / "sa2003-annexb.yaml"
    for name in ("evil.yaml", "evil", "sa2003.yaml"):
        shutil.copy(shipped, sentinel / name)
    forms = tmp_path / "forms" / "deeper"
    forms.mkdir(parents=True)
    values = [str(sentinel / "evil.yaml"), str(sentinel / "evil"), "../../elsewhere/evil", "../../elsewhere/evil.yaml",
              f"file://{sentinel}/evil.yaml", "unknown-id"]
    paths = [_with_mapping_property(RETURN, forms / f"r{i}.docx", v) for i, v in enumerate(values)]
    run = subprocess.run([sys.executable, "-c", SENTINEL_SCRIPT, str(sentinel), *map(str, paths)],
                         capture_output=True, text=True, env=env(), timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["opened"] == []
    for path, line in zip(paths, report["lines"], strict=True):
        assert line.startswith(f"{path}: ") and "\n" not in line, line
    assert all("is not a mapping id" in line for line in report["lines"][:5])
    assert "made with mapping 'unknown-id', which is not shipped" in report["lines"][5]


def test_a_mapping_beside_the_form_is_still_found_by_id(tmp_path: Path) -> None:
    shutil.copy(ROOT / "docxform" / "mappings" / "sa2003-annexb.yaml", tmp_path / "my-own.yaml")
    path = _with_mapping_property(RETURN, tmp_path / "r.docx", "my-own")
    assert parse_form(path).mapping == "sa2003-annexb"


def test_a_yaml_alias_bomb_mapping_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\nid: x\nframework: sa2003\n")
    started = time.monotonic()
    run = cli("parse", str(RETURN), "--mapping", str(bomb), cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert run.returncode == 1
    assert f"docxform: {bomb}: YAML expands to more than" in run.stderr


# --- an internal error is the file's, never the batch's


def _boom(path, **kwargs):  # a stand-in for parse_form
    if "boom" in str(path):
        raise ValueError("a bug")
    return parse_form(path, **kwargs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_internal_error_is_reported_against_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        jobs: int) -> None:
    import docxform.parse

    monkeypatch.setattr(docxform.parse, "parse_form", _boom)
    shutil.copy(RETURN, tmp_path / "boom.docx")
    files = [RETURN, tmp_path / "boom.docx", OTHER_RETURN]
    outcomes = list(api.parse(files, jobs=jobs))
    assert [o.result is not None for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None and outcomes[1].error.code == "internal-error"
    line = outcomes[1].error.describe()
    assert line.startswith(f"{tmp_path / 'boom.docx'}: internal-error: ") and "ValueError: a bug" in line
    assert "\n" not in line


def test_debug_keeps_the_traceback_of_an_internal_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import docxform.parse

    monkeypatch.setattr(docxform.parse, "parse_form", _boom)
    monkeypatch.setenv("DOCXFORM_DEBUG", "1")
    shutil.copy(RETURN, tmp_path / "boom.docx")
    [outcome] = api.parse([tmp_path / "boom.docx"])
    assert outcome.error is not None
    assert "Traceback" in outcome.error.message and "_boom" in outcome.error.message


def test_validate_reports_an_internal_error_against_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import docxform.validate.rules

    real = docxform.validate.rules.read_return
    monkeypatch.setattr(docxform.validate.rules, "read_return",
                        lambda path: (_ for _ in ()).throw(KeyError("x")) if "boom" in str(path) else real(path))
    shutil.copy(RETURN, tmp_path / "boom.docx")
    report = api.validate([RETURN, tmp_path / "boom.docx", OTHER_RETURN])
    assert [f.error is None for f in report.files] == [True, False, True]
    assert (report.files[1].error or "").startswith("internal-error: ")
    assert report.files[1].error_code == "internal-error"
    assert report.has_errors


def test_a_worker_that_dies_fails_only_its_own_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import docxform.parse

    def die(path, **kwargs):
        if "die" in str(path):
            os._exit(9)
        return parse_form(path, **kwargs)

    monkeypatch.setattr(docxform.parse, "parse_form", die)
    shutil.copy(RETURN, tmp_path / "die.docx")
    outcomes = list(api.parse([RETURN, tmp_path / "die.docx", OTHER_RETURN, RETURN], jobs=2))
    assert [o.result is not None for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error is not None
    assert outcomes[1].error.describe().startswith(f"{tmp_path / 'die.docx'}: the process reading it ended abruptly")


# --- collate and summarise keep each file's line


def test_collate_of_two_frameworks_keeps_each_unreadable_files_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    run = run_main("collate", str(RETURN), str(ROOT / "blank_forms" / "hallmarks2007.docx"), str(broken),
                   "-o", str(tmp_path / "out"))
    assert run.returncode == 1
    assert f"{broken}: damaged or truncated zip" in run.stderr
    assert "not validated, merged or summarised: the inputs belong to 2 frameworks" in run.stdout
    assert "internal" not in run.stderr


# --- our own words


def test_openpyxls_words_are_not_ours(plan: Path, tmp_path: Path) -> None:
    path = with_part(plan, tmp_path / "values.xlsx", SHEET,
                     lambda xml: re.sub(rb'<c r="B2"[^>]*>.*?</c>|<c r="B2"[^>]*/>',
                                        b'<c r="B2" t="n"><v>not a number</v></c>', xml, count=1))
    line = refusal(path)
    assert "from None" not in line and "Unable to read workbook" not in line
    assert "damaged workbook: a worksheet cannot be read" in line


def test_damaged_returns_never_raise_from_parse_form(tmp_path: Path) -> None:
    """The library function itself raises only DocxformError for a file it cannot read."""
    path = tmp_path / "cut.docx"
    path.write_bytes(RETURN.read_bytes()[:5000])
    with pytest.raises(DocxformError):
        parse_form(path)


# --- sizes of every part, bounded by what a parser's memory allows


def test_a_dense_document_part_beyond_any_form_is_refused_before_parsing(tmp_path: Path) -> None:
    """25 MB of tiny elements would take lxml about 600 MB; the part is refused as it inflates."""
    parts = members(RETURN.read_bytes())
    filler = b"".join(b'<w:r w:x="%05d"/>' % (i % 99991) for i in range(1_600_000))
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body><w:p>" + filler + b"</w:p>")
    path = tmp_path / "dense.docx"
    path.write_bytes(repack(parts))
    assert "part word/document.xml inflates to more than 24 MB" in refusal(path)


def test_a_sheet_with_more_cells_than_any_plan_is_refused(plan: Path, tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in (b"A", b"B", b"C"))
                    + b"</row>" for r in range(300, 9000))
    path = with_part(plan, tmp_path / "cells.xlsx", SHEET, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    started = time.monotonic()
    assert "25,000 cells; not a plan" in refusal(path)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("command", ["summarise", "merge"])
def test_summarise_and_merge_of_two_frameworks_keep_each_unreadable_files_line(tmp_path: Path, command: str) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    run = run_main(command, str(RETURN), str(ROOT / "blank_forms" / "hallmarks2007.docx"), str(broken),
                   "-o", str(tmp_path / ("out.xlsx" if command == "summarise" else "out.json")))
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert lines[0] == f"{broken}: damaged or truncated zip (not a complete .docx/.xlsx)"
    assert lines[1].startswith("docxform: the inputs belong to 2 frameworks")


def test_a_mapping_id_is_looked_up_in_the_users_mapping_folder(tmp_path: Path) -> None:
    mine = tmp_path / "my-mappings"
    mine.mkdir()
    shutil.copy(ROOT / "docxform" / "mappings" / "sa2003-annexb.yaml", mine / "my-own.yaml")
    forms = tmp_path / "forms"
    forms.mkdir()
    path = _with_mapping_property(RETURN, forms / "r.docx", "my-own")
    [without] = api.parse([path])
    assert without.error is not None and "made with mapping 'my-own'" in without.error.message
    [found] = api.parse([path], mapping_dir=mine)
    assert found.result is not None and found.result["mapping"] == "sa2003-annexb"
    run = run_main("parse", str(path), "--mapping-dir", str(mine))
    assert run.returncode == 0 and json.loads(run.stdout)["mapping"] == "sa2003-annexb"
    escaping = _with_mapping_property(RETURN, forms / "escape.docx", "../my-mappings/my-own")
    [refused] = api.parse([escaping], mapping_dir=mine)
    assert refused.error is not None and "is not a mapping id" in refused.error.message


def test_two_cells_at_the_far_corners_of_a_sheet_make_no_cells_between(tmp_path: Path) -> None:
    """Looking for formulas must not make every cell of the rectangle two far cells span (20 million at the
    largest sheet accepted: 49 s and 4.5 GB once); the file is read and refused as no plan, in one line."""
    from openpyxl import Workbook

    from docxform.plan.workbook import open_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "far"
    sheet.cell(19_999, 999).value = "corner"
    path = tmp_path / "corners.xlsx"
    book.save(path)
    loaded = open_workbook(path)
    assert loaded.values is loaded.formulas  # no formula: loaded once
    assert [len(ws._cells) for ws in loaded.values.worksheets] == [2]
    assert "no improvement plan found" in refusal(path)
