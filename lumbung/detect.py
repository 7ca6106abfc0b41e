"""Whose report is this, what kind and which years: decided from the report's own words, never
from its file name, never by a guess.

The stages (`lumbung/identify/`): `places` tells where each line stands (title page, heading,
signature, running title, body, table, address) and how much a name there counts; `evidence`
finds every mention of a kecamatan, kabupaten/kota, provinsi, document type and period;
`decide` weighs them.  A report whose evidence is missing, weak, split or contradictory raises
`DetectionError` with what was found and where, and is quarantined; a pin in
`raw/lumbung-documents.csv` (`overrides.py`) decides what detection cannot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lumbung.identify import gazetteer as reference
from lumbung.identify.decide import IdentificationError, decide_kecamatan
from lumbung.identify.evidence import Mention, kecamatan_mentions, provinsi_mentions, region_mentions
from lumbung.identify.gazetteer import Kecamatan
from lumbung.identify.overrides import Pin
from lumbung.identify.places import WEIGHTS, Line, places

DetectionError = IdentificationError  # the name the rest of the package knows

# (type, pattern, supported): read in this order on the title page, then in the text
TYPES: tuple[tuple[str, re.Pattern, bool], ...] = (
    ("rka", re.compile(r"\brencana\s+kerja\s+(?:dan\s+)?anggaran\b|\brka(?:[-\s]?(?:skpd|pd|opd))?\b", re.I), False),
    ("dpa", re.compile(r"\bdokumen\s+pelaksanaan\s+anggaran\b|\bdpa(?:[-\s]?(?:skpd|pd|opd))?\b", re.I), False),
    ("lakip", re.compile(r"\blaporan\s+akuntabilitas\s+kinerja\b|\blakip\b|\blkip\b", re.I), False),
    ("perjanjian_kinerja", re.compile(r"\bperjanjian\s+kinerja\b", re.I), False),
    ("renja", re.compile(r"\brencana\s+kerja\b(?!\s+(?:dan\s+)?anggaran)|\brenja\b", re.I), True),
    ("renstra", re.compile(r"\brencana\s+strategis\b|\brenstra\b", re.I), True),
    ("lkjip", re.compile(r"\blaporan\s+kinerja\b|\blkj\s?ip\b", re.I), True),
)
TYPE_NAMES = {"rka": "RKA (Rencana Kerja dan Anggaran)", "dpa": "DPA (Dokumen Pelaksanaan Anggaran)",
              "lakip": "LAKIP/LKIP", "perjanjian_kinerja": "Perjanjian Kinerja", "renja": "Renja",
              "renstra": "Renstra", "lkjip": "LKjIP"}
SUPPORTED = {name for name, _pattern, supported in TYPES if supported}
ANY_TYPE = re.compile("|".join(f"(?:{pattern.pattern})" for _name, pattern, _supported in TYPES), re.I)
# a word every spelling TYPES reads contains: most lines name no type, and a substring test is
# cheaper than the regex (tests/test_detect.py keeps the two in step)
TYPE_WORDS = ("rencana", "rka", "dokumen", "dpa", "laporan", "lakip", "lkip", "perjanjian", "renja", "renstra", "lkj")
_SAME_SENTENCE = r"(?:[^.]|\.(?=\s?[A-Za-z]))"  # an abbreviation's dot (`Kec. Petir`) does not end it
PERIOD_RES = {
    "renja": re.compile(rf"(?:rencana\s+kerja|renja)\b{_SAME_SENTENCE}{{0,100}}?\b(?:tahun|ta\.?)\s*(\d{{4}})\b", re.I),
    "lkjip": re.compile(rf"(?:lkj\s?ip|laporan\s+kinerja)\b{_SAME_SENTENCE}{{0,100}}?\btahun\s*(\d{{4}})\b", re.I),
    "renstra": re.compile(
        rf"(?:rencana\s+strategis|renstra)\b{_SAME_SENTENCE}{{0,150}}?(\d{{4}})\s*(?:[-–—]|s\.?/?d\.?|sampai)\s*(\d{{4}})",
        re.I),
}
RENSTRA_YEARS = range(2, 7)  # a strategic plan covers 2 to 6 years (five, or three for an RPD period)


@dataclass(frozen=True)
class DocumentMeta:
    document_type: str
    kecamatan: Kecamatan
    period_start_year: int
    period_end_year: int
    identified_by: str = "detected"  # or `pinned: kecamatan, period` (raw/lumbung-documents.csv)
    evidence: tuple[Mention, ...] = field(default=(), compare=False)

    @property
    def default_year(self) -> int:
        """The year a table's unlabelled numbers speak about: the plan or report year."""
        return self.period_start_year


@dataclass(frozen=True)
class _Title:
    """The title page as one text (a title broken over lines: `LAPORAN` / `KINERJA ...`)."""

    text: str
    starts: list[tuple[int, int]]  # (offset in text, line number)

    def line_at(self, offset: int) -> int:
        return max((line for start, line in self.starts if start <= offset), default=1)


def _title(lines: list[Line]) -> _Title:
    text, starts = "", []
    for line in lines:
        if line.place == "title":
            starts.append((len(text), line.number))
            text += line.text + " "
    return _Title(text, starts)


