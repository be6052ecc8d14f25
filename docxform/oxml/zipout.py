"""Zip entries for the packages we write: one place that fixes their date, compression and mode.

A package written twice from the same parts must be the same bytes (tests and
users compare outputs; a changing date would make every run look different),
so no entry carries the clock's time.
"""

from __future__ import annotations

import zipfile

#: The zip format's earliest date: plainly not a real modification time.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A deflated, world-readable entry named ``name`` with the fixed date."""
    info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
