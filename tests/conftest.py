"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.support.ooxml import check_ooxml


@pytest.fixture
def ooxml_check():
    """Run the ECMA-376 schema check on files; returns the problems printed (empty when all pass)."""
    return check_ooxml


@pytest.fixture(autouse=True)
def both_readers_agree(monkeypatch):
    """Every form any test parses is read by both readers, which must agree.

    Plain documents go through the C fast path (docxform/oxml/fastread.py);
    the Python walk is the reference. Comparing them on every document the
    suite builds (LibreOffice re-saves, edited tables, hostile files...) is
    what lets the fast path stand in for the walk.
    """
    from docxform.oxml import reader
    from docxform.parse import source

    def read_both(root, path, xml=None):
        doc = reader.read_document(root, path, xml)
        assert doc == reader.read_document(root, path), f"the fast and Python readers differ on {path}"
        return doc

    monkeypatch.setattr(source, "read_document", read_both)
