"""Outlook .msg files read like .eml, each fixture checked by two readers that are not ours; OLE files told apart.

The fixtures come from tests/support/msgwriter.py (MS-CFB and MS-OXMSG
written from the specifications). Each is read three ways: by docxform
(docxform.io.msg, docxform.io.mail), by ``extract-msg`` (GPL: a test
dependency only, never imported by docxform) and by Debian's ``msgconvert``
(libemail-outlook-message-perl), which turns it into an e-mail parsed here
with the standard library. All three must find the same subject, time,
sender and attached files, so a fixture our writer got wrong, or a reader
that agrees only with our writer, fails.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr, parsedate_to_datetime
from pathlib import Path

import pytest

from docxform.core.errors import DocxformError
from docxform.io import ole
from docxform.io.mail import Attachment, is_mail, read_mail
from docxform.io.msg import OutlookMessage, read_msg
from docxform.oxml.package import open_package
from tests.support.msgwriter import Attach, Message, Node, msg_bytes, write_cfb

ROOT = Path(__file__).resolve().parents[3]
RETURN = (ROOT / "samples" / "returns" / "sa2003-jane-smith.docx").read_bytes()
OTHER_RETURN = (ROOT / "samples" / "returns" / "sa2003-tom-healey.docx").read_bytes()
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3  # an image's bytes (not a return)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WHEN = datetime(2004, 3, 2, 9, 30, tzinfo=UTC)
X500 = "/O=SALFORD COUNCIL/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=AHILL"


@dataclass
class Seen:
    """What one reader found in a message: the evidence, the files, and the messages attached (in order)."""

    subject: str | None
    sender: str | None
    sent_at: str | None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    inner: list[Seen] = field(default_factory=list)


@dataclass
class Fixture:
    message: Message
    ours: Seen  # what docxform must find
    raw_from: str  # the address the other readers see as the sender's (an Exchange sender's is its X.500 path)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fixtures() -> dict[str, Fixture]:
    inner = Message(subject="Self-assessment return", sender_name="Jane Smith", sender_email="jane.smith@example.org",
                    sent=datetime(2004, 3, 1, 16, 5, tzinfo=UTC),
                    attachments=[Attach("sa2003-jane-smith.docx", RETURN, DOCX)])
    inner_seen = Seen("Self-assessment return", "jane.smith@example.org", "2004-03-01T16:05:00Z",
                      [("sa2003-jane-smith.docx", RETURN)])
    return {
        "a return and a logo": Fixture(
            Message(subject="Re: self-assessment", sender_name="Ann Hill", sender_email="Ann.Hill@Salford.gov.uk",
                    sent=WHEN, attachments=[Attach("image001.png", LOGO, "image/png", hidden=True),
                                            Attach("sa2003-jane-smith.docx", RETURN, DOCX)]),
            Seen("Re: self-assessment", "ann.hill@salford.gov.uk", "2004-03-02T09:30:00Z",
                 [("image001.png", LOGO), ("sa2003-jane-smith.docx", RETURN)]),
            "Ann.Hill@Salford.gov.uk"),
        "a forwarded message inside a message": Fixture(
            Message(subject="FW: Self-assessment return", sender_name="Boss", sender_email="boss@example.org",
                    sent=datetime(2004, 3, 20, tzinfo=UTC), attachments=[Attach(message=inner)]),
            Seen("FW: Self-assessment return", "boss@example.org", "2004-03-20T00:00:00Z", [], [inner_seen]),
            "boss@example.org"),
        "8-bit strings in code page 1252": Fixture(
            Message(subject="R\xe9ponse: \xe9valuation \xa35", sender_name="Ren\xe9e Dupr\xe9",
                    sender_email="renee@example.org", unicode=False, codepage=1252, sent=WHEN,
                    attachments=[Attach("r\xe9ponse.docx", OTHER_RETURN, DOCX)]),
            Seen("R\xe9ponse: \xe9valuation \xa35", "renee@example.org", "2004-03-02T09:30:00Z",
                 [("r\xe9ponse.docx", OTHER_RETURN)]),
            "renee@example.org"),
        "an Exchange sender with the SMTP address in its own property": Fixture(
            Message(subject="Return", sender_name="Ann Hill", sender_email=X500, sender_type="EX",
                    sender_smtp="ann.hill@salford.gov.uk", sent=WHEN,
                    attachments=[Attach("return.docx", RETURN, DOCX)]),
            Seen("Return", "ann.hill@salford.gov.uk", "2004-03-02T09:30:00Z", [("return.docx", RETURN)]),
            X500),
    }


FIXTURES = _fixtures()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("msg")
    paths = {}
    for n, (name, fixture) in enumerate(FIXTURES.items()):
        paths[name] = folder / f"fixture{n}.msg"
        paths[name].write_bytes(msg_bytes(fixture.message))
    return paths


def _ours(message: OutlookMessage) -> Seen:
    seen = Seen(message.subject, message.sender, message.sent_at)
    for att in message.attachments:
        if att.message is not None:
            seen.inner.append(_ours(att.message))
        else:
            seen.files.append((att.name, att.data))
    return seen


def _extract_msg(path: Path) -> tuple[Seen, str | None]:
    """extract-msg's reading: the evidence and files, and the sender's address as stored (0x0C1F)."""
    extract_msg = pytest.importorskip("extract_msg")
    msg = extract_msg.openMsg(str(path))
    try:
        return _extract_seen(msg), msg.getStringStream("__substg1.0_0C1F")
    finally:
        msg.close()


def _extract_seen(msg: object) -> Seen:
    date = getattr(msg, "date", None)
    smtp = msg.getStringStream("__substg1.0_5D01")  # type: ignore[attr-defined]
    address = msg.getStringStream("__substg1.0_0C1F")  # type: ignore[attr-defined]
    kind = msg.getStringStream("__substg1.0_0C1E")  # type: ignore[attr-defined]
    sender = smtp or (address if kind == "SMTP" else None)
    seen = Seen(msg.subject, sender.lower() if sender else None,  # type: ignore[attr-defined]
                _iso(date) if date else None)
    for att in msg.attachments:  # type: ignore[attr-defined]
        if isinstance(att.data, bytes):
            seen.files.append((att.longFilename or att.shortFilename, att.data))
        else:
            seen.inner.append(_extract_seen(att.data))
    return seen


def _msgconvert(path: Path, tmp: Path) -> tuple[Seen, str]:
    """msgconvert's reading (an e-mail, parsed with the standard library), and its From address."""
    if shutil.which("msgconvert") is None:
        pytest.skip("msgconvert not installed (Debian: libemail-outlook-message-perl, libemail-address-perl)")
    out = tmp / (path.stem + ".eml")
    subprocess.run(["msgconvert", "--outfile", str(out), str(path)], check=True, capture_output=True, timeout=60)
    raw = out.read_bytes()
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    seen = _mime_seen(mail)
    if seen.subject and "\ufffd" in seen.subject:  # msgconvert copies an 8-bit subject's bytes as they are stored
        seen.subject = re.search(rb"^Subject: (.*?)\r?$", raw, re.MULTILINE).group(1).decode("cp1252")  # type: ignore[union-attr]
    return seen, parseaddr(str(mail["From"]))[1].strip('"')


