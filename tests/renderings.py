"""Other renderings of the same report, as other kecamatan and other converters write it.

Each transform takes a report's lines and returns the rewritten lines and a map from the old
line numbers of table rows (tab-separated lines) to their new numbers, so a test can ask
whether the same facts come out of both.  The transforms know nothing of the four reports:
they find label lines, captions and tab runs by their shape, like a converter would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

LABEL_LINE_RE = re.compile(
    r"^(?P<pre>[\s*#_>]*)(?P<word>tabel|table)(?P<dot>\.?\s*)(?P<num>\d+(?:\s*\.\s*\d+)*)(?P<rest>.*)$", re.I)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


@dataclass
class Rendering:
    lines: list[str]
    line_map: dict[int, int]  # old 1-based line of a tab-separated line -> new line


def _runs(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) 0-based indexes of each run of tab-separated lines (blank lines inside)."""
    out, i = [], 0
    while i < len(lines):
        if "\t" not in lines[i]:
            i += 1
            continue
        start = last = i
        while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
            if "\t" in lines[i]:
                last = i
            i += 1
        out.append((start, last))
    return out


def _rebuild(lines: list[str], edits: dict[int, list[str]], deleted: set[int] = frozenset(),
             original: list[str] | None = None) -> Rendering:
    """`edits[i]`: lines inserted before old index i (i == len(lines): at the end); `original`:
    the lines before a rewrite of `lines`, whose table lines the map follows."""
    original = original or lines
    new: list[str] = []
    line_map: dict[int, int] = {}
    for i in range(len(lines) + 1):
        new.extend(edits.get(i, []))
        if i < len(lines) and i not in deleted:
            new.append(lines[i])
            if "\t" in original[i]:
                line_map[i + 1] = len(new)
    return Rendering(new, line_map)


def _label_lines(lines: list[str]) -> list[int]:
    return [i for i, text in enumerate(lines) if "\t" not in text and LABEL_LINE_RE.match(text) and len(text) < 120]


def roman_labels(lines: list[str]) -> Rendering:
    """`Tabel 2.1` -> `Tabel II.1`, `TABEL 6.1 TC-27` -> `TABEL VI.1 TC-27`, every other one in capitals."""
    out = list(lines)
    for n, i in enumerate(_label_lines(lines)):
        m = LABEL_LINE_RE.match(lines[i])
        parts = re.split(r"\s*\.\s*", m["num"])
        num = ".".join([ROMAN.get(int(parts[0]), parts[0]), *parts[1:]])
        word = m["word"].upper() if n % 2 else m["word"]
        out[i] = f"{m['pre']}{word} {num}{m['rest']}"
    return _rebuild(out, {})


SPELLINGS: list[Callable[[str, str], str]] = [
    lambda num, rest: f"Tabel {num.replace('.', '-')}{rest}",
    lambda num, rest: f"**TABEL {num}.**{rest}",
    lambda num, rest: f"Table {num}:{rest}",
    lambda num, rest: f"### Tabel {num}{rest}",
    lambda num, rest: f"Tabel. {num}{rest}",
]


def label_spellings(lines: list[str]) -> Rendering:
    """Each table label written another usual way: `Tabel 2-1`, `**TABEL 2.1.**`, `Table 2.1:`, ..."""
    out = list(lines)
    for n, i in enumerate(_label_lines(lines)):
        m = LABEL_LINE_RE.match(lines[i])
        num = re.sub(r"\s+", "", m["num"])
        rest = m["rest"].replace("T-C.", "TC-").replace("T-C", "TC-")
        out[i] = SPELLINGS[n % len(SPELLINGS)](num, rest.rstrip("*"))
    return _rebuild(out, {})


def _caption_block(lines: list[str], label: int, run_start: int) -> bool:
    """True when only short lines (a caption) sit between a label line and the run below it."""
    between = [t for t in lines[label + 1: run_start] if t.strip()]
    return len(between) <= 4 and all(len(t) < 160 and "\t" not in t for t in between)


def _labelled_runs(lines: list[str]) -> list[tuple[int, int, int]]:
    """(label index, run first, run last) for each label line directly followed by a caption and a run."""
    runs = _runs(lines)
    out = []
    for label in _label_lines(lines):
        after = [r for r in runs if r[0] > label]
        if after and _caption_block(lines, label, after[0][0]):
            out.append((label, *after[0]))
    return out


def no_labels(lines: list[str]) -> Rendering:
    """The label line removed: only the caption stays above the table (or nothing, where the
    label was the only heading)."""
    deleted = {label for label, _first, _last in _labelled_runs(lines)}
    return _rebuild(lines, {}, deleted)


def no_labels_or_captions(lines: list[str]) -> Rendering:
    """Label and caption both removed: the table stands alone under the running text."""
    deleted: set[int] = set()
    for label, first, _last in _labelled_runs(lines):
        deleted.update(range(label, first))
    return _rebuild(lines, {}, deleted)


def labels_below(lines: list[str]) -> Rendering:
    """Label and caption written under the table instead of above it."""
    edits: dict[int, list[str]] = {}
    deleted: set[int] = set()
    for label, first, last in _labelled_runs(lines):
        block = [t for t in lines[label:first] if t.strip()]
        deleted.update(range(label, first))
        edits.setdefault(last + 1, []).extend(["", *block, ""])
    return _rebuild(lines, edits, deleted)


