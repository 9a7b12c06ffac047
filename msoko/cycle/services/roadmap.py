"""Roadmaps and measures: import from a table, edits and status transitions."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from msoko.core.audit import record
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Measure, Roadmap
from msoko.cycle.permissions import require_direction_manager
from msoko.cycle.roadmap_import import read_roadmap
from msoko.registry.models import AcademicYear, Municipality

S = Measure.Status
# status → statuses it may move to (запланировано → выполняется → выполнено / просрочено / отменено)
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.IN_PROGRESS, S.OVERDUE, S.CANCELLED},
    S.IN_PROGRESS: {S.DONE, S.OVERDUE, S.CANCELLED},
    S.OVERDUE: {S.DONE, S.CANCELLED},
    S.DONE: set(),
    S.CANCELLED: set(),
}


@transaction.atomic
def import_roadmap(
    actor,
    municipality: Municipality,
    path: Path,
    *,
    title: str,
    display_name: str | None = None,
    academic_year: AcademicYear | None = None,
    direction_number: int | None = None,
) -> Roadmap:
    """Create a roadmap with its measures from an xlsx/docx table; all or nothing.

    Whoever imports must manage every direction the table touches (a table without directions
    belongs to the department).
    """
    name = display_name or Path(path).name
    drafts = read_roadmap(Path(path), name, direction_number)
    for number in sorted({d.direction_number for d in drafts}, key=lambda n: n or 0):
        require_direction_manager(actor, number)
    roadmap = Roadmap.objects.create(
        municipality=municipality,
        title=title,
        academic_year=academic_year,
        source_name=name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for order, draft in enumerate(drafts, start=1):
        Measure.objects.create(
            roadmap=roadmap,
            municipality=municipality,
            order=order,
            number=draft.number,
            section=draft.section[:500],
            content=draft.content,
            direction_number=draft.direction_number,
            cycle_position=draft.cycle_position,
            deadline_text=draft.deadline_text[:300],
            deadline_kind=draft.deadline.kind,
            due_date=draft.deadline.due_date,
            period_start=draft.deadline.period_start,
            period_end=draft.deadline.period_end,
            recurrence=draft.deadline.recurrence,
            responsible_text=draft.responsible_text[:500],
            expected_result=draft.expected_result,
            result_document_kind=draft.result_document_kind,
        )
    record(actor, "cycle.roadmap.import", roadmap, after={"file": name, "measures": len(drafts)})
    return roadmap


@transaction.atomic
def change_status(actor, measure: Measure, status: str, *, result_url: str = "", result_file=None) -> Measure:
    """Move a measure along its life cycle; «выполнено» may carry the result document."""
    require_direction_manager(actor, measure.direction_number)
    target = S(status)
    if target not in TRANSITIONS[measure.status]:
        raise CycleError(
            f"Мероприятие {measure.number}: переход «{S(measure.status).label}» → «{target.label}» не допускается."
        )
    before = {"status": measure.status}
    measure.status = target
    if result_url:
        measure.result_url = result_url
    if result_file is not None:
        measure.result_document.save(result_file.name, result_file, save=False)
    measure.save()
    record(actor, "cycle.measure.status", measure, before=before, after={"status": target.value})
    return measure


EDITABLE = {
    "content", "direction_number", "cycle_position", "expected_result", "result_document_kind", "responsible_text",
}


@transaction.atomic
def update_measure(actor, measure: Measure, **changes) -> Measure:
    """Edit the text fields of a measure (not its status); moving it to another direction needs both."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise CycleError(f"Эти поля мероприятия так не изменяются: {', '.join(sorted(unknown))}.")
    require_direction_manager(actor, measure.direction_number)
    if "direction_number" in changes:
        require_direction_manager(actor, changes["direction_number"])
    if measure.status in (S.DONE, S.CANCELLED):
        raise CycleError(f"Мероприятие {measure.number} {S(measure.status).label}: изменять его нельзя.")
    before = {k: getattr(measure, k) for k in changes}
    for key, value in changes.items():
        setattr(measure, key, value)
    measure.save()
    record(actor, "cycle.measure.update", measure, before=before, after=changes)
    return measure


@transaction.atomic
def assign(actor, measure: Measure, *, responsible=(), participants=(), organisations=()) -> Measure:
    """Set responsible persons, participants and target organisations of a measure."""
    require_direction_manager(actor, measure.direction_number)
    measure.responsible.set(responsible)
    measure.participants.set(participants)
    measure.organisations.set(organisations)
    record(
        actor, "cycle.measure.assign", measure,
        after={
            "responsible": sorted(p.pk for p in responsible),
            "participants": sorted(p.pk for p in participants),
            "organisations": sorted(o.pk for o in organisations),
        },
    )
    return measure


@transaction.atomic
def create_measure(
    actor, municipality: Municipality, *, content: str, direction_number: int | None,
    roadmap: Roadmap | None = None, number: str = "", cycle_position: str = "", due_date=None,
    responsible_text: str = "", expected_result: str = "",
) -> Measure:
    """A measure entered by hand (dated by `due_date`, or without a deadline)."""
    require_direction_manager(actor, direction_number)
    if not content.strip():
        raise CycleError("Опишите мероприятие.")
    if roadmap is not None and roadmap.municipality_id != municipality.pk:
        raise CycleError("Дорожная карта относится к другому муниципалитету.")
    order = (Measure.objects.filter(roadmap=roadmap).order_by("-order").values_list("order", flat=True).first() or 0) + 1
    measure = Measure.objects.create(
        roadmap=roadmap, municipality=municipality, order=order, number=number or str(order), content=content.strip(),
        direction_number=direction_number, cycle_position=cycle_position or "measures",
        deadline_kind="date" if due_date else "none", due_date=due_date,
        deadline_text=f"до {due_date:%d.%m.%Y}" if due_date else "", responsible_text=responsible_text,
        expected_result=expected_result,
    )
    record(actor, "cycle.measure.create", measure,
           after={"direction": direction_number, "due": due_date.isoformat() if due_date else None})
    return measure


@transaction.atomic
def create_roadmap(actor, municipality: Municipality, *, title: str, academic_year: AcademicYear | None = None) -> Roadmap:
    """An empty roadmap to fill with measures by hand (the department's)."""
    require_direction_manager(actor, None)
    if not title.strip():
        raise CycleError("Укажите название дорожной карты.")
    roadmap = Roadmap.objects.create(
        municipality=municipality, title=title.strip(), academic_year=academic_year,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "cycle.roadmap.create", roadmap,
           after={"title": roadmap.title, "year": academic_year.start_year if academic_year else None})
    return roadmap
