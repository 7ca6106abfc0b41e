"""Parse the numbers written in report cells.

Reports mix Indonesian (`3.552.000.000`, `98,12`) and English (`1,916,486,189`, `98.12`)
formats, wrap numbers across PDF lines (`650.56 2.000`, `83, 55`), add currency and unit
text (`Rp. 3.552.000.000,-`, `1 Thn`, `100%`) and use markers for "no value" (`-`, `N/A`,
`Nihil`) or "unreadable" (`#####`).  Every function here returns a `ParsedValue` that keeps
the raw text and a flag naming what was done, so nothing is guessed silently.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from lumbung.extract.cells import SEPARATOR_RE, clean_cell, marker_of, parse_month  # noqa: F401  (parse_month: re-exported)

CURRENCY_RE = re.compile(r"^rp\.?\s*", re.I)
TRAILING_DASH_RE = re.compile(r"[.,]?\s*-\s*$")
BROKEN_SEPARATOR_RE = re.compile(r"(\d)\s*([.,])\s+(\d)|(\d)\s+([.,])(\d)")
BROKEN_DIGITS_RE = re.compile(r"(\d)\s+(\d)")
NUMBER_BODY_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
LEADING_NUMBER_RE = re.compile(r"^(?P<num>\d[\d.,]*(?:\s+\d[\d.,]*)*)\s*(?P<unit>.*)$")


@dataclass(frozen=True)
class ParsedValue:
    """One cell read as a number: `value` is None when the cell holds no readable number."""

    raw: str
    value: Decimal | None
    unit: str | None = None
    flag: str | None = None  # dash, not_available, unreadable, non_numeric, broken_number,
    # irregular_grouping, ambiguous_separator


def _marker(text: str) -> ParsedValue | None:
    flag = marker_of(text)
    return ParsedValue(text, None, flag=flag) if flag else None


def _glue(m: re.Match) -> str:
    """`83, 55` / `650.562 .000` -> the digits and separator without the spaces."""
    return "".join(g for g in m.groups() if g)


def _join_broken(text: str) -> tuple[str, bool]:
    """`83, 55` -> `83,55`; `650.56 2.000` and `650.562 .000` -> `650.562.000` (PDF line wrap
    inside a number)."""
    joined = BROKEN_SEPARATOR_RE.sub(_glue, text)
    joined = BROKEN_DIGITS_RE.sub(r"\1\2", joined)
    return joined, joined != text


THOUSANDS_END_RE = re.compile(r"[.,]\d{3}$")


def _split_groups(body: str) -> tuple[list[str], list[str]]:
    groups = SEPARATOR_RE.split(body)
    seps = SEPARATOR_RE.findall(body)
    return groups, seps


def parse_grouped_number(body: str, decimal_hint: str | None = None) -> tuple[Decimal, str | None]:
    """Read digits with `.`/`,` separators, deciding which separator is the decimal one.

    - two kinds of separator: the last one is the decimal separator (`59,011,380.00`);
    - one kind, repeated: thousands separators (`3.552.000.000`, `1,916,486,189`);
    - one kind, once: decimal if followed by 1-2 digits (`98,12`), thousands if by 3
      (`1.000`), unless the column's `decimal_hint` says otherwise (flag
      `ambiguous_separator` when the hint decided);
    - thousands groups that are not 3 digits (`6.5025.000`) keep the digits as written and
      are flagged `irregular_grouping`.
    """
    groups, seps = _split_groups(body)
    if not seps:
        return Decimal(body), None
    flag = None
    decimal_sep: str | None = None
    if len(set(seps)) == 2:
        decimal_sep = seps[-1]
        if seps.count(decimal_sep) > 1:
            raise ValueError(f"separators out of order in {body!r}")
    elif len(seps) == 1:
        last = groups[-1]
        if len(last) != 3:
            decimal_sep = seps[0]
        elif decimal_hint == seps[0]:
            decimal_sep, flag = seps[0], "ambiguous_separator"
    if decimal_sep is not None:
        integer_groups, fraction = groups[:-1], groups[-1]
    else:
        integer_groups, fraction = groups, ""
    if len(integer_groups) > 1 and (
        not 1 <= len(integer_groups[0]) <= 3 or set(map(len, integer_groups[1:])) != {3}
    ):
        flag = "irregular_grouping"
    number = Decimal("".join(integer_groups) + ("." + fraction if fraction else ""))
    return number, flag


PLAIN_AMOUNT_RE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+")  # `3.552.000`, `1,916,486`, `250000`


@lru_cache(maxsize=1 << 14)  # pure: a cell is read by several stages
def parse_money(text: str) -> ParsedValue:
    """Parse a rupiah cell: `Rp. 3.552.000.000,-`, `1,916,486,189`, `-` (zero), `#####`."""
    if PLAIN_AMOUNT_RE.fullmatch(text):  # most amounts: digits in groups of three, one separator
        return ParsedValue(text, Decimal(text.replace(".", "").replace(",", "")), "Rp", None)
    return read_money(text)


def read_money(text: str) -> ParsedValue:
    """`parse_money` without its shortcut for plain amounts (tests hold the two to one answer)."""
    raw = text
    cell = clean_cell(text)
    if not cell:
        return ParsedValue(raw, None, flag="empty")
    marker = _marker(cell)
    if marker is not None:
        if marker.flag == "dash":  # a dash in a money column means "nothing": zero rupiah
            return ParsedValue(raw, Decimal(0), "Rp", "dash")
        return ParsedValue(raw, None, "Rp", marker.flag)
    body = CURRENCY_RE.sub("", cell)
    body = TRAILING_DASH_RE.sub("", body).strip()
    body, broken = _join_broken(body)
    if not NUMBER_BODY_RE.match(body):
        return ParsedValue(raw, None, "Rp", "non_numeric")
    try:
        value, flag = parse_grouped_number(body)
    except ValueError:
        return ParsedValue(raw, None, "Rp", "non_numeric")
    return ParsedValue(raw, value, "Rp", flag or ("broken_number" if broken else None))


@lru_cache(maxsize=1 << 14)  # pure: a cell is read by several stages
def grouping_separator(text: str) -> str | None:
    """The thousands separator a money cell uses (`164,017,533` -> `,`, `6.942.171.920` -> `.`,
    `121,520,239.00` -> `,`), None when it has none or cannot tell."""
    body = TRAILING_DASH_RE.sub("", CURRENCY_RE.sub("", clean_cell(text))).strip()
    seps = SEPARATOR_RE.findall(body)
    if not seps or not NUMBER_BODY_RE.match(body.replace(" ", "")):
        return None
    if len(set(seps)) == 2 or len(seps) >= 2:
        return seps[0]
    return seps[0] if THOUSANDS_END_RE.search(body) else None


@lru_cache(maxsize=4096)  # a pure function of the cell: indicator columns repeat a few hundred cells
def parse_indicator(text: str, decimal_hint: str | None = None) -> ParsedValue:
    """Parse an indicator cell with its unit: `1 Thn`, `100%`, `83.33%`, `98,12`, `- keluarga`."""
    raw = text
    cell = clean_cell(text)
    if not cell:
        return ParsedValue(raw, None, flag="empty")
    marker = _marker(cell)
    if marker is not None:
        return marker
    dash_unit = re.match(r"^[-–—]\s+(?P<unit>\D.*)$", cell)
    if dash_unit:
        return ParsedValue(raw, None, dash_unit["unit"].strip(), "dash")
    cell, broken = _join_broken_keep_unit(cell)
    m = LEADING_NUMBER_RE.match(cell)
    if not m or not NUMBER_BODY_RE.match(m["num"]):
        return ParsedValue(raw, None, None, "non_numeric")
    try:
        value, flag = parse_grouped_number(m["num"], decimal_hint)
    except ValueError:
        return ParsedValue(raw, None, None, "non_numeric")
    unit = m["unit"].strip() or None
    return ParsedValue(raw, value, unit, flag or ("broken_number" if broken else None))


def _join_broken_keep_unit(cell: str) -> tuple[str, bool]:
    """Join `83, 55` but keep the space in `1 Thn` and `10 unsur`."""
    joined = BROKEN_SEPARATOR_RE.sub(_glue, cell)
    return joined, joined != cell


def infer_decimal_separator(cells: list[str]) -> str | None:
    """Decide a column's decimal separator from its unambiguous cells.

    `98,12` votes for `,`; `98.12` for `.`; `3.552.000` (repeated dots) votes for `,`
    (dots are thousands there) and `1,916,486` for `.`.  Returns None when the column has no
    evidence or the evidence is split.
    """
    votes: Counter[str] = Counter()
    for cell in cells:
        m = LEADING_NUMBER_RE.match(clean_cell(cell))
        if not m:
            continue
        groups, seps = _split_groups(m["num"])
        if not seps:
            continue
        if len(set(seps)) == 2:
            votes[seps[-1]] += 1
        elif len(seps) > 1:
            votes["," if seps[0] == "." else "."] += 1
        elif len(groups[-1]) in (1, 2):
            votes[seps[0]] += 1
    if not votes:
        return None
    (best, n), *rest = votes.most_common()
    if rest and rest[0][1] == n:
        return None
    return best
