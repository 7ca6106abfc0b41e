"""Stage 1: find the table blocks of a report, by their structure.

A table is a run of tab-separated lines.  Converters and writers wrap it in many ways, and
none of them decides whether it is a table:

- its label may be `Tabel 2.1`, `Tabel 2. 1`, `Tabel II.1`, `TABEL III.2.1`, `Tabel 2-1`,
  `Table 2.1:`, `**Tabel 3.1**`, `TABEL 6.1 TC-27`, `T-C.24`/`TC-24`, `Lampiran ... (IKU)`,
  above the table or below it, or missing (then the table is named by its caption, the short
  heading lines above it, or by its first header cells and its line);
- page breaks put furniture inside it: page numbers (`12`, `- 12 -`, `Halaman 12 dari 40`),
  running footers and titles (`Renja Kecamatan Petir Tahun 2024 | Halaman 12`, `12 | Renja ...`,
  the document's title repeated on every page), markdown rule lines (`-- | -- | --`).  The table
  goes on across them; they are recorded as furniture and never read as rows.
- repeated header rows and column-number rows stay in the block: the header stage knows them.

`find_tables` returns every block, tables and non-tables alike (a table of contents, a
two-line formula), so that later stages can account for every number in the report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lumbung.extract.cells import SourceLine, cell_kind, clean_cell, split_cells

MAX_CAPTION_LINES = 8
MAX_CAPTION_CHARS = 300
MAX_LABEL_CHARS = 200
MAX_HEADING = 80
MAX_GAP_BELOW = 2  # non-blank lines (a `Sumber :` note) between a table and a label written under it
BELOW_CAPTION_LINES = 3  # caption lines after a label written under its table
DOT_LEADER_RE = re.compile(r"\.{4,}")  # `Tabel 2.1 Pegawai .....<tab>13`: a table of contents
MARKUP_PREFIX_RE = re.compile(r"^[\s*#_>]+")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
ROMAN = r"[IVXL]{1,6}(?![A-Za-z])"
NUMBER_PART = rf"(?:\d+|{ROMAN}|[a-z](?![a-z]))"
TABLE_WORD_RE = re.compile(
    rf"^(?:tabel|table|tbl)\b\.?\s*:?\s*(?P<num>(?:\d+|{ROMAN})(?:\s*[.\-–]\s*{NUMBER_PART})*)\.?(?P<rest>.*)$", re.I)
BARE_TABLE_WORD_RE = re.compile(r"^(?:tabel|table)\b\.?\s*:?\s*(?P<rest>.*)$", re.I)
FORM_RE = re.compile(r"\bT\s*[-.]?\s*C\s*[-.]?\s*(?P<num>\d{2})\b", re.I)  # Renstra forms T-C.23 ... T-C.28
LAMPIRAN_RE = re.compile(r"^lampiran\b\s*(?P<num>[IVX]{1,4}(?![A-Za-z])|\d{1,2}\b)?\s*[:.]?\s*(?P<rest>.*)$", re.I)
ACRONYM_RE = re.compile(r"\((?P<acr>[A-Z]{2,})\)")

PAGE_NUMBER_RE = re.compile(
    r"^[-–—(\[]?\s*(?:(?:hal(?:aman)?|hlm|page)\.?\s*)?(?:\d{1,4}|[ivxlc]{1,6})\s*(?:(?:dari|of|/)\s*\d{1,4})?\s*[-–—)\]]?$",
    re.I)
PAGE_WORD_RE = re.compile(r"\b(?:halaman|hal\.|hlm\.?|page)\s*\d{1,4}\b", re.I)
NUMBER_BESIDE_TEXT_RE = re.compile(r"^(?:\d{1,4}\s*\|\s*(?P<after>\D.*)|(?P<before>.*\D)\s*\|\s*\d{1,4})$")
RULE_CELL_RE = re.compile(r"^[-=_:|\s]{2,}$")
MAX_FURNITURE_CHARS = 160
YEAR_IN_TITLE_RE = re.compile(r"\b(?:19|20)\d\d\b")
DOCUMENT_WORDS_RE = re.compile(r"\b(?:renja|renstra|lkjip|lakip|lkip|rencana kerja|rencana strategis|laporan kinerja)\b", re.I)
RUNNING_TITLE_REPEATS = 3


@dataclass(frozen=True)
class Furniture:
    """A line inside a table that belongs to the page, not to the table."""

    line: int
    text: str
    kind: str  # page_number, page_footer, running_title, rule


@dataclass
class Table:
    """A block of tab-separated lines: its label, caption, lines and the furniture skipped in it."""

    label: str
    label_line: int
    caption: str
    lines: list[SourceLine] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    label_as_written: str = ""
    named_by: str = "label"  # label, caption, header
    kind: str = "table"  # table, table_of_contents, too_short


def roman_to_int(text: str) -> int | None:
    text = text.upper()
    if not text or any(ch not in ROMAN_VALUES for ch in text):
        return None
    total = 0
    for ch, nxt in zip(text, [*text[1:], ""]):
        value = ROMAN_VALUES[ch]
        total += -value if nxt and ROMAN_VALUES[nxt] > value else value
    return total


def _number(parts_text: str) -> str:
    """`2. 1` -> `2.1`, `II.1` -> `2.1`, `2-1` -> `2.1`, `III.2.1` -> `3.2.1`."""
    parts = [p for p in re.split(r"\s*[.\-–]\s*", parts_text.strip()) if p]
    out = []
    for part in parts:
        value = roman_to_int(part) if not part.isdigit() and part.isupper() else None
        out.append(str(value) if value is not None else part)
    return ".".join(out)


@dataclass(frozen=True)
class Label:
    label: str
    rest: str  # the caption written on the label's own line


def parse_label(text: str) -> Label | None:
    """The normalised label of a label line and the words after it, or None.

    `Tabel II.1 Rekapitulasi` -> (`Tabel 2.1`, `Rekapitulasi`); `TABEL 6.1 TC-27` -> `TC-27`;
    `Tabel 2.3.2` -> `Tabel 2.3.2`; `**Lampiran : Indikator Kinerja Utama (IKU)**` -> `Lampiran IKU`.
    """
    line = MARKUP_PREFIX_RE.sub("", clean_cell(text)).strip("*_ ")
    if not line or len(line) > MAX_LABEL_CHARS:
        return None
    form = FORM_RE.search(line)
    table = TABLE_WORD_RE.match(line)
    if table:
        rest = table["rest"].strip(" :.–-")
        if form:
            return Label(f"TC-{form['num']}", FORM_RE.sub("", rest).strip(" :.–-"))
        if re.match(r"^[a-z]", rest) and len(rest) > 60:  # `Tabel 2.1 di atas menunjukkan ...`: a sentence
            return None
        return Label("Tabel " + _number(table["num"]), rest)
    if form and (form.start() == 0 or BARE_TABLE_WORD_RE.match(line)):
        return Label(f"TC-{form['num']}", line[form.end():].strip(" :.–-"))
    lampiran = LAMPIRAN_RE.match(line)
    if lampiran:
        acr = ACRONYM_RE.findall(lampiran["rest"])
        if acr:
            return Label(f"Lampiran {acr[-1]}", lampiran["rest"])
        if lampiran["num"]:
            return Label("Lampiran " + _number(lampiran["num"]), lampiran["rest"])
    return None


def _label_of_tab_line(line: str) -> Label | None:
    """A label the converter put in a cell (`Tabel 2.1<tab>Rekapitulasi ...`): at most two cells."""
    cells = [c for c in split_cells(line) if c]
    if not cells or len(cells) > 2 or DOT_LEADER_RE.search(line):
        return None
    found = parse_label(cells[0])
    return Label(found.label, " ".join([found.rest, *cells[1:]]).strip()) if found else None


def line_label(line: str) -> Label | None:
    return _label_of_tab_line(line) if "\t" in line else parse_label(line)


def _normalised(text: str) -> str:
    return re.sub(r"[\d\s|]+", " ", clean_cell(text).lower()).strip()


def running_titles(lines: list[str]) -> frozenset[str]:
    """Short lines written at least three times (digits aside): running titles of the pages."""
    counts = Counter(_normalised(t) for t in lines
                     if t.strip() and "\t" not in t and len(t) <= MAX_FURNITURE_CHARS and parse_label(t) is None)
    return frozenset(t for t, n in counts.items() if n >= RUNNING_TITLE_REPEATS and (
        len(re.findall(r"[a-z]{3,}", t)) >= 2 or DOCUMENT_WORDS_RE.fullmatch(t)))


def furniture_kind(text: str, titles: frozenset[str] = frozenset()) -> str | None:
    """What page furniture a line is (`page_number`, `page_footer`, `running_title`, `rule`), or None.

    A line of cells is furniture only when it says so itself (`Halaman 12`, a rule of dashes, a
    page number beside the document's title at the margin): a lone number on a tab-separated
    line is a wrapped table cell, and `005 | Pelaksanaan ... kecamatan` is a row."""
    cells = split_cells(text)
    filled = [c for c in cells if c]
    if not filled or DOT_LEADER_RE.search(text):
        return None
    if len(filled) >= 2 and all(RULE_CELL_RE.match(c) for c in filled) or (
            len(filled) == 1 and re.fullmatch(r"[-=_|\s]{3,}", filled[0])):
        return "rule"
    tabbed = "\t" in text
    if tabbed and len(filled) > 3:
        return None  # a table row: furniture written in cells has at most three (see below)
    joined = " | ".join(filled)
    if len(joined) > MAX_FURNITURE_CHARS:
        return None
    if not tabbed and PAGE_NUMBER_RE.match(joined):
        return "page_number"
    if PAGE_WORD_RE.search(joined) and len(filled) <= 3:
        return "page_footer"
    beside = NUMBER_BESIDE_TEXT_RE.match(joined)
    at_margin = not tabbed or (len(filled) == 2 and bool(cells[0]))
    if beside and len(filled) <= 2 and at_margin:
        words = (beside["after"] or beside["before"] or "").strip()
        if _normalised(words) in titles or (DOCUMENT_WORDS_RE.search(words) and (
                not tabbed or YEAR_IN_TITLE_RE.search(words) or re.search(r"\bkec(?:amatan|\.)", words, re.I))):
            return "page_footer"
    if not tabbed and _normalised(joined) in titles:
        return "running_title"
    return None


@dataclass
class _Run:
    lines: list[SourceLine]
    furniture: list[Furniture]
    start: int  # 0-based index of the first tab line
    end: int  # 0-based index after the last tab line


def _runs(lines: list[str], titles: frozenset[str]) -> list[_Run]:
    """Runs of tab-separated lines; blank lines and page furniture between them do not end a run."""
    runs: list[_Run] = []
    i, n = 0, len(lines)
    while i < n:
        if "\t" not in lines[i] or line_label(lines[i]) is not None:
            i += 1
            continue
        run = _Run([], [], i, i)
        j = i
        while j < n:
            text = lines[j]
            if not text.strip():
                j += 1
                continue
            kind = furniture_kind(text, titles)
            if kind is not None:
                run.furniture.append(Furniture(j + 1, text, kind))
                j += 1
                continue
            if "\t" not in text and run.lines and _page_title_inside(lines, j, run):
                run.furniture.append(Furniture(j + 1, text, "running_title"))
                j += 1
                continue
            if "\t" not in text or line_label(text) is not None:
                break
            run.lines.append(SourceLine(j + 1, text))
            run.end = j + 1
            j += 1
        # furniture after the last row belongs to the page, not to this table
        run.furniture = [f for f in run.furniture if f.line <= run.end]
        if run.lines:
            runs.append(run)
        i = max(run.end, i + 1)
    return runs


TITLE_MAX_CHARS = 120


def _page_title_inside(lines: list[str], j: int, run: _Run) -> bool:
    """A document title printed at a page break inside a table (`Rencana Kerja Kecamatan Petir
    Tahun 2024`), even when it is not repeated often enough to be a known running title: a
    short line naming the document and a year, after which the same table goes on (its header
    or column numbers repeated, or a row with numbers), not a new header."""
    text = clean_cell(lines[j])
    if (len(text) > TITLE_MAX_CHARS or text.endswith((".", ":")) or not DOCUMENT_WORDS_RE.search(text)
            or not re.search(r"\b(?:19|20)\d\d\b", text) or line_label(text) is not None):
        return False
    k = j + 1
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines) or "\t" not in lines[k]:
        return False
    following = SourceLine(k + 1, lines[k])
    own_header = {_header_signature(line) for line in run.lines[:3]}
    if _header_signature(following) in own_header or _is_numbering(following.cells):
        return True
    return any(cell_kind(c) in ("money", "number", "code") for c in following.cells)


def _is_numbering(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?(?:\s*=.*)?", c) for c in filled)


@dataclass(frozen=True)
class _Candidate:
    label: Label
    line: int  # 0-based index of the label line
    caption: list[str]


def _text_lines(lines: list[str], indexes: range, titles: frozenset[str], limit: int | None = None) -> list[int]:
    """The indexes of the non-blank lines that are not page furniture, in order: the first
    `limit` of them (the last `limit` for a descending range, still returned in order)."""
    out = []
    for k in indexes:
        if lines[k].strip() and furniture_kind(lines[k], titles) is None:
            out.append(k)
            if len(out) == limit:
                break
    return sorted(out) if indexes.step < 0 else out


def _above(lines: list[str], run: _Run, floor: int, titles: frozenset[str]) -> _Candidate | None:
    """A label above the run with only caption lines between them."""
    # a caption is at most MAX_CAPTION_LINES lines under its label: the text lines further up
    # (pages of prose between two tables) cannot hold this table's label
    texts = _text_lines(lines, range(run.start - 1, floor - 1, -1), titles, MAX_CAPTION_LINES + 1)
    for pos in range(len(texts) - 1, max(-1, len(texts) - 2 - MAX_CAPTION_LINES), -1):
        k = texts[pos]
        label = line_label(lines[k])
        if label is not None:
            caption = [clean_cell(lines[c]) for c in texts[pos + 1:]]
            if all(len(c) <= MAX_CAPTION_CHARS and line_label(lines[t]) is None for c, t in zip(caption, texts[pos + 1:])):
                return _Candidate(label, k, [label.rest, *caption] if label.rest else caption)
            return None
    return None


def _below(lines: list[str], run: _Run, ceiling: int, titles: frozenset[str]) -> _Candidate | None:
    """A label written under the run (after at most a `Sumber :` note), with its caption after it."""
    texts = _text_lines(lines, range(run.end, ceiling), titles, MAX_GAP_BELOW + 1 + BELOW_CAPTION_LINES)
    for pos, k in enumerate(texts[: MAX_GAP_BELOW + 1]):
        label = line_label(lines[k])
        if label is None:
            continue
        caption: list[tuple[int, str]] = []
        for c in texts[pos + 1: pos + 1 + BELOW_CAPTION_LINES]:
            text = clean_cell(lines[c])
            second = line_label(lines[c])
            if second is not None and second.label.startswith("TC-") and not label.label.startswith("TC-"):
                label, k = second, c  # `Tabel 2.3.2` then `TABEL T-C.24`: the form's label
                continue
            if second is not None or len(text) > MAX_HEADING * 2 or text.endswith((".", ":")):
                break
            if c > (caption[-1][0] if caption else k) + 2:  # more than a blank line ends the caption
                break
            caption.append((c, text))
        words = [label.rest] if label.rest else []
        return _Candidate(label, k, words + [t for _, t in caption])
    return None


PERSONAL_RE = re.compile(r"\bNIP\b|\d{8}\s?\d{6}\s?\d\s?\d{3}")  # a signature block is never a caption
NOTE_RE = re.compile(r"^(?:sumber|source|keterangan|ket\.|catatan)\b", re.I)


def _heading(lines: list[str], run: _Run, floor: int, titles: frozenset[str]) -> tuple[list[str], int | None]:
    """The short heading lines right above an unlabelled run (`**B. REALISASI ANGGARAN**`, a
    caption in capitals), top first; a sentence, a paragraph or the note under the previous
    table (`Sumber : ...`) is not a heading, and more than one blank line ends it."""
    texts = _text_lines(lines, range(max(floor, run.start - 12), run.start), titles)
    out: list[int] = []
    for k in reversed(texts):
        text = clean_cell(lines[k]).strip("#*_ ")
        if len(out) >= 3 or len(text) > MAX_CAPTION_CHARS // 2 or text.endswith(".") or (out and out[-1] - k > 1):
            break  # the caption is one group of lines: a blank line above it ends it
        if NOTE_RE.match(text) or PERSONAL_RE.search(text) or (out and text.endswith(":")):
            break
        out.append(k)
        if text.endswith(":"):
            break
    out.reverse()
    return [clean_cell(lines[k]).strip("#*_ :") for k in out], (out[0] + 1 if out else None)


def _short_name(text: str) -> str:
    """A caption cut at a word to at most `MAX_HEADING` characters."""
    if len(text) <= MAX_HEADING:
        return text
    return text[: MAX_HEADING].rsplit(" ", 1)[0] + " …"


def _name_from_header(run: _Run) -> str:
    cells = [c for c in run.lines[0].cells if c][:3]
    return " / ".join(cells)[:MAX_HEADING] or f"line {run.lines[0].number}"


CONTENTS_RE = re.compile(r"^(?:daftar\s+(?:isi|tabel|gambar|grafik|lampiran)|table of contents|contents)\b", re.I)


def _kind(run: _Run) -> str:
    leaders = sum(1 for r in run.lines if DOT_LEADER_RE.search(r.text))
    if leaders * 2 >= len(run.lines):
        return "table_of_contents"
    if len(run.lines) < 2:
        return "too_short"
    return "table"


def find_tables(lines: list[str]) -> list[Table]:
    """Every block of a document (`lines` without line endings, index 0 = line 1), in order."""
    runs = _runs(lines, running_titles(lines))
    # a repeated line counts as a running title around captions only where it was one inside a table
    titles = frozenset(_normalised(f.text) for r in runs for f in r.furniture if f.kind == "running_title")
    floors = [0, *[r.end for r in runs[:-1]]]
    ceilings = [*[r.start for r in runs[1:]], len(lines)]
    above = [_above(lines, r, f, titles) for r, f in zip(runs, floors)]
    below = [_below(lines, r, c, titles) for r, c in zip(runs, ceilings)]
    below_families = _families_written_below(above, below)
    taken: set[int] = set()
    tables: list[Table] = []
    for n, run in enumerate(runs):
        family = _family((below[n] or above[n]).label.label) if (below[n] or above[n]) else ""
        labels_below = family in below_families
        first, second = (below[n], above[n]) if labels_below else (above[n], below[n])
        chosen = first if first is not None and first.line not in taken else None
        if chosen is None and second is not None and second.line not in taken:
            nearby = above[n + 1] if not labels_below and n + 1 < len(runs) else (below[n - 1] if labels_below and n else None)
            if nearby is None or nearby.line != second.line:
                chosen = second
        table = Table(label="", label_line=0, caption="", lines=run.lines, furniture=run.furniture, kind=_kind(run))
        if chosen is not None:
            taken.add(chosen.line)
            table.label, table.label_line = chosen.label.label, chosen.line + 1
            table.label_as_written = clean_cell(lines[chosen.line])
            table.caption = " ".join(c for c in chosen.caption if c)
            if not chosen.caption:
                heading, _at = _heading(lines, run, floors[n], titles)
                table.caption = " ".join(heading)
        else:
            heading, at = _heading(lines, run, floors[n], titles)
            table.caption = " ".join(heading)
            if heading:
                table.label, table.label_line, table.named_by = _short_name(heading[0]), at or run.lines[0].number, "caption"
            else:
                table.label, table.label_line, table.named_by = _name_from_header(run), run.lines[0].number, "header"
        if table.kind == "table" and table.named_by == "caption" and CONTENTS_RE.match(table.label):
            table.kind = "table_of_contents"  # `DAFTAR ISI` over `BAB I | PENDAHULUAN | 1`
        tables.append(table)
    _unique_labels(tables)
    return [part for table in tables for part in split_parts(table)]


def _family(label: str) -> str:
    return label.split(" ")[0].split("-")[0]  # Tabel, TC, Lampiran


def _families_written_below(above: list[_Candidate | None], below: list[_Candidate | None]) -> set[str]:
    """Label families (`Tabel`, `TC`, `Lampiran`) this document writes under its tables: a label
    between two tables could belong to either, so the labels that can only belong to one side
    (the first table's, the last table's) decide, family by family."""
    above_lines = {c.line: _family(c.label.label) for c in above if c}
    below_lines = {c.line: _family(c.label.label) for c in below if c}
    only_above = Counter(f for line, f in above_lines.items() if line not in below_lines)
    only_below = Counter(f for line, f in below_lines.items() if line not in above_lines)
    return {f for f in only_below if only_below[f] > only_above[f]}


def _unique_labels(tables: list[Table]) -> None:
    """Two blocks with the same name (two untitled tables with the same first header) get their line."""
    counts = Counter(t.label for t in tables)
    for t in tables:
        if counts[t.label] > 1 and t.named_by != "label":
            t.label = f"{t.label} (line {t.lines[0].number})"


HEADER_START_RE = re.compile(r"^(no\.?|nomor)$", re.IGNORECASE)


def _header_signature(line: SourceLine) -> tuple[str, ...]:
    """A header line without case and spaces: `Targ et NSP K` on one page is `Target NSPK` on the next."""
    return tuple("".join(c.lower().split()) for c in line.cells if c)


HEADER_WORD_RE = re.compile(
    r"^(?:no\.?|nomor|kode|uraian|indikator|target|realisasi|anggaran|satuan|tahun|program|kegiatan|sasaran|"
    r"tujuan|capaian|rasio|pagu|lokasi|ket\.?|keterangan|formulasi|kondisi|sumber)\b", re.I)


def _is_new_header(line: SourceLine, previous: SourceLine, header: list[tuple[str, ...]]) -> bool:
    """A line that starts another table in the same block: `NO ...` that is not this table's
    header again, or, after a blank line, a line of header words only (`Uraian | Anggaran pada
    Tahun | Realisasi Anggaran pada Tahun`) that is not one of this table's header lines."""
    if not line.cells or _header_signature(line) in header:
        return False
    if HEADER_START_RE.match(line.cells[0]):
        return True
    filled = [c for c in line.cells if c]
    if line.number - previous.number < 2 or len(filled) < 3 or any(any(ch.isdigit() for ch in c) for c in filled):
        return False
    return sum(1 for c in filled if HEADER_WORD_RE.match(c)) >= 0.6 * len(filled)


def split_parts(table: Table) -> list[Table]:
    """One tab block can hold two tables one after the other (Seririt `Tabel 3.2`: 2020-2022,
    then 2023 with other columns; two tables whose captions are missing).  A line that starts a
    new header (`_is_new_header`) starts a new part, labelled `<label> (2)`."""
    if table.kind != "table":
        return [table]
    first = [_header_signature(line) for line in table.lines[:3]]
    starts = [0] + [
        k for k, line in enumerate(table.lines)
        if k > 0 and _is_new_header(line, table.lines[k - 1], first)
    ]
    if len(starts) == 1:
        return [table]
    parts = []
    for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(table.lines)]), start=1):
        label = table.label if n == 1 else f"{table.label} ({n})"
        lo, hi = table.lines[a].number, table.lines[b - 1].number
        parts.append(Table(label, table.label_line, table.caption, table.lines[a:b],
                           [f for f in table.furniture if lo <= f.line <= hi], table.label_as_written, table.named_by))
    return parts
