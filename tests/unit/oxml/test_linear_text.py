"""Text assembly stays linear in the length of the text: a pasted document as an answer must not stall a report.

An answer of 200,000 short paragraphs took 90-110 s in ``round report``: the
writer appended each paragraph to the text built so far (quadratic). Timed
against a generous bound that the quadratic code misses by two orders of magnitude.
"""

from __future__ import annotations

import time

from docxform.oxml.writer import _merge_chunks, _Slot


def test_merging_300000_pieces_of_fixed_text_takes_well_under_a_second() -> None:
    pieces: list[str] = [f"<w:p><w:r><w:t>p{i}</w:t></w:r></w:p>" for i in range(300_000)]
    began = time.perf_counter()
    merged = _merge_chunks(pieces)
    took = time.perf_counter() - began
    assert merged == ["".join(pieces)]
    assert took < 1.5, took


def test_slots_stay_where_they_were_between_the_joined_runs() -> None:
    slot = _Slot("a")
    assert _merge_chunks(["x", "y", slot, "z", slot]) == ["xy", slot, "z", slot]
    assert _merge_chunks([slot, slot]) == [slot, slot]
    assert _merge_chunks([]) == []
