"""Read a table's header block and give every column its meaning.

A header spans one or more lines (merged cells leave empty cells to the right of a
spanning title), is often followed by a column-number row (`1 2 3 ...`, `8=7/6`) and is
repeated on every PDF page.  Each column gets a role from its header words:

- `code`, `name`, `indicator`, `unit`, `location`, `month` (monthly plans), `text`
  (sasaran, formula, notes),
  `row_number`, or
- `measure`: a number column with its `metric` (`budget` for rupiah, `indicator`), `kind`
  (`target` or `realisation`), `year` and plan `variant`, or
- `derived`: percentages and ratios computed from other columns (recomputed in dbt, not
  loaded as facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from lumbung.extract.cells import SourceLine, cell_kind, clean_cell

YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
NUMBERING_CELL_RE = re.compile(r"^\(?\d{1,2}\)?(?:\s*=\s*[\d\s+\-/x*().]+)?$")
MAX_HEADER_ROWS = 6

VARIANTS = (
    ("rancangan awal", "rancangan_awal"),
    ("hasil analisa", "hasil_analisa"),
    ("hasil analisis", "hasil_analisa"),
    ("perkiraan realisasi", "perkiraan_realisasi"),  # `10=5+7+9`: realised so far, estimated
    ("prakiraan maju", "prakiraan_maju"),
    ("perkiraan maju", "prakiraan_maju"),
    ("akhir periode", "akhir_periode"),
    ("kondisi akhir", "akhir_periode"),
    ("proyeksi", "proyeksi"),
    ("capaian awal", "baseline"),
    ("kondisi awal", "baseline"),
    ("awal periode", "baseline"),  # `Kondisi Kinerja pada awal periode RPD (Tahun 2022)`
    ("standar nasional", "standar_nasional"),
    ("renstra", "renstra"),  # the strategic plan's target beside the annual plan's (Renja)
)
# Standard targets of the Renstra's T-C.23 beside its own per-year targets; PDF breaks split
# their words (`Targ et NSP K`), so they are read without spaces.
SQUASHED_VARIANTS = (
    ("nspk", "standar_nspk"),
    ("ikk", "standar_ikk"),
    ("indikatorlainnya", "standar_lainnya"),
)
STANDARD_VARIANTS = frozenset(v for _words, v in SQUASHED_VARIANTS)
MONEY_WORDS = ("rp", "pagu", "dana", "anggaran", "rupiah", "biaya")
MONEY_WORD_RE = re.compile(r"\b(?:" + "|".join(MONEY_WORDS) + r")\b")  # any of them, as a word
DIGITS_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class Column:
    """The meaning of one column of a table."""

    index: int
    header: str
    role: str
    metric: str | None = None
    kind: str | None = None
    year: int | None = None
    variant: str | None = None
    header_method: str = "as_written"  # form_position: the form's column order decided, not the header words
    group: str = ""  # the outermost header line over the column (a spanning title such as `Tahun`)
    year_stated: bool = False  # the year comes from the column's own header (not the caption or document)


@dataclass(frozen=True)
class Header:
    """A table's header: its columns and the source lines that belong to the header."""

    columns: list[Column]
    header_rows: list[list[str]]
    numbering: list[str] | None
    body_start: int  # index into the table's lines of the first data line

    @cached_property
    def signatures(self) -> frozenset[tuple[str, ...]]:
        """Header and numbering rows, normalised once, to recognise headers repeated on later pages."""
        rows = [tuple(r) for r in self.header_rows]
        if self.numbering is not None:
            rows.append(tuple(self.numbering))
        return frozenset(_normalise_row(r) for r in rows)

    @cached_property
    def signature_starts(self) -> frozenset[str]:
        """The first normalised cell of each signature: most rows differ there already."""
        return frozenset(row[0] if row else "" for row in self.signatures)

    def role_columns(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]


def _normalise_cell(cell: str) -> str:
    """A header cell without spaces inside words (`Targ et` = `Target`), in lower case."""
    return "".join(cell.split()).lower()


