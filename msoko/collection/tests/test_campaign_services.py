"""Campaign lifecycle: who may move a form between statuses, rules, locking and accepted values."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from msoko.collection.campaign_services import (
    CampaignError,
    StaleForm,
    accept_submission,
    compose_campaign,
    reopen_submission,
    return_submission,
    save_answers,
)
from msoko.collection.models import DataValue, Submission, SubmissionEvent
from msoko.collection.tests.campaign_data import (
    CATEGORY_RULE,
    make_elements,
    staffing_campaign,
    website_audit,
)
from msoko.core.models import AuditEntry

S = Submission.Status
GOOD = {"teachers_total": "40", "teachers_highest_category": "10", "teachers_first_category": "12",
        "mentoring_system": "да"}


def form_of(campaign, org):
    return Submission.objects.get(campaign=campaign, organisation=org)


def fresh(submission):
    return Submission.objects.get(pk=submission.pk)


def test_opening_creates_one_not_started_form_per_organisation(world):
    campaign = staffing_campaign(world)
    forms = Submission.objects.filter(campaign=campaign).order_by("organisation__code")
    assert [(s.organisation.code, s.status) for s in forms] == [("OO-A", S.NOT_STARTED), ("OO-B", S.NOT_STARTED)]
    assert [f.code for f in campaign.fields.all()] == [
        "teachers_total", "teachers_highest_category", "teachers_first_category", "mentoring_system"]
    assert AuditEntry.objects.filter(action="open", object_id=str(campaign.pk)).exists()


def test_only_the_department_composes(world):
    make_elements()
    with pytest.raises(PermissionDenied):
        compose_campaign(title="X", year=world.current_year, deadline=world.current_year.periods.first().end,
                         organisations=[world.school_a], elements=["teachers_total"], actor=world.school_a_admin)


def test_compose_refuses_unknown_elements_and_rules_over_fields_not_in_the_form(world):
    make_elements()
    bad_rule = CATEGORY_RULE.__class__("Правило", "teachers_total", "<=", "students_total")
    with pytest.raises(CampaignError) as caught:
        compose_campaign(title="X", year=world.current_year, deadline=world.current_year.periods.first().end,
                         organisations=[world.school_a], elements=["teachers_total", "nonexistent"],
                         rules=[bad_rule], actor=world.department)
    text = " ".join(caught.value.problems)
    assert "nonexistent" in text and "students_total" in text


def test_school_saves_a_draft_then_submits(world):
    form = form_of(staffing_campaign(world), world.school_a)
    outcome = save_answers(form, {"teachers_total": "40"}, version=0, actor=world.school_a_admin)
    assert (outcome.submission.status, outcome.submission.version) == (S.DRAFT, 1)
    assert outcome.values["teachers_total"] == 40
    outcome = save_answers(form, GOOD, version=1, actor=world.school_a_admin, submit=True)
    assert fresh(form).status == S.SUBMITTED
    assert fresh(form).submitted_at is not None
    assert [e.action for e in SubmissionEvent.objects.filter(submission=form)] == ["save", "submit"]


def test_another_school_cannot_fill_the_form(world):
    form = form_of(staffing_campaign(world), world.school_a)
    with pytest.raises(PermissionDenied):
        save_answers(form, GOOD, version=0, actor=world.school_b_admin)
    with pytest.raises(PermissionDenied):  # a self-report is the school's own: not the department's
        save_answers(form, GOOD, version=0, actor=world.department)


def test_submit_requires_every_answer(world):
    form = form_of(staffing_campaign(world), world.school_a)
    with pytest.raises(CampaignError) as caught:
        save_answers(form, {"teachers_total": "40"}, version=0, actor=world.school_a_admin, submit=True)
    assert "Не заполнено" in caught.value.problems[0] and "высшей категории" in caught.value.problems[0]
    assert fresh(form).status == S.NOT_STARTED


def test_failing_rule_is_named_and_nothing_is_saved(world):
    form = form_of(staffing_campaign(world), world.school_a)
    answers = dict(GOOD, teachers_highest_category="30")  # 30 + 12 = 42 > 40
    with pytest.raises(CampaignError) as caught:
        save_answers(form, answers, version=0, actor=world.school_a_admin)
    assert caught.value.problems == [
        "Не выполнено правило «Категорийные педагоги не больше всех педагогов»: "
        "teachers_highest_category + teachers_first_category = 42, teachers_total = 40; "
        "требуется teachers_highest_category + teachers_first_category ≤ teachers_total."
    ]
    assert fresh(form).version == 0 and not fresh(form).values.exists()


def test_rule_on_blank_answers_waits_until_they_are_filled(world):
    form = form_of(staffing_campaign(world), world.school_a)
    save_answers(form, {"teachers_highest_category": "30"}, version=0, actor=world.school_a_admin)
    assert fresh(form).status == S.DRAFT


def test_typed_answers_are_checked(world):
    form = form_of(staffing_campaign(world), world.school_a)
    with pytest.raises(CampaignError) as caught:
        save_answers(form, dict(GOOD, teachers_total="40,5", mentoring_system="может быть"), version=0,
                     actor=world.school_a_admin)
    assert caught.value.problems == [
        "«Численность педагогических работников»: ожидается целое число, а указано «40,5».",
        "«Действует система наставничества»: ожидается «да» или «нет», а указано «может быть».",
    ]


def test_later_saver_of_an_older_version_is_refused(world):
    form = form_of(staffing_campaign(world), world.school_a)
    save_answers(form, {"teachers_total": "40"}, version=0, actor=world.school_a_admin)
    with pytest.raises(StaleForm) as caught:
        save_answers(form, {"teachers_total": "41"}, version=0, actor=world.school_a_admin)
    assert "Форму уже изменил" in caught.value.message and "Обновите страницу" in caught.value.message
    assert fresh(form).values.get(field__code="teachers_total").value == 40


def test_department_returns_with_a_comment_and_the_school_corrects(world):
    form = form_of(staffing_campaign(world), world.school_a)
    save_answers(form, GOOD, version=0, actor=world.school_a_admin, submit=True)
    with pytest.raises(PermissionDenied):
        return_submission(form, "Проверьте", actor=world.school_a_admin)
    with pytest.raises(CampaignError):
        return_submission(form, "  ", actor=world.department)
    return_submission(form, "Уточните число педагогов высшей категории", actor=world.department)
    assert fresh(form).status == S.RETURNED
    assert SubmissionEvent.objects.filter(submission=form, action="return").get().comment.startswith("Уточните")
    save_answers(form, {"teachers_highest_category": "9"}, version=fresh(form).version, actor=world.school_a_admin,
                 submit=True)
    assert fresh(form).status == S.SUBMITTED


def test_only_submitted_forms_can_be_returned_or_accepted(world):
    form = form_of(staffing_campaign(world), world.school_a)
    with pytest.raises(CampaignError):
        accept_submission(form, actor=world.department)
    with pytest.raises(CampaignError):
        return_submission(form, "нет", actor=world.department)


def test_accepting_writes_data_values_with_lineage_and_locks_the_form(world):
    campaign = staffing_campaign(world)
    form = form_of(campaign, world.school_a)
    save_answers(form, GOOD, version=0, actor=world.school_a_admin, submit=True)
    with pytest.raises(PermissionDenied):
        accept_submission(form, actor=world.school_a_admin)
    with pytest.raises(PermissionDenied):  # methodists are staff but do not take decisions
        accept_submission(form, actor=world.methodist)
    accept_submission(form, actor=world.department)
    assert fresh(form).status == S.ACCEPTED
    values = {v.data_element.code: v for v in DataValue.objects.filter(organisation=world.school_a)}
    assert {c: v.value for c, v in values.items()} == {
        "teachers_total": 40, "teachers_highest_category": 10, "teachers_first_category": 12, "mentoring_system": 1}
    total = values["teachers_total"]
    assert total.period == world.periods[2025] and total.source_import is None
    assert total.source_note == f"кампания «Кадры 2025», форма №{form.pk}"
    with pytest.raises(CampaignError) as caught:
        save_answers(form, {"teachers_total": "50"}, version=fresh(form).version, actor=world.school_a_admin)
    assert "принято" in caught.value.message


def test_reopening_an_accepted_form_unlocks_it_for_the_school(world):
    form = form_of(staffing_campaign(world), world.school_a)
    save_answers(form, GOOD, version=0, actor=world.school_a_admin, submit=True)
    accept_submission(form, actor=world.department)
    with pytest.raises(CampaignError):
        reopen_submission(form, "", actor=world.department)
    reopen_submission(form, "Исправлена ошибка в отчёте ОО-1", actor=world.department)
    assert fresh(form).status == S.RETURNED
    save_answers(form, {"teachers_total": "41"}, version=fresh(form).version, actor=world.school_a_admin, submit=True)
    accept_submission(form, actor=world.department)
    assert DataValue.objects.get(organisation=world.school_a, data_element__code="teachers_total").value == 41


def test_expert_audit_is_filled_by_staff_not_by_the_school(world):
    form = form_of(website_audit(world), world.school_a)
    with pytest.raises(PermissionDenied):
        save_answers(form, {"mentoring_system": "есть", "item2": "2"}, version=0, actor=world.school_a_admin)
    with pytest.raises(CampaignError) as caught:  # present, but the link is missing
        save_answers(form, {"mentoring_system": "есть", "item2": "2"}, version=0, actor=world.methodist, submit=True)
    assert "Укажите ссылку" in caught.value.problems[0]
    with pytest.raises(CampaignError) as caught:
        save_answers(form, {"item2": "4"}, version=0, actor=world.methodist)
    assert "балл должен быть от 0 до 3" in caught.value.problems[0]
    save_answers(form, {"mentoring_system": "есть", "item2": "2"}, links={"mentoring_system": "https://oo-a.example/nastav"},
                 version=0, actor=world.methodist, submit=True)
    accept_submission(form, actor=world.department)
    value = DataValue.objects.get(organisation=world.school_a, data_element__code="mentoring_system")
    assert value.value == 1
    assert form.values.get(field__code="mentoring_system").link == "https://oo-a.example/nastav"


def test_audit_links_must_be_web_addresses(world):
    form = form_of(website_audit(world), world.school_a)
    with pytest.raises(CampaignError) as caught:
        save_answers(form, {"mentoring_system": "есть"}, links={"mentoring_system": "javascript:alert(1)"},
                     version=0, actor=world.methodist)
    assert caught.value.problems == [
        "«Положение о наставничестве на сайте»: ссылка должна начинаться с http:// или https:// "
        "(указано «javascript:alert(1)»)."
    ]
    assert not form.values.exists()
