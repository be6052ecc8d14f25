"""Files in and out: one-line errors naming the path, absurd sizes refused, outputs whole or absent.

Every input a user hands us (definitions, mappings, CSVs, returns, JSON)
is read through :func:`read_input`, so a missing file, a folder, a
permission problem or a file far too large is reported the same way
everywhere. Every output (forms, JSON, workbooks, reports) is written
through :func:`write_file`, so a full disk, a missing or read-only folder
never leaves a half-written file and never ends in a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docxform.core.errors import DocxformError, UnsafeInputError

#: What the user can do about the OS errors a command meets most, after the system's own words.
_HINTS = {
    errno.ENOSPC: "free some space and run the command again",
    errno.EDQUOT: "free some space (or raise the quota) and run the command again",
    errno.EROFS: "the folder is on a read-only medium; use a copy you can write",
    errno.EACCES: "check the permissions",
    errno.EPERM: "check the permissions",
    errno.ENAMETOOLONG: "use a shorter path",
}


def os_cause(exc: OSError) -> str:
    """An OS error in words, as the one line's cause: "no space left on device (free some space ...)"."""
    words = exc.strerror or str(exc) or type(exc).__name__
    words = words[:1].lower() + words[1:]
    hint = _HINTS.get(exc.errno or 0)
    return f"{words} ({hint})" if hint else words


#: The prefix of :func:`write_durably`'s temporary files (removed by the next run when their process was killed).
TEMP_PREFIX = ".in-"


def write_durably(path: Path, data: bytes) -> None:
    """Write ``path`` whole and flush it to the disk (the file, then its folder) before returning.

    For what a database row will point at: the row is committed only after
    this returns, so a power loss never leaves a row whose file is missing
    or short. A failure removes the temporary file and raises one line
    naming ``path`` and the cause (a full disk, a read-only medium, ...).
    """
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=owned(TEMP_PREFIX))
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
        temp = None
        fsync_folder(path.parent)
    except OSError as exc:
        raise DocxformError(path, f"cannot write: {os_cause(exc)}") from None
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def owned(prefix: str) -> str:
    """A temporary name's prefix that says which process made it: ``PREFIX<pid>@<host>~``.

    A process killed outright (SIGKILL, a power cut) cannot remove its
    temporary files; the next run finds them by this mark and removes those
    whose process is gone (:func:`sweep_stale`).
    """
    return f"{prefix}{os.getpid()}@{socket.gethostname()}~"


