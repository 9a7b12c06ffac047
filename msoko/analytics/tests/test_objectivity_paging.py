"""The objectivity page shows schools a page at a time, in the verdict order, reading only that page."""

from __future__ import annotations

import pytest

from msoko.analytics import selectors
from msoko.analytics.models import AnalysisRun, ObjectivityFlag
from msoko.registry.models import Organisation

pytestmark = pytest.mark.django_db


def _flag(run, org, criterion, flagged=False):
    ObjectivityFlag.objects.create(run=run, organisation=org, year=2024, criterion=criterion, flagged=flagged,
                                   evidence=f"{org.code}: {criterion}")


@pytest.fixture
def run(world):
    run = AnalysisRun.objects.create(kind=AnalysisRun.Kind.OBJECTIVITY, municipality=world.municipality,
                                     years=[2024], status=AnalysisRun.Status.DONE)
    extra = Organisation.objects.create(municipality=world.municipality, code="OO-C", short_name="Школа В",
                                        full_name="Школа В", kind=Organisation.Kind.SCHOOL)
    # school A: two criterion signals, verdict not flagged; school B: one signal and a flagged verdict;
    # school C: one signal, verdict not flagged
    for criterion in ("marks_vs_vpr", "distribution"):
        _flag(run, world.school_a, criterion, flagged=True)
    _flag(run, world.school_a, ObjectivityFlag.SUMMARY)
    _flag(run, world.school_b, "marks_vs_vpr", flagged=True)
    _flag(run, world.school_b, ObjectivityFlag.SUMMARY, flagged=True)
    _flag(run, extra, "distribution", flagged=True)
    return run


def test_flagged_verdicts_first_then_most_signals_then_code(world, run):
    order = selectors.objectivity_school_order(run, 2024, Organisation.objects.all())
    codes = dict(Organisation.objects.values_list("pk", "code"))
    assert [codes[pk] for pk in order] == ["OO-B", "OO-A", "OO-C"]


def test_one_page_reads_only_its_schools_and_keeps_the_same_order(world, run):
    order = selectors.objectivity_school_order(run, 2024, Organisation.objects.all())
    page = selectors.objectivity_tables(run, 2024, Organisation.objects.all(), only=order[1:])
    assert [s["organisation"].code for s in page] == ["OO-A", "OO-C"]
    assert [len(s["signals"]) for s in page] == [2, 1]


def test_the_page_has_a_pager_when_more_than_twenty_schools_have_signals(client_for, world, run):
    for n in range(21):
        org = Organisation.objects.create(municipality=world.municipality, code=f"S-{n:02d}", short_name=f"Ш{n}",
                                          full_name=f"Школа {n}", kind=Organisation.Kind.SCHOOL)
        _flag(run, org, "distribution", flagged=True)
    client = client_for("department")
    first = client.get(f"/analysis/objectivity/{run.pk}/?year=2024").content.decode()
    assert "Страница 1 из 2 (всего 24)" in first
    assert "OO-B: marks_vs_vpr" in first  # the flagged verdict leads the first page
    second = client.get(f"/analysis/objectivity/{run.pk}/?year=2024&page=2").content.decode()
    assert "OO-B: marks_vs_vpr" not in second and "S-20: distribution" in second


def test_monitoring_shows_fifty_places_a_page_but_the_grid_counts_every_school(world):
    from msoko.analytics.models import StatusChange

    run = AnalysisRun.objects.create(kind=AnalysisRun.Kind.MONITORING, municipality=world.municipality,
                                     years=[2024], status=AnalysisRun.Status.DONE)
    orgs = Organisation.objects.bulk_create(
        Organisation(municipality=world.municipality, code=f"M-{n:02d}", short_name=f"Ш{n}", full_name=f"Школа {n}",
                     kind=Organisation.Kind.SCHOOL) for n in range(60)
    )
    StatusChange.objects.bulk_create(
        StatusChange(run=run, organisation=org, year=2024, indicator_code="1.01", direction_number=1, rank=n + 1,
                     status_level=5, change_level=3, colour="good")
        for n, org in enumerate(orgs)
    )
    everything = selectors.monitoring_tables(run, 1, Organisation.objects.all())
    assert len(everything["indicators"][0]["rows"]) == 60 and everything["page"] is None
    second = selectors.monitoring_tables(run, 1, Organisation.objects.all(), page="2")
    assert [item["row"].rank for item in second["indicators"][0]["rows"]] == list(range(51, 61))
    assert second["page"].number == 2 and second["page"].paginator.num_pages == 2
    assert second["grid"][0]["cells"][2]["count"] == 60  # level 5 × change 3: all sixty schools
    assert selectors.monitoring_tables(run, 1, Organisation.objects.all(), page="junk")["page"].number == 1


def test_shnor_index_tables_show_one_slice_but_the_status_lists_stay_whole(world):
    from msoko.analytics.models import SchoolStatus, ShnorResult

    run = AnalysisRun.objects.create(kind=AnalysisRun.Kind.SHNOR, municipality=world.municipality,
                                     years=[2024], status=AnalysisRun.Status.DONE)
    orgs = Organisation.objects.bulk_create(
        Organisation(municipality=world.municipality, code=f"N-{n:02d}", short_name=f"Ш{n}", full_name=f"Школа {n}",
                     kind=Organisation.Kind.SCHOOL) for n in range(55)
    )
    ShnorResult.objects.bulk_create(
        ShnorResult(run=run, organisation=org, year=2024, block=block, rank=n + 1, index=n / 100)
        for n, org in enumerate(orgs) for block in ("results", "social")
    )
    SchoolStatus.objects.bulk_create(SchoolStatus(run=run, organisation=org, stable_low=True) for org in orgs)
    tables = selectors.shnor_tables(run, 2024, Organisation.objects.all(), page=2)
    assert [item["row"].rank for item in tables["results"]] == [51, 52, 53, 54, 55]
    assert [item["row"].rank for item in tables["social"]] == [51, 52, 53, 54, 55]
    assert len(tables["stable_low"]) == 55
    assert tables["page"].paginator.num_pages == 2
    assert len(selectors.shnor_tables(run, 2024, Organisation.objects.all())["results"]) == 55
