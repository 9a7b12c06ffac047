"""dataValueSets import: DHIS2's import summary, dry run, atomicity, deletes, types, mapping, audit."""

import pytest

from msoko.api.exchange import format_value, import_data_value_set
from msoko.api.mappings import MappingError, set_mapping
from msoko.collection.models import DataValue
from msoko.core.models import AuditEntry


def stored(element: str, org: str, category: str = "") -> float | None:
    row = DataValue.objects.filter(data_element__code=element, organisation__code=org, category=category,
                                   period__code="2024/25").first()
    return None if row is None else row.value


def dv(element, org, value, period="2024/25", **extra):
    return {"dataElement": element, "orgUnit": org, "period": period, "value": value, **extra}


def test_dry_run_counts_new_updated_unchanged_and_deleted_without_saving(values, world):
    payload = {"dataValues": [
        dv("vpr_m2", "OO-A", "7"),  # 6 → 7: updated
        dv("vpr_n", "OO-A", "40"),  # same: ignored
        dv("vpr_n", "DOO-1", "12"),  # new
        dv("vpr_m2", "OO-B", ""),  # empty: deletes the stored 3
        dv("vpr_m2", "DOO-1", None),  # empty and nothing stored: ignored
    ]}
    summary = import_data_value_set(payload, actor=world.department, dry_run=True).as_dict()
    assert summary["status"] == "SUCCESS" and summary["dryRun"] is True
    assert summary["importCount"] == {"imported": 1, "updated": 1, "ignored": 2, "deleted": 1}
    assert summary["conflicts"] == []
    assert (stored("vpr_m2", "OO-A"), stored("vpr_n", "DOO-1"), stored("vpr_m2", "OO-B")) == (6.0, None, 3.0)


def test_real_run_writes_with_lineage_and_one_audit_entry(values, world):
    before = AuditEntry.objects.count()
    payload = {"dataValues": [dv("vpr_m2", "OO-A", "7"), dv("vpr_n", "DOO-1", "12"), dv("vpr_m2", "OO-B", "")]}
    summary = import_data_value_set(payload, actor=world.department, source="API")
    assert summary.as_dict()["importCount"] == {"imported": 1, "updated": 1, "ignored": 0, "deleted": 1}
    assert (stored("vpr_m2", "OO-A"), stored("vpr_n", "DOO-1"), stored("vpr_m2", "OO-B")) == (7.0, 12.0, None)
    row = DataValue.objects.get(data_element__code="vpr_m2", organisation__code="OO-A", category="")
    assert row.entered_by == world.department and row.source_note.startswith("API: dataValueSets, department")
    assert row.source_import is None
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [e.action for e in entries] == ["data_values.import"]
    changes = {(c["element"], c["before"], c["after"]) for c in entries[0].after["changes"]}
    assert changes == {("vpr_m2", 6.0, 7.0), ("vpr_n", None, 12.0), ("vpr_m2", 3.0, None)}


def test_one_conflict_and_nothing_is_written_by_default(values, world):
    payload = {"dataValues": [dv("vpr_m2", "OO-A", "7"), dv("vpr_m2", "OO-B", "три")]}
    summary = import_data_value_set(payload, actor=world.department).as_dict()
    assert summary["status"] == "ERROR"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert summary["conflicts"] == [{"object": "vpr_m2", "value": "dataValues[1]: значение «три» не является числом."}]
    assert stored("vpr_m2", "OO-A") == 6.0


def test_lenient_mode_writes_the_rest_and_reports_a_warning(values, world):
    payload = {"dataValues": [dv("vpr_m2", "OO-A", "7"), dv("nope", "OO-B", "1")]}
    summary = import_data_value_set(payload, actor=world.department, atomic=False).as_dict()
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    assert summary["conflicts"][0]["object"] == "nope"
    assert stored("vpr_m2", "OO-A") == 7.0


