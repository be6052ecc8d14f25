"""Namespaces of WordprocessingML and the OPC package."""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

NSMAP = {"w": W, "w14": W14, "r": R, "mc": MC}


def qn(name: str) -> str:
    """``'w:tag'`` -> ``'{http://...main}tag'`` (Clark notation, for lxml)."""
    prefix, local = name.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"
