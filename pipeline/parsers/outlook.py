"""Outlook MSG files as the RFC 822 messages they stand for.

An MSG file is a compound file of MAPI properties; read as an e-mail (headers,
plain and HTML body, attachments) it takes the same path as an EML file: the
same header lines, hidden HTML taken out the same way, and its attachments
handed on by ``pipeline.attachments`` like any e-mail's. A message attached to
another (Outlook's "embedded item", a storage rather than a file) becomes a
``message/rfc822`` part, so it is handed on as a document of its own, with its
own attachments, exactly as a forwarded EML message is.
"""

from __future__ import annotations

import email.policy
import io
import struct
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import format_datetime, formataddr

from compressed_rtf import decompress
from olefile import OleFileIO
from oxmsg import Message
from oxmsg.attachment import Attachment
from oxmsg.domain import constants, model
from oxmsg.properties import Properties
from oxmsg.recipient import Recipient
from oxmsg.storage import Storage
from oxmsg.util import lazyproperty
from striprtf.striprtf import rtf_to_text

from pipeline.errors import CorruptDocument, EncryptedDocument

_EMBEDDED_MESSAGE = 5  # PidTagAttachMethod afEmbeddedMessage: the attachment is a message storage
_EMBEDDED_STORAGE = "__substg1.0_3701000D"  # PidTagAttachDataObject, as a storage
_RECIPIENT_HEADERS = {1: "To", 2: "Cc"}  # PidTagRecipientType; blind copies are not written
_SMIME = "ipm.note.smime"  # an S/MIME encrypted (or opaque-signed) message; ".MultipartSigned" ones are readable
_RPMSG = "application/x-microsoft-rpmsg-message"  # PidTagAttachMimeTag of a rights-managed (IRM) message's content
# what a damaged compound file or property stream raises while it is read (a code page
# that names no known encoding is such damage too)
_DAMAGED = (OSError, ValueError, KeyError, IndexError, OverflowError, struct.error,
            model.UnrecognizedCodePageError, model.UnsupportedEncodingError)


class _Embedded(Message):
    """A message stored in an attachment: its property stream has a 24-byte header, not 32."""

    @lazyproperty
    def _properties(self) -> Properties:
        return Properties(self._storage, properties_header_offset=24)


def _address(name: str, address: str) -> str:
    """``Name <address>``, or whichever of the two is known (Outlook often repeats the address as the name)."""
    if not address or name in ("", address):
        return name or address
    return formataddr((name, address))


def _recipients(storage: Storage) -> dict[str, str]:
    """The To and Cc lines from the recipient table, for messages that kept no transport headers."""
    lines: dict[str, list[str]] = {}
    for recipient in map(Recipient, storage.iter_recipient_storages()):
        kind = _RECIPIENT_HEADERS.get(recipient.properties.int_prop_value(constants.PID_RECIPIENT_TYPE) or 1)
        if kind and (line := _address(recipient.name, recipient.email_address)):
            lines.setdefault(kind, []).append(line)
    return {kind: ", ".join(names) for kind, names in lines.items()}


def _headers(message: Message, storage: Storage) -> dict[str, str]:
    """Subject, From, To, Cc and Date: as received where the transport headers were kept (the
    sender's own date and time zone), else from the message's properties."""
    received = HeaderParser(policy=email.policy.default).parsestr(
        message.properties.str_prop_value(constants.PID_TRANSPORT_MESSAGE_HEADERS) or "")
    recipients, sent = _recipients(storage), message.sent_date
    fields = {
        "Subject": message.subject,
        "From": received["From"] or message.sender,
        "To": received["To"] or recipients.get("To"),
        "Cc": received["Cc"] or recipients.get("Cc"),
        "Date": received["Date"] or (format_datetime(sent) if sent else None),
    }
    return {name: " ".join(str(value).split()) for name, value in fields.items() if value and str(value).strip()}


def _rtf_body(message: Message) -> str | None:
    """The text of the compressed RTF body, which is all some messages keep (Outlook's rich text
    ones). RTF that encapsulates HTML reads as the HTML's text too: the markup is in destinations
    that are skipped."""
    if not (compressed := message.properties.binary_prop_value(constants.PID_RTF_COMPRESSED)):
        return None
    try:
        rtf = decompress(compressed)
    except Exception as exc:  # what compressed_rtf raises for a bad header or checksum: damage
        raise ValueError(f"compressed RTF body: {exc}") from exc
    # RTF is 7-bit: other characters are escapes, decoded in the RTF's own code page
    return rtf_to_text(rtf.decode("latin-1"), errors="replace").strip() or None


def _protected(storage: Storage, message: Message) -> bool:
    """Whether the message's content is encrypted (S/MIME) or rights-managed (IRM): its body is
    then empty or a notice, and the content an attachment that cannot be read."""
    return message.message_class.lower() == _SMIME or any(
        Attachment(s).properties.str_prop_value(constants.PID_ATTACH_MIME_TAG) == _RPMSG
        for s in storage.iter_attachment_storages())


def _email(storage: Storage, message: Message) -> EmailMessage:
    converted = EmailMessage()
    for name, value in _headers(message, storage).items():
        converted[name] = value
    html = message.html_body
    body = message.body or (None if html else _rtf_body(message))  # the RTF where it is all there is
    converted.set_content(body or html or "", subtype="html" if html and not body else "plain")
    if body and html:
        converted.add_alternative(html, subtype="html")
    for attachment_storage in storage.iter_attachment_storages():
        attachment = Attachment(attachment_storage)
        name = attachment.file_name or attachment.properties.str_prop_value(constants.PID_DISPLAY_NAME) or "attachment"
        embedded = next((s for s in attachment_storage.storages if s.name == _EMBEDDED_STORAGE), None)
        if attachment.properties.int_prop_value(constants.PID_ATTACH_METHOD) == _EMBEDDED_MESSAGE and embedded:
            # named .eml, so the attachment is sniffed as the e-mail it now is
            name = name if name.lower().endswith(".eml") else f"{name}.eml"
            converted.add_attachment(_email(embedded, _Embedded(embedded)), filename=name)
        elif attachment.file_bytes:  # its type is sniffed from its bytes when it is ingested, as any upload's
            converted.add_attachment(attachment.file_bytes, maintype="application", subtype="octet-stream", filename=name)
    return converted


def as_email(data: bytes) -> bytes:
    """The MSG file ``data`` as an RFC 822 message; CorruptDocument if it cannot be read,
    EncryptedDocument if its content is encrypted or rights-managed."""
    try:
        with OleFileIO(io.BytesIO(data)) as ole:
            root = Storage.from_ole(ole)
        message = Message(root)
        if _protected(root, message):
            raise EncryptedDocument("the Outlook message is encrypted (S/MIME) or rights-managed (IRM)")
        return bytes(_email(root, message))
    except _DAMAGED as exc:
        raise CorruptDocument(f"the Outlook message cannot be read ({type(exc).__name__}: {exc})") from exc
