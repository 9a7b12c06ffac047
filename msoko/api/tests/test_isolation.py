"""Municipality isolation: users of «OTH» reach nothing of «TSK» (and the other way round) — 404, never data."""

import datetime

import pytest

from msoko.analytics.models import AnalysisRun, ShnorResult
from msoko.collection.models import ImportBatch
from msoko.cycle.models import Decision, Measure, Recommendation


@pytest.fixture
def tsk_objects(values, world):
    """One object of every kind in TSK, plus a region-wide run with a result for school OO-A."""
    rec = Recommendation.objects.create(
        municipality=world.municipality, addressee_level="organisation", organisation=world.school_a,
        title="Рекомендация школе А", text="…", status=Recommendation.Status.SENT,
    )
    measure = Measure.objects.create(municipality=world.municipality, number="1.1", content="Семинар", direction_number=1)
    decision = Decision.objects.create(municipality=world.municipality, kind="order", date=datetime.date(2024, 10, 1),
                                       content="Приказ о мерах", direction_number=1)
    batch = ImportBatch.objects.create(kind="vpr", file_name="впр-тск.xlsx", checksum="0" * 64, status="done",
                                       scope={"orgs": ["OO-A", "OO-B"], "keys": [], "year": 2024})
    run = AnalysisRun.objects.create(kind="shnor", municipality=world.municipality, years=[2024], status="done")
    shared = AnalysisRun.objects.create(kind="shnor", municipality=None, years=[2024], status="done")
    ShnorResult.objects.create(run=shared, organisation=world.school_a, year=2024, block="results", index=0.3)
    return {"recommendation": rec, "measure": measure, "decision": decision, "batch": batch, "run": run, "shared": shared}


@pytest.mark.parametrize("persona", ["other_department", "other_school"])
def test_lists_of_the_other_municipality_show_nothing_of_tsk(tsk_objects, tokens, api_get, persona):
    key = tokens[persona]
    orgs = api_get(key, "organisations/").json()["items"]
    assert [o["code"] for o in orgs] == ["OO-C"]
    values = api_get(key, "data-values/").json()["items"]
    assert {v["organisation"] for v in values} == {"OO-C"}
    exported = api_get(key, "dataValueSets/").json()["dataValues"]
    assert {v["orgUnit"] for v in exported} == {"OO-C"}
    assert api_get(key, "imports/").json()["items"] == []
    assert api_get(key, "recommendations/").json()["items"] == []
    rollup = api_get(key, "indicators/R1/values/", year=2024, by="municipality").json()
    assert [(r["group"], r["numerator"], r["denominator"]) for r in rollup] == [("OTH", 5.0, 50.0)]


def test_department_of_the_other_municipality_sees_no_tsk_cycle_or_analysis(tsk_objects, tokens, api_get):
    key = tokens["other_department"]
    assert [c["code"] for c in api_get(key, "clusters/").json()] == ["urban"]
    assert api_get(key, "clusters/").json()[0]["members"] == ["OO-C"]
    assert api_get(key, "measures/").json()["items"] == []
    assert api_get(key, "decisions/").json()["items"] == []
    runs = api_get(key, "analysis/runs/").json()["items"]
    assert [r["id"] for r in runs] == [tsk_objects["shared"].pk]
    results = api_get(key, f"analysis/runs/{tsk_objects['shared'].pk}/results/").json()
    assert results["shnor"] == []


@pytest.mark.parametrize("persona", ["other_department", "other_school"])
def test_objects_of_tsk_answer_404_to_the_other_municipality(tsk_objects, tokens, api_get, api_post, persona):
    key = tokens[persona]
    staff = persona == "other_department"
    paths = [
        "organisations/OO-A/", f"imports/{tsk_objects['batch'].pk}/", f"imports/{tsk_objects['batch'].pk}/report/",
        f"recommendations/{tsk_objects['recommendation'].pk}/",
    ]
    for path in paths:
        assert api_get(key, path).status_code == 404, path
    staff_paths = [f"measures/{tsk_objects['measure'].pk}/", f"decisions/{tsk_objects['decision'].pk}/",
                   f"analysis/runs/{tsk_objects['run'].pk}/"]
    for path in staff_paths:
        assert api_get(key, path).status_code == (404 if staff else 403), path
    moved = api_post(key, f"measures/{tsk_objects['measure'].pk}/status/", {"status": "in_progress"})
    assert moved.status_code == (404 if staff else 403)
    cancelled = api_post(key, f"decisions/{tsk_objects['decision'].pk}/cancel/", {"reason": "чужое"})
    assert cancelled.status_code == (404 if staff else 403)
    accepted = api_post(key, f"recommendations/{tsk_objects['recommendation'].pk}/status/", {"status": "accepted"})
    assert accepted.status_code == 404
    tsk_objects["measure"].refresh_from_db()
    tsk_objects["decision"].refresh_from_db()
    assert (tsk_objects["measure"].status, tsk_objects["decision"].status) == ("planned", "in_execution")


def test_other_department_cannot_write_values_of_tsk(tsk_objects, tokens, api_post):
    payload = {"dataValues": [{"dataElement": "vpr_m2", "orgUnit": "OO-A", "period": "2024/25", "value": "99"},
                              {"dataElement": "vpr_m2", "orgUnit": "OO-C", "period": "2024/25", "value": "4"}]}
    response = api_post(tokens["other_department"], "dataValueSets/", payload)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ERROR"
    assert body["conflicts"] == [{"object": "OO-A", "value": "dataValues[0]: организация «OO-A» не найдена или недоступна для записи."}]
    from msoko.collection.models import DataValue

    assert DataValue.objects.get(organisation__code="OO-A", data_element__code="vpr_m2", category="").value == 6.0


def test_tsk_users_in_turn_see_nothing_of_oth(tsk_objects, tokens, api_get):
    for persona in ("department", "school_a", "council"):
        codes = {o["code"] for o in api_get(tokens[persona], "organisations/").json()["items"]}
        assert "OO-C" not in codes
        assert api_get(tokens[persona], "organisations/OO-C/").status_code == 404
        assert api_get(tokens[persona], "data-values/", organisation="OO-C").json()["items"] == []
