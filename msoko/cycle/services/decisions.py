"""Management decisions: creation with their links, execution and cancellation."""

from __future__ import annotations

import datetime

from django.db import transaction

from msoko.core.audit import record
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Decision
from msoko.cycle.permissions import require_direction_manager
from msoko.registry.models import Municipality

D = Decision.Status
TRANSITIONS: dict[str, set[str]] = {D.IN_EXECUTION: {D.EXECUTED, D.CANCELLED}, D.EXECUTED: set(), D.CANCELLED: set()}


@transaction.atomic
def create_decision(
    actor,
    municipality: Municipality,
    *,
    kind: str,
    date: datetime.date,
    content: str,
    number: str = "",
    direction_number: int | None = None,
    deadline: datetime.date | None = None,
    responsible=(),
    participants=(),
    organisations=(),
    recommendations=(),
    measures=(),
    document_url: str = "",
) -> Decision:
    require_direction_manager(actor, direction_number)
    if not content.strip():
        raise CycleError("Укажите содержание управленческого решения.")
    if deadline is not None and deadline < date:
        raise CycleError("Срок исполнения раньше даты решения.")
    decision = Decision.objects.create(
        municipality=municipality,
        kind=Decision.Kind(kind),
        number=number,
        date=date,
        content=content.strip(),
        direction_number=direction_number,
        deadline=deadline,
        document_url=document_url,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    decision.responsible.set(responsible)
    decision.participants.set(participants)
    decision.organisations.set(organisations)
    decision.recommendations.set(recommendations)
    decision.measures.set(measures)
    record(
        actor, "cycle.decision.create", decision,
        after={
            "kind": decision.kind, "number": number, "date": date.isoformat(),
            "deadline": deadline.isoformat() if deadline else None,
            "responsible": sorted(p.pk for p in responsible),
            "recommendations": sorted(r.pk for r in recommendations),
            "measures": sorted(m.pk for m in measures),
        },
    )
    return decision


def _move(actor, decision: Decision, target: str) -> dict:
    require_direction_manager(actor, decision.direction_number)
    if target not in TRANSITIONS[decision.status]:
        raise CycleError(f"Решение {decision}: переход «{D(decision.status).label}» → «{D(target).label}» не допускается.")
    before = {"status": decision.status}
    decision.status = target
    return before


@transaction.atomic
def mark_executed(actor, decision: Decision, *, on: datetime.date, report: str = "") -> Decision:
    before = _move(actor, decision, D.EXECUTED)
    decision.executed_on = on
    decision.execution_report = report
    decision.save()
    record(actor, "cycle.decision.executed", decision, before=before, after={"status": D.EXECUTED.value, "on": on.isoformat()})
    return decision


@transaction.atomic
def cancel_decision(actor, decision: Decision, *, reason: str) -> Decision:
    if not reason.strip():
        raise CycleError("Укажите причину отмены решения.")
    before = _move(actor, decision, D.CANCELLED)
    decision.execution_report = reason
    decision.save()
    record(actor, "cycle.decision.cancelled", decision, before=before, after={"status": D.CANCELLED.value, "reason": reason})
    return decision