def may_name_a_type(text: str) -> bool:
    """False when `text` cannot hold a mention of a document type (no word of TYPE_WORDS)."""
    return any(map(text.casefold().__contains__, TYPE_WORDS))


def _type_mentions(lines: list[Line], title: _Title) -> list[Mention]:
    out = []
    # lines outside the title that mention any type at all (one search a line, not one per type)
    candidates = [line for line in lines if line.place != "title" and may_name_a_type(line.text)
                  and ANY_TYPE.search(line.text)]
    for name, pattern, _supported in TYPES:
        taken = []
        for m in pattern.finditer(title.text):
            if not any(a <= m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                out.append(Mention("type", name, title.line_at(m.start()), "title", WEIGHTS["title"], m.group()))
        for line in candidates:
            out += [Mention("type", name, line.number, line.place, line.weight, m.group())
                    for m in pattern.finditer(line.text)]
    return _without_overlaps(out)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """`Rencana Kerja dan Anggaran` is an RKA, not also a Renja; `LAKIP` not also an LKjIP."""
    by_line: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_line[m.line].append(m)
    out = []
    for line_mentions in by_line.values():
        for m in line_mentions:
            if not any(o is not m and m.written.lower() in o.written.lower() and len(o.written) > len(m.written)
                       for o in line_mentions):
                out.append(m)
    return out


def decide_type(mentions: list[Mention]) -> str:
    title: dict[str, int] = defaultdict(int)
    text: dict[str, int] = defaultdict(int)
    for m in mentions:
        (title if m.place == "title" else text)[m.value] += m.weight
    votes = title or text
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] == 0:
        raise DetectionError("no Renja, Renstra or LKjIP title found")
    best, weight = ranked[0]
    where = next(m for m in mentions if m.value == best and (m.place == "title" or not title)).describe()
    if len(ranked) > 1 and ranked[1][1] * (1 if title else 2) >= weight:
        other = ranked[1][0]
        raise DetectionError(f"document type is ambiguous: {TYPE_NAMES[best]} ({where}) or {TYPE_NAMES[other]}")
    if best not in SUPPORTED:
        raise DetectionError(f"unsupported document type: {TYPE_NAMES[best]} ({where}); Lumbung reads Renja, "
                             f"Renstra and LKjIP")
    return best


def _period_mentions(lines: list[Line], title: _Title, doc_type: str) -> list[Mention]:
    out = []
    pattern = PERIOD_RES[doc_type]
    for m in pattern.finditer(title.text):
        out.append(Mention("period", "-".join(m.groups()), title.line_at(m.start()), "title", WEIGHTS["title"],
                           m.group()))
    for line in lines:
        if line.place not in ("title", "table", "address"):
            out += [Mention("period", "-".join(m.groups()), line.number, line.place, line.weight, m.group())
                    for m in pattern.finditer(line.text)]
    return out


def decide_period(mentions: list[Mention], doc_type: str) -> tuple[int, int]:
    votes: dict[tuple[int, int], int] = defaultdict(int)
    for m in mentions:
        years = [int(y) for y in m.value.split("-")]
        start, end = years[0], years[-1]
        if 1990 <= start <= end <= 2100:
            votes[(start, end)] += m.weight
    if not votes:
        raise DetectionError(f"no period (Tahun NNNN{' - NNNN' if doc_type == 'renstra' else ''}) found for a "
                             f"{TYPE_NAMES[doc_type]}")
    (start, end), _weight = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
    if doc_type == "renstra" and end - start + 1 not in RENSTRA_YEARS:
        raise DetectionError(f"a Renstra covers 2-6 years; the period read is {start}-{end}")
    return start, end


def detect_document(lines: list[str], pin: Pin | None = None) -> DocumentMeta:
    """Type, kecamatan and period of a report (see the module docstring); `pin` fixes what it gives."""
    gaz = reference.load()
    read = places(lines)
    title = _title(read)
    type_evidence = _type_mentions(read, title)
    doc_type = pin.document_type if pin and pin.document_type else decide_type(type_evidence)
    kec_evidence = [m for line in read for m in kecamatan_mentions(line, gaz)]
    region_evidence = [m for line in read for m in region_mentions(line, gaz)]
    prov_evidence = list({(m.line, m.value): m for line in read for m in provinsi_mentions(line, gaz)}.values())
    if pin and pin.kecamatan_code:
        kecamatan = pin.kecamatan(gaz)
    else:
        kecamatan = decide_kecamatan(kec_evidence, region_evidence, prov_evidence, gaz)
    period_evidence = _period_mentions(read, title, doc_type)
    if pin and pin.period_start_year:
        start, end = pin.period_start_year, pin.period_end_year or pin.period_start_year
    else:
        start, end = decide_period(period_evidence, doc_type)
        if doc_type != "renstra" and start != end:
            raise DetectionError(f"a {TYPE_NAMES[doc_type]} covers one year; the period read is {start}-{end}")
    evidence = tuple(type_evidence + kec_evidence + region_evidence + prov_evidence + period_evidence)
    return DocumentMeta(doc_type, kecamatan, start, end, pin.describe() if pin else "detected", evidence)
