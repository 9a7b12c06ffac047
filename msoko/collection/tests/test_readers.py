"""The safe readers refuse every kind of unusable file with a Russian message saying where."""

from __future__ import annotations

import zipfile

import pytest

from msoko.collection.readers import ReadError, read_table
from msoko.collection.readers.inspect import column_index, column_letters
from msoko.collection.tests.files import write_csv, write_xlsx

ROWS = [["Код ОО", "Значение"], ["OO-A", "5"], ["OO-B", "7,5"]]


def _rewrite(path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None, *, method=zipfile.ZIP_DEFLATED):
    """Copy an xlsx part by part, replacing or adding parts (to build malicious workbooks)."""
    target = path.with_name("changed.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", method) as out:
        for info in source.infolist():
            data = (replace or {}).get(info.filename, source.read(info.filename))
            out.writestr(info.filename, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def test_column_letters_round_trip():
    assert column_letters(1) == "A"
    assert column_letters(27) == "AA"
    assert column_index("XFD") == 16384


def test_reads_xlsx_as_strings_with_spreadsheet_row_numbers(tmp_path):
    table = read_table(write_xlsx(tmp_path / "a.xlsx", [*ROWS, [None, None], ["OO-C", 3]]))
    assert table.headers == ["Код ОО", "Значение"]
    assert table.frame.get_column("__row").to_list() == [2, 3, 5]  # the empty row 4 is skipped
    assert table.frame.get_column("1").to_list() == ["5", "7,5", "3"]
    assert table.column_label(1) == "«Значение» (B)"


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ";"), ("utf-8", ","), ("utf-8-sig", ";"), ("cp1251", ";"), ("cp1251", "\t")]
)
def test_reads_csv_in_utf8_and_cp1251_with_any_usual_delimiter(tmp_path, encoding, delimiter):
    rows = [["Код ОО", "Предмет", "Значение"], ["OO-A", "Русский язык", "5"], ["OO-Б", "Математика", "4"]]
    table = read_table(write_csv(tmp_path / "a.csv", rows, encoding=encoding, delimiter=delimiter))
    assert table.headers == ["Код ОО", "Предмет", "Значение"]
    assert table.frame.get_column("1").to_list() == ["Русский язык", "Математика"]
    assert table.encoding == encoding
    assert table.delimiter == delimiter


def test_csv_in_koi8_is_refused_as_unknown_encoding(tmp_path):
    rows = [["Код ОО", "Предмет"], *[["OO-A", "Русский язык и литература"]] * 5]
    path = write_csv(tmp_path / "a.csv", rows, encoding="koi8-r")
    with pytest.raises(ReadError, match="кодировка не распознана"):
        read_table(path)


def test_csv_in_utf16_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("Код ОО;Значение\nOO-A;5\n".encode("utf-16"))
    with pytest.raises(ReadError, match="UTF-16"):
        read_table(path)


def test_csv_without_a_known_delimiter_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Код ОО|Значение\nOO-A|5\n", encoding="utf-8")
    with pytest.raises(ReadError, match="разделитель"):
        read_table(path)


def test_csv_line_with_more_values_than_headers_names_the_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Код ОО;Значение\nOO-A;5\nOO-B;5;6\n", encoding="utf-8")
    with pytest.raises(ReadError, match="строка 3"):
        read_table(path)


def test_wrong_extension_is_refused(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError, match="расширение «.pdf» не поддерживается"):
        read_table(path)


def test_csv_renamed_to_xlsx_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_text("Код ОО;Значение\n", encoding="utf-8")
    with pytest.raises(ReadError, match="не является книгой Excel"):
        read_table(path)


def test_xlsx_renamed_to_csv_is_refused(tmp_path):
    source = write_xlsx(tmp_path / "a.xlsx", ROWS)
    path = tmp_path / "a.csv"
    path.write_bytes(source.read_bytes())
    with pytest.raises(ReadError, match="переименованная книга Excel"):
        read_table(path)


def test_truncated_xlsx_is_refused(tmp_path):
    source = write_xlsx(tmp_path / "a.xlsx", ROWS)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(source.read_bytes()[:400])
    with pytest.raises(ReadError, match="повреждён или обрезан"):
        read_table(path)


def test_password_protected_xlsx_is_refused(tmp_path):
    path = tmp_path / "secret.xlsx"  # Excel stores encrypted workbooks in an OLE container
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(ReadError, match="защищён паролем"):
        read_table(path)


def test_xlsx_with_formulas_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Код ОО", "Значение"])
    sheet.write_row(1, 0, ["OO-A", 1])
    sheet.write_formula(2, 1, "=B2*2", None, 2)
    book.close()
    with pytest.raises(ReadError, match="формулы"):
        read_table(path)


def test_xlsx_with_several_sheets_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Данные").write_row(0, 0, ["Код ОО"])
    book.add_worksheet("Справка").write_row(0, 0, ["x"])
    book.close()
    with pytest.raises(ReadError, match="2 листа.*«Данные», «Справка»"):
        read_table(path)


def test_xlsx_with_merged_header_cells_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, 1, "Код ОО")
    sheet.write_row(1, 0, ["OO-A", 1])
    book.close()
    with pytest.raises(ReadError, match="строка 1: объединённые ячейки заголовка \\(A1:B1\\)"):
        read_table(path)


def test_xlsx_with_external_links_is_refused(tmp_path):
    path = _rewrite(write_xlsx(tmp_path / "a.xlsx", ROWS), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    with pytest.raises(ReadError, match="внешние ссылки"):
        read_table(path)


def test_xlsx_with_huge_declared_dimension_is_refused(tmp_path):
    source = write_xlsx(tmp_path / "a.xlsx", ROWS)
    with zipfile.ZipFile(source) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:B3"/>', b'<dimension ref="A1:XFD1048576"/>')
    path = _rewrite(source, {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ReadError, match="заявленный размер листа слишком велик"):
        read_table(path)


def test_xlsx_with_xml_entities_is_refused(tmp_path):
    source = write_xlsx(tmp_path / "a.xlsx", ROWS)
    with zipfile.ZipFile(source) as z:
        strings = z.read("xl/sharedStrings.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + strings.split(b"?>", 1)[1]
    path = _rewrite(source, {"xl/sharedStrings.xml": evil})
    with pytest.raises(ReadError, match="DTD/ENTITY"):
        read_table(path)


def test_xlsx_zip_bomb_is_refused_before_decompression(tmp_path):
    source = write_xlsx(tmp_path / "a.xlsx", ROWS)
    path = _rewrite(source, add={"xl/media/padding.bin": b"\0" * (50 * 1024 * 1024)})
    with pytest.raises(ReadError, match="zip-бомбу"):
        read_table(path)


def test_empty_sheet_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "empty.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Пустой")
    book.close()
    with pytest.raises(ReadError, match="лист «Пустой»: лист пуст"):
        read_table(path)


def test_header_without_data_is_refused(tmp_path):
    with pytest.raises(ReadError, match="нет строк данных"):
        read_table(write_csv(tmp_path / "h.csv", [["Код ОО", "Значение"]]))


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="пуст"):
        read_table(path)
