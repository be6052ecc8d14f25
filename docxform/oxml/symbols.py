"""Characters of the Symbol font as Unicode text.

Word inserts mathematical signs (≥, ≤, ±, °, Greek letters) as ``w:sym``
elements or as text in a run set in the Symbol font; what the reader sees is
a code point of the font, not the character it shows. An answer "response
times ≥ 95%" must come back with its "≥", so the reader turns these codes
into text through Adobe's Symbol encoding. Codes it does not know (the
pieces of large brackets and radicals) stay marks, which the tick reader
treats as unclear rather than dropping.
"""

from __future__ import annotations

# Adobe Symbol encoding -> Unicode (codes 0x20-0xFE; letters and punctuation that differ from ASCII).
_SAME = "!#%&()+,./0123456789:;<=>?[]_{|}"
_TABLE: dict[int, str] = {ord(c): c for c in _SAME}
_TABLE.update({
    0x20: " ", 0x22: "\u2200", 0x24: "\u2203", 0x27: "\u220b", 0x2A: "\u2217", 0x2D: "\u2212", 0x40: "\u2245",
    0x5C: "\u2234", 0x5E: "\u22a5", 0x7E: "\u223c",
})
_TABLE.update(zip(range(0x41, 0x5B), "\u0391\u0392\u03a7\u0394\u0395\u03a6\u0393\u0397\u0399\u03d1\u039a\u039b"
                                     "\u039c\u039d\u039f\u03a0\u0398\u03a1\u03a3\u03a4\u03a5\u03c2\u03a9\u039e"
                                     "\u03a8\u0396", strict=True))
_TABLE.update(zip(range(0x61, 0x7B), "\u03b1\u03b2\u03c7\u03b4\u03b5\u03c6\u03b3\u03b7\u03b9\u03d5\u03ba\u03bb"
                                     "\u03bc\u03bd\u03bf\u03c0\u03b8\u03c1\u03c3\u03c4\u03c5\u03d6\u03c9\u03be"
                                     "\u03c8\u03b6", strict=True))
_TABLE.update(zip(range(0xA0, 0xE6), "\u20ac\u03d2\u2032\u2264\u2044\u221e\u0192\u2663\u2666\u2665\u2660\u2194"
                                     "\u2190\u2191\u2192\u2193\u00b0\u00b1\u2033\u2265\u00d7\u221d\u2202\u2022"
                                     "\u00f7\u2260\u2261\u2248\u2026\u23d0\u23af\u21b5\u2135\u2111\u211c\u2118"
                                     "\u2297\u2295\u2205\u2229\u222a\u2283\u2287\u2284\u2282\u2286\u2208\u2209"
                                     "\u2220\u2207\u00ae\u00a9\u2122\u220f\u221a\u22c5\u00ac\u2227\u2228\u21d4"
                                     "\u21d0\u21d1\u21d2\u21d3\u25ca\u2329\u00ae\u00a9\u2122\u2211", strict=True))
_TABLE.update({0xF1: "\u232a", 0xF2: "\u222b"})

#: Fonts whose characters are marks or signs, not letters (lower case, as the reader compares them).
#: Symbol fonts whose code points are real Unicode (MS Gothic, Segoe UI Symbol, OpenSymbol) are not here.
MARK_FONTS = frozenset({"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "zapfdingbats",
                        "monotype sorts"})

#: Fonts whose codes this module can read as text (lower case, as the reader compares them).
TEXT_SYMBOL_FONTS = frozenset({"symbol"})


def symbol_char(font: str, code: int) -> str | None:
    """The Unicode character a symbol-font code shows, or None when it is not known (then it stays a mark).

    Codes may carry Word's private-use offset (0xF000), as ``w:sym`` and
    LibreOffice's re-saves write them.
    """
    if font not in TEXT_SYMBOL_FONTS:
        return None
    plain = code - 0xF000 if 0xF020 <= code <= 0xF0FF else code
    return _TABLE.get(plain)
