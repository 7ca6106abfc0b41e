"""Read a raw report file: bytes, content hash, decoded text and its lines.

Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, and Windows-1252/Latin-1 as a
last resort; line endings `\\r\\n`, `\\r` and `\\n` all end a line, so line numbers match what
an editor shows.  Files that are not text raise `UnreadableDocument` with the reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

LINE_END_RE = re.compile(r"\r\n|\r|\n")


class UnreadableDocument(ValueError):
    """The file cannot be read as a text report."""


@dataclass(frozen=True)
class RawDocument:
    path: Path
    sha256: str
    size: int
    encoding: str
    text: str

    @property
    def lines(self) -> list[str]:
        return LINE_END_RE.split(self.text)

    @property
    def text_sha256(self) -> str:
        """Hash of the text itself: the same report saved as UTF-16 or with Windows line endings
        has another file hash but this same one."""
        return hashlib.sha256("\n".join(self.lines).encode("utf-8")).hexdigest()

    @property
    def document_id(self) -> str:
        """Stable id of this exact content (a new version of a report gets a new id)."""
        return self.sha256[:16]


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


def read_document(path: Path) -> RawDocument:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableDocument("empty file")
    text, encoding = decode(data)
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    if control > max(10, len(text) // 100):
        raise UnreadableDocument(f"{control} control characters – not a text report")
    return RawDocument(path, hashlib.sha256(data).hexdigest(), len(data), encoding, text)


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