def _normalise_row(cells: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A row's cells normalised (`_normalise_cell`), without trailing blanks."""
    norm = [_normalise_cell(c) for c in cells]
    while norm and not norm[-1]:
        norm.pop()
    return tuple(norm)


def refine_metrics(header: Header, cells_by_column: dict[int, list[str]], share: float = 0.6) -> Header:
    """Money columns whose header does not say so (`Target Renja Perangkat Daerah tahun 2020`
    over rupiah figures): a measure column whose readable cells, once the rows are aligned,
    are mostly rupiah amounts (`820.241.344`) is a budget column."""
    columns = list(header.columns)
    for col in columns:
        if not (col.role == "measure" and col.metric == "indicator") and col.role != "derived":
            continue
        kinds = [cell_kind(cell) for cell in cells_by_column.get(col.index, [])]
        readable = [k for k in kinds if k in ("money", "number", "code")]
        if len(readable) < 2 or kinds.count("money") < share * len(readable):
            continue
        if col.role == "measure":
            columns[col.index] = replace(col, metric="budget")
        else:  # rupiah under a `%` header: `REALISASI (%) | Input | Output` (efficiency tables)
            columns[col.index] = replace(col, role="measure", metric="budget", kind=_money_kind(col.header),
                                         year=last_year(col.header))
    return replace(header, columns=_budget_siblings(columns, cells_by_column))


def _sibling_key(col: Column) -> str:
    return re.sub(r"[\d\s]+", "", col.header.lower())


def _budget_siblings(columns: list[Column], cells_by_column: dict[int, list[str]]) -> list[Column]:
    """`Tahun 2020 | Tahun 2021 | Tahun 2023` under `Program`: when the first two hold rupiah, the
    third is money too, even if it holds only one amount among dashes."""
    budget_keys = {_sibling_key(c) for c in columns if c.role == "measure" and c.metric == "budget"}
    out = list(columns)
    for col in columns:
        if col.role != "measure" or col.metric != "indicator" or _sibling_key(col) not in budget_keys:
            continue
        kinds = [cell_kind(cell) for cell in cells_by_column.get(col.index, [])]
        if not any(k in ("number", "code") for k in kinds):
            out[col.index] = replace(col, metric="budget")
    return out


def _money_kind(header: str) -> str:
    """Planned or spent money: `Input` is the money put in, `Output` what was realised."""
    h = header.lower()
    if re.search(r"\boutput\b", h):
        return "realisation"
    if re.search(r"\binput\b", h):
        return "target"
    return _kind_from_levels([header]) or "target"


def is_repeated_header(cells: list[str], header: Header) -> bool:
    first = _normalise_cell(cells[0]) if cells else ""
    if first not in header.signature_starts:  # a quick no (every line of a table is asked)
        return False
    return _normalise_row(cells) in header.signatures


def is_numbering_row(cells: list[str]) -> bool:
    """`1 | 2 | 3 ...`, `(1) | (2) | ...`, `11 | 12 | ... | 26` or `8=7/6`: increasing small column numbers."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or not all(NUMBERING_CELL_RE.match(c) for c in filled):
        return False
    numbers = [int(DIGITS_RE.search(c).group()) for c in filled]
    return all(b > a for a, b in zip(numbers, numbers[1:]))


YEAR_SECTION_RE = re.compile(r"^(?:tahun|thn\.?|ta\.?)?\s*(?:19[89]\d|20[0-4]\d)(?:\s*[-–/]\s*(?:19[89]\d|20[0-4]\d))?$", re.I)


def is_year_section(cells: list[str]) -> bool:
    """`TAHUN 2019` or `2019 - 2020` alone on a row: the start of a section of the body, not a header line."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and len(cells) > 2 and bool(YEAR_SECTION_RE.match(filled[0]))


def section_year(cells: list[str]) -> int | None:
    """The year of a year section row (`TAHUN 2020` -> 2020); None for a period (`2019 - 2020`)."""
    years = YEAR_RE.findall(next(c for c in cells if c))
    return int(years[0]) if len(years) == 1 else None


def _looks_like_data(cells: list[str]) -> bool:
    """A row with a number that is not a year is data, not header; so is a year section row."""
    if is_year_section(cells):
        return True
    for cell in cells:
        token = cell.replace(" ", "")
        if re.fullmatch(r"[\d.,%]+", token) and re.search(r"\d", token) and not YEAR_RE.fullmatch(token):
            return True
    return False


def _spread_merged(rows: list[list[str]], width: int) -> list[list[str]]:
    """Copy a spanning title over the empty cells to its right that have sub-headers below."""
    spread = [r + [""] * (width - len(r)) for r in rows]
    for r in range(len(spread) - 1):
        row = spread[r]
        below = spread[r + 1 :]
        for c in range(width):
            if not row[c]:
                continue
            k = c + 1
            while k < width and not row[k] and any(b[k] for b in below):
                row[k] = row[c]
                k += 1
    return spread


def read_header(lines: list[SourceLine], caption: str = "") -> Header:
    """Find the header block at the top of a table and classify its columns."""
    rows = [line.cells for line in lines]
    numbering_at = next(
        (i for i, cells in enumerate(rows[: MAX_HEADER_ROWS + 1]) if i > 0 and is_numbering_row(cells)),
        None,
    )
    if numbering_at is not None:
        header_rows, numbering, body_start = rows[:numbering_at], rows[numbering_at], numbering_at + 1
    else:
        end = next((i for i, cells in enumerate(rows[:MAX_HEADER_ROWS]) if i > 0 and _looks_like_data(cells)), 1)
        header_rows, numbering, body_start = rows[:end], None, end
    width = max(len(r) for r in rows[: body_start + 1])
    spread = _spread_merged(header_rows, width)
    levels = [list(dict.fromkeys(r[c] for r in spread if c < len(r) and r[c])) for c in range(width)]
    if numbering is not None:  # unnumbered columns belong to the numbered one on their left
        numbering = numbering + [""] * (width - len(numbering))
        for c in range(1, width):
            if not levels[c] and not numbering[c] and levels[c - 1]:
                levels[c] = levels[c - 1]
    caption_year = last_year(caption)
    columns = apply_form_rules([
        classify_column(c, " ".join(levels[c]), numbering[c] if numbering else "", caption_year, levels[c])
        for c in range(width)
    ])
    return Header(columns, header_rows, numbering, body_start)


def last_year(text: str) -> int | None:
    """The last year named in a header or caption; `201 9` and `20 20` (PDF breaks) count."""
    text = re.sub(r"\b(\d{1,3})\s(\d{1,3})\b", lambda m: m[1] + m[2] if len(m[1] + m[2]) == 4 else m[0], text)
    years = YEAR_RE.findall(text)
    return int(years[-1]) if years else None


REALISATION_WORDS = ("realisasi", "capaianawal", "kondisiawal")
TARGET_WORDS = ("target", "rencana", "proyeksi", "pagu", "prakiraan", "perkiraanmaju")


def _kind_from_levels(levels: list[str]) -> str | None:
    """Planned or achieved, read from the most specific header line that says only one of them
    (`Target dan Realisasi ... 2022` above `Target Renja Tahun 2022` is a target)."""
    for part in reversed(levels):
        p = part.lower().replace(" ", "")
        real = any(w in p for w in REALISATION_WORDS)
        target = any(w in p for w in TARGET_WORDS)
        if real != target:
            return "realisation" if real else "target"
    return None


def _year_from_levels(levels: list[str]) -> int | None:
    """The year of the most specific header line that names one."""
    for part in reversed(levels):
        year = last_year(part)
        if year is not None:
            return year
    return None


@dataclass(frozen=True)
class HeaderText:
    """A column's header words, as the role rules read them."""

    text: str  # all header lines of the column, lower case, single spaces
    squashed: str  # without spaces (`Targ et NSP K` -> `targetnspk`)
    last: str  # the most specific header line
    numbering: str  # its cell in the column-number row (`8=7/6`)
    is_measure: bool  # names a year, a target/realisation/capaian, money words or a period state


def _ratio_formula(numbering: str) -> bool:
    return "=" in numbering and bool(re.search(r"[/x*:]", numbering.split("=", 1)[1]))


def _has_word(h: HeaderText, *words: str) -> bool:
    return any(w in h.text for w in words)


# The role of a column, read top to bottom: the first rule whose test holds decides.
# (role, test, example header)
ROLE_RULES: tuple[tuple[str, object, str], ...] = (
    ("month", lambda h: re.fullmatch(r"bulan|periode", h.last), "Bulan (monthly action plans, CRAAPK)"),
    ("text", lambda h: re.fullmatch(r"ket\.?|keterangan|catatan", h.last), "Ket"),
    ("name", lambda h: re.fullmatch(r"program|kegiatan|sub kegiatan|uraian", h.last)
        and not re.search(r"target|realisasi|capaian|indikator", h.text), "Anggaran (Rp) / Program"),
    ("derived", lambda h: _ratio_formula(h.numbering) or _has_word(h, "%", "tingkat", "rasio", "pertumbuhan"),
        "Capaian (%), 8=7/6, Rasio Capaian Tahun 2019"),
    ("row_number", lambda h: re.fullmatch(r"no\.?|nomor|no urut", h.text), "No."),
    ("code", lambda h: "kode" in h.text, "Kode"),
    ("unit", lambda h: "satuan" in h.text, "Satuan"),
    ("location", lambda h: "lokasi" in h.text, "Lokasi"),
    ("text", lambda h: _has_word(h, "sumber dana", "formulasi", "catatan", "keterangan", "unit kerja"), "Sumber Dana"),
    ("indicator", lambda h: _has_word(h, "indikator", "tolok ukur"), "Indikator Kinerja"),
    ("text", lambda h: "sasaran" in h.text and not h.is_measure, "Sasaran"),
    ("name", lambda h: not h.is_measure and _has_word(h, "program", "kegiatan", "urusan", "uraian", "nama"),
        "Program/Kegiatan"),
    ("text", lambda h: not h.is_measure, "Jabatan"),
    ("measure", lambda h: True, "Target Renja Tahun 2022, Pagu Indikatif (Rp)"),
)


def classify_column(
    index: int, header: str, numbering: str = "", default_year: int | None = None, levels: list[str] | None = None
) -> Column:
    """Give a column its role from its header words (ROLE_RULES); a measure also gets its metric,
    kind, year and plan variant.  `levels` are the header's lines for this column, outermost first."""
    h = " ".join(clean_cell(header).lower().split())
    if not h:
        return Column(index, header, "unknown")
    squashed = h.replace(" ", "")
    variant = next((v for words, v in VARIANTS if words in h), None) or next(
        (v for words, v in SQUASHED_VARIANTS if words in squashed), None)
    is_measure = (
        last_year(h) is not None
        or (variant in ("akhir_periode", "baseline") and "kinerja" in h)  # `Kondisi Kinerja pada akhir periode RPD`
        or any(w in squashed for w in ("target", "realisasi", "capaian"))
        or MONEY_WORD_RE.search(h) is not None
    )
    last = " ".join(clean_cell(levels[-1]).lower().split()) if levels else h
    words = HeaderText(h, squashed, last, numbering, is_measure)
    role = next(role for role, test, _example in ROLE_RULES if test(words))
    if role != "measure":
        return Column(index, header, role)
    metric = "budget" if MONEY_WORD_RE.search(h) else "indicator"
    kind = _kind_from_levels(levels or [h]) or ("realisation" if "realisasi" in squashed else "target")
    if variant == "baseline":
        kind = "realisation"
    stated = _year_from_levels(levels or [h])
    return Column(index, header, "measure", metric, kind, stated or default_year, variant,
                  group=clean_cell((levels or [h])[0]), year_stated=stated is not None)


def _collides(col: Column, columns: list[Column]) -> bool:
    return any(c.index != col.index and c.role == "measure" and (c.metric, c.kind, c.year, c.variant) ==
               (col.metric, col.kind, col.year, col.variant) for c in columns)


def _target_before_estimate(columns: list[Column]) -> list[Column]:
    """Renja evaluation table (form T-C.29, often `Tabel 2.1`): after the target, realisation and
    rate of year n-2 come the target of year n-1 and the estimated realisation up to n-1
    (`perkiraan realisasi`).  Where the n-1 target's header names another year and so claims
    the same year as the n-2 target (Petir: both `Tahun 2022`), its position decides."""
    out = list(columns)
    for estimate in columns:
        if estimate.role != "measure" or estimate.variant != "perkiraan_realisasi" or estimate.year is None:
            continue
        before = [c for c in out[: estimate.index] if c.role == "measure"]
        target = before[-1] if before else None
        if (target is not None and target.kind == "target" and target.variant is None
                and target.metric == estimate.metric and target.year != estimate.year and _collides(target, out)):
            out[target.index] = replace(target, year=estimate.year, header_method="form_position")
    return out


def _year_run(columns: list[Column]) -> list[Column]:
    """Year columns under one spanning title run year by year (`Tahun | 2020 | 2021 | 2022`).  One
    year that breaks the run where the next year belongs (`2020 | 2021 | 2023`, Seririt Tabel 3.2),
    while the table's other columns name that next year, is a typo: the position decides."""
    out = list(columns)
    groups: dict[tuple, list[Column]] = {}
    for c in columns:
        if c.role == "measure" and c.year is not None and c.group:
            groups.setdefault((c.group, c.metric, c.kind, c.variant), []).append(c)
    stated = {c.year for c in columns if c.role == "measure"}
    for group in groups.values():
        years = [c.year for c in group]
        if len(group) < 3 or len(set(years)) != len(years):
            continue
        off = [k for k, y in enumerate(years) if y != years[0] + k]
        if len(off) == 1 and off[0] == len(years) - 1:
            expected = years[0] + off[0]
            col = group[off[0]]
            if expected in stated and sum(1 for c in columns if c.role == "measure" and c.year == col.year) == 1:
                out[col.index] = replace(col, year=expected, header_method="form_position")
    return out


def _standards_in_the_tables_last_year(columns: list[Column]) -> list[Column]:
    """A standard target (`Target NSPK`, `Target IKK`, `Target Indikator Lainnya` of T-C.23) has no
    year of its own: it is recorded under the last year the table's own year columns cover, not
    under whatever year a caption or the document names."""
    years = [c.year for c in columns if c.role == "measure" and c.variant not in STANDARD_VARIANTS
             and c.year is not None and last_year(c.header) is not None]
    if not years:
        return columns
    return [replace(c, year=max(years)) if c.role == "measure" and c.variant in STANDARD_VARIANTS
            and last_year(c.header) is None else c for c in columns]


# Rules from the national forms (Permendagri 86/2017) applied after every column has its role,
# in this order: where a header cell is typo'd or ambiguous, the form's column order decides.
FORM_RULES = (_target_before_estimate, _year_run, _standards_in_the_tables_last_year)


def apply_form_rules(columns: list[Column]) -> list[Column]:
    for rule in FORM_RULES:
        columns = rule(columns)
    return columns
