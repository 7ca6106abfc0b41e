"""Whose report is this: each case written as a small text here, and the shared reports renamed to
other real kecamatan (tests/renames.py).  A report is registered to the right kecamatan,
kabupaten/kota and provinsi, or refused with its evidence; never published under a wrong one."""

from __future__ import annotations

import pytest

from lumbung.detect import DetectionError, detect_document
from lumbung.identify.gazetteer import key, load
from lumbung.identify.overrides import Pin, PinFileError, load_pins, pin_for
from tests.renames import SHARED, Place, rename


def title(*lines: str, body: int = 3) -> list[str]:
    """A report: title page lines, then a preface that names nothing, then some body."""
    return [*lines, "", "KATA PENGANTAR", *["Puji syukur kami panjatkan atas tersusunnya dokumen ini."] * body]


def who(lines: list[str]) -> tuple[str, str, str]:
    k = detect_document(lines).kecamatan
    return k.name, k.kabupaten_kota, k.provinsi


# -- names as the reference spells them -----------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("KECAMATAN LEA-LEA", ("Lea-Lea", "Kota Bau Bau", "Sulawesi Tenggara")),
    ("Kecamatan Lea Lea", ("Lea-Lea", "Kota Bau Bau", "Sulawesi Tenggara")),
    ("Kec. Biru-Biru", ("Biru-Biru", "Kabupaten Deli Serdang", "Sumatera Utara")),
    ("KECAMATAN PULAU-PULAU BATU TIMUR", ("Pulau-Pulau Batu Timur", "Kabupaten Nias Selatan", "Sumatera Utara")),
    ("Kecamatan Buay Pematang Ribu Ranau Tengah",
     ("Buay Pematang Ribu Ranau Tengah", "Kabupaten Ogan Komering Ulu Selatan", "Sumatera Selatan")),
    ("KECAMATAN MA'U", ("Ma'u", "Kabupaten Nias", "Sumatera Utara")),
])
def test_names_with_hyphens_apostrophes_and_many_words(written, expected):
    region = expected[1].upper()
    assert who(title("RENCANA KERJA (RENJA) TAHUN 2024", written, region)) == expected


@pytest.mark.parametrize("written, region, expected", [
    ("KECAMATAN KOTA", "KOTA KEDIRI", ("Kota", "Kota Kediri")),
    ("KECAMATAN KOTA BARU", "KOTA JAMBI", ("Kota Baru", "Kota Jambi")),
    ("KECAMATAN KOTA BARU", "KABUPATEN KARAWANG", ("Kota Baru", "Kabupaten Karawang")),
    ("KECAMATAN NEGARA", "KABUPATEN JEMBRANA", ("Negara", "Kabupaten Jembrana")),
    ("KECAMATAN SERANG BARU", "KABUPATEN BEKASI", ("Serang Baru", "Kabupaten Bekasi")),
    ("KECAMATAN SERANG", "KOTA SERANG", ("Serang", "Kota Serang")),
])
def test_common_words_and_names_that_hold_another_name(written, region, expected):
    assert who(title("RENCANA KERJA (RENJA) TAHUN 2024", written, region))[:2] == expected


