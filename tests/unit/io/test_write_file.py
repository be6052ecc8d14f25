"""write_file: every output whole or absent, shared as any new file, one line on failure."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from docxform.core.errors import DocxformError
from docxform.io import files
from docxform.io.files import write_file


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(files._TEMP_NAME))


def test_writes_the_bytes_and_text_as_utf8(tmp_path: Path) -> None:
    write_file(tmp_path / "a.json", "café ✓\n")
    write_file(tmp_path / "b.bin", b"\x00\xff" * 70_000)
    assert (tmp_path / "a.json").read_bytes() == "café ✓\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff" * 70_000
    assert _leftovers(tmp_path) == []


def test_the_file_is_shared_as_any_new_file_less_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_file(tmp_path / "out.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o640


def test_a_full_disk_leaves_the_old_file_whole_and_no_temporary_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def full(handle: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(DocxformError) as caught:
        write_file(target, "new")
    assert str(caught.value).startswith(f"{target}: cannot write: no space left on device (free some space")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_a_short_write_is_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(files.os, "write", lambda handle, data: real(handle, bytes(data)[:7]))
    write_file(tmp_path / "out.txt", "0123456789" * 5)
    assert (tmp_path / "out.txt").read_text() == "0123456789" * 5


def test_a_temporary_name_taken_by_a_killed_run_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_TEMP_COUNT", iter([41]))
    stale = tmp_path / f"{files._TEMP_NAME}{os.getpid()}-41.tmp"
    stale.write_text("a killed run's half")
    write_file(tmp_path / "out.json", "whole")
    assert (tmp_path / "out.json").read_text() == "whole"
    assert stale.read_text() == "a killed run's half"  # never written over, never taken for ours
    assert _leftovers(tmp_path) == [stale.name]


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DocxformError, match="cannot write: no such file or directory"):
        write_file(tmp_path / "absent" / "out.json", "{}")
