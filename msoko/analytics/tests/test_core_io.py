"""Reading the long csv/xlsx input: separators, encodings, and messages naming row and column."""

import json

import polars as pl
import pytest
import xlsxwriter

from msoko.analytics.core.errors import InputError
from msoko.analytics.core.io import read_long_table, write_outputs
from msoko.analytics.core.shnor import identify

HEADER = ["org_code", "org_name", "cluster", "year", "block", "indicator", "value", "higher_is_better"]
GOOD = [
    ["01", "СОШ № 1", "Город", "2022", "results", "vpr_share_2", "12,5", "0"],
    ["02", "СОШ № 2", "Город", "2022/23", "results", "vpr_share_2", "", "0"],
    ["01", "СОШ № 1", "Город", "2022", "social", "odn_kdn_share", "1.5", "0"],
]


def write_csv(path, rows, separator=";", encoding="utf-8"):
    lines = [separator.join(HEADER), *(separator.join(r) for r in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path, rows, sheet="Данные"):
    with xlsxwriter.Workbook(str(path)) as book:
        sheet_ = book.add_worksheet(sheet)
        sheet_.write_row(0, 0, HEADER)
        for i, row in enumerate(rows, start=1):
            sheet_.write_row(i, 0, row)
    return path


@pytest.mark.parametrize(("separator", "encoding"), [(";", "cp1251"), (";", "utf-8-sig"), (",", "utf-8")])
def test_csv_with_either_separator_and_encoding(tmp_path, separator, encoding):
    rows = [[cell.replace(",", ".") if separator == "," else cell for cell in row] for row in GOOD]
    frame = read_long_table(write_csv(tmp_path / "in.csv", rows, separator, encoding))
    assert frame["org_name"].to_list() == ["СОШ № 1", "СОШ № 2", "СОШ № 1"]
    assert frame["value"].to_list() == [12.5, None, 1.5]  # decimal comma read, blank = no value
    assert frame["year"].to_list() == [2022, 2022, 2022]  # «2022/23» is the year that starts in 2022
    assert frame["higher_is_better"].to_list() == [False, False, False]
    assert frame["_row"].to_list() == [2, 3, 4]


def test_xlsx_through_calamine(tmp_path):
    rows = [["01", "СОШ № 1", "Город", 2022, "results", "vpr_share_2", 12.5, 0]]
    frame = read_long_table(write_xlsx(tmp_path / "in.xlsx", rows))
    assert frame.row(0, named=True) == {
        "_row": 2,
        "org_code": "01",
        "org_name": "СОШ № 1",
        "cluster": "Город",
        "year": 2022,
        "block": "results",
        "indicator": "vpr_share_2",
        "value": 12.5,
        "higher_is_better": False,
    }


def problem(tmp_path, rows, name="in.csv"):
    path = write_csv(tmp_path / name, rows) if name.endswith(".csv") else write_xlsx(tmp_path / name, rows)
    with pytest.raises(InputError) as caught:
        read_long_table(path)
    return str(caught.value)


def test_non_numeric_value_names_row_and_column(tmp_path):
    rows = [GOOD[0], [*GOOD[1][:6], "нет данных", "0"]]
    assert "Файл «in.csv», строка 3, столбец «value»: значение «нет данных» не является числом." in problem(
        tmp_path, rows
    )


def test_direction_must_be_one_or_zero(tmp_path):
    rows = [GOOD[0], [*GOOD[1][:7], "2"]]
    assert "строка 3, столбец «higher_is_better»: значение «2»; ожидается 1 или 0." in problem(tmp_path, rows)


def test_xlsx_messages_name_the_sheet_and_the_column_letter(tmp_path):
    rows = [["01", "СОШ № 1", "Город", 2022, "results", "vpr_share_2", "abc", 0]]
    message = problem(tmp_path, rows, "in.xlsx")
    assert "Файл «in.xlsx», лист «Данные», строка 2, столбец «value» (G)" in message


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "org_code;org_name;cluster;year;block;indicator;value\n01;a;b;2022;results;x;1\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="нет обязательных столбцов: «higher_is_better»"):
        read_long_table(path)


def test_a_year_with_no_schools_is_refused(tmp_path):
    rows = [GOOD[0], ["01", "СОШ № 1", "Город", "2023", "results", "vpr_share_2", "", "0"]]
    message = problem(tmp_path, rows)
    assert "строка 3, столбец «year»: в 2023 году" in message
    assert "нет ни одной школы" in message


def test_unknown_block_and_empty_code(tmp_path):
    rows = [
        ["", "СОШ", "Город", "2022", "results", "x", "1", "0"],
        ["02", "СОШ", "Город", "2022", "итоги", "x", "1", "0"],
    ]
    message = problem(tmp_path, rows)
    assert "строка 2, столбец «org_code»: пустое значение." in message
    assert "строка 3, столбец «block»: значение «итоги»" in message


def test_outputs_are_written_in_json_and_russian_xlsx(tmp_path):
    rows = [
        [f"0{o}", f"СОШ {o}", "Город", str(y), "results", "vpr_share_2", str(v), "0"]
        for y in (2021, 2022, 2023)
        for o, v in ((1, 10), (2, 40), (3, 20), (4, 30))
    ]
    result = identify(read_long_table(write_csv(tmp_path / "in.csv", rows)))
    json_path, xlsx_path = write_outputs(result, tmp_path / "out")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["stable_low"] == ["02"]
    assert document["settings"]["share"] == 0.25
    assert document["years"]["2023"]["results"]["02"] == {
        "index": 0.0,
        "rank": 1,
        "low": True,
        "group": "Город",
        "indicators_used": 1,
        "indicators_missing": False,
    }
    assert document["years"]["2023"]["social"] == {}
    sheets = pl.read_excel(xlsx_path, sheet_id=0)
    assert {"Параметры", "Результаты по годам", "Итог по школам", "Резильентные"} <= set(sheets)
    assert "Низкие результаты" in sheets["Результаты по годам"].columns