@pytest.mark.parametrize("region, expected", [
    ("KABUPATEN SUBANG", "Kabupaten Subang"),
    ("KABUPATEN SERANG", "Kabupaten Serang"),
    ("Pemerintah Kabupaten Cirebon", "Kabupaten Cirebon"),
])
def test_a_name_held_by_several_kabupaten_is_decided_by_the_kabupaten(region, expected):
    assert who(title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PABUARAN", region))[1] == expected


def test_a_shared_name_without_its_kabupaten_is_refused_with_the_candidates():
    with pytest.raises(DetectionError, match=r"Pabuaran.*held by 4 kabupaten/kota.*Kabupaten Subang"):
        detect_document(title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PABUARAN"))


def test_spelling_variants_are_one_key():
    assert key("Lea-Lea") == key("LEA LEA") == key("lealea")
    assert key("Kota Bau Bau") == key("Kota Baubau")
    gaz = load()
    assert [k.code for k in gaz.kecamatan[key("Sangalla'")]] == [k.code for k in gaz.kecamatan[key("SANGALLA")]]


# -- never a silent wrong answer -------------------------------------------------------------

def test_a_kecamatan_the_reference_lacks_is_not_filed_under_its_prefix():
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR BARU", "KABUPATEN SERANG")
    with pytest.raises(DetectionError, match=r'"PETIR BARU" \(title, line 2\) is not in the Kemendagri reference; '
                                             r"nearest: Petir \(Kabupaten Serang, Banten\)"):
        detect_document(lines)


def test_an_unknown_name_is_refused_with_the_nearest_names():
    with pytest.raises(DetectionError, match=r'"Xyzzyville".*not in the Kemendagri reference; nearest'):
        detect_document(title("RENCANA KERJA (RENJA) TAHUN 2024", "Kecamatan Xyzzyville", "KABUPATEN SERANG"))


def test_a_broken_table_cell_does_not_vote():
    """Kota Kediri has a kecamatan called "Kota": a table cell `Kecamatan<tab>Kota Sera...` is no evidence."""
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN LEA-LEA", "KOTA BAU BAU") + [
        "No\tKecamatan\tKota Sera", "1\tKecamatan\tKota Serang"] * 20
    assert who(lines)[0] == "Lea-Lea"


def test_a_name_found_only_in_tables_and_addresses_is_refused():
    lines = ["RENCANA KERJA (RENJA) TAHUN 2024", "Jl. Raya Petir No. 1, Kec. Petir", "", "KATA PENGANTAR",
             "No\tKecamatan Petir\t1"]
    with pytest.raises(DetectionError, match="no kecamatan named in the title"):
        detect_document(lines)


def test_mentions_in_emails_urls_and_letter_numbers_do_not_decide():
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR", "KABUPATEN SERANG",
                  "Nomor : 800/072/Kec.Cikeusal/IX/2023", "email: kec.cikeusal@serangkab.go.id",
                  "www.kecamatan-cikeusal.serangkab.go.id")
    assert who(lines)[0] == "Petir"


def test_the_kabupaten_named_must_hold_the_kecamatan():
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR", "KABUPATEN BULELENG")
    with pytest.raises(DetectionError, match=r"lies in Kabupaten Serang.*names kabupaten/kota Kabupaten Buleleng"):
        detect_document(lines)


def test_the_provinsi_named_must_hold_the_kecamatan():
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR", "PROVINSI BALI")
    with pytest.raises(DetectionError, match=r"names provinsi Bali"):
        detect_document(lines)


def test_evidence_split_between_two_kecamatan_is_refused():
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR", "KECAMATAN CIKEUSAL", "KABUPATEN SERANG")
    with pytest.raises(DetectionError, match=r"ambiguous.*Cikeusal.*Petir|ambiguous.*Petir.*Cikeusal"):
        detect_document(lines)


def test_a_name_only_in_passing_is_too_weak():
    lines = ["RENCANA KERJA (RENJA) TAHUN 2024", "", "KATA PENGANTAR",
             "Kegiatan ini juga dihadiri perwakilan kecamatan petir dalam rapat bersama."]
    with pytest.raises(DetectionError, match="too weak"):
        detect_document(lines)


def test_the_title_page_and_signature_outweigh_a_letterhead_naming_a_neighbour(report_lines):
    lines = ["PEMERINTAH KABUPATEN SERANG", "KECAMATAN CIKEUSAL", "Jl. Raya Cikeusal No. 1", "",
             *report_lines["petir"]]
    assert who(lines)[0] == "Petir"


def test_the_signature_counts():
    lines = ["RENCANA KERJA (RENJA) TAHUN 2024", "KABUPATEN SERANG", "", "KATA PENGANTAR",
             "Puji syukur.", "Camat Petir,", "NAMA CAMAT"]
    assert who(lines)[0] == "Petir"


# -- type and period ---------------------------------------------------------------------------

