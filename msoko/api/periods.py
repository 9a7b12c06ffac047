"""Academic-year periods ↔ DHIS2 period identifiers (pure functions, no database).

msoko's yearly period is the academic year «2024/25» (1 September 2024 – 31 August 2025). DHIS2
has the same thing as a financial year starting in September: ``2024Sep``. A bare calendar year
``2024`` is accepted on import as the academic year that *starts* in it (2024/25), because that
is how regional systems usually label a school year; msoko never exports it.
"""

from __future__ import annotations

import datetime
import re

_ACADEMIC = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_FINANCIAL_SEPTEMBER = re.compile(r"^(\d{4})Sep$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})(\d{2})$")


def academic_label(start_year: int) -> str:
    """2024 → «2024/25»."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def start_year_of(text: str) -> int | None:
    """The academic year's start for «2024/25», «2024/2025», ``2024Sep`` or ``2024``; else None."""
    text = (text or "").strip()
    match = _ACADEMIC.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        expected = start + 1
        if int(end) in (expected, expected % 100):
            return start
        return None
    for pattern in (_FINANCIAL_SEPTEMBER, _YEAR):
        match = pattern.match(text)
        if match:
            return int(match.group(1))
    return None


def month_of(text: str) -> datetime.date | None:
    """DHIS2 monthly period ``202409`` → 1 September 2024; else None."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return datetime.date(year, month, 1) if 1 <= month <= 12 else None


def dhis2_period(kind: str, code: str, start: datetime.date, start_year: int) -> str:
    """The DHIS2 identifier msoko exports for a period: ``2024Sep`` for a year, ``202409`` for a month.

    Halves and school quarters have no DHIS2 equivalent and keep their msoko code (map them with
    a `CodeMapping` of kind «period» if the other side needs something else).
    """
    if kind == "year":
        return f"{start_year}Sep"
    if kind == "month":
        return f"{start:%Y%m}"
    return code
