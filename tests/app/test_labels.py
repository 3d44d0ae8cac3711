"""Danish display helpers."""

from __future__ import annotations

from app_streamlit.labels import upload_name


def test_an_excel_upload_keeps_its_file_name_and_csv_files_get_a_dated_name() -> None:
    assert upload_name(["Netværk Vest.xlsx"], "2026-12-01T13:05:00+00:00") == "Netværk Vest"
    at = "2026-12-01T13:05:00+00:00"  # 14.05 in Copenhagen
    assert (
        upload_name(["alumni.csv", "students.csv", "companies.csv"], at)
        == "Eget netværk, 01.12.2026 kl. 14.05"
    )
    assert upload_name(["students.csv"], at) == "Eget netværk, 01.12.2026 kl. 14.05"
