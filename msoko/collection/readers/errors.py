"""The one exception the readers raise: a Russian message saying what is wrong and where."""

from __future__ import annotations


class ReadError(Exception):
    """The file cannot be read safely; `message` is for the user, in Russian."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.sheet = sheet
        self.row = row
        self.column = column
