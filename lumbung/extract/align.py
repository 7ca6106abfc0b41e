"""Put a row's cells under the header's columns when the converter shifted them.

PDF-to-text converters drop or add empty cells: a code written over five cells under a
one-cell `Kode` header (Petir Tabel 4.1), a missing `Lokasi` cell that pulls the numbers one
column to the left (Serang Tabel 2.4), kegiatan names one column left of their header
(Seririt Tabel 3.1).  Positions alone then put money under a name or text under a money
column.

`align_row` keeps a row where it is when every cell fits the kind of its column.  Otherwise
it finds the order-preserving assignment of the row's non-empty cells to columns that
moves cells the least, where a cell whose kind does not fit its column costs much more than a
move (a money figure fits a money column, not a name column).  Consecutive code fragments may
share one code column (`7 | 1 | 1 | 2,02 | 1` under `Kode`).  Nothing is dropped: every
non-empty cell ends in some column, and the caller records that the row was moved.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lumbung.extract.cells import cell_kind
from lumbung.extract.headers import Column

MISMATCH = 12.0
CODE_JOINER = " | "  # code fragments sharing one code column stay separate fragments
MERGE_COST = 0.25
SHIFT = 0.1
SHIFT_CHANGE = 1.0
AFTER_ROW_NUMBER = 0.5  # the NO cell often keeps its place while the rest of the row shifts
ROW_SHIFT = 1.0  # moving the whole row (a page that lost its left columns) costs little


def fit_cost(kind: str, column: Column, neutral: bool = False) -> float:
    """How badly a cell of `kind` fits `column` (0 = a natural fit).  `neutral` treats money
    and indicator columns alike (used before the money columns are known)."""
    return _fit(kind, column.role, column.metric, neutral)


@functools.cache
def _fit(kind: str, role: str, metric: str | None, neutral: bool) -> float:
    if kind == "empty":
        return 0.0
    if neutral and role == "measure":
        return {"money": 0.0, "number": 0.0, "marker": 0.0, "overflow": 0.0, "code": 0.5}.get(kind, MISMATCH)
    if role == "code":
        return {"code": 0.0, "number": 0.0, "label": 1.0}.get(kind, MISMATCH)
    if role == "row_number":
        return {"number": 0.0, "code": 0.0, "label": 0.0, "text": 3.0}.get(kind, MISMATCH)
    if role == "measure" and metric == "budget":
        return {"money": 0.0, "marker": 0.0, "overflow": 0.0, "number": 1.0, "code": 1.0}.get(kind, MISMATCH)
    if role == "measure":
        return {"number": 0.0, "marker": 0.0, "overflow": 0.0, "code": 0.5, "money": 6.0}.get(kind, MISMATCH)
    if role == "derived":
        return {"number": 0.0, "marker": 0.0, "overflow": 0.0, "code": 0.5, "money": 4.0}.get(kind, MISMATCH)
    if role == "month":
        return {"month": 0.0, "text": 2.0}.get(kind, MISMATCH)
    if role in ("unit",):
        return {"text": 0.0, "number": 1.0}.get(kind, MISMATCH)
    if role == "unknown":
        return 4.5 if kind in ("text", "number", "marker", "label", "overflow", "month") else 8.0
    # name, indicator, location, text
    return {"text": 0.0, "month": 1.0, "label": 0.5, "number": 3.0, "code": 3.0, "marker": 0.5, "overflow": 4.0}.get(
        kind, MISMATCH)


@dataclass(frozen=True)
class Alignment:
    cells: list[str]  # one cell per header column
    moved: bool
    cost: float
    offset: int  # how far the last measure cell moved (position - column), for wrapped lines
    sources: tuple[tuple[int, ...], ...] = ()  # per column: the 0-based positions of its cells in the line


def _positional(cells: list[str], columns: list[Column], offset: int, neutral: bool) -> Alignment | None:
    """The row as written (moved by `offset`), with the cost of the cells that fit badly."""
    width = len(columns)
    out = [""] * width
    sources: list[tuple[int, ...]] = [()] * width
    cost = 0.0
    for pos, cell in enumerate(cells):
        if not cell:
            continue
        col = pos - offset
        if not 0 <= col < width:
            return None
        column = columns[col]
        cost += _fit(cell_kind(cell), column.role, column.metric, neutral)  # fit_cost, one call less
        out[col] = cell
        sources[col] = (pos,)
    return Alignment(out, offset != 0, cost, offset, tuple(sources))


def _best_assignment(cells: list[str], columns: list[Column], offset: int, neutral: bool) -> Alignment:
    """Order-preserving assignment of non-empty cells to columns with the least cost (DP).

    A cell's shift is `position - offset - column`.  Converters shift a run of cells
    together, so a change of shift between neighbouring cells costs `SHIFT_CHANGE`, and any
    shift costs a little (`SHIFT`) so that rows stay where they are when nothing tells
    otherwise.
    """
    items = [(pos, cell, cell_kind(cell)) for pos, cell in enumerate(cells) if cell]
    shape = tuple((pos, kind) for pos, _cell, kind in items)
    placement, total = _placement(shape, tuple((c.role, c.metric) for c in columns), offset, neutral)
    width = len(columns)
    out = [""] * width
    sources: list[tuple[int, ...]] = [()] * width
    last_offset = offset
    for (pos, cell, _kind), col in zip(items, placement):
        joiner = CODE_JOINER if columns[col].role == "code" else " "
        out[col] = f"{out[col]}{joiner}{cell}" if out[col] else cell
        sources[col] = (*sources[col], pos)
        if columns[col].role in ("measure", "derived"):
            last_offset = pos - col
    return Alignment(out, True, total, last_offset, tuple(sources))


@functools.lru_cache(maxsize=1 << 14)
def _placement(shape: tuple[tuple[int, str], ...], columns: tuple[tuple[str, str | None], ...], offset: int,
               neutral: bool) -> tuple[tuple[int, ...], float]:
    """The DP of `_best_assignment` on what it depends on: where the non-empty cells stand and
    their kinds, and the columns' roles (the rows of a table share a few shapes: each is solved once)."""
    width = len(columns)
    n = len(shape)
    inf = float("inf")
    # per column: what a change of shift after it costs, and whether code fragments may share it
    change = [SHIFT_CHANGE * (AFTER_ROW_NUMBER if role == "row_number" else 1.0) for role, _metric in columns]
    is_code = [role == "code" for role, _metric in columns]
    # best[i][j]: cost of placing shape[:i+1] with cell i in column j
    best = [[inf] * width for _ in range(n)]
    back: list[list[int]] = [[-1] * width for _ in range(n)]
    for i, (pos, kind) in enumerate(shape):
        fits = [_fit(kind, role, metric, neutral) for role, metric in columns]
        row, links = best[i], back[i]
        if i == 0:
            for j in range(width):
                shift = pos - offset - j
                row[j] = SHIFT * abs(shift) + fits[j] + (ROW_SHIFT if shift else 0.0)
            continue
        prev_row = best[i - 1]
        prev_pos, prev_kind = shape[i - 1]
        fragment = kind in ("code", "number") and prev_kind in ("code", "number")
        placed = [prev for prev in range(width) if prev_row[prev] < inf]
        for j in range(width):
            shift = pos - offset - j
            cost, k = inf, -1
            for prev in placed:
                if prev >= j:
                    break
                c = prev_row[prev] + change[prev] * abs(shift - (prev_pos - offset - prev))
                if c < cost:
                    cost, k = c, prev
            if fragment and is_code[j]:
                c = prev_row[j] + MERGE_COST  # another fragment of the same code
                if c < cost:
                    cost, k = c, j
            if cost < inf:
                row[j] = cost + (SHIFT * abs(shift) + fits[j])
                links[j] = k
    j = min(range(width), key=lambda c: best[n - 1][c])
    total = best[n - 1][j]
    placement = [0] * n
    for i in range(n - 1, -1, -1):
        placement[i] = j
        j = back[i][j]
    return tuple(placement), total


def align_row(cells: list[str], columns: list[Column], offset: int = 0, neutral: bool = False) -> Alignment:
    """Cells of one source line under the header's columns (see the module docstring).

    `offset` is the shift of the line this one continues (numbers wrapped onto their own line
    sit where the line above put its numbers).
    """
    if not any(cells):
        return Alignment([""] * len(columns), False, 0.0, offset, ((),) * len(columns))
    as_written = [a for a in (_positional(cells, columns, s, neutral) for s in dict.fromkeys((offset, 0))) if a is not None]
    for fitted in as_written:
        if fitted.cost == 0:
            return fitted
    moved = _best_assignment(cells, columns, offset, neutral)
    if as_written and min(a.cost for a in as_written) <= moved.cost:
        return min(as_written, key=lambda a: a.cost)
    return moved
