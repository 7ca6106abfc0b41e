"""Account for every number of every table block: published as a fact, classified as not a
fact, or quarantined.  What is none of these is `unaccounted`, and must be 0.

A numeric cell is a cell holding a number (`1.250.000`, `98,12`, `12 Bln`, `7.01.01`, `#####`)
or a dash (`-`: zero rupiah in a money column).  `N/A` and `Nihil` say there is no number: they
become NULL facts in a value column and are not counted here.  Classes of numbers that are not facts, read top to bottom (the first that fits):

| class | what it is | example |
|---|---|---|
| `header` | a year or number in the header block | `Tahun 2023`, `201 9` |
| `column_numbers` | the column-number row, also repeated on later pages | `1 2 3 ... 8=7/6` |
| `repeated_header` | the header repeated on a later page | |
| `page_furniture` | page numbers and footers inside the table | `Halaman 12`, `- 12 -` |
| `derived_ratio` | a percentage or ratio recomputed from other cells | `Capaian (%) 98,12` |
| `code` | part of a nomenclature code | `7 | 01 | 01`, `2.02` |
| `row_number` | the row's number or outline number | `1.1.2` |
| `text_column` | a number inside a name, indicator, unit, location or note | `Laporan 2023` |
| `no_measure_columns` | a table with no planned, realised or budget column | staff counts |
| `table_of_contents` | a block of page references | `Kata Pengantar ..... ii` |
| `not_a_table` | a single tab-separated line | `Luas <tab> 111,78 Km2` |
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lumbung.extract.blocks import Table
from lumbung.extract.cells import cell_kind, has_digit, marker_of
from lumbung.extract.headers import is_numbering_row

DASH_UNIT_RE = re.compile(r"^[-–—]\s+[^\W\d]")  # `- keluarga`: a dash with its unit
TEXT_ROLES = ("name", "indicator", "unit", "location", "text", "month")
NOT_FACT_BY_ROLE = {"derived": "derived_ratio", "code": "code", "row_number": "row_number",
                    **{role: "text_column" for role in TEXT_ROLES}}
TABLE_KIND_CLASS = {"table_of_contents": "table_of_contents", "too_short": "not_a_table"}


def is_numeric(cell: str) -> bool:
    """A number, or a dash (`-`: nothing, i.e. zero, in a money column)."""
    kind = cell_kind(cell)
    return kind in ("money", "number", "code", "overflow") or (kind == "label" and has_digit(cell)) or (
        kind == "marker" and marker_of(cell) == "dash") or bool(DASH_UNIT_RE.match(cell))


@dataclass
class TableCoverage:
    """One row of `audit.table_coverage`: where the numbers of one table block went."""

    source_table: str
    first_line: int
    last_line: int
    status: str
    numeric_cells: int = 0
    facts: int = 0
    quarantined: int = 0
    unaccounted: int = 0
    not_facts: Counter = field(default_factory=Counter)  # class -> count
    unaccounted_cells: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column, cell)
    unplaced_cells: list[tuple[int, int, str]] = field(default_factory=list)  # numbers under no column: quarantined

    def not_fact(self, what: str) -> None:
        self.not_facts[what] += 1


def account(
    table: Table,
    status: str,
    body_start: int,
    uses: dict[tuple[int, int], str],
    fact_cells: set[tuple[int, int]],
    quarantined_cells: set[tuple[int, int]],
) -> TableCoverage:
    """Where each numeric cell of `table` went (see the module docstring)."""
    cov = TableCoverage(table.label, table.lines[0].number, table.lines[-1].number, status)
    header_lines = {line.number for line in table.lines[:body_start]}
    for furniture in table.furniture:
        for cell in furniture.text.split("\t"):
            if is_numeric(cell.strip()):
                cov.numeric_cells += 1
                cov.not_fact("page_furniture")
    for line in table.lines:
        for position, cell in enumerate(line.cells, start=1):
            if not cell or not is_numeric(cell):
                continue
            cov.numeric_cells += 1
            key = (line.number, position)
            use = uses.get(key)
            if key in fact_cells:
                cov.facts += 1
            elif key in quarantined_cells:
                cov.quarantined += 1
            elif table.kind in TABLE_KIND_CLASS:
                cov.not_fact(TABLE_KIND_CLASS[table.kind])
            elif status == "no_measures":
                cov.not_fact("no_measure_columns")
            elif line.number in header_lines:
                cov.not_fact("column_numbers" if is_numbering_row(line.cells) else "header")
            elif use in ("column_numbers", "repeated_header"):
                cov.not_fact(use)
            elif use == "year_section":
                cov.not_fact("header")
            elif use in NOT_FACT_BY_ROLE:
                cov.not_fact(NOT_FACT_BY_ROLE[use])
            elif use in (None, "unknown"):  # under no header, or on a line no row took: quarantined
                cov.quarantined += 1
                cov.unplaced_cells.append((line.number, position, cell))
            else:  # a number in a measure column that is neither a fact nor quarantined: a defect
                cov.unaccounted += 1
                cov.unaccounted_cells.append((line.number, position, cell))
    return cov


NOT_FACT_CLASSES = ("header", "column_numbers", "repeated_header", "page_furniture", "derived_ratio", "code",
                    "row_number", "text_column", "no_measure_columns", "table_of_contents", "not_a_table")
REASONS = {
    "no_measures": "no planned, realised or budget column in its header",
    "table_of_contents": "a table of contents (page references)",
    "too_short": "a single tab-separated line, not a table",
    "failed": "the engine failed on this table: it is quarantined",
}


def reason(cov: TableCoverage) -> str | None:
    """Why a block yields no facts (None when it does)."""
    if cov.facts:
        return None
    if cov.status == "extracted":
        return "value columns in its header, but no number in them (an empty form, or only N/A, grades or words)"
    return REASONS.get(cov.status)


def coverage_rows(extraction) -> list[dict]:
    """`raw.table_coverage` rows of one document's extraction (one per table block)."""
    rows = []
    for cov in extraction.coverage:
        rows.append({
            "source_table": cov.source_table, "first_line": cov.first_line, "last_line": cov.last_line,
            "status": cov.status, "reason": reason(cov), "numeric_cells": cov.numeric_cells, "facts": cov.facts,
            "not_facts": sum(cov.not_facts.values()), "quarantined": cov.quarantined,
            "unaccounted": cov.unaccounted, **{c: cov.not_facts.get(c, 0) for c in NOT_FACT_CLASSES},
        })
    return rows
