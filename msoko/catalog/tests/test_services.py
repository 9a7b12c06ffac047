"""Loading, exporting and versioning the catalog."""

from __future__ import annotations

import pytest

from msoko.catalog import services
from msoko.catalog.models import (
    CatalogVersion,
    DataElement,
    Direction,
    Goal,
    Indicator,
    IndicatorTarget,
    Mechanism,
)
from msoko.catalog.schema import CatalogError
from msoko.catalog.tests.documents import small_catalog
from msoko.core.models import AuditEntry
from msoko.registry.models import AcademicYear

pytestmark = pytest.mark.django_db


def assert_nothing_written() -> None:
    for model in (CatalogVersion, Mechanism, Direction, Goal, DataElement, Indicator, IndicatorTarget, AuditEntry):
        assert model.objects.count() == 0, model.__name__


def test_loading_writes_the_whole_version_with_one_audit_entry():
    version = services.load_catalog(small_catalog(), source="test")
    assert version.is_current
    indicator = Indicator.objects.get(version=version, code="1.01")
    assert (indicator.numerator, indicator.denominator, indicator.multiplier) == ("vpr_mark2", "vpr_participants", 100)
    assert indicator.direction.goals.get().tasks == ["организовать ВПР"]
    assert indicator.targets.get().target == 8
    assert sorted(version.data_elements.values_list("code", flat=True)) == ["org_small", "vpr_mark2", "vpr_participants"]
    entry = AuditEntry.objects.get()
    assert entry.action == "catalog.load" and entry.after["indicators"] == 2


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["directions"][0]["indicators"][1].update(code="1.01"),
        lambda d: d["directions"][0]["indicators"][0].update(numerator="vpr_mark_two"),
        lambda d: d["directions"][0]["indicators"][0].update(denominator="(vpr_participants"),
        lambda d: d["directions"][0]["indicators"][0].pop("name"),
    ],
    ids=["duplicate code", "unknown element", "unparseable formula", "missing key"],
)
def test_a_bad_document_changes_nothing(breakage):
    doc = small_catalog()
    breakage(doc)
    with pytest.raises(CatalogError):
        services.load_catalog(doc, source="bad.yaml")
    assert_nothing_written()


def test_export_then_import_into_an_empty_database_gives_the_same_document():
    services.load_default_catalog()
    exported = services.export_catalog()
    CatalogVersion.objects.all().delete()
    DataElement.objects.all().delete()
    assert Indicator.objects.count() == 0

    services.load_catalog(exported, source="exchange.json")
    assert services.export_catalog() == exported


def test_export_has_the_documented_shape():
    services.load_catalog(small_catalog(), source="test")
    doc = services.export_catalog()
    assert set(doc) == {"version", "mechanisms", "cycle_positions", "data_elements", "directions", "variant_directions"}
    direction = doc["directions"][0]
    assert (direction["number"], direction["mechanism"]) == (1, 1)
    indicator = direction["indicators"][0]
    assert indicator["formula"] == "vpr_mark2 / vpr_participants × 100"
    assert indicator["higher_is_better"] is False
    assert indicator["targets"] == {"2024": {"norm": 10.0, "target": 8.0}}
    assert len(doc["cycle_positions"]) == 9


def test_the_same_label_with_the_same_content_is_a_no_op_that_says_so():
    first = services.import_catalog(small_catalog(), source="a")
    second = services.import_catalog(small_catalog(), source="b")
    assert first.created and not second.created
    assert second.version.pk == first.version.pk
    assert "уже загружена" in second.message
    assert CatalogVersion.objects.count() == 1 and AuditEntry.objects.count() == 1


def test_the_same_label_with_different_content_is_refused():
    services.load_catalog(small_catalog(), source="a")
    changed = small_catalog()
    changed["directions"][0]["indicators"][0]["name"] = "Другое название"
    with pytest.raises(CatalogError, match="test-1"):
        services.load_catalog(changed, source="b")
    assert Indicator.objects.get(code="1.01").name == "Доля участников ВПР, получивших отметку «2»"


def test_a_new_version_becomes_current_and_the_old_one_keeps_its_methodology():
    old = services.load_catalog(small_catalog("2024"), source="a")
    doc = small_catalog("2025")
    doc["directions"][0]["indicators"][0]["multiplier"] = 1000
    new = services.load_catalog(doc, source="b")
    old.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert Indicator.objects.get(version=old, code="1.01").multiplier == 100
    assert Indicator.objects.get(version=new, code="1.01").multiplier == 1000


def test_loading_without_make_current_keeps_the_current_version():
    current = services.load_catalog(small_catalog("2024"), source="a")
    services.load_catalog(small_catalog("draft"), source="b", make_current=False)
    assert CatalogVersion.objects.get(is_current=True) == current


def test_clone_version_copies_everything_under_a_new_label():
    version = services.load_catalog(small_catalog("2024"), source="a")
    copy = services.clone_version(version, "2025")
    original, cloned = services.export_catalog(version), services.export_catalog(copy)
    assert cloned["version"] == "2025"
    assert {**cloned, "version": "2024"} == original
    assert not copy.is_current


def test_a_data_element_shared_by_versions_is_updated_and_the_change_is_audited():
    services.load_catalog(small_catalog("2024"), source="a")
    doc = small_catalog("2025")
    doc["data_elements"][0]["name"] = "Число участников ВПР (все классы)"
    services.load_catalog(doc, source="b")
    assert DataElement.objects.get(code="vpr_participants").name == "Число участников ВПР (все классы)"
    assert AuditEntry.objects.order_by("-id").first().after["data_elements_changed"] == ["vpr_participants"]


def test_a_year_keeps_its_version_unless_forced():
    first = services.load_catalog(small_catalog("2024"), source="a")
    second = services.load_catalog(small_catalog("2025"), source="b")
    year = AcademicYear.objects.create(start_year=2024)
    services.assign_version_to_year(first, year)
    with pytest.raises(CatalogError, match="2024/25"):
        services.assign_version_to_year(second, year)
    year.refresh_from_db()
    assert year.catalog_version == first
    services.assign_version_to_year(second, year, force=True)
    year.refresh_from_db()
    assert year.catalog_version == second
