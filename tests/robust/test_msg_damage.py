"""Damaged and hostile Outlook messages: each is read or refused in one line naming it, never a traceback.

A valid message from the test writer is damaged at random bytes (its
header, FAT, directory, property streams, attachment data), and hostile
strings (terminal escapes in a name or the subject) are put in on purpose.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from docxform.io.mail import read_mail
from tests.support.msgwriter import Attach, Message, msg_bytes

ROOT = Path(__file__).resolve().parents[2]
RETURN = (ROOT / "samples" / "returns" / "sa2003-jane-smith.docx").read_bytes()


def _message() -> bytes:
    inner = Message(sender_email="inner@example.org", attachments=[Attach("inner.docx", RETURN[:3000])])
    return msg_bytes(Message(subject="\x1b]0;owned\x07Re: return", sent=datetime(2004, 3, 2, tzinfo=UTC),
                             attachments=[Attach("\x1b[2J\x1b[31mevil.docx", RETURN), Attach(message=inner)]))


def test_terminal_escapes_in_names_and_subjects_arrive_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "hostile.msg"
    path.write_bytes(_message())
    [part] = read_mail(path)
    assert [(a.name, a.subject) for a in part.attachments] == [("\\x1b[2J\\x1b[31mevil.docx", "\\x1b]0;owned\\x07Re: return"),
                                                               ("inner.docx", "Self-assessment return")]


def test_a_message_damaged_anywhere_is_read_or_refused_in_one_line(tmp_path: Path) -> None:
    base = _message()
    rng = random.Random(25)
    path = tmp_path / "damaged.msg"
    outcomes = {"read": 0, "refused": 0}
    for _ in range(150):
        data = bytearray(base)
        for _ in range(rng.randint(1, 24)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        parts = list(read_mail(path))  # never raises: a failure is the part's error
        assert len(parts) == 1
        error = parts[0].error
        if error is None:
            outcomes["read"] += 1
            assert all(a.name.isprintable() for a in parts[0].attachments)
        else:
            outcomes["refused"] += 1
            text = str(error)
            assert text.startswith(f"{path}: not a readable Outlook message (") and "\n" not in text, text
            assert "internal-error" not in text
    assert outcomes["read"] and outcomes["refused"]  # both kinds of damage were met
