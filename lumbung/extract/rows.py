"""Rebuild logical rows from a table's source lines.

One logical row is one item (program, kegiatan, sub kegiatan, total) with one indicator.
Quirks handled here, each in its own function:

- headers repeated on every PDF page are skipped (`is_repeated_header`);
- rows whose cells the converter shifted are put back under their columns by the kind of
  their cells (`align.align_row`); wrapped numbers follow the shift of their line;
- a name or indicator wrapped onto a line of its own is appended to the row above
  (`_is_continuation`);
- numbers that sit on the line after their name are joined to it (`_is_numbers_only`);
- further indicator lines of the same item (no code, no name, own numbers) inherit the
  item's code and name;
- codes are canonicalised with the rows above as context; the `NO` column is read as part
  of the code when the code only makes sense with it (`7 | 1 | 4` where the row number
  was lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lumbung.extract.align import CODE_JOINER, align_row, cell_kind
from lumbung.extract.codes import Code, canonical_code, is_code_fragment
from lumbung.extract.headers import Header, is_numbering_row, is_repeated_header
from lumbung.extract.tables import SourceLine

TEXT_ROLES = ("name", "indicator", "unit", "location", "text", "month")
METHOD_RANK = {"as_written": 0, "inherited": 0, "partial": 1, "legacy": 2, "invalid": 3}


@dataclass
class LogicalRow:
    """One item of a table, possibly spread over several source lines."""

    first_line: int
    lines: list[int]
    code: Code | None
    texts: dict[str, list[str]] = field(default_factory=dict)
    values: dict[int, tuple[str, int]] = field(default_factory=dict)  # column -> (cell, line)
    derived: dict[int, tuple[str, int]] = field(default_factory=dict)  # computed columns, not facts
    level: str | None = None
    inherited_item: bool = False
    notes: list[str] = field(default_factory=list)

    def text(self, role: str) -> str | None:
        parts = self.texts.get(role) or []
        joined = " ".join(p for p in parts if p).strip()
        return joined or None


@dataclass(frozen=True)
class RowProblem:
    """A line that could not be read into a logical row."""

    line: int
    raw: str
    step: str
    reason: str


def _name_before_indicator(cells: list[str], header: Header) -> list[str]:
    """A moved row with no name whose first text sits in a text column after the empty name
    column: that text is the name (`7 | 1 | 1 | 2,07 | Pengadaan ...` in a table whose code
    is one column)."""
    names = [c.index for c in header.role_columns("name")]
    if not names or any(cells[i] for i in names):
        return cells
    after = [c for c in header.columns if c.index > names[-1] and cells[c.index]]
    if after and after[0].role in ("indicator", "location", "text"):
        cells = list(cells)
        cells[names[-1]], cells[after[0].index] = cells[after[0].index], ""
    return cells


def _cells_by_role(cells: list[str], header: Header) -> dict[str, list[tuple[int, str]]]:
    roles: dict[str, list[tuple[int, str]]] = {}
    for col in header.columns:
        if col.index < len(cells) and cells[col.index]:
            roles.setdefault(col.role, []).append((col.index, cells[col.index]))
    return roles


def _choose_code(code_cells: list[str], row_number: str | None, context: str | None) -> Code | None:
    """Read the code cells, trying the NO cell as the code's first part when that reads better."""
    plain = canonical_code(code_cells, context)
    if not row_number or not is_code_fragment(row_number):
        return plain
    with_number = canonical_code([row_number, *code_cells], context)
    if with_number is None or with_number.method in ("invalid", "legacy"):
        return plain
    if plain is None:
        return None  # a lone row number is not a code
    urusan = context.split(".")[0] if context else None

    def score(code: Code) -> tuple[int, int]:
        code_str = code.canonical or code.parent or ""
        mismatch = 1 if urusan and not code_str.startswith(urusan + ".") and code_str != urusan else 0
        return (mismatch, METHOD_RANK[code.method])

    return with_number if score(with_number) < score(plain) else plain


