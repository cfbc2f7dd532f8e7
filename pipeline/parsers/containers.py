"""Office containers (ZIP packages and OLE compound files): what they hold, and whether to open them.

``office_type`` tells the formats apart by their contents (every OOXML, ODF and
EPUB file is a ZIP; DOC, MSG and encrypted OOXML are OLE files), since their
magic numbers cannot. ``guard_container`` turns away hostile packages before a
partitioner inflates them, with a typed error instead of an exhausted sandbox:
ZIP bombs (declared sizes, or ratios no document has), XML with a document type
declaration (entity declarations or an external DTD: the way in for external
entities and entity expansion; no office part needs them), spreadsheets that declare more cells than the limit, and
encrypted files. Macros are only noted: nothing here runs them, and their
document's text is as readable as any other.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from pipeline.errors import CorruptDocument, DecompressionBomb, EncryptedDocument, TooLarge

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# a ZIP package's marker part -> its media type
_ZIP_MARKERS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# a package that cannot be opened is still named by its extension, so it fails as corrupt, not unsupported
ZIP_EXTENSIONS = {
    ".docx": _ZIP_MARKERS["word/document.xml"],
    ".xlsx": _ZIP_MARKERS["xl/workbook.xml"],
    ".pptx": _ZIP_MARKERS["ppt/presentation.xml"],
    ".odt": "application/vnd.oasis.opendocument.text",
    ".epub": "application/epub+zip",
}
# the same for a compound file (DOC, MSG) whose directory cannot be read, e.g. one cut short
OLE_EXTENSIONS = {".doc": "application/msword", ".msg": "application/vnd.ms-outlook"}
_ODF_EPUB = {"application/vnd.oasis.opendocument.text", "application/epub+zip"}
MAX_RATIO = 200  # deflate tops out near 1000:1 on zeros; real office parts stay far below 100:1
MAX_INFLATED = 512 * 2**20  # bytes a package may inflate to in all
# an entity declaration, or a DOCTYPE with an internal subset or an external SYSTEM identifier;
# a bare or PUBLIC XHTML doctype (EPUB chapters) declares no entities and is allowed
_DTD = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*(?:\[|\bSYSTEM\b)", re.I)
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


def _zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return None


def is_zip(data: bytes) -> bool:
    """Whether ``data`` opens as a ZIP archive."""
    archive = _zip(data)
    if archive is not None:
        archive.close()
    return archive is not None


def _ole_streams(data: bytes) -> list[str]:
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            return ["/".join(path) for path in ole.listdir(streams=True, storages=True)]
    except (OSError, ValueError):
        return []


def office_type(data: bytes) -> str | None:
    """The media type of an office container, from the parts it holds; None if it is not one."""
    if data.startswith(b"{\\rtf"):
        return "application/rtf"
    if data.startswith(OLE_MAGIC):
        streams = _ole_streams(data)
        if "WordDocument" in streams:
            return "application/msword"
        if any(s.startswith("__substg1.0_") for s in streams):
            return "application/vnd.ms-outlook"
        if "EncryptionInfo" in streams:  # an encrypted OOXML file wrapped in OLE
            return "application/x-encrypted-office"
        return None
    archive = _zip(data)
    if archive is None:
        return None
    with archive:
        names = set(archive.namelist())
        for marker, media_type in _ZIP_MARKERS.items():
            if marker in names:
                return media_type
        if "mimetype" in names:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            if declared in _ODF_EPUB:
                return declared
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_zip(archive: zipfile.ZipFile, max_cells: int) -> dict[str, Any]:
    infos = archive.infolist()
    inflated = sum(i.file_size for i in infos)
    if inflated > MAX_INFLATED:
        raise DecompressionBomb(f"the package inflates to {inflated} bytes")
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DecompressionBomb(f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)}:1")
    macros = False
    for info in infos:
        name = info.filename.lower()
        macros = macros or name.endswith("vbaproject.bin")
        if not name.endswith((".xml", ".rels", ".opf", ".xhtml", ".html", ".ncx")):
            continue
        with archive.open(info) as part:
            head = part.read(4096)
        if _DTD.search(head):
            raise CorruptDocument(f"{info.filename} declares entities or an external DTD (refused: external entity references)")
        if name.startswith("xl/worksheets/") and (dimension := _DIMENSION.search(head)):
            cells = _column_number(dimension.group(1)) * int(dimension.group(2))
            if cells > max_cells:
                raise TooLarge(f"{info.filename} declares {cells} cells, limit {max_cells}")
    return {"macros": macros}


def guard_container(data: bytes, max_cells: int) -> dict[str, Any]:
    """Raise a typed error for a hostile or encrypted container; what it noted (macros) otherwise."""
    if data.startswith(OLE_MAGIC):
        streams = _ole_streams(data)
        if "EncryptionInfo" in streams:
            raise EncryptedDocument("the office file is encrypted")
        return {"macros": any(s.lower().startswith(("macros", "_vba_project")) for s in streams)}
    archive = _zip(data)
    if archive is None:
        return {}
    with archive:
        return _check_zip(archive, max_cells)
