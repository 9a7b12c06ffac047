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


def _normalise(raw: pl.DataFrame, first_row: int) -> tuple[list[str], pl.DataFrame]:
    """Split header from data, strip strings, number rows, drop empty rows."""
    width = raw.width
    names = [str(i) for i in range(width)]
    raw = raw.rename(dict(zip(raw.columns, names, strict=True)))
    if raw.height == 0:
        return [], raw
    header_row = raw.row(0)
    headers = [" ".join(str(h).split()) if h is not None else "" for h in header_row]
    data = raw.slice(1).with_row_index(ROW, offset=first_row + 1)
    data = data.with_columns(
        [
            pl.col(c).str.strip_chars().replace("", None)
            for c in names
        ]
    ).with_columns(pl.col(ROW).cast(pl.Int64))
    if names:
        data = data.filter(~pl.all_horizontal([pl.col(c).is_null() for c in names]))
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
    headers, frame = _normalise(raw, first_row=1)
    return Table(name=name, format="xlsx", headers=headers, frame=frame, sheet=sheet_name)


def _first_ragged_line(text: str, delimiter: str, width: int) -> int:
    for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if len(fields) > width:
            return number
    return 0


def _read_csv(path: Path, name: str) -> Table:
    data = path.read_bytes()
    decoded = decode_csv(data, name)
    encoded = decoded.text.encode("utf-8") if decoded.encoding == "cp1251" else data
    if decoded.encoding == "utf-8-sig":
        encoded = encoded[3:]
    del data
    try:
        raw = pl.read_csv(
            io.BytesIO(encoded), separator=decoded.delimiter, has_header=False, infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.ComputeError:
        header_width = len(next(csv.reader(io.StringIO(decoded.text.split("\n", 1)[0]), delimiter=decoded.delimiter)))
        line = _first_ragged_line(decoded.text, decoded.delimiter, header_width)
        raise ReadError(
            f"Файл «{name}», строка {line}: значений больше, чем столбцов в заголовке ({header_width}); "
            f"проверьте разделитель ({DELIMITERS[decoded.delimiter]}) и кавычки.",
            row=line,
        ) from None
    headers, frame = _normalise(raw, first_row=1)
    notes = [f"кодировка {decoded.encoding}, разделитель — {DELIMITERS[decoded.delimiter]}"]
    return Table(
        name=name, format="csv", headers=headers, frame=frame, encoding=decoded.encoding,
        delimiter=decoded.delimiter, notes=notes,
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
