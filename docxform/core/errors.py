"""Exceptions for "cannot go on": a file that cannot be read at all.

Everything short of that is a :class:`docxform.core.problems.Problem`. Each error
names the file and the cause in one line, which is what the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docxform.core.problems import Problem


class DocxformError(Exception):
    """A file cannot be processed. ``str()`` is the one-line message."""

    def __init__(self, file: str | Path | None, cause: str, *, hint: str | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.cause = cause
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.file}: {self.cause}" if self.file else self.cause
        return f"{text} ({self.hint})" if self.hint else text


class FrameworkError(DocxformError):
    """A framework definition is unusable; ``problems`` says where and why."""

    def __init__(self, file: str | Path | None, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        first = problems[0].describe() if problems else "invalid definition"
        cause = first if count == 1 else f"{count} problems in the definition; first: {first}"
        super().__init__(None, cause)
        self.file = str(file) if file is not None else None


class UnsafeInputError(DocxformError):
    """The input looks hostile or absurd (zip bomb, entity tricks, huge table)."""


@dataclass(frozen=True)
class FileError:
    """A file a batch could not read, as a record: the path, a code from CODES, and the cause.

    Kept apart (never joined into "path: cause" and split again), so a path
    holding ": " stays whole in every report.
    """

    path: str
    code: str
    message: str

    @classmethod
    def refused(cls, path: str | Path, message: str) -> FileError:
        """A file docxform will not read (too deep, too large, of a kind this command does not take)."""
        return cls(str(path), "file-refused", message)

    @classmethod
    def of(cls, path: str | Path, exc: DocxformError) -> FileError:
        """The record of a DocxformError raised while reading ``path``."""
        if exc.file is None or Path(exc.file) == Path(path):
            message = f"{exc.cause} ({exc.hint})" if exc.hint else exc.cause
        else:  # the cause is in another file (a mapping, a definition): name it
            message = exc.describe()
        if isinstance(exc, UnsafeInputError):
            return cls.refused(path, message)
        return cls(str(path), "file-unreadable", message)

    def describe(self) -> str:
        """The one line the CLI prints."""
        return f"{self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class BatchStopped(DocxformError):
    """A batch cannot go on after reading its inputs (they belong to several frameworks, say).

    ``unread`` are the files that could not be read: each still gets its own
    line before the reason the batch stopped.
    """

    def __init__(self, cause: str, unread: list[FileError]) -> None:
        super().__init__(None, cause)
        self.unread = unread