@pytest.mark.parametrize(
    ("item", "object_", "fragment"),
    [
        (dv("vpr_m2", "OO-A", "1", period="2031/32"), "2031/32", "период «2031/32» не найден"),
        (dv("vpr_m2", "NOPE", "1"), "NOPE", "организация «NOPE» не найдена"),
        (dv("vpr_m2", "OO-A", "1.5"), "vpr_m2", "целым неотрицательным"),
        (dv("vpr_m2", "OO-A", "-1"), "vpr_m2", "целым неотрицательным"),
        (dv("remote", "OO-B", "может быть"), "remote", "не является логическим"),
        (dv("mean_score", "DOO-1", "inf"), "mean_score", "конечным"),
        (dv("vpr_m2", "OO-A", "1", attributeOptionCombo="xYz"), "xYz", "attributeOptionCombo"),
        ({"dataElement": "vpr_m2", "value": "1"}, "dataValues[0]", "period, orgUnit"),
    ],
)
def test_conflicts_name_the_value_and_the_reason(values, world, item, object_, fragment):
    summary = import_data_value_set({"dataValues": [item]}, actor=world.department, dry_run=True)
    assert len(summary.conflicts) == 1
    assert summary.conflicts[0]["object"] == object_ and fragment in summary.conflicts[0]["value"]


def test_duplicate_cell_in_one_payload_is_a_conflict(values, world):
    payload = {"dataValues": [dv("vpr_m2", "OO-A", "1"), dv("vpr_m2", "OO-A", "2", period="2024Sep")]}
    summary = import_data_value_set(payload, actor=world.department)
    assert summary.status == "ERROR" and "dataValues[0]" in summary.conflicts[0]["value"]


def test_not_a_value_set_is_one_conflict(world):
    summary = import_data_value_set([1, 2], actor=world.department)
    assert summary.status == "ERROR" and summary.conflicts[0]["object"] == "dataValues"


def test_top_level_period_and_org_unit_apply_to_every_value_and_bools_are_stored_as_1_0(values, world):
    payload = {"period": "2024", "orgUnit": "OO-B", "dataValues": [
        {"dataElement": "remote", "value": "false"}, {"dataElement": "vpr_n", "value": 11},
    ]}
    summary = import_data_value_set(payload, actor=world.department)
    assert summary.status == "SUCCESS"
    assert (stored("remote", "OO-B"), stored("vpr_n", "OO-B")) == (0.0, 11.0)


def test_writable_organisations_limit_the_write(values, world):
    payload = {"dataValues": [dv("vpr_m2", "OO-A", "9")]}
    summary = import_data_value_set(payload, actor=world.department, writable_org_ids={world.school_b.pk})
    assert summary.status == "ERROR" and "OO-A" in summary.conflicts[0]["value"]
    assert stored("vpr_m2", "OO-A") == 6.0


def test_mapping_translates_external_identifiers_both_ways(values, world):
    set_mapping("dataElement", "vpr_m2", "deUid00001")
    set_mapping("orgUnit", "OO-A", "ouUid00001")
    set_mapping("categoryOptionCombo", "math-4", "cocMath4xx")
    set_mapping("period", "2024/25", "2024July")
    payload = {"dataValues": [dv("deUid00001", "ouUid00001", "8", period="2024July", categoryOptionCombo="cocMath4xx")]}
    summary = import_data_value_set(payload, actor=world.department)
    assert summary.as_dict()["importCount"]["updated"] == 1
    assert stored("vpr_m2", "OO-A", "math-4") == 8.0
    with pytest.raises(MappingError, match="уже сопоставлен"):
        set_mapping("orgUnit", "OO-B", "ouUid00001")


@pytest.mark.parametrize(("value", "text"), [(12.0, "12"), (3.75, "3.75"), (0.1 + 0.2, "0.30000000000000004"), (-0.0, "0")])
def test_values_are_formatted_for_an_exact_round_trip(value, text):
    assert format_value(value) == text
    assert float(text) == value