def _level_from_name(name: str | None) -> str | None:
    if not name:
        return None
    low = name.lower().strip()
    if re.match(r"^(jumlah|total|sub ?total)\b", low):
        return "total"
    if re.match(r"^(urusan|unsur)\b", low):
        return "urusan"
    if re.match(r"^program\b", low):
        return "program"
    if re.match(r"^kegiatan\b", low):
        return "kegiatan"
    if re.match(r"^sub\s*kegiatan\b", low):
        return "sub_kegiatan"
    return None


def build_rows(
    lines: list[SourceLine], header: Header, neutral: bool = False
) -> tuple[list[LogicalRow], list[RowProblem]]:
    """Turn a table's data lines into logical rows; lines that cannot be placed become problems.
    `neutral`: align without preferring money or indicator columns (see `align.fit_cost`)."""
    rows: list[LogicalRow] = []
    problems: list[RowProblem] = []
    context: str | None = None
    pending_name: LogicalRow | None = None  # a named row still waiting for its numbers
    measure_cols = {c.index for c in header.columns if c.role in ("measure", "derived")}
    offset = 0  # how far the last line's numbers sat from their columns
    for line in lines[header.body_start :]:
        cells = line.cells
        if not any(cells) or is_repeated_header(cells, header) or is_numbering_row(cells):
            continue
        numbers_only = all(cell_kind(c) in ("empty", "money", "number", "marker", "overflow") for c in cells)
        alignment = align_row(cells, header.columns, offset if numbers_only else 0, neutral)
        cells, offset = alignment.cells, alignment.offset
        shift_note = "cells moved to fit the header columns" if alignment.moved else None
        if alignment.moved:
            cells = _name_before_indicator(cells, header)
        roles = _cells_by_role(cells, header)
        measures = {i: (v, line.number) for i, v in roles.get("measure", [])}
        derived = {i: (v, line.number) for i, v in roles.get("derived", [])}
        has_numbers = bool(measures) or any(i in measure_cols for i, _ in roles.get("derived", []))
        code_cells = [frag for _, v in roles.get("code", []) for frag in v.split(CODE_JOINER)]
        row_number = next((v for _, v in roles.get("row_number", [])), None)
        texts = {r: [v for _, v in roles.get(r, [])] for r in TEXT_ROLES if roles.get(r)}
        previous = rows[-1] if rows else None

        if not code_cells and not has_numbers:
            if previous is not None:  # wrapped text: belongs to the row above
                for role, parts in texts.items():
                    previous.texts.setdefault(role, []).extend(parts)
                previous.lines.append(line.number)
            continue

        if not code_cells and not texts.get("name") and has_numbers and pending_name is not None:
            pending_name.values.update(measures)  # numbers on the line after their name
            pending_name.derived.update(derived)
            pending_name.lines.append(line.number)
            for role, parts in texts.items():
                pending_name.texts.setdefault(role, []).extend(parts)
            pending_name = None
            continue

        code = _choose_code(code_cells, row_number, context) if code_cells else None
        row = LogicalRow(line.number, [line.number], code, texts, measures, derived=derived)
        if shift_note:
            row.notes.append(shift_note)
        if code is not None and code.canonical:
            context = code.canonical
            row.level = code.level
        elif code is not None and code.method == "partial":
            row.level = code.level
        elif code is None and not texts.get("name") and previous is not None:
            row.code, row.level, row.inherited_item = previous.code, previous.level, True
            row.texts.setdefault("name", list(previous.texts.get("name", [])))
        else:
            if not texts.get("name") and texts.get("text"):  # a label row such as `Unsur Kewilayahan`
                row.texts["name"] = [texts["text"][0]]
            row.level = _level_from_name(row.text("name"))
            if row.level is None and code is None and previous is not None and previous.level == "sub_kegiatan":
                row.level = "sub_kegiatan"  # an uncoded sibling of the sub kegiatan rows around it
                if context and context.count(".") >= 4:
                    parent = ".".join(context.split(".")[:5])
                    row.code = Code("", None, "sub_kegiatan", "unresolved", parent=parent,
                                    reason="no code written; sibling of coded sub kegiatan")
        if code is not None and code.method == "invalid":
            problems.append(RowProblem(line.number, line.text, "code", code.reason or "unreadable code"))
        rows.append(row)
        pending_name = row if not measures and row.text("name") else None
    return rows, problems
