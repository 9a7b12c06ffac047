"""Execution control: what is overdue, what is due soon, and each person's task list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from msoko.cycle.models import Deadline, Decision, Measure

OPEN_MEASURES = (Measure.Status.PLANNED, Measure.Status.IN_PROGRESS, Measure.Status.OVERDUE)


@dataclass(frozen=True)
class ControlItem:
    kind: str  # "decision" or "measure"
    pk: int
    title: str
    deadline: datetime.date
    direction_number: int | None
    responsible: tuple[str, ...] = field(default=())

    @property
    def kind_label(self) -> str:
        return "решение" if self.kind == "decision" else "мероприятие"


def _measure_deadline(lo: datetime.date | None, hi: datetime.date | None) -> Q:
    def between(name: str) -> Q:
        q = Q()
        if lo is not None:
            q &= Q(**{f"{name}__gte": lo})
        if hi is not None:
            q &= Q(**{f"{name}__lte": hi})
        return q

    return (Q(deadline_kind=Deadline.DATE, due_date__isnull=False) & between("due_date")) | (
        Q(deadline_kind=Deadline.PERIOD, period_end__isnull=False) & between("period_end")
    )


def _items(decisions, measures) -> list[ControlItem]:
    items = [
        ControlItem("decision", d.pk, f"{d}: {d.content[:120]}", d.deadline, d.direction_number,
                    tuple(p.full_name for p in d.responsible.all()))
        for d in decisions.prefetch_related("responsible")
    ] + [
        ControlItem("measure", m.pk, f"{m.number} {m.content[:120]}".strip(), m.control_date, m.direction_number,
                    tuple(p.full_name for p in m.responsible.all()) or ((m.responsible_text,) if m.responsible_text else ()))
        for m in measures.prefetch_related("responsible")
    ]
    return sorted(items, key=lambda i: (i.deadline, i.kind, i.pk))


def _window(municipality, lo, hi, person=None) -> list[ControlItem]:
    decisions = Decision.objects.filter(status=Decision.Status.IN_EXECUTION, deadline__isnull=False)
    measures = Measure.objects.filter(status__in=OPEN_MEASURES).filter(_measure_deadline(lo, hi))
    if lo is not None:
        decisions = decisions.filter(deadline__gte=lo)
    if hi is not None:
        decisions = decisions.filter(deadline__lte=hi)
    if municipality is not None:
        decisions = decisions.filter(municipality=municipality)
        measures = measures.filter(municipality=municipality)
    if person is not None:
        decisions = decisions.filter(Q(responsible=person) | Q(participants=person)).distinct()
        measures = measures.filter(Q(responsible=person) | Q(participants=person)).distinct()
    return _items(decisions, measures)


def overdue(municipality, today: datetime.date) -> list[ControlItem]:
    """Open decisions and measures whose deadline (date or end of period) has passed."""
    return _window(municipality, None, today - datetime.timedelta(days=1))


def due_soon(municipality, today: datetime.date, days: int = 7) -> list[ControlItem]:
    """Open decisions and measures due from today to `days` days ahead, inclusive."""
    return _window(municipality, today, today + datetime.timedelta(days=days))


def tasks_for(person, today: datetime.date | None = None) -> list[ControlItem]:
    """Every open decision and dated measure where the person is responsible or a participant."""
    return _window(None, None, None, person=person)
