"""A tiny catalog and data for page tests, built with the models directly."""

from __future__ import annotations

import pytest

from msoko.catalog.models import CatalogVersion, DataElement, Direction, Goal, Indicator, Mechanism
from msoko.collection.models import DataValue


@pytest.fixture
def small_catalog(world):
    version = CatalogVersion.objects.create(label="test-1", is_current=True)
    mechanism = Mechanism.objects.create(version=version, number=1, name="Механизмы управления качеством образовательных результатов")
    direction = Direction.objects.create(
        version=version, mechanism=mechanism, number=1, code="achievement",
        name="Система оценки качества подготовки обучающихся", short_name="Качество подготовки", seed_ref="000 §12",
    )
    Goal.objects.create(direction=direction, code="1.1", text="Повышение качества подготовки обучающихся", tasks=["Обеспечить объективность"], seed_ref="000 §12")
    for code, name in [("vpr_participants", "Число участников ВПР"), ("vpr_mark2", "Число участников ВПР с отметкой «2»")]:
        DataElement.objects.create(code=code, name=name, source="ФИС ОКО")
    indicator = Indicator.objects.create(
        version=version, direction=direction, code="1.01", name="Доля участников ВПР, получивших «2»",
        kind="share", numerator="vpr_mark2", denominator="vpr_participants", multiplier=100, unit="%",
        higher_is_better=False, source="ФИС ОКО", collection_method="выгрузка", seed_ref="000 §22", org_kinds=["school"],
    )
    return indicator


@pytest.fixture
def vpr_values(world, small_catalog):
    """School A: 2 of 10 got «2» in 2024/25 and 3 of 10 in 2023/24; school B: 1 of 20 in 2024/25."""
    elements = {e.code: e for e in DataElement.objects.all()}

    def put(org, year, code, value):
        DataValue.objects.create(data_element=elements[code], organisation=org, period=world.periods[year], value=value)

    put(world.school_a, 2024, "vpr_participants", 10)
    put(world.school_a, 2024, "vpr_mark2", 2)
    put(world.school_a, 2023, "vpr_participants", 10)
    put(world.school_a, 2023, "vpr_mark2", 3)
    put(world.school_b, 2024, "vpr_participants", 20)
    put(world.school_b, 2024, "vpr_mark2", 1)
