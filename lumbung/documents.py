"""Read a raw report file: bytes, content hash, decoded text and its lines.

Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, and Windows-1252/Latin-1 as a
last resort; line endings `\\r\\n`, `\\r` and `\\n` all end a line, so line numbers match what
an editor shows.  Files that are not text raise `UnreadableDocument` with the reason.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lumbung.readers.model import LINE_END_RE, RawDocument, UnreadableDocument  # noqa: F401 (the model)

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but tab, line ends and form feed
TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv", ".tsv", ""}
LEGACY = {
    ".doc": "legacy Word 97-2003 file (.doc): save it as .docx or PDF",
    ".xls": "legacy Excel 97-2003 file (.xls): save it as .xlsx",
    ".ppt": "PowerPoint file: not a report format Lumbung reads",
    ".pptx": "PowerPoint file: not a report format Lumbung reads",
    ".rtf": "RTF file: save it as .docx or PDF",
    ".odt": "OpenDocument text (.odt): save it as .docx or PDF",
    ".ods": "OpenDocument spreadsheet (.ods): save it as .xlsx",
    ".jpg": "an image: needs OCR", ".jpeg": "an image: needs OCR", ".png": "an image: needs OCR",
    ".tif": "an image: needs OCR", ".tiff": "an image: needs OCR",
    ".zip": "an archive: unpack the reports into raw/",
}


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes, returning (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise UnreadableDocument("binary content (NUL bytes) – not a text report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_text(path: Path, data: bytes) -> RawDocument:
    text, encoding = decode(data)
    control = len(CONTROL_RE.findall(text))
    if control > max(10, len(text) // 100):
        raise UnreadableDocument(f"{control} control characters – not a text report")
    return RawDocument(path, hashlib.sha256(data).hexdigest(), len(data), encoding, text)


def read_document(path: Path) -> RawDocument:
    """Any report file as the one document model: text as it is; PDF, Word and Excel through
    their readers (`lumbung/readers/`), each line keeping its page where the format has pages."""
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableDocument("empty file")
    suffix = path.suffix.lower()
    sha, size = hashlib.sha256(data).hexdigest(), len(data)
    if suffix in LEGACY:
        raise UnreadableDocument(LEGACY[suffix])
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        from lumbung.readers.pdf import read_pdf

        lines, pages = read_pdf(path)
        return RawDocument(path, sha, size, "pdf", "\n".join(lines), tuple(pages))
    if suffix == ".docx":
        from lumbung.readers.docx import read_docx

        return RawDocument(path, sha, size, "docx", "\n".join(read_docx(path)))
    if suffix in (".xlsx", ".xlsm"):
        from lumbung.readers.xlsx import read_xlsx

        lines, sheets = read_xlsx(path)
        return RawDocument(path, sha, size, "xlsx", "\n".join(lines), tuple(sheets))
    if data.startswith(b"PK\x03\x04") and suffix not in TEXT_SUFFIXES:
        raise UnreadableDocument(f"a zip-based file ({suffix or 'no extension'}) Lumbung does not read")
    return _read_text(path, data)


CLOSING_RE = re.compile(r"^[\W_]*(?:bab\s+[ivx]+\.?\s*)?penutup[\W_]*$", re.I)
SIGNATURE_RE = re.compile(r"^\W*NIP\b", re.I)
SIGNATURE_ZONE = 0.15  # the signature sits in the last lines of a report


def truncation(lines: list[str]) -> str | None:
    """Why a report looks cut short (a failed download, a partial copy), or None.

    A Renja, Renstra or LKjIP ends with its closing chapter (`BAB V PENUTUP`) and the camat's
    signature (`NIP. ...`); appendices may follow the closing but not a missing end.  A file whose
    last line is a table row, or that has neither a signature near its end nor a closing chapter
    after its last table, was cut."""
    filled = [n for n in range(1, len(lines) + 1) if lines[n - 1].strip()]
    if not filled:
        return None
    last = filled[-1]
    if "\t" in lines[last - 1]:
        return f"truncated: the file ends inside a table at line {last}; the rest of the report is missing"
    zone_start = int(len(lines) * (1 - SIGNATURE_ZONE))
    if any(SIGNATURE_RE.match(lines[n - 1]) for n in filled if n > zone_start):
        return None
    last_table = max((n for n in filled if "\t" in lines[n - 1]), default=0)
    if any(CLOSING_RE.match(re.sub(r"</?\w+>", "", lines[n - 1]).strip()) for n in filled if n > last_table):
        return None
    return (f"truncated: no closing chapter (PENUTUP) after the last table (line {last_table}) and no "
            f"signature near the end (line {last}); the rest of the report is missing")
