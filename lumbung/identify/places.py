"""Where in a report a line stands, and how much a name written there counts.

A report names itself on its title page, in its headings, its letterhead, its running titles
and its signature block (`Camat Petir,`); its body mentions other places too (a neighbour, a
copy-paste slip such as the Seririt LKjIP's "LKjIP Kecamatan Denpasar Selatan tahun 2022"), its
tables hold whatever the converter broke, and addresses, e-mails, URLs and letter numbers
(`800/072/Kec.Serang/IX/2021`) name a place without saying whose report this is.

| place | weight | what |
|---|---|---|
| `title` | 10 | the lines before the body starts (KATA PENGANTAR, DAFTAR ISI, BAB I, a paragraph) |
| `signature` | 8 | `Camat Petir,` |
| `heading` | 4 | markdown headings, bold lines, short lines in capitals |
| `running_title` | 4 | a short line repeated on three or more pages |
| `body` | 1 | running text |
| `table` | 0 | a tab-separated line: listed as evidence, never decides |
| `address` | 0 | a street address, telephone, e-mail, URL: listed, never decides |
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lumbung.extract.cells import clean_cell

WEIGHTS = {"title": 10, "signature": 8, "heading": 4, "running_title": 4, "body": 1, "table": 0, "address": 0}
MAX_TITLE_LINES = 40
BODY_START_RE = re.compile(
    r"^\W*(?:kata\s+pengantar|daftar\s+isi|bab\s+(?:[1-9]|[ivx]+)\b|pendahuluan\b|ringkasan\s+eksekutif|menimbang\b)",
    re.I)
PARAGRAPH_CHARS = 150
ADDRESS_RE = re.compile(
    r"\b(?:jl|jln|jalan|telp|telepon|tlp|fax|faks|kode\s*pos|e-?mail|website|laman)\b\.?|@|https?://|www\.|\.go\.id\b",
    re.I)
# a word every spelling ADDRESS_RE reads contains: most lines are no address, and substring
# tests are cheaper than the regex (tests/test_detect.py keeps the two in step)
ADDRESS_WORDS = ("jl", "jalan", "telp", "telepon", "tlp", "fax", "faks", "kode", "mail", "website", "laman", "@",
                 "http", "www.", ".go.id")
SIGNATURE_RE = re.compile(r"^\W*(?:a\.?\s?n\.?\s+|plt\.?\s+|plh\.?\s+)?camat\s+\S.{0,60}$", re.I)
BOLD_LINE_RE = re.compile(r"\s*(\*\*|<b>).+(\*\*|</b>)\s*")  # a line written in bold
HEADING_MARK_RE = re.compile(r"^#+\s*")  # a markdown heading's hashes; inline markup is clean_cell's


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # without markup
    place: str

    @property
    def weight(self) -> int:
        return WEIGHTS[self.place]


def clean(text: str) -> str:
    """The line without heading hashes, inline markup (`<b>`, `**`) and extra spaces."""
    return clean_cell(HEADING_MARK_RE.sub("", text, count=1) if text.startswith("#") else text)


def _is_heading(raw: str, text: str) -> bool:
    if raw.lstrip().startswith("#") or BOLD_LINE_RE.fullmatch(raw):
        return True
    if not 0 < len(text) <= 120:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `words` (lower case): a regex whose every spelling contains
    one of them cannot match otherwise, and most lines of a report hold none."""
    return any(map(text.lower().__contains__, words))


def _is_address(text: str) -> bool:
    return may_hold(text, ADDRESS_WORDS) and ADDRESS_RE.search(text) is not None


def title_end(lines: list[str]) -> int:
    """0-based index of the first line after the title page."""
    seen = 0
    for i, raw in enumerate(lines):
        text = clean(raw)
        if not text:
            continue
        seen += 1
        if seen > MAX_TITLE_LINES or BODY_START_RE.match(text) or (len(text) > PARAGRAPH_CHARS and "\t" not in raw):
            return i
    return len(lines)


def places(lines: list[str]) -> list[Line]:
    """Every non-blank line with its place (see the module docstring)."""
    end = title_end(lines)
    texts = [clean(raw) for raw in lines]
    repeated = Counter(text.lower() for raw, text in zip(lines, texts) if raw.strip() and "\t" not in raw and len(raw) <= 120)
    out = []
    for i, (raw, text) in enumerate(zip(lines, texts)):
        if not text:
            continue
        if "\t" in raw:
            place = "table"
        elif _is_address(text):
            place = "address"
        elif i < end:
            place = "title"
        elif SIGNATURE_RE.match(text):
            place = "signature"
        elif repeated[text.lower()] >= 3 and len(text) <= 120:
            place = "running_title"
        elif _is_heading(raw, text):
            place = "heading"
        else:
            place = "body"
        out.append(Line(i + 1, text, place))
    return out
