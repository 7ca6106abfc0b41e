"""The cell vocabulary: what one cell of a report line is, for every stage of the engine.

One module answers "what is this cell" (like the tokenizer pandas' parsers share), so the
stages cannot disagree:

- `clean_cell`: the text without inline markup (`<b>`, `**`) and extra spaces;
- `marker_of`: `-`/`--` (dash: nothing), `N/A`/`n.a.`/`Nihil` (not available), `#####` (unreadable);
- `cell_kind`: empty, marker, overflow, money, code, number, month, label or text;
- `SourceLine`: one line of a report with its 1-based number and its cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

MARKUP_RE = re.compile(r"</?(?:b|i|u|strong|em)>|\*\*|__", re.I)
EMPHASIS_RE = re.compile(r"<b>|\*\*")
DASHES = frozenset({"-", "–", "—", "--", "---"})
NOT_AVAILABLE = frozenset({"n/a", "na", "n.a", "n.a.", "nihil", "tidak ada"})
UNREADABLE_RE = re.compile(r"^#{2,}$")
YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
LONE_YEAR_RE = re.compile(r"(19[89]\d|20[0-4]\d)(\s*-\s*(19[89]\d|20[0-4]\d))?")
NUMBER_RE = re.compile(
    r"^\(?[-+]?\s*(?:rp\.?\s*)?\d[\d.,\s]*\)?\s*(?:%|[a-z][a-z.]{0,14}(?:\s[a-z.]{1,10})?|\([a-z+\-]{1,3}\))?$", re.I)
MONEY_RE = re.compile(
    r"^(?:rp\.?\s*)?\d{1,3}(?:[.,]\s?\d{3}\s?){2,}(?:[.,]\d{2})?(?:,-)?$|^(?:rp\.?\s*)?\d{7,}(?:[.,]\d{2})?$", re.I)
GROUPED_AMOUNT_RE = re.compile(r"\d{1,3}(?:\.\d{3}){2,}|\d{1,3}(?:,\d{3}){2,}")
CODE_RE = re.compile(r"^\d[\d.,\s]{0,18}$")
SEPARATOR_RE = re.compile(r"[.,]")  # between digit groups of an amount or the parts of a code
ROW_NUMBER_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}(?:\.[a-z])?|[ivx]{1,4}|[a-z])\.?$", re.I)
MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12,
}
NUMERIC_KINDS = frozenset({"money", "number", "code", "overflow"})


def clean_cell(text: str) -> str:
    """Strip inline markup (`<b>`, `<i>`, `**`) and surrounding whitespace from a cell."""
    if "<" in text or "*" in text or "_" in text:  # markup is rare: most cells skip the regex
        text = MARKUP_RE.sub("", text)
    return " ".join(text.split())


@lru_cache(maxsize=1 << 13)  # a line is split by several stages (labels, furniture, rows)
def split_cells(text: str) -> tuple[str, ...]:
    """The cleaned cells of a tab-separated line, in order (empty cells kept)."""
    return tuple(clean_cell(c) for c in text.split("\t"))


def marker_of(cell: str) -> str | None:
    """`dash` (`-`, `--`: nothing), `not_available` (`N/A`, `N/ A`, `n.a.`, `Nihil`),
    `unreadable` (`#####`: a spreadsheet overflow) or None."""
    low = clean_cell(cell).lower()
    if low in DASHES:
        return "dash"
    if low in NOT_AVAILABLE or low.replace(" ", "") in NOT_AVAILABLE:
        return "not_available"
    if UNREADABLE_RE.match(low):
        return "unreadable"
    return None


def parse_month(text: str | None) -> int | None:
    """`Januari` -> 1, `Pebruari` -> 2, `Nopember` -> 11; None for anything else."""
    if not text:
        return None
    return MONTHS.get(clean_cell(text).lower().rstrip("."))


@lru_cache(maxsize=1 << 16)  # each cell is classified by several stages
def cell_kind(cell: str) -> str:
    """`empty`, `marker` (-, N/A), `overflow` (#####), `money`, `code`, `number` (with unit/%), `month`
    (`Januari`), `label` (a row label such as `2.1.1.a`, `IV` or a lone year `2021`) or `text`."""
    c = cell.strip()
    if not c:
        return "empty"
    if GROUPED_AMOUNT_RE.fullmatch(c):  # most amounts (`3.552.000.000`): what MONEY_RE reads below
        return "money"
    return kind_of(c)


def kind_of(c: str) -> str:
    """`cell_kind` of a stripped, non-empty cell, without its shortcut for grouped amounts (tests
    hold the two to one answer)."""
    marker = marker_of(c)
    if marker == "unreadable":
        return "overflow"  # a number too wide for its spreadsheet cell
    if marker is not None:
        return "marker"
    if ROW_NUMBER_RE.match(c) and re.search(r"[a-z]", c, re.I):
        return "label"
    if LONE_YEAR_RE.fullmatch(c):
        return "label"  # a year or a period on its own (`2021`, `2019 - 2020`): a section heading
    squashed = re.sub(r"(?<=[\d.,])\s+(?=[\d.,])", "", c)
    if MONEY_RE.match(squashed):
        return "money"
    if CODE_RE.match(c) and (re.search(r"[.,]\s*\d", c) or re.search(r"\d\s+\d", c)) and not re.fullmatch(r"\d{1,3}[.,]\d{1,2}", c):
        return "code"
    if NUMBER_RE.match(c):
        return "number"
    if parse_month(c):
        return "month"
    if ROW_NUMBER_RE.match(c):
        return "label"
    return "text"


MARKDOWN_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")


def as_tab_separated(line: str) -> str:
    """A markdown table row (`| NO | Program | Pagu |`, `|---|---|`) as the tab-separated line the
    engine reads (`NO<tab>Program<tab>Pagu`); any other line as it is.  Cell positions are kept:
    the n-th cell between pipes is the n-th tab cell."""
    if "\t" in line or not MARKDOWN_ROW_RE.match(line) or line.count("|") < 3:
        return line
    return "\t".join(cell.strip() for cell in line.strip()[1:-1].split("|"))


def has_digit(cell: str) -> bool:
    return any(ch.isdigit() for ch in cell)


@dataclass(frozen=True)
class SourceLine:
    """One line of the raw file, with its 1-based line number and its tab-separated cells."""

    number: int
    text: str

    @cached_property
    def cells(self) -> list[str]:
        return list(split_cells(self.text))

    @cached_property
    def kinds(self) -> frozenset[str]:
        """The kinds of its cells (`cell_kind`): aligning a line asks twice."""
        return frozenset(map(cell_kind, self.cells))

    @cached_property
    def emphasised(self) -> frozenset[str]:
        """The cleaned texts of the cells written in bold (`<b>`, `**`): headings of a table."""
        if "<b>" not in self.text and "**" not in self.text:  # EMPHASIS_RE cannot match: most lines
            return frozenset()
        return frozenset(clean_cell(c) for c in self.text.split("\t") if EMPHASIS_RE.search(c) and clean_cell(c))
