"""Organisations and clusters from files: atomic, idempotent, with located Russian errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from msoko.collection.tests.files import write_csv
from msoko.core.models import AuditEntry
from msoko.registry.importers import RegistryImportError, import_clusters, import_organisations
from msoko.registry.models import AcademicYear, ClusterMembership, Organisation, Period

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "formats" / "samples"


def test_organisations_are_created_then_unchanged_then_updated(world, tmp_path):
    first = import_organisations(SAMPLES / "organisations.xlsx", world.municipality)
    assert (first.created, first.updated) == (3, 0)
    village = Organisation.objects.get(code="OO-0002")
    assert (village.kind, village.settlement, village.is_small, village.is_remote) == ("school", "rural", True, True)
    assert Organisation.objects.get(code="DOO-0001").kind == "preschool"
    assert Organisation.objects.get(code="OO-0001").active_from == 2000

    audit_count = AuditEntry.objects.count()
    again = import_organisations(SAMPLES / "organisations.csv", world.municipality)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.message.startswith("Изменений нет")
    assert AuditEntry.objects.count() == audit_count

    text = (SAMPLES / "organisations.csv").read_text(encoding="utf-8").replace("ул. Садовая, 5", "ул. Садовая, 7")
    changed = tmp_path / "organisations.csv"
    changed.write_text(text, encoding="utf-8")
    assert import_organisations(changed, world.municipality).updated == 1
    assert Organisation.objects.get(code="DOO-0001").address == "ул. Садовая, 7"


def test_bad_organisation_row_refuses_the_whole_file(world, tmp_path):
    rows = [["Код", "Краткое наименование", "Полное наименование", "Тип", "Малокомплектная"],
            ["OO-0100", "Школа 100", "Школа № 100", "школа", "нет"],
            ["OO-0101", "Школа 101", "Школа № 101", "гимназия", "может быть"]]
    with pytest.raises(RegistryImportError) as caught:
        import_organisations(write_csv(tmp_path / "orgs.csv", rows), world.municipality)
    text = str(caught.value)
    assert "строка 3, столбец «Тип» (№ 4): «гимназия» — недопустимое значение поля «Тип»" in text
    assert "строка 3, столбец «Малокомплектная» (№ 5)" in text
    assert not Organisation.objects.filter(code="OO-0100").exists()


def test_clusters_create_years_periods_and_memberships_idempotently(world, tmp_path):
    import_organisations(SAMPLES / "organisations.xlsx", world.municipality)
    rows = [["Код ОО", "Учебный год", "Кластер", "Название кластера"],
            ["OO-0001", "2026/27", "big", "Крупные школы"], ["OO-0002", "2026/27", "rural", "Сельские школы"]]
    path = write_csv(tmp_path / "clusters.csv", rows)
    result = import_clusters(path, world.municipality)
    assert result.created == 2
    year = AcademicYear.objects.get(start_year=2026)
    assert Period.objects.filter(academic_year=year, code="2026/27").exists()
    assert ClusterMembership.objects.get(organisation__code="OO-0001", academic_year=year).cluster.name == "Крупные школы"
    assert import_clusters(path, world.municipality).unchanged == 2


def test_clusters_refuse_unknown_organisation(world, tmp_path):
    rows = [["Код ОО", "Учебный год", "Кластер"], ["OO-9999", "2024/25", "urban"]]
    with pytest.raises(RegistryImportError, match="строка 2, столбец «Код ОО» \\(№ 1\\): код организации «OO-9999» не найден"):
        import_clusters(write_csv(tmp_path / "c.csv", rows), world.municipality)
