"""Recommendations drafted from the stored analysis findings: the readers and «Сформировать рекомендации»."""

from __future__ import annotations

import pytest

from msoko.analytics.models import AnalysisRun, ObjectivityFlag, SchoolStatus
from msoko.cycle.findings import findings_for_organisation, objectivity_findings, shnor_findings
from msoko.cycle.models import Recommendation


@pytest.fixture
def runs(world):
    """A ШНОР run: school A stably low with unfavourable conditions, school B not; an objectivity run
    flagging school B in 2024/25 (and school A only in 2023/24)."""
    shnor = AnalysisRun.objects.create(kind="shnor", status="done", municipality=world.municipality,
                                       years=[2022, 2023, 2024], summary={"window_years": [2022, 2023, 2024]})
    SchoolStatus.objects.create(run=shnor, organisation=world.school_a, low_years=3, stable_low=True, overlay=True,
                                social_status="неблагоприятные")
    SchoolStatus.objects.create(run=shnor, organisation=world.school_b, low_years=1, social_status="нейтральные")
    objectivity = AnalysisRun.objects.create(kind="objectivity", status="done", municipality=world.municipality,
                                             years=[2023, 2024])
    ObjectivityFlag.objects.create(run=objectivity, organisation=world.school_b, year=2024, criterion="summary",
                                   flagged=True, evidence="понизили отметку 40 %")
    ObjectivityFlag.objects.create(run=objectivity, organisation=world.school_a, year=2023, criterion="summary",
                                   flagged=True)
    return shnor, objectivity


def test_a_stably_low_school_with_unfavourable_conditions_gives_three_findings(world, runs):
    shnor, _ = runs
    items = shnor_findings(shnor)
    assert [(f.kind, f.organisation, f.direction_number) for f in items] == [
        ("shnor_stable", world.school_a, 2), ("shnor", world.school_a, 2), ("shnsu", world.school_a, 2),
    ]
    assert items[0].evidence["window"] == "2022/23–2024/25" and items[0].evidence["low_years"] == 3


def test_objectivity_findings_are_those_of_the_year(world, runs):
    _, objectivity = runs
    assert [(f.organisation, f.direction_number) for f in objectivity_findings(objectivity, 2024)] == [
        (world.school_b, 1)
    ]
    # the latest run's last year is 2024: school A's flag of 2023 is not a current finding
    assert findings_for_organisation(world.municipality, world.school_a, ["objectivity"]) == []


def test_the_page_drafts_recommendations_from_the_shnor_findings_of_a_school(world, runs, client_for):
    client = client_for("department")
    page = client.get(f"/cycle/recommendations/?organisation={world.school_a.code}&source=shnor")
    assert "Сформировать рекомендации" in page.content.decode()
    response = client.post("/cycle/recommendations/from-findings/",
                           {"findings-organisation": world.school_a.pk, "findings-source": "shnor"}, follow=True)
    # default rules: «устойчиво низкие» → 1 (municipality), «ШНОР» → 3 levels, «ШНСУ» → 1 (organisation)
    assert "сформировано черновиков рекомендаций: 5" in response.content.decode()
    drafts = Recommendation.objects.filter(organisation=world.school_a)
    assert drafts.count() == 5 and set(drafts.values_list("status", flat=True)) == {"draft"}
    assert set(drafts.values_list("finding_kind", flat=True)) == {"shnor_stable", "shnor", "shnsu"}


def test_nothing_found_means_nothing_drafted(world, runs, client_for):
    response = client_for("department").post(
        "/cycle/recommendations/from-findings/",
        {"findings-organisation": world.school_b.pk, "findings-source": "shnor"}, follow=True,
    )
    assert "рекомендации не сформированы" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_a_school_cannot_draft_recommendations(world, runs, client_for):
    response = client_for("school_a").post(
        "/cycle/recommendations/from-findings/", {"findings-organisation": world.school_a.pk}
    )
    assert response.status_code == 403
    assert not Recommendation.objects.exists()
