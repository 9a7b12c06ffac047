"""A populated municipality for the authorization tests: one object behind every route.

Built on top of `make_world()` through the project's own services (and, for uploads and report
jobs, through the pages themselves), so the objects are what real use creates:

* catalog: directions 1 and 2 with indicators «R1» and «S1» (analytics test data, four more
  urban schools S1…S4 with values);
* imports: a ВПР file of schools A and B imported by the department (batch, values with lineage),
  and an upload job of the same file waiting in preview;
* analysis: one finished ШНОР run, one objectivity and one monitoring run (queued);
* campaign «Кадры 2025» open to schools A and B (one form each);
* report job: school A's information card (xlsx), generated;
* cycle (all of direction 1): a published document, a measure done with a result file and a planned one, a decision with
  a document link, recommendations to schools A and B (reported, with files), one more sent to A, a
  practice, an effectiveness analysis, a council with a held meeting, an agenda item, a protocol
  and a signed protocol;
* extra personas: ``coordinator_2`` (coordinator of direction 2), ``executor_1`` (executor of
  direction 1) and ``admin`` (a Django superuser).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from msoko.analytics import services as analysis
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.models import AnalysisRun
from msoko.analytics.tests.analysis_data import build as build_analysis_data
from msoko.api.tokens import create_token
from msoko.collection.models import DataValue, ImportBatch, Submission, UploadJob
from msoko.collection.services import import_file
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_xlsx
from msoko.collection.tests.test_formats import FULL
from msoko.core.testing import World, add_persona, make_world
from msoko.cycle.models import AgendaItem, Meeting
from msoko.cycle.services import council, decisions, documents, effectiveness, roadmap
from msoko.cycle.services import recommendations as recs
from msoko.registry.models import Role
from msoko.reports.models import ReportJob

DAY = datetime.date(2024, 10, 15)


@dataclass
class AccessWorld:
    """The world, its objects by name (``objects["rec_a"]`` …) and an API key per persona."""

    world: World
    objects: dict[str, object] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        return self.objects[name].pk


def build_access_world(tmp_dir, *, with_keys: bool = True) -> AccessWorld:
    """Create the world and one object behind every route (see the module docstring)."""
    world = make_world()
    add_persona(world, "coordinator_2", "Орлов Игорь Семёнович", Role.COORDINATOR, direction=2)
    add_persona(world, "executor_1", "Белова Марина Олеговна", Role.EXECUTOR, direction=1)
    add_persona(world, "admin", "Админов Админ Админович", None, superuser=True)
    dept = world.department
    town = world.municipality
    objects: dict[str, object] = {}

    build_analysis_data(world)  # catalog R1/S1 (directions 1, 2), schools S1…S4 with values

    # imports: schools A and B in one ВПР file
    rows = [VPR_HEADER, vpr_row("OO-A", "PA1", FULL, 5, 4), vpr_row("OO-B", "PB1", [0] * 12, 2, 3)]
    path = write_xlsx(tmp_dir / "vpr-ab.xlsx", rows)
    result = import_file("vpr", path, year="2024/25", actor=dept)
    assert result.status == "done", result.errors
    objects["batch"] = result.batch
    objects["value_a"] = DataValue.objects.filter(organisation=world.school_a, source_import=result.batch).first()
    objects["value_b"] = DataValue.objects.filter(organisation=world.school_b, source_import=result.batch).first()
    client = Client()
    client.force_login(dept)
    with override_settings(MSOKO_IMPORT_INLINE=True):
        response = client.post("/data/upload/", {"file": SimpleUploadedFile("vpr-ab.xlsx", path.read_bytes())})
    assert response.status_code == 302, response.content[:300]
    objects["job"] = UploadJob.objects.latest("pk")
    bad = write_xlsx(tmp_dir / "bad.xlsx", [VPR_HEADER, vpr_row("NOPE", "P9", FULL, 5, 4)])
    failed = import_file("vpr", bad, year="2024/25", actor=dept)
    objects["bad_batch"] = ImportBatch.objects.get(pk=failed.batch.pk) if failed.batch else None

    # analysis runs
    objects["shnor_run"] = analysis.run_shnor(town, ShnorSettings(window=1, group_by="none"), years=[2024], actor=dept)
    objects["objectivity_run"] = analysis.create_run(AnalysisRun.Kind.OBJECTIVITY, municipality=town, years=[2024],
                                                     actor=dept)
    objects["monitoring_run"] = analysis.create_run(AnalysisRun.Kind.MONITORING, municipality=town, years=[2024],
                                                    actor=dept)

    # campaign with forms for schools A and B
    campaign = staffing_campaign(world)
    objects["campaign"] = campaign
    objects["form_a"] = Submission.objects.get(campaign=campaign, organisation=world.school_a)
    objects["form_b"] = Submission.objects.get(campaign=campaign, organisation=world.school_b)

    # school A's information card, requested and generated through the pages
    school_a = Client()
    school_a.force_login(world.school_a_admin)
    from unittest import mock  # the environment switch is read per request

    with mock.patch.dict("os.environ", {"MSOKO_REPORTS_INLINE": "1"}):
        response = school_a.post("/reports/request/", {"kind": "card", "org": "OO-A", "format": "xlsx", "year": "2024"})
    assert response.status_code == 302, response.content[:300]
    objects["report_a"] = ReportJob.objects.latest("pk")
    assert objects["report_a"].status == ReportJob.Status.DONE, objects["report_a"].error

    # cycle, direction 1
    doc = documents.add_document(dept, town, direction_number=1, academic_year=world.years[2024], position="analysis",
                                 title="Аналитическая справка", uploaded=SimpleUploadedFile("spravka.pdf", b"%PDF doc"))
    objects["document"] = documents.set_published(world.operator, doc, True)
    measure = roadmap.create_measure(dept, town, content="Семинар для учителей математики", direction_number=1)
    roadmap.change_status(dept, measure, "in_progress")
    objects["measure"] = roadmap.change_status(dept, measure, "done",
                                               result_file=SimpleUploadedFile("itogi.pdf", b"%PDF result"))
    objects["measure_planned"] = roadmap.create_measure(dept, town, content="Методический день", direction_number=1)
    objects["decision"] = decisions.create_decision(
        dept, town, kind="order", date=DAY, content="Провести муниципальную диагностику", number="7",
        direction_number=1, deadline=DAY + datetime.timedelta(days=30), document_url="https://example.test/prikaz.pdf",
    )
    rec_a = recs.create_recommendation(dept, town, title="Повысить объективность ВПР в школе А", text="Перепроверка.",
                                       addressee_level="organisation", organisation=world.school_a, direction_number=1)
    rec_b = recs.create_recommendation(dept, town, title="Рекомендация школе Б", text="Перепроверка.",
                                       addressee_level="organisation", organisation=world.school_b, direction_number=1)
    for rec in (rec_a, rec_b):
        recs.move(dept, rec, "approved")
        recs.move(dept, rec, "sent")
    recs.move(world.school_a_admin, rec_a, "accepted")
    recs.move(world.school_a_admin, rec_a, "reported", report="Сделано.",
              report_file=SimpleUploadedFile("otchet.pdf", b"%PDF report A"))
    recs.move(world.school_b_admin, rec_b, "accepted")
    recs.move(world.school_b_admin, rec_b, "reported", report="Сделано в Б.",
              report_file=SimpleUploadedFile("otchet-b.pdf", b"%PDF report B"))
    objects["rec_a"], objects["rec_b"] = rec_a, rec_b
    pending = recs.create_recommendation(dept, town, title="Обновить программу наставничества", text="Обновить.",
                                         addressee_level="organisation", organisation=world.school_a,
                                         direction_number=1)
    recs.move(dept, pending, "approved")
    objects["rec_sent_a"] = recs.move(dept, pending, "sent")
    objects["practice"] = recs.add_practice(dept, town, title="Наставничество", organisation=world.school_a,
                                            direction_numbers=[1])
    values = pl.DataFrame({"org_code": ["OO-A", "OO-A", "OO-B", "OO-B"], "year": [2023, 2024, 2023, 2024],
                           "indicator": ["R1"] * 4, "value": [20.0, 12.0, 10.0, 9.0]})
    objects["effectiveness"] = effectiveness.analyse(
        dept, town, direction_number=1, academic_year=world.years[2024], indicator_codes=["R1"],
        target=[world.school_a], comparison=[world.school_b], before_year=2023, after_year=2024,
        verdict="partial", problem_statement="Доля «2» снизилась меньше ожидаемого", values=values,
    )
    body = council.create_body(dept, town, "council", "Муниципальный совет по качеству", datetime.date(2024, 9, 1))
    council.add_member(dept, body, world.methodist.person, "chair", datetime.date(2024, 9, 1))
    council.add_member(dept, body, world.council.person, "member", datetime.date(2024, 9, 1))
    meeting = council.schedule_meeting(dept, body, "1", DAY, "каб. 12")
    objects["item"] = council.add_agenda_item(dept, meeting, "О результатах ВПР", decision_text="Принять к сведению",
                                              direction_number=1)
    council.record_attendance(dept, meeting, {world.methodist.person.pk, world.council.person.pk})
    council.generate_protocol(dept, meeting)
    council.upload_signed_protocol(dept, meeting, SimpleUploadedFile("protokol.pdf", b"%PDF signed"))
    objects["body"] = body
    objects["meeting"] = Meeting.objects.get(pk=meeting.pk)
    objects["item"] = AgendaItem.objects.get(pk=objects["item"].pk)

    keys = {}
    if with_keys:
        for name, user in world.users.items():
            keys[name] = create_token(user, name="матрица доступа")[1]
    return AccessWorld(world=world, objects=objects, keys=keys)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A one-sheet workbook in memory (openpyxl), for upload tests."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def access_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """`build_access_world()` once per test module (tests still run in rolled-back transactions);
    flushed when the module is done, so other modules see an empty database again."""
    with django_db_blocker.unblock():
        built = build_access_world(tmp_path_factory.mktemp("access"))
        try:
            yield built
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def aw(access_world: AccessWorld, db) -> AccessWorld:
    """The module's access world inside the test's own (rolled-back) transaction."""
    return access_world
