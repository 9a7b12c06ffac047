"""Academic years ↔ DHIS2 period identifiers."""

import datetime

import pytest

from msoko.api.periods import academic_label, dhis2_period, month_of, start_year_of


@pytest.mark.parametrize(
    ("text", "start"),
    [("2024/25", 2024), ("2024/2025", 2024), ("2024 / 25", 2024), ("2024Sep", 2024), ("2024", 2024),
     ("2099/00", 2099), ("2024/26", None), ("2024Oct", None), ("24/25", None), ("", None)],
)
def test_start_year_of_academic_and_dhis2_labels(text, start):
    assert start_year_of(text) == start


def test_academic_label_wraps_the_century():
    assert academic_label(2024) == "2024/25"
    assert academic_label(2099) == "2099/00"


def test_yearly_period_is_the_financial_year_starting_in_september():
    assert dhis2_period("year", "2024/25", datetime.date(2024, 9, 1), 2024) == "2024Sep"
    assert dhis2_period("month", "2024-10", datetime.date(2024, 10, 1), 2024) == "202410"
    assert dhis2_period("quarter", "2024/25-Q1", datetime.date(2024, 9, 1), 2024) == "2024/25-Q1"


def test_month_of_dhis2_monthly_period():
    assert month_of("202409") == datetime.date(2024, 9, 1)
    assert month_of("202413") is None
    assert month_of("2024") is None
