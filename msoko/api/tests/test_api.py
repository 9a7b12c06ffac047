"""The REST API end to end: reads with filters, bulk writes with dry run, imports, cycle transitions, rights."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from msoko.collection.models import DataValue
from msoko.core.models import AuditEntry
from msoko.cycle.models import Decision, Measure, Recommendation

CSV_HEADER = "Учебный год;Код ОО;Элемент данных;Значение\n"


def test_schema_and_documentation_pages_are_served(db, client):
    schema = client.get("/api/v1/schema/", HTTP_HOST="localhost")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "msoko API"
    assert "/api/v1/dataValueSets/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/", HTTP_HOST="localhost")
    assert docs.status_code == 200 and b"/api/v1/schema/" in docs.content


def test_organisation_search_ignores_case_and_yo(values, tokens, api_get):
    found = api_get(tokens["department"], "organisations/", q="ЁЛОЧКА").json()["items"]
    assert [o["code"] for o in found] == ["DOO-1"]
    rural = api_get(tokens["department"], "organisations/", cluster="rural", year=2024).json()["items"]
    assert [o["code"] for o in rural] == ["OO-B"]
    assert {"year": "2024/25", "cluster": "rural"} in rural[0]["clusters"]


def test_school_reads_only_its_own_values_with_lineage(values, tokens, api_get):
    body = api_get(tokens["school_a"], "data-values/", element="vpr_m2").json()
    assert body["count"] == 2
    assert {(v["organisation"], v["category"], v["value"]) for v in body["items"]} == {
        ("OO-A", "", 6.0), ("OO-A", "math-4", 4.0)}
    assert body["items"][0]["source"] == {"batch": None, "row": None, "note": "тестовые данные"}
    assert api_get(tokens["school_a"], "data-values/", organisation="OO-B").json()["count"] == 0
    assert api_get(tokens["school_a"], "organisations/OO-B/").status_code == 404


def test_data_values_filter_by_period_in_either_spelling(values, tokens, api_get):
    a = api_get(tokens["department"], "data-values/", period="2024/25", organisation="OO-B").json()
    b = api_get(tokens["department"], "data-values/", period="2024Sep", organisation="OO-B").json()
    assert a == b and a["count"] == 3
    assert api_get(tokens["department"], "data-values/", period="2023/24").json()["count"] == 0


def test_bulk_write_dry_run_then_real(values, tokens, api_post):
    payload = {"dataValues": [
        {"dataElement": "vpr_m2", "period": "2024Sep", "orgUnit": "OO-A", "categoryOptionCombo": "default", "value": "7"},
        {"dataElement": "vpr_n", "period": "2024/25", "orgUnit": "DOO-1", "value": 12},
    ]}
    dry = api_post(tokens["methodist"], "dataValueSets/?dryRun=true", payload).json()
    assert dry["status"] == "SUCCESS" and dry["dryRun"] is True
    assert dry["importCount"] == {"imported": 1, "updated": 1, "ignored": 0, "deleted": 0}
    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_m2", category="").value == 6.0
    real = api_post(tokens["methodist"], "dataValueSets/", payload).json()
    assert real["importCount"] == dry["importCount"] and real["dryRun"] is False
    written = DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_m2", category="")
    assert written.value == 7.0 and written.entered_by.username == "methodist"
    assert AuditEntry.objects.filter(action="data_values.import", actor__username="methodist").count() == 1


@pytest.mark.parametrize("persona", ["school_a", "preschool", "council", "public", "coordinator", "operator"])
def test_read_only_roles_get_403_on_writes(values, tokens, api_post, persona):
    payload = {"dataValues": [{"dataElement": "vpr_m2", "period": "2024/25", "orgUnit": "OO-A", "value": "1"}]}
    response = api_post(tokens[persona], "dataValueSets/?dryRun=true", payload)
    assert response.status_code == 403 and "формы сбора" in response.json()["detail"]
    response = _upload(api_post, tokens[persona], CSV_HEADER + "2024/25;OO-A;vpr_n;41\n", kind="values")
    assert response.status_code == 403
    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_n").value == 40.0


def _upload(api_post, key, text: str, name="значения.csv", **form):
    upload = SimpleUploadedFile(name, text.encode("utf-8"))
    return api_post(key, "imports/", {"file": upload, **form}, content_type=MULTIPART_CONTENT)


def test_import_start_status_and_report(values, tokens, api_post, api_get):
    done = _upload(api_post, tokens["department"], CSV_HEADER + "2024/25;OO-A;vpr_n;41\n", kind="values")
    assert done.status_code == 201, done.content
    body = done.json()
    assert (body["status"], body["progress"], body["values_written"], body["academic_year"]) == ("done", 100, 1, "2024/25")
    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_n", category="").value == 41.0
    status = api_get(tokens["department"], f"imports/{body['id']}/").json()
    assert status["id"] == body["id"] and status["created_by"] == "department"
    assert [b["id"] for b in api_get(tokens["school_a"], "imports/").json()["items"]] == [body["id"]]
    assert api_get(tokens["school_b"], f"imports/{body['id']}/").status_code == 404

    failed = _upload(api_post, tokens["department"], CSV_HEADER + "2024/25;NOPE;vpr_n;41\n", name="плохой.csv",
                     kind="values")
    assert failed.status_code == 201 and failed.json()["status"] == "failed" and failed.json()["errors_count"] >= 1
    report = api_get(tokens["department"], f"imports/{failed.json()['id']}/report/").json()
    assert "NOPE" in " ".join(e.get("text", "") or e.get("message", "") for e in report["errors"])


def test_import_of_another_municipalitys_organisation_changes_nothing(values, tokens, api_post, api_get):
    response = _upload(api_post, tokens["other_department"], CSV_HEADER + "2024/25;OO-A;vpr_n;99\n", kind="values")
    assert response.status_code == 201 and response.json()["status"] == "failed"
    report = api_get(tokens["other_department"], f"imports/{response.json()['id']}/report/").json()
    assert "организация «OO-A» не входит в те, чьи данные вы можете загружать" in report["errors"][0]["message"]
    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_n").value == 40.0
    assert api_get(tokens["department"], f"imports/{response.json()['id']}/").status_code == 404


def test_unknown_kind_and_replacement_needing_confirmation(values, tokens, api_post):
    assert _upload(api_post, tokens["department"], CSV_HEADER, kind="bogus").status_code == 400
    first = _upload(api_post, tokens["department"], CSV_HEADER + "2024/25;OO-A;vpr_n;41\n", kind="values")
    assert first.status_code == 201
    again = _upload(api_post, tokens["department"], CSV_HEADER + "2024/25;OO-A;vpr_n;42\n", kind="values")
    assert again.status_code == 409 and again.json()["conflicts"] == [first.json()["id"]]
    confirmed = _upload(api_post, tokens["department"], CSV_HEADER + "2024/25;OO-A;vpr_n;42\n", kind="values",
                        confirm_replace="true")
    assert confirmed.status_code == 201 and confirmed.json()["replaces"] == first.json()["id"]


def test_validation_errors_are_422_in_russian(values, tokens, api_get, api_post):
    response = api_get(tokens["department"], "indicators/R1/values/", year="двадцать")
    assert response.status_code == 422 and response.json()["detail"].startswith("Неверные данные запроса")
    response = api_post(tokens["department"], "dataValueSets/", {"values": []})
    assert response.status_code == 422


@pytest.fixture
def cycle_objects(world):
    measure = Measure.objects.create(municipality=world.municipality, number="1.1", content="Семинар", direction_number=1)
    decision = Decision.objects.create(municipality=world.municipality, kind="order", date=datetime.date(2024, 10, 1),
                                       content="Приказ", direction_number=2)
    sent = Recommendation.objects.create(
        municipality=world.municipality, addressee_level="organisation", organisation=world.school_a,
        title="Провести методический день", text="…", status=Recommendation.Status.SENT, direction_number=1,
    )
    draft = Recommendation.objects.create(
        municipality=world.municipality, addressee_level="organisation", organisation=world.school_a,
        title="Черновик", text="…", direction_number=1,
    )
    return {"measure": measure, "decision": decision, "sent": sent, "draft": draft}


def test_cycle_sections_are_for_staff_and_transitions_follow_the_ui_rules(cycle_objects, tokens, api_get, api_post):
    measure, decision = cycle_objects["measure"], cycle_objects["decision"]
    assert api_get(tokens["school_a"], "measures/").status_code == 403
    assert api_get(tokens["council"], "decisions/").status_code == 403
    assert api_get(tokens["operator"], f"measures/{measure.pk}/").json()["content"] == "Семинар"
    # direction 1 is the coordinator's; direction 2 the executor's
    assert api_post(tokens["executor"], f"measures/{measure.pk}/status/", {"status": "in_progress"}).status_code == 403
    moved = api_post(tokens["coordinator"], f"measures/{measure.pk}/status/", {"status": "in_progress"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    wrong = api_post(tokens["coordinator"], f"measures/{measure.pk}/status/", {"status": "planned"})
    assert wrong.status_code == 400 and "не допускается" in wrong.json()["detail"]
    done = api_post(tokens["executor"], f"decisions/{decision.pk}/executed/", {"on": "2024-12-01", "report": "Исполнено"})
    assert done.status_code == 200 and done.json()["status"] == "executed"
    assert AuditEntry.objects.filter(action="cycle.decision.executed").count() == 1
    assert api_post(tokens["department"], f"decisions/{decision.pk}/cancel/", {"reason": "поздно"}).status_code == 400


def test_school_sees_and_answers_only_recommendations_sent_to_it(cycle_objects, tokens, api_get, api_post):
    sent, draft = cycle_objects["sent"], cycle_objects["draft"]
    listed = api_get(tokens["school_a"], "recommendations/").json()["items"]
    assert [r["id"] for r in listed] == [sent.pk]
    assert api_get(tokens["school_a"], f"recommendations/{draft.pk}/").status_code == 404
    assert api_get(tokens["school_b"], f"recommendations/{sent.pk}/").status_code == 404
    accepted = api_post(tokens["school_a"], f"recommendations/{sent.pk}/status/", {"status": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    no_report = api_post(tokens["school_a"], f"recommendations/{sent.pk}/status/", {"status": "reported"})
    assert no_report.status_code == 400
    assert len(api_get(tokens["department"], "recommendations/").json()["items"]) == 2


def test_department_starts_an_analysis_run_and_follows_it(values, tokens, api_get, api_post):
    refused = api_post(tokens["coordinator"], "analysis/runs/", {"kind": "monitoring", "year": 2024})
    assert refused.status_code == 403
    missing_year = api_post(tokens["department"], "analysis/runs/", {"kind": "monitoring"})
    assert missing_year.status_code == 400 and "учебный год" in missing_year.json()["detail"]
    bad = api_post(tokens["department"], "analysis/runs/", {"kind": "shnor", "settings": {"share": "много"}})
    assert bad.status_code in (202, 400)
    started = api_post(tokens["department"], "analysis/runs/", {"kind": "monitoring", "year": 2024})
    assert started.status_code == 202, started.content
    run = started.json()
    assert run["kind"] == "monitoring" and run["municipality"] == "TSK" and run["years"] == [2024]
    followed = api_get(tokens["department"], f"analysis/runs/{run['id']}/").json()
    assert followed["status"] in {"pending", "running", "done", "failed"}
    assert AuditEntry.objects.filter(action="analysis.create", object_id=str(run["id"])).exists()