@pytest.mark.parametrize("heading, reason", [
    ("PERJANJIAN KINERJA TAHUN 2023", "Perjanjian Kinerja"),
    ("LAPORAN AKUNTABILITAS KINERJA INSTANSI PEMERINTAH (LAKIP) TAHUN 2023", "LAKIP"),
    ("RENCANA KERJA DAN ANGGARAN (RKA-SKPD) TAHUN 2024", "RKA"),
    ("DOKUMEN PELAKSANAAN ANGGARAN (DPA) TAHUN 2024", "DPA"),
])
def test_other_documents_of_a_kecamatan_are_recognised_and_refused(heading, reason):
    lines = title(heading, "KECAMATAN PETIR", "KABUPATEN SERANG")
    with pytest.raises(DetectionError, match=f"unsupported document type: {reason}"):
        detect_document(lines)


@pytest.mark.parametrize("heading, expected", [
    ("RENCANA KERJA (RENJA) TAHUN 2024", ("renja", 2024, 2024)),
    ("LAPORAN KINERJA INSTANSI PEMERINTAH (LKjIP) TAHUN 2023", ("lkjip", 2023, 2023)),
    ("RENCANA STRATEGIS (RENSTRA) 2021-2026", ("renstra", 2021, 2026)),
    ("RENSTRA TAHUN 2024 s/d 2026", ("renstra", 2024, 2026)),
])
def test_type_and_period_from_the_title_page(heading, expected):
    meta = detect_document(title(heading, "KECAMATAN PETIR", "KABUPATEN SERANG"))
    assert (meta.document_type, meta.period_start_year, meta.period_end_year) == expected


def test_a_renstra_needs_a_period_and_a_renja_one_year():
    with pytest.raises(DetectionError, match="no period"):
        detect_document(title("RENCANA STRATEGIS (RENSTRA) TAHUN 2024", "KECAMATAN PETIR", "KABUPATEN SERANG"))


def test_the_title_page_decides_the_type_over_the_body():
    lines = title("LAPORAN KINERJA INSTANSI PEMERINTAH (LKjIP) TAHUN 2023", "KECAMATAN PETIR", "KABUPATEN SERANG")
    lines += ["Perjanjian Kinerja Kecamatan Petir memuat target Renstra dan Renja."] * 30
    assert detect_document(lines).document_type == "lkjip"


# -- the shared reports, renamed to other real kecamatan ------------------------------------------

RENAMED = [
    ("petir", Place("Lea-Lea", "Kota Bau Bau", "Sulawesi Tenggara")),
    ("seririt", Place("Biru-Biru", "Kabupaten Deli Serdang", "Sumatera Utara")),
    ("randuagung", Place("Buay Pematang Ribu Ranau Tengah", "Kabupaten Ogan Komering Ulu Selatan",
                         "Sumatera Selatan")),
    ("seririt", Place("Pulau-Pulau Batu Timur", "Kabupaten Nias Selatan", "Sumatera Utara")),
    ("seririt", Place("Negara", "Kabupaten Jembrana", "Bali")),
    ("petir", Place("Kota", "Kota Kediri", "Jawa Timur")),
    ("serang", Place("Kota Baru", "Kota Jambi", "Jambi")),
    ("petir", Place("Serang Baru", "Kabupaten Bekasi", "Jawa Barat")),
    ("petir", Place("Pabuaran", "Kabupaten Subang", "Jawa Barat")),
    ("serang", Place("Pabuaran", "Kabupaten Serang", "Banten")),
    ("randuagung", Place("Karanganyar", "Kabupaten Karanganyar", "Jawa Tengah")),
    ("seririt", Place("Karanganyar", "Kabupaten Demak", "Jawa Tengah")),
    ("serang", Place("Ma'u", "Kabupaten Nias", "Sumatera Utara")),
]


@pytest.mark.parametrize("report, new", RENAMED, ids=lambda v: v if isinstance(v, str) else v.kecamatan)
def test_renamed_reports_are_registered_to_their_kecamatan(report_lines, report, new):
    lines = rename(report_lines[report], SHARED[report], new)
    meta = detect_document(lines)
    assert (meta.kecamatan.name, meta.kecamatan.kabupaten_kota, meta.kecamatan.provinsi) == (
        new.kecamatan, new.kabupaten_kota, new.provinsi)
    original = detect_document(report_lines[report])
    assert (meta.document_type, meta.period_start_year, meta.period_end_year) == (
        original.document_type, original.period_start_year, original.period_end_year)


