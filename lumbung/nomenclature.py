"""Find the official nomenclature code of an item from its name, when the report gives no code.

Names drift from the official list: capitals, punctuation, prefixes (`Kegiatan :`, `PROGRAM`),
suffixes (`(Kel)`, `(DAU-T)`), words broken by the PDF (`PROGRA M PEMBER DAYAAN`), typos
(`Fasilitas` for `Fasilitasi`, `Ketertarikan` for `Ketenteraman`).  Names are normalised, then
compared with rapidfuzz twice: as words (order and spacing forgiven) and as one squashed string
(broken words forgiven); the better score counts.  Candidates are the official rows under the
parent's code when the parent is known, else every row of the organisation's bidang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

PREFIX_RE = re.compile(r"^(?:program|kegiatan|sub\s*kegiatan)\s*:\s*", re.IGNORECASE)
SUFFIX_RE = re.compile(r"\s*\((?:kel|kelurahan|dau-?t|apbd|dak)\)\s*$", re.IGNORECASE)
MARKUP_RE = re.compile(r"</?\w+>|\*\*")

# A name is taken to be the official one at or above this score (0-100).  On the four reports,
# right matches of drifted names score 86 and more (`PROGRAM KOORDINASI DAN KETERTIBAN UMUM` for
# `... KETENTRAMAN DAN ...` 86.4, `Fasilitas Kunjungan Tamu` 98, `... Ketertarikan dan Ketertiban
# Umum` 94) while the best candidate of a name with no official counterpart stays under 86
# (`Penyediaan Jasa Keamanan Kantor` vs `Penyediaan Jasa Pelayanan Umum Kantor` 85.3; pre-2021
# names under 82).  See tests/test_nomenclature.py.
ACCEPT = 86.0


@dataclass(frozen=True)
class Match:
    code: str | None
    name: str | None
    score: float
    runner_up_code: str | None
    runner_up_score: float | None


def normalise(name: str) -> str:
    """`<b>Kegiatan : Penyediaan Jasa Surat Menyurat (kel)</b>` -> `penyediaan jasa surat menyurat`."""
    text = MARKUP_RE.sub(" ", name or "")
    text = PREFIX_RE.sub("", text.strip())
    text = SUFFIX_RE.sub("", text)
    text = re.sub(r"[^0-9a-z]+", " ", text.lower())
    return " ".join(text.split())


def _squash(text: str) -> str:
    return text.replace(" ", "")


def score(a: str, b: str) -> float:
    """Similarity of two normalised names, 0-100."""
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(_squash(a), _squash(b)))


class Candidates:
    """Official rows (code -> normalised name) laid out for rapidfuzz's native scorers: their
    names as words and squashed, in the order given (the first of equal scores wins)."""

    def __init__(self, candidates: dict[str, str]):
        self.codes = list(candidates)
        self.names = list(candidates.values())
        self.squashed = [_squash(n) for n in self.names]


def best_match(name: str, candidates: dict[str, str] | Candidates) -> Match:
    """The official row (code -> normalised name) closest to `name`, with the runner-up."""
    return _closest(normalise(name), candidates if isinstance(candidates, Candidates) else Candidates(candidates))


def _closest(query: str, rows: Candidates) -> Match:
    """The row closest to the normalised `query`: both comparisons of `score` run over every
    candidate in rapidfuzz's C++ (`process.cdist`), not through a Python scorer called once a
    candidate."""
    if not query or not rows.codes:
        return Match(None, None, 0.0, None, None)
    as_words = process.cdist([query], rows.names, scorer=fuzz.token_sort_ratio, dtype=np.float64)[0]
    squashed = process.cdist([_squash(query)], rows.squashed, scorer=fuzz.ratio, dtype=np.float64)[0]
    scores = np.maximum(as_words, squashed)
    best, *runner = np.argsort(-scores, kind="stable")[:2].tolist()
    return Match(rows.codes[best], rows.names[best], float(scores[best]),
                 rows.codes[runner[0]] if runner else None, float(scores[runner[0]]) if runner else None)


MARGIN = 3.0  # a best match this close to a different runner-up is ambiguous: left for a person
NAME_DISAGREES = 60.0  # a written code whose official name scores below this is flagged
LEVELS = ("program", "kegiatan", "sub_kegiatan")


class ItemMatch(NamedTuple):
    """One item's match (a tuple: a national load makes millions, turned into columns at once)."""

    document_id: str
    source_table: str
    row_index: int
    item_name: str | None
    candidate_scope: str  # the code prefix the candidates were taken from
    matched_code: str | None
    matched_name: str | None
    match_score: float
    runner_up_code: str | None
    runner_up_score: float | None
    accepted: bool
    written_code_name_score: float | None  # for items with a written official code