def _mime_seen(mail: EmailMessage) -> Seen:
    date = mail["Date"]
    seen = Seen(str(mail["Subject"]) if mail["Subject"] else None, None,
                _iso(parsedate_to_datetime(str(date))) if date else None)
    for part in mail.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()[0]
            seen.inner.append(_mime_seen(inner))
        else:
            seen.files.append((part.get_filename(), part.get_payload(decode=True)))
    return seen


def _without_sender(seen: Seen) -> Seen:
    return Seen(seen.subject, None, seen.sent_at, seen.files, [_without_sender(s) for s in seen.inner])


@pytest.mark.parametrize("name", list(FIXTURES))
def test_docxform_reads_each_fixture_as_extract_msg_and_msgconvert_do(name: str, written: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    fixture, path = FIXTURES[name], written[name]
    ours = _ours(read_msg(path.read_bytes()))
    assert ours == fixture.ours
    theirs, stored_from = _extract_msg(path)
    assert theirs == fixture.ours  # the same subject, sender SMTP address, time and files, found independently
    assert stored_from == fixture.raw_from
    converted, converted_from = _msgconvert(path, tmp_path)
    assert converted == _without_sender(fixture.ours)  # msgconvert puts no address of its own on the parts
    assert converted_from == fixture.raw_from  # it knows only PidTagSenderEmailAddress: the X.500 path for Exchange


def test_the_return_in_a_message_is_an_attachment_with_the_messages_evidence(written: dict[str, Path]) -> None:
    [part] = read_mail(written["a return and a logo"])
    assert part.error is None and part.label == ""
    assert part.attachments == [
        Attachment("image001.png", LOGO, "ann.hill@salford.gov.uk", "2004-03-02T09:30:00Z", "Re: self-assessment"),
        Attachment("sa2003-jane-smith.docx", RETURN, "ann.hill@salford.gov.uk", "2004-03-02T09:30:00Z",
                   "Re: self-assessment")]


def test_a_forwarded_messages_return_carries_the_inner_sender_and_time(written: dict[str, Path]) -> None:
    [part] = read_mail(written["a forwarded message inside a message"])
    assert part.attachments == [Attachment("sa2003-jane-smith.docx", RETURN, "jane.smith@example.org",
                                           "2004-03-01T16:05:00Z", "Self-assessment return")]


def test_the_sent_representing_smtp_address_serves_when_the_sender_has_none() -> None:
    message = Message(sender_email=X500, sender_type="EX", representing_smtp="Deputy@Example.org", sent=WHEN)
    assert read_msg(msg_bytes(message)).sender == "deputy@example.org"
    nobody = Message(sender_email=X500, sender_type="EX", sent=WHEN)
    assert read_msg(msg_bytes(nobody)).sender is None  # an X.500 path is never taken for an e-mail address


def test_the_delivery_time_serves_when_the_message_has_no_time_sent(tmp_path: Path) -> None:
    path = tmp_path / "received.msg"
    path.write_bytes(msg_bytes(Message(sent=None, delivered=WHEN)))
    assert read_msg(path.read_bytes()).sent_at == "2004-03-02T09:30:00Z"
    extract_msg = pytest.importorskip("extract_msg")
    with extract_msg.openMsg(str(path)) as msg:  # extract-msg reads the same property as the time received
        assert msg.date is None and _iso(msg.receivedTime) == "2004-03-02T09:30:00Z"


def test_an_eml_inside_a_msg_and_a_msg_inside_an_eml_are_read_recursively(tmp_path: Path) -> None:
    inner = EmailMessage()
    inner["From"] = "Mo Shah <mo@example.org>"
    inner["Subject"] = "my return"
    inner["Date"] = format_datetime(datetime(2004, 3, 3, 8, 0, tzinfo=UTC))
    inner.set_content("attached")
    inner.add_attachment(RETURN, maintype="application", subtype="octet-stream", filename="mo.docx")
    outer = Message(sender_email="boss@example.org", sent=WHEN,
                    attachments=[Attach("fwd.eml", bytes(inner), "message/rfc822")])
    (tmp_path / "outer.msg").write_bytes(msg_bytes(outer))
    [part] = read_mail(tmp_path / "outer.msg")
    assert part.attachments == [Attachment("mo.docx", RETURN, "mo@example.org", "2004-03-03T08:00:00Z", "my return")]

    mail = EmailMessage()
    mail["From"] = "Boss <boss@example.org>"
    mail["Date"] = format_datetime(WHEN)
    mail.set_content("forwarding")
    jane = Message(subject="From Jane", sender_email="jane@example.org", sent=datetime(2004, 3, 1, tzinfo=UTC),
                   attachments=[Attach("jane.docx", RETURN, DOCX)])
    mail.add_attachment(msg_bytes(jane), maintype="application", subtype="vnd.ms-outlook", filename="Jane.msg")
    (tmp_path / "outer.eml").write_bytes(bytes(mail))
    [part] = read_mail(tmp_path / "outer.eml")
    assert part.attachments == [Attachment("jane.docx", RETURN, "jane@example.org", "2004-03-01T00:00:00Z",
                                           "From Jane")]


def test_messages_nested_beyond_the_bound_are_refused_in_one_line() -> None:
    message = Message(attachments=[Attach("r.docx", RETURN, DOCX)])
    for _ in range(40):
        message = Message(attachments=[Attach(message=message)])
    with pytest.raises(ValueError, match="more than 32 messages attached one inside another"):
        read_msg(msg_bytes(message))


def test_a_damaged_msg_is_an_error_naming_it_and_no_reader_finds_a_message_in_it(written: dict[str, Path],
                                                                                 tmp_path: Path) -> None:
    damaged = tmp_path / "Re_ damaged.msg"
    damaged.write_bytes(written["a return and a logo"].read_bytes()[:3000])
    [part] = read_mail(damaged)
    assert part.attachments == [] and part.error is not None
    assert str(part.error).startswith(f"{damaged}: not a readable Outlook message (")
    assert "\n" not in str(part.error)
    extract_msg = pytest.importorskip("extract_msg")
    with pytest.raises(Exception):  # noqa: B017  extract-msg raises its own kinds
        extract_msg.openMsg(str(damaged))
    with pytest.raises(subprocess.CalledProcessError):
        _msgconvert(damaged, tmp_path)
    no_properties = tmp_path / "empty.msg"
    no_properties.write_bytes(write_cfb([Node("__substg1.0_0037001F", "x".encode("utf-16-le"))]))
    [part] = read_mail(no_properties)
    assert str(part.error) == f"{no_properties}: not a readable Outlook message (no property stream " \
                              "(__properties_version1.0))"


def test_an_outlook_data_file_gets_a_line_saying_how_to_get_the_messages_out(tmp_path: Path) -> None:
    for name in ("Outlook.pst", "archive.bin"):
        pst = tmp_path / name
        pst.write_bytes(b"!BDN" + bytes(600))
        assert is_mail(pst)
        with pytest.raises(DocxformError, match=r"an Outlook data file \(\.pst/\.ost\).*drag them to a folder"):
            list(read_mail(pst))


def _ole(*streams: str) -> bytes:
    return write_cfb([Node(name, b"x" * 10) for name in streams])


@pytest.mark.parametrize(("streams", "cause"), [
    (("WordDocument", "1Table"), "a legacy .doc (Office 97-2003) file, not .docx (convert it: soffice --headless "
                                 "--convert-to docx reply.docx)"),
    (("Workbook",), "an Excel 97-2003 workbook (.xls), not a Word document: not a return (if it is the "
                    "improvement plan, save it in Excel as .xlsx)"),
    (("__properties_version1.0", "__substg1.0_0037001F"),
     "an Outlook message (.msg), not a document (give it to `docxform round ingest`, which reads the returns "
     "attached to it)"),
    (("PowerPoint Document",), "an OLE file of type PowerPoint 97-2003 presentation (.ppt): not a return"),
    (("Strange\x1b[31m",), "an OLE file of type unknown kind (streams: Strange\\x1b[31m): not a return"),
    (("EncryptionInfo", "EncryptedPackage"), "password-protected (encrypted); docxform cannot read it (remove the "
                                              "password in Word (File > Info > Protect) and send it again)"),
])
def test_each_kind_of_ole_file_is_named_for_what_it_is(streams: tuple[str, ...], cause: str) -> None:
    with pytest.raises(DocxformError) as caught:
        open_package(Path("reply.docx"), data=_ole(*streams))
    assert str(caught.value) == f"reply.docx: {cause}"
    assert ("convert it" in cause) == (streams[0] == "WordDocument")


def test_a_damaged_ole_file_is_said_to_be_damaged() -> None:
    kind = ole.classify(ole.OLE_MAGIC + bytes(100))
    assert kind.kind == ole.DAMAGED and "damaged" in kind.what
