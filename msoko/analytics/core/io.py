"""Reading the long ШНОР / ШНСУ input (csv or xlsx) and writing result.json / result.xlsx.

Input columns: ``org_code, org_name, cluster, year, block, indicator, value, higher_is_better``
(names are matched case-insensitively, extra columns are ignored). csv: the separator (``;``,
``,`` or tab) and the encoding (UTF-8, with or without BOM, or cp1251) are detected; xlsx: the
first sheet is read through calamine. A blank ``value`` means the school lacks the indicator; any
other non-number is an error. Every error names the file, the sheet, the row and the column, and
nothing is computed until the whole file is clean.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import polars as pl
import python_calamine
import xlsxwriter

from msoko.analytics.core.errors import InputError
from msoko.analytics.core.shnor import ShnorResult
from msoko.analytics.core.validation import LONG_SCHEMA, MAX_PROBLEMS, validate_long_frame
from msoko.collection.readers.errors import ReadError
from msoko.collection.readers.inspect import check_xlsx_safety, detect_format

COLUMNS = tuple(LONG_SCHEMA)
YEAR_PATTERN = r"^(\d{4})(?:\.0+)?(?:\s*[/-]\s*\d{2,4})?$"


class _Source:
    """Where a row came from, for messages: file, optional sheet, column letters."""

    def __init__(self, path: Path, sheet: str | None, letters: dict[str, str]) -> None:
        self.path = path
        self.sheet = sheet
        self.letters = letters

    def row(self, row: int) -> str:
        sheet = f", лист «{self.sheet}»" if self.sheet else ""
        return f"Файл «{self.path.name}»{sheet}, строка {row}"

    def cell(self, row: int, column: str) -> str:
        letter = f" ({self.letters[column]})" if column in self.letters else ""
        return f"{self.row(row)}, столбец «{column}»{letter}"


def read_long_table(path: str | Path) -> pl.DataFrame:
    """Read and validate the long input; returns a frame of `LONG_SCHEMA` plus ``_row``.

    Raises `InputError` with every problem found (up to `MAX_PROBLEMS`).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([f"Файл «{path}» не найден."])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows, header_row, sheet = *_read_csv(path), None
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        header, rows, header_row, sheet = _read_workbook(path)
    else:
        raise InputError([f"Файл «{path.name}»: поддерживаются только файлы .csv и .xlsx."])

    names = [str(h).strip().lower() for h in header]
    letters = {name: _column_letter(i) for i, name in enumerate(names)} if sheet else {}
    source = _Source(path, sheet, letters)
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        listed = ", ".join(f"«{c}»" for c in missing)
        raise InputError(
            [f"{source.row(header_row)}: в строке заголовков нет обязательных столбцов: {listed}."]
        )
    positions = {c: names.index(c) for c in COLUMNS}
    numbers: list[int] = []
    cells: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for number, raw in rows:
        values = [_cell_text(raw[positions[c]]) if positions[c] < len(raw) else "" for c in COLUMNS]
        if not any(values):
            continue
        numbers.append(number)
        for column, value in zip(COLUMNS, values, strict=True):
            cells[column].append(value)
    if not numbers:
        raise InputError([f"Файл «{path.name}»: нет ни одной строки с данными."])
    text = pl.DataFrame(
        {"_row": numbers, **cells}, schema={"_row": pl.Int64, **dict.fromkeys(COLUMNS, pl.String)}
    )
    frame = _parse(text, source)
    return validate_long_frame(frame, source.row)


