"""Addressed recommendations: rule base, drafting from findings, statuses and who moves them; practices."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from msoko.core.models import AuditEntry
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Recommendation, RecommendationRule
from msoko.cycle.selectors import recommendations_for, search_practices
from msoko.cycle.services import recommendations as service
from msoko.cycle.services.recommendations import Finding


@pytest.fixture
def rules(world):
    return service.load_default_rules(world.department)


def test_default_rules_load_once(world, rules):
    assert rules == RecommendationRule.objects.count() == 12
    assert service.load_default_rules(world.department) == 0
    levels = set(RecommendationRule.objects.filter(finding_kind="shnor").values_list("addressee_level", flat=True))
    assert levels == {"organisation", "teachers", "municipality"}


def test_a_shnor_finding_drafts_one_recommendation_per_rule_with_evidence_and_practices(world, rules):
    resilient = service.add_practice(
        world.department, world.municipality, title="Наставничество «учитель — учитель»",
        organisation=world.school_b, direction_numbers=[2], source="resilient",
    )
    service.add_practice(world.department, world.municipality, title="Профориентационные пробы", direction_numbers=[4])
    drafts = service.draft_from_findings(
        world.executor, world.municipality,
        [Finding("shnor", world.school_a, 2, "индекс образовательных результатов", {"index": 0.21, "rank": "4 из 4"})],
        world.years[2024],
    )
    assert sorted(r.addressee_level for r in drafts) == ["municipality", "organisation", "teachers"]
    org = next(r for r in drafts if r.addressee_level == "organisation")
    assert org.status == "draft" and org.organisation == world.school_a and org.direction_number == 2
    assert org.text.startswith("Школа А: по итогам 2024/25 учебного года школа отнесена к школам с низкими")
    assert org.evidence == {"finding": "shnor", "indicator": "индекс образовательных результатов", "index": 0.21, "rank": "4 из 4"}
    assert list(org.practices.all()) == [resilient]
    teachers = next(r for r in drafts if r.addressee_level == "teachers")
    assert teachers.addressee_note == "группа педагогов"
    assert AuditEntry.objects.filter(action="cycle.recommendation.draft").count() == 3


def test_drafting_for_a_direction_needs_its_manager(world, rules):
    with pytest.raises(PermissionDenied):
        service.draft_from_findings(world.coordinator, world.municipality, [Finding("shnor", world.school_a, 2)])
    assert not Recommendation.objects.exists()


def _to_school(world, organisation=None):
    """The organisation-level draft drafted for an objectivity finding (direction 1)."""
    drafts = service.draft_from_findings(
        world.coordinator, world.municipality, [Finding("objectivity", organisation or world.school_a, 1, "ВПР")]
    )
    return next(r for r in drafts if r.addressee_level == "organisation")


def _sent(world, rules, organisation=None):
    rec = _to_school(world, organisation)
    service.move(world.coordinator, rec, "approved")
    service.move(world.coordinator, rec, "sent")
    return rec


def test_full_path_draft_to_report_by_the_right_people(world, rules):
    rec = _sent(world, rules)
    with pytest.raises(PermissionDenied):
        service.move(world.school_b_admin, rec, "accepted")
    with pytest.raises(PermissionDenied):
        service.move(world.coordinator, rec, "accepted")
    service.move(world.school_a_admin, rec, "accepted")
    with pytest.raises(CycleError, match="Опишите"):
        service.move(world.school_a_admin, rec, "reported")
    service.move(world.school_a_admin, rec, "reported", report="Проведена перепроверка работ 5–8 классов")
    rec.refresh_from_db()
    assert rec.status == "reported" and rec.report == "Проведена перепроверка работ 5–8 классов"
    assert all((rec.approved_at, rec.sent_at, rec.accepted_at, rec.reported_at))
    assert AuditEntry.objects.filter(action="cycle.recommendation.status", object_id=str(rec.pk)).count() == 4


ALL = [s.value for s in Recommendation.Status]
ALLOWED = {("draft", "approved"), ("approved", "draft"), ("approved", "sent"), ("sent", "accepted"), ("accepted", "reported")}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_status_transition(world, rules, source, target):
    rec = _to_school(world)
    Recommendation.objects.filter(pk=rec.pk).update(status=source)
    rec.refresh_from_db()
    actor = world.school_a_admin if target in ("accepted", "reported") else world.coordinator
    if (source, target) in ALLOWED:
        service.move(actor, rec, target, report="Сделано")
        assert Recommendation.objects.get(pk=rec.pk).status == target
    else:
        with pytest.raises(CycleError, match="не допускается"):
            service.move(actor, rec, target, report="Сделано")


def test_only_drafts_are_edited(world, rules):
    rec = _to_school(world)
    service.edit(world.coordinator, rec, text="Уточнённый текст")
    service.move(world.coordinator, rec, "approved")
    with pytest.raises(CycleError, match="только черновик"):
        service.edit(world.coordinator, rec, text="Ещё раз")


def test_a_school_sees_only_what_was_sent_to_it(world, rules):
    sent_a = _sent(world, rules, world.school_a)
    draft_a = _to_school(world)
    to_municipality = Recommendation.objects.get(organisation=world.school_a, addressee_level="municipality", status="draft", pk__lt=draft_a.pk + 1, rule__title__startswith="Контроль", pk__gt=sent_a.pk)
    service.move(world.coordinator, to_municipality, "approved")
    service.move(world.coordinator, to_municipality, "sent")
    sent_b = _sent(world, rules, world.school_b)
    assert set(recommendations_for(world.school_a_admin)) == {sent_a}
    assert set(recommendations_for(world.school_b_admin)) == {sent_b}
    assert {sent_a, draft_a, sent_b, to_municipality} <= set(recommendations_for(world.methodist))
    # Addressed to the municipality: the department accepts it, not the school it is about.
    with pytest.raises(PermissionDenied):
        service.move(world.school_a_admin, to_municipality, "accepted")
    service.move(world.coordinator, to_municipality, "accepted")


def test_practice_search_ignores_case_and_yo(world):
    service.add_practice(world.department, world.municipality, title="Ёлочка: ранняя профориентация", organisation=world.preschool, direction_numbers=[4, 8])
    service.add_practice(world.department, world.municipality, title="Школа наставников", organisation=world.school_b, direction_numbers=[2])
    assert [p.title for p in search_practices(world.municipality, "ЕЛОЧКА")] == ["Ёлочка: ранняя профориентация"]
    assert [p.title for p in search_practices(world.municipality, "наставн школа")] == ["Школа наставников"]
    assert [p.title for p in search_practices(world.municipality, "школа б")] == ["Школа наставников"]  # organisation name
    assert [p.title for p in search_practices(world.municipality, "", direction_number=8)] == ["Ёлочка: ранняя профориентация"]