def sweep_stale(folder: Path, prefix: str, before_removing: Callable[[Path], None] | None = None) -> list[Path]:
    """Remove what killed docxform processes left in ``folder``: entries named by :func:`owned` whose process is gone.

    Only this host's processes are judged (another machine's ingest into a
    shared folder is left alone). ``before_removing`` is called on each
    first (to stop what the dead process started). Never raises.
    """
    mark = re.compile(re.escape(prefix) + r"(\d+)@([^~]+)~")
    host, removed = socket.gethostname(), []
    try:
        entries = list(folder.glob(prefix + "*"))
    except OSError:
        return []
    for entry in entries:
        found = mark.match(entry.name)
        if not found or found.group(2) != host or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            if before_removing is not None:
                before_removing(entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to the disk."""
    handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def input_error(path: str | Path, exc: OSError, what: str = "file") -> DocxformError:
    """The one-line error for an input that cannot be opened."""
    if isinstance(exc, FileNotFoundError):
        return DocxformError(path, f"no such {what}")
    if isinstance(exc, IsADirectoryError):
        return DocxformError(path, f"is a directory, not a {what}")
    if isinstance(exc, PermissionError):
        return DocxformError(path, "permission denied")
    return DocxformError(path, f"cannot read: {os_cause(exc)}")


def read_input(path: Path, *, limit: int, what: str = "file") -> bytes:
    """The whole of an input file, refusing one larger than ``limit`` bytes before reading it.

    Only regular files are read: a FIFO would block the batch forever and a
    device (``/dev/zero``, perhaps behind a symlink) would be read until the
    memory runs out. The file is opened without blocking and checked through
    its open handle, so what is checked is what is read (a symlink is
    resolved by the open, then its target checked); the read itself stops
    at the limit whatever the file claims.
    """
    data = _read_regular(path, limit + 1, what, refuse_over=limit)
    if len(data) > limit:
        raise UnsafeInputError(path, f"more than {limit:,} bytes is too large for a {what}")
    return data


def read_head(path: Path, size: int, what: str = "file") -> bytes:
    """The first ``size`` bytes of a regular file (to tell its format), with :func:`read_input`'s checks."""
    return _read_regular(path, size, what, refuse_over=None)


def _read_up_to(handle: int, size: int, expected: int) -> bytes:
    """At most ``size`` bytes from an open file, asked for in reads of the size it claims (plus one).

    Asking for ``size`` bytes at once would make the buffer that large, and a
    buffered stream costs a dup and an object per file; a file that grows
    while it is read is read on, up to ``size``.
    """
    chunks = []
    while size > 0:
        chunk = os.read(handle, min(size, expected + 1, 1 << 30))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
        expected = max(expected - len(chunk), 65536)
    return b"".join(chunks)


def _read_regular(path: Path, size: int, what: str, *, refuse_over: int | None) -> bytes:
    """Up to ``size`` bytes of ``path``, opened without blocking and checked to be a regular file."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise input_error(path, exc, what) from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise DocxformError(path, f"is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise DocxformError(path, f"not a regular file ({special_kind(info.st_mode)}); not read")
        if refuse_over is not None and info.st_size > refuse_over:
            raise UnsafeInputError(path, f"{info.st_size:,} bytes is too large for a {what} (limit {refuse_over:,})")
        return _read_up_to(handle, size, info.st_size)
    except OSError as exc:
        raise input_error(path, exc, what) from None
    finally:
        os.close(handle)


def special_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_text_input(path: Path, *, limit: int, what: str = "file") -> str:
    """An input text file as UTF-8 (a byte-order mark is allowed)."""
    data = read_input(path, limit=limit, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocxformError(path, f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def read_json_input(path: Path, *, limit: int, what: str = "JSON file") -> Any:
    """A JSON input, with depth bombs and syntax errors reported in one line."""
    data = read_input(path, limit=limit, what=what)
    try:
        return json.loads(data)
    except RecursionError:
        raise DocxformError(path, f"JSON nested too deeply; not a {what}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocxformError(path, f"not JSON ({str(exc).splitlines()[0]}); not a {what}") from None


def output_folder(folder: Path, create: bool = False) -> None:
    """Check (and with ``create``, make) a folder to write into."""
    folder = folder if str(folder) else Path(".")
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DocxformError(folder, f"cannot create output folder: {os_cause(exc)}") from None
    if not folder.is_dir():
        raise DocxformError(folder, "output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise DocxformError(folder, "output folder is not writable")


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` only if the block succeeds.

    A failure (a full disk, an exception while writing) removes the temporary
    file, so ``path`` is always either the old file, absent, or whole.
    """
    try:
        handle, temp = tempfile.mkstemp(prefix=_TEMP_NAME, suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise DocxformError(path, f"cannot write: {os_cause(exc)}") from None
    os.close(handle)
    try:
        yield Path(temp)
        os.chmod(temp, 0o644 & ~_umask())  # mkstemp makes it private; outputs are meant to be shared
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DocxformError(path, f"cannot write: {os_cause(exc)}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_file(path: Path, data: bytes | str) -> None:
    """Write a whole file at once: whole or absent, as :func:`atomic_output` promises.

    The bytes are written in one call to a temporary file opened beside the
    target and renamed onto it. The temporary file is created shared (0o644,
    less the umask, as any new file), so no chmod follows; it is named by the
    process and a counter and created exclusively (O_EXCL), so two runs never
    share one. Six system calls a file, against ten through ``mkstemp``: a
    parse writes one JSON file for every return.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temp = os.path.join(os.path.dirname(path) or ".", f"{_TEMP_NAME}{os.getpid()}-{next(_TEMP_COUNT)}.tmp")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    except FileExistsError:  # left by a killed process that had this process id: take a random name
        with atomic_output(path) as fallback:
            fallback.write_bytes(payload)
        return
    except OSError as exc:
        raise DocxformError(path, f"cannot write: {os_cause(exc)}") from None
    try:
        try:
            view = memoryview(payload)
            while view:  # os.write may write less than asked (a signal, a pipe): the rest follows
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temp, path)
    except OSError as exc:
        _remove_quietly(temp)
        raise DocxformError(path, f"cannot write: {os_cause(exc)}") from None
    except BaseException:
        _remove_quietly(temp)
        raise


_TEMP_NAME = ".docxform-"
_TEMP_COUNT = itertools.count()


def _remove_quietly(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