def _parse(text: pl.DataFrame, source: _Source) -> pl.DataFrame:
    """Turn the all-string frame into `LONG_SCHEMA`, reporting every cell that cannot be read."""
    value_text = pl.col("value").str.replace_all(r"[\s\u00a0]", "").str.replace(",", ".")
    hib_text = pl.col("higher_is_better").str.strip_chars()
    year_text = pl.col("year").str.strip_chars()
    typed = text.with_columns(
        pl.col("org_code", "org_name", "cluster", "indicator").str.strip_chars(),
        block=pl.col("block").str.strip_chars().str.to_lowercase(),
        year=year_text.str.extract(YEAR_PATTERN, 1).cast(pl.Int64, strict=False),
        value=value_text.cast(pl.Float64, strict=False),
        higher_is_better=pl.when(hib_text.is_in(["1", "1.0"]))
        .then(True)
        .when(hib_text.is_in(["0", "0.0"]))
        .then(False)
        .otherwise(None),
    )
    both = pl.concat(
        [text.select("_row", pl.all().exclude("_row").name.suffix("_text")), typed.drop("_row")],
        how="horizontal",
    )
    problems: list[str] = []
    checks = [
        (
            "year",
            pl.col("year").is_null(),
            "учебный год «{}» не распознан; ожидается, например, 2023 или 2023/24.",
        ),
        (
            "value",
            (pl.col("value_text") != "") & (pl.col("value").is_null() | ~pl.col("value").is_finite()),
            "значение «{}» не является числом.",
        ),
        ("higher_is_better", pl.col("higher_is_better").is_null(), "значение «{}»; ожидается 1 или 0."),
    ]
    for column, condition, template in checks:
        for item in both.filter(condition).head(MAX_PROBLEMS).iter_rows(named=True):
            problems.append(f"{source.cell(item['_row'], column)}: {template.format(item[column + '_text'])}")
    if problems:
        raise InputError(problems[: MAX_PROBLEMS + 1])
    return typed.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
        for c in ("org_code", "org_name", "cluster", "indicator", "block")
    ).select("_row", *COLUMNS)


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[object]]], int]:
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            content = raw.decode("cp1251")
        except UnicodeDecodeError as cp1251_error:
            line = raw[: max(utf8_error.start, cp1251_error.start)].count(b"\n") + 1
            raise InputError(
                [f"Файл «{path.name}», строка {line}: кодировка не распознана (ожидается UTF-8 или Windows-1251)."]
            ) from None
    if "\x00" in content:
        line = content[: content.index("\x00")].count("\n") + 1
        raise InputError(
            [f"Файл «{path.name}», строка {line}: двоичные данные или кодировка UTF-16 не поддерживаются; "
             "сохраните CSV в кодировке UTF-8 или Windows-1251."]
        )
    first = next((line for line in content.splitlines() if line.strip()), "")
    separator = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=separator)
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[object]]] = []
    line = 0
    for record in reader:
        number = line + 1
        line = reader.line_num
        if header is None:
            if any(cell.strip() for cell in record):
                header, header_row = record, number
            continue
        rows.append((number, list(record)))
    if header is None:
        raise InputError([f"Файл «{path.name}» пуст."])
    return header, rows, header_row


