"""Uploads are refused before anything reads them when too big, of a wrong type or disguised."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from msoko.core.uploads import TABLE_EXTENSIONS, UploadError, check_upload


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_a_real_workbook_is_accepted_and_left_at_its_start():
    upload = SimpleUploadedFile("впр_2024.XLSX", xlsx_bytes())
    assert check_upload(upload, TABLE_EXTENSIONS) == "xlsx"
    assert upload.read(2) == b"PK"


def test_a_csv_in_windows_1251_is_accepted():
    upload = SimpleUploadedFile("опрос.csv", "код;ответ\nOO-A;да\n".encode("cp1251"))
    assert check_upload(upload, TABLE_EXTENSIONS) == "csv"


def test_a_wrong_extension_is_refused_with_the_allowed_list():
    upload = SimpleUploadedFile("report.exe", b"MZ\x90\x00")
    with pytest.raises(UploadError) as error:
        check_upload(upload, {"xlsx", "csv"})
    assert str(error.value) == "Файл «report.exe»: тип файла «.exe» не принимается; допустимы: csv, xlsx."


def test_a_file_without_extension_is_refused():
    with pytest.raises(UploadError, match="у файла нет расширения"):
        check_upload(SimpleUploadedFile("README", b"text"), {"csv"})


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.MSOKO_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.csv", b"a;b\n" * (300 * 1024))  # 1 228 800 bytes = 1,2 MB
    with pytest.raises(UploadError) as error:
        check_upload(upload, {"csv"})
    assert str(error.value) == "Файл «big.csv» слишком большой: 1,2 МБ при допустимых 1,0 МБ."


def test_an_empty_file_is_refused():
    with pytest.raises(UploadError, match="«empty.xlsx» пуст"):
        check_upload(SimpleUploadedFile("empty.xlsx", b""), {"xlsx"})


def test_a_renamed_file_is_refused():
    disguised = SimpleUploadedFile("результаты.xlsx", b"%PDF-1.7 not a workbook")
    with pytest.raises(UploadError) as error:
        check_upload(disguised, {"xlsx"})
    assert "содержимое не соответствует расширению «.xlsx»" in str(error.value)


def test_a_binary_file_named_csv_is_refused():
    with pytest.raises(UploadError, match="не соответствует"):
        check_upload(SimpleUploadedFile("data.csv", b"\x00\x01\x02binary"), {"csv"})


def test_the_error_is_a_form_validation_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("x.exe", b"1"), {"csv"})
    assert error.value.messages == ["Файл «x.exe»: тип файла «.exe» не принимается; допустимы: csv."]
