"""DHIS2 round trip: export to dataValueSets JSON, import into an installation without values, same values."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from msoko.api.mappings import set_mapping
from msoko.collection.models import DataValue


def snapshot() -> set[tuple]:
    return set(DataValue.objects.values_list(
        "data_element__code", "organisation__code", "period__code", "category", "value"))


def test_export_then_import_into_empty_installation_gives_identical_values(values, world, tmp_path):
    DataValue.objects.filter(organisation__code="DOO-1").update(value=1 / 3)  # a value with a long binary tail
    before = snapshot()
    assert len(before) == 9
    out = tmp_path / "values.json"
    call_command("dhis2", "export", "--out", str(out), stderr=StringIO())
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["dataValues"]) == 9
    first = next(v for v in document["dataValues"] if v["orgUnit"] == "OO-A" and v["categoryOptionCombo"] == "default"
                 and v["dataElement"] == "vpr_m2")
    assert (first["period"], first["value"]) == ("2024Sep", "6")

    DataValue.objects.all().delete()
    result = StringIO()
    call_command("dhis2", "import", str(out), stdout=result)
    assert "новых — 9" in result.getvalue()
    assert snapshot() == before
    assert DataValue.objects.filter(source_note__startswith="DHIS2 values.json").count() == 9


def test_round_trip_through_mapped_identifiers(values, world, tmp_path):
    before = snapshot()
    set_mapping("orgUnit", "OO-A", "DiszpKrYNg8")
    set_mapping("dataElement", "vpr_m2", "FTRrcoaog83")
    set_mapping("categoryOptionCombo", "", "HllvX50cXC0")
    out = tmp_path / "mapped.json"
    call_command("dhis2", "export", "--out", str(out), "--org", "OO-A", stderr=StringIO())
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {(v["dataElement"], v["orgUnit"], v["categoryOptionCombo"]) for v in document["dataValues"]} == {
        ("FTRrcoaog83", "DiszpKrYNg8", "HllvX50cXC0"), ("FTRrcoaog83", "DiszpKrYNg8", "math-4"),
        ("vpr_n", "DiszpKrYNg8", "HllvX50cXC0"),
    }
    DataValue.objects.filter(organisation__code="OO-A").delete()
    call_command("dhis2", "import", str(out), stdout=StringIO())
    assert snapshot() == before


def test_dry_run_import_changes_nothing_and_a_bad_file_is_refused(values, world, tmp_path):
    before = snapshot()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"dataValues": [{"dataElement": "vpr_n", "orgUnit": "OO-A", "period": "2024Sep", "value": "41"}]}))
    out = StringIO()
    call_command("dhis2", "import", str(good), "--dry-run", stdout=out)
    assert "Проверка без записи" in out.getvalue() and "изменено — 1" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="bad.json"):
        call_command("dhis2", "import", str(bad), stdout=StringIO())
    conflicting = tmp_path / "conflict.json"
    conflicting.write_text(json.dumps({"dataValues": [
        {"dataElement": "vpr_n", "orgUnit": "OO-A", "period": "2024Sep", "value": "41"},
        {"dataElement": "vpr_n", "orgUnit": "ZZZ", "period": "2024Sep", "value": "1"},
    ]}))
    with pytest.raises(CommandError):
        call_command("dhis2", "import", str(conflicting), stdout=StringIO())
    assert snapshot() == before


def test_export_filters_by_period_and_organisation(values, world):
    out = StringIO()
    call_command("dhis2", "export", "--out", "-", "--org", "OO-C", "--period", "2024/25", stdout=out)
    document = json.loads(out.getvalue())
    assert {(v["dataElement"], v["value"]) for v in document["dataValues"]} == {("vpr_m2", "5"), ("vpr_n", "50")}
    empty = StringIO()
    call_command("dhis2", "export", "--out", "-", "--period", "2023/24", stdout=empty)
    assert json.loads(empty.getvalue()) == {"dataValues": []}
