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
from dataclasses import dataclass, field, replace

from lumbung.extract.align import CODE_JOINER, Alignment, align_row
from lumbung.extract.cells import SourceLine, cell_kind
from lumbung.extract.codes import Code, canonical_code, is_code_fragment
from lumbung.extract.headers import Header, is_numbering_row, is_repeated_header, is_year_section, section_year
from lumbung.extract.levels import identify, level_from_name

TEXT_ROLES = ("name", "indicator", "unit", "location", "text", "month")
METHOD_RANK = {"as_written": 0, "inherited": 0, "partial": 1, "legacy": 2, "invalid": 3}


@dataclass
class LogicalRow:
    """One item of a table, possibly spread over several source lines."""

    first_line: int
    lines: list[int]
    code: Code | None
    texts: dict[str, list[str]] = field(default_factory=dict)
    values: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # column -> (cell, line, source column)
    derived: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # computed columns, not facts
    level: str | None = None
    inherited_item: bool = False
    notes: list[str] = field(default_factory=list)
    part: str = "item"  # "outer": the program written beside its kegiatan on the same line
    own_text: bool = True  # False: numbers with no name or indicator of their own (a `Ket` note aside)
    emphasised: bool = False  # its name or amounts are bold: a heading (kegiatan) among plain rows
    outline: int | None = None  # depth of an outline number in the NO column (`6.1.1` -> 3)
    structural: bool = False  # no code and no level word: the level comes from the rows around it
    indicator_cells: dict[int, list[str]] = field(default_factory=dict)  # column -> its indicator text
    section_year: int | None = None  # the year of the `TAHUN 2020` section row above it, if any

    def add_indicators(self, cells: list[tuple[int, str]]) -> None:
        for index, value in cells:
            self.indicator_cells.setdefault(index, []).append(value)

    def indicator_in(self, column: int) -> str | None:
        return " ".join(self.indicator_cells.get(column, [])).strip() or None

    def text(self, role: str) -> str | None:
        """The role's text over all lines; a part equal to the one before it is the same text
        written twice (`Rancangan Awal | Hasil Analisis` sides of one item), kept once."""
        parts = [p for p in self.texts.get(role) or [] if p]
        kept = [p for i, p in enumerate(parts) if i == 0 or p.lower() != parts[i - 1].lower()]
        return " ".join(kept).strip() or None


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


def _outer_boundary(header: Header) -> int | None:
    """Where a line holds two items (`Program | Pagu | Kegiatan | Target | Realisasi`: measure
    columns between the first two name columns, which name different levels), the index of the second name column: cells
    left of it belong to the outer item (the program), the rest to the inner one."""
    names = header.role_columns("name")
    if len(names) < 2:
        return None
    outer_level = level_from_name(names[0].header)
    if outer_level is None or outer_level == level_from_name(names[1].header):
        return None  # the same item written twice (Rancangan Awal | Hasil Analisis), not two items
    between = any(c.role == "measure" and names[0].index < c.index < names[1].index for c in header.columns)
    return names[1].index if between else None


def _split_line(cells: list[str], header: Header, boundary: int | None) -> list[tuple[str, list[str]]]:
    """The parts of a line: ("outer", cells) for the outer item when it has a name or a number,
    then ("item", cells) for the rest (the whole line where the table has one item per line)."""
    if boundary is None:
        return [("item", cells)]
    outer_cols = [c.index for c in header.columns if c.index < boundary and c.role in ("name", "measure", "derived")]
    if not any(i < len(cells) and cells[i] for i in outer_cols):
        return [("item", cells)]
    outer = [c if i < boundary else "" for i, c in enumerate(cells)]
    inner = [c if i >= boundary else "" for i, c in enumerate(cells)]
    return [("outer", outer), ("item", inner)] if any(inner) else [("outer", outer)]


INDICATOR_START_RE = re.compile(
    r"^(persentase|prosentase|presentase|tingkat|jumlah|capaian|cakupan|indeks|rasio|rata\s*-?\s*rata|nilai)\b", re.I)


def _indicator_words_to_indicator(texts: dict[str, list[str]], header: Header) -> dict[str, list[str]]:
    """A further line that only says `Persentase sarana ... dalam kondisi baik` is one more
    indicator of the row above, even when the converter pushed it under the name column."""
    names = texts.get("name") or []
    if not header.role_columns("indicator") or texts.get("indicator") or len(names) != 1:
        return texts
    if not INDICATOR_START_RE.match(names[0]):
        return texts
    moved = dict(texts)
    moved["indicator"] = moved.pop("name")
    return moved


def _words_to_inner(cells: list[str], header: Header, boundary: int) -> list[str]:
    """A wrapped name with no numbers continues the last row written: when that row is the inner
    item, words the converter pushed into the outer item's column move to the inner name column."""
    outer_name = header.role_columns("name")[0].index
    if not cells[outer_name] or any(c for i, c in enumerate(cells) if i != outer_name and c) or cells[boundary]:
        return cells
    moved = list(cells)
    moved[boundary], moved[outer_name] = moved[outer_name], ""
    return moved


