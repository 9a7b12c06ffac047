"""Concurrency on PostgreSQL: real threads, each with its own database connection.

* two imports of the same file, or of the same procedure, started together: one commits, the
  other becomes «уже загружен» or asks to confirm the replacement — never two batches in force;
* two people saving the same campaign form opened at the same version: the first save wins, the
  second is refused with the optimistic-lock message, and nothing of the first is lost — through
  the service and over HTTP;
* an import committed while an analysis runs: both finish, and the run lists exactly the imports
  whose data it read.

Every wait has a timeout, so a deadlock fails the test instead of hanging it. SQLite lets one
writer at a time and is skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from msoko.collection.campaign_services import StaleForm, save_answers
from msoko.collection.models import DataValue, ImportBatch, Submission, SubmissionValue, VprResult
from msoko.collection.services import import_file
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_xlsx
from msoko.registry.models import Person, Role, RoleAssignment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="параллельные транзакции проверяются на PostgreSQL (SQLite допускает одного писателя)",
    ),
]

FULL = [1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3]
LOW = [1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
TIMEOUT = 60


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run jobs in threads (own connections, closed at the end); re-raise the first failure."""
    results: list[object] = [None] * len(jobs)
    failures: list[BaseException] = []

    def worker(index: int, job: Callable[[], object]) -> None:
        try:
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001 — handed to the test thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"deadlock: a thread did not finish within {TIMEOUT} s"
    if failures:
        raise failures[0]
    return results


def meet_after_validation(barrier: threading.Barrier):
    """A progress callback holding each import right after it validated (and saw nothing loaded),
    until the other one has too: both then race to commit. Only the first pass waits."""
    waited = threading.local()

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "проверка" and done == total and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(TIMEOUT)

    return progress


def vpr_file(tmp_path, name: str, journal_p2: int = 3):
    rows = [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4), vpr_row("OO-A", "P2", LOW, 3, journal_p2),
            vpr_row("OO-B", "P3", [0] * 12, 2, 3)]
    return write_xlsx(tmp_path / name, rows)


def test_same_file_imported_twice_at_once_is_stored_once(world, tmp_path):
    path = vpr_file(tmp_path, "vpr.xlsx")
    barrier = threading.Barrier(2)

    def job():
        return import_file("vpr", path, year="2024/25", progress=meet_after_validation(barrier))

    first, second = run_together(job, job)
    assert sorted([first.status, second.status]) == ["done", "unchanged"]
    loser = first if first.status == "unchanged" else second
    assert "уже загружен" in loser.message and "изменений нет" in loser.message
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 1
    assert VprResult.objects.count() == 3
    assert DataValue.objects.filter(organisation__code="OO-A", data_element__code="vpr_participants",
                                    category="ma-4").get().value == 2


def test_two_files_of_the_same_procedure_at_once_one_commits_the_other_asks_to_confirm(world, tmp_path):
    original = vpr_file(tmp_path, "vpr.xlsx")
    corrected = vpr_file(tmp_path, "vpr-fixed.xlsx", journal_p2=4)
    barrier = threading.Barrier(2)

    def job(path):
        return lambda: import_file("vpr", path, year="2024/25", progress=meet_after_validation(barrier))

    results = run_together(job(original), job(corrected))
    assert sorted(r.status for r in results) == ["done", "needs_confirmation"], [r.message for r in results]
    done = ImportBatch.objects.filter(status=ImportBatch.Status.DONE)
    assert done.count() == 1
    assert VprResult.objects.count() == 3
    assert set(VprResult.objects.values_list("batch_id", flat=True)) == {done.get().pk}
    waiting = next(r for r in results if r.status != "done")
    assert "уже загружены" in waiting.message and "Подтвердите замену" in waiting.message
    assert [b.pk for b in waiting.conflicts] == [done.get().pk]


def test_different_subjects_at_once_both_commit_without_deadlock(world, tmp_path):
    """No false serialisation error: files about different subjects add up."""
    maths = vpr_file(tmp_path, "ma.xlsx")
    russian = write_xlsx(tmp_path / "ru.xlsx", [
        VPR_HEADER, vpr_row("OO-A", "R1", [1] * 12, 3, 3, subject="Русский язык", primary=12)])
    barrier = threading.Barrier(2)

    def job(path):
        return lambda: import_file("vpr", path, year="2024/25", progress=meet_after_validation(barrier))

    results = run_together(job(maths), job(russian))
    assert [r.status for r in results] == ["done", "done"], [r.message for r in results]
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 2


# -- the same campaign form saved by two people ----------------------------------------------------

def second_school_a_user(world):
    user = get_user_model().objects.create(username="school_a_deputy", first_name="Мария", last_name="Орлова")
    person = Person.objects.create(full_name="Орлова Мария Ивановна", organisation=world.school_a, user=user)
    RoleAssignment.objects.create(person=person, role=Role.ORG_ADMIN, organisation=world.school_a)
    return user


