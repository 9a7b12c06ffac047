"""A two-direction catalog for the matrix and page tests, built with the models directly.

Direction 1 «Качество подготовки»: two goals, five indicators, every one with a collection method.
Direction 7 «Воспитание»: no goals, two indicators, one with a collection method.
"""

from __future__ import annotations

import pytest

from msoko.catalog.models import CatalogVersion, DataElement, Direction, Goal, Indicator, Mechanism


@pytest.fixture
def cycle_catalog(world):
    version = CatalogVersion.objects.create(label="cycle-test", is_current=True)
    results = Mechanism.objects.create(version=version, number=1, name="Механизмы управления качеством образовательных результатов")
    activity = Mechanism.objects.create(version=version, number=2, name="Механизмы управления качеством образовательной деятельности")
    quality = Direction.objects.create(
        version=version, mechanism=results, number=1, code="achievement",
        name="Система оценки качества подготовки обучающихся", short_name="Качество подготовки",
    )
    upbringing = Direction.objects.create(
        version=version, mechanism=activity, number=7, code="upbringing",
        name="Система организации воспитания обучающихся", short_name="Воспитание",
    )
    Goal.objects.create(direction=quality, code="1.1", text="Повышение качества подготовки обучающихся", order=1)
    Goal.objects.create(direction=quality, code="1.2", text="Обеспечение объективности оценочных процедур", order=2)
    for n in range(1, 6):
        DataElement.objects.create(code=f"q{n}", name=f"Элемент {n}")
        Indicator.objects.create(
            version=version, direction=quality, code=f"1.0{n}", order=n, name=f"Показатель качества {n}",
            kind="share", numerator=f"q{n}", denominator="", multiplier=1, collection_method="выгрузка ФИС ОКО",
            seed_ref="000 §22",
        )
    DataElement.objects.create(code="v1", name="Охват воспитательными мероприятиями")
    DataElement.objects.create(code="v2", name="Число участников объединений")
    Indicator.objects.create(version=version, direction=upbringing, code="7.01", order=1, name="Охват",
                             kind="share", numerator="v1", multiplier=1, collection_method="анкетирование", seed_ref="000 §28")
    Indicator.objects.create(version=version, direction=upbringing, code="7.02", order=2, name="Участие",
                             kind="share", numerator="v2", multiplier=1, seed_ref="000 §28")
    return {"version": version, "quality": quality, "upbringing": upbringing}
