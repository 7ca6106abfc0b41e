"""Document detection on the four real reports: type, kecamatan, kabupaten/kota, provinsi, period."""

import pytest

from lumbung.detect import DetectionError, detect_document

EXPECTED = {  # from reading the title pages of the four reports
    "petir": ("renja", "36.04.19", "Petir", "Kabupaten Serang", "Banten", 2024, 2024),
    "serang": ("renja", "36.73.01", "Serang", "Kota Serang", "Banten", 2022, 2022),
    "seririt": ("lkjip", "51.08.02", "Seririt", "Kabupaten Buleleng", "Bali", 2023, 2023),
    "randuagung": ("renstra", "35.08.18", "Randuagung", "Kabupaten Lumajang", "Jawa Timur", 2024, 2026),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detects_each_report(report_lines, name):
    meta = detect_document(report_lines[name])
    k = meta.kecamatan
    assert (meta.document_type, k.code, k.name, k.kabupaten_kota, k.provinsi, meta.period_start_year,
            meta.period_end_year) == EXPECTED[name]


def test_whole_document_outvotes_a_copy_paste_slip(report_lines):
    lines = report_lines["seririt"]
    assert any("Kecamatan Denpasar Selatan" in line for line in lines)
    assert detect_document(lines).kecamatan.name == "Seririt"


def test_detection_ignores_the_file_name(report_lines, tmp_path):
    from lumbung.documents import read_document

    path = tmp_path / "laporan.txt"
    path.write_text("\n".join(report_lines["petir"]), encoding="utf-8")
    assert detect_document(read_document(path).lines).kecamatan.name == "Petir"


def test_unrelated_text_is_rejected():
    with pytest.raises(DetectionError):
        detect_document(["Resep nasi goreng", "Bahan: nasi, telur, kecap"])


@pytest.mark.parametrize("phrase", ["Kec. Petir", "KECAMATAN PETIR", "Camat Petir", "kecamatan Petir"])
def test_every_spelling_of_a_kecamatan_maps_to_one_code(phrase):
    lines = [f"RENCANA KERJA (RENJA) {phrase} TAHUN 2024", "PEMERINTAH KABUPATEN SERANG"]
    k = detect_document(lines).kecamatan
    assert (k.code, k.name, k.kabupaten_kota, k.provinsi) == ("36.04.19", "Petir", "Kabupaten Serang", "Banten")


@pytest.mark.parametrize("region, code, kabupaten_kota", [
    ("KOTA BANDUNG", "32.73.07", "Kota Bandung"),
    ("KOTA PEKANBARU", "14.71.01", "Kota Pekanbaru"),
])
def test_kecamatan_of_the_same_name_in_two_regions_never_merge(region, code, kabupaten_kota):
    """Sukajadi is a kecamatan of Kota Bandung and of Kota Pekanbaru: the region decides."""
    lines = ["LAPORAN KINERJA (LKjIP) KECAMATAN SUKAJADI TAHUN 2023", f"PEMERINTAH {region}"]
    k = detect_document(lines).kecamatan
    assert (k.code, k.kabupaten_kota) == (code, kabupaten_kota)


def test_a_kecamatan_name_alone_in_two_regions_is_an_error_not_a_guess():
    with pytest.raises(DetectionError, match="held by 2 kabupaten"):
        detect_document(["LAPORAN KINERJA (LKjIP) KECAMATAN SUKAJADI TAHUN 2023"])


@pytest.mark.parametrize("written", [
    "RENCANA KERJA (RENJA)", "Rencana  Kerja dan Anggaran", "RKA-SKPD", "DPA SKPD", "Dokumen Pelaksanaan Anggaran",
    "LAPORAN AKUNTABILITAS KINERJA", "LAKIP", "LKIP 2022", "PERJANJIAN KINERJA", "Renstra 2021-2026",
    "RENCANA STRATEGIS", "LAPORAN KINERJA INSTANSI PEMERINTAH", "LKjIP", "Lkj IP Kecamatan", "LKJ IP",
])
def test_the_substring_filter_lets_every_type_spelling_through(written):
    """`may_name_a_type` skips the type regex on lines that cannot name a type: it must never
    skip a line the regex would read (on written spellings and on every line of the reports)."""
    from lumbung.detect import ANY_TYPE, may_name_a_type

    assert ANY_TYPE.search(written) and may_name_a_type(written)


def test_the_substring_filter_skips_no_line_of_the_reports(report_lines):
    from lumbung.detect import ANY_TYPE, may_name_a_type

    read = [line for lines in report_lines.values() for line in lines if ANY_TYPE.search(line)]
    assert len(read) > 20
    assert all(may_name_a_type(line) for line in read)
    assert not may_name_a_type("Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota")


@pytest.mark.parametrize("written", [
    "Jl. Raya Petir No. 1", "JLN. Veteran 12", "Jalan Ahmad Yani", "Telp. (0254) 280123", "TELEPON 0254-280123",
    "Tlp 0362 41234", "Fax (0254) 280124", "Faks. 0254", "Kode Pos 42171", "KODEPOS 42171", "E-mail: kecpetir@gmail.com",
    "Email kecamatan", "Website : kecamatan.serangkab", "Laman: serangkota", "https://petir.serangkab.go.id",
    "http://kecamatan", "www.serangkab.go.id", "petir.serangkab.go.id", "kecamatan@serangkab",
])
def test_the_substring_filter_lets_every_address_spelling_through(written):
    """`places` skips the address regex on lines that cannot be an address (no word of
    ADDRESS_WORDS): it must never skip a line the regex would read."""
    from lumbung.identify.places import ADDRESS_RE, _is_address

    assert ADDRESS_RE.search(written) and _is_address(written)


def test_the_address_filter_skips_no_line_of_the_reports(report_lines):
    from lumbung.identify.places import ADDRESS_RE, _is_address, clean

    texts = [clean(line) for lines in report_lines.values() for line in lines]
    assert [t for t in texts if ADDRESS_RE.search(t)] == [t for t in texts if _is_address(t)]
    assert sum(1 for t in texts if _is_address(t)) >= 4
    assert not _is_address("Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota")