OUTLINE_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?$")


@dataclass
class _LineParts:
    """One part of a source line (see `_split_line`), its cells sorted by role."""

    part: str
    roles: dict[str, list[tuple[int, str]]]
    measures: dict[int, tuple[str, int, int]]
    derived: dict[int, tuple[str, int, int]]
    has_numbers: bool
    code_cells: list[str]
    row_number: str | None
    texts: dict[str, list[str]]
    emphasised: bool


class _RowBuilder:
    """The state of reading one table's lines: the rows so far, the code context, the row still
    waiting for its numbers, the last row of each part."""

    def __init__(self, header: Header, neutral: bool):
        self.header, self.neutral = header, neutral
        self.rows: list[LogicalRow] = []
        self.problems: list[RowProblem] = []
        self.context: str | None = None
        self.legacy_program: str | None = None  # the last pre-2021 program code (`1101.01`)
        self.pending_name: LogicalRow | None = None  # a named row still waiting for its numbers
        self.last_of: dict[str, LogicalRow] = {}  # the last row of each part (outer item, item)
        self.measure_cols = {c.index for c in header.columns if c.role in ("measure", "derived")}
        self.boundary = _outer_boundary(header)
        self.offset = 0  # how far the last line's numbers sat from their columns
        self.uses: dict[tuple[int, int], str] = {}  # (line, 1-based source column) -> how the cell was read
        self.section_year: int | None = None

    def _skip(self, line: SourceLine, why: str) -> None:
        for pos, cell in enumerate(line.cells, start=1):
            if cell:
                self.uses[(line.number, pos)] = why

    def add_line(self, line: SourceLine) -> None:
        header = self.header
        line_cells = line.cells
        skipped = _skipped_as(line_cells, header)
        if skipped == "year_section":  # `TAHUN 2020` alone: the rows below speak of that year
            self.section_year = section_year(line_cells)
            self.pending_name = None
        if skipped is not None:
            if skipped != "empty":
                self._skip(line, skipped)
            return
        alignment, words_only = _aligned(line, header, self.offset, self.neutral)
        self.offset = alignment.offset
        shift_note = "cells moved to fit the header columns" if alignment.moved else None
        aligned = _name_before_indicator(alignment.cells, header) if alignment.moved else alignment.cells
        if words_only and self.boundary is not None and self.rows and self.rows[-1].part == "item":
            aligned = _words_to_inner(aligned, header, self.boundary)
        sources = _follow_sources(alignment.cells, alignment.sources, aligned)
        for index, positions in enumerate(sources):
            for pos in positions:
                self.uses[(line.number, pos + 1)] = header.columns[index].role
        for part, cells in _split_line(aligned, header, self.boundary):
            self._add_part(line, self._parts(line, part, cells, sources), shift_note)

    def _parts(self, line: SourceLine, part: str, cells: list[str], sources: list[tuple[int, ...]]) -> _LineParts:
        roles = _cells_by_role(cells, self.header)
        measures = {i: (v, line.number, sources[i][0] + 1) for i, v in roles.get("measure", [])}
        return _LineParts(
            part=part,
            roles=roles,
            measures=measures,
            derived={i: (v, line.number, sources[i][0] + 1) for i, v in roles.get("derived", [])},
            has_numbers=bool(measures) or any(i in self.measure_cols for i, _ in roles.get("derived", [])),
            code_cells=[frag for _, v in roles.get("code", []) for frag in v.split(CODE_JOINER)],
            row_number=next((v for _, v in roles.get("row_number", [])), None),
            texts={r: [v for _, v in roles.get(r, [])] for r in TEXT_ROLES if roles.get(r)},
            emphasised=any(  # a bold name or a bold amount; bold `Nihil` on every row says nothing
                v in line.emphasised for _, v in [*roles.get("name", []), *roles.get("measure", [])]
                if cell_kind(v) not in ("marker", "empty")),
        )

    def _add_part(self, line: SourceLine, p: _LineParts, shift_note: str | None) -> None:
        previous = self.last_of.get(p.part)
        heading = bool(p.texts.get("name")) and previous is not None and (
            (p.emphasised and not previous.emphasised) or _starts_an_item(p.texts, previous))
        if not p.code_cells and not p.has_numbers and not heading:
            if previous is not None:  # wrapped text: belongs to the row above
                _extend(previous, line, _indicator_words_to_indicator(p.texts, self.header), p.roles)
            return
        pending = self.pending_name
        if (not p.code_cells and not p.texts.get("name") and p.has_numbers and pending is not None
                and pending.part == p.part and not (set(p.measures) | set(p.derived)) & (set(pending.values) | set(pending.derived))):
            pending.values.update(p.measures)  # numbers on the line after their name
            pending.derived.update(p.derived)
            if shift_note:
                pending.notes.append(shift_note)
            _extend(pending, line, p.texts, p.roles)
            self.pending_name = None
            return
        self._new_row(line, p, previous, shift_note)

    def _new_row(self, line: SourceLine, p: _LineParts, previous: LogicalRow | None, shift_note: str | None) -> None:
        code = _choose_code(p.code_cells, p.row_number, self.context) if p.code_cells else None
        if code is not None and code.method == "legacy":  # `001` belongs to the legacy program above
            if code.level == "program":
                self.legacy_program = code.raw
            elif code.level == "kegiatan" and self.legacy_program:
                code = replace(code, parent=self.legacy_program)
        row = LogicalRow(line.number, [line.number], code, p.texts, p.measures, derived=p.derived, part=p.part,
                         section_year=self.section_year)
        row.add_indicators(p.roles.get("indicator", []))
        row.own_text = any(p.texts.get(role) for role in ("name", "indicator", "unit", "location", "month"))
        row.emphasised = p.emphasised
        if p.row_number and OUTLINE_RE.match(p.row_number):
            row.outline = p.row_number.rstrip(".").count(".") + 1
        if shift_note:
            row.notes.append(shift_note)
        identify(row, previous, self.context)
        if code is not None and code.canonical:
            self.context = code.canonical
        if code is not None and code.method == "invalid":
            self.problems.append(RowProblem(line.number, line.text, "code", code.reason or "unreadable code"))
        self.rows.append(row)
        self.last_of[p.part] = row
        self.pending_name = row if not p.measures and row.text("name") else None


