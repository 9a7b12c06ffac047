"""Byte-deterministic table writers: xlsx (xlsxwriter, constant memory) and csv (Polars, «;»).

A table is written in chunks of Polars frames with the same columns, so region-scale files never
have to be held in memory whole.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

import polars as pl
import xlsxwriter

FIXED_CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)
CSV_SEPARATOR = ";"


class TableWriter:
    """Write a header and then frames (chunks) to an xlsx or csv file; use as a context manager."""

    def __init__(self, path: Path, columns: list[str], fmt: str, sheet_name: str = "Данные") -> None:
        if fmt not in ("xlsx", "csv"):
            raise ValueError(f"неизвестный формат файла: {fmt}")
        self.path = path
        self.columns = list(columns)
        self.fmt = fmt
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._csv: IO[bytes] | None = None
        self._workbook = None
        self._sheet = None
        self._header_written = False
        if fmt == "xlsx":
            self._workbook = xlsxwriter.Workbook(
                str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
            )
            self._workbook.set_properties({"created": FIXED_CREATED, "author": "msoko demo"})
            self._sheet = self._workbook.add_worksheet(sheet_name[:31])
            self._sheet.write_row(0, 0, self.columns)
        else:
            self._csv = path.open("wb")

    def write(self, frame: pl.DataFrame) -> None:
        if frame.columns != self.columns:
            frame = frame.select(self.columns)
        if self.fmt == "xlsx":
            sheet = self._sheet
            row = self.rows + 1
            for values in frame.iter_rows():
                for col, value in enumerate(values):
                    if value is not None:
                        sheet.write(row, col, value)
                row += 1
        else:
            frame.write_csv(self._csv, separator=CSV_SEPARATOR, include_header=not self._header_written)
            self._header_written = True
        self.rows += frame.height

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._csv is not None:
            if not self._header_written:
                self._csv.write((CSV_SEPARATOR.join(self.columns) + "\n").encode("utf-8"))
            self._csv.close()
            self._csv = None

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_table(path: Path, frame: pl.DataFrame, fmt: str) -> int:
    """Write a whole frame; returns the number of data rows."""
    with TableWriter(path, frame.columns, fmt) as writer:
        writer.write(frame)
        return writer.rows
