"""Stage 1: identify a document's bytes and check them against the limits.

Hashes the bytes (the id is the first 16 hex digits of the SHA-256, so the same
file always gets the same id), sniffs the media type from the content, and
turns away what the pipeline cannot or should not parse: empty, too large, or
of an unsupported type. Bad input never raises; it ends as a ``failed`` state
with a typed code. The bytes themselves are only read.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

import puremagic

from pipeline.config import Settings
from pipeline.errors import EmptyDocument, TooLarge, UnsupportedType
from pipeline.parsers import DOCX, PARSERS, PDF
from pipeline.parsers.containers import OLE_EXTENSIONS, OLE_MAGIC, ZIP_EXTENSIONS, is_zip, office_type
from pipeline.state import DocumentState
from pipeline.schemas import registry

# formats without reliable magic numbers: trusted by extension when the bytes are text
TEXT_EXTENSIONS = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".eml": "message/rfc822",
    ".csv": "text/csv",
}
_ALIASES = {"image/jpg": "image/jpeg", "image/x-png": "image/png", "image/x-ms-bmp": "image/bmp"}
_PRINTABLE = bytes(range(0x20, 0x100)) + b"\t\n\r\f"


def _is_text(data: bytes) -> bool:
    """No NUL and (almost) no other control bytes in the first 64 KiB."""
    sample = data[:65536]
    controls = sample.translate(None, _PRINTABLE)
    return b"\x00" not in controls and len(controls) * 100 <= len(sample)


def sniff(data: bytes, source: str) -> str:
    """The media type of ``data``, from its content; the extension only decides between text formats
    and names an office package too broken to open (so it fails as corrupt)."""
    try:
        guessed = puremagic.from_string(data, mime=True)
    except puremagic.PureError:
        guessed = ""
    guessed = _ALIASES.get(guessed, guessed)
    if office := office_type(data):
        return office
    extension = PurePath(source).suffix.lower()
    if data.startswith(OLE_MAGIC) and extension in OLE_EXTENSIONS:  # a compound file too broken to tell apart
        return OLE_EXTENSIONS[extension]
    if guessed == DOCX:  # puremagic calls any ZIP an Office file; an unreadable one is named by its extension
        return ZIP_EXTENSIONS.get(extension, "application/zip") if not is_zip(data) else "application/zip"
    if guessed in PARSERS:
        return guessed
    if b"%PDF-" in data[:1024]:  # PDF readers accept junk before the header
        return PDF
    if _is_text(data) and (extension in TEXT_EXTENSIONS or not guessed):
        return TEXT_EXTENSIONS.get(extension, "text/plain")
    return guessed or "application/octet-stream"


def ingest(data: bytes, source: str, schema_name: str, settings: Settings) -> DocumentState:
    """The initial state of a document: identified, typed, within limits, or failed with the reason."""
    digest = hashlib.sha256(data).hexdigest()
    model = registry().get(schema_name)
    state = DocumentState(
        id=digest[:16], source=source, sha256=digest, size=len(data),
        schema_name=schema_name, schema_version=model.version if model else "",
    )
    if not data:
        return state.failed(EmptyDocument.code, "the file is empty")
    if len(data) > settings.max_file_mb * 2**20:
        return state.failed(TooLarge.code, f"{len(data)} bytes, limit {settings.max_file_mb:g} MB")
    media_type = sniff(data, source)
    state = state.model_copy(update={"media_type": media_type})
    if media_type not in PARSERS:
        return state.failed(UnsupportedType.code, f"unsupported type {media_type}")
    return state