def _title(lines: list[str]) -> str:
    """The report's title as a running header would print it: its first few title lines."""
    words = [t.strip("#* ") for t in lines[:40] if t.strip() and "\t" not in t and len(t) < 60][:3]
    return " ".join(words)[:90] or "Laporan"


FOOTERS: list[Callable[[str, int], list[str]]] = [
    lambda title, page: ["", f"{title} | Halaman {page}", ""],
    lambda title, page: ["", f"- {page} -", ""],
    lambda title, page: [f"{page} | {title}"],
    lambda title, page: ["", f"Halaman {page} dari 120", "", title],
    lambda title, page: [f"{title}\tHalaman {page}"],
    lambda title, page: ["", str(page), ""],
]


def page_furniture(lines: list[str], every: int = 12, repeat_header: bool = False) -> Rendering:
    """A page break every `every` rows of a table: a running footer or page number (several
    usual forms) and, where the table has one, its column-number row repeated on the new page
    (with `repeat_header`, the whole header above it too)."""
    title = _title(lines)
    edits: dict[int, list[str]] = {}
    page = 3
    for n, (first, last) in enumerate(_runs(lines)):
        rows = [i for i in range(first, last + 1) if "\t" in lines[i]]
        at = next((k for k, i in enumerate(rows[:8]) if _is_numbering(lines[i])), None)
        if repeat_header:  # the header lines (up to the column numbers, or the first line)
            repeated = [lines[i] for i in rows[: (at if at is not None else 0) + 1]]
        else:
            repeated = [lines[rows[at]]] if at is not None else []
        for k in range(every, len(rows), every):
            page += 1
            block = FOOTERS[(n + k // every) % len(FOOTERS)](title, page)
            edits[rows[k]] = block + repeated
    return _rebuild(lines, edits)


def page_title_once(lines: list[str]) -> Rendering:
    """One page break in the middle of each long table, with the document's title printed at
    the top of the new page (no page number) and the table's header repeated."""
    title = f"{_title(lines)} Tahun {_year(lines)}"
    edits: dict[int, list[str]] = {}
    for first, last in _runs(lines):
        rows = [i for i in range(first, last + 1) if "\t" in lines[i]]
        if len(rows) >= 20:
            edits[rows[len(rows) // 2]] = ["", title, "", lines[rows[0]]]
    return _rebuild(lines, edits)


def _year(lines: list[str]) -> str:
    found = re.search(r"\b20\d\d\b", " ".join(lines[:40]))
    return found.group() if found else "2024"


def page_breaks_with_headers(lines: list[str]) -> Rendering:
    """Shorter pages, each with a footer and the table's header and column numbers repeated."""
    return page_furniture(lines, every=7, repeat_header=True)


def markdown_tables(lines: list[str]) -> Rendering:
    """Tables written as markdown (`| NO | Program | Pagu |`), with a `|---|---|` rule under the
    first line of each table, as document converters write them."""
    edits: dict[int, list[str]] = {}
    out = list(lines)
    for first, last in _runs(lines):
        width = 0
        for i in range(first, last + 1):
            if "\t" in lines[i]:
                cells = lines[i].split("\t")
                width = max(width, len(cells))
                out[i] = "| " + " | ".join(cells) + " |"
        edits[first + 1] = ["|" + "---|" * width]
    return _rebuild(out, edits, original=lines)


GROUPED_AMOUNT_RE = re.compile(r"(?<![\d.,])\d{1,3}([.,])\d{3}(?:\1\d{3})+(?!\d)")


def other_amounts(lines: list[str], seed: int = 7) -> Rendering:
    """Another kecamatan's amounts: every grouped amount in a table (`1.250.000`, `59,011,380`)
    gets other digits, written the same way."""
    import random

    rnd = random.Random(seed)

    def redraw(m: re.Match) -> str:
        digits = iter([str(rnd.randint(1, 9))] + [str(rnd.randint(0, 9)) for _ in m.group(0)])
        return "".join(next(digits) if ch.isdigit() else ch for ch in m.group(0))

    return _rebuild([GROUPED_AMOUNT_RE.sub(redraw, t) if "\t" in t else t for t in lines], {})


def compose(*transforms: Callable[[list[str]], Rendering]) -> Callable[[list[str]], Rendering]:
    def run(lines: list[str]) -> Rendering:
        line_map = {n: n for n, text in enumerate(lines, start=1) if "\t" in text}
        for transform in transforms:
            done = transform(lines)
            line_map = {old: done.line_map[new] for old, new in line_map.items() if new in done.line_map}
            lines = done.lines
        return Rendering(lines, line_map)
    return run


def _is_numbering(text: str) -> bool:
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    return len(cells) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?(=.*)?", c) for c in cells)


TRANSFORMS = {
    "roman_labels": roman_labels,
    "label_spellings": label_spellings,
    "no_labels": no_labels,
    "no_labels_or_captions": no_labels_or_captions,
    "labels_below": labels_below,
    "page_furniture": page_furniture,
    "page_breaks_with_headers": page_breaks_with_headers,
    "page_title_once": page_title_once,
    "markdown_tables": markdown_tables,
    "roman_no_labels_furniture": compose(roman_labels, no_labels, page_furniture),
    "spellings_below_headers": compose(label_spellings, labels_below, page_breaks_with_headers),
}
