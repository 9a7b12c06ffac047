"""XLSX through xlsxwriter: one sheet per table, safe from formula injection.

Every text cell is written with `write_string` (never parsed as a formula) and the workbook is
opened with ``strings_to_formulas=False``; a text beginning with = + - @ additionally gets a
"quote prefix" format (Excel shows it as typed text and never evaluates it).
"""

from __future__ import annotations

import io
import re

import xlsxwriter

from msoko.reports.document import DASH, HIDDEN, Document, Table, format_cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def is_risky(text: str) -> bool:
    return text.startswith(FORMULA_START)


def sheet_name(key: str, used: set[str]) -> str:
    """A valid, unique (case-insensitive) worksheet name of at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", key)[:28] or "Таблица"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]}_{n}"
    used.add(name.lower())
    return name


NUMBER_FORMATS = {"int": "# ##0", "num": "# ##0.0", "num2": "0.00", "pct": "0.0", "signed": "+0.0;-0.0;0"}


def new_workbook(buffer: io.BytesIO):
    """An in-memory workbook that never turns text into formulas, links or numbers, with its title
    (bold) and column-header formats: (book, bold, head)."""
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "top"})
    return book, bold, head


def write_tables(tables: list[Table], title: str = "") -> bytes:
    buffer = io.BytesIO()
    book, bold, head = new_workbook(buffer)
    text = book.add_format({"border": 1})
    quoted = book.add_format({"border": 1, "quote_prefix": True})
    numbers = {k: book.add_format({"border": 1, "num_format": v}) for k, v in NUMBER_FORMATS.items()}
    total_numbers = {k: book.add_format({"border": 1, "num_format": v, "bold": True}) for k, v in NUMBER_FORMATS.items()}
    used: set[str] = set()
    index = book.add_worksheet(sheet_name("Содержание", used))
    index.write_string(0, 0, title or "Таблицы", bold)
    index.set_column(0, 0, 14)
    index.set_column(1, 1, 90)
    for number, table in enumerate(tables, start=1):
        sheet = book.add_worksheet(sheet_name(table.key, used))
        index.write_string(number + 1, 0, sheet.name)
        index.write_string(number + 1, 1, f"Таблица {number}. {table.caption}")
        sheet.write_string(0, 0, f"Таблица {number}. {table.caption}", bold)
        for c, column in enumerate(table.columns):
            sheet.write_string(2, c, column.title, head)
            sheet.set_column(c, c, 12 if column.numeric else 36)
        for r, row in enumerate(table.rows, start=3):
            total = r - 3 >= len(table.rows) - table.total_rows
            for c, (value, column) in enumerate(zip(row, table.columns, strict=False)):
                if value is None or value is HIDDEN:
                    sheet.write_string(r, c, DASH, text)
                elif column.numeric and isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, float(value), (total_numbers if total else numbers)[column.kind])
                else:
                    shown = format_cell(value, column.kind)
                    sheet.write_string(r, c, shown, quoted if is_risky(shown) else text)
        last = 3 + len(table.rows)
        for n, note in enumerate(table.notes):
            sheet.write_string(last + 1 + n, 0, note)
        sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()


def render_xlsx(document: Document) -> bytes:
    return write_tables(document.tables(), document.title)