def _read_workbook(path: Path) -> tuple[list[str], list[tuple[int, list[object]]], int, str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        # calamine allocates what a sheet declares: bombs and far cells are refused before it runs
        try:
            if path.suffix.lower() == ".xlsx":
                detect_format(path)
            check_xlsx_safety(path)
        except ReadError as exc:
            raise InputError([exc.message]) from None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet_name = workbook.sheet_names[0]
        table = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise InputError([f"Файл «{path.name}» не удалось прочитать как книгу Excel: {exc}."]) from exc
    for i, record in enumerate(table):
        if any(_cell_text(cell) for cell in record):
            header = [_cell_text(cell) for cell in record]
            rows = [(j + 1, list(table[j])) for j in range(i + 1, len(table))]
            return header, rows, i + 1, sheet_name
    raise InputError([f"Файл «{path.name}», лист «{sheet_name}» пуст."])


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer():
            return str(int(cell))
        return repr(cell)
    return str(cell).strip()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- output ------------------------------------------------------------------------------------


def result_to_dict(result: ShnorResult) -> dict[str, object]:
    """The JSON document: settings, per-year tables, lists and statuses (ranks from 1 = worst)."""
    years: dict[str, dict[str, dict[str, dict[str, object]]]] = {
        str(year): {"results": {}, "social": {}} for year in result.window_years
    }
    tables = (("results", "low", result.results), ("social", "unfavourable", result.social))
    for block, flag, table in tables:
        for item in table.filter(pl.col("index").is_not_null()).iter_rows(named=True):
            years[str(item["year"])][block][item["org_code"]] = {
                "index": item["index"],
                "rank": item["rank"],
                flag: item[flag],
                "group": item["group"],
                "indicators_used": item["indicators_used"],
                "indicators_missing": item["indicators_missing"],
            }
    return {
        "settings": result.settings.to_dict(),
        "window_years": result.window_years,
        "years": years,
        "stable_low": result.stable_low,
        "social_status": result.social_status,
        "overlay": result.overlay,
        "resilient": result.resilient,
        "insufficient_data": result.insufficient_data,
        "warnings": result.warnings,
    }


SETTING_TITLES = {
    "normalisation": "Нормирование",
    "share": "Доля отбираемых школ",
    "rounding": "Округление числа школ (k)",
    "ties": "Школы с равным индексом на границе",
    "window": "Окно анализа, лет",
    "group_by": "Группировка",
    "missing_years": "Школа без данных за часть лет",
    "constant_indicator": "Показатель, постоянный в группе",
    "missing_indicator": "Школа без части показателей",
    "resilient_basis": "Основание для резильентности",
}
YEAR_HEADERS = {
    "year": "Год",
    "group": "Кластер",
    "org_code": "Код ОО",
    "org_name": "Наименование ОО",
    "index": "Частный индекс",
    "rank": "Место (1 = худшее)",
    "n": "Школ в группе",
    "k": "Доля в школах (k)",
    "indicators_used": "Показателей в индексе",
    "indicators_present": "Показателей у школы",
    "indicators_expected": "Показателей за год",
    "indicators_missing": "Нет части показателей",
}
SCHOOL_HEADERS = {
    "org_code": "Код ОО",
    "org_name": "Наименование ОО",
    "cluster": "Кластер",
    "results_years": "Лет с индексом результатов",
    "low_years": "Лет в числе низких",
    "social_years": "Лет с социальным индексом",
    "unfavourable_years": "Лет в неблагоприятных условиях",
    "stable_low": "Устойчиво низкие результаты",
    "social_status": "Социальные условия",
    "overlay": "ШНОР в неблагоприятных условиях",
    "resilient": "Резильентная",
    "insufficient_data": "Недостаточно данных",
}


def write_outputs(result: ShnorResult, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``result.json`` and ``result.xlsx`` into `out_dir` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "result.json"
    json_path.write_text(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    xlsx_path = out / "result.xlsx"
    write_xlsx(result, xlsx_path)
    return json_path, xlsx_path


def write_xlsx(result: ShnorResult, path: Path) -> None:
    """Russian workbook: settings, results by year, social conditions by year, schools, lists."""
    settings = pl.DataFrame(
        {
            "Параметр": [SETTING_TITLES.get(k, k) for k in result.settings.to_dict()] + ["Годы окна"],
            "Код": list(result.settings.to_dict()) + ["window_years"],
            "Значение": [str(v) for v in result.settings.to_dict().values()]
            + [", ".join(str(y) for y in result.window_years)],
        }
    )
    results = _russian(result.results, {**YEAR_HEADERS, "low": "Низкие результаты"})
    social = _russian(result.social, {**YEAR_HEADERS, "unfavourable": "Неблагоприятные условия"})
    schools = _russian(result.schools, SCHOOL_HEADERS)
    identity = ["org_code", "org_name", "cluster"]

    def school_list(flag: str) -> pl.DataFrame:
        return _russian(result.schools.filter(flag).select(identity), SCHOOL_HEADERS)

    sheets = [
        ("Параметры", settings),
        ("Результаты по годам", results),
        ("Социальные условия по годам", social),
        ("Итог по школам", schools),
        ("Устойчиво низкие", school_list("stable_low")),
        ("Наложение списков", school_list("overlay")),
        ("Резильентные", school_list("resilient")),
        ("Недостаточно данных", school_list("insufficient_data")),
        (
            "Предупреждения",
            pl.DataFrame({"Предупреждение": result.warnings}, schema={"Предупреждение": pl.String}),
        ),
    ]
    with xlsxwriter.Workbook(str(path)) as workbook:
        for name, frame in sheets:
            frame.write_excel(workbook=workbook, worksheet=name, autofit=True, float_precision=6)


def _russian(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    booleans = [c for c, t in frame.schema.items() if t == pl.Boolean]
    frame = frame.with_columns(
        pl.col(c).replace_strict({True: "да", False: "нет"}, default=None, return_dtype=pl.String)
        for c in booleans
    )
    return frame.rename({c: headers[c] for c in frame.columns if c in headers})
