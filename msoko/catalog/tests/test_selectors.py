"""Catalog reads used by pages and analysis."""

from __future__ import annotations

import pytest

from msoko.catalog import selectors, services
from msoko.registry.models import AcademicYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return services.load_default_catalog().version


def test_search_is_case_insensitive_for_cyrillic(version):
    codes = set(selectors.search_indicators(version, "впр отметку «2»").values_list("code", flat=True))
    assert "1.01" in codes
    assert set(selectors.search_indicators(version, "ЕГЭ ВЫСОКОБАЛЛЬНИКОВ").values_list("code", flat=True)) == {"1.07"}


def test_indicators_of_the_social_block_are_the_nine_shnsu_conditions(version):
    assert selectors.indicators(version, block="social").count() == 9


def test_directions_with_content_keep_catalog_order(version):
    first = selectors.directions_with_content(version)[0]
    assert [i.code for i in first.indicators.all()][:3] == ["1.01", "1.02", "1.03"]
    assert first.goals.all()[0].code == "1.1"


def test_a_year_reads_the_version_it_was_assigned(version):
    newer = services.clone_version(version, "msoko-2027.1", make_current=True)
    year = AcademicYear.objects.create(start_year=2024)
    assert selectors.version_for_year(year) == newer
    services.assign_version_to_year(version, year)
    assert selectors.version_for_year(year) == version
    assert selectors.indicator(version, "1.01").direction.number == 1