def _related(a: str | None, b: str | None) -> bool:
    """Two codes on one line of descent (a kegiatan and its sub kegiatan of the same name)."""
    return bool(a and b and (a.startswith(b + ".") or b.startswith(a + ".")))


def accept(match: Match) -> bool:
    if match.code is None or match.score < ACCEPT:
        return False
    if match.runner_up_score is None or _related(match.code, match.runner_up_code):
        return True
    return match.score - match.runner_up_score >= MARGIN


class Matcher:
    """The official names prepared once per run: the candidates of each code prefix are gathered
    once, and each (name, prefix) pair is scored once — a national load repeats the same official
    names in thousands of reports, so the work grows with the distinct names, not the items."""

    def __init__(self, official: dict[str, str]):
        self.official = official  # code -> official name
        self.normalised = {code: normalise(name) for code, name in official.items()}
        self._scopes: dict[str, Candidates] = {}
        self._memo: dict[tuple[str, str], tuple[Match, bool]] = {}
        self._written: dict[tuple[str, str], float] = {}
        self._normal: dict[str, str] = {}

    def candidates(self, prefix: str) -> Candidates:
        if prefix not in self._scopes:
            self._scopes[prefix] = Candidates({c: n for c, n in self.normalised.items() if c.startswith(prefix)})
        return self._scopes[prefix]

    def normal(self, name: str) -> str:
        """`normalise(name)`, once per distinct name of the run (a national load repeats the same
        names in thousands of reports); kept by the matcher, so freed with it."""
        if name not in self._normal:
            self._normal[name] = normalise(name)
        return self._normal[name]

    def best(self, name: str, prefix: str) -> tuple[Match, bool]:
        """The closest official row under `prefix` and whether it is accepted (`accept`)."""
        key = (self.normal(name), prefix)
        if key not in self._memo:
            match = _closest(key[0], self.candidates(prefix))  # the name normalised once, for the key
            self._memo[key] = (match, accept(match))
        return self._memo[key]

    def written_score(self, name: str, code: str) -> float:
        """How close an item's name is to the official name of the code it was written with."""
        key = (self.normal(name), code)
        if key not in self._written:
            self._written[key] = score(key[0], self.normalised[code])
        return self._written[key]

    @property
    def distinct_queries(self) -> int:
        return len(self._memo)


def official_names(reference: list[dict]) -> dict[str, str]:
    """Code -> official name of the levels names are matched at (`reference`: nomenclature_code,
    name, level; official rows only)."""
    return {r["nomenclature_code"]: r["name"] for r in reference if r["level"] in LEVELS}


class Item(NamedTuple):
    """One item to match: a row of raw.table_items, as a query returns it."""

    document_id: str
    source_table: str
    row_index: int
    parent_index: int | None
    item_name: str | None
    code_canonical: str | None  # the official code written in the report, if any
    is_extra_indicator: bool | None


def resolve_items(items: Iterable[tuple], reference: list[dict] | Matcher, organisation_bidang: str) -> list[ItemMatch]:
    """Match the items of each table, parents before children, against the official rows.

    `items`: tuples of `Item`'s fields (a query's rows: no dict an item, a national load has
    millions), in any order (a query ordered by document, table and row saves the sort its
    time).  `reference`: nomenclature_code, name, level (official rows only), or a `Matcher`
    prepared once for many calls.
    An item whose parent has a code is matched among that code's descendants; otherwise among the
    organisation's bidang (`7.01`, Kecamatan, for kecamatan reports), where the search falls back
    too when nothing under the parent's code is close enough."""
    matcher = reference if isinstance(reference, Matcher) else Matcher(official_names(reference))
    official = matcher.official
    out: list[ItemMatch] = []
    code_of: dict[tuple[str, str, int], str] = {}
    for document_id, source_table, row_index, parent, name, written, extra in sorted(items, key=itemgetter(0, 1, 2)):
        key = (document_id, source_table, row_index)
        if written in official:
            code_of[key] = written
            out.append(ItemMatch(*key, name, written, written, official[written], 100.0, None, None,
                                 True, matcher.written_score(name, written) if name else None))
            continue
        if extra or not name:
            continue
        scope = code_of.get((document_id, source_table, parent)) if parent is not None else None
        prefix = scope + "." if scope else organisation_bidang + "."
        match, ok = matcher.best(name, prefix)
        if not ok and scope:  # the parent's level may be wrong in the report: look in the whole bidang
            prefix = organisation_bidang + "."
            match, ok = matcher.best(name, prefix)
        if ok:
            code_of[key] = match.code
        out.append(ItemMatch(*key, name, prefix.rstrip("."), match.code,
                             official.get(match.code) if match.code else None, match.score,
                             match.runner_up_code, match.runner_up_score, ok, None))
    return out
