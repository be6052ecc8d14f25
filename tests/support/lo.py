"""LibreOffice for tests: the library's own launcher (docxform.io.office), skipping when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from docxform.io import office


def soffice_or_skip() -> str:
    """The soffice binary; skips the test when LibreOffice is not installed (CI installs it)."""
    binary = office.soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


def convert(files: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert files (one LibreOffice start for all) and return the outputs in order."""
    soffice_or_skip()
    outputs = office.convert(files, target, outdir)
    missing = [str(f) for f, o in zip(files, outputs, strict=True) if o is None]
    assert not missing, f"LibreOffice did not convert {missing}"
    return [o for o in outputs if o is not None]
