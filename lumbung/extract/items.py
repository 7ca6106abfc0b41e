"""The items of a table (program, kegiatan, sub kegiatan, totals) and who contains whom.

Facts only exist for numbers; the item list keeps every row, numbers or not, so the
hierarchy is known even where a kegiatan row states no amount.  An item's parent is the
nearest item above it of a higher level (`program` > `kegiatan` > `sub_kegiatan`); a total
row closes the items above it.  dbt compares each stated amount with the sum of its children
(`audit.reconciliation`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbung.extract.rows import LogicalRow

RANKS = {"urusan": 1, "program": 2, "kegiatan": 3, "sub_kegiatan": 4}


@dataclass(frozen=True)
class Item:
    source_table: str
    row_index: int  # same numbering as Fact.row_index
    row_line: int
    last_line: int
    item_level: str | None
    item_name: str | None
    code_canonical: str | None
    parent_index: int | None
    is_extra_indicator: bool  # a further indicator line of the item above, not an item of its own
    continues_index: int | None  # for such a line: the item it continues (its amounts are that item's)


def table_items(label: str, rows: list[LogicalRow]) -> list[Item]:
    items: list[Item] = []
    stack: list[tuple[int, int]] = []  # (rank, row_index) of the open items above
    current: int | None = None  # the last row that is an item of its own
    for row_index, row in enumerate(rows, start=1):
        if not row.inherited_item:
            current = row_index
        rank = RANKS.get(row.level or "")
        parent = None
        if row.level == "total":
            stack = []
        elif rank is not None and not row.inherited_item:
            while stack and stack[-1][0] >= rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((rank, row_index))
        items.append(Item(
            source_table=label,
            row_index=row_index,
            row_line=row.first_line,
            last_line=max(row.lines),
            item_level=row.level,
            item_name=row.text("name"),
            code_canonical=row.code.canonical if row.code else None,
            parent_index=parent,
            is_extra_indicator=row.inherited_item,
            continues_index=current if row.inherited_item else None,
        ))
    return items
