"""Reading one table (the single xlsx sheet or the CSV) into a Polars frame of strings."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from msoko.collection.readers.errors import ReadError
from msoko.collection.readers.inspect import check_xlsx, column_letters, detect_format
from msoko.collection.readers.text import DELIMITERS, decode_csv

ROW = "__row"


@dataclass
class Table:
    """Header cells and data of one sheet; frame columns are "0", "1", … plus ``__row``.

    ``__row`` is the row number the user sees in Excel (header = 1), or the CSV line number.
    Values are stripped strings; empty cells are null; wholly empty rows are dropped.
    """

    name: str
    format: str
    headers: list[str]
    frame: pl.DataFrame
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.frame.height

    def column_label(self, position: int) -> str:
        """How a column is named in messages: «Отметка» (K) for xlsx, «Отметка» for CSV."""
        header = self.headers[position] if position < len(self.headers) else ""
        header_text = f"«{header}»" if header else "без заголовка"
        if self.format == "xlsx":
            return f"{header_text} ({column_letters(position + 1)})"
        return f"{header_text} (№ {position + 1})"


def _normalise(raw: pl.LazyFrame, first_row: int) -> tuple[list[str], pl.DataFrame]:
    """Split header from data, strip strings, number rows, drop empty rows.

    The data rows are collected with Polars' streaming engine: a CSV is read in batches and
    only the cleaned frame is ever whole in memory.
    """
    names_in = raw.collect_schema().names()
    names = [str(i) for i in range(len(names_in))]
    raw = raw.rename(dict(zip(names_in, names, strict=True)))
    head = raw.head(1).collect()
    if head.height == 0:
        return [], head
    headers = [" ".join(str(h).split()) if h is not None else "" for h in head.row(0)]
    query = raw.slice(1).with_row_index(ROW, offset=first_row + 1).with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in names]
    ).with_columns(pl.col(ROW).cast(pl.Int64))
    if names:
        query = query.filter(~pl.all_horizontal([pl.col(c).is_null() for c in names]))
    data = query.collect(engine="streaming")
    # Trailing columns with neither header nor data are formatting leftovers.
    while headers and not headers[-1] and data.get_column(names[len(headers) - 1]).null_count() == data.height:
        data = data.drop(names[len(headers) - 1])
        headers.pop()
    return headers, data


def _read_xlsx(path: Path, name: str) -> Table:
    info = check_xlsx(path, name)
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
        raw = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own hierarchy for damaged parts
        raise ReadError(f"Файл «{name}» повреждён: книга Excel не читается ({type(exc).__name__}).") from None
    sheet_name = info.sheet_names[0] if info.sheet_names else ""
    raw = raw.select([pl.col(c).cast(pl.String) for c in raw.columns])
    headers, frame = _normalise(raw.lazy(), first_row=1)
    del raw
    return Table(name=name, format="xlsx", headers=headers, frame=frame, sheet=sheet_name)


def _first_ragged_line(text: str, delimiter: str, width: int) -> int:
    for number, fields in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if len(fields) > width:
            return number
    return 0


def _read_csv(path: Path, name: str) -> Table:
    data = path.read_bytes()
    decoded = decode_csv(data, name)  # checks the whole file's encoding; the text is not kept
    encoding, delimiter = decoded.encoding, decoded.delimiter
    # UTF-8 (with or without BOM) is scanned from the file itself; cp1251 is re-encoded once.
    source: Path | bytes = decoded.text.encode("utf-8") if encoding == "cp1251" else path
    del data, decoded
    try:
        headers, frame = _normalise(
            pl.scan_csv(source, separator=delimiter, has_header=False, infer_schema=False, quote_char='"'),
            first_row=1,
        )
    except pl.exceptions.ComputeError:
        text = decode_csv(path.read_bytes(), name).text
        header_width = len(next(csv.reader(io.StringIO(text.split("\n", 1)[0], newline=""), delimiter=delimiter)))
        line = _first_ragged_line(text, delimiter, header_width)
        raise ReadError(
            f"Файл «{name}», строка {line}: значений больше, чем столбцов в заголовке ({header_width}); "
            f"проверьте разделитель ({DELIMITERS[delimiter]}) и кавычки.",
            row=line,
        ) from None
    notes = [f"кодировка {encoding}, разделитель — {DELIMITERS[delimiter]}"]
    return Table(
        name=name, format="csv", headers=headers, frame=frame, encoding=encoding,
        delimiter=delimiter, notes=notes,
    )


def read_table(path: str | Path, name: str | None = None) -> Table:
    """Inspect and read a file; raise ReadError with a Russian message when it cannot be used."""
    path = Path(path)
    name = name or path.name
    kind = detect_format(path, name)
    table = _read_xlsx(path, name) if kind == "xlsx" else _read_csv(path, name)
    where = f"Файл «{name}»" + (f", лист «{table.sheet}»" if table.sheet else "")
    if not any(table.headers):
        raise ReadError(f"{where}: лист пуст — нет ни заголовков, ни данных.", sheet=table.sheet)
    if table.rows == 0:
        raise ReadError(f"{where}: нет строк данных (заполнена только строка заголовков).", sheet=table.sheet)
    return table
