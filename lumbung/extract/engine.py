"""Run the extraction steps over one document: find tables, read headers, rebuild rows,
emit facts; collect every line that could not be read as a quarantine entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from lumbung.extract.derived import DerivedValue, derived_values
from lumbung.extract.facts import Fact, emit_facts
from lumbung.extract.headers import Header, read_header, refine_metrics
from lumbung.extract.items import Item, table_items
from lumbung.extract.rows import build_rows
from lumbung.extract.blocks import Table, find_tables


@dataclass(frozen=True)
class TableRecord:
    """What the engine made of one table (loaded to `raw.tables`)."""

    source_table: str
    label_line: int
    first_line: int
    last_line: int
    caption: str
    status: str  # extracted, no_measures
    columns: str
    facts: int


@dataclass(frozen=True)
class Problem:
    """A line or cell that could not be read (loaded to `audit.quarantine`)."""

    source_table: str | None
    line: int | None
    raw: str
    step: str
    reason: str


@dataclass
class Extraction:
    tables: list[TableRecord] = field(default_factory=list)
    found: list[Table] = field(default_factory=list)  # the tables as found, for raw.table_rows
    facts: list[Fact] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    derived: list[DerivedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _describe(header: Header) -> str:
    parts = []
    for c in header.columns:
        if c.role == "measure":
            parts.append(f"{c.index}:{c.kind}/{c.metric}/{c.year}/{c.variant or '-'}")
        elif c.role not in ("unknown",):
            parts.append(f"{c.index}:{c.role}")
    return "; ".join(parts)


def settle_header(table: Table) -> Header:
    """The table's header with its money columns settled: columns are classified by their
    words, the rows aligned without preferring money or indicator columns, and a measure
    column whose aligned cells are mostly rupiah becomes a money column."""
    header = read_header(table.lines, table.caption)
    if not header.role_columns("measure") and not header.role_columns("derived"):
        return header
    rows, _problems = build_rows(table.lines, header, neutral=True)
    values: dict[int, list[str]] = {}
    for row in rows:
        for index, (cell, _line) in [*row.values.items(), *row.derived.items()]:
            values.setdefault(index, []).append(cell)
    return refine_metrics(header, values)


@dataclass
class TableExtraction:
    record: TableRecord
    facts: list[Fact] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    derived: list[DerivedValue] = field(default_factory=list)


def extract_table(table: Table, default_year: int | None, period_end: int | None) -> TableExtraction:
    first, last = table.lines[0].number, table.lines[-1].number
    if table.kind != "table":
        return TableExtraction(TableRecord(table.label, table.label_line, first, last, table.caption, table.kind, "", 0))
    header = settle_header(table)
    if not header.role_columns("measure"):
        return TableExtraction(TableRecord(table.label, table.label_line, first, last, table.caption, "no_measures", _describe(header), 0))
    rows, row_problems = build_rows(table.lines, header)  # alignment depends on which columns hold money
    facts, fact_problems = emit_facts(table.label, rows, header, default_year, period_end)
    problems = [Problem(table.label, p.line, p.raw, p.step, p.reason) for p in [*row_problems, *fact_problems]]
    record = TableRecord(table.label, table.label_line, first, last, table.caption, "extracted", _describe(header), len(facts))
    return TableExtraction(record, facts=facts, items=table_items(table.label, rows), problems=problems,
                           derived=derived_values(table.label, rows, header))


def extract_document(lines: list[str], default_year: int | None, period_end: int | None) -> Extraction:
    result = Extraction(found=find_tables(lines))
    for table in result.found:
        try:
            done = extract_table(table, default_year, period_end)
        except Exception as exc:  # a table the engine cannot read must not stop the document
            done = TableExtraction(
                TableRecord(table.label, table.label_line, table.lines[0].number, table.lines[-1].number, table.caption, "failed", "", 0),
                problems=[Problem(table.label, table.label_line, table.lines[0].text, "table", f"{type(exc).__name__}: {exc}")],
            )
        result.tables.append(done.record)
        result.facts.extend(done.facts)
        result.items.extend(done.items)
        result.derived.extend(done.derived)
        result.problems.extend(done.problems)
    return result
