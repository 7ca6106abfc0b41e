"""What a report says about itself: every mention of a kecamatan, a kabupaten/kota, a provinsi,
a document type and a period, with the line and place it was read from.

Kecamatan are found after `Kecamatan`, `Kec.`, `Kec.Petir` or `Camat`, and matched to the
reference by the longest run of words whose key is a reference name (`Kota Baru` before `Kota`,
`Serang Baru` before `Serang`, `Buay Pematang Ribu Ranau Tengah` whole).  Capitalised words
that follow a match and are not a boundary (`Kabupaten`, `Tahun`, a region's name, a function
word) make the mention a longer name: `Kecamatan Petir Baru` is "Petir Baru", not Petir; when
that longer name is not in the reference it is evidence of an unknown kecamatan.  A name inside
a code (`800/072/Kec.Serang/IX/2021`) or an e-mail is no mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lumbung.identify.gazetteer import Gazetteer, key
from lumbung.identify.places import Line, may_hold

KECAMATAN_TRIGGER_RE = re.compile(r"(?<![\w/@.])(?:kecamatan|kec\.|kec(?=\s)|camat)\s*[:.]?\s*", re.I)
REGION_TRIGGER_RE = re.compile(
    r"(?<![\w/@.])(?P<kind>kabupaten|kab\.|kab(?=\s)|kota|bupati|wali\s?kota)\s*[:.]?\s*", re.I)
PROVINSI_TRIGGER_RE = re.compile(r"(?<![\w/@.])(?:provinsi|propinsi|prov\.)\s*[:.]?\s*", re.I)
NAME_STOP_RE = re.compile(r"[,;:()\[\]/\t|\"“”]|\s[-–—]\s|\.\s|\.$")
WORD_RE = re.compile(r"[^\s]+")
BOUNDARY_WORDS = frozenset("""
kabupaten kab kota provinsi propinsi prov kecamatan kec camat kelurahan kel desa tahun th thn periode
bulan kantor pemerintah pemerintahan dan yang di ke dari pada dalam untuk sebagai dengan oleh atas tentang
nomor no telah akan adalah merupakan serta atau bahwa ini itu tersebut maka sesuai berdasarkan beserta
menetapkan memutuskan rencana renja renstra lkjip laporan kinerja strategis kerja se selaku bapak ibu sdr
wilayah jumlah luas sebelah batas utara kab. perangkat daerah opd skpd unit kepala
""".split())
MAX_EXTENSION = 2


@dataclass(frozen=True)
class Mention:
    what: str  # kecamatan, kabupaten_kota, provinsi, type, period
    value: str  # the name as the reference spells it (or as written, when unknown)
    line: int
    place: str
    weight: int
    written: str  # the words as written in the report
    known: bool = True  # False: a kecamatan name the reference lacks
    nearest: str | None = None  # for an unknown name: the known name it starts with

    def describe(self) -> str:
        return f"{self.place}, line {self.line}"


def _words_after(text: str, start: int) -> list[str]:
    rest = text[start:]
    stop = NAME_STOP_RE.search(rest)
    rest = rest[: stop.start()] if stop else rest
    return [w.strip(".*'’`") for w in WORD_RE.findall(rest)][:12]


def _longest(words: list[str], index: dict, limit: int) -> int:
    for n in range(min(limit, len(words)), 0, -1):
        if key(" ".join(words[:n])) in index:
            return n
    return 0


def _is_boundary(word: str, gazetteer: Gazetteer) -> bool:
    low = word.lower().strip(".")
    return (not word[:1].isupper() or not re.fullmatch(r"[^\W\d_][\w'’\-]*", word) or low in BOUNDARY_WORDS
            or low.startswith("se-") or ("kabupaten", key(low)) in gazetteer.regions
            or ("kota", key(low)) in gazetteer.regions or key(low) in gazetteer.provinsi)


def kecamatan_mentions(line: Line, gazetteer: Gazetteer) -> list[Mention]:
    out = []
    if not may_hold(line.text, ("kec", "camat")):
        return out
    for trigger in KECAMATAN_TRIGGER_RE.finditer(line.text):
        words = _words_after(line.text, trigger.end())
        if not words:
            continue
        n = _longest(words, gazetteer.kecamatan, gazetteer.longest_name + 1)
        extension = []
        for word in words[n: n + MAX_EXTENSION] if n else words[:3]:
            if _is_boundary(word, gazetteer) or len(word) < 3:
                break
            extension.append(word)
        if not n and line.place in ("body", "table", "address"):
            continue  # an unknown name counts where a report names itself, not in passing
        if n and not extension:
            holders = gazetteer.kecamatan[key(" ".join(words[:n]))]
            out.append(Mention("kecamatan", holders[0].name, line.number, line.place, line.weight, " ".join(words[:n])))
        elif n or extension:
            written = " ".join(words[:n] + extension)
            nearest = gazetteer.kecamatan[key(" ".join(words[:n]))][0].name if n else None
            out.append(Mention("kecamatan", written, line.number, line.place, line.weight, written,
                               known=False, nearest=nearest))
    return out


def region_mentions(line: Line, gazetteer: Gazetteer) -> list[Mention]:
    out = []
    if not may_hold(line.text, ("kab", "kota", "bupati")):
        return out
    for trigger in REGION_TRIGGER_RE.finditer(line.text):
        kind = "kota" if "kota" in trigger["kind"].lower() else "kabupaten"
        words = _words_after(line.text, trigger.end())
        for n in range(min(5, len(words)), 0, -1):
            official = gazetteer.regions.get((kind, key(" ".join(words[:n]))))
            if official:
                out.append(Mention("kabupaten_kota", official, line.number, line.place, line.weight,
                                   f"{trigger.group().strip()} {' '.join(words[:n])}"))
                break
    return out


def provinsi_mentions(line: Line, gazetteer: Gazetteer) -> list[Mention]:
    out = []
    if line.place != "title" and not may_hold(line.text, ("prov", "propinsi")):
        return out
    starts = [t.end() for t in PROVINSI_TRIGGER_RE.finditer(line.text)]
    if line.place == "title":  # `SERANG - BANTEN` on a title page names the provinsi without the word,
        # but not inside another name (`KECAMATAN RIAU SILIP`, `KABUPATEN BENGKULU SELATAN`)
        taken = [(t.start(), t.end() + 60) for t in (*KECAMATAN_TRIGGER_RE.finditer(line.text),
                                                       *REGION_TRIGGER_RE.finditer(line.text))]
        starts += [m.start() for m in re.finditer(r"(?:^|(?<=[\s\-–,]))[^\W\d_]", line.text)
                   if not any(a <= m.start() < b and not re.search(r"\s[-–]\s", line.text[a:m.start()])
                              for a, b in taken)]
    for start in starts:
        words = _words_after(line.text, start)
        for n in range(min(4, len(words)), 0, -1):
            official = gazetteer.provinsi.get(key(" ".join(words[:n])))
            if official:
                out.append(Mention("provinsi", official, line.number, line.place, line.weight, " ".join(words[:n])))
                break
    return out
