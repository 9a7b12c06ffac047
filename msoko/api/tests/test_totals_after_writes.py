"""Totals over categories after writes through dataValueSets, kept as an import keeps them.

ВПР participants of 2024/25 (element «vpr_participants», total "" = sum over subject-grade categories):

| school | ma-4 | ru-4 | total |
| ------ | ---- | ---- | ----- |
| OO-A   | 10   | 12   | 22    |
| OO-B   | 5    | —    | 5     |
"""

import pytest

from msoko.catalog.models import DataElement
from msoko.collection.models import DataValue
from msoko.core.models import AuditEntry

PARTICIPANTS = [("OO-A", "ma-4", 10.0), ("OO-A", "ru-4", 12.0), ("OO-A", "", 22.0), ("OO-B", "ma-4", 5.0), ("OO-B", "", 5.0)]


@pytest.fixture
def participants(values, world):
    element = DataElement.objects.create(code="vpr_participants", name="Число участников ВПР")
    orgs = {"OO-A": world.school_a, "OO-B": world.school_b}
    for org, category, value in PARTICIPANTS:
        DataValue.objects.create(data_element=element, organisation=orgs[org], period=world.periods[2024],
                                 category=category, value=value, source_note="загрузка ВПР")
    return element


def total(org: str, element: str = "vpr_participants") -> float | None:
    row = DataValue.objects.filter(data_element__code=element, organisation__code=org, category="",
                                   period__code="2024/25").first()
    return None if row is None else row.value


def one(org: str, category: str, value) -> dict:
    return {"dataValues": [{"dataElement": "vpr_participants", "period": "2024Sep", "orgUnit": org,
                            "categoryOptionCombo": category, "value": value}]}


def test_a_category_written_through_the_api_updates_the_total(participants, tokens, api_post, world):
    response = api_post(tokens["department"], "dataValueSets/", one("OO-A", "ma-4", "15"))
    body = response.json()
    assert body["status"] == "SUCCESS" and body["importCount"]["updated"] == 1
    assert "Пересчитано итогов по разрезам: 1." in body["description"]
    assert (total("OO-A"), total("OO-B")) == (27.0, 5.0)
    row = DataValue.objects.get(data_element=participants, organisation=world.school_a, category="")
    assert row.source_note == "сумма по разрезам"
    entry = AuditEntry.objects.get(action="data_values.import")
    assert entry.after["totals"] == [{"element": "vpr_participants", "organisation_id": world.school_a.pk,
                                      "period_id": world.periods[2024].pk, "category": "", "before": 22.0, "after": 27.0}]


def test_deleting_a_category_lowers_the_total_and_a_dry_run_changes_nothing(participants, tokens, api_post):
    dry = api_post(tokens["department"], "dataValueSets/?dryRun=true", one("OO-A", "ru-4", None)).json()
    assert dry["importCount"]["deleted"] == 1 and total("OO-A") == 22.0
    api_post(tokens["department"], "dataValueSets/", one("OO-A", "ru-4", None))
    assert total("OO-A") == 10.0


def test_a_new_school_gets_a_total_from_its_first_category(participants, tokens, api_post):
    api_post(tokens["department"], "dataValueSets/", one("OO-B", "ru-4", 7))
    assert total("OO-B") == 12.0
    assert total("DOO-1") is None


def test_elements_not_summed_by_imports_keep_the_total_they_were_sent(participants, tokens, api_post):
    payload = {"dataValues": [{"dataElement": "vpr_m2", "period": "2024/25", "orgUnit": "OO-A",
                               "categoryOptionCombo": "math-4", "value": "5"}]}
    body = api_post(tokens["department"], "dataValueSets/", payload).json()
    assert body["importCount"]["updated"] == 1 and "итогов" not in body["description"]
    assert total("OO-A", "vpr_m2") == 6.0
