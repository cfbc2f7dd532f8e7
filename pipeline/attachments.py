"""E-mail attachments as documents of their own, linked to their message.

An invoice usually arrives as a PDF attached to an e-mail: the message is parsed
for its own text (headers and body) and each attachment goes through the whole
pipeline as a separate document whose provenance names the message it came in
(``parent``) and the message lists its attachments (``attachments``). A message
attached to a message (a forwarded EML, an Outlook embedded item) is such a
document too, and its own attachments follow it. Reading the attachments out of
a message runs in the parse sandbox like any parser.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import cast

EMAIL = "message/rfc822"
MSG = "application/vnd.ms-outlook"
CONTAINERS = {EMAIL, MSG}


def _from_email(data: bytes) -> list[tuple[str, bytes]]:
    message = cast(EmailMessage, email.message_from_bytes(data, policy=email.policy.default))
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            found.append((part.get_filename() or "attachment", payload))
        elif part.get_content_type() == EMAIL and isinstance(part.get_payload(), list):
            found.append((part.get_filename() or "message.eml", bytes(part.get_payload()[0])))  # a forwarded message
    return found


def attachments_of(data: bytes, media_type: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attachment of an e-mail (EML or Outlook MSG); none for other types."""
    if media_type == EMAIL:
        return _from_email(data)
    if media_type == MSG:  # read as the e-mail it stands for: a message attached to it is then a forwarded one
        from pipeline.parsers.outlook import as_email

        return _from_email(as_email(data))
    return []