def _skipped_as(cells: list[str], header: Header) -> str | None:
    """Why a line holds no row: `empty`, `column_numbers` (`1 | 2 | 3`), `year_section`
    (`TAHUN 2020` alone) or `repeated_header` (the header again on the next page); None for a row."""
    if not any(cells):
        return "empty"
    if is_numbering_row(cells):
        return "column_numbers"
    if is_year_section(cells):
        return "year_section"
    if is_repeated_header(cells, header):
        return "repeated_header"
    return None


def _aligned(line: SourceLine, header: Header, offset: int, neutral: bool) -> tuple[Alignment, bool]:
    """The line's cells under the header's columns, and whether it holds words only: wrapped
    numbers, and a heading with no numbers, sit where the line above put its cells (`offset`)."""
    cells, kinds = line.cells, line.kinds
    numbers_only = kinds <= {"empty", "money", "number", "marker", "overflow"}
    words_only = not kinds & {"money", "number", "marker", "overflow", "code"}
    return align_row(cells, header.columns, offset if numbers_only or words_only else 0, neutral), words_only


def measure_cells(lines: list[SourceLine], header: Header) -> dict[int, list[str]]:
    """The cells each measure and derived column holds once the rows are aligned without
    preferring money or indicator columns (what `build_rows(..., neutral=True)` puts in the rows'
    values, without building the rows): what tells a money column from an indicator column."""
    wanted = {c.index for c in header.columns if c.role in ("measure", "derived")}
    out: dict[int, list[str]] = {}
    offset = 0
    for line in lines[header.body_start:]:
        if _skipped_as(line.cells, header) is not None:
            continue
        alignment, _words_only = _aligned(line, header, offset, neutral=True)
        offset = alignment.offset
        for index in wanted:
            if alignment.cells[index]:
                out.setdefault(index, []).append(alignment.cells[index])
    return out


def _follow_sources(before: list[str], sources: tuple[tuple[int, ...], ...], after: list[str]) -> list[tuple[int, ...]]:
    """The source positions of each column after cells were moved between columns (a name
    moved out of the indicator column): a moved cell keeps the positions it was read from."""
    out = list(sources)
    for index, cell in enumerate(after):
        if cell != before[index]:
            origin = next((k for k, c in enumerate(before) if c == cell and cell), None)
            out[index] = sources[origin] if origin is not None else ()
    return out


def _starts_an_item(texts: dict[str, list[str]], previous: LogicalRow) -> bool:
    """A line of words only, written the same in both name columns of a two-sided table
    (`Administrasi Keuangan Perangkat Daerah | | ... | Administrasi Keuangan Perangkat Daerah`)
    under a row that has its numbers, is the next item's heading, not the rest of the name above
    (a wrapped name breaks at a different place on each side)."""
    names = texts.get("name") or []
    return (len(names) == 2 and names[0].lower() == names[1].lower() and not set(texts) - {"name"}
            and bool(previous.values))


def _extend(row: LogicalRow, line: SourceLine, texts: dict[str, list[str]], roles: dict[str, list[tuple[int, str]]]) -> None:
    """Add a further line's words to a row."""
    for role, parts in texts.items():
        row.texts.setdefault(role, []).extend(parts)
    row.add_indicators(roles.get("indicator", []))
    row.lines.append(line.number)


def build_rows(
    lines: list[SourceLine], header: Header, neutral: bool = False
) -> tuple[list[LogicalRow], list[RowProblem], dict[tuple[int, int], str]]:
    """Turn a table's data lines into logical rows; lines that cannot be placed become problems.
    `neutral`: align without preferring money or indicator columns (see `align.fit_cost`)."""
    builder = _RowBuilder(header, neutral)
    for line in lines[header.body_start :]:
        builder.add_line(line)
    return builder.rows, builder.problems, builder.uses
