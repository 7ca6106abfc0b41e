"""Derived columns (capaian %, tingkat realisasi, rasio) are not facts: the engine keeps each
stated ratio with the two columns it is computed from, and dbt recomputes and compares it
(`audit.reconciliation`, check_type `derived_ratio`).

Which columns a ratio divides:
- a column-number formula says it (`8=7/6`, `11=10/4`);
- a ratio with a year divides that year's realisation by that year's target (`Rasio Capaian
  Tahun 2019` beside `Target ... 2019` and `Realisasi ... 2019`);
- otherwise the ratio right after a realisation column divides it by the target column before it
  (`Target | Realisasi | %`).  Anything else is recorded without inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lumbung.extract.headers import Column, Header, last_year
from lumbung.extract.rows import LogicalRow
from lumbung.extract.values import infer_decimal_separator, parse_indicator

FORMULA_RE = re.compile(r"^\s*\(?\d+\)?\s*=\s*\(?(\d+)\)?\s*[/:]\s*\(?(\d+)\)?")


@dataclass(frozen=True)
class DerivedValue:
    source_table: str
    source_line: int
    source_column: int  # 1-based position of the cell in its source line
    row_index: int
    column_index: int
    column_header: str
    value_raw: str
    value: Decimal | None
    numerator_column: int | None
    denominator_column: int | None


def _by_formula(col: Column, header: Header) -> tuple[int, int] | None:
    numbering = header.numbering or []
    m = FORMULA_RE.match(numbering[col.index]) if col.index < len(numbering) else None
    if not m:
        return None
    position = {}
    for index, cell in enumerate(numbering):
        number = re.match(r"^\(?(\d+)\)?", cell or "")
        if number:
            position.setdefault(number.group(1), index)
    top, bottom = position.get(m.group(1)), position.get(m.group(2))
    return (top, bottom) if top is not None and bottom is not None else None


def _by_year(col: Column, measures: list[Column]) -> tuple[int, int] | None:
    year = last_year(col.header)
    if year is None:
        return None
    real = [c for c in measures if c.kind == "realisation" and c.year == year]
    target = [c for c in measures if c.kind == "target" and c.year == year]
    if len(real) != 1:
        return None
    same_metric = [t for t in target if t.metric == real[0].metric]
    before = [t for t in same_metric if t.index < real[0].index]
    if not before:
        return None
    return real[0].index, before[-1].index  # the target nearest to the left of the realisation


def _by_position(col: Column, header: Header) -> tuple[int, int] | None:
    left = {c.index: c for c in header.columns}.get(col.index - 1)
    if left is None or left.role != "measure" or left.kind != "realisation":
        return None
    for c in reversed([c for c in header.columns if c.index < left.index]):
        if c.role == "measure" and c.kind == "target" and c.metric == left.metric:
            return left.index, c.index
    return None


def ratio_inputs(header: Header) -> dict[int, tuple[int | None, int | None]]:
    """For each derived column: (numerator column, denominator column), or (None, None)."""
    measures = header.role_columns("measure")
    out: dict[int, tuple[int | None, int | None]] = {}
    for col in header.role_columns("derived"):
        out[col.index] = _by_formula(col, header) or _by_year(col, measures) or _by_position(col, header) or (None, None)
    return out


def derived_values(label: str, rows: list[LogicalRow], header: Header) -> list[DerivedValue]:
    inputs = ratio_inputs(header)
    hints = {
        index: infer_decimal_separator([row.derived[index][0] for row in rows if index in row.derived])
        for index in inputs
    }
    out = []
    for row_index, row in enumerate(rows, start=1):
        for index, (cell, line, position) in sorted(row.derived.items()):
            if index not in inputs:
                continue
            numerator, denominator = inputs[index]
            out.append(DerivedValue(
                source_table=label, source_line=line, source_column=position, row_index=row_index, column_index=index,
                column_header={c.index: c for c in header.columns}[index].header, value_raw=cell,
                value=parse_indicator(cell, hints[index]).value,
                numerator_column=numerator, denominator_column=denominator,
            ))
    return out
