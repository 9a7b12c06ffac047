"""Deadlines as written in roadmaps of seeds 001 and 004."""

from __future__ import annotations

import datetime as dt

import pytest

from msoko.cycle.deadlines import ParsedDeadline, parse_deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Февраль 2021 г.", ParsedDeadline("period", period_start=dt.date(2021, 2, 1), period_end=dt.date(2021, 2, 28))),
        ("Февраль 2021г.", ParsedDeadline("period", period_start=dt.date(2021, 2, 1), period_end=dt.date(2021, 2, 28))),
        ("Март-июнь 2021г.", ParsedDeadline("period", period_start=dt.date(2021, 3, 1), period_end=dt.date(2021, 6, 30))),
        ("Февраль – июнь 2021г.", ParsedDeadline("period", period_start=dt.date(2021, 2, 1), period_end=dt.date(2021, 6, 30))),
        ("август – сентябрь 2022 г.", ParsedDeadline("period", period_start=dt.date(2022, 8, 1), period_end=dt.date(2022, 9, 30))),
        ("декабрь - май 2022", ParsedDeadline("period", period_start=dt.date(2021, 12, 1), period_end=dt.date(2022, 5, 31))),
        ("май 2022 г.", ParsedDeadline("period", period_start=dt.date(2022, 5, 1), period_end=dt.date(2022, 5, 31))),
        ("Июнь 2021г.", ParsedDeadline("period", period_start=dt.date(2021, 6, 1), period_end=dt.date(2021, 6, 30))),
        ("2021 г.", ParsedDeadline("period", period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31))),
        ("2021 год", ParsedDeadline("period", period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31))),
        ("2021-2023г.", ParsedDeadline("period", period_start=dt.date(2021, 1, 1), period_end=dt.date(2023, 12, 31))),
        ("с 2020г.", ParsedDeadline("period", period_start=dt.date(2020, 1, 1))),
        ("до 01.08.2021", ParsedDeadline("date", due_date=dt.date(2021, 8, 1))),
        ("12.07.2021 г.", ParsedDeadline("date", due_date=dt.date(2021, 7, 12))),
        ("в срок до 12 июля 2021 года", ParsedDeadline("date", due_date=dt.date(2021, 7, 12))),
        ("Постоянно", ParsedDeadline("recurring", recurrence="constantly")),
        ("Ежегодно", ParsedDeadline("recurring", recurrence="annually")),
        ("ежегодно апрель - май", ParsedDeadline("recurring", recurrence="annually")),
        ("По графику подготовки к ОГЭ и ЕГЭ", ParsedDeadline("recurring", recurrence="schedule")),
        ("в соответствии с графиком", ParsedDeadline("recurring", recurrence="schedule")),
        ("в течение года", ParsedDeadline("recurring", recurrence="during_year")),
        ("По мере необходимости", ParsedDeadline("recurring", recurrence="as_needed")),
        ("", ParsedDeadline("none")),
        ("----------", ParsedDeadline("none")),
        (None, ParsedDeadline("none")),
        (dt.datetime(2025, 5, 20, 0, 0), ParsedDeadline("date", due_date=dt.date(2025, 5, 20))),
        (2024.0, ParsedDeadline("period", period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))),
    ],
)
def test_deadline_forms_of_the_seeds(text, expected):
    assert parse_deadline(text) == expected


@pytest.mark.parametrize("text", ["когда-нибудь", "31.02.2024", "2025-2021", "весна 2022"])
def test_unreadable_deadlines_are_errors_quoting_the_text(text):
    with pytest.raises(ValueError, match=f"не удалось распознать срок «{text}»"):
        parse_deadline(text)
