"""Detect what a report is from its content: type, kecamatan (with its kabupaten/kota and
provinsi from the Kemendagri reference) and the years it covers.

Nothing is taken from the file name.  Each decision weighs the whole document: the title
page counts more than the body, and a single stray sentence ("LKjIP Kecamatan Denpasar
Selatan tahun 2022" in the Seririt report) is outvoted by the rest.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lumbung.paths import REFERENCE_DIR

TITLE_LINES = 40
TITLE_WEIGHT = 10
TYPE_PATTERNS = {
    "renja": re.compile(r"\brencana\s+kerja\b|\brenja\b", re.I),
    "renstra": re.compile(r"\brencana\s+strategis\b|\brenstra\b", re.I),
    "lkjip": re.compile(r"\blaporan\s+kinerja\b|\blkj\s?ip\b|\blakip\b", re.I),
}
KECAMATAN_RE = re.compile(r"\b(?:kecamatan|kec\.|camat)\s*([A-Za-z'][A-Za-z' -]{1,60})", re.I)
REGION_RE = re.compile(
    r"\b(?P<kind>kabupaten|kab\.|kota|bupati|wali\s?kota)\s*(?P<name>[A-Za-z'][A-Za-z' -]{1,60})", re.I
)
_SAME_SENTENCE = r"(?:[^.]|\.(?=\s?[A-Za-z]))"  # an abbreviation's dot (`Kec. Petir`) does not end it
PERIOD_RES = {
    "renja": re.compile(rf"(?:rencana\s+kerja|renja)\b{_SAME_SENTENCE}{{0,100}}?\btahun\s*(\d{{4}})\b", re.I),
    "lkjip": re.compile(rf"(?:lkj\s?ip|laporan\s+kinerja)\b{_SAME_SENTENCE}{{0,100}}?\btahun\s*(\d{{4}})\b", re.I),
    "renstra": re.compile(rf"(?:rencana\s+strategis|renstra)\b{_SAME_SENTENCE}{{0,150}}?(\d{{4}})\s*[-–—]\s*(\d{{4}})", re.I),
}


class DetectionError(ValueError):
    """The document's type, kecamatan or period could not be decided."""


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kabupaten_kota: str
    provinsi: str


@dataclass(frozen=True)
class DocumentMeta:
    document_type: str
    kecamatan: Kecamatan
    period_start_year: int
    period_end_year: int

    @property
    def default_year(self) -> int:
        """The year a table's unlabelled numbers speak about: the plan or report year."""
        return self.period_start_year


@lru_cache(maxsize=1)
def gazetteer(reference_dir: Path = REFERENCE_DIR) -> dict[str, list[Kecamatan]]:
    """Kecamatan of the Kemendagri reference, by lower-case name."""
    by_name: dict[str, list[Kecamatan]] = {}
    with open(reference_dir / "kecamatan.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kec = Kecamatan(row["code"], row["kecamatan"], row["kabupaten_kota"], row["provinsi"])
            by_name.setdefault(row["kecamatan"].lower(), []).append(kec)
    return by_name


def _weighted_text(lines: list[str]) -> list[tuple[str, int]]:
    title = " ".join(line.strip() for line in lines[:TITLE_LINES] if line.strip())
    return [(title, TITLE_WEIGHT), ("\n".join(lines), 1)]


def detect_type(lines: list[str]) -> str:
    scores: Counter[str] = Counter()
    for text, weight in _weighted_text(lines):
        for doc_type, pattern in TYPE_PATTERNS.items():
            scores[doc_type] += weight * len(pattern.findall(text))
    ranked = scores.most_common()
    if not ranked or ranked[0][1] == 0:
        raise DetectionError("no Renja, Renstra or LKjIP title found")
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        raise DetectionError(f"document type is ambiguous: {ranked[0][0]} or {ranked[1][0]}")
    return ranked[0][0]


def _longest_known_name(phrase: str, names: dict[str, list[Kecamatan]] | set[str]) -> str | None:
    words = phrase.lower().replace("-", " ").split()
    for n in range(min(4, len(words)), 0, -1):
        candidate = " ".join(words[:n])
        if candidate in names:
            return candidate
    return None


def detect_kecamatan(lines: list[str], reference: dict[str, list[Kecamatan]] | None = None) -> Kecamatan:
    reference = reference or gazetteer()
    kabupaten_names = {k.kabupaten_kota.lower() for kecs in reference.values() for k in kecs}
    region_words = {n.split(" ", 1)[1] for n in kabupaten_names}
    kec_votes: Counter[str] = Counter()
    region_votes: Counter[str] = Counter()
    for text, weight in _weighted_text(lines):
        for m in KECAMATAN_RE.finditer(text):
            name = _longest_known_name(m.group(1), reference)
            if name:
                kec_votes[name] += weight
        for m in REGION_RE.finditer(text):
            kind = m["kind"].lower()
            prefix = "kota" if "kota" in kind else "kabupaten"
            name = _longest_known_name(m["name"], region_words)
            if name:
                region_votes[f"{prefix} {name}"] += weight
    if not kec_votes:
        raise DetectionError("no kecamatan named in the document matches the Kemendagri reference")
    candidates = [
        (votes + region_votes[k.kabupaten_kota.lower()], region_votes[k.kabupaten_kota.lower()], k)
        for name, votes in kec_votes.items()
        for k in reference[name]
    ]
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    best = candidates[0]
    if len(candidates) > 1 and candidates[1][:2] == best[:2]:
        other = candidates[1][2]
        raise DetectionError(
            f"kecamatan is ambiguous: {best[2].name} ({best[2].kabupaten_kota}) or {other.name} ({other.kabupaten_kota})"
        )
    return best[2]


def detect_period(lines: list[str], doc_type: str) -> tuple[int, int]:
    votes: Counter[tuple[int, int]] = Counter()
    for text, weight in _weighted_text(lines):
        for m in PERIOD_RES[doc_type].finditer(text):
            years = tuple(int(y) for y in m.groups())
            start, end = (years[0], years[-1])
            if 1990 <= start <= end <= 2100:
                votes[(start, end)] += weight
    if not votes:
        raise DetectionError(f"no period (Tahun NNNN) found for a {doc_type}")
    return votes.most_common(1)[0][0]


def detect_document(lines: list[str]) -> DocumentMeta:
    doc_type = detect_type(lines)
    kecamatan = detect_kecamatan(lines)
    start, end = detect_period(lines, doc_type)
    return DocumentMeta(doc_type, kecamatan, start, end)
