"""A cached figure is recomputed exactly when something has been written (an audit entry added)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from msoko.core import audit
from msoko.core.freshness import cached, change_stamp
from msoko.cycle.tests.conftest import cycle_catalog  # noqa: F401, F811  (fixture)

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "freshness-test"}}


@pytest.fixture
def memory_cache():
    with override_settings(CACHES=LOCMEM):
        cache.clear()
        yield
        cache.clear()


@pytest.mark.django_db
def test_the_value_is_computed_once_until_something_is_written(world, memory_cache):
    calls = []

    def compute():
        calls.append(1)
        return {"figure": len(calls)}

    assert cached("x", compute) == {"figure": 1}
    assert cached("x", compute) == {"figure": 1}  # read from the cache
    stamp = change_stamp()
    audit.record(world.department, "test.change", world.school_a, before={}, after={"x": 1})
    assert change_stamp() > stamp
    assert cached("x", compute) == {"figure": 2}  # recomputed after the write
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_matrix_cells_follow_a_new_recommendation(world, cycle_catalog, memory_cache):  # noqa: F811
    from msoko.catalog.models import Direction
    from msoko.cycle.matrix import direction_cells
    from msoko.cycle.services.recommendations import create_recommendation

    direction = Direction.objects.get(number=1)

    def recommendations_cell():
        return next(c for c in direction_cells(direction, world.current_year, world.municipality) if c.position == "recommendations")

    assert recommendations_cell().count == 0
    assert recommendations_cell().count == 0  # cached
    create_recommendation(world.department, world.municipality, title="Перепроверка ВПР",
                          text="Провести перепроверку работ", addressee_level="municipality",
                          direction_number=1, academic_year=world.current_year)
    assert recommendations_cell().count == 1
