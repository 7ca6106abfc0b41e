"""The shared reports as other kecamatan would write them: every mention of the kecamatan, its
kabupaten/kota and provinsi replaced by another's, in the case it was written in."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    kecamatan: str
    kabupaten_kota: str  # `Kabupaten Serang`, `Kota Bau Bau`
    provinsi: str

    @property
    def kind(self) -> str:
        return self.kabupaten_kota.split(" ", 1)[0]

    @property
    def region(self) -> str:
        return self.kabupaten_kota.split(" ", 1)[1]


SHARED = {
    "petir": Place("Petir", "Kabupaten Serang", "Banten"),
    "serang": Place("Serang", "Kota Serang", "Banten"),
    "seririt": Place("Seririt", "Kabupaten Buleleng", "Bali"),
    "randuagung": Place("Randuagung", "Kabupaten Lumajang", "Jawa Timur"),
}


def _cased(template: str, new: str) -> str:
    if template.isupper():
        return new.upper()
    if template.islower():
        return new.lower()
    return new


def rename(lines: list[str], old: Place, new: Place) -> list[str]:
    """Region first (`Kabupaten Serang`, `Kab. Serang`, `Bupati Serang`), then the kecamatan
    (`Kecamatan Petir`, `Kec.Petir`, `Camat Petir`, and the name alone), then the provinsi and
    the region's name alone; each replaced by a placeholder first, so that a new name holding an
    old one (`Serang Baru` for `Petir` in Kabupaten Serang) is not replaced again."""
    head = {"Kabupaten": "Bupati", "Kota": "Walikota"}
    names: dict[str, str] = {}

    def hold(new_text: str) -> str:
        token = f"\x00{len(names)}\x00"
        names[token] = new_text
        return token

    def replace(text: str, old_text: str, new_text: str) -> str:
        pattern = re.compile(r"(?<![\w\x00])" + r"\s+".join(map(re.escape, old_text.split())) + r"(?![\w])", re.I)
        return pattern.sub(lambda m: hold(_cased(m.group(), new_text)), text)

    text = "\n".join(lines)
    text = replace(text, old.kabupaten_kota, new.kabupaten_kota)
    text = re.sub(r"(?i)\bkab\.\s*" + re.escape(old.region) + r"\b", lambda m: hold(new.kabupaten_kota), text)
    text = replace(text, f"{head[old.kind]} {old.region}", f"{head[new.kind]} {new.region}")
    text = re.sub(r"(?i)\b(kecamatan|camat|kec\.)\s*(" + re.escape(old.kecamatan) + r")(?![\w])",
                  lambda m: f"{m.group(1)} {hold(_cased(m.group(2), new.kecamatan))}", text)
    text = replace(text, old.kecamatan, new.kecamatan)
    text = replace(text, old.provinsi, new.provinsi)
    text = replace(text, old.region, new.region)
    for token, value in names.items():
        text = text.replace(token, value)
    return text.split("\n")
