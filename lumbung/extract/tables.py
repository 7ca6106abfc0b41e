"""Find the tables in a report's text.

The converters flattened each table into tab-separated lines.  A table starts at a label
line (`Tabel 2.3`, `**Tabel 3.1**`, `TABEL 6.1 TC-27`, `Tabel 2.3.2` followed by
`TABEL T-C.24`), continues with caption lines without tabs, then runs over tab-separated
lines (blank lines between PDF pages allowed) until the first line of running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from lumbung.extract.values import clean_cell

LABEL_RE = re.compile(r"^[\s*#_>]*(?:tabel|table)\b\.?\s*(?P<rest>.*)$", re.I)
TC_RE = re.compile(r"\bT\s*[-.]?\s*C\s*[-.]?\s*(?P<num>\d{2})\b", re.I)
TABLE_NUMBER_RE = re.compile(r"^(?P<num>\d+(?:\s*\.\s*\d+)*)")
LAMPIRAN_RE = re.compile(r"^[\s*#_>]*lampiran\s*:?\s*(?P<rest>.+)$", re.I)
ACRONYM_RE = re.compile(r"\((?P<acr>[A-Z]{2,})\)")
MAX_CAPTION_LINES = 8
MAX_HEADING = 80
DOT_LEADER_RE = re.compile(r"\.{4,}")  # `Tabel 2.1 Pegawai .....<tab>13`: a table of contents


@dataclass(frozen=True)
class SourceLine:
    """One tab-separated line of the raw file, with its 1-based line number."""

    number: int
    text: str

    @cached_property
    def cells(self) -> list[str]:
        return [clean_cell(c) for c in self.text.split("\t")]

    @cached_property
    def emphasised(self) -> frozenset[str]:
        """The cleaned texts of the cells written in bold (`<b>`, `**`): headings of a table."""
        return frozenset(clean_cell(c) for c in self.text.split("\t") if EMPHASIS_RE.search(c) and clean_cell(c))


EMPHASIS_RE = re.compile(r"<b>|\*\*")


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


def _block(lines: list[str], start: int) -> tuple[list[SourceLine], int]:
    """The tab-separated lines from `start` on (blank lines between PDF pages allowed)."""
    rows: list[SourceLine] = []
    j = start
    while j < len(lines) and ("\t" in lines[j] or not lines[j].strip()):
        if "\t" in lines[j]:
            rows.append(SourceLine(j + 1, lines[j]))
        j += 1
    return rows, j


def _unlabelled_table(lines: list[str], start: int) -> tuple[Table | None, int]:
    """A tab block with no `Tabel` label (`**B. REALISASI ANGGARAN**` then the table): its
    label is the short heading just above it.  Blocks of fewer than three lines, or with no
    heading (tables of contents, signature blocks), are not tables."""
    rows, end = _block(lines, start)
    heading, k = None, start - 1
    while k >= 0 and k >= start - 4:
        text = clean_cell(lines[k]).strip("#*_ :")
        if text:
            if "\t" not in lines[k] and len(text) <= MAX_HEADING and not text.endswith("."):
                heading = (text, k + 1)
            break
        k -= 1
    leaders = sum(1 for r in rows if DOT_LEADER_RE.search(r.text))
    if heading is None or len(rows) < 3 or leaders * 2 >= len(rows):
        return None, max(end, start + 1)
    return Table(label=heading[0], label_line=heading[1], caption="", lines=rows), end


HEADER_START_RE = re.compile(r"^(no\.?|nomor)$", re.IGNORECASE)


def _header_signature(line: SourceLine) -> tuple[str, ...]:
    """A header line without case and spaces: `Targ et NSP K` on one page is `Target NSPK` on the next."""
    return tuple("".join(c.lower().split()) for c in line.cells if c)


def split_parts(table: Table) -> list[Table]:
    """One tab block can hold two tables one after the other (Seririt `Tabel 3.2`: 2020-2022,
    then 2023 with other columns).  A line starting with `NO` that is not the table's own
    header again (headers repeat on every page) starts a new part, labelled `<label> (2)`."""
    first = _header_signature(table.lines[0])
    starts = [0] + [
        k for k, line in enumerate(table.lines)
        if k > 0 and line.cells and HEADER_START_RE.match(line.cells[0]) and _header_signature(line) != first
    ]
    if len(starts) == 1:
        return [table]
    parts = []
    for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(table.lines)]), start=1):
        label = table.label if n == 1 else f"{table.label} ({n})"
        parts.append(Table(label, table.label_line, table.caption, table.lines[a:b]))
    return parts


def find_tables(lines: list[str]) -> list[Table]:
    """All tables of a document (`lines` without line endings, index 0 = line 1): labelled
    ones (`Tabel 2.3`, `TC-27`, `Lampiran ... (IKU)`) and blocks under a short heading."""
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        label = table_label(lines[i]) if "\t" not in lines[i] else None
        if label is None:
            if "\t" in lines[i]:  # a table without a `Tabel` label: named by its heading
                table, i = _unlabelled_table(lines, i)
                if table is not None:
                    tables.extend(split_parts(table))
                continue
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
        table.lines, j = _block(lines, j)
        if len(table.lines) >= 2:
            tables.extend(split_parts(table))
        i = max(j, i + 1)
    return tables
