"""Constructed data for the service and page tests: a small catalog and stored values.

Four urban schools S1…S4 (plus the `world`'s schools A and B, which get no values) with one result
indicator «R1» = vpr_m2 / vpr_n × 100 (lower is better) and one social indicator «S1» =
odn / pupils × 100 (lower is better, i.e. higher = worse conditions).
"""

from __future__ import annotations

from msoko.catalog.models import CatalogVersion, DataElement, Direction, Indicator, IndicatorTarget, Mechanism
from msoko.collection.models import DataValue
from msoko.registry.models import ClusterMembership, Organisation

#: school → year → (vpr_m2, vpr_n, odn, pupils)
VALUES = {
    "S1": {2023: (12, 100, 1, 100), 2024: (10, 100, 1, 100)},
    "S2": {2023: (20, 100, 2, 100), 2024: (20, 100, 2, 100)},
    "S3": {2023: (30, 100, 3, 100), 2024: (30, 100, 3, 100)},
    "S4": {2023: (70, 100, 8, 100), 2024: (80, 100, 8, 100)},
}


def make_catalog() -> dict[str, Indicator]:
    version = CatalogVersion.objects.create(label="тест-1", is_current=True)
    mechanism = Mechanism.objects.create(version=version, number=1, name="Механизм")
    direction = Direction.objects.create(
        version=version, mechanism=mechanism, number=1, code="d1", name="Оценка подготовки", short_name="Подготовка"
    )
    social = Direction.objects.create(
        version=version, mechanism=mechanism, number=2, code="d2", name="ШНОР", short_name="ШНОР"
    )
    for code in ("vpr_m2", "vpr_n", "odn", "pupils"):
        DataElement.objects.create(code=code, name=code)
    r1 = Indicator.objects.create(
        version=version, direction=direction, code="R1", name="Доля «2» по ВПР", kind="share",
        numerator="vpr_m2", denominator="vpr_n", multiplier=100, higher_is_better=False, block="results",
        not_for_rating=True, seed_ref="тест",
    )
    s1 = Indicator.objects.create(
        version=version, direction=social, code="S1", name="Доля на учёте ОДН", kind="share",
        numerator="odn", denominator="pupils", multiplier=100, higher_is_better=False, block="social",
        seed_ref="тест",
    )
    return {"R1": r1, "S1": s1}


def make_schools(world) -> dict[str, Organisation]:
    schools = {}
    for code in VALUES:
        org = Organisation.objects.create(
            municipality=world.municipality, code=code, short_name=f"Школа {code}", full_name=f"Школа {code}",
        )
        for year in (2023, 2024):
            ClusterMembership.objects.create(organisation=org, cluster=world.urban, academic_year=world.years[year])
        schools[code] = org
    return schools


def store_values(world, schools) -> None:
    elements = {e.code: e for e in DataElement.objects.all()}
    for code, years in VALUES.items():
        for year, numbers in years.items():
            for element, value in zip(("vpr_m2", "vpr_n", "odn", "pupils"), numbers, strict=True):
                DataValue.objects.create(
                    data_element=elements[element], organisation=schools[code], period=world.periods[year],
                    value=float(value),
                )


def build(world) -> tuple[dict[str, Indicator], dict[str, Organisation]]:
    indicators = make_catalog()
    schools = make_schools(world)
    store_values(world, schools)
    IndicatorTarget.objects.create(indicator=indicators["R1"], year=2024, norm=25.0)
    return indicators, schools
