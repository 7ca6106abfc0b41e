"""Excel (.xlsx, SIPD exports) -> the engine's lines (openpyxl): each sheet introduced by its name
as a heading, each row a line of cells joined by tabs; numbers written as numbers (`3552000000`,
`98.12`), dates as ISO dates, formulas as their last computed value."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

from lumbung.readers.model import UnreadableDocument


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return " ".join(str(value).split())


MAX_EMPTY_ROWS = 3


def _neighbour(filled: list[int], indexes: range) -> tuple[int, int]:
    """(filled cells, empty rows crossed) of the nearest row of several cells, across rows of one
    cell (`ESELON III`, `CAMAT` one under the other) and a few empty rows (a page break)."""
    empty = 0
    for k in indexes:
        if filled[k] == 0:
            empty += 1
            if empty > MAX_EMPTY_ROWS:
                return 0, empty
        elif filled[k] != 1:
            return filled[k], empty
    return 0, empty


def _sheet_lines(rows: list[list[str]]) -> list[str]:
    """A row of several cells is a table line; a row of one cell is a line of text (a title, a
    caption), unless it sits between table rows (`TAHUN 2019` inside a table, a wrapped name
    after a page's blank row): then it is a table line too."""
    trimmed = []
    for cells in rows:
        while cells and not cells[-1]:
            cells = cells[:-1]
        trimmed.append(cells)
    filled = [len([c for c in cells if c]) for cells in trimmed]
    out = []
    for i, cells in enumerate(trimmed):
        if not cells:
            out.append("")
            continue
        (before, gap_before), (after, gap_after) = (_neighbour(filled, range(i - 1, -1, -1)),
                                                    _neighbour(filled, range(i + 1, len(trimmed))))
        if gap_before and gap_after:  # blank rows on both sides: a line of text between tables
            before = 0
        if len(cells) > 1:
            out.append("\t".join(cells))
        elif before > 1 and after > 1:  # as wide as the rows around it
            width = max(len(cells) for cells in trimmed[max(0, i - 3): i + 4])
            out.append("\t".join(cells + [""] * (max(width, 2) - 1)))
        else:
            out.append(cells[0])
    return out


def read_xlsx(path: Path) -> tuple[list[str], list[int]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise UnreadableDocument("not a readable Excel file: damaged, or encrypted (password protected)") from None
    except Exception as exc:  # noqa: BLE001
        raise UnreadableDocument(f"not a readable Excel file ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    sheets: list[int] = []
    try:
        for number, sheet in enumerate(book.worksheets, start=1):
            lines += [f"## {sheet.title}", ""]
            sheets += [number, number]
            for line in _sheet_lines([[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]):
                lines.append(line)
                sheets.append(number)
            lines.append("")
            sheets.append(number)
    finally:
        book.close()
    if not any(line.strip() for line in lines if not line.startswith("## ")):
        raise UnreadableDocument("empty Excel workbook")
    return lines, sheets
