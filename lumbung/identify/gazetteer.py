"""The Kemendagri reference as name indexes: kecamatan, kabupaten/kota and provinsi by the
spelling-free key of their names.

A key ignores case, spaces, hyphens and apostrophes (`Lea-Lea`, `Lea Lea` and `LEALEA` are one
key; `Kota Bau Bau` and `Kota Baubau` too), so a report's spelling variants meet the reference's
spelling; the reference's own earlier spelling of a name (Kepmendagri 100.1.1-6117/2022) is a
key as well.  Names held by several kecamatan (Pabuaran, Karanganyar: 291 names) keep every
holder: the kabupaten the report names decides between them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lumbung.paths import REFERENCE_DIR

KEY_DROP_RE = re.compile(r"[\s\-‐–'’‘`.]+")


def key(name: str) -> str:
    """`Lea-Lea` -> `lealea`; `Kota Bau Bau` -> `kotabaubau`; `Sangalla'` -> `sangalla`."""
    return KEY_DROP_RE.sub("", name.lower())


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kabupaten_kota: str
    provinsi: str
    in_reference: bool = True  # False: added by the user in raw/lumbung-documents.csv


@dataclass(frozen=True)
class Gazetteer:
    kecamatan: dict[str, tuple[Kecamatan, ...]]  # key of the name -> every kecamatan of that name
    regions: dict[tuple[str, str], str]  # ("kabupaten"/"kota", key of the short name) -> official name
    provinsi: dict[str, str]  # key -> official name
    by_code: dict[str, Kecamatan]
    longest_name: int  # in words

    def nearest(self, name: str, limit: int = 2) -> list[Kecamatan]:
        """The reference's kecamatan whose names are closest to `name` (for a reason message)."""
        from rapidfuzz import fuzz, process

        found = process.extract(key(name), list(self.kecamatan), scorer=fuzz.ratio, limit=limit)
        return [k for match, _score, _i in found for k in self.kecamatan[match]][: limit + 2]


def _short_name(kabupaten_kota: str) -> tuple[str, str]:
    kind, _, short = kabupaten_kota.partition(" ")
    return ("kota" if kind.lower() == "kota" else "kabupaten"), short


@lru_cache(maxsize=4)
def load(reference_dir: Path = REFERENCE_DIR) -> Gazetteer:
    kecamatan: dict[str, list[Kecamatan]] = {}
    regions: dict[tuple[str, str], str] = {}
    provinsi: dict[str, str] = {}
    by_code: dict[str, Kecamatan] = {}
    longest = 1
    with open(reference_dir / "kecamatan.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kec = Kecamatan(row["code"], row["kecamatan"], row["kabupaten_kota"], row["provinsi"])
            by_code[kec.code] = kec
            names = {row["kecamatan"], row.get("name_in_kepmendagri_100.1.1-6117_2022") or row["kecamatan"]}
            for name in names:
                holders = kecamatan.setdefault(key(name), [])
                if kec not in holders:
                    holders.append(kec)
                longest = max(longest, len(re.split(r"[\s\-]+", name.strip())))
            kind, short = _short_name(kec.kabupaten_kota)
            regions[(kind, key(short))] = kec.kabupaten_kota
            provinsi[key(kec.provinsi)] = kec.provinsi
    return Gazetteer({k: tuple(v) for k, v in kecamatan.items()}, regions, provinsi, by_code, longest)
