"""Indicator values are computed once per data change and stored; pages read the stored figures.

Data (fixture `vpr_values`): school A had 2 of 10 ВПР participants with «2» in 2024/25 and 3 of 10
in 2023/24; school B 1 of 20 in 2024/25. Indicator 1.01 = «2» / participants × 100, aggregated as
the sum of numerators over the sum of denominators.
"""

from __future__ import annotations

import polars as pl
import pytest

from msoko.analytics import selectors
from msoko.analytics.models import IndicatorAggregate, IndicatorStore, IndicatorValue
from msoko.analytics.services import refresh_indicator_store
from msoko.catalog.models import DataElement, Indicator
from msoko.collection.models import DataValue, ImportBatch
from msoko.core.models import AuditEntry
from msoko.web.tests.conftest import small_catalog, vpr_values  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vpr_values")]


def _stored(org, year):
    return IndicatorValue.objects.get(organisation=org, year=year)


def test_refresh_stores_each_schools_value_and_the_municipal_aggregate(world):
    state = refresh_indicator_store()
    assert state.rows == 3
    assert _stored(world.school_a, 2024).value == pytest.approx(20.0)
    assert _stored(world.school_a, 2023).value == pytest.approx(30.0)
    b = _stored(world.school_b, 2024)
    assert (b.numerator, b.denominator, b.value) == (1.0, 20.0, pytest.approx(5.0))
    municipal = IndicatorAggregate.objects.get(municipality=world.municipality, org_kind="school", year=2024)
    # (2 + 1) / (10 + 20) × 100 = 10 %, not the mean of 20 % and 5 %
    assert (municipal.numerator, municipal.denominator, municipal.organisations) == (3.0, 30.0, 2)
    assert municipal.value == pytest.approx(10.0)


def test_stored_frame_equals_the_live_computation(world):
    indicators = list(Indicator.objects.all())
    live = selectors.indicator_values(indicators).sort("org_code", "year")
    stored = selectors.stored_indicator_values(indicators).sort("org_code", "year")
    assert stored.equals(live)
    only_a = selectors.stored_indicator_values(indicators, organisation_ids=[world.school_a.pk], years=[2024])
    assert only_a.select("org_code", "year", "value").rows() == [("OO-A", 2024, 20.0)]


def test_unchanged_data_is_not_recomputed(world):
    first = refresh_indicator_store()
    entries = AuditEntry.objects.count()
    again = refresh_indicator_store()
    assert again.refreshed_at == first.refreshed_at
    assert AuditEntry.objects.count() == entries  # nothing written the second time
    assert IndicatorStore.objects.count() == 1


def test_a_changed_value_makes_the_pages_see_new_figures(world):
    refresh_indicator_store()
    value = DataValue.objects.get(organisation=world.school_b, period=world.periods[2024],
                                  data_element=DataElement.objects.get(code="vpr_mark2"))
    value.value = 4  # a form accepted or a value corrected: (2 + 4) / 30 = 20 %
    value.save()
    got = selectors.municipal_values(list(Indicator.objects.all()), world.municipality.pk, "school", 2024)
    assert got == {"1.01": pytest.approx(20.0)}


def test_an_import_coming_into_force_changes_the_fingerprint(world):
    before = selectors.data_stamp()
    batch = ImportBatch.objects.create(kind="vpr", file_name="vpr.xlsx", checksum="0" * 64)
    assert selectors.data_stamp() != before
    pending = selectors.data_stamp()
    batch.status = ImportBatch.Status.DONE
    batch.save(update_fields=["status"])
    assert selectors.data_stamp() != pending


def test_the_organisation_card_reads_the_stored_municipal_value(client_for, world):
    refresh_indicator_store()
    # the stored figure is what the page shows: it is not recomputed per request
    IndicatorAggregate.objects.filter(year=2024, org_kind="school").update(value=42.0)
    page = client_for("department").get("/organisations/OO-A/?year=2024").content.decode().replace("\u00a0", " ")
    assert ">42 %<" in page


def test_indicators_outside_the_store_are_computed_live(world):
    refresh_indicator_store()
    IndicatorStore.objects.filter(pk=1).update(indicator_ids=[])
    frame = selectors.stored_indicator_values(list(Indicator.objects.all()), years=[2024])
    assert sorted(frame.get_column("value").to_list()) == [pytest.approx(5.0), pytest.approx(20.0)]
    assert isinstance(frame, pl.DataFrame)


def test_an_import_from_the_command_line_refreshes_the_store_at_once(world, tmp_path):
    from django.core.management import call_command

    from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_csv
    from msoko.collection.tests.test_formats import FULL

    refresh_indicator_store()
    stamp = IndicatorStore.objects.get().stamp
    path = write_csv(tmp_path / "vpr.csv", [VPR_HEADER, vpr_row("OO-B", "P9", FULL, 5, 4, year="2025/26")])
    call_command("import", "vpr", str(path), "--no-progress")
    state = IndicatorStore.objects.get()
    assert state.stamp != stamp and state.stamp == selectors.data_stamp()  # fresh before any page asks
