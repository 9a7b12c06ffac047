"""Reads of the management cycle."""

from __future__ import annotations

import datetime

from msoko.cycle.models import Body, Meeting

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _quarter(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    return f"{ROMAN[quarter]} квартал {year} г."


def quarters_without_meeting(body: Body, today: datetime.date) -> list[tuple[int, int]]:
    """Ended calendar quarters since the body was established with no held meeting (seed 000 Прил. 2 §14)."""
    held = {_quarter(d) for d in body.meetings.filter(status=Meeting.Status.HELD).values_list("date", flat=True)}
    year, quarter = _quarter(body.established)
    missing = []
    while _quarter_end(year, quarter) < today:
        if (year, quarter) not in held:
            missing.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return missing


RULE = "требуется не реже раза в квартал"
LISTED_QUARTERS = 4


def _in_quarter(year: int, quarter: int) -> str:
    return quarter_label(year, quarter).replace("квартал", "квартале")


def council_warnings(municipality, today: datetime.date) -> list[str]:
    """«Quarters ended without a council meeting»: one line per council, naming the latest such
    quarters (a council that has not met for years gets one line, not one per quarter)."""
    warnings = []
    for body in Body.objects.filter(municipality=municipality, kind=Body.Kind.COUNCIL):
        missed = quarters_without_meeting(body, today)
        if len(missed) == 1:
            warnings.append(f"{body.name}: в {_in_quarter(*missed[0])} не было заседаний ({RULE}).")
        elif missed:
            latest = ", ".join(quarter_label(*q) for q in missed[-LISTED_QUARTERS:])
            since = f"первый — {quarter_label(*missed[0])}; " if len(missed) > LISTED_QUARTERS else ""
            shown = "последние" if len(missed) > LISTED_QUARTERS else "это"
            warnings.append(f"{body.name}: кварталов без заседаний — {len(missed)}, {shown}: {latest} ({since}{RULE}).")
    return warnings


def search_practices(municipality, query: str = "", direction_number: int | None = None) -> list:
    """Practices whose title, description or organisation contain every word of the query (any case, ё = е)."""
    from msoko.core.text import search_key
    from msoko.cycle.models import Practice

    qs = Practice.objects.filter(municipality=municipality).select_related("organisation")
    for word in search_key(query).split():
        qs = qs.filter(search_text__contains=word)
    return [p for p in qs if direction_number is None or direction_number in p.direction_numbers]


def recommendations_for(user):
    """What a user may see: a school only what was sent to it; staff everything of their territory."""
    from msoko.cycle.models import Recommendation
    from msoko.registry.access import scope_for

    scope = scope_for(user)
    qs = Recommendation.objects.select_related("organisation")
    if scope.is_staff:
        if scope.is_superuser:
            return qs
        return qs.filter(municipality__in=scope.visible_municipalities())
    return qs.exclude(addressee_level="municipality").filter(
        organisation_id__in=scope.organisation_ids,
        status__in=[Recommendation.Status.SENT, Recommendation.Status.ACCEPTED, Recommendation.Status.REPORTED],
    )
