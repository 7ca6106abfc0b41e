"""Stage 4: settle the level of every item (urusan, program, kegiatan, sub kegiatan, total).

A row's level comes, in this order, from its code (`7.01.01.2.02` is a kegiatan), from its
name (`Program ...`, `PROGRA M` broken by the PDF, `Kegiatan :`, `Jumlah`, `KECAMATAN SERANG`),
as a further indicator line of the item above, as an uncoded sibling of coded sub kegiatan,
or else from the rows around it (`settle_levels`): outline numbers (`6.1.1`), bold headings
among plain rows, the row right under a program; a last row of numbers without words is the
table's total.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from lumbung.extract.codes import Code
from lumbung.extract.headers import Header

if TYPE_CHECKING:  # rows builds LogicalRow and calls `identify` while it reads the lines
    from lumbung.extract.rows import LogicalRow


@lru_cache(maxsize=1 << 13)  # pure: the same names come back on every row and table
def level_from_name(name: str | None) -> str | None:
    if not name:
        return None
    low = name.lower().strip()
    if re.match(r"^(jumlah|total|sub ?total|kecamatan)\b", low):  # `KECAMATAN SERANG`: the whole office
        return "total"
    if re.match(r"^(non )?(urusan|unsur)\b", low):
        return "urusan"
    if re.match(r"^pr?ogra\s?m\b", low):  # `PROGRA M` broken by the PDF, `POGRAM` typed
        return "program"
    if re.match(r"^kegiatan\b", low):
        return "kegiatan"
    if re.match(r"^sub\s*kegiatan\b", low):
        return "sub_kegiatan"
    return None


OUTLINE_LEVELS = {1: "program", 2: "kegiatan", 3: "sub_kegiatan"}


def _settle_structural_levels(rows: list[LogicalRow], header: Header) -> None:
    """Levels of the rows whose code and words say nothing, from the rows around them:

    - the outer item of a two-item line takes its column's header word (`Program`);
    - in a budget table numbered as an outline (`5`, `6.1`, `6.1.1`), the number's depth;
    - below a program: where the program's rows mark their kegiatan (bold, or `Kegiatan :`; a
      name merely starting with `Kegiatan` is no mark),
      the row right under the program and every bold row is a kegiatan, the plain ones sub
      kegiatan; where nothing is marked, every row is a kegiatan (the pre-2021 layout).
    Rows above the first program keep no level."""
    names = header.role_columns("name")
    outer_level = level_from_name(names[0].header) if names else None
    outline = any(c.metric == "budget" for c in header.columns) and any(
        r.outline is not None and r.outline > 1 for r in rows)
    sections: list[list[LogicalRow]] = []
    for row in rows:
        if row.structural and row.part == "outer":
            row.level = outer_level
        elif row.structural and outline and row.outline in OUTLINE_LEVELS:
            row.level = OUTLINE_LEVELS[row.outline]
        if row.level == "program":
            sections.append([row])
        elif sections and not row.inherited_item:
            sections[-1].append(row)
    for program, *members in sections:
        marked = any(r.emphasised for r in members) or any(
            re.match(r"^kegiatan\s*:", (r.text("name") or "").lower()) for r in members)
        for position, row in enumerate(members):
            if not row.structural or row.level is not None:
                continue
            if not marked or position == 0 or row.emphasised:
                row.level = "kegiatan"
            else:
                row.level = "sub_kegiatan"


def _close_table(rows: list[LogicalRow]) -> None:
    """A last row with numbers and no words at all is the table's total (`| | 8.624.579.558 |`)."""
    if rows and rows[-1].inherited_item and not rows[-1].own_text:
        last = rows[-1]
        last.code, last.level, last.inherited_item, last.texts = None, "total", False, {}


def _is_section_heading(name: str | None) -> bool:
    """An uncoded name in capitals with amounts (`KEWILAYAHAN`, `PENUNJANG URUSAN`) heads a section."""
    return bool(name) and name == name.upper() and bool(re.search(r"[A-Z]{4}", name))


def identify(row: LogicalRow, previous: LogicalRow | None, context: str | None) -> None:
    """Settle a new row's level (and code, when it only continues the item above): from its
    code, as a further indicator line of the item above, from its name, as an uncoded sibling of
    coded sub kegiatan, or else later from the rows around it (`structural`)."""
    code, texts = row.code, row.texts
    if code is not None and (code.canonical or code.method in ("partial", "legacy")):
        row.level = code.level
    elif code is None and not texts.get("name") and previous is not None and row.part == "item":
        row.code, row.level, row.inherited_item = previous.code, previous.level, True
        texts.setdefault("name", list(previous.texts.get("name", [])))
    else:
        if not texts.get("name") and texts.get("text"):  # a label row such as `Unsur Kewilayahan`
            texts["name"] = [texts["text"][0]]
        row.level = level_from_name(row.text("name"))
        if row.level is None and code is None and row.values and _is_section_heading(row.text("name")):
            row.level = "urusan"  # `KEWILAYAHAN | 1.345.247.264 | ...`: the sum of the programs below
        elif row.level is None and code is None and previous is not None and previous.level == "sub_kegiatan" and context:
            row.level = "sub_kegiatan"  # an uncoded sibling of the sub kegiatan rows around it
            if context.count(".") >= 4:
                row.code = Code("", None, "sub_kegiatan", "unresolved", parent=".".join(context.split(".")[:5]),
                                reason="no code written; sibling of coded sub kegiatan")
        elif row.level is None and code is None and context is None:
            row.structural = True




def settle_levels(rows: list[LogicalRow], header: Header) -> list[LogicalRow]:
    """The levels the rows' own code and words did not settle, from the table's structure."""
    _close_table(rows)
    _settle_structural_levels(rows, header)
    return rows
