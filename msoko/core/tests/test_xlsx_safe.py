"""Exported cells never become formulas: text that looks like one is written as text."""

from __future__ import annotations

import datetime
import decimal
import io

import openpyxl
import pytest
import xlsxwriter

from msoko.core.xlsx_safe import safe_cell, write_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+7 999 123-45-67", "'+7 999 123-45-67"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("Школа А", "Школа А"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_is_prefixed(value, expected):
    assert safe_cell(value) == expected


def test_numbers_dates_booleans_and_empty_pass_unchanged():
    day = datetime.date(2025, 5, 20)
    assert safe_cell(-5) == -5
    assert safe_cell(-0.25) == -0.25
    assert safe_cell(True) is True
    assert safe_cell(day) == day
    assert safe_cell(None) is None
    assert safe_cell(decimal.Decimal("-1.5")) == -1.5


def test_other_objects_become_text():
    class Thing:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert safe_cell(Thing()) == "'=cmd|' /C calc'!A0"


def test_a_written_workbook_holds_no_formula():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    write_row(sheet, 0, ["=1+1", "-3", -3, None, "обычный текст"])
    book.close()
    buffer.seek(0)
    cells = next(openpyxl.load_workbook(buffer).active.iter_rows(values_only=False))
    assert [cell.data_type for cell in cells[:3]] == ["s", "s", "n"]
    assert [cell.value for cell in cells] == ["'=1+1", "'-3", -3, None, "обычный текст"]
