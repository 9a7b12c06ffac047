"""The demo's complete management cycle of a past year: every direction, every position, through the services.

One small demo (20 schools, three years 2023/24–2025/26) is built and the cycle of 2024/25 seeded
once; the test then checks the whole result, as the issue states it.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from msoko.analytics.models import AnalysisRun, SchoolStatus
from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.core.models import AuditEntry
from msoko.cycle import control
from msoko.cycle.matrix import FILLED, build_matrix
from msoko.cycle.models import (
    Body,
    CycleDocument,
    CycleGoalDraft,
    Decision,
    EffectivenessAnalysis,
    Measure,
    Meeting,
    Recommendation,
)
from msoko.registry.models import AcademicYear, Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    from msoko.core.demo import build_demo
    from msoko.demo.generator import DemoConfig

    result = build_demo(DemoConfig.for_scale(20, years=3), tmp_path)
    # build_demo seeds the cycle of the past year itself (msoko.cycle.demo.seed_cycle)
    return result, result.cycle


def test_the_demo_has_a_complete_cycle_per_direction_for_the_past_year(demo):
    result, seeded = demo
    municipality = result.municipality
    year = AcademicYear.objects.get(start_year=2024)

    # The matrix of 2024/25: eight main directions, nine positions each, every one filled.
    rows = build_matrix(year, municipality)
    assert [r.number for r in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    for row in rows:
        assert [c.status for c in row.cells] == [FILLED] * 9, (row.short_name, row.gaps)
        assert row.score == 1.0

    # Recommendations come from the stored findings and went the whole way: the school reported.
    shnor = AnalysisRun.objects.filter(kind="shnor", status="done").latest("finished_at")
    stable_low = set(SchoolStatus.objects.filter(run=shnor, stable_low=True).values_list("organisation__code", flat=True))
    d2 = Recommendation.objects.filter(academic_year=year, direction_number=2)
    assert d2.exists() and {r.organisation.code for r in d2} <= stable_low
    assert set(d2.values_list("finding_kind", flat=True)) >= {"shnor", "shnor_stable"}
    d1 = Recommendation.objects.filter(academic_year=year, direction_number=1)
    assert set(d1.values_list("finding_kind", flat=True)) == {"objectivity"}
    for number in range(3, 9):
        kinds = set(Recommendation.objects.filter(academic_year=year, direction_number=number)
                    .values_list("finding_kind", flat=True))
        assert kinds and kinds <= {"risk_zone", "deficit"}, number
    of_year = Recommendation.objects.filter(academic_year=year)
    assert set(of_year.values_list("status", flat=True)) == {"reported"}
    to_school = of_year.exclude(addressee_level="municipality").first()
    reported = AuditEntry.objects.filter(action="cycle.recommendation.status", object_id=str(to_school.pk)).order_by("pk").last()
    admins = RoleAssignment.objects.filter(role=Role.ORG_ADMIN, organisation=to_school.organisation)
    assert reported.actor_id == admins.get().person.user_id

    # Measures of the year are done; each decision is a приказ with a number, deadline and responsible persons.
    for number in range(1, 9):
        measures = Measure.objects.filter(roadmap__academic_year=year, direction_number=number)
        assert measures.count() == 2 and set(measures.values_list("status", flat=True)) == {"done"}
        decision = Decision.objects.get(direction_number=number, date__year__in=[2024, 2025])
        assert decision.kind == "order" and decision.number and decision.deadline > decision.date
        assert decision.responsible.exists() and decision.recommendations.exists() and decision.measures.count() == 2
        assert decision.status == "executed"

    # Effectiveness: one analysis per direction with a verdict and a goal of 2025/26 from its problem.
    analyses = EffectivenessAnalysis.objects.filter(academic_year=year)
    assert sorted(analyses.values_list("direction_number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "inconclusive" not in set(analyses.values_list("verdict", flat=True))
    assert CycleGoalDraft.objects.filter(year=2025, source__in=analyses).count() == 8
    # Direction 2 targets the demo's planted improving schools: their share of «2» fell and the share
    # of «4»/«5» rose beyond the rest of their clusters — the estimate must see the planted effect.
    d2_analysis = analyses.get(direction_number=2)
    planted = {p["code"] for p in result.planted["improving"]}
    assert {o.code for o in d2_analysis.target_organisations.all()} == planted
    assert not planted & {o.code for o in d2_analysis.comparison_organisations.all()}
    estimates = {r["indicator"]: r for r in d2_analysis.results["rows"]}
    assert estimates["1.01"]["estimate"] == "улучшение" and estimates["1.01"]["effect"] < 0
    assert estimates["1.02"]["estimate"] == "улучшение" and estimates["1.02"]["effect"] > 0
    assert d2_analysis.verdict == "effective"

    # Nine published documents per direction; the public section shows them without a login.
    docs = CycleDocument.objects.filter(academic_year=year, is_published=True)
    assert docs.count() == 8 * 9
    assert {(d.direction_number, d.position) for d in docs} == {
        (n, p.code) for n in range(1, 9) for p in CYCLE_POSITIONS
    }
    page = Client().get("/public/?year=2024", follow=True)
    assert page.status_code == 200
    assert docs.get(direction_number=2, position="analysis").title in page.content.decode()

    # The council: the demo's council persons, two held meetings of the year with votes and a protocol.
    body = Body.objects.get(municipality=municipality, kind="council")
    council_people = set(RoleAssignment.objects.filter(role=Role.COUNCIL).values_list("person_id", flat=True))
    assert set(body.memberships.values_list("person_id", flat=True)) == council_people
    meetings = Meeting.objects.filter(body=body)
    assert meetings.count() == 2
    for meeting in meetings:
        assert datetime.date(2024, 9, 1) <= meeting.date <= datetime.date(2025, 8, 31)
        assert meeting.status == "held" and meeting.protocol
        assert meeting.agenda.count() == 2 and meeting.attendance.filter(present=True).exists()
        assert any(hasattr(item, "vote") and item.vote.adopted for item in meeting.agenda.all())

    # One measure of the following year is overdue for the dashboard; it does not touch 2024/25.
    overdue = control.overdue(municipality, datetime.date.today())
    assert [i.pk for i in overdue] == [seeded["overdue_measure"]]
    assert Measure.objects.get(pk=seeded["overdue_measure"]).roadmap.academic_year.start_year == 2025

    # Every step went through the services: the audit log has them.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "cycle.recommendation.draft", "cycle.recommendation.status", "cycle.measure.status", "cycle.decision.create",
        "cycle.decision.executed", "cycle.effectiveness.create", "cycle.goal_draft.create", "cycle.document.publish",
        "cycle.meeting.attendance", "cycle.agenda.vote", "cycle.meeting.protocol",
    } <= actions
