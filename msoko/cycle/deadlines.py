"""Reading the deadline column of a roadmap («Февраль 2021 г.», «Март-июнь 2021г.», «Постоянно»...).

A deadline is one of: a date («до 01.08.2021», «15 мая 2022 г.»), a period (a month, a range of
months, a year, a range of years, «с 2020 г.» with an open end) or a recurring term (ежегодно,
постоянно, по графику, в течение года, по мере необходимости); an empty or dashed cell
means no deadline. Anything else is an error: a roadmap with an unreadable
deadline cannot be controlled, so the importer names the cell instead of guessing.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
MONTH_WORD = r"(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
YEAR = r"(\d{4})\s*(?:г\.?|года?)?"
PREFIX = r"(?:до|к|не позднее|по|в срок до)?\s*"

RECURRING = (
    (re.compile(r"^ежегодно"), "annually"),
    (re.compile(r"^постоянно"), "constantly"),
    (re.compile(r"^(?:по графику|в соответствии с графиком|согласно графику|ежемесячно|ежеквартально)"), "schedule"),
    (re.compile(r"^в течение (?:учебного |календарного )?года"), "during_year"),
    (re.compile(r"^по мере необходимости"), "as_needed"),
)


@dataclass(frozen=True)
class ParsedDeadline:
    kind: str  # none / date / period / recurring
    due_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    recurrence: str = ""


def _month(word: str) -> int:
    for stem, number in MONTHS:
        if word.startswith(stem):
            return number
    raise ValueError(word)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _normalise(text: str) -> str:
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split()).strip(" .;,")


def parse_deadline(value: object) -> ParsedDeadline:
    """Parse a deadline cell (text or a spreadsheet date); raise ValueError with a Russian message."""
    if value is None or (isinstance(value, str) and not value.strip(" -–—_\t\n")):
        return ParsedDeadline("none")
    if isinstance(value, datetime.datetime):
        return ParsedDeadline("date", due_date=value.date())
    if isinstance(value, datetime.date):
        return ParsedDeadline("date", due_date=value)
    if isinstance(value, int | float) and 1990 <= value <= 2100 and float(value).is_integer():
        year = int(value)
        return ParsedDeadline("period", period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    text = _normalise(str(value))
    for pattern, recurrence in RECURRING:
        if pattern.match(text):
            return ParsedDeadline("recurring", recurrence=recurrence)
    try:
        return _parse_term(text)
    except ValueError:
        raise ValueError(
            f"не удалось распознать срок «{str(value).strip()}»: укажите дату (01.08.2025), месяц и год "
            "(«февраль 2025 г.»), период («март - июнь 2025 г.», «2025-2026 гг.») или «ежегодно», "
            "«постоянно», «по графику», «в течение года», «по мере необходимости»"
        ) from None


def _parse_term(text: str) -> ParsedDeadline:
    if m := re.fullmatch(PREFIX + r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:г\.?|года?)?", text):
        return ParsedDeadline("date", due_date=datetime.date(int(m[3]), int(m[2]), int(m[1])))
    if m := re.fullmatch(PREFIX + r"(\d{1,2})\s+" + MONTH_WORD + r"\s+" + YEAR, text):
        return ParsedDeadline("date", due_date=datetime.date(int(m[3]), _month(m[2]), int(m[1])))
    if m := re.fullmatch(MONTH_WORD + r"\s*-\s*" + MONTH_WORD + r"\s+" + YEAR, text):
        year, first, last = int(m[3]), _month(m[1]), _month(m[2])
        start_year = year - 1 if first > last else year
        return ParsedDeadline("period", period_start=datetime.date(start_year, first, 1), period_end=_month_end(year, last))
    if m := re.fullmatch(PREFIX + MONTH_WORD + r"\s+" + YEAR, text):
        year, month = int(m[2]), _month(m[1])
        return ParsedDeadline("period", period_start=datetime.date(year, month, 1), period_end=_month_end(year, month))
    if m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})\s*(?:г\.?|гг\.?|годы|годов|года?)?", text):
        first, last = int(m[1]), int(m[2])
        if last < first:
            raise ValueError(text)
        return ParsedDeadline("period", period_start=datetime.date(first, 1, 1), period_end=datetime.date(last, 12, 31))
    if m := re.fullmatch(r"с\s+" + YEAR, text):
        return ParsedDeadline("period", period_start=datetime.date(int(m[1]), 1, 1))
    if m := re.fullmatch(PREFIX + YEAR, text):
        year = int(m[1])
        return ParsedDeadline("period", period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    raise ValueError(text)
