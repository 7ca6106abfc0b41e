"""The user decides, once: `raw/lumbung-documents.csv` pins what detection cannot.

One row per report, found by its file name (relative to the raw folder) or by its sha256:

```
file,sha256,kecamatan_code,document_type,period_start_year,period_end_year,kecamatan,kabupaten_kota,provinsi,note
renja-petir-baru.txt,,36.04.99,renja,2024,2024,Petir Baru,Kabupaten Serang,Banten,new kecamatan (Perda 2025)
```

Empty fields are still detected.  A `kecamatan_code` the Kemendagri reference lacks needs the
kecamatan's name, kabupaten/kota and provinsi: it is added as a kecamatan of its own
(`dim_kecamatan.in_reference = false`).  A pinned report is marked in `dim_document`
(`identified_by = 'pinned: ...'`); changing its row re-reads the report on the next run.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from lumbung.identify.decide import IdentificationError
from lumbung.identify.gazetteer import Gazetteer, Kecamatan

FILE_NAME = "lumbung-documents.csv"
COLUMNS = ("file", "sha256", "kecamatan_code", "document_type", "period_start_year", "period_end_year",
           "kecamatan", "kabupaten_kota", "provinsi", "note")
DOCUMENT_TYPES = ("renja", "renstra", "lkjip")


@dataclass(frozen=True)
class Pin:
    file: str = ""
    sha256: str = ""
    kecamatan_code: str = ""
    document_type: str = ""
    period_start_year: int | None = None
    period_end_year: int | None = None
    kecamatan_name: str = ""
    kabupaten_kota: str = ""
    provinsi: str = ""
    note: str = ""
    line: int = 0  # line of the overrides file, for messages

    @property
    def fingerprint(self) -> str:
        """Changes when the pin changes: the report is then read again."""
        values = {k: v for k, v in asdict(self).items() if k != "line"}
        return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:16]

    def describe(self) -> str:
        what = [name for name, value in (("kecamatan", self.kecamatan_code), ("type", self.document_type),
                                          ("period", self.period_start_year)) if value]
        return f"pinned: {', '.join(what)} ({FILE_NAME} line {self.line})"

    def kecamatan(self, gazetteer: Gazetteer) -> Kecamatan:
        known = gazetteer.by_code.get(self.kecamatan_code)
        if known is not None:
            return known
        if not (self.kecamatan_name and self.kabupaten_kota and self.provinsi):
            raise IdentificationError(
                f"{FILE_NAME} line {self.line}: kecamatan_code {self.kecamatan_code} is not in the Kemendagri "
                f"reference; give its kecamatan, kabupaten_kota and provinsi to add it")
        return Kecamatan(self.kecamatan_code, self.kecamatan_name, self.kabupaten_kota, self.provinsi,
                         in_reference=False)


class PinFileError(ValueError):
    """The overrides file itself is wrong (named with its line)."""


def _year(value: str, where: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit() or not 1990 <= int(value) <= 2100:
        raise PinFileError(f"{where}: year {value!r} is not a year")
    return int(value)


def load_pins(raw_dir: Path) -> list[Pin]:
    """The pins of `raw_dir/lumbung-documents.csv` (none when the file is absent)."""
    path = raw_dir / FILE_NAME
    if not path.exists():
        return []
    pins = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        unknown = set(reader.fieldnames or []) - set(COLUMNS)
        if unknown:
            raise PinFileError(f"{path}: unknown columns {sorted(unknown)}; expected {', '.join(COLUMNS)}")
        for n, row in enumerate(reader, start=2):
            where = f"{path} line {n}"
            row = {k: (v or "").strip() for k, v in row.items()}
            if not row.get("file") and not row.get("sha256"):
                raise PinFileError(f"{where}: give the report's file or its sha256")
            if row.get("document_type") and row["document_type"] not in DOCUMENT_TYPES:
                raise PinFileError(f"{where}: document_type must be one of {', '.join(DOCUMENT_TYPES)}")
            pins.append(Pin(row.get("file", ""), row.get("sha256", "").lower(), row.get("kecamatan_code", ""),
                            row.get("document_type", ""), _year(row.get("period_start_year", ""), where),
                            _year(row.get("period_end_year", ""), where), row.get("kecamatan", ""),
                            row.get("kabupaten_kota", ""), row.get("provinsi", ""), row.get("note", ""), n))
    return pins


def pin_for(pins: list[Pin], source_file: str, sha256: str) -> Pin | None:
    """The pin of a report: by its sha256 first, else by its file name."""
    return next((p for p in pins if p.sha256 and p.sha256 == sha256), None) or next(
        (p for p in pins if p.file and p.file == source_file), None)


