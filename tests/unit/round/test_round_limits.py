"""Bounded work: an mbox is read one message at a time, and messages and attachments past their caps are lines.

A 500 MiB mailbox took 5.5 GB of memory when every message's attachments
were kept until the end; the memory now follows the largest message
(benchmarks/bench_round.py measures the real figure on 50 and 500 MiB).
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from docxform.io import mail
from docxform.io.mail import read_mail
from tests.support.roundkit import run, start_generic_round


def message(sender: str, attachment: bytes, name: str = "return.docx", when: int = 1) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Date"] = format_datetime(datetime(2004, 3, when, 9, 0, tzinfo=UTC))
    msg["Subject"] = "return"
    msg.set_content("attached")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    with path.open("wb") as f:
        for data in messages:
            f.write(b"From someone@example.org Mon Mar  1 09:00:00 2004\n")
            f.write(data.replace(b"\nFrom ", b"\n>From "))
            f.write(b"\n")
    return path


def test_an_mbox_is_read_one_message_at_a_time(tmp_path: Path) -> None:
    """40 messages of 1 MiB each: the peak is some messages' worth (parsing one takes ~10 times its size), not 40."""
    box = write_mbox(tmp_path / "big.mbox", [message(f"p{n}@example.org", bytes([n]) * 2**20) for n in range(40)])
    tracemalloc.start()
    try:
        seen = 0
        for part in read_mail(box):
            assert part.error is None and len(part.attachments) == 1
            assert part.attachments[0].data == bytes([seen]) * 2**20
            seen += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == 40
    assert peak < 30 * 2**20, f"{peak / 2**20:.1f} MiB for a 54 MiB mailbox"


def test_a_message_over_the_cap_is_its_own_line_and_the_next_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", 200_000)
    box = write_mbox(tmp_path / "x.mbox", [message("a@example.org", b"a" * 1000), message("b@example.org", b"b" * 300_000),
                                           message("c@example.org", b"c" * 1000)])
    parts = list(read_mail(box))
    assert [p.label for p in parts] == ["message 1", "message 2", "message 3"]
    assert parts[0].attachments[0].data == b"a" * 1000 and parts[2].attachments[0].data == b"c" * 1000
    assert parts[1].error is not None and "a message of more than 200,000 bytes" in parts[1].error.cause


def test_an_eml_over_the_cap_is_refused_with_a_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", 10_000)
    eml = tmp_path / "big.eml"
    eml.write_bytes(message("a@example.org", b"x" * 20_000))
    [part] = read_mail(eml)
    assert part.error is not None and "refused" in part.error.cause


def test_an_attachment_over_its_cap_is_an_unreadable_line_in_the_ingest(tmp_path: Path, monkeypatch) -> None:
    rnd, blank = start_generic_round(tmp_path)
    monkeypatch.setattr(mail, "MAX_ATTACHMENT_BYTES", 1000)
    eml = tmp_path / "m.eml"
    eml.write_bytes(message("a@example.org", blank.read_bytes(), name="mine.docx"))
    done = run("round", "ingest", str(rnd), str(eml))
    assert done.returncode == 1
    assert "(mine.docx): unreadable (an attachment of 11," in done.stderr and "1,000 bytes is refused" in done.stderr


def test_an_mbox_with_no_message_is_said_not_passed_over(tmp_path: Path) -> None:
    rnd, _ = start_generic_round(tmp_path)
    box = tmp_path / "empty.mbox"
    box.write_bytes(b"just some text\n")
    done = run("round", "ingest", str(rnd), str(box))
    assert done.returncode == 1
    assert "empty.mbox: unreadable (no e-mail message found in it)" in done.stderr


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_from_inside_a_long_line_does_not_split_a_message(tmp_path: Path, line_end: bytes) -> None:
    """A line longer than the reader's piece (1 MiB) whose next piece starts with "From " is not a new message."""
    body = b"x" * (2**20 - 3) + b"From not a separator" + line_end
    box = tmp_path / "long.mbox"
    box.write_bytes(b"From a@example.org Mon Mar  1 09:00:00 2004\nSubject: one\n\n" + body)
    parts = list(read_mail(box))
    assert len(parts) == 1