@pytest.mark.parametrize("report", sorted(SHARED))
def test_a_renamed_report_of_a_kecamatan_the_reference_lacks_is_refused(report_lines, report):
    old = SHARED[report]
    lines = rename(report_lines[report], old, Place(f"{old.kecamatan} Baru Jaya", old.kabupaten_kota, old.provinsi))
    with pytest.raises(DetectionError, match=f"not in the Kemendagri reference; nearest: {old.kecamatan} "):
        detect_document(lines)


@pytest.mark.parametrize("report", sorted(SHARED))
def test_a_renamed_report_whose_kabupaten_does_not_hold_it_is_refused(report_lines, report):
    old = SHARED[report]
    other = "Kabupaten Jembrana" if old.kabupaten_kota != "Kabupaten Jembrana" else "Kabupaten Demak"
    lines = rename(report_lines[report], old, Place(old.kecamatan, other, old.provinsi))
    with pytest.raises(DetectionError, match="do not agree"):
        detect_document(lines)


# -- pins: the user decides, once ------------------------------------------------------------------

def test_pins_file(tmp_path):
    (tmp_path / "lumbung-documents.csv").write_text(
        "file,sha256,kecamatan_code,document_type,period_start_year,period_end_year,kecamatan,kabupaten_kota,"
        "provinsi,note\n"
        "petir-baru.txt,,36.04.99,renja,2024,2024,Petir Baru,Kabupaten Serang,Banten,new kecamatan\n"
        ",ABC123,36.04.19,,,,,,,pinned by hash\n", encoding="utf-8")
    pins = load_pins(tmp_path)
    assert pin_for(pins, "petir-baru.txt", "zzz").kecamatan_code == "36.04.99"
    assert pin_for(pins, "other.txt", "abc123").line == 3
    assert pin_for(pins, "other.txt", "zzz") is None
    new = pins[0].kecamatan(load())
    assert (new.name, new.kabupaten_kota, new.in_reference) == ("Petir Baru", "Kabupaten Serang", False)
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR BARU", "KABUPATEN SERANG")
    meta = detect_document(lines, pins[0])
    assert meta.kecamatan == new and meta.identified_by.startswith("pinned: kecamatan, type, period")


@pytest.mark.parametrize("row, message", [
    (",,36.04.19,,,,,,,", "give the report's file or its sha256"),
    ("a.txt,,36.04.19,lakip,,,,,,", "document_type must be one of"),
    ("a.txt,,36.04.19,,20x4,,,,,", "year '20x4' is not a year"),
])
def test_a_wrong_pins_file_is_named_with_its_line(tmp_path, row, message):
    (tmp_path / "lumbung-documents.csv").write_text(
        "file,sha256,kecamatan_code,document_type,period_start_year,period_end_year,kecamatan,kabupaten_kota,"
        f"provinsi,note\n{row}\n", encoding="utf-8")
    with pytest.raises(PinFileError, match=f"line 2: {message}"):
        load_pins(tmp_path)


def test_a_pinned_code_the_reference_lacks_needs_its_names():
    with pytest.raises(DetectionError, match="not in the Kemendagri reference; give its kecamatan"):
        Pin(file="a.txt", kecamatan_code="36.04.99", line=2).kecamatan(load())


def test_a_provinsi_name_inside_a_kecamatan_name_is_no_provinsi():
    """Riau Silip is a kecamatan of Kabupaten Bangka (Kepulauan Bangka Belitung), not in Riau."""
    lines = title("RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN RIAU SILIP", "KABUPATEN BANGKA",
                  "RIAU SILIP - KEPULAUAN BANGKA BELITUNG")
    assert who(lines) == ("Riau Silip", "Kabupaten Bangka", "Kepulauan Bangka Belitung")
