"""The one document model every reader produces: the report's lines (cells separated by tabs, as
the text conversions write tables), the page of each line where the format has pages, and the
facts about the file (hash, size, format)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LINE_END_RE = re.compile(r"\r\n|\r|\n")


class UnreadableDocument(ValueError):
    """The file cannot be read as a report (the reason says why)."""


@dataclass(frozen=True)
class RawDocument:
    path: Path
    sha256: str
    size: int
    encoding: str  # utf-8, utf-16, cp1252 ... for text; pdf, docx, xlsx for the other formats
    text: str
    pages: tuple[int, ...] | None = None  # page (PDF) or sheet (XLSX) of each line; None for text/DOCX

    @cached_property  # read by detection, extraction and the text hash: split once
    def lines(self) -> list[str]:
        return LINE_END_RE.split(self.text)

    @property
    def format(self) -> str:
        return self.encoding if self.encoding in ("pdf", "docx", "xlsx") else "text"

    @cached_property
    def text_sha256(self) -> str:
        """Hash of the text itself: the same report saved as UTF-16 or with Windows line endings
        has another file hash but this same one."""
        return hashlib.sha256("\n".join(self.lines).encode("utf-8")).hexdigest()

    @property
    def document_id(self) -> str:
        """Stable id of this exact content (a new version of a report gets a new id)."""
        return self.sha256[:16]

    def page_of(self, line: int) -> int | None:
        """Page of a 1-based line, where the format has pages."""
        return self.pages[line - 1] if self.pages and 0 < line <= len(self.pages) else None
