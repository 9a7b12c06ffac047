"""Values for spreadsheet cells that cannot turn into formulas (formula / CSV injection).

Text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or line break) is taken for a formula
by Excel and LibreOffice, and xlsxwriter's ``write`` and openpyxl even store such a string as a
formula. Every exporter (xlsx and csv) passes each value through `safe_cell`: numbers, dates,
booleans and None pass unchanged; dangerous text gets a leading apostrophe, the OWASP remedy, so
any writer stores it as plain text and a spreadsheet shows it literally. `write_row` does this
for an xlsxwriter worksheet.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

CellValue = str | int | float | bool | datetime.date | datetime.datetime | None


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program would read this text as the start of a formula."""
    return text.startswith(FORMULA_PREFIXES)


def safe_cell(value: Any) -> CellValue:
    """A value safe to hand to any xlsx or csv writer (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | datetime.date | datetime.datetime):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def write_row(worksheet: Any, row: int, values: Iterable[Any], cell_format: Any = None) -> None:
    """Write one row to an xlsxwriter worksheet; text always as a string, never as a formula."""
    for column, value in enumerate(values):
        cell = safe_cell(value)
        if isinstance(cell, str):
            worksheet.write_string(row, column, cell, cell_format)
        elif cell is None:
            worksheet.write_blank(row, column, None, cell_format)
        elif isinstance(cell, datetime.datetime | datetime.date):
            if isinstance(cell, datetime.datetime) and cell.tzinfo is not None:
                cell = cell.replace(tzinfo=None)
            worksheet.write_datetime(row, column, cell, cell_format)
        else:
            worksheet.write(row, column, cell, cell_format)
