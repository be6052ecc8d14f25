"""Headless LibreOffice for tests: each call gets its own profile, so calls never collide."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    binary = shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


def convert(files: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert files (one LibreOffice run for all) and return the outputs in order."""
    binary = soffice_or_skip()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.gettempdir()) / f"docxform-test-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                        "--outdir", str(outdir), *map(str, files)], capture_output=True, timeout=300, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ext = target.split(":")[0]
    outputs = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [str(o) for o in outputs if not o.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return outputs
