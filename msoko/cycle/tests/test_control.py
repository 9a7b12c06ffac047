"""Decisions and execution control: overdue, due soon, per-person tasks, e-mail reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from msoko.core.models import AuditEntry
from msoko.cycle.control import due_soon, overdue, tasks_for
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Decision, Measure
from msoko.cycle.services import decisions as service

TODAY = dt.date(2025, 3, 10)


@pytest.fixture
def plan(world):
    """Two decisions and three measures around 10 March 2025, responsible: executor / coordinator."""
    executor, coordinator = world.executor.person, world.coordinator.person
    late = service.create_decision(
        world.department, world.municipality, kind="order", number="45", date=dt.date(2025, 1, 20),
        content="Провести диагностику учителей ШНОР", direction_number=2, deadline=dt.date(2025, 3, 1),
        responsible=[executor],
    )
    soon = service.create_decision(
        world.department, world.municipality, kind="letter", number="12-01", date=dt.date(2025, 2, 1),
        content="Направить адресные рекомендации", direction_number=1, deadline=dt.date(2025, 3, 17),
        responsible=[coordinator], participants=[executor],
    )
    far = Measure.objects.create(
        municipality=world.municipality, number="2.1", content="Семинар", direction_number=2,
        deadline_kind="period", period_start=dt.date(2025, 4, 1), period_end=dt.date(2025, 4, 30),
    )
    lapsed = Measure.objects.create(
        municipality=world.municipality, number="2.2", content="Мониторинг ШНОР", direction_number=2,
        deadline_kind="period", period_start=dt.date(2025, 2, 1), period_end=dt.date(2025, 2, 28), status="in_progress",
    )
    done = Measure.objects.create(
        municipality=world.municipality, number="2.3", content="Совещание", direction_number=2,
        deadline_kind="date", due_date=dt.date(2025, 2, 15), status="done",
    )
    always = Measure.objects.create(
        municipality=world.municipality, number="2.4", content="Консультации", direction_number=2,
        deadline_kind="recurring", recurrence="constantly",
    )
    for m in (far, lapsed, done, always):
        m.responsible.set([executor])
    return {"late": late, "soon": soon, "far": far, "lapsed": lapsed, "done": done, "always": always}


def test_overdue_lists_open_items_past_their_date_or_period_end(world, plan):
    assert [(i.kind, i.pk) for i in overdue(world.municipality, TODAY)] == [
        ("measure", plan["lapsed"].pk), ("decision", plan["late"].pk),
    ]


def test_due_soon_includes_the_last_day_of_the_window(world, plan):
    assert [i.pk for i in due_soon(world.municipality, TODAY, 7)] == [plan["soon"].pk]
    assert due_soon(world.municipality, TODAY, 6) == []
    assert [i.pk for i in due_soon(world.municipality, TODAY, 60)] == [plan["soon"].pk, plan["far"].pk]


def test_executed_decisions_leave_the_control_lists(world, plan):
    service.mark_executed(world.executor, plan["late"], on=dt.date(2025, 3, 5), report="Диагностика проведена")
    assert [i.kind for i in overdue(world.municipality, TODAY)] == ["measure"]
    assert AuditEntry.objects.filter(action="cycle.decision.executed").count() == 1


def test_task_list_of_a_person(world, plan):
    executor_tasks = [(i.kind, i.pk) for i in tasks_for(world.executor.person)]
    assert executor_tasks == [
        ("measure", plan["lapsed"].pk), ("decision", plan["late"].pk), ("decision", plan["soon"].pk), ("measure", plan["far"].pk),
    ]
    assert [i.pk for i in tasks_for(world.coordinator.person)] == [plan["soon"].pk]


def test_decision_transitions_and_rights(world, plan):
    with pytest.raises(PermissionDenied):
        service.mark_executed(world.coordinator, plan["late"], on=TODAY)  # direction 2 is the executor's
    service.cancel_decision(world.executor, plan["late"], reason="Утратило актуальность")
    for action in (
        lambda: service.mark_executed(world.executor, plan["late"], on=TODAY),
        lambda: service.cancel_decision(world.executor, plan["late"], reason="ещё раз"),
    ):
        with pytest.raises(CycleError, match="не допускается"):
            action()
    assert Decision.objects.get(pk=plan["late"].pk).status == "cancelled"


def test_decision_needs_content_and_a_sane_deadline(world):
    with pytest.raises(CycleError, match="содержание"):
        service.create_decision(world.department, world.municipality, kind="order", date=TODAY, content=" ")
    with pytest.raises(CycleError, match="раньше даты"):
        service.create_decision(world.department, world.municipality, kind="order", date=TODAY, content="x", deadline=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        service.create_decision(world.school_a_admin, world.municipality, kind="order", date=TODAY, content="x", direction_number=1)


def test_remind_command_sends_one_letter_per_responsible_person(world, plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("remind", "--date", "2025-03-10", "--days", "7")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == ["coordinator@example.test", "executor@example.test"]
    executor_letter = by_recipient["executor@example.test"].body
    assert "Просрочено:" in executor_letter
    assert "— мероприятие «2.2 Мониторинг ШНОР», срок 28.02.2025" in executor_letter
    assert "Приказ № 45 от 20.01.2025" in executor_letter
    coordinator_letter = by_recipient["coordinator@example.test"].body
    assert "Просрочено" not in coordinator_letter and "срок 17.03.2025" in coordinator_letter
    assert AuditEntry.objects.filter(action="cycle.remind").count() == 1
