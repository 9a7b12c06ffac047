"""Errors of the analytical core; messages are in Russian because they reach the user unchanged."""

from __future__ import annotations


class AnalyticsError(ValueError):
    """Base class: something the user must fix; the message says what and where."""


class SettingsError(AnalyticsError):
    """An option of a computation has an invalid value."""


class InputError(AnalyticsError):
    """The input data is malformed; `problems` lists every finding (file, sheet, row, column)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
