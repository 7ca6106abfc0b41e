"""Find the tables in a report's text.

The converters flattened each table into tab-separated lines.  A table starts at a label
line (`Tabel 2.3`, `**Tabel 3.1**`, `TABEL 6.1 TC-27`, `Tabel 2.3.2` followed by
`TABEL T-C.24`), continues with caption lines without tabs, then runs over tab-separated
lines (blank lines between PDF pages allowed) until the first line of running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lumbung.extract.values import clean_cell

LABEL_RE = re.compile(r"^[\s*#_>]*(?:tabel|table)\b\.?\s*(?P<rest>.*)$", re.I)
TC_RE = re.compile(r"\bT\s*[-.]?\s*C\s*[-.]?\s*(?P<num>\d{2})\b", re.I)
TABLE_NUMBER_RE = re.compile(r"^(?P<num>\d+(?:\s*\.\s*\d+)*)")
LAMPIRAN_RE = re.compile(r"^[\s*#_>]*lampiran\s*:?\s*(?P<rest>.+)$", re.I)
ACRONYM_RE = re.compile(r"\((?P<acr>[A-Z]{2,})\)")
MAX_CAPTION_LINES = 8


@dataclass(frozen=True)
class SourceLine:
    """One tab-separated line of the raw file, with its 1-based line number."""

    number: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [clean_cell(c) for c in self.text.split("\t")]


@dataclass
class Table:
    """A table found in a report: its label, caption and tab-separated lines."""

    label: str
    label_line: int
    caption: str
    lines: list[SourceLine] = field(default_factory=list)


def table_label(text: str) -> str | None:
    """Normalised label of a label line, or None: `TABEL 6.1 TC-27` -> `TC-27`, `Tabel 2. 1` -> `Tabel 2.1`."""
    line = clean_cell(text)
    tc = TC_RE.search(line)
    m = LABEL_RE.match(line)
    if m:
        if tc:
            return f"TC-{tc['num']}"
        num = TABLE_NUMBER_RE.match(m["rest"].strip())
        if num:
            return "Tabel " + re.sub(r"\s+", "", num["num"])
        return None
    lampiran = LAMPIRAN_RE.match(line)
    if lampiran:
        acr = ACRONYM_RE.findall(lampiran["rest"])
        return f"Lampiran {acr[-1]}" if acr else None
    return None


def find_tables(lines: list[str]) -> list[Table]:
    """All labelled tables of a document (`lines` without line endings, index 0 = line 1)."""
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        label = table_label(lines[i]) if "\t" not in lines[i] else None
        if label is None:
            i += 1
            continue
        table = Table(label=label, label_line=i + 1, caption="")
        caption: list[str] = []
        j = i + 1
        while j < n and "\t" not in lines[j] and len(caption) < MAX_CAPTION_LINES:
            text = clean_cell(lines[j])
            if text:
                second = table_label(text)
                if second and second.startswith("TC-"):
                    table.label = second  # `Tabel 2.3.2` then `TABEL T-C.24`
                else:
                    caption.append(text)
            j += 1
        table.caption = " ".join(caption)
        while j < n and ("\t" in lines[j] or not lines[j].strip()):
            if "\t" in lines[j]:
                table.lines.append(SourceLine(j + 1, lines[j]))
            j += 1
        if len(table.lines) >= 2:
            tables.append(table)
        i = max(j, i + 1)
    return tables
