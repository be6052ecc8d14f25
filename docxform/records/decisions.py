"""What the partnership's meeting decided: the agreed level of a standard, with a note.

The survey computes an agreed level from the respondents' ratings (the consensus
rule); the meeting may settle a disputed standard, or overrule the computed one.
A decision is kept by the round's store as an event (reversible, with a reason)
and read by every output that shows an agreed level, which then says that the
level was agreed at the meeting rather than computed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingDecision:
    """The meeting's agreed level for one item (a standard), with its note and when it was recorded."""

    item: str
    level: str
    note: str = ""
    decided_at: str = ""  # ISO 8601, UTC, when the coordinator recorded it


#: item id -> the meeting's decision; what reports take as ``decisions=``.
Decisions = dict[str, MeetingDecision]
