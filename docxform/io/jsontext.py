"""docxform's indented JSON text, written in C by orjson.

``json.dumps(data, indent=2)`` falls back to the standard library's
pure-Python encoder (its C encoder knows no indent): writing the JSON of 600
parsed returns cost more than reading their zips. orjson writes the same
indented text in C, about six times faster than the hand-made writer this
module held before (0.09 ms against 0.54 ms for a parsed return, measured
A/B in one run; ``benchmarks/README.md``), so a well-kept library does the
job instead of our own code.

The text is what ``json.dumps(data, indent=2, ensure_ascii=False) + "\\n"``
writes, byte for byte, for everything docxform writes (strings in any
script, control characters escaped the same way, keys that are not strings
spelled as json spells them), with two documented differences that only
floats can show, and no parsed return holds a float:

- a float is spelled with its shortest digits and an exponent without ``+``
  or leading zeros (``1e16``, not ``1e+16``; ``1e-05`` as ``0.00001``): the
  same number to every JSON reader;
- NaN and the infinities, which are not JSON (json writes ``NaN``, which most
  readers refuse), are written ``null``. docxform computes no such value: a
  consensus threshold must be finite (``survey/consensus.py``).

What orjson refuses (an int beyond 64 bits, a string holding a lone
surrogate) goes to ``json.dumps``, which writes it as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: Dataclasses and datetimes are passed through to the fallback, where json refuses them as before.
_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
            | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME)


def indented_bytes(data: Any) -> bytes:
    """The indented JSON as UTF-8 bytes, ready to be written to a file."""
    try:
        return orjson.dumps(data, option=_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def indented(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`` (floats aside: see the module's docstring)."""
    try:
        return orjson.dumps(data, option=_OPTIONS).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
