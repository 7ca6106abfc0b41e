"""The extraction engine: one document's lines in, facts out, as a chain of stages that each
hand a plain type to the next and never call back into an earlier one.

    find_tables      lines            -> Table blocks      (blocks.py: labels, captions, furniture)
    settle_header    Table            -> Header            (headers.py: column roles, years, variants)
    build_rows       Table + Header   -> LogicalRow list   (rows.py + align.py + codes.py)
    settle_levels    LogicalRow list  -> LogicalRow list   (levels.py: urusan ... sub kegiatan, totals)
    emit_facts       rows + Header    -> Fact list         (facts.py; values.py reads the numbers)
    account          everything above -> TableCoverage     (coverage.py: where every number went)

`cells.py` is the vocabulary all stages share (what a number, dash, `n.a.`, year or code cell is).
Lines and cells that cannot be read become `Problem`s (loaded to `audit.quarantine`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lumbung.extract.blocks import Table, find_tables
from lumbung.extract.cells import as_tab_separated
from lumbung.extract.coverage import TableCoverage, account, is_numeric
from lumbung.extract.derived import DerivedValue, derived_values
from lumbung.extract.facts import Fact, emit_facts
from lumbung.extract.headers import Header, read_header, refine_metrics
from lumbung.extract.items import Item, table_items
from lumbung.extract.levels import settle_levels
from lumbung.extract.rows import build_rows, measure_cells


@dataclass(frozen=True)
class TableRecord:
    """What the engine made of one table block (loaded to `raw.tables`)."""

    source_table: str
    label_line: int
    first_line: int
    last_line: int
    caption: str
    status: str  # extracted, no_measures, table_of_contents, too_short, failed
    columns: str
    facts: int
    label_as_written: str = ""
    named_by: str = "label"  # label, caption, header


@dataclass(frozen=True)
class Problem:
    """A line or cell that could not be read (loaded to `audit.quarantine`)."""

    source_table: str | None
    line: int | None
    raw: str
    step: str
    reason: str
    column: int | None = None  # 1-based position of the cell in its line, when one cell is meant


@dataclass
class Extraction:
    tables: list[TableRecord] = field(default_factory=list)
    found: list[Table] = field(default_factory=list)  # the tables as found, for raw.table_rows
    facts: list[Fact] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    derived: list[DerivedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    coverage: list[TableCoverage] = field(default_factory=list)


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
    return refine_metrics(header, measure_cells(table.lines, header))


@dataclass
class TableExtraction:
    record: TableRecord
    coverage: TableCoverage
    facts: list[Fact] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    derived: list[DerivedValue] = field(default_factory=list)


def _record(table: Table, status: str, columns: str = "", facts: int = 0) -> TableRecord:
    return TableRecord(table.label, table.label_line, table.lines[0].number, table.lines[-1].number, table.caption,
                       status, columns, facts, table.label_as_written, table.named_by)


def extract_table(table: Table, default_year: int | None, period_end: int | None) -> TableExtraction:
    if table.kind != "table":
        return TableExtraction(_record(table, table.kind), account(table, table.kind, 0, {}, set(), set()))
    header = settle_header(table)
    if not header.role_columns("measure"):
        record = _record(table, "no_measures", _describe(header))
        return TableExtraction(record, account(table, "no_measures", header.body_start, {}, set(), set()))
    rows, row_problems, uses = build_rows(table.lines, header)  # alignment depends on which columns hold money
    rows = settle_levels(rows, header)
    facts, fact_problems = emit_facts(table.label, rows, header, default_year, period_end)
    problems = [Problem(table.label, p.line, p.raw, p.step, p.reason) for p in row_problems]
    problems += [Problem(table.label, p.line, p.raw, p.step, p.reason, p.column) for p in fact_problems]
    coverage = account(table, "extracted", header.body_start, uses,
                       {(f.source_line, f.source_column) for f in facts},
                       {(p.line, p.column) for p in fact_problems})
    for line, column, cell in coverage.unplaced_cells:  # never silently: listed with the reason
        problems.append(Problem(table.label, line, cell, "coverage",
                                f"number {cell!r} (cell {column} of the line) sits under no column the header "
                                f"names: not read as a fact", column))
    for line, column, cell in coverage.unaccounted_cells:
        problems.append(Problem(table.label, line, cell, "coverage",
                                f"engine defect: number {cell!r} (cell {column} of the line) was read as "
                                f"{uses.get((line, column))} but gave no fact", column))
    record = _record(table, "extracted", _describe(header), len(facts))
    return TableExtraction(record, coverage, facts=facts, items=table_items(table.label, rows), problems=problems,
                           derived=derived_values(table.label, rows, header))


def _failed(table: Table, exc: Exception) -> TableExtraction:
    """A table the engine cannot read: quarantined whole, its numbers counted as quarantined."""
    coverage = account(table, "failed", 0, {}, set(), {
        (line.number, k) for line in table.lines for k, cell in enumerate(line.cells, start=1) if is_numeric(cell)})
    problem = Problem(table.label, table.label_line, table.lines[0].text, "table", f"{type(exc).__name__}: {exc}")
    return TableExtraction(_record(table, "failed"), coverage, problems=[problem])


def extract_document(lines: list[str], default_year: int | None, period_end: int | None) -> Extraction:
    lines = [as_tab_separated(line) for line in lines]  # markdown tables (`| a | b |`) are tables too
    result = Extraction(found=find_tables(lines))
    for table in result.found:
        try:
            done = extract_table(table, default_year, period_end)
        except Exception as exc:  # a table the engine cannot read must not stop the document
            done = _failed(table, exc)
        result.tables.append(done.record)
        result.coverage.append(done.coverage)
        result.facts.extend(done.facts)
        result.items.extend(done.items)
        result.derived.extend(done.derived)
        result.problems.extend(done.problems)
    return result
