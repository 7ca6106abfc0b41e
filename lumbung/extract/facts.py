"""Emit one fact per number of a logical row, with lineage.

A fact is one number of one measure column: its metric (`budget` or `indicator`), whether
it is planned (`target`) or achieved (`realisation`), its year and plan variant, the item
it belongs to and the 1-based line of the raw file that holds it.  Cells that do not hold
a readable number are never turned into 0: `N/A`/`Nihil` and `#####` give a NULL value with
a flag, a money cell that is not a number goes to quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from lumbung.extract.headers import Column, Header
from lumbung.extract.rows import LogicalRow
from lumbung.extract.values import (
    ParsedValue, grouping_separator, infer_decimal_separator, parse_indicator, parse_money, parse_month,
)

MIXED_SHARE = 0.75  # a separator used by at least this share of a money column is its own


class Fact(NamedTuple):
    """One number from a report, with everything needed to trace it back (a tuple: a report
    has a thousand of them, built and turned into columns faster than dataclass instances)."""

    source_table: str
    source_line: int
    source_column: int  # 1-based position of the value's cell in its source line
    row_line: int
    row_index: int  # 1-based position of the item in its table (two items can share a line)
    column_index: int
    column_header: str
    item_level: str | None
    item_name: str | None
    indicator: str | None
    code_raw: str | None
    code_canonical: str | None
    code_method: str | None
    code_parent: str | None
    metric: str
    kind: str
    year: int | None
    variant: str | None
    month: int | None  # monthly figures (CRAAPK); None for yearly ones
    value: Decimal | None
    value_raw: str
    value_flag: str | None
    unit: str | None
    cells_moved: bool  # the aligner put this row's cells back under their columns
    header_method: str = "as_written"  # or form_position: the column's place in the national form decided


@dataclass(frozen=True)
class FactProblem:
    line: int
    column: int  # 1-based position of the cell in its line
    raw: str
    step: str
    reason: str


def _column_hints(rows: list[LogicalRow], header: Header) -> dict[int, str | None]:
    """Decimal separator of each indicator column, decided from all its cells."""
    hints: dict[int, str | None] = {}
    for col in header.columns:
        if col.role == "measure" and col.metric == "indicator":
            cells = [row.values[col.index][0] for row in rows if col.index in row.values]
            hints[col.index] = infer_decimal_separator(cells)
    return hints


def _unit_of_cell(suffix: str | None) -> str | None:
    """What follows the number in an indicator cell, when it is a unit (`78 %`, `12 bulan`);
    a bracketed qualifier (`62(B-)`: the grade of an index) is not: it stays in value_raw."""
    return None if suffix is None or suffix.startswith("(") else suffix


def _money_separators(rows: list[LogicalRow], header: Header) -> dict[int, str]:
    """The grouping separator most cells of each money column use, where one clearly dominates."""
    out: dict[int, str] = {}
    for col in header.columns:
        if col.role == "measure" and col.metric == "budget":
            seps = [s for row in rows if col.index in row.values if (s := grouping_separator(row.values[col.index][0]))]
            for sep in set(seps):
                if len(seps) >= 4 and seps.count(sep) >= MIXED_SHARE * len(seps):
                    out[col.index] = sep
    return out


def _indicator_columns(header: Header) -> dict[int, int]:
    """Where a table has several indicator columns (`Capaian Program | Keluaran Sub Kegiatan |
    Hasil Kegiatan`) and a target column for each, the indicator column of each target column:
    the one whose header ends with the most of the same words, else the one right before it
    (`Tolok Ukur | Target`)."""
    indicators = header.role_columns("indicator")
    if len(indicators) < 2:
        return {}
    out: dict[int, int] = {}
    for col in header.columns:
        if col.role != "measure" or col.metric != "indicator":
            continue
        words = col.header.lower().split()
        scores = []
        for ind in indicators:
            other = ind.header.lower().split()
            n = 0
            while n < min(len(words), len(other)) and words[-1 - n] == other[-1 - n]:
                n += 1
            scores.append((n, ind.index))
        best = max(scores)
        if best[0] > 0 and [s for s, _ in scores].count(best[0]) == 1:
            out[col.index] = best[1]
        elif any(ind.index == col.index - 1 for ind in indicators):
            out[col.index] = col.index - 1
    return out


def _is_yearly(col: Column) -> bool:
    """`Target Kinerja Tahunan` beside monthly columns is the yearly figure."""
    return "tahunan" in col.header.lower()


def _year(col: Column, row: LogicalRow, default_year: int | None, period_end: int | None) -> int | None:
    """The column's own year; else the year of the section row above (`TAHUN 2020`); else the
    caption's or the document's."""
    if col.year_stated or (col.year is not None and row.section_year is None):
        return col.year
    if row.section_year is not None:
        return row.section_year
    if col.variant == "akhir_periode":
        return period_end
    return default_year


def emit_facts(
    label: str,
    rows: list[LogicalRow],
    header: Header,
    default_year: int | None,
    period_end: int | None,
) -> tuple[list[Fact], list[FactProblem]]:
    """All facts of a table's logical rows, plus the cells that could not be read."""
    facts: list[Fact] = []
    problems: list[FactProblem] = []
    hints = _column_hints(rows, header)
    separators = _money_separators(rows, header)
    indicator_of = _indicator_columns(header)
    columns = {c.index: c for c in header.columns}
    monthly = bool(header.role_columns("month"))
    for row_index, row in enumerate(rows, start=1):
        unit_text, name, indicator = row.text("unit"), row.text("name"), row.text("indicator")
        month = parse_month((row.texts.get("month") or [None])[0]) if monthly else None
        for index, (cell, line, position) in sorted(row.values.items()):
            col = columns[index]
            parsed: ParsedValue
            if col.metric == "budget":
                parsed = parse_money(cell)
                if parsed.flag == "non_numeric":
                    problems.append(FactProblem(line, position, cell, "value", f"money cell {cell!r} in column {col.header!r} is not a number"))
                    continue
                usual = separators.get(index)
                if parsed.flag is None and usual and grouping_separator(cell) not in (None, usual):
                    parsed = replace(parsed, flag="mixed_separator")  # `164,017,533` among `1.000.000`
            else:
                parsed = parse_indicator(cell, hints.get(index))
                if parsed.flag == "non_numeric":  # a grade (`BB`) or a word (`Laporan`): kept, NULL, and listed
                    problems.append(FactProblem(line, position, cell, "value", f"indicator cell {cell!r} in column {col.header!r} "
                                                f"is not a number: published with value NULL, value_raw as written"))
            year = _year(col, row, default_year, period_end)
            if year is None:
                problems.append(FactProblem(line, position, cell, "year", f"no year for column {col.header!r}"))
                continue
            unit = parsed.unit if col.metric == "budget" else (_unit_of_cell(parsed.unit) or unit_text)
            code = row.code
            facts.append(
                Fact(
                    source_table=label,
                    source_line=line,
                    source_column=position,
                    row_line=row.first_line,
                    row_index=row_index,
                    column_index=index,
                    column_header=col.header,
                    item_level=row.level,
                    item_name=name,
                    indicator=(row.indicator_in(indicator_of[index]) if index in indicator_of else None) or indicator,
                    code_raw=code.raw if code else None,
                    code_canonical=code.canonical if code else None,
                    code_method=code.method if code else None,
                    code_parent=code.parent if code else None,
                    metric=col.metric or "indicator",
                    kind=col.kind or "target",
                    year=year,
                    variant=col.variant,
                    month=None if _is_yearly(col) else month,
                    value=parsed.value,
                    value_raw=cell,
                    value_flag=parsed.flag,
                    unit=unit,
                    cells_moved=bool(row.notes),
                    header_method=col.header_method,
                )
            )
    return facts, problems
