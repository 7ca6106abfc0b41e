"""Every code spelling the reports use (see `lumbung/extract/codes.py`), as the reports write it."""

import pytest

from lumbung.extract.codes import canonical_code


@pytest.mark.parametrize(
    "cells, context, expected, level",
    [
        (["7", "01", "01", "2.02", "01"], None, "7.01.01.2.02.0001", "sub_kegiatan"),
        (["7", "1", "1", "2,02", "1"], None, "7.01.01.2.02.0001", "sub_kegiatan"),
        (["7.01.01.2 01.1"], None, "7.01.01.2.01.0001", "sub_kegiatan"),
        (["7.01.01.206.4"], None, "7.01.01.2.06.0004", "sub_kegiatan"),
        (["7.01.01.201"], None, "7.01.01.2.01", "kegiatan"),
        (["7.01.04.2.01.1"], None, "7.01.04.2.01.0001", "sub_kegiatan"),
        (["7", "1", "4", "2,0 1"], "7.01.04", "7.01.04.2.01", "kegiatan"),
        (["7", "01", "01"], "7", "7.01.01", "program"),
        (["7"], None, "7", "urusan"),
        (["205"], "7.01.01.2.03.0006", "7.01.01.2.05", "kegiatan"),
        (["2"], "7.01.01.2.05", "7.01.01.2.05.0002", "sub_kegiatan"),
    ],
)
def test_spellings_canonicalise(cells, context, expected, level):
    code = canonical_code(cells, context)
    assert code.canonical == expected and code.level == level


def test_pdf_artefact_keeps_only_the_parent():
    code = canonical_code(["7", "1", "4", "2,0 1", "1", "7"], "7.01.04.2.01")
    assert code.canonical is None and code.method == "partial"
    assert code.parent == "7.01.04.2.01" and code.level == "sub_kegiatan"


@pytest.mark.parametrize("cells", [["1101.01"], ["5001.04"]])
def test_legacy_codes_stay_legacy(cells):
    code = canonical_code(cells)
    assert code.method == "legacy" and code.canonical is None
