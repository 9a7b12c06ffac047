"""Campaign forms through the API: the web form's rules, object by object.

The campaign is `staffing_campaign` of the collection tests: an open self-report to schools A and
B with three counts, a yes/no and the rule «highest + first category ≤ all teachers».
"""

import pytest

from msoko.collection.models import DataValue, Submission
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.core.models import AuditEntry

GOOD = {"teachers_total": 40, "teachers_highest_category": "10", "teachers_first_category": 12, "mentoring_system": True}


@pytest.fixture
def campaign(world, other):
    return staffing_campaign(world)


def form_id(campaign, code: str) -> int:
    return Submission.objects.get(campaign=campaign, organisation__code=code).pk


def test_each_role_lists_the_campaigns_and_forms_it_reaches(campaign, tokens, api_get):
    for persona in ("department", "coordinator", "school_a", "school_b"):
        assert [c["id"] for c in api_get(tokens[persona], "campaigns/").json()["items"]] == [campaign.pk], persona
    for persona in ("preschool", "other_department", "other_school", "public", "council"):
        assert api_get(tokens[persona], "campaigns/").json()["items"] == [], persona
        assert api_get(tokens[persona], f"campaigns/{campaign.pk}/").status_code == 404, persona

    body = api_get(tokens["school_a"], f"campaigns/{campaign.pk}/").json()
    assert [f["code"] for f in body["fields"]] == [
        "teachers_total", "teachers_highest_category", "teachers_first_category", "mentoring_system"]
    assert body["rules"][0]["operator"] == "<=" and body["status"] == "open"

    staff_forms = api_get(tokens["department"], f"campaigns/{campaign.pk}/forms/").json()["items"]
    assert [(f["organisation"], f["status"], f["filled"], f["total"]) for f in staff_forms] == [
        ("OO-A", "new", 0, 4), ("OO-B", "new", 0, 4)]
    own = api_get(tokens["school_a"], f"campaigns/{campaign.pk}/forms/").json()["items"]
    assert [f["organisation"] for f in own] == ["OO-A"]


def test_a_school_reaches_only_its_own_form(campaign, tokens, api_get, api_post):
    form_b = form_id(campaign, "OO-B")
    assert api_get(tokens["school_a"], f"forms/{form_b}/").status_code == 404
    response = api_post(tokens["school_a"], f"forms/{form_b}/save/", {"version": 0, "answers": GOOD})
    assert response.status_code == 404
    assert api_get(tokens["other_department"], f"forms/{form_b}/").status_code == 404
    assert Submission.objects.get(pk=form_b).version == 0


def test_school_saves_a_draft_with_the_version_it_saw(campaign, tokens, api_get, api_post):
    form_a = form_id(campaign, "OO-A")
    opened = api_get(tokens["school_a"], f"forms/{form_a}/").json()
    assert (opened["status"], opened["version"], opened["can_edit"], opened["can_review"]) == ("new", 0, True, False)

    saved = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": 0, "answers": {"teachers_total": "40"}})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    assert {a["code"]: a["value"] for a in body["answers"]}["teachers_total"] == 40.0
    assert [e["action"] for e in body["events"]] == ["save"]
    assert AuditEntry.objects.filter(action="save", object_id=str(form_a)).count() == 1

    stale = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": 0, "answers": {"teachers_total": "41"}})
    assert stale.status_code == 409 and "ваши изменения не сохранены" in stale.json()["detail"]
    assert api_get(tokens["school_a"], f"forms/{form_a}/").json()["version"] == 1


def test_answers_breaking_a_type_or_a_rule_are_422_and_nothing_is_saved(campaign, tokens, api_post):
    form_a = form_id(campaign, "OO-A")
    typed = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": 0, "answers": {"teachers_total": "сорок"}})
    assert typed.status_code == 422
    assert typed.json()["errors"][0]["message"] == (
        "«Численность педагогических работников»: ожидается число, а указано «сорок».")
    rule = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": 0, "answers": {**GOOD, "teachers_total": 5}})
    assert rule.status_code == 422
    assert rule.json()["errors"][0]["message"].startswith(
        "Не выполнено правило «Категорийные педагоги не больше всех педагогов»")
    incomplete = api_post(tokens["school_a"], f"forms/{form_a}/submit/", {"version": 0, "answers": {"teachers_total": 3}})
    assert incomplete.status_code == 422 and incomplete.json()["errors"][0]["message"].startswith("Не заполнено:")
    assert Submission.objects.get(pk=form_a).version == 0


def test_submit_return_with_comment_resubmit_and_accept(campaign, tokens, api_post, world):
    form_a = form_id(campaign, "OO-A")
    submitted = api_post(tokens["school_a"], f"forms/{form_a}/submit/", {"version": 0, "answers": GOOD}).json()
    assert (submitted["status"], submitted["version"]) == ("submitted", 1)

    assert api_post(tokens["department"], f"forms/{form_a}/return/", {"version": 1, "comment": " "}).status_code == 422
    assert api_post(tokens["school_a"], f"forms/{form_a}/accept/", {"version": 1}).status_code == 403
    assert api_post(tokens["coordinator"], f"forms/{form_a}/accept/", {"version": 1}).status_code == 403
    returned = api_post(tokens["department"], f"forms/{form_a}/return/",
                        {"version": 1, "comment": "Проверьте число педагогов первой категории"}).json()
    assert returned["status"] == "returned"
    assert returned["events"][-1]["comment"] == "Проверьте число педагогов первой категории"

    again = api_post(tokens["school_a"], f"forms/{form_a}/submit/",
                     {"version": returned["version"], "answers": {"teachers_first_category": 11}}).json()
    assert again["status"] == "submitted"
    early = api_post(tokens["department"], f"forms/{form_a}/accept/", {"version": returned["version"]})
    assert early.status_code == 409
    accepted = api_post(tokens["department"], f"forms/{form_a}/accept/", {"version": again["version"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    stored = DataValue.objects.get(organisation=world.school_a, data_element__code="teachers_first_category")
    assert stored.value == 11.0 and stored.source_note.startswith("кампания «Кадры 2025»")

    locked = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": accepted.json()["version"], "answers": {}})
    assert locked.status_code == 400 and "изменения невозможны" in locked.json()["detail"]
    reopened = api_post(tokens["department"], f"forms/{form_a}/reopen/", {"comment": "Уточнить наставничество"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "returned"


def test_staff_cannot_fill_a_schools_self_report_and_only_the_department_reviews(campaign, tokens, api_post):
    form_a = form_id(campaign, "OO-A")
    assert api_post(tokens["department"], f"forms/{form_a}/save/", {"version": 0, "answers": GOOD}).status_code == 403
    draft = api_post(tokens["school_a"], f"forms/{form_a}/save/", {"version": 0, "answers": GOOD}).json()
    not_sent = api_post(tokens["department"], f"forms/{form_a}/accept/", {"version": draft["version"]})
    assert not_sent.status_code == 400 and "только отправленную форму" in not_sent.json()["detail"]
