"""Object-level checks: school A reaches nothing of school B by changing an id in a URL, a form
or an API call. Outside its scope the answer is 404, and nothing changes.

The values filter of the API answers an empty list for another school's code (the filter runs
within the scope). The objects are those of `access_world` (school B's form, recommendation, value…); school A's
administrator is the one who tries.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from msoko.collection.campaign_xlsx import build_template
from msoko.collection.models import DataValue, Submission
from msoko.core.models import AuditEntry
from msoko.core.tests.access_world import AccessWorld
from msoko.cycle.models import Recommendation
from msoko.reports.models import ReportJob


@pytest.fixture
def school_a(aw) -> Client:
    client = Client()
    client.force_login(aw.world.user("school_a"))
    return client


def api(client: Client, aw: AccessWorld, method: str, path: str, data=None):
    headers = {"Authorization": f"Bearer {aw.keys['school_a']}"}
    if method == "GET":
        return client.get(f"/api/v1/{path}", data or {}, headers=headers)
    return client.post(f"/api/v1/{path}", json.dumps(data or {}), content_type="application/json", headers=headers)


def audit_count() -> int:
    return AuditEntry.objects.count()


@pytest.mark.parametrize("url", [
    "/organisations/OO-B/",
    "/data/forms/{form_b}/",
    "/data/forms/{form_b}/template.xlsx",
    "/data/values/{value_b}/",
    "/cycle/recommendations/{rec_b}/",
    "/cycle/recommendations/{rec_b}/report/",
    "/reports/card/?org=OO-B&year=2024",
    "/reports/card/xlsx/?org=OO-B&year=2024",
    "/reports/direction/?direction=1&year=2024",
])
def test_school_a_gets_404_for_school_bs_objects_by_url(aw, school_a, url):
    path = url.format(**{name: aw.pk(name) for name in ("form_b", "value_b", "rec_b")})
    assert school_a.get(path).status_code == 404, path


def test_the_same_urls_with_school_as_own_ids_open(aw, school_a):
    assert school_a.get("/organisations/OO-A/").status_code == 200
    assert school_a.get(f"/data/forms/{aw.pk('form_a')}/").status_code == 200
    assert school_a.get(f"/data/values/{aw.pk('value_a')}/").status_code == 200
    assert school_a.get(f"/cycle/recommendations/{aw.pk('rec_a')}/").status_code == 200
    assert school_a.get("/reports/card/?org=OO-A&year=2024").status_code == 200


@pytest.mark.parametrize("url", [
    "/data/upload/{job}/", "/data/history/{batch}/", "/data/history/{bad_batch}/errors.xlsx",
    "/data/campaigns/{campaign}/answers.xlsx", "/cycle/measures/{measure}/document/",
    "/cycle/decisions/{decision}/document/", "/analysis/shnor/{shnor_run}/",
])
def test_municipal_imports_measures_and_analyses_are_refused_to_a_school(aw, school_a, url):
    path = url.format(**{k: aw.pk(k) for k in ("job", "batch", "bad_batch", "campaign", "measure", "decision",
                                                "shnor_run")})
    assert school_a.get(path).status_code == 403, path


def test_school_a_cannot_fill_school_bs_form_by_its_id(aw, school_a):
    form_b = aw.objects["form_b"]
    before = (form_b.version, list(DataValue.objects.filter(organisation=aw.world.school_b).values_list("value")),
              audit_count())
    response = school_a.post(f"/data/forms/{form_b.pk}/", {"version": form_b.version, "teachers_total": "99",
                                                          "action": "submit"})
    assert response.status_code == 404
    form_b.refresh_from_db()
    after = (form_b.version, list(DataValue.objects.filter(organisation=aw.world.school_b).values_list("value")),
             audit_count())
    assert after == before and form_b.status == Submission.objects.get(pk=form_b.pk).status


def test_school_a_cannot_upload_a_filled_template_into_school_bs_form(aw, school_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form_b = aw.objects["form_b"]
    template = build_template(form_b)  # B's own template, as if school A had got hold of it
    before = (form_b.version, audit_count())
    response = school_a.post(f"/data/forms/{form_b.pk}/upload/", {
        "file": SimpleUploadedFile("forma-b.xlsx", template), "version": form_b.version})
    assert response.status_code == 404
    form_b.refresh_from_db()
    assert (form_b.version, audit_count()) == before


def test_school_a_cannot_answer_or_report_on_school_bs_recommendation(aw, school_a):
    rec_b = aw.objects["rec_b"]
    response = school_a.post(f"/cycle/recommendations/{rec_b.pk}/move/", {"status": "accepted"})
    assert response.status_code == 404
    assert Recommendation.objects.get(pk=rec_b.pk).status == rec_b.status


def test_school_a_cannot_order_school_bs_card(aw, school_a):
    jobs = ReportJob.objects.count()
    response = school_a.post("/reports/request/", {"kind": "card", "org": "OO-B", "format": "pdf", "year": "2024"})
    assert response.status_code == 404
    assert ReportJob.objects.count() == jobs


def test_api_values_of_school_b_are_not_found_for_school_a(aw, school_a):
    response = api(school_a, aw, "GET", "data-values/", {"organisation": "OO-B", "period": "2024/25"})
    foreign = response.json()
    assert response.status_code == 200 and (foreign["items"] if isinstance(foreign, dict) else foreign) == []
    mine = api(school_a, aw, "GET", "data-values/", {"period": "2024/25"}).json()
    rows = mine["items"] if isinstance(mine, dict) else mine
    assert rows and {row["organisation"] for row in rows} == {"OO-A"}
    assert api(school_a, aw, "GET", "organisations/OO-B/").status_code == 404
    assert api(school_a, aw, "GET", f"recommendations/{aw.pk('rec_b')}/").status_code == 404
    assert api(school_a, aw, "GET", f"forms/{aw.pk('form_b')}/").status_code == 404


def test_api_writes_for_school_b_by_school_a_change_nothing(aw, school_a):
    form_b, rec_b = aw.objects["form_b"], aw.objects["rec_b"]
    values_b = list(DataValue.objects.filter(organisation=aw.world.school_b).values_list("pk", "value"))
    before = audit_count()
    written = api(school_a, aw, "POST", "dataValueSets/", {
        "period": "2024/25", "dataValues": [{"dataElement": "vpr_m2", "orgUnit": "OO-B", "value": "99"}]})
    assert written.status_code in (403, 404)
    saved = api(school_a, aw, "POST", f"forms/{form_b.pk}/save/", {
        "version": form_b.version, "answers": {"teachers_total": 99}})
    assert saved.status_code == 404
    moved = api(school_a, aw, "POST", f"recommendations/{rec_b.pk}/status/", {"status": "accepted"})
    assert moved.status_code == 404
    assert list(DataValue.objects.filter(organisation=aw.world.school_b).values_list("pk", "value")) == values_b
    assert audit_count() == before
