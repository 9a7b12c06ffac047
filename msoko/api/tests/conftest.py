"""Fixtures of the API tests: tokens for every persona, a small catalog, stored values and a
second municipality «OTH» in the same region with its own school, department user and a region user.

Values of the year 2024/25 (hand-made, used for hand-computed expectations):

| school | municipality | cluster | vpr_m2 | vpr_n |
| ------ | ------------ | ------- | ------ | ----- |
| OO-A   | TSK          | urban   | 6      | 40    |
| OO-B   | TSK          | rural   | 3      | 10    |
| OO-C   | OTH          | urban   | 5      | 50    |

plus OO-A «vpr_m2» in category «math-4» = 4, DOO-1 «mean_score» = 3.75 and OO-B «remote» = true.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from msoko.api.tokens import create_token
from msoko.catalog.models import CatalogVersion, DataElement, Direction, Indicator, Mechanism
from msoko.collection.models import DataValue
from msoko.core.testing import PERSONAS
from msoko.registry.models import (
    Cluster,
    ClusterMembership,
    Municipality,
    Organisation,
    Person,
    Role,
    RoleAssignment,
)

VALUES_2024 = [
    # element, organisation, category, value
    ("vpr_m2", "OO-A", "", 6.0),
    ("vpr_n", "OO-A", "", 40.0),
    ("vpr_m2", "OO-A", "math-4", 4.0),
    ("vpr_m2", "OO-B", "", 3.0),
    ("vpr_n", "OO-B", "", 10.0),
    ("remote", "OO-B", "", 1.0),
    ("mean_score", "DOO-1", "", 3.75),
    ("vpr_m2", "OO-C", "", 5.0),
    ("vpr_n", "OO-C", "", 50.0),
]


@pytest.fixture
def catalog(db) -> dict[str, object]:
    version = CatalogVersion.objects.create(label="api-тест", is_current=True)
    mechanism = Mechanism.objects.create(version=version, number=1, name="Механизм управления качеством результатов")
    direction = Direction.objects.create(
        version=version, mechanism=mechanism, number=1, code="d1", name="Оценка качества подготовки", short_name="Подготовка",
    )
    elements = {
        "vpr_m2": DataElement.objects.create(code="vpr_m2", name="Участников ВПР с отметкой «2»"),
        "vpr_n": DataElement.objects.create(code="vpr_n", name="Участников ВПР"),
        "remote": DataElement.objects.create(code="remote", name="Удалённая школа", value_type=DataElement.ValueType.BOOL),
        "mean_score": DataElement.objects.create(code="mean_score", name="Средний балл", value_type=DataElement.ValueType.SCORE),
    }
    r1 = Indicator.objects.create(
        version=version, direction=direction, code="R1", name="Доля «2» по ВПР", kind="share", numerator="vpr_m2",
        denominator="vpr_n", multiplier=100, higher_is_better=False, seed_ref="тест",
    )
    return {"version": version, "direction": direction, "R1": r1, **elements}


@pytest.fixture
def other(world) -> dict[str, object]:
    """Municipality «OTH» of the same region: school OO-C (urban cluster), its department and school users,
    and a region-level user «region» who sees both municipalities."""
    municipality = Municipality.objects.create(region=world.region, code="OTH", name="город Другой")
    school = Organisation.objects.create(
        municipality=municipality, code="OO-C", short_name="Школа В", full_name="Средняя школа В города Другого",
    )
    urban = Cluster.objects.create(municipality=municipality, code="urban", name="Городские школы")
    for year in world.years.values():
        ClusterMembership.objects.create(organisation=school, cluster=urban, academic_year=year)
    users = {}
    for username, role, where in (
        ("other_department", Role.DEPARTMENT, "municipality"),
        ("other_school", Role.ORG_ADMIN, "school"),
        ("region", Role.REGION, "region"),
    ):
        user = get_user_model().objects.create_user(username=username, password="x-parol-2024-x")
        person = Person.objects.create(full_name=f"Пользователь {username}", user=user)
        RoleAssignment.objects.create(
            person=person, role=role,
            municipality=municipality if where == "municipality" else None,
            organisation=school if where == "school" else None,
            region=world.region if where == "region" else None,
        )
        users[username] = user
    return {"municipality": municipality, "school": school, "cluster": urban, **users}


@pytest.fixture
def values(world, catalog, other) -> None:
    orgs = {o.code: o for o in Organisation.objects.all()}
    for element, org, category, value in VALUES_2024:
        DataValue.objects.create(
            data_element=catalog[element], organisation=orgs[org], period=world.periods[2024], category=category,
            value=value, source_note="тестовые данные",
        )


@pytest.fixture
def tokens(world, other) -> dict[str, str]:
    """persona → plain bearer key, for every persona of the world and of «OTH»."""
    names = [*PERSONAS, "other_department", "other_school", "region"]
    users = get_user_model().objects.in_bulk(names, field_name="username")
    return {name: create_token(users[name], name="тест")[1] for name in names}


@pytest.fixture
def api_get(client):
    def get(key: str | None, path: str, **params):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return client.get(f"/api/v1/{path}", params, headers=headers, HTTP_HOST="localhost")

    return get


@pytest.fixture
def api_post(client):
    def post(key: str | None, path: str, data=None, **kwargs):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return client.post(
            f"/api/v1/{path}", data, content_type=kwargs.pop("content_type", "application/json"), headers=headers,
            HTTP_HOST="localhost", **kwargs,
        )

    return post
