"""`msoko demo` builds the municipality through the real import path."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from msoko.collection.models import DataValue, ImportBatch, VprResult
from msoko.registry.models import AcademicYear, Cluster, Organisation, Person, Role, RoleAssignment


@pytest.mark.django_db(transaction=True)
def test_demo_builds_municipality_with_every_role_and_imported_data(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo", "--no-serve", "--schools", "25", "--years", "4", "--seed", "7")
    out = capsys.readouterr().out

    assert Organisation.objects.filter(kind="school").count() == 25
    assert Organisation.objects.filter(kind="preschool").count() >= 12
    assert Organisation.objects.filter(kind="additional").count() >= 2
    assert Cluster.objects.count() >= 3
    assert AcademicYear.objects.count() == 4
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.filter(user__isnull=False).count() >= len(Role.values)

    batches = ImportBatch.objects.all()
    assert batches.exists()
    assert set(batches.values_list("status", flat=True)) == {"done"}
    assert {"vpr", "gia", "olympiad", "oo1", "preschool", "values", "survey"} <= set(batches.values_list("kind", flat=True))
    assert VprResult.objects.values("academic_year").distinct().count() == 4
    assert DataValue.objects.filter(data_element__code="vpr_mark2", category="").count() >= 25 * 4

    assert "department /" in out and "Входы для демонстрации" in out
    _no_share_above_the_whole()
    # a second run keeps the data and says so
    call_command("demo", "--no-serve")
    assert "уже есть" in capsys.readouterr().out
    assert Organisation.objects.filter(kind="school").count() == 25


def _no_share_above_the_whole() -> None:
    """Parts stay within their whole in every year and organisation — imported, generated or sent in a
    campaign form (e.g. teachers of the highest and first category, or in networks, ≤ all teachers):
    no «доля» of the demo exceeds 100 %."""
    import polars as pl

    from msoko.analytics.selectors import indicator_values
    from msoko.catalog.selectors import current_version, indicators

    shares = [i for i in indicators(current_version()) if i.kind == "share"]
    values = indicator_values(shares)
    assert values.height > 0
    above = values.filter(pl.col("value") > 100)
    assert above.height == 0, above.head(10)
