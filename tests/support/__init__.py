"""Helpers shared by the tests: documents built by hand, LibreOffice, plan filling."""