def test_two_saves_of_the_same_version_first_wins_second_is_refused(world):
    campaign = staffing_campaign(world)
    form = Submission.objects.get(campaign=campaign, organisation=world.school_a)
    deputy = second_school_a_user(world)
    start = threading.Barrier(2)

    def save(actor, answers):
        def job():
            start.wait(TIMEOUT)
            try:
                return save_answers(Submission.objects.get(pk=form.pk), answers, version=0, actor=actor).message
            except StaleForm as exc:
                return exc
        return job

    results = run_together(save(world.school_a_admin, {"teachers_total": "40"}),
                           save(deputy, {"teachers_highest_category": "5"}))
    refused = [r for r in results if isinstance(r, StaleForm)]
    assert len(refused) == 1 and results.count("Черновик сохранён.") == 1
    assert "Форму уже изменил" in refused[0].message and "ваши изменения не сохранены" in refused[0].message
    form.refresh_from_db()
    assert form.version == 1
    values = dict(SubmissionValue.objects.filter(submission=form).values_list("field__code", "value"))
    winner_total = results[0] == "Черновик сохранён."
    assert values["teachers_total"] == (40 if winner_total else None)
    assert values["teachers_highest_category"] == (None if winner_total else 5)


def test_two_browsers_post_the_same_form_version_over_http(world):
    campaign = staffing_campaign(world)
    form = Submission.objects.get(campaign=campaign, organisation=world.school_a)
    deputy = second_school_a_user(world)
    clients = []
    for user in (world.school_a_admin, deputy):
        client = Client()
        client.force_login(user)
        assert 'name="version" value="0"' in client.get(f"/data/forms/{form.pk}/").content.decode()
        clients.append(client)
    start = threading.Barrier(2)

    def post(client, data):
        def job():
            start.wait(TIMEOUT)
            return client.post(f"/data/forms/{form.pk}/", {**data, "version": "0", "action": "save"}, follow=True)
        return job

    responses = run_together(post(clients[0], {"teachers_total": "40"}), post(clients[1], {"teachers_total": "41"}))
    pages = [r.content.decode() for r in responses]
    assert all(r.status_code == 200 for r in responses)
    stale = [p for p in pages if "Форму уже изменил" in p]
    assert len(stale) == 1
    form.refresh_from_db()
    assert form.version == 1
    saved = SubmissionValue.objects.get(submission=form, field__code="teachers_total").value
    assert saved == (41 if "Форму уже изменил" in pages[0] else 40)


# -- an import committed while an analysis runs -----------------------------------------------------

def test_analysis_records_exactly_the_imports_whose_data_it_read(world, tmp_path):
    from msoko.analytics import services as analytics
    from msoko.analytics.models import AnalysisRun, RiskZone
    from msoko.analytics.tests.analysis_data import build

    build(world)  # R1 2024: S3 30 %, S4 80 % worse than the norm 25 %
    path = tmp_path / "s4.csv"
    path.write_text("Учебный год;Код ОО;Элемент данных;Значение\n2024/25;S4;vpr_m2;20\n", encoding="utf-8")
    data_read, imported = threading.Event(), threading.Event()

    def progress(percent: int, stage: str) -> None:
        if stage == "Зоны риска":  # the values are read; let the import commit now
            data_read.set()
            assert imported.wait(TIMEOUT), "the import did not finish"

    def analysis():
        return analytics.run_monitoring(2024, world.municipality, progress=progress)

    def load():
        assert data_read.wait(TIMEOUT), "the analysis did not start"
        try:
            return import_file("values", path)
        finally:
            imported.set()

    run, result = run_together(analysis, load)  # the import commits between reading and storing
    assert result.status == "done", result.message
    run = AnalysisRun.objects.get(pk=run.pk)
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert DataValue.objects.get(organisation__code="S4", data_element__code="vpr_m2", period=world.periods[2024]).value == 20
    used = result.batch.pk in [i["id"] for i in run.inputs["imports"]]
    zones = set(RiskZone.objects.filter(run=run, indicator_code="R1").values_list("organisation__code", flat=True))
    # S4 at 20 % is no longer worse than the norm: the zones say which data the run really read.
    # The data were read before the import committed, so the run neither used nor lists it.
    assert zones == ({"S3"} if used else {"S3", "S4"})
    assert not used


def test_analysis_started_after_an_import_lists_it_and_uses_its_data(world, tmp_path):
    """The control for the test above: run in sequence, the record and the data agree."""
    from msoko.analytics import services as analytics
    from msoko.analytics.models import RiskZone
    from msoko.analytics.tests.analysis_data import build

    build(world)
    path = tmp_path / "s4.csv"
    path.write_text("Учебный год;Код ОО;Элемент данных;Значение\n2024/25;S4;vpr_m2;20\n", encoding="utf-8")
    result = import_file("values", path)
    run = analytics.run_monitoring(2024, world.municipality)
    assert result.batch.pk in [i["id"] for i in run.inputs["imports"]]
    assert set(RiskZone.objects.filter(run=run, indicator_code="R1").values_list("organisation__code", flat=True)) == {"S3"}
