"""Number formats of the reports (`lumbung/extract/values.py`), each with the real spelling."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.extract.values import grouping_separator, infer_decimal_separator, parse_indicator, parse_money


def group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@given(st.integers(min_value=0, max_value=10**13))
def test_money_in_every_written_format_reads_the_same(n):
    for text in (group(n, "."), group(n, ","), f"Rp. {group(n, '.')},-", f"{group(n, ',')}.00", f"Rp {group(n, '.')}"):
        assert parse_money(text).value == n, text


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
def test_percentages_with_comma_or_dot(whole, cents):
    text = f"{whole}{{}}{cents:02d}"
    expected = Decimal(f"{whole}.{cents:02d}")
    assert parse_indicator(text.format(",")).value == expected
    assert parse_indicator(text.format(".")).value == expected


@pytest.mark.parametrize(
    "cell, value, flag",
    [
        ("3.552.000.000", 3552000000, None),
        ("1,916,486,189", 1916486189, None),
        ("Rp. 3.552.000.000,-", 3552000000, None),
        ("<b>59,011,380.00</b>", 59011380, None),
        ("650.56 2.000", 650562000, "broken_number"),
        ("6.5025.000", 65025000, "irregular_grouping"),  # Seririt Tabel 3.1 typo, kept as written
        ("10.2335.000", 102335000, "irregular_grouping"),
        ("-", 0, "dash"),  # a dash in a money column is zero rupiah
    ],
)
def test_money_cells(cell, value, flag):
    parsed = parse_money(cell)
    assert parsed.value == value and parsed.flag == flag


@pytest.mark.parametrize("cell, flag", [("#####", "unreadable"), ("N/A", "not_available"), ("Nihil", "not_available"), ("abc", "non_numeric")])
def test_unreadable_money_is_null_never_zero(cell, flag):
    parsed = parse_money(cell)
    assert parsed.value is None and parsed.flag == flag


@pytest.mark.parametrize(
    "cell, value, unit",
    [
        ("1 Thn", Decimal(1), "Thn"),
        ("12 Bln", Decimal(12), "Bln"),
        ("3 Unit", Decimal(3), "Unit"),
        ("1 Keg.", Decimal(1), "Keg."),
        ("100%", Decimal(100), "%"),
        ("83.33%", Decimal("83.33"), "%"),
        ("98,12", Decimal("98.12"), None),
        ("83, 55", Decimal("83.55"), None),
        ("62(B-)", Decimal(62), "(B-)"),
    ],
)
def test_indicator_cells_with_units(cell, value, unit):
    parsed = parse_indicator(cell)
    assert (parsed.value, parsed.unit) == (value, unit)


def test_indicator_dash_with_unit_is_null():
    parsed = parse_indicator("- keluarga")
    assert parsed.value is None and parsed.unit == "keluarga" and parsed.flag == "dash"


def test_ambiguous_thousands_follow_the_column():
    # `1.000` alone is ambiguous; a column whose other cells use `,` decimals reads it as 1000,
    # one with `.` decimals as 1.0 (flagged).
    assert infer_decimal_separator(["98,12", "99,39", "1.000"]) == ","
    assert parse_indicator("1.000", ",").value == 1000
    assert infer_decimal_separator(["98.12", "83.33%"]) == "."
    parsed = parse_indicator("1.000", ".")
    assert parsed.value == 1 and parsed.flag == "ambiguous_separator"


@given(st.integers(min_value=1000, max_value=10**13), st.sampled_from([".", ","]))
def test_grouping_separator_of_any_grouped_amount(n, sep):
    assert grouping_separator(group(n, sep)) == sep
    assert grouping_separator(f"{group(n, sep)}{'.' if sep == ',' else ','}00") == sep


@pytest.mark.parametrize("cell", ["500000", "99,39", "-", "Nihil"])
def test_no_grouping_separator_to_tell(cell):
    assert grouping_separator(cell) is None



def _agree(cell: str) -> None:
    from lumbung.extract.cells import cell_kind, kind_of
    from lumbung.extract.values import read_money

    assert parse_money(cell) == read_money(cell)
    assert cell_kind(cell) == kind_of(cell.strip())


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([".", ",", ""]))
def test_the_plain_amount_shortcuts_agree_with_the_full_reading(n, sep):
    """`parse_money` and `cell_kind` read most amounts (`3.552.000.000`) by a shortcut: it must
    give what the full reading gives (value, unit, flag; kind)."""
    _agree(group(n, sep) if sep else str(n))


@pytest.mark.parametrize("cell", [
    "0", "007", "1.000", "1,000", "999,999", "1.000,00", "1,000.50", "6.5025.000", "1.000.000,-", "Rp. 1.000.000",
    "1. 000.000", "1 000 000", "1.000,000.000", "12.34", "1.2.3", "1.0000", ".100", "100.", "2021", "2019 - 2020",
    "#####", "-", " 1.000.000 ", "1.000.000 ", "<b>1.000.000</b>",
])
def test_near_misses_of_the_plain_amount_shortcuts_read_as_before(cell):
    _agree(cell)
